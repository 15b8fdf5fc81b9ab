//! The Halles application as a library: the binary's commands and the tests share it.

pub mod app;
pub mod bench;
pub mod cli;
pub mod jobs;
pub mod mailer;
pub mod worker;
