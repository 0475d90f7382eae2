//! Employees and their memberships: created, changed, deactivated and reactivated; memberships added and
//! ended (kept as history). The primitives at the top work on a connection inside the caller's
//! transaction and neither ask the policy nor audit: the administrator's methods below do both, and the SCIM
//! provisioning module calls the same primitives inside its own audited transaction.

use chrono::{DateTime, Utc};
use los_domain::admin::{EmployeeDetails, membership_role, works_in_a_service};
use los_domain::model::{Role, User, UserKind};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{administering, fallback_scope, invalid, scope_of};
use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::new_id;

/// What saving an employee did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SavedEmployee {
    pub id: String,
    pub created: bool,
    /// The names of the fields that changed (all of them for a new employee).
    pub changed: Vec<&'static str>,
}

/// A new employee's id.
pub(crate) fn new_employee_id() -> String {
    new_id("ansatt")
}

/// Creates the employee `id` when no user has that id, or updates that employee, with checked details. The
/// e-mail address (compared without case) and the external subject must be no other staff user's, since
/// log-in matches exactly one (`admin.email_taken`, `admin.subject_taken`). A citizen's id is refused.
pub(crate) async fn save_employee(
    conn: &impl ConnectionTrait,
    id: &str,
    d: &EmployeeDetails,
) -> Result<SavedEmployee, StoreError> {
    let existing = match user::Entity::find_by_id(id.to_owned()).one(conn).await? {
        Some(_) => Some(employee_row(conn, id).await?),
        None => None,
    };
    let others = |q: sea_orm::Select<user::Entity>| {
        q.filter(user::Column::Kind.ne(UserKind::Citizen.as_str())).filter(user::Column::Id.ne(id))
    };
    if let Some(email) = &d.email {
        let lower = Expr::expr(Func::lower(Expr::col(user::Column::Email))).eq(email.to_lowercase());
        if others(user::Entity::find().filter(lower)).one(conn).await?.is_some() {
            return Err(invalid("admin.email_taken", "email", "another employee has this e-mail address"));
        }
    }
    // The subject is unique among all users (a unique index): checked here so it is a refusal, not a
    // database error.
    if let Some(subject) = &d.external_subject
        && user::Entity::find()
            .filter(user::Column::ExternalSubject.eq(subject.as_str()))
            .filter(user::Column::Id.ne(id))
            .one(conn)
            .await?
            .is_some()
    {
        return Err(invalid("admin.subject_taken", "external_subject", "another employee has this subject"));
    }
    match existing {
        None => {
            user::Entity::insert(user::ActiveModel {
                id: Set(id.to_owned()),
                display_name: Set(d.display_name.clone()),
                kind: Set(UserKind::Employee.as_str().into()),
                person_id: Set(None),
                demo_description: Set(None),
                email: Set(d.email.clone()),
                external_subject: Set(d.external_subject.clone()),
                active: Set(true),
                deactivated_at: Set(None),
            })
            .exec_without_returning(conn)
            .await?;
            Ok(SavedEmployee {
                id: id.to_owned(),
                created: true,
                changed: vec!["display_name", "email", "external_subject"],
            })
        }
        Some(row) => {
            let changed = changes(&row, d);
            if !changed.is_empty() {
                let mut am: user::ActiveModel = row.into();
                am.display_name = Set(d.display_name.clone());
                am.email = Set(d.email.clone());
                am.external_subject = Set(d.external_subject.clone());
                user::Entity::update(am).exec(conn).await?;
            }
            Ok(SavedEmployee { id: id.to_owned(), created: false, changed })
        }
    }
}

/// The fields of `row` that `d` changes.
fn changes(row: &user::Model, d: &EmployeeDetails) -> Vec<&'static str> {
    let mut v = Vec::new();
    if row.display_name != d.display_name {
        v.push("display_name");
    }
    if row.email != d.email {
        v.push("email");
    }
    if row.external_subject != d.external_subject {
        v.push("external_subject");
    }
    v
}

/// The employee with this id (not a citizen).
pub(crate) async fn employee_row(conn: &impl ConnectionTrait, id: &str) -> Result<user::Model, StoreError> {
    user::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .filter(|u| u.kind == UserKind::Employee.as_str())
        .ok_or_else(|| StoreError::NotFound { kind: "employee", id: id.to_owned() })
}

