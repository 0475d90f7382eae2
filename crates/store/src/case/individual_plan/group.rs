//! The responsibility group (ansvarsgruppe) of the plan: its members with their function, added and removed
//! by the service with the main responsibility (the policy's `IndividualPlanStep::Manage`), and kept when
//! they leave. The group is part of the plan's summary, as the case's overview: every reader of the case
//! sees who sits in the group and for what. Its meetings are case meetings of kind `responsibility_group`
//! (`case::meetings`), to which `case::invitations` e-mails the members.

use chrono::{DateTime, Utc};
use los_domain::individual_plan::IpError;
use los_domain::individual_plan::group::{GroupFacts, NewMember, validate_member};
use los_domain::model::User;
use los_policy::IndividualPlanStep;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::writes::{no_plan, touch};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, new_id};

/// A member of the responsibility group.
#[derive(Debug, Clone, Serialize)]
pub struct IpGroupMemberView {
    pub id: String,
    /// employee | family
    pub kind: &'static str,
    pub user_id: Option<String>,
    pub person_id: Option<String>,
    pub name: String,
    /// The service an employee sits for.
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    /// What the member does in the group ("kontaktlærer", "mor").
    pub function: String,
    /// An employee with an e-mail address gets the group's invitations by e-mail.
    pub invitable: bool,
    pub added_at: DateTime<Utc>,
}

/// An employee of a service taking part in the case, who may be added to the group.
#[derive(Debug, Clone, Serialize)]
pub struct IpGroupCandidate {
    pub user_id: String,
    pub name: String,
    pub service_id: String,
    pub service_name: String,
}

/// A member to add: an employee (with the service they sit for) or the child or a parent.
#[derive(Debug, Clone, Default)]
pub struct NewIpGroupMember {
    pub user_id: Option<String>,
    pub service_id: Option<String>,
    pub person_id: Option<String>,
    pub function: String,
}

/// The group's members today, in the order they joined.
pub(crate) async fn members(
    conn: &impl ConnectionTrait,
    plan_id: &str,
) -> Result<Vec<ip_group_member::Model>, StoreError> {
    Ok(ip_group_member::Entity::find()
        .filter(ip_group_member::Column::PlanId.eq(plan_id))
        .filter(ip_group_member::Column::RemovedAt.is_null())
        .order_by_asc(ip_group_member::Column::AddedAt)
        .all(conn)
        .await?)
}

/// The members as shown: names from the users and people they point at (one query each).
pub(crate) async fn member_views(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    rows: &[ip_group_member::Model],
) -> Result<Vec<IpGroupMemberView>, StoreError> {
    let user_ids: Vec<String> = rows.iter().filter_map(|m| m.user_id.clone()).collect();
    let person_ids: Vec<String> = rows.iter().filter_map(|m| m.person_id.clone()).collect();
    let users = if user_ids.is_empty() {
        vec![]
    } else {
        user::Entity::find().filter(user::Column::Id.is_in(user_ids)).all(conn).await?
    };
    let people = if person_ids.is_empty() {
        vec![]
    } else {
        person::Entity::find().filter(person::Column::Id.is_in(person_ids)).all(conn).await?
    };
    Ok(rows
        .iter()
        .map(|m| {
            let user = m.user_id.as_deref().and_then(|u| users.iter().find(|x| x.id == u));
            let name = match (user, m.person_id.as_deref()) {
                (Some(u), _) => u.display_name.clone(),
                (None, Some(p)) => people
                    .iter()
                    .find(|x| x.id == p)
                    .map(|x| format!("{} {}", x.given_name, x.family_name))
                    .unwrap_or_else(|| p.to_owned()),
                (None, None) => m.user_id.clone().unwrap_or_default(),
            };
            IpGroupMemberView {
                id: m.id.clone(),
                kind: if m.user_id.is_some() { "employee" } else { "family" },
                user_id: m.user_id.clone(),
                person_id: m.person_id.clone(),
                name,
                service_name: m.service_id.as_deref().map(|s| {
                    l.case
                        .participants
                        .iter()
                        .find(|p| p.service_id == s)
                        .map_or_else(|| s.to_owned(), |p| p.service_name.clone())
                }),
                service_id: m.service_id.clone(),
                function: m.function.clone(),
                invitable: user.is_some_and(|u| u.active && u.email.is_some()),
                added_at: m.added_at,
            }
        })
        .collect())
}

