//! The command line: `serve`, `worker`, `migrate`, `demo`, `admin`, `backup` and `restore`.

use crate::mailer::Mailer;
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use halles_core::accounts::Lang;
use halles_core::organizations::{Role, Scope};
use halles_core::{OrgId, SystemClock};
use halles_store::platform::accounts::NewUser;
use halles_store::{Actor, Store, StoreOptions, TenantScope};
use halles_web::WebConfig;
use std::path::PathBuf;
use std::sync::Arc;

/// Halles: a shared platform for local food systems (food hubs and food-coupon programs).
#[derive(Debug, Parser)]
#[command(name = "halles", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: `postgres://user@host/db` for PostgreSQL, or `sqlite://path`.
    /// Without it, an embedded SQLite file in the data folder is used.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Data folder for the embedded SQLite database.
    #[arg(
        long,
        env = "HALLES_DATA",
        default_value = "./halles-data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Log format: `plain` for people, `json` for log collectors. Levels come from `RUST_LOG`.
    #[arg(long, env = "HALLES_LOG_FORMAT", value_enum, default_value_t = LogFormat::Plain, global = true)]
    pub log_format: LogFormat,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Plain,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve the web app and API, with the background worker.
    Serve(ServeArgs),
    /// Run only the background worker (for deployments with several app servers).
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data into an empty database.
    Demo,
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Write a consistent copy of the database to FILE while the server runs (SQLite: a
    /// snapshot of one instant; PostgreSQL: `pg_dump` of the server's major version).
    Backup {
        /// The backup file to write; it must not exist yet.
        file: PathBuf,
        /// Folder of `pg_dump` (PostgreSQL only; default: the PATH).
        #[arg(long, env = "HALLES_PG_BIN_DIR")]
        pg_bin_dir: Option<PathBuf>,
    },
    /// Put a backup made by `halles backup` back in the database (SQLite: the file of the
    /// database URL; PostgreSQL: `pg_restore`).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace a database that holds data, or that a running server uses.
        #[arg(long)]
        force: bool,
        /// Folder of `pg_restore` (PostgreSQL only; default: the PATH).
        #[arg(long, env = "HALLES_PG_BIN_DIR")]
        pg_bin_dir: Option<PathBuf>,
    },
    /// Benchmarks that print figures (on a fresh temporary database unless --database-url).
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Many buyers placing orders at once on contested stock, through the HTTP API.
    Orders(crate::bench::OrdersBench),
    /// Many registers redeeming cards at once, through the HTTP API.
    Redemptions(crate::bench::RedemptionsBench),
    /// Bursts of parallel log-ins against the server run as its own process; prints the
    /// server's peak memory (VmHWM).
    Logins(crate::bench::LoginsBench),
    /// The export of a cycle of many orders with many lines (orders, lines and totals read).
    Export(crate::bench::ExportBench),
    /// A closed cycle's purchase orders, pick list, packing lists and case labels (PDF, ZPL).
    Fulfilment(crate::bench::FulfilmentBench),
    /// A delivered cycle's invoices issued and rendered (PDF), and its producer statements.
    Billing(crate::bench::BillingBench),
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "HALLES_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Public address used in e-mailed links (default: http:// plus the bind address).
    #[arg(long, env = "HALLES_BASE_URL")]
    pub base_url: Option<String>,
    /// Load the demo data when the database is empty, list the demo logins on the login page,
    /// and keep every e-mail in the outbox.
    #[arg(long)]
    pub demo: bool,
    /// Do not run the background worker in this process (run `halles worker` elsewhere).
    #[arg(long)]
    pub no_worker: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    #[arg(long, env = "HALLES_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The bearer token Prometheus sends to read `/metrics`; without it, `/metrics` answers 404.
    #[arg(long, env = "HALLES_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// On an SQLite file, run each sale's reads and write transaction in place on connections of
    /// their own (`on`), or every sale through the general path, as on PostgreSQL (`off`).
    #[arg(long, env = "HALLES_SQLITE_IN_PLACE", value_enum, default_value_t = Switch::On)]
    pub sqlite_in_place: Switch,
    /// E-mail settings.
    #[command(flatten)]
    pub mail: MailArgs,
}

