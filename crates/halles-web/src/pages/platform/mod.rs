//! Pages every organization shares: signing in, the account, members and invitations, API
//! tokens, the audit log, and the platform administration.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod tokens;
