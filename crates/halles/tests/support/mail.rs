//! Reading what the app sent: the outbox of one address, a mail by its subject, a link in a
//! body.

use super::TestApp;
use halles_store::platform::email::Email;

impl TestApp {
    /// The mails kept for `to`, newest first (at most 50).
    pub async fn mail_to(&self, to: &str) -> Vec<Email> {
        self.store.outbox(Some(to), 50).await.unwrap()
    }

    /// The newest mail kept for `to`.
    pub async fn last_mail_to(&self, to: &str) -> Email {
        let mail = self.store.outbox(Some(to), 1).await.unwrap();
        mail.into_iter()
            .next()
            .unwrap_or_else(|| panic!("no mail to {to}"))
    }
}

/// The mail whose subject contains `subject`.
pub fn about<'a>(mail: &'a [Email], subject: &str) -> &'a Email {
    mail.iter()
        .find(|m| m.subject.contains(subject))
        .unwrap_or_else(|| panic!("no mail about {subject:?} in {mail:?}"))
}

/// The link in `body` from `prefix` (a path such as `/invitations/`) up to the next white space.
pub fn link_in(body: &str, prefix: &str) -> String {
    let Some(start) = body.find(prefix) else {
        panic!("no {prefix} link in {body}");
    };
    body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}
