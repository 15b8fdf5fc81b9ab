use halles_core::refusals::Refusal;
use halles_core::validation::FieldError;
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
    /// Input refused field by field: each error names its field once (as the API's request
    /// body names it) and a stable code; pages show them on their form, the API as the
    /// `errors` of a `validation_failed` problem.
    #[error("invalid: {}", fields(.0))]
    Invalid(Vec<FieldError>),
    /// Not enough is left to reserve of these products: every short line of the request, each
    /// with what is left.
    #[error("not enough left of products {}", short(.0))]
    Shortage(Vec<crate::hub::orders::ShortLine>),
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

/// The refusals of a submission, checked by a [`halles_core::validation::Validator`].
impl From<Vec<FieldError>> for StoreError {
    fn from(errors: Vec<FieldError>) -> Self {
        StoreError::Invalid(errors)
    }
}

/// `field: code` pairs, for the error's message.
fn fields(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.code))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The short products' ids, for the error's message.
fn short(lines: &[crate::hub::orders::ShortLine]) -> String {
    lines
        .iter()
        .map(|l| l.product.id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// A refusal of the domain on one field of the input.
    pub fn field(field: &str, refusal: Refusal) -> Self {
        StoreError::Invalid(vec![FieldError::refused(field, refusal)])
    }

    /// Whether this is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}
