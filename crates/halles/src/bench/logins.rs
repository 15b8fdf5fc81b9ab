//! `halles bench logins`: starts the server as a separate process on a fresh database, fires
//! bursts of parallel log-ins at it and prints the server's peak memory (`VmHWM` of
//! `/proc/PID/status`), to check that password hashing stays bounded. It fails (exit status 1)
//! when no log-in succeeded, or when the peak passes `--max-mib`.

use anyhow::{Context, bail};
use halles_core::SystemClock;
use halles_core::accounts::Lang;
use halles_store::platform::accounts::NewUser;
use halles_store::{Actor, Store};
use halles_web::pages::paths::Login;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Settings of the log-in benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct LoginsBench {
    /// Log-ins fired at once in each burst, each for its own account.
    #[arg(long, default_value_t = 60)]
    pub parallel: usize,
    /// Bursts, one after the other.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// The server binary to measure (default: this one; run a release build).
    #[arg(long)]
    pub server: Option<std::path::PathBuf>,
    /// The most the server's peak memory may reach, in MiB, before the benchmark fails.
    #[arg(long, default_value_t = 300.0)]
    pub max_mib: f64,
}

const PASSWORD: &str = "banc-d-essai-des-connexions";

/// A memory figure of a process, in MiB (`VmHWM` is the peak, `VmRSS` the current).
fn memory_mib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The value of the first `name="csrf"` field of a page.
fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let rest = &html[html.find(marker)? + marker.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Runs the benchmark against the database at `url` (created empty by the caller).
pub async fn logins(url: &str, cfg: &LoginsBench) -> anyhow::Result<()> {
    let server = match &cfg.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()?,
    };
    let mut child = tokio::process::Command::new(&server)
        .args(["serve", "--bind", "127.0.0.1:0", "--no-worker"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", server.display()))?;
    let pid = child.id().context("the server has no process id")?;
    let stdout = child.stdout.take().context("no server output")?;
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        match tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await {
            Ok(Ok(Some(line))) => {
                if let Some(u) = line.strip_prefix("Halles: ") {
                    break u.trim().to_owned();
                }
            }
            _ => bail!("the server did not start"),
        }
    };
    eprintln!("server {} (pid {pid}) at {base}", server.display());
    // The server migrated the database: add one account per parallel log-in.
    let store = Store::connect(url, Arc::new(SystemClock)).await?;
    for i in 0..cfg.parallel {
        let email = format!("connexion-{i}@banc.example");
        store
            .create_user(
                Actor::system(),
                NewUser {
                    email: &email,
                    name: &email,
                    lang: Lang::Fr,
                    password: Some(PASSWORD),
                    is_platform_admin: false,
                },
            )
            .await?;
    }
    store.close().await;
    let idle = memory_mib(pid, "VmRSS:").unwrap_or(0.0);
    println!(
        "server memory before the bursts: {idle:.0} MiB (peak so far {:.0} MiB)",
        memory_mib(pid, "VmHWM:").unwrap_or(0.0)
    );
    let mut signed_in = 0;
    for round in 1..=cfg.rounds {
        // Every client first fetches the form (and its CSRF token), then all post at once.
        let barrier = Arc::new(tokio::sync::Barrier::new(cfg.parallel));
        let mut tasks = Vec::new();
        for i in 0..cfg.parallel {
            let base = base.clone();
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .ok()?;
                let page = http.get(format!("{base}{Login}")).send().await.ok()?;
                let csrf = csrf_in(&page.text().await.ok()?);
                barrier.wait().await;
                let email = format!("connexion-{i}@banc.example");
                let started = Instant::now();
                let res = http
                    .post(format!("{base}{Login}"))
                    .form(&[
                        ("csrf", csrf?.as_str()),
                        ("email", &email),
                        ("password", PASSWORD),
                    ])
                    .send()
                    .await
                    .ok()?;
                Some((res.status().as_u16(), started.elapsed()))
            }));
        }
        let started = Instant::now();
        let (mut ok, mut busy, mut other, mut slowest) = (0, 0, 0, Duration::ZERO);
        for t in tasks {
            match t.await.ok().flatten() {
                Some((303, d)) => {
                    ok += 1;
                    slowest = slowest.max(d);
                }
                Some((503, _)) => busy += 1,
                _ => other += 1,
            }
        }
        signed_in += ok;
        println!(
            "burst {round}: {} log-ins in {:.2} s: {ok} signed in (slowest {:.2} s), {busy} told \
             to retry (503), {other} other; server memory now {:.0} MiB, peak {:.0} MiB",
            cfg.parallel,
            started.elapsed().as_secs_f64(),
            slowest.as_secs_f64(),
            memory_mib(pid, "VmRSS:").unwrap_or(0.0),
            memory_mib(pid, "VmHWM:").unwrap_or(0.0),
        );
    }
    let peak = memory_mib(pid, "VmHWM:").unwrap_or(0.0);
    println!(
        "peak RSS of the server (VmHWM): {peak:.0} MiB (at most {:.0} MiB allowed)",
        cfg.max_mib
    );
    let _ = child.kill().await;
    if signed_in == 0 {
        bail!("no log-in succeeded: the benchmark measured nothing");
    }
    if peak > cfg.max_mib {
        bail!(
            "the server's peak memory, {peak:.0} MiB, is over {:.0} MiB",
            cfg.max_mib
        );
    }
    Ok(())
}
