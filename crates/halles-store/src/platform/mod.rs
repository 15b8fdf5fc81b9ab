//! What every organization shares: accounts and sessions, organizations and memberships, API
//! tokens, the audit log, background jobs, the e-mail outbox, idempotency keys, throttles,
//! secrets, and backups.

pub mod account_admin;
pub mod accounts;
pub mod audit;
pub mod backup;
pub mod email;
pub mod events;
pub mod idempotency;
pub mod jobs;
pub mod organizations;
pub(crate) mod rows;
pub mod secrets;
pub mod throttles;
pub mod tokens;
