//! Tokens: browser sessions and API tokens, one table, only a hash of each secret kept. Their creation and
//! revocation are audited; a session also ends after `session_idle_minutes` without use.

use chrono::Utc;
use los_domain::model::User;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, EntityTrait, TransactionTrait};
use sha2::{Digest, Sha256};

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A browser session (cookie).
    Session,
    /// An API client (bearer token).
    Api,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }
}

/// The OpenID provider a browser session was logged in with and the provider's session id (`sid`), kept
/// for RP-initiated and front-channel logout.
#[derive(Debug, Clone, Copy)]
pub struct LoginOrigin<'a> {
    pub provider: &'a str,
    pub sid: Option<&'a str>,
}

/// A token as `los token list` shows it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The first 12 characters of the secret's hash.
    pub id: String,
    pub user_id: String,
    pub label: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub expires_at: Option<chrono::DateTime<Utc>>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
}

impl From<token::Model> for TokenInfo {
    fn from(r: token::Model) -> Self {
        TokenInfo {
            id: r.hash.chars().take(12).collect(),
            user_id: r.user_id,
            label: r.label,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

impl Store {
    /// Creates a token for a user and returns its secret (shown once; only its hash is stored).
    pub async fn create_token(
        &self,
        user_id: &str,
        kind: TokenKind,
        label: Option<&str>,
        ttl: Option<chrono::Duration>,
    ) -> Result<String, StoreError> {
        self.issue_token(user_id, kind, label, ttl, None).await
    }

    /// Creates a token, for a browser session logged in over OpenID Connect with where it came from.
    pub(crate) async fn issue_token(
        &self,
        user_id: &str,
        kind: TokenKind,
        label: Option<&str>,
        ttl: Option<chrono::Duration>,
        origin: Option<LoginOrigin<'_>>,
    ) -> Result<String, StoreError> {
        let user = self.active_user(user_id).await?;
        let mut raw = [0u8; 32];
        rand::rng().fill_bytes(&mut raw);
        let secret = format!("los_{}", hex::encode(raw));
        let now = Utc::now();
        let txn = self.db.begin().await?;
        audit::lock_head(&txn).await?;
        token::Entity::insert(token::ActiveModel {
            hash: Set(token_hash(&secret)),
            user_id: Set(user.id.clone()),
            kind: Set(kind.as_str().to_owned()),
            label: Set(label.map(str::to_owned)),
            created_at: Set(now),
            expires_at: Set(ttl.map(|t| now + t)),
            revoked_at: Set(None),
            last_used_at: Set(Some(now)),
            login_provider: Set(origin.map(|o| o.provider.to_owned())),
            login_sid: Set(origin.and_then(|o| o.sid.map(str::to_owned))),
        })
        .exec_without_returning(&txn)
        .await?;
        let action = match kind {
            TokenKind::Session => "login",
            TokenKind::Api => "token_create",
        };
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                actor_user_id: Some(user.id.clone()),
                action: action.into(),
                resource_type: "access_token".into(),
                resource_id: Some(user.id),
                basis: label.map_or_else(
                    || format!("{} token issued", kind.as_str()),
                    |l| format!("{} token issued: {l}", kind.as_str()),
                ),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(secret)
    }

    /// The user a live token belongs to, or `None` for an unknown, expired or revoked token, or a browser
    /// session unused for longer than `session_idle_minutes`. Use is recorded at most once a minute, so a
    /// busy client does not write on every request.
    pub async fn user_for_token(&self, secret: &str, kind: TokenKind) -> Result<Option<User>, StoreError> {
        let Some(row) = token::Entity::find_by_id(token_hash(secret)).one(&self.db).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        if row.kind != kind.as_str() || row.revoked_at.is_some() || row.expires_at.is_some_and(|e| e <= now) {
            return Ok(None);
        }
        let last = row.last_used_at.unwrap_or(row.created_at);
        if kind == TokenKind::Session && now - last >= chrono::Duration::minutes(self.settings.session_idle_minutes) {
            return Ok(None);
        }
        let user_id = row.user_id.clone();
        // A deactivated user's tokens were revoked with them; this holds even for one that was not.
        let Some(user) = self.user_if_active(&user_id).await? else { return Ok(None) };
        if now - last >= chrono::Duration::minutes(1) {
            let mut am: token::ActiveModel = row.into();
            am.last_used_at = Set(Some(now));
            token::Entity::update(am).exec(&self.db).await?;
        }
        Ok(Some(user))
    }

    /// The tokens of one user or of all, newest first, for `los token list`; the secret is never shown,
    /// only the first 12 characters of its hash, which `revoke_token_by_id` takes.
    pub async fn list_tokens(&self, user_id: Option<&str>, kind: TokenKind) -> Result<Vec<TokenInfo>, StoreError> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        let mut q = token::Entity::find().filter(token::Column::Kind.eq(kind.as_str()));
        if let Some(u) = user_id {
            q = q.filter(token::Column::UserId.eq(u));
        }
        let rows = q.order_by_desc(token::Column::CreatedAt).all(&self.db).await?;
        Ok(rows.into_iter().map(TokenInfo::from).collect())
    }

    /// Revokes the token whose id (the start of its hash, at least 8 characters, as `list_tokens` shows
    /// it) matches exactly one token, and records it in the audit log.
    pub async fn revoke_token_by_id(&self, id: &str) -> Result<TokenInfo, StoreError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        if id.len() < 8 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(StoreError::Invalid {
                field: Some("id"),
                code: "token.id",
                message: "a token id is at least 8 hexadecimal characters, as 'los token list' shows it".into(),
            });
        }
        let txn = self.db.begin().await?;
        audit::lock_head(&txn).await?;
        let rows =
            token::Entity::find().filter(token::Column::Hash.starts_with(id.to_ascii_lowercase())).all(&txn).await?;
        let row = match rows.len() {
            1 => rows.into_iter().next().expect("one row"),
            0 => return Err(StoreError::NotFound { kind: "token", id: id.to_owned() }),
            _ => {
                return Err(StoreError::Invalid {
                    field: Some("id"),
                    code: "token.ambiguous",
                    message: format!("{id} matches more than one token; give more characters"),
                });
            }
        };
        let user_id = row.user_id.clone();
        let mut am: token::ActiveModel = row.into();
        am.revoked_at = Set(Some(Utc::now()));
        let row = token::Entity::update(am).exec(&txn).await?;
        let info = TokenInfo::from(row);
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                actor_user_id: None,
                action: "token_revoke".into(),
                resource_type: "access_token".into(),
                resource_id: Some(user_id),
                basis: format!("token {} revoked by an administrator (los token revoke)", info.id),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(info)
    }

