//! The audited transaction: the one way a store method reaches personal data.
//!
//! A write (or a read that must be audited) runs in this order:
//! 1. [`Store::tx_case`] begins a transaction holding the audit chain's lock ([`Store::begin_audited`]) and
//!    loads the case with every fact the access policy needs ([`Loaded`]);
//! 2. the method asks [`los_policy::authorize`] for a [`Decision`];
//! 3. [`Store::decide`] appends the audit entry (built by [`entry`], completed by [`with_decision`]) in the same
//!    transaction — for allowed and denied access alike — and turns a denial into [`StoreError::Denied`];
//! 4. the method checks the rules that need stored history, writes, and commits.
//!
//! Rules of the domain live in `los_domain`; their errors become [`StoreError::Invalid`] through one
//! conversion ([`rule_error`], and `From` so that `?` works). Helpers that several case resources share are
//! in [`shared`], so that no resource slice imports another.

mod load;
pub(crate) mod shared;

use chrono::{DateTime, Utc};
use los_domain::admin::AdminError;
use los_domain::child_coordinator::ChildCoordinatorError;
use los_domain::closing::ClosingError;
use los_domain::consent::{ConsentError, InfoCategory};
use los_domain::coordination::CoordinationError;
use los_domain::individual_plan::IpError;
use los_domain::individual_plan::complaint::ComplaintError as IpComplaintError;
use los_domain::individual_plan::content::ContentError as IpContentError;
use los_domain::intake::IntakeError;
use los_domain::model::User;
use los_domain::planning::PlanningError;
use los_domain::rights::RightsError;
use los_domain::sharing::LegalBasisError;
use los_policy::{Basis, Decision};
use sea_orm::{DatabaseTransaction, EntityTrait, TransactionTrait};

pub(crate) use load::{Loaded, consent_from_rows, load, load_many, load_person, municipal_decider};

use crate::audit::{self, NewEntry, Outcome};
use crate::entities::case;
use crate::error::StoreError;
use crate::store::Store;

/// A new record id: the kind's Norwegian prefix and a time-ordered UUID.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// The audit entry of `actor` doing `action` on a resource of a case. [`with_decision`] (through
/// [`Store::decide`]) adds the outcome, the category, and the service, role and basis the policy gave.
pub(crate) fn entry(actor: &User, action: &str, resource_type: &str, resource_id: &str, case_id: &str) -> NewEntry {
    NewEntry {
        actor_user_id: Some(actor.id.clone()),
        action: action.into(),
        resource_type: resource_type.into(),
        resource_id: Some(resource_id.to_owned()),
        case_id: Some(case_id.to_owned()),
        ..Default::default()
    }
}

/// Completes an audit entry with the policy's decision: outcome, category, and for an allowed access the
/// service the actor worked through, their role and the basis.
pub(crate) fn with_decision(mut e: NewEntry, d: &Decision, category: Option<InfoCategory>) -> NewEntry {
    e.category = category.map(|c| c.as_str().to_owned());
    match d {
        Decision::Allow(b) => {
            e.outcome = Some(Outcome::Allow);
            e.actor_service_id = b.via_service.clone();
            e.actor_role = b.role.map(|r| r.as_str().to_owned());
            e.basis = b.detail.clone();
        }
        Decision::Deny(r) => {
            e.outcome = Some(Outcome::Deny);
            e.basis = r.detail.clone();
        }
    }
    e
}

/// A rule of the domain was broken: nothing is changed, and `code` is stable for translation.
pub(crate) fn rule_error(code: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid { field: None, code, message: e.to_string() }
}

macro_rules! rule_errors {
    ($($t:ty),+ $(,)?) => {
        $(impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Invalid { field: e.field(), code: e.code(), message: e.to_string() }
            }
        })+
    };
}
rule_errors!(
    AdminError,
    ChildCoordinatorError,
    ClosingError,
    ConsentError,
    CoordinationError,
    IntakeError,
    IpError,
    IpComplaintError,
    IpContentError,
    LegalBasisError,
    PlanningError,
    RightsError
);

