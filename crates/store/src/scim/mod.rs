//! Provisioning from the municipality's directory over SCIM 2.0 (RFC 7643/7644), as Entra ID sends it.
//!
//! The web layer (`los_web::scim`) speaks the protocol: it parses the requests into the typed inputs here
//! ([`UserInput`], [`UserChange`], [`GroupChange`], the filters) and renders the views. The store keeps the
//! directory's users and groups, and turns them into what Los knows: a provisioned user is a staff
//! `app_user` ([`ScimSubject`] says which SCIM attribute becomes the `external_subject` the staff log-in
//! matches), deactivated (never deleted) when the directory deactivates or deletes them; a member of a
//! group the municipality mapped to a role in a service holds that membership while they are an active
//! member ([`mapping`]: `reconcile`), and it ends (the row kept) when they are not. Every change is one
//! audited transaction, its actor the SCIM token (`scim:<token id>`).

mod directory_writes;
mod groups;
mod mapping;
mod tokens;
mod users;

use chrono::{DateTime, Utc};
use sea_orm::DbErr;

pub use mapping::GroupMapping;
pub use tokens::{ScimClient, ScimTokenInfo};

use crate::error::StoreError;

/// Which SCIM attribute of a user becomes the `external_subject` the staff log-in matches against the
/// identity provider's subject claim (`[scim] subject_attribute` in the configuration file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScimSubject {
    /// `externalId`: with Entra ID's `objectId` mapped to it, the same as the ID token's `oid` claim.
    #[default]
    ExternalId,
    /// `userName`: Entra ID's userPrincipalName by default, the ID token's `preferred_username`.
    UserName,
}

impl ScimSubject {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "externalId" => Some(ScimSubject::ExternalId),
            "userName" => Some(ScimSubject::UserName),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScimSubject::ExternalId => "externalId",
            ScimSubject::UserName => "userName",
        }
    }
}

/// A provisioned user as SCIM shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimUser {
    pub id: String,
    /// The Los user it provisions.
    pub user_id: String,
    pub external_id: Option<String>,
    pub user_name: String,
    pub active: bool,
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub formatted_name: Option<String>,
    /// The work e-mail address.
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user as a create (POST) or a replace (PUT) gives it, already parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInput {
    pub user_name: String,
    pub external_id: Option<String>,
    pub active: bool,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub formatted_name: Option<String>,
    pub email: Option<String>,
}

/// One change of a PATCH to a user, already parsed (`None`: the attribute is removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserChange {
    UserName(String),
    ExternalId(Option<String>),
    Active(bool),
    DisplayName(Option<String>),
    GivenName(Option<String>),
    FamilyName(Option<String>),
    FormattedName(Option<String>),
    Email(Option<String>),
}

impl UserInput {
    /// The input with one change applied.
    pub fn apply(&mut self, change: UserChange) {
        match change {
            UserChange::UserName(v) => self.user_name = v,
            UserChange::ExternalId(v) => self.external_id = v,
            UserChange::Active(v) => self.active = v,
            UserChange::DisplayName(v) => self.display_name = v,
            UserChange::GivenName(v) => self.given_name = v,
            UserChange::FamilyName(v) => self.family_name = v,
            UserChange::FormattedName(v) => self.formatted_name = v,
            UserChange::Email(v) => self.email = v,
        }
    }
}

impl From<&ScimUser> for UserInput {
    fn from(u: &ScimUser) -> Self {
        UserInput {
            user_name: u.user_name.clone(),
            external_id: u.external_id.clone(),
            active: u.active,
            display_name: Some(u.display_name.clone()),
            given_name: u.given_name.clone(),
            family_name: u.family_name.clone(),
            formatted_name: u.formatted_name.clone(),
            email: u.email.clone(),
        }
    }
}

/// A filter on users: every clause must hold (`and`); each is an `eq` on one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserFilter {
    Id(String),
    UserName(String),
    ExternalId(String),
    DisplayName(String),
    Email(String),
    Active(bool),
}

/// A filter on groups: every clause must hold (`and`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupFilter {
    Id(String),
    DisplayName(String),
    ExternalId(String),
    /// Groups that have this user (SCIM id) as a member.
    Member(String),
}

/// A directory group as SCIM shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimGroup {
    pub id: String,
    pub display_name: String,
    pub external_id: Option<String>,
    /// Its members: SCIM user id and display name.
    pub members: Vec<(String, String)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A group as a create (POST) gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupInput {
    pub display_name: String,
    pub external_id: Option<String>,
    /// SCIM user ids.
    pub members: Vec<String>,
}

/// One change of a PATCH to a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChange {
    DisplayName(String),
    ExternalId(Option<String>),
    AddMembers(Vec<String>),
    RemoveMembers(Vec<String>),
    ReplaceMembers(Vec<String>),
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// How many match the filter in all.
    pub total: usize,
    /// 1-based index of the first in `items`.
    pub start_index: usize,
    pub items: Vec<T>,
}

/// The error of input that breaks a rule of SCIM: 400 `invalidValue`.
pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { code: "scim.invalid_value", field: Some(field), message: message.into() }
}

/// The error of a value another resource already has: 409 `uniqueness`.
pub(crate) fn not_unique(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { code: "scim.uniqueness", field: Some(field), message: message.into() }
}

/// A unique index refused a write that raced another: the same answer as the check before it.
pub(crate) fn db_error(e: DbErr) -> StoreError {
    if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
        not_unique("userName", "another resource has this value")
    } else {
        StoreError::Db(e)
    }
}

/// Trims a value; blank is none. Refuses control characters and values over 256 characters.
pub(crate) fn clean(v: Option<&str>, field: &'static str) -> Result<Option<String>, StoreError> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().count() > 256 {
        return Err(invalid(field, format!("{field} is longer than 256 characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(invalid(field, format!("{field} contains a control character")));
    }
    Ok(Some(v.to_owned()))
}

/// Page a list: `start_index` is 1-based (below 1 counts as 1), `count` at most [`MAX_PAGE`].
pub(crate) fn page<T>(all: Vec<T>, start_index: usize, count: usize) -> Page<T> {
    let total = all.len();
    let start_index = start_index.max(1);
    let items = all.into_iter().skip(start_index - 1).take(count.min(MAX_PAGE)).collect();
    Page { total, start_index, items }
}

/// How many ids one `IN (…)` query takes at most (SQLite allows 32,766 parameters, PostgreSQL 65,535): a
/// request naming more members is read in parts, never refused by the database.
pub(crate) const CHUNK: usize = 500;

/// The largest page the service provider returns (ServiceProviderConfig's `filter.maxResults`).
pub const MAX_PAGE: usize = 200;
