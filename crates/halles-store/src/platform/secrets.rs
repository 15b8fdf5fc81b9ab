//! Random secrets (session, reset, invitation and API tokens) and how they are stored: hashed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh secret of 32 bytes from the operating system's random source, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    // ThreadRng is a CSPRNG reseeded from the operating system.
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret: its SHA-256, hex. Secrets are long and random, so no salt is needed.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, crate::StoreError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| crate::StoreError::Hashing)
}

/// Checks a password against a stored argon2 hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Password hashes wait at most this many at a time for a hashing thread; more are refused
/// with [`crate::StoreError::Busy`] (the web layer answers 503 with `Retry-After`).
pub const HASH_QUEUE: usize = 32;

/// The threads that hash passwords: as many as the cores, at most 4. Each argon2 hash takes
/// 19 MiB, and each thread keeps its allocator arena, so memory stays within a few of them
/// whatever the burst (a thread per request grew the server past 1 GB under 60 log-ins).
fn hashing_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4)
}

type HashJob = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
fn hash_queue() -> Option<&'static std::sync::mpsc::SyncSender<HashJob>> {
    static QUEUE: std::sync::OnceLock<Option<std::sync::mpsc::SyncSender<HashJob>>> =
        std::sync::OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<HashJob>(HASH_QUEUE);
            let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
            let mut started = 0;
            for i in 0..hashing_threads() {
                let rx = rx.clone();
                let spawned = std::thread::Builder::new()
                    .name(format!("halles-hash-{i}"))
                    .spawn(move || {
                        loop {
                            let job = match rx.lock() {
                                Ok(r) => r.recv(),
                                Err(_) => return,
                            };
                            match job {
                                Ok(job) => job(),
                                Err(_) => return,
                            }
                        }
                    });
                if spawned.is_ok() {
                    started += 1;
                }
            }
            (started > 0).then_some(tx)
        })
        .as_ref()
}

/// Runs `f` on a hashing thread; `Busy` when the queue is full.
async fn on_hashing_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::StoreError> {
    use std::sync::mpsc::TrySendError;
    let queue = hash_queue().ok_or(crate::StoreError::Hashing)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = tx.send(f());
    });
    match queue.try_send(job) {
        Ok(()) => rx.await.map_err(|_| crate::StoreError::Hashing),
        Err(TrySendError::Full(_)) => Err(crate::StoreError::Busy),
        Err(TrySendError::Disconnected(_)) => Err(crate::StoreError::Hashing),
    }
}

/// Hashes a password on a hashing thread (bounded: see [`HASH_QUEUE`]).
pub async fn hash_password_bounded(password: &str) -> Result<String, crate::StoreError> {
    let pw = password.to_owned();
    on_hashing_thread(move || hash_password(&pw)).await?
}

/// Checks a password on a hashing thread (bounded: see [`HASH_QUEUE`]); `None` as the hash
/// checks against a dummy one, so an unknown account takes as long, and is refused.
pub async fn verify_password_bounded(
    password: &str,
    hash: Option<String>,
) -> Result<bool, crate::StoreError> {
    let pw = password.to_owned();
    on_hashing_thread(move || match hash {
        Some(h) => verify_password(&pw, &h),
        None => {
            verify_password(&pw, dummy_password_hash());
            false
        }
    })
    .await
}

/// A hash to compare against when the account does not exist, so timing does not tell.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_stored_hashed() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
    }

    #[tokio::test]
    async fn a_burst_of_hashes_is_queued_then_refused_as_busy() {
        let h = hash_password_bounded("mot-de-passe-long").await.unwrap();
        assert!(
            verify_password_bounded("mot-de-passe-long", Some(h))
                .await
                .unwrap()
        );
        assert!(!verify_password_bounded("x", None).await.unwrap());
        let burst = (0..HASH_QUEUE * 3).map(|_| verify_password_bounded("x", None));
        let outcomes = futures_join(burst).await;
        let busy = outcomes
            .iter()
            .filter(|o| matches!(o, Err(crate::StoreError::Busy)))
            .count();
        assert!(busy > 0, "a burst beyond the queue is refused");
        assert!(outcomes.len() - busy >= HASH_QUEUE, "the queue is served");
    }

    /// Polls every future at once (a tiny `join_all`).
    async fn futures_join<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
        let mut set = Vec::new();
        for f in fs {
            set.push(Box::pin(f));
        }
        let mut out = Vec::new();
        // Each future sends its job when first polled: poll them all before awaiting any.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut pending = Vec::new();
        for mut f in set {
            match f.as_mut().poll(&mut cx) {
                std::task::Poll::Ready(v) => out.push(Some(v)),
                std::task::Poll::Pending => {
                    out.push(None);
                    pending.push((out.len() - 1, f));
                }
            }
        }
        for (i, f) in pending {
            out[i] = Some(f.await);
        }
        out.into_iter().flatten().collect()
    }

    #[test]
    fn passwords_verify_with_argon2id() {
        let h = hash_password("mot-de-passe-long").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mot-de-passe-long", &h));
        assert!(!verify_password("autre", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