/// A setting turned on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

impl ServeArgs {
    /// The store's options from these settings.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            sqlite_in_place: self.sqlite_in_place == Switch::On,
        }
    }
}

/// E-mail settings.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// SMTP relay, such as `smtps://user:password@smtp.example.org:465`. Without it, e-mails
    /// stay in the outbox, readable by platform administrators.
    #[arg(long, env = "HALLES_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of every e-mail.
    #[arg(
        long,
        env = "HALLES_MAIL_FROM",
        default_value = "Halles <no-reply@halles.example>"
    )]
    pub mail_from: String,
}

/// Options of `worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Public address of the app, for links in e-mails the worker writes.
    #[arg(long, env = "HALLES_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: String,
    /// E-mail settings.
    #[command(flatten)]
    pub mail: MailArgs,
}

/// Administration tasks.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account, optionally as platform administrator or member of an organization.
    CreateUser {
        /// E-mail (the login).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Preferred language: `fr` or `en`.
        #[arg(long, default_value = "fr")]
        lang: String,
        /// Password; if omitted, `HALLES_PASSWORD`, else a random one is printed.
        #[arg(long, env = "HALLES_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the account a platform administrator.
        #[arg(long)]
        platform_admin: bool,
        /// Add the account to this organization (id).
        #[arg(long, requires = "role")]
        org: Option<i64>,
        /// Role in that organization: admin, staff, cashier or viewer.
        #[arg(long)]
        role: Option<String>,
    },
    /// Set a new password for an account and end its sessions.
    ResetPassword {
        /// E-mail of the account.
        #[arg(long)]
        email: String,
        /// New password; if omitted, `HALLES_PASSWORD`, else a random one is printed.
        #[arg(long, env = "HALLES_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Create an API token for an organization and print it (shown once).
    CreateToken {
        /// Organization id.
        #[arg(long)]
        org: i64,
        /// A name to recognize the token by.
        #[arg(long)]
        name: String,
        /// Scopes, separated by spaces or commas: org:read, org:write, audit:read.
        #[arg(long, default_value = "org:read")]
        scopes: String,
    },
}

impl Cli {
    /// The database URL: the flag or variable, else the embedded SQLite file.
    pub fn database_url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data folder {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("halles.db").display()
        ))
    }

    async fn store(&self) -> anyhow::Result<Store> {
        self.store_with(StoreOptions::default()).await
    }

    async fn store_with(&self, options: StoreOptions) -> anyhow::Result<Store> {
        let url = self.database_url()?;
        let store = Store::connect_with(&url, Arc::new(SystemClock), options)
            .await
            .with_context(|| format!("cannot open the database {}", redact(&url)))?;
        store.migrate().await.context("migrations failed")?;
        Ok(store)
    }
}

/// Hides a password in a URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Refuses a short password, or one of the most common ones.
fn check_password(password: &str) -> anyhow::Result<()> {
    if password.chars().count() < halles_core::accounts::MIN_PASSWORD_LEN {
        bail!(
            "the password must have at least {} characters",
            halles_core::accounts::MIN_PASSWORD_LEN
        );
    }
    if halles_core::validation::is_common_password(password) {
        bail!("this password is among the most common ones (or close to one): choose another");
    }
    Ok(())
}

fn password_or_random(p: Option<String>) -> (String, bool) {
    match p {
        Some(p) if !p.is_empty() => (p, false),
        _ => (
            halles_store::platform::secrets::new_secret()[..20].to_owned(),
            true,
        ),
    }
}

/// Prints a line to standard output; a closed output (a pipe that went away) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

