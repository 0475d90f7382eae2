//! The directory writes SCIM provisioning needs: create and update an employee, set a user active or
//! inactive, add a membership and end one. Each writes in the caller's transaction (which holds the audit
//! chain's lock) and adds its audit entry to the caller's [`Acting`]; nothing is deleted.
//!
//! These are deliberately minimal and kept in this one file: the administration of employees
//! (`admin/employees.rs`, written in parallel) has the same primitives, and these are to be replaced by
//! them when both land.

use chrono::{DateTime, Utc};
use los_domain::model::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::tx::new_id;

/// Who is writing (the audit's actor) and the audit entries of the writes so far, appended by the caller
/// before it commits.
#[derive(Debug)]
pub(crate) struct Acting {
    /// The audit actor, e.g. `scim:1a2b3c4d5e6f` for a SCIM token; `None` for the command line.
    pub actor: Option<String>,
    /// Who the writes are by, in words, for the entries' basis.
    pub by: String,
    pub entries: Vec<NewEntry>,
}

impl Acting {
    pub fn new(actor: Option<String>, by: impl Into<String>) -> Self {
        Acting { actor, by: by.into(), entries: Vec::new() }
    }

    /// Records one write.
    pub fn record(&mut self, action: &str, resource_type: &str, resource_id: &str, what: impl std::fmt::Display) {
        self.entries.push(NewEntry {
            actor_user_id: self.actor.clone(),
            action: action.into(),
            resource_type: resource_type.into(),
            resource_id: Some(resource_id.to_owned()),
            basis: format!("{what} ({})", self.by),
            ..Default::default()
        });
    }
}

/// An employee's directory data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmployeeData {
    pub display_name: String,
    pub email: Option<String>,
    /// Who they are at the identity provider they log in with (`app_user.external_subject`).
    pub external_subject: Option<String>,
}

/// Creates an employee (a staff `app_user`, active, without memberships). Returns the user id.
pub(crate) async fn create_employee(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    data: &EmployeeData,
) -> Result<String, StoreError> {
    let id = new_id("ansatt");
    user::Entity::insert(user::ActiveModel {
        id: Set(id.clone()),
        display_name: Set(data.display_name.clone()),
        kind: Set("employee".into()),
        person_id: Set(None),
        demo_description: Set(None),
        email: Set(data.email.clone()),
        external_subject: Set(data.external_subject.clone()),
        active: Set(true),
        deactivated_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    acting.record("employee_create", "app_user", &id, "employee created");
    Ok(id)
}

/// Updates an employee's directory data; records the change only when something changed.
pub(crate) async fn update_employee(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    user_id: &str,
    data: &EmployeeData,
) -> Result<(), StoreError> {
    let row = employee(txn, user_id).await?;
    let mut changed = Vec::new();
    if row.display_name != data.display_name {
        changed.push("display name");
    }
    if row.email != data.email {
        changed.push("e-mail");
    }
    if row.external_subject != data.external_subject {
        changed.push("external subject");
    }
    if changed.is_empty() {
        return Ok(());
    }
    let mut am: user::ActiveModel = row.into();
    am.display_name = Set(data.display_name.clone());
    am.email = Set(data.email.clone());
    am.external_subject = Set(data.external_subject.clone());
    user::Entity::update(am).exec(txn).await?;
    acting.record("employee_update", "app_user", user_id, format!("employee changed: {}", changed.join(", ")));
    Ok(())
}

/// Activates or deactivates a user. Deactivating also revokes every live token and session of theirs, so
/// nothing they hold keeps working. Does nothing (and records nothing) when the user already is so.
pub(crate) async fn set_user_active(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    user_id: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = employee(txn, user_id).await?;
    if row.active == active {
        return Ok(());
    }
    let mut am: user::ActiveModel = row.into();
    am.active = Set(active);
    am.deactivated_at = Set((!active).then_some(now));
    user::Entity::update(am).exec(txn).await?;
    if active {
        acting.record("employee_activate", "app_user", user_id, "employee activated");
    } else {
        let revoked = token::Entity::update_many()
            .col_expr(token::Column::RevokedAt, Expr::value(Some(now)))
            .filter(token::Column::UserId.eq(user_id))
            .filter(token::Column::RevokedAt.is_null())
            .exec(txn)
            .await?
            .rows_affected;
        acting.record(
            "employee_deactivate",
            "app_user",
            user_id,
            format!("employee deactivated; {revoked} live tokens and sessions revoked"),
        );
    }
    Ok(())
}

/// Gives a user a role in an organisation, or in one of its services. Returns the membership's id.
pub(crate) async fn add_membership(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    user_id: &str,
    organisation_id: &str,
    service_id: Option<&str>,
    role: Role,
) -> Result<i64, StoreError> {
    let res = membership::Entity::insert(membership::ActiveModel {
        user_id: Set(user_id.to_owned()),
        organisation_id: Set(organisation_id.to_owned()),
        service_id: Set(service_id.map(str::to_owned)),
        role: Set(role.as_str().to_owned()),
        ended_at: Set(None),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    let id = res.last_insert_id;
    let place = service_id.unwrap_or(organisation_id);
    acting.record("membership_begin", "membership", &id.to_string(), format!("{user_id} became {role} in {place}"));
    Ok(id)
}

/// Ends a membership; the row stays, with the time it ended. Ending one already ended does nothing.
pub(crate) async fn end_membership(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    membership_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = membership::Entity::find_by_id(membership_id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound { kind: "membership", id: membership_id.to_string() })?;
    if row.ended_at.is_some() {
        return Ok(());
    }
    let what = format!(
        "{} is no longer {} in {}",
        row.user_id,
        row.role,
        row.service_id.as_deref().unwrap_or(&row.organisation_id)
    );
    let mut am: membership::ActiveModel = row.into();
    am.ended_at = Set(Some(now));
    membership::Entity::update(am).exec(txn).await?;
    acting.record("membership_end", "membership", &membership_id.to_string(), what);
    Ok(())
}

/// A staff user's row (never a citizen's).
async fn employee(txn: &DatabaseTransaction, user_id: &str) -> Result<user::Model, StoreError> {
    user::Entity::find_by_id(user_id.to_owned())
        .one(txn)
        .await?
        .filter(|u| u.kind != "citizen")
        .ok_or_else(|| StoreError::NotFound { kind: "employee", id: user_id.to_owned() })
}