/// The employees who may join the group: active users with a membership in a service taking part in the
/// case today.
pub(crate) async fn candidates(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    today: chrono::NaiveDate,
) -> Result<Vec<IpGroupCandidate>, StoreError> {
    let services: Vec<(String, String)> = l
        .case
        .participants
        .iter()
        .filter(|p| p.active_on(today))
        .map(|p| (p.service_id.clone(), p.service_name.clone()))
        .collect();
    if services.is_empty() {
        return Ok(vec![]);
    }
    let memberships = membership::Entity::find()
        .filter(membership::Column::ServiceId.is_in(services.iter().map(|(s, _)| s.clone())))
        .filter(membership::Column::EndedAt.is_null())
        .all(conn)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id.clone())))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::DisplayName)
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for u in &users {
        for m in memberships.iter().filter(|m| m.user_id == u.id) {
            let Some((sid, sname)) = services.iter().find(|(s, _)| Some(s) == m.service_id.as_ref()) else {
                continue;
            };
            if !out.iter().any(|c: &IpGroupCandidate| c.user_id == u.id && &c.service_id == sid) {
                out.push(IpGroupCandidate {
                    user_id: u.id.clone(),
                    name: u.display_name.clone(),
                    service_id: sid.clone(),
                    service_name: sname.clone(),
                });
            }
        }
    }
    Ok(out)
}

fn key_of(m: &ip_group_member::Model) -> String {
    match (&m.user_id, &m.person_id) {
        (Some(u), _) => NewMember::Employee { user_id: u, service_id: "" }.key(),
        (None, Some(p)) => NewMember::Family { person_id: p }.key(),
        (None, None) => String::new(),
    }
}

impl Store {
    /// Adds a member to the plan's responsibility group, with their function. The service with the main
    /// responsibility does it.
    pub async fn add_individual_plan_group_member(
        &self,
        actor: &User,
        case_id: &str,
        new: NewIpGroupMember,
    ) -> Result<String, StoreError> {
        let id = new_id("ipgruppe");
        let b = self.ip_begin(actor, case_id, "ip_group_member", &id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let today = b.now.date_naive();
        let services: Vec<String> =
            b.l.case.participants.iter().filter(|p| p.active_on(today)).map(|p| p.service_id.clone()).collect();
        let mut family = vec![b.l.child.id.clone()];
        family
            .extend(b.l.guardianships.iter().filter(|g| g.parental_responsibility).map(|g| g.adult_person_id.clone()));
        let current = members(&b.txn, &rows.plan.id).await?;
        let keys: Vec<String> = current.iter().map(key_of).collect();
        let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let (user_id, service_id, person_id) =
            (trimmed(&new.user_id), trimmed(&new.service_id), trimmed(&new.person_id));
        let employee_services: Vec<String> = match &user_id {
            Some(u) => membership::Entity::find()
                .filter(membership::Column::UserId.eq(u.as_str()))
                .filter(membership::Column::EndedAt.is_null())
                .all(&b.txn)
                .await?
                .into_iter()
                .filter_map(|m| m.service_id)
                .collect(),
            None => vec![],
        };
        let member = match (&user_id, &service_id, &person_id) {
            (Some(u), Some(s), None) => NewMember::Employee { user_id: u, service_id: s },
            (None, None, Some(p)) => NewMember::Family { person_id: p },
            _ => {
                return Err(StoreError::Invalid {
                    field: Some("member"),
                    code: "ip.group_member_kind",
                    message: "name an employee and the service they sit for, or a family member".into(),
                });
            }
        };
        let facts =
            GroupFacts { services: &services, employee_services: &employee_services, family: &family, members: &keys };
        let function = validate_member(&member, &new.function, &facts)?;
        ip_group_member::Entity::insert(ip_group_member::ActiveModel {
            id: Set(id.clone()),
            plan_id: Set(rows.plan.id.clone()),
            case_id: Set(case_id.into()),
            user_id: Set(user_id),
            service_id: Set(service_id),
            person_id: Set(person_id),
            function: Set(function),
            added_by: Set(actor.id.clone()),
            added_at: Set(b.now),
            removed_at: Set(None),
            removed_by: Set(None),
        })
        .exec_without_returning(&b.txn)
        .await?;
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(id)
    }

    /// Takes a member out of the group; the row is kept with who removed them and when.
    pub async fn remove_individual_plan_group_member(
        &self,
        actor: &User,
        case_id: &str,
        member_id: &str,
    ) -> Result<(), StoreError> {
        let b = self.ip_begin(actor, case_id, "ip_group_member_remove", member_id, IndividualPlanStep::Manage).await?;
        let rows = b.rows.as_ref().ok_or_else(no_plan)?;
        let m = members(&b.txn, &rows.plan.id)
            .await?
            .into_iter()
            .find(|m| m.id == member_id)
            .ok_or(IpError::GroupNotMember)?;
        let mut am: ip_group_member::ActiveModel = m.into();
        am.removed_at = Set(Some(b.now));
        am.removed_by = Set(Some(actor.id.clone()));
        ip_group_member::Entity::update(am).exec(&b.txn).await?;
        touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(())
    }
}
