//! Typed background jobs: each is a serde payload type with a name and a `run`, one per file,
//! registered in [`registry`]. The `jobs` table stores the name (`kind`) and the payload as
//! JSON; the worker claims a row, finds its job by name and runs it.

pub mod availability_reminder;
pub mod deliver_event;
pub mod invoice_reminder;
pub mod monthly_report;
pub mod send_email;

use crate::mailer::Mailer;
use halles_store::platform::jobs::Job;
use halles_store::{Store, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use thiserror::Error;

/// What a job runs with: the store, the mailer, the base URL of links, and the claimed row
/// (its attempt count says whether this is the last try).
pub struct JobContext<'a> {
    /// The store.
    pub store: &'a Store,
    /// Where e-mail goes.
    pub mailer: &'a Mailer,
    /// The public base URL, for links in messages.
    pub base_url: &'a str,
    /// The job as claimed.
    pub job: &'a Job,
}

/// Why a job failed (it is retried with back-off, then kept as `failed`).
#[derive(Debug, Error)]
pub enum JobError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The payload is not the job's.
    #[error("payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// No job has this name.
    #[error("unknown job kind: {0}")]
    Unknown(String),
    /// The work itself failed.
    #[error("{0}")]
    Failed(String),
}

/// A background job: its payload is the value itself.
pub trait BackgroundJob: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The name stored in `jobs.kind`; unique, and never changed once jobs carry it.
    const NAME: &'static str;

    /// Does the work. An error retries the job later.
    fn run(&self, ctx: &JobContext<'_>) -> impl Future<Output = Result<(), JobError>> + Send;
}

type Outcome<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// A job the worker knows: its name and how to run a stored payload of it.
pub struct Registered {
    /// The job's name.
    pub name: &'static str,
    run: for<'a> fn(&'a JobContext<'a>) -> Outcome<'a>,
}

fn run_typed<'a, J: BackgroundJob>(ctx: &'a JobContext<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let job: J = serde_json::from_str(&ctx.job.payload)?;
        job.run(ctx).await
    })
}

fn register<J: BackgroundJob>() -> Registered {
    Registered {
        name: J::NAME,
        run: run_typed::<J>,
    }
}

/// Every job the worker runs. A new job is a file in this folder and a line here.
pub fn registry() -> [Registered; 5] {
    [
        register::<halles_store::platform::email::SendEmail>(),
        register::<halles_store::platform::events::DeliverEvent>(),
        register::<availability_reminder::RemindProducer>(),
        register::<invoice_reminder::RemindInvoice>(),
        register::<monthly_report::SendMonthlyReport>(),
    ]
}

/// Runs a claimed job by its name.
pub async fn run(ctx: &JobContext<'_>) -> Result<(), JobError> {
    let registry = registry();
    let found = registry.iter().find(|r| r.name == ctx.job.kind);
    match found {
        Some(r) => (r.run)(ctx).await,
        None => Err(JobError::Unknown(ctx.job.kind.clone())),
    }
}
