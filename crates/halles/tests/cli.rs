//! The real binary: `serve --demo` on SQLite and PostgreSQL, and `admin create-token`.

use halles_store::testing::TestDb;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_halles");

fn halles(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the halles binary runs")
}

struct Served {
    child: Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `halles serve --demo` on a free port and reads the printed address.
fn serve_demo(db_url: &str) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut printed = Vec::new();
    let mut url = None;
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(at) = line.find("http://") {
            url = Some(line[at..].trim().to_owned());
        }
        printed.push(line);
        if printed
            .iter()
            .any(|l| l.contains("rapports@fondation-semences.example"))
        {
            break;
        }
    }
    // Keep draining the output so the server never writes into a closed pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    let url = url.unwrap_or_else(|| panic!("no address printed: {printed:?}"));
    for login in halles_store::demo::LOGINS {
        assert!(
            printed.iter().any(|l| l.contains(login.email)),
            "login {} printed",
            login.email
        );
    }
    Served { child, url }
}

async fn demo_logins_work(served: &Served) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(format!("{}/connexion", served.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"fr\">") && page.contains("Connexion"));
    let csrf = {
        let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        page[at..at + page[at..].find('"').unwrap()].to_owned()
    };
    for login in halles_store::demo::LOGINS {
        let res = http
            .post(format!("{}/connexion", served.url))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", login.email),
                ("password", halles_store::demo::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "demo login {}", login.email);
        let home = http.get(format!("{}/", served.url)).send().await.unwrap();
        let to = home.headers()["location"].to_str().unwrap().to_owned();
        let page = http
            .get(format!("{}{to}", served.url))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{} home at {to}", login.email);
        let form_csrf = {
            let html = page.text().await.unwrap();
            let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
            html[at..at + html[at..].find('"').unwrap()].to_owned()
        };
        http.post(format!("{}/deconnexion", served.url))
            .form(&[("csrf", form_csrf.as_str())])
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_demo_serves_a_french_login_and_every_demo_login_works() {
    for db in TestDb::all().await {
        let served = serve_demo(&db.url);
        demo_logins_work(&served).await;
        drop(served);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_token_from_the_command_line_reads_its_organization_and_not_another() {
    for db in TestDb::all().await {
        let out = halles(&db.url, &["demo"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Organizations 1 (the hub) and 2 (a farm) exist in the demo.
        let out = halles(
            &db.url,
            &[
                "admin",
                "create-token",
                "--org",
                "1",
                "--name",
                "Comptabilité",
                "--scopes",
                "org:read,audit:read",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        assert!(token.starts_with("hal_"));
        let bad = halles(
            &db.url,
            &[
                "admin",
                "create-token",
                "--org",
                "1",
                "--name",
                "x",
                "--scopes",
                "everything",
            ],
        );
        assert!(!bad.status.success());

        let served = serve_demo(&db.url);
        let http = reqwest::Client::new();
        let me: Value = http
            .get(format!("{}/api/v1/me", served.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["organization"]["name"], "Pôle nourricier de l'Ouest");
        let own = http
            .get(format!("{}/api/v1/organizations/1", served.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200);
        let other = http
            .get(format!("{}/api/v1/organizations/2", served.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 404);
        let audit: Vec<Value> = http
            .get(format!("{}/api/v1/organizations/1/audit", served.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            audit.iter().any(|e| e["entity"] == "api_token"),
            "the token's creation is audited"
        );
        drop(served);

        let out = halles(
            &db.url,
            &[
                "admin",
                "create-user",
                "--email",
                "nouvelle@pole.example",
                "--name",
                "Nouvelle",
                "--org",
                "1",
                "--role",
                "staff",
                "--password",
                "une-phrase-assez-longue",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = halles(
            &db.url,
            &[
                "admin",
                "reset-password",
                "--email",
                "nouvelle@pole.example",
            ],
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Password: "));
        db.cleanup().await;
    }
}