/// Activates or deactivates an employee at `now`. A deactivated employee cannot log in, their tokens and
/// sessions are revoked here, and they get no reminders; the row stays for what refers to it. Returns
/// `None` when nothing changed (doing it twice changes nothing), else how many live tokens and sessions
/// were revoked (none on activation).
pub(crate) async fn set_user_active(
    conn: &impl ConnectionTrait,
    user_id: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<Option<u64>, StoreError> {
    let row = employee_row(conn, user_id).await?;
    if row.active == active {
        return Ok(None);
    }
    let mut am: user::ActiveModel = row.into();
    am.active = Set(active);
    am.deactivated_at = Set((!active).then_some(now));
    user::Entity::update(am).exec(conn).await?;
    if active {
        return Ok(Some(0));
    }
    let revoked = token::Entity::update_many()
        .col_expr(token::Column::RevokedAt, Expr::value(now))
        .filter(token::Column::UserId.eq(user_id))
        .filter(token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected;
    Ok(Some(revoked))
}

/// Gives an active employee a role in an organisation, in one of its services or (leader, administrator)
/// in the organisation as a whole. A service must be active and belong to the organisation. The same live
/// membership twice is the first one again: returns its id and `false`.
pub(crate) async fn add_membership(
    conn: &impl ConnectionTrait,
    user_id: &str,
    organisation_id: &str,
    service_id: Option<&str>,
    role: Role,
) -> Result<(i64, bool), StoreError> {
    let user = employee_row(conn, user_id).await?;
    if !user.active {
        return Err(invalid("admin.employee_inactive", "user_id", "the employee is deactivated: activate them first"));
    }
    if works_in_a_service(role) && service_id.is_none() {
        return Err(invalid("admin.service_required", "service_id", "case work is done in a service: choose one"));
    }
    if let Some(s) = service_id {
        let svc = service::Entity::find_by_id(s.to_owned())
            .one(conn)
            .await?
            .filter(|x| x.active)
            .ok_or_else(|| invalid("admin.service_unknown", "service_id", "choose an active service"))?;
        if svc.organisation_id != organisation_id {
            return Err(invalid("admin.service_unknown", "service_id", "the service belongs to another organisation"));
        }
    } else if organisation::Entity::find_by_id(organisation_id.to_owned()).one(conn).await?.is_none() {
        return Err(invalid("admin.organisation_unknown", "organisation_id", "no such organisation"));
    }
    let mut same = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganisationId.eq(organisation_id))
        .filter(membership::Column::Role.eq(role.as_str()))
        .filter(membership::Column::EndedAt.is_null());
    same = match service_id {
        Some(s) => same.filter(membership::Column::ServiceId.eq(s)),
        None => same.filter(membership::Column::ServiceId.is_null()),
    };
    if let Some(m) = same.one(conn).await? {
        return Ok((m.id, false));
    }
    let res = membership::Entity::insert(membership::ActiveModel {
        user_id: Set(user_id.to_owned()),
        organisation_id: Set(organisation_id.to_owned()),
        service_id: Set(service_id.map(str::to_owned)),
        role: Set(role.as_str().into()),
        ended_at: Set(None),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok((res.last_insert_id, true))
}

/// Ends a membership at `now`; the row is kept (who held which role when). Returns whether it was live.
pub(crate) async fn end_membership(
    conn: &impl ConnectionTrait,
    membership_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let row = membership_row(conn, membership_id).await?;
    if row.ended_at.is_some() {
        return Ok(false);
    }
    let mut am: membership::ActiveModel = row.into();
    am.ended_at = Set(Some(now));
    membership::Entity::update(am).exec(conn).await?;
    Ok(true)
}

pub(crate) async fn membership_row(conn: &impl ConnectionTrait, id: i64) -> Result<membership::Model, StoreError> {
    membership::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::NotFound { kind: "membership", id: id.to_string() })
}

/// A new membership as an administrator gives it: a service (whose organisation it is in), or for a leader
/// or administrator of the organisation as a whole the organisation (default: the administrator's own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMembership {
    pub service_id: Option<String>,
    pub organisation_id: Option<String>,
    /// The role's code (`case_worker`, `leader`…), checked here.
    pub role: String,
}

/// The directories an employee is in (through any membership, live or ended); none yet: the actor's.
async fn employee_scopes(conn: &impl ConnectionTrait, actor: &User, user_id: &str) -> Result<Vec<String>, StoreError> {
    let orgs = organisation::Entity::find().all(conn).await?;
    let ms = membership::Entity::find().filter(membership::Column::UserId.eq(user_id)).all(conn).await?;
    let mut scopes: Vec<String> = ms
        .iter()
        .filter_map(|m| orgs.iter().find(|o| o.id == m.organisation_id))
        .map(|o| administering(o, &orgs).to_owned())
        .collect();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        scopes.push(fallback_scope(actor));
    }
    Ok(scopes)
}

/// Of the directories an act may be about, the one the actor administers (else the first, to be refused).
fn pick(actor: &User, scopes: Vec<String>) -> String {
    let mine = super::administered(actor);
    scopes
        .iter()
        .find(|s| mine.contains(&s.as_str()))
        .cloned()
        .unwrap_or_else(|| scopes.into_iter().next().unwrap_or_default())
}

fn entry(action: &str, resource_type: &str, id: &str) -> NewEntry {
    NewEntry {
        action: action.into(),
        resource_type: resource_type.into(),
        resource_id: Some(id.to_owned()),
        ..Default::default()
    }
}

