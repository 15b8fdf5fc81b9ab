use halles_core::refusals::Refusal;
use thiserror::Error;

/// What can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The embedded SQLite connection that runs sales in place refused or failed.
    #[error("database error: {0}")]
    Embedded(#[from] rusqlite::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The row does not exist in this scope.
    #[error("not found")]
    NotFound,
    /// A rule of the domain refused the change (a stable code: [`Refusal`]).
    #[error("refused: {0}")]
    Refused(Refusal),
    /// Not enough of a product is left to reserve.
    #[error("not enough left of product {0}")]
    Shortage(halles_core::ProductId),
    /// A card has not enough funds in a product group (loyalty funds included).
    #[error("not enough funds in product group {0}")]
    Insufficient(halles_core::ProductGroupId),
    /// A stored value could not be read back.
    #[error("corrupt value in {0}")]
    Corrupt(&'static str),
    /// Password hashing failed.
    #[error("password hashing failed")]
    Hashing,
    /// Too many passwords are being checked at once: try again in a moment.
    #[error("too many password checks at once")]
    Busy,
}

/// An amount or quantity beyond its domain maximum ([`halles_core::limits`]) is refused by the
/// store too, with the same stable code the pages and the API give (`amount_too_large`...).
impl From<halles_core::limits::AmountError> for StoreError {
    fn from(e: halles_core::limits::AmountError) -> Self {
        StoreError::Refused(e.refusal())
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether this is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}
