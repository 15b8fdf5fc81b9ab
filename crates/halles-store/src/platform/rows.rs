//! Building blocks of `#[derive(sqlx::FromRow)]` row structs: the raw column types the `Any`
//! driver reads on both databases, and their conversions into domain types.

use crate::{StoreError, StoreResult};
use jiff::Timestamp;
use sqlx::any::{Any, AnyTypeInfo, AnyTypeInfoKind};
use sqlx::{Database, Decode, Type};
use std::str::FromStr;

/// A flag column: `BOOLEAN` on PostgreSQL, `INTEGER` 0/1 on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag(pub(crate) bool);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind() == AnyTypeInfoKind::Bool || ty.kind().is_integer()
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            Ok(Flag(<bool as Decode<Any>>::decode(value)?))
        } else {
            Ok(Flag(<i64 as Decode<Any>>::decode(value)? != 0))
        }
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

/// An instant stored as UTC milliseconds.
pub(crate) fn instant(ms: i64) -> StoreResult<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| StoreError::Corrupt("timestamp"))
}

/// An optional instant stored as UTC milliseconds.
pub(crate) fn instant_opt(ms: Option<i64>) -> StoreResult<Option<Timestamp>> {
    ms.map(instant).transpose()
}

/// A coded enum stored as text; `what` names it in the corruption error.
pub(crate) fn parsed<T: FromStr>(s: &str, what: &'static str) -> StoreResult<T> {
    s.parse().map_err(|_| StoreError::Corrupt(what))
}
