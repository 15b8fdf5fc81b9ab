//! Help pages: the user guides of docs/guide, in French at /aide and in English at /help.

use crate::ctx::Ctx;
use crate::errors::{PageError, render};
use crate::pages::paths;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::accounts::Lang;

macro_rules! guide {
    ($slug:literal) => {
        (
            $slug,
            include_str!(concat!("../../../../docs/guide/fr/", $slug, ".md")),
            include_str!(concat!("../../../../docs/guide/en/", $slug, ".md")),
        )
    };
}

/// Every guide: slug, French text, English text (Markdown, written in this repository).
const GUIDES: &[(&str, &str, &str)] = &[
    guide!("index"),
    guide!("hub"),
    guide!("producer"),
    guide!("buyer"),
    guide!("program"),
    guide!("partner"),
    guide!("market"),
    guide!("funder"),
    guide!("admin"),
];

fn text(slug: &str, lang: Lang) -> Option<&'static str> {
    GUIDES
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map(|(_, fr, en)| if lang == Lang::En { *en } else { *fr })
}

macro_rules! image {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../../../../docs/guide/img/", $name)).as_slice(),
        )
    };
}

/// The guides' pictures (PNG screenshots taken by `tests/browser/screenshots.mjs`). A guide
/// shows one as `![what it shows](../img/NAME)`, which also works when reading the Markdown
/// files in the repository.
const IMAGES: &[(&str, &[u8])] = &[
    image!("preparation-telephone.png"),
    image!("emballage-telephone.png"),
    image!("manifeste-telephone.png"),
    image!("catalogue-telephone.png"),
    image!("bon-de-commande-telephone.png"),
];

/// Where the help pages serve a guide's picture written `../img/NAME` in its Markdown.
fn image_url(dest: &str) -> Option<String> {
    let name = dest.strip_prefix("../img/")?;
    IMAGES
        .iter()
        .any(|(n, _)| *n == name)
        .then(|| paths::GuideImage(name.to_owned()).to_string())
}

fn title(md: &str) -> String {
    md.lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn to_html(md: &str) -> String {
    let parser = pulldown_cmark::Parser::new(md).map(|ev| match ev {
        // The guides are ours, but no raw HTML passes through all the same.
        pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
            pulldown_cmark::Event::Text(h)
        }
        pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image {
            link_type,
            dest_url: image_url(&dest_url).map_or(dest_url, Into::into),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    page: Ctx,
    title: String,
    body_html: String,
    guides: Vec<(String, String)>,
    other_lang_link: String,
}

fn help(mut page: Ctx, lang: Lang, slug: &str) -> Result<Response, PageError> {
    // The URL chooses the language: /aide is French, /help is English.
    page.i18n = crate::i18n::I18n::new(lang);
    let md =
        text(slug, lang).ok_or(PageError::new(StatusCode::NOT_FOUND, lang, "err-not-found"))?;
    let (base, other) = match lang {
        Lang::Fr => ("/aide", "/help"),
        Lang::En => ("/help", "/aide"),
    };
    let guides = GUIDES
        .iter()
        .filter(|(s, _, _)| *s != "index")
        .map(|(s, fr, en)| {
            (
                format!("{base}/{s}"),
                title(if lang == Lang::En { en } else { fr }),
            )
        })
        .collect();
    let other_lang_link = if slug == "index" {
        other.to_owned()
    } else {
        format!("{other}/{slug}")
    };
    let md_body: String = md
        .lines()
        .skip_while(|l| !l.starts_with("# "))
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    Ok(render(
        &HelpPage {
            title: title(md),
            body_html: to_html(&md_body),
            guides,
            other_lang_link,
            page,
        },
        lang,
    ))
}

/// `/aide/img/{name}`: a picture of the guides.
pub async fn image(paths::GuideImage(name): paths::GuideImage) -> Response {
    use axum::response::IntoResponse;
    match IMAGES.iter().find(|(n, _)| *n == name) {
        Some((_, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, "image/png"),
                (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `/aide`.
pub async fn index_fr(_: paths::HelpFr, page: Ctx) -> Result<Response, PageError> {
    help(page, Lang::Fr, "index")
}

/// `/help`.
pub async fn index_en(_: paths::HelpEn, page: Ctx) -> Result<Response, PageError> {
    help(page, Lang::En, "index")
}

/// `/aide/{guide}`.
pub async fn guide_fr(
    paths::GuideFr(slug): paths::GuideFr,
    page: Ctx,
) -> Result<Response, PageError> {
    help(page, Lang::Fr, &slug)
}

/// `/help/{guide}`.
pub async fn guide_en(
    paths::GuideEn(slug): paths::GuideEn,
    page: Ctx,
) -> Result<Response, PageError> {
    help(page, Lang::En, &slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guide_exists_in_both_languages_with_a_title() {
        for (slug, fr, en) in GUIDES {
            assert!(!title(fr).is_empty(), "{slug} (fr) has no title");
            assert!(!title(en).is_empty(), "{slug} (en) has no title");
        }
    }

    #[test]
    fn every_picture_a_guide_shows_is_served_with_its_description_and_none_is_unused() {
        let mut shown = std::collections::BTreeSet::new();
        for (slug, fr, en) in GUIDES {
            for md in [fr, en] {
                for (i, _) in md.match_indices("](../img/") {
                    let alt_start = md[..i].rfind("![").expect("an image's alt text");
                    assert!(i - alt_start > 2, "{slug}: a picture without a description");
                    let rest = &md[i + 2..];
                    let dest = &rest[..rest.find(')').expect("a closed link")];
                    let url =
                        image_url(dest).unwrap_or_else(|| panic!("{slug}: {dest} is not served"));
                    assert!(to_html(&format!("![x]({dest})")).contains(&format!("src=\"{url}\"")));
                    shown.insert(dest.trim_start_matches("../img/").to_owned());
                }
            }
        }
        for (name, bytes) in IMAGES {
            assert!(shown.contains(*name), "{name} is shown by no guide");
            assert!(bytes.starts_with(b"\x89PNG"), "{name} is a PNG");
        }
    }

    #[test]
    fn raw_html_in_markdown_is_escaped() {
        assert!(to_html("a <script>x</script>").contains("&lt;script&gt;"));
    }
}