/// A required free-text field of the request (`field`, the input's name): refused when blank.
pub(crate) fn required(v: &str, field: &'static str, code: &'static str, message: &str) -> Result<(), StoreError> {
    if v.trim().is_empty() {
        Err(StoreError::Invalid { field: Some(field), code, message: message.into() })
    } else {
        Ok(())
    }
}

/// Parses a stored code; an unknown one is an integrity error (a bug or tampering).
pub(crate) fn parse_enum<T>(v: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T, StoreError> {
    parse(v).ok_or_else(|| StoreError::Integrity(format!("unknown {what} '{v}' in the database")))
}

/// A stored comma-separated list, each item trimmed, blanks dropped.
pub(crate) fn split(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// A stored comma-separated list as written, blanks dropped.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

impl Store {
    /// Begins a read: a transaction for a consistent view, without the audit chain's lock. Its audit
    /// entries are collected and handed to `record_reads` after it, before the answer leaves.
    pub(crate) async fn begin_read(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(self.conn().begin().await?)
    }

    /// Appends a read's audit entries as one entry naming everything it read ([`audit::fold`]), through
    /// the group-commit writer, and returns once it is durable.
    pub(crate) async fn record_reads(&self, entries: Vec<NewEntry>) -> Result<(), StoreError> {
        self.reads.append(audit::fold(entries).into_iter().collect()).await
    }

    /// A read's decision: allowed, its entry joins the read's entries; refused, the read ends (its
    /// connection is given back first, so the writer is never starved of one) and the refusal is recorded
    /// before `Denied` is returned.
    pub(crate) async fn decide_read(
        &self,
        txn: DatabaseTransaction,
        d: Decision,
        e: NewEntry,
        category: Option<InfoCategory>,
        entries: &mut Vec<NewEntry>,
    ) -> Result<(Basis, DatabaseTransaction), StoreError> {
        let e = with_decision(e, &d, category);
        match d {
            Decision::Allow(b) => {
                entries.push(e);
                Ok((b, txn))
            }
            Decision::Deny(r) => {
                txn.rollback().await?;
                self.record_reads(vec![e]).await?;
                Err(StoreError::Denied(r))
            }
        }
    }

    /// Begins a writing transaction holding the audit chain's lock.
    pub(crate) async fn begin_audited(&self) -> Result<DatabaseTransaction, StoreError> {
        let txn = self.conn().begin().await?;
        audit::lock_head(&txn).await?;
        Ok(txn)
    }

    pub(crate) async fn load_case(
        &self,
        txn: &DatabaseTransaction,
        case_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Loaded, StoreError> {
        let row = case::Entity::find_by_id(case_id.to_owned())
            .one(txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.to_owned() })?;
        load(txn, row, now).await
    }

    /// Begins the audited transaction of a case and loads it: the start of every write to a case.
    pub(crate) async fn tx_case(
        &self,
        case_id: &str,
    ) -> Result<(DatabaseTransaction, Loaded, DateTime<Utc>), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        Ok((txn, l, now))
    }

    /// Records a decision in the audit log and commits; a denial becomes `Denied` after it is recorded.
    pub(crate) async fn decide(
        &self,
        txn: DatabaseTransaction,
        d: Decision,
        e: NewEntry,
        category: Option<InfoCategory>,
    ) -> Result<(Basis, DatabaseTransaction), StoreError> {
        let e = with_decision(e, &d, category);
        audit::append(&txn, self.key(), vec![e]).await?;
        match d {
            Decision::Allow(b) => Ok((b, txn)),
            Decision::Deny(r) => {
                txn.commit().await?;
                Err(StoreError::Denied(r))
            }
        }
    }

    /// The service through which the actor works in the case (from the policy's basis).
    pub(crate) fn acting_service(basis: &Basis) -> Result<String, StoreError> {
        basis.via_service.clone().ok_or(StoreError::Invalid {
            field: None,
            code: "cooperation.no_service",
            message: "this is done by a service taking part in the case".into(),
        })
    }
}
