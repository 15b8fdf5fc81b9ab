//! Request helpers: pages read as [`Page`], API calls answered as [`Reply`], so that a test
//! states the request and checks a status, a field name or an error code in one line.

use super::{Browser, TestApp, csrf_in, location};
use serde_json::Value;

/// A page or form answer: its status, where it redirects, and its HTML.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub html: String,
}

/// Shows the status, the redirect and only the `<main>` part of the HTML (what a failing
/// assertion needs).
impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let main = self
            .html
            .find("<main")
            .map(|at| &self.html[at..])
            .unwrap_or(&self.html);
        let main = &main[..main.find("</main>").unwrap_or(main.len())];
        write!(f, "{} {} {main}", self.status, self.location)
    }
}

impl Page {
    async fn read(res: reqwest::Response) -> Page {
        Page {
            status: res.status().as_u16(),
            location: location(&res),
            html: res.text().await.unwrap_or_default(),
        }
    }

    /// Whether the HTML holds `text`.
    pub fn has(&self, text: &str) -> bool {
        self.html.contains(text)
    }

    /// The fields the error summary names (`<a href="#f-{field}">`), in order.
    pub fn field_errors(&self) -> Vec<String> {
        let Some(at) = self.html.find("class=\"error-summary\"") else {
            return Vec::new();
        };
        let summary = &self.html[at..];
        let summary = &summary[..summary.find("</div>").unwrap_or(summary.len())];
        summary
            .split("href=\"#f-")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_owned)
            .collect()
    }

    /// The codes of the errors shown (`data-error`: the form's summary, or an error page), in
    /// order: `required`, `pin_wrong`...
    pub fn errors(&self) -> Vec<&str> {
        self.html
            .split("data-error=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect()
    }

    /// Whether the page shows the error `code` (see [`Page::errors`]).
    pub fn has_error(&self, code: &str) -> bool {
        self.errors().contains(&code)
    }

    /// Whether something on the page is in the state `code` (`data-status`: a claim `paid`, a
    /// register's `kiosk-off`...).
    pub fn has_status(&self, code: &str) -> bool {
        self.has(&format!("data-status=\"{code}\""))
    }

    /// The key of the flash message shown (`data-flash`), or empty.
    pub fn flash(&self) -> &str {
        self.html
            .split("data-flash=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
    }

    /// The value of the first `name="{name}"` field (its `value` attribute, wherever it stands
    /// in the tag).
    pub fn value_of(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\"");
        let Some(at) = self.html.find(&marker) else {
            panic!("no field {name} in {}", self.html);
        };
        let tag = &self.html[at + marker.len()..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        tag.split("value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_default()
            .to_owned()
    }

    /// The first `href`/`action` target that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let Some(at) = self.html.find(prefix) else {
            panic!("no link {prefix} in {}", self.html);
        };
        self.html[at..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Browser {
    /// GET a page.
    pub async fn page(&self, path: &str) -> Page {
        Page::read(self.get(path).await).await
    }

    /// POST a form with the CSRF token, as a page answer.
    pub async fn send(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Page::read(self.post_form(path, fields).await).await
    }

    /// POST a multipart form with the CSRF token, text fields and one file.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, Vec<u8>),
    ) -> Page {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf().await);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let (name, file_name, bytes) = file;
        form = form.part(
            name.to_owned(),
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        Page::read(res).await
    }

    /// The CSRF token of the form on `path`.
    pub async fn csrf_of(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap_or_default();
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf field on {path}"))
    }
}

/// An API answer: its status, `Link` and `Content-Type` headers and JSON body (`Null` when
/// there is none).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub link: Option<String>,
    pub content_type: String,
    pub body: Value,
}

impl Reply {
    async fn read(res: reqwest::Response) -> Reply {
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned)
        };
        let (link, content_type) = (header("link"), header("content-type").unwrap_or_default());
        let body = res.json().await.unwrap_or(Value::Null);
        Reply {
            status,
            link,
            content_type,
            body,
        }
    }

    /// The problem's code: the first field error's code, or else the document's own.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["code"]
            .as_str()
            .or_else(|| self.body["code"].as_str())
            .unwrap_or("")
    }

    /// The status with the first field error's field and code: what a refused value answers.
    pub fn field_error(&self) -> (u16, &str, &str) {
        let e = &self.body["errors"][0];
        (
            self.status,
            e["field"].as_str().unwrap_or(""),
            e["code"].as_str().unwrap_or(""),
        )
    }

    /// The fields a validation problem names, in order.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|es| {
                es.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The body's `id`.
    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {}", self.body))
    }

    /// The body as a list.
    pub fn list(&self) -> &[Value] {
        self.body.as_array().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The URL of the `rel="next"` page.
    pub fn next(&self) -> Option<String> {
        let link = self.link.as_deref()?;
        Some(link.trim_start_matches('<').split('>').next()?.to_owned())
    }
}

/// An API client holding a bearer token; paths are below `/api/v1`.
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl TestApp {
    /// An API client using `token`.
    pub fn api(&self, token: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: format!("{}/api/v1", self.url),
            token: token.to_owned(),
        }
    }
}

impl Api {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder, key: Option<&str>) -> Reply {
        let req = req.bearer_auth(&self.token);
        let req = match key {
            Some(k) => req.header("Idempotency-Key", k),
            None => req,
        };
        Reply::read(req.send().await.unwrap()).await
    }

    /// GET `path` (below `/api/v1`, or a full URL such as a `next` link).
    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.http.get(self.url(path)), None).await
    }

    /// POST JSON.
    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.http.post(self.url(path)).json(body), None)
            .await
    }

    /// POST JSON under an idempotency key.
    pub async fn post_keyed(&self, path: &str, key: &str, body: &Value) -> Reply {
        self.send(self.http.post(self.url(path)).json(body), Some(key))
            .await
    }

    /// PUT JSON.
    pub async fn put_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.http.put(self.url(path)).json(body), None)
            .await
    }

    /// PATCH JSON.
    pub async fn patch_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.http.patch(self.url(path)).json(body), None)
            .await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.http.delete(self.url(path)), None).await
    }
}
