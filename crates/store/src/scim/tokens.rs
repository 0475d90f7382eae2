//! The bearer tokens the directory provisions with: only a hash of each secret is kept, as for API tokens;
//! creating and revoking one is audited, and the token is the actor of everything done with it.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::directory_writes::Acting;
use crate::audit;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tokens::token_hash;

/// The directory client a live SCIM token identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimClient {
    /// The first 12 characters of the token's hash.
    pub token_id: String,
    pub label: String,
}

impl ScimClient {
    /// The actor of its writes in the audit log.
    pub(crate) fn acting(&self) -> Acting {
        Acting::new(
            Some(format!("scim:{}", self.token_id)),
            format!("SCIM provisioning, token {} '{}'", self.token_id, self.label),
        )
    }
}

/// A SCIM token as `los scim token list` shows it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimTokenInfo {
    pub id: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<scim_token::Model> for ScimTokenInfo {
    fn from(r: scim_token::Model) -> Self {
        ScimTokenInfo {
            id: r.hash.chars().take(12).collect(),
            label: r.label,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

impl Store {
    /// Creates a SCIM token and returns its secret (shown once) and what the list shows of it.
    pub async fn create_scim_token(&self, label: &str) -> Result<(String, ScimTokenInfo), StoreError> {
        let label = super::clean(Some(label), "label")?
            .ok_or_else(|| super::invalid("label", "give the token a label saying what it is for"))?;
        let mut raw = [0u8; 32];
        rand::rng().fill_bytes(&mut raw);
        let secret = format!("los_scim_{}", hex::encode(raw));
        let row = scim_token::Model {
            hash: token_hash(&secret),
            label,
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        let info = ScimTokenInfo::from(row.clone());
        let txn = self.begin_audited().await?;
        scim_token::Entity::insert(scim_token::ActiveModel {
            hash: Set(row.hash),
            label: Set(row.label),
            created_at: Set(row.created_at),
            last_used_at: Set(None),
            revoked_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        let mut acting = Acting::new(None, "an administrator (los scim token create)");
        acting.record("scim_token_create", "scim_token", &info.id, format!("SCIM token '{}' created", info.label));
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok((secret, info))
    }

    /// Every SCIM token, newest first.
    pub async fn scim_tokens(&self) -> Result<Vec<ScimTokenInfo>, StoreError> {
        let rows = scim_token::Entity::find().order_by_desc(scim_token::Column::CreatedAt).all(self.conn()).await?;
        Ok(rows.into_iter().map(ScimTokenInfo::from).collect())
    }

    /// Revokes the SCIM token whose id (at least 8 characters of it) matches exactly one token.
    pub async fn revoke_scim_token(&self, id: &str) -> Result<ScimTokenInfo, StoreError> {
        if id.len() < 8 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(super::invalid("id", "a token id is at least 8 hexadecimal characters, as the list shows it"));
        }
        let txn = self.begin_audited().await?;
        let mut rows = scim_token::Entity::find()
            .filter(scim_token::Column::Hash.starts_with(id.to_ascii_lowercase()))
            .all(&txn)
            .await?;
        if rows.len() > 1 {
            return Err(super::invalid("id", format!("{id} matches more than one token; give more characters")));
        }
        let row = rows.pop().ok_or_else(|| StoreError::NotFound { kind: "SCIM token", id: id.to_owned() })?;
        let mut am: scim_token::ActiveModel = row.into();
        am.revoked_at = Set(Some(Utc::now()));
        let info = ScimTokenInfo::from(scim_token::Entity::update(am).exec(&txn).await?);
        let mut acting = Acting::new(None, "an administrator (los scim token revoke)");
        acting.record("scim_token_revoke", "scim_token", &info.id, format!("SCIM token '{}' revoked", info.label));
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// The directory client a live SCIM token belongs to; `None` for an unknown or revoked one. Use is
    /// recorded at most once a minute.
    pub async fn scim_client(&self, secret: &str) -> Result<Option<ScimClient>, StoreError> {
        let Some(row) = scim_token::Entity::find_by_id(token_hash(secret)).one(self.conn()).await? else {
            return Ok(None);
        };
        if row.revoked_at.is_some() {
            return Ok(None);
        }
        let client = ScimClient { token_id: row.hash.chars().take(12).collect(), label: row.label.clone() };
        let now = Utc::now();
        if row.last_used_at.is_none_or(|t| now - t >= chrono::Duration::minutes(1)) {
            let mut am: scim_token::ActiveModel = row.into();
            am.last_used_at = Set(Some(now));
            scim_token::Entity::update(am).exec(self.conn()).await?;
        }
        Ok(Some(client))
    }
}