fn print_demo_logins(url: &str) {
    say!();
    say!("Halles (démo) : {url}");
    say!(
        "Comptes de démonstration — mot de passe : {}",
        halles_store::demo::PASSWORD
    );
    for login in halles_store::demo::LOGINS {
        let role = halles_web::i18n::I18n::new(Lang::Fr).t(login.role_key);
        say!("  {:<38} {}", login.email, role);
    }
    say!();
}

/// Runs a command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Migrate => {
            cli.store().await?;
            say!("Migrations applied.");
        }
        Command::Demo => {
            let store = cli.store().await?;
            if !store.is_empty().await? {
                bail!(
                    "the database already holds data: demo data loads only into an empty database"
                );
            }
            halles_store::demo::load(&store).await?;
            say!("Demo data loaded.");
        }
        Command::Worker(args) => {
            let store = cli.store().await?;
            let mailer = Mailer::from_config(args.mail.smtp_url.as_deref(), &args.mail.mail_from)?;
            let (tx, rx) = tokio::sync::watch::channel(false);
            let worker = tokio::spawn(crate::worker::run_until(
                store.clone(),
                mailer,
                args.base_url.clone(),
                rx,
            ));
            crate::app::signal().await;
            let _ = tx.send(true);
            let _ = worker.await;
            store.close().await;
        }
        Command::Serve(args) => {
            let store = cli.store_with(args.store_options()).await?;
            if args.demo && store.is_empty().await? {
                halles_store::demo::load(&store)
                    .await
                    .context("loading demo data")?;
                tracing::info!("demo data loaded");
            }
            let listener = tokio::net::TcpListener::bind(&args.bind)
                .await
                .with_context(|| format!("cannot listen on {}", args.bind))?;
            let addr = listener.local_addr()?;
            let base_url = args
                .base_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}"));
            let mailer = if args.demo {
                Mailer::Keep
            } else {
                Mailer::from_config(args.mail.smtp_url.as_deref(), &args.mail.mail_from)?
            };
            let web = WebConfig {
                secure_cookies: base_url.starts_with("https://"),
                base_url: base_url.clone(),
                demo: args.demo,
                trust_forwarded_for: args.trust_forwarded_for,
                metrics_token: args.metrics_token.clone(),
            };
            let running = crate::app::start(
                store.clone(),
                web,
                listener,
                (!args.no_worker).then_some(mailer),
            )?;
            if args.demo {
                print_demo_logins(&base_url);
            } else {
                say!("Halles: {base_url}");
            }
            tracing::info!(%addr, "listening");
            running.wait().await;
            store.close().await;
            tracing::info!("stopped");
        }
        Command::Bench(which) => {
            let (url, tmp) = match &cli.database_url {
                Some(u) => (u.clone(), None),
                None => {
                    let dir =
                        std::env::temp_dir().join(format!("halles-bench-{}", std::process::id()));
                    std::fs::create_dir_all(&dir)?;
                    (
                        format!("sqlite://{}", dir.join("bench.db").display()),
                        Some(dir),
                    )
                }
            };
            let outcome = match which {
                BenchCommand::Orders(cfg) => crate::bench::orders(&url, cfg).await,
                BenchCommand::Redemptions(cfg) => crate::bench::redemptions(&url, cfg).await,
                BenchCommand::Logins(cfg) => crate::bench::logins(&url, cfg).await,
                BenchCommand::Export(cfg) => crate::bench::export(&url, cfg).await,
                BenchCommand::Fulfilment(cfg) => crate::bench::fulfilment(&url, cfg).await,
                BenchCommand::Billing(cfg) => crate::bench::billing(&url, cfg).await,
            };
            if let Some(dir) = tmp {
                let _ = std::fs::remove_dir_all(dir);
            }
            outcome?;
        }
        Command::Admin(cmd) => {
            let store = cli.store().await?;
            admin(&store, cmd).await?;
            store.close().await;
        }
        Command::Backup { file, pg_bin_dir } => {
            let url = cli.database_url()?;
            let tools = halles_store::platform::backup::PgTools {
                bin_dir: pg_bin_dir.clone(),
            };
            halles_store::platform::backup::backup(&url, file, &tools)
                .await
                .with_context(|| format!("backup of {} failed", redact(&url)))?;
            say!("Backup written to {}.", file.display());
        }
        Command::Restore {
            file,
            force,
            pg_bin_dir,
        } => {
            let url = cli.database_url()?;
            let tools = halles_store::platform::backup::PgTools {
                bin_dir: pg_bin_dir.clone(),
            };
            halles_store::platform::backup::restore(&url, file, *force, &tools)
                .await
                .with_context(|| format!("restore into {} failed", redact(&url)))?;
            say!(
                "{} restored into {}; migrations run at the next start.",
                file.display(),
                redact(&url)
            );
        }
    }
    Ok(())
}

