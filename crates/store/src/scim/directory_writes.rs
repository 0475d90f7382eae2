//! The directory writes SCIM provisioning makes, audited: each calls the administration's primitive
//! (`admin/employees.rs`, which neither asks the policy nor audits) in the caller's transaction (which holds
//! the audit chain's lock) and adds its audit entry to the caller's [`Acting`]; nothing is deleted.

use chrono::{DateTime, Utc};
use los_domain::admin::EmployeeDetails;
use los_domain::model::Role;
use sea_orm::DatabaseTransaction;

use crate::admin::employees;
use crate::audit::NewEntry;
use crate::error::StoreError;

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

/// Creates the employee `id` (a staff `app_user`, active, without memberships) when no user has that id,
/// else updates that employee; records the creation, or the change when something changed. An e-mail
/// address or external subject another user has is refused (`admin.email_taken`, `admin.subject_taken`).
pub(crate) async fn save_employee(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    id: &str,
    d: &EmployeeDetails,
) -> Result<(), StoreError> {
    let saved = employees::save_employee(txn, id, d).await?;
    if saved.created {
        acting.record("employee_create", "app_user", id, "employee created");
    } else if !saved.changed.is_empty() {
        let words: Vec<&str> = saved
            .changed
            .iter()
            .map(|f| match *f {
                "display_name" => "display name",
                "email" => "e-mail",
                "external_subject" => "external subject",
                other => other,
            })
            .collect();
        acting.record("employee_update", "app_user", id, format!("employee changed: {}", words.join(", ")));
    }
    Ok(())
}

/// Activates or deactivates an employee; deactivating also revokes their live tokens and sessions. Does
/// nothing (and records nothing) when the user already is so.
pub(crate) async fn set_user_active(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    user_id: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match employees::set_user_active(txn, user_id, active, now).await? {
        None => {}
        Some(_) if active => acting.record("employee_activate", "app_user", user_id, "employee activated"),
        Some(revoked) => acting.record(
            "employee_deactivate",
            "app_user",
            user_id,
            format!("employee deactivated; {revoked} live tokens and sessions revoked"),
        ),
    }
    Ok(())
}

/// Gives a user a role in an organisation, or in one of its services. Returns the membership's id and
/// whether it is new (recorded); the same live membership held already (say, given by an administrator)
/// is returned, not made again.
pub(crate) async fn add_membership(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    user_id: &str,
    organisation_id: &str,
    service_id: Option<&str>,
    role: Role,
) -> Result<(i64, bool), StoreError> {
    let (id, created) = employees::add_membership(txn, user_id, organisation_id, service_id, role).await?;
    if created {
        let place = service_id.unwrap_or(organisation_id);
        acting.record("membership_begin", "membership", &id.to_string(), format!("{user_id} became {role} in {place}"));
    }
    Ok((id, created))
}

/// Ends a membership; the row stays, with the time it ended. Ending one already ended does nothing.
pub(crate) async fn end_membership(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    membership_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = employees::membership_row(txn, membership_id).await?;
    let what = format!(
        "{} is no longer {} in {}",
        row.user_id,
        row.role,
        row.service_id.as_deref().unwrap_or(&row.organisation_id)
    );
    if employees::end_membership(txn, membership_id, now).await? {
        acting.record("membership_end", "membership", &membership_id.to_string(), what);
    }
    Ok(())
}
