//! The storage layer's one error type.

use los_policy::DenyReason;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database said no or could not be reached.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// The record does not exist.
    #[error("{kind} {id} was not found")]
    NotFound { kind: &'static str, id: String },
    /// The access policy denied the request; the denial is already in the audit log.
    #[error("access denied: {}", .0.detail)]
    Denied(DenyReason),
    /// Input broke a rule of the domain; nothing was changed. `code` is stable for translation; `field`
    /// names the request field the rule is about (the input's own name, e.g. `givers`), when one is.
    #[error("{message}")]
    Invalid { code: &'static str, message: String, field: Option<&'static str> },
    /// Stored data broke an invariant (a bug or tampering).
    #[error("integrity error: {0}")]
    Integrity(String),
    /// The database URL or configuration is wrong.
    #[error("{0}")]
    Config(String),
}