async fn admin(store: &Store, cmd: &AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::CreateUser {
            email,
            name,
            lang,
            password,
            platform_admin,
            org,
            role,
        } => {
            let lang: Lang = lang
                .parse()
                .map_err(|_| anyhow::anyhow!("language must be fr or en"))?;
            if !halles_core::validation::is_plausible_email(email) {
                bail!("not an e-mail address: {email}");
            }
            let role = role
                .as_deref()
                .map(|r| {
                    r.parse::<Role>()
                        .map_err(|_| anyhow::anyhow!("unknown role: {r}"))
                })
                .transpose()?;
            let (password, generated) = password_or_random(password.clone());
            check_password(&password)?;
            if let Some(o) = org {
                store
                    .organization_by_id(OrgId(*o))
                    .await
                    .context("no such organization")?;
            }
            let user = store
                .create_user(
                    Actor::system(),
                    NewUser {
                        email,
                        name,
                        lang,
                        password: Some(&password),
                        is_platform_admin: *platform_admin,
                    },
                )
                .await?;
            if let (Some(o), Some(role)) = (org, role) {
                store
                    .add_member(
                        &TenantScope::checked(OrgId(*o), Actor::system()),
                        user.id,
                        role,
                    )
                    .await?;
            }
            say!("Account {} created (id {}).", user.email, user.id);
            if generated {
                say!("Password: {password}");
            }
        }
        AdminCommand::ResetPassword { email, password } => {
            let user = store
                .user_by_email(email)
                .await?
                .context("no account with this e-mail")?;
            let (password, generated) = password_or_random(password.clone());
            check_password(&password)?;
            store
                .set_password(Actor::system(), user.id, &password)
                .await?;
            say!("Password of {} changed; its sessions ended.", user.email);
            if generated {
                say!("Password: {password}");
            }
        }
        AdminCommand::CreateToken { org, name, scopes } => {
            let org = store
                .organization_by_id(OrgId(*org))
                .await
                .context("no such organization")?;
            let mut parsed = Vec::new();
            for code in scopes.split([' ', ',']).filter(|s| !s.is_empty()) {
                parsed.push(
                    code.parse::<Scope>()
                        .map_err(|_| anyhow::anyhow!("unknown scope: {code}"))?,
                );
            }
            if parsed.is_empty() {
                bail!("give at least one scope");
            }
            let (token, secret) = store
                .create_token(
                    &TenantScope::checked(org.id, Actor::system()),
                    name,
                    &parsed,
                )
                .await?;
            eprintln!(
                "Token {} created for {} (id {}), scopes: {}.",
                token.name,
                org.name,
                token.id,
                Scope::join(&parsed)
            );
            eprintln!("It is shown once; keep it safe:");
            say!("{secret}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(
            redact("postgres://halles:secret@db/halles"),
            "postgres://halles:***@db/halles"
        );
        assert_eq!(
            redact("sqlite://./halles-data/halles.db"),
            "sqlite://./halles-data/halles.db"
        );
    }
}
