//! Delivers outbox messages by SMTP when configured; otherwise keeps them in the outbox.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use thiserror::Error;

/// A delivery failure.
#[derive(Debug, Error)]
pub enum MailError {
    /// An address could not be read.
    #[error("bad address: {0}")]
    Address(#[from] lettre::address::AddressError),
    /// The message could not be built.
    #[error("message: {0}")]
    Message(#[from] lettre::error::Error),
    /// The SMTP server refused or could not be reached.
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Where e-mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP relay, and the sender address.
    Smtp {
        /// The transport (boxed: it is large, and `Keep` is common).
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        /// The `From` mailbox.
        from: Mailbox,
    },
    /// No server: messages stay in the outbox (demo mode, tests, or unconfigured).
    Keep,
}

impl Mailer {
    /// From `smtp://user:pass@host:port` (or `smtps://`) and a sender; `Keep` without a URL.
    pub fn from_config(smtp_url: Option<&str>, from: &str) -> Result<Mailer, MailError> {
        match smtp_url {
            None | Some("") => Ok(Mailer::Keep),
            Some(url) => Ok(Mailer::Smtp {
                transport: Box::new(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build()),
                from: from.parse()?,
            }),
        }
    }

    /// Whether messages are really sent.
    pub fn sends(&self) -> bool {
        matches!(self, Mailer::Smtp { .. })
    }

    /// Sends one plain-text message.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let Mailer::Smtp { transport, from } = self else {
            return Ok(());
        };
        let message = Message::builder()
            .from(from.clone())
            .to(to.parse()?)
            .subject(subject)
            .body(body.to_owned())?;
        transport.send(message).await?;
        Ok(())
    }
}
