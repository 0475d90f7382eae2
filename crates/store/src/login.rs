//! Log-in over OpenID Connect: the per-attempt secrets of a log-in in progress, matching a verified
//! identity to a user of Los, and browser sessions with the provider session they came from.
//!
//! The identity provider says who someone is; whether they are a user of Los is what the municipality has
//! recorded: a citizen is the citizen user linked to the person with that national identity number, a staff
//! member the employee whose `external_subject` (or, when configured, e-mail) matches. Nobody is created here.

use chrono::Utc;
use los_domain::ident::Fodselsnummer;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::audit::{self, NewEntry, Outcome};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tokens::{LoginOrigin, TokenKind, token_hash};

/// How long a log-in at the provider may take before its attempt is forgotten.
pub const ATTEMPT_MINUTES: i64 = 10;

/// What Los keeps of a log-in in progress: the provider, the `state` expected back, the `nonce` expected in
/// the ID token and the PKCE verifier for the code exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl Store {
    /// Records a log-in attempt and returns the random key the browser keeps in a cookie (only its hash is
    /// stored). Attempts older than [`ATTEMPT_MINUTES`] are removed on the way.
    pub async fn begin_login(&self, attempt: &LoginAttempt) -> Result<String, StoreError> {
        let now = Utc::now();
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::CreatedAt.lt(now - chrono::Duration::minutes(ATTEMPT_MINUTES)))
            .exec(&self.db)
            .await?;
        let mut raw = [0u8; 32];
        rand::rng().fill_bytes(&mut raw);
        let key = hex::encode(raw);
        login_attempt::Entity::insert(login_attempt::ActiveModel {
            id: Set(token_hash(&key)),
            provider: Set(attempt.provider.clone()),
            state: Set(attempt.state.clone()),
            nonce: Set(attempt.nonce.clone()),
            pkce_verifier: Set(attempt.pkce_verifier.clone()),
            created_at: Set(now),
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(key)
    }

    /// Takes the attempt a browser's key names: it is deleted, so a callback can be used once. `None` for an
    /// unknown, used or expired attempt.
    pub async fn take_login(&self, key: &str) -> Result<Option<LoginAttempt>, StoreError> {
        let id = token_hash(key);
        let Some(row) = login_attempt::Entity::find_by_id(id.clone()).one(&self.db).await? else {
            return Ok(None);
        };
        let deleted = login_attempt::Entity::delete_by_id(id).exec(&self.db).await?;
        // Two callbacks racing with the same key: only the one that deleted the row goes on.
        if deleted.rows_affected != 1 || Utc::now() - row.created_at > chrono::Duration::minutes(ATTEMPT_MINUTES) {
            return Ok(None);
        }
        Ok(Some(LoginAttempt {
            provider: row.provider,
            state: row.state,
            nonce: row.nonce,
            pkce_verifier: row.pkce_verifier,
        }))
    }

    /// The citizen user linked to the person with this national identity number, if the municipality has
    /// recorded one.
    pub async fn citizen_for_fnr(&self, fnr: &Fodselsnummer) -> Result<Option<String>, StoreError> {
        let Some(p) = person::Entity::find().filter(person::Column::Fnr.eq(fnr.as_str())).one(&self.db).await? else {
            return Ok(None);
        };
        let u = user::Entity::find()
            .filter(user::Column::PersonId.eq(p.id))
            .filter(user::Column::Kind.eq("citizen"))
            .filter(user::Column::Active.eq(true))
            .one(&self.db)
            .await?;
        Ok(u.map(|u| u.id))
    }

    /// The active staff user (not a citizen) with this external subject, if any.
    pub async fn staff_for_subject(&self, subject: &str) -> Result<Option<String>, StoreError> {
        self.staff_where(user::Column::ExternalSubject.eq(subject)).await
    }

    /// The active staff user (not a citizen) with this e-mail address (compared without case), if exactly one.
    pub async fn staff_for_email(&self, email: &str) -> Result<Option<String>, StoreError> {
        use sea_orm::sea_query::{Expr, ExprTrait, Func};
        let lower = Expr::expr(Func::lower(Expr::col(user::Column::Email))).eq(email.to_lowercase());
        self.staff_where(lower).await
    }

    /// One staff user matches, and only if active: a deactivated employee cannot log in.
    async fn staff_where(&self, cond: sea_orm::sea_query::SimpleExpr) -> Result<Option<String>, StoreError> {
        let rows = user::Entity::find()
            .filter(cond)
            .filter(user::Column::Kind.ne("citizen"))
            .filter(user::Column::Active.eq(true))
            .all(&self.db)
            .await?;
        Ok(match rows.as_slice() {
            [one] if one.active => Some(one.id.clone()),
            _ => None,
        })
    }

    /// Records who a staff member is at the identity provider (`los user set-subject`).
    pub async fn set_external_subject(&self, user_id: &str, subject: Option<&str>) -> Result<(), StoreError> {
        let row = user::Entity::find_by_id(user_id.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "user", id: user_id.to_owned() })?;
        let mut am: user::ActiveModel = row.into();
        am.external_subject = Set(subject.map(str::to_owned));
        user::Entity::update(am).exec(&self.db).await?;
        Ok(())
    }

    /// A new browser session after a log-in over OpenID Connect (audited as `login`, like every session).
    pub async fn create_login_session(
        &self,
        user_id: &str,
        provider: &str,
        sid: Option<&str>,
        ttl: chrono::Duration,
    ) -> Result<String, StoreError> {
        let label = format!("login via {provider}");
        let origin = LoginOrigin { provider, sid };
        self.issue_token(user_id, TokenKind::Session, Some(&label), Some(ttl), Some(origin)).await
    }

    /// A refused log-in (audited as `login_refused`, outcome deny): which provider and why, by the refusal's
    /// code. Nobody is named: a refused log-in has matched no user, or is not trusted to have.
    pub async fn record_login_refused(&self, provider: &str, code: &str) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        audit::lock_head(&txn).await?;
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                action: "login_refused".into(),
                resource_type: "login".into(),
                resource_id: Some(provider.to_owned()),
                outcome: Some(Outcome::Deny),
                basis: code.to_owned(),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The provider (and its `sid`) a live or ended browser session was logged in with.
    pub async fn session_origin(&self, secret: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        let row = token::Entity::find_by_id(token_hash(secret)).one(&self.db).await?;
        Ok(row.and_then(|r| r.login_provider.map(|p| (p, r.login_sid))))
    }

    /// Ends every live session of a provider session (front-channel logout). Returns how many ended.
    pub async fn revoke_sessions_by_sid(&self, provider: &str, sid: &str) -> Result<usize, StoreError> {
        let rows = token::Entity::find()
            .filter(token::Column::LoginProvider.eq(provider))
            .filter(token::Column::LoginSid.eq(sid))
            .filter(token::Column::RevokedAt.is_null())
            .all(&self.db)
            .await?;
        let n = rows.len();
        for row in rows {
            self.revoke_token_row(row, "session ended by the identity provider (front-channel logout)").await?;
        }
        Ok(n)
    }
}