impl Store {
    /// An administrator adds an employee to the directory of `organisation_id` (or of their only one).
    /// Returns the new employee's id.
    pub async fn create_employee(
        &self,
        actor: &User,
        organisation_id: Option<&str>,
        d: &EmployeeDetails,
    ) -> Result<String, StoreError> {
        let scope = scope_of(actor, organisation_id)?;
        let txn = self.begin_audited().await?;
        let id = new_employee_id();
        let txn =
            self.decide_directory(txn, actor, &scope, entry("create", "employee", &id), "employee created").await?;
        save_employee(&txn, &id, d).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// An administrator changes an employee's name, e-mail address or external subject.
    pub async fn update_employee(&self, actor: &User, user_id: &str, d: &EmployeeDetails) -> Result<(), StoreError> {
        let txn = self.begin_audited().await?;
        let row = employee_row(&txn, user_id).await?;
        let scope = pick(actor, employee_scopes(&txn, actor, user_id).await?);
        let what = format!("employee changed: {}", changes(&row, d).join(", "));
        let txn = self.decide_directory(txn, actor, &scope, entry("update", "employee", user_id), &what).await?;
        save_employee(&txn, user_id, d).await?;
        txn.commit().await?;
        Ok(())
    }

    /// An administrator deactivates (`false`) or reactivates (`true`) an employee. Administrators do not
    /// deactivate themselves. Returns whether anything changed.
    pub async fn set_employee_active(&self, actor: &User, user_id: &str, active: bool) -> Result<bool, StoreError> {
        let txn = self.begin_audited().await?;
        employee_row(&txn, user_id).await?;
        let scope = pick(actor, employee_scopes(&txn, actor, user_id).await?);
        let (action, what) =
            if active { ("activate", "employee activated") } else { ("deactivate", "employee deactivated") };
        let txn = self.decide_directory(txn, actor, &scope, entry(action, "employee", user_id), what).await?;
        if !active && actor.id == user_id {
            return Err(invalid("admin.self", "user_id", "you cannot deactivate yourself; another administrator can"));
        }
        let changed = set_user_active(&txn, user_id, active, Utc::now()).await?.is_some();
        txn.commit().await?;
        Ok(changed)
    }

    /// An administrator gives an employee a role in a service (or, for a leader or administrator, in the
    /// organisation). Returns the membership's id (the live one when it already exists).
    pub async fn add_employee_membership(
        &self,
        actor: &User,
        user_id: &str,
        m: &NewMembership,
    ) -> Result<i64, StoreError> {
        let service_id = m.service_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let role = membership_role(&m.role, service_id.is_some())?;
        let txn = self.begin_audited().await?;
        employee_row(&txn, user_id).await?;
        let orgs = organisation::Entity::find().all(&txn).await?;
        // The organisation the role is in: the service's, or the one given (default: the actor's own).
        let organisation_id = match service_id {
            Some(s) => service::Entity::find_by_id(s.to_owned())
                .one(&txn)
                .await?
                .filter(|x| x.active)
                .map(|x| x.organisation_id),
            None => Some(scope_of(actor, m.organisation_id.as_deref())?),
        };
        let org = organisation_id.as_ref().and_then(|o| orgs.iter().find(|x| &x.id == o));
        // The policy answers first: someone who administers nothing learns nothing about what exists.
        let scope = org.map_or_else(|| fallback_scope(actor), |o| administering(o, &orgs).to_owned());
        let what = format!(
            "membership added: {} in {}",
            role.as_str(),
            service_id.or(organisation_id.as_deref()).unwrap_or("an unknown service")
        );
        let txn = self.decide_directory(txn, actor, &scope, entry("add", "membership", user_id), &what).await?;
        let Some(organisation_id) = organisation_id else {
            return Err(invalid("admin.service_unknown", "service_id", "choose an active service"));
        };
        if org.is_none() {
            return Err(invalid("admin.organisation_unknown", "organisation_id", "no such organisation"));
        }
        let (id, _) = add_membership(&txn, user_id, &organisation_id, service_id, role).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// An administrator ends a membership; it is kept with the time it ended and grants nothing from then.
    /// An administrator does not end their own administrator role. Returns whether it was live, and whose
    /// membership it is.
    pub async fn end_employee_membership(
        &self,
        actor: &User,
        membership_id: i64,
    ) -> Result<(bool, String), StoreError> {
        let txn = self.begin_audited().await?;
        let m = membership_row(&txn, membership_id).await?;
        let orgs = organisation::Entity::find().all(&txn).await?;
        let scope = orgs
            .iter()
            .find(|o| o.id == m.organisation_id)
            .map_or_else(|| m.organisation_id.clone(), |o| administering(o, &orgs).to_owned());
        let what = format!("membership {membership_id} of {} ended", m.user_id);
        let txn = self
            .decide_directory(txn, actor, &scope, entry("end", "membership", &membership_id.to_string()), &what)
            .await?;
        if m.user_id == actor.id && m.role == Role::Administrator.as_str() {
            return Err(invalid(
                "admin.self",
                "membership_id",
                "you cannot end your own administrator role; another administrator can",
            ));
        }
        let changed = end_membership(&txn, membership_id, Utc::now()).await?;
        txn.commit().await?;
        Ok((changed, m.user_id))
    }
}
