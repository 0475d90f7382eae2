//! Idempotency keys on API writes: the first request with a key runs and its answer is kept for 24 hours;
//! a retry with the same key and the same request gets that answer again without running the write twice.
//! A key is scoped to the caller's credential (a hash of it), so one client cannot read another's answers.
//! A second request arriving while the first still runs is told so (it must not run the write too), and a
//! first request that failed on the server's side releases its key, so the retry runs.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::entities::idempotency_key;
use crate::error::StoreError;
use crate::store::Store;

/// How long an answer is kept.
const KEEP_HOURS: i64 = 24;

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// First time: run it, then `finish` (or `release` on a server error).
    Run,
    /// Seen before with the same request: answer this again.
    Replay { status: u16, content_type: Option<String>, body: String },
    /// The key was used for another request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

fn id(scope: &str, key: &str) -> String {
    hex::encode(Sha256::digest(format!("{scope}\n{key}").as_bytes()))
}

impl Store {
    /// Claims a key for a request (`fingerprint`: a hash of method, path and body), or tells what the
    /// first request with it got. Answers older than 24 hours are forgotten.
    pub async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Idempotency, StoreError> {
        let now = Utc::now();
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(now - chrono::Duration::hours(KEEP_HOURS)))
            .exec(&self.db)
            .await?;
        let id = id(scope, key);
        let row = idempotency_key::ActiveModel {
            id: Set(id.clone()),
            fingerprint: Set(fingerprint.to_owned()),
            status: Set(None),
            content_type: Set(None),
            body: Set(None),
            created_at: Set(now),
        };
        // The primary key serialises concurrent requests: only one insert wins.
        match idempotency_key::Entity::insert(row).exec_without_returning(&self.db).await {
            Ok(_) => return Ok(Idempotency::Run),
            Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(seen) = idempotency_key::Entity::find_by_id(id).one(&self.db).await? else {
            // Released between our insert and our read: the caller may retry.
            return Ok(Idempotency::InProgress);
        };
        if seen.fingerprint != fingerprint {
            return Ok(Idempotency::Mismatch);
        }
        match seen.status {
            None => Ok(Idempotency::InProgress),
            Some(status) => Ok(Idempotency::Replay {
                status: u16::try_from(status).unwrap_or(500),
                content_type: seen.content_type,
                body: seen.body.unwrap_or_default(),
            }),
        }
    }

    /// Keeps the answer of the request that claimed the key.
    pub async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(), StoreError> {
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::Status, sea_orm::sea_query::Expr::value(i32::from(status)))
            .col_expr(
                idempotency_key::Column::ContentType,
                sea_orm::sea_query::Expr::value(content_type.map(str::to_owned)),
            )
            .col_expr(idempotency_key::Column::Body, sea_orm::sea_query::Expr::value(body.to_owned()))
            .filter(idempotency_key::Column::Id.eq(id(scope, key)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Frees a key whose request failed on the server's side, so a retry runs.
    pub async fn idempotency_release(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        idempotency_key::Entity::delete_by_id(id(scope, key)).exec(&self.db).await?;
        Ok(())
    }
}
