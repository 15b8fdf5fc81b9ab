//! Delivers outbox messages by SMTP when configured, or into a folder of `.eml` files (for a
//! test or a look at what would be sent); otherwise keeps them in the outbox.

use halles_web::mail::RenderedAttachment;
use lettre::message::header::{ContentType, ContentTypeErr};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
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
    /// An attachment's content type could not be read.
    #[error("content type: {0}")]
    ContentType(#[from] ContentTypeErr),
    /// The SMTP server refused or could not be reached.
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The message could not be written to its folder.
    #[error("file: {0}")]
    File(#[from] lettre::transport::file::Error),
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
    /// A folder: each message is written there as `{id}.eml`, as it would be sent.
    Folder {
        /// The transport.
        transport: AsyncFileTransport<Tokio1Executor>,
        /// The `From` mailbox.
        from: Mailbox,
    },
    /// No server: messages stay in the outbox (demo mode, tests, or unconfigured).
    Keep,
}

impl Mailer {
    /// From `smtp://user:pass@host:port` (or `smtps://`), or `file:///a/folder` (messages
    /// written there as `.eml` files), and a sender; `Keep` without a URL.
    pub fn from_config(smtp_url: Option<&str>, from: &str) -> Result<Mailer, MailError> {
        match smtp_url {
            None | Some("") => Ok(Mailer::Keep),
            Some(url) => match url.strip_prefix("file://") {
                Some(dir) => Ok(Mailer::folder(std::path::Path::new(dir), from.parse()?)),
                None => Ok(Mailer::Smtp {
                    transport: Box::new(
                        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build(),
                    ),
                    from: from.parse()?,
                }),
            },
        }
    }

    /// Messages written to `dir` (which must exist) as `.eml` files.
    pub fn folder(dir: &std::path::Path, from: Mailbox) -> Mailer {
        Mailer::Folder {
            transport: AsyncFileTransport::new(dir),
            from,
        }
    }

    /// Whether messages are really sent (or written to a folder).
    pub fn sends(&self) -> bool {
        !matches!(self, Mailer::Keep)
    }

    /// Sends one plain-text message, with its document as a PDF attachment when it has one
    /// (then the message is `multipart/mixed`: the text, then `application/pdf`).
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        attachment: Option<RenderedAttachment>,
    ) -> Result<(), MailError> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Folder { from, .. } => from,
            Mailer::Keep => return Ok(()),
        };
        let builder = Message::builder()
            .from(from.clone())
            .to(to.parse()?)
            .subject(subject);
        let message = match attachment {
            None => builder.body(body.to_owned())?,
            Some(a) => builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(body.to_owned()))
                    .singlepart(
                        Attachment::new(a.filename)
                            .body(a.pdf, ContentType::parse("application/pdf")?),
                    ),
            )?,
        };
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Folder { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Keep => {}
        }
        Ok(())
    }
}