    /// Revokes a token (logout). Unknown tokens are ignored.
    pub async fn revoke_token(&self, secret: &str) -> Result<(), StoreError> {
        if let Some(row) = token::Entity::find_by_id(token_hash(secret)).one(&self.db).await? {
            self.revoke_token_row(row, "token revoked by its holder").await?;
        }
        Ok(())
    }

    /// Revokes one token and records the logout with its reason.
    pub(crate) async fn revoke_token_row(&self, row: token::Model, basis: &str) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        audit::lock_head(&txn).await?;
        let user_id = row.user_id.clone();
        let mut am: token::ActiveModel = row.into();
        am.revoked_at = Set(Some(Utc::now()));
        token::Entity::update(am).exec(&txn).await?;
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                actor_user_id: Some(user_id.clone()),
                action: "logout".into(),
                resource_type: "access_token".into(),
                resource_id: Some(user_id),
                basis: basis.into(),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The user, if active: the command line acts as an administrator only while they are one.
    pub async fn active_user(&self, user_id: &str) -> Result<User, StoreError> {
        self.user(user_id).await?;
        self.user_if_active(user_id).await?.ok_or_else(|| StoreError::Invalid {
            field: Some("user"),
            code: "user.inactive",
            message: format!("user {user_id} is deactivated"),
        })
    }
}

pub(crate) fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
