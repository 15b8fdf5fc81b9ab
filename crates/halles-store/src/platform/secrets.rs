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

/// The most memory a stored hash may ask for (KiB): argon2's default asks 19 MiB; a hash
/// asking more than 64 MiB is not computed at all.
const MAX_HASH_MEMORY_KIB: u32 = 64 * 1024;

thread_local! {
    /// This thread's argon2 memory, allocated on its first hash and reused by every later
    /// one. Allocating and freeing 19 MiB a hash made the allocator keep hundreds of MiB
    /// after a burst of log-ins (glibc raises its mmap threshold after such a free, then
    /// serves the next ones from arenas it does not give back).
    static HASH_MEMORY: std::cell::RefCell<Vec<argon2::Block>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The argon2id output of `password` with `salt` into `out`, computed in this thread's
/// reusable memory.
fn argon2_into(
    argon2: &argon2::Argon2<'_>,
    params: &argon2::Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    if params.m_cost() > MAX_HASH_MEMORY_KIB {
        return Err(argon2::Error::MemoryTooMuch);
    }
    HASH_MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < params.block_count() {
            memory.resize(params.block_count(), argon2::Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..])
    })
}

/// Hashes a password with argon2id (default parameters) and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, crate::StoreError> {
    use argon2::password_hash::ParamsString;
    use argon2::password_hash::{Output, PasswordHash, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};
    let fail = |_| crate::StoreError::Hashing;
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(fail)?;
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon2, &params, password.as_bytes(), salt_bytes, &mut out)
        .map_err(|_| crate::StoreError::Hashing)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|_| crate::StoreError::Hashing)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(fail)?),
    };
    Ok(hash.to_string())
}

/// Checks a password against a stored argon2 hash (PHC string), comparing in constant time.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{Output, PasswordHash};
    use argon2::{Algorithm, Argon2, Params, Version};
    let check = || -> Option<bool> {
        let stored = PasswordHash::new(hash).ok()?;
        let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
        let version = match stored.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&stored).ok()?;
        let expected = stored.hash?;
        let mut salt = [0u8; 64];
        let salt = stored.salt?.decode_b64(&mut salt).ok()?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        argon2_into(&argon2, &params, password.as_bytes(), salt, &mut out).ok()?;
        // `Output`'s equality is constant-time.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// Password hashes wait at most this many at a time for a hashing thread; more are refused
/// with [`crate::StoreError::Busy`] (the web layer answers 503 with `Retry-After`).
pub const HASH_QUEUE: usize = 32;

/// The threads that hash passwords: as many as the cores, at most 4. Each keeps its 19 MiB
/// of argon2 memory, so memory stays within a few of them whatever the burst (a thread per
/// request grew the server past 1 GB under 60 log-ins).
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

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_hasher_and_verifier() {
        use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
        // Hashes stored before (made by the crate's hasher) still verify, and ours verify
        // with the crate's verifier: the same PHC string, the same output.
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let theirs = argon2::Argon2::default()
            .hash_password(b"un-ancien-mot-de-passe", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("un-ancien-mot-de-passe", &theirs));
        assert!(!verify_password("un-autre-mot-de-passe", &theirs));
        let ours = hash_password("un-nouveau-mot-de-passe").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            argon2::Argon2::default()
                .verify_password(b"un-nouveau-mot-de-passe", &parsed)
                .is_ok()
        );
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        // A stored hash asking for more than 64 MiB of memory is refused, not computed.
        let greedy = ours.replace("m=19456", "m=1048576");
        assert!(!verify_password("un-nouveau-mot-de-passe", &greedy));
    }
}
