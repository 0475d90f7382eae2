//! The municipality's mapping of directory groups to roles, and the memberships it gives: an active member
//! of a mapped group holds the mapped role in the mapped service (or organisation) for as long as they are
//! one. [`reconcile`] makes one user's memberships from their groups what the mapping says; it runs after
//! every change that can alter them, in the same transaction.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use los_domain::admin::works_in_a_service;
use los_domain::model::Role;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

use super::directory_writes::{self as writes, Acting};
use super::invalid;
use crate::audit;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

/// A group mapped to a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMapping {
    pub id: i64,
    pub group_id: String,
    pub group_name: String,
    pub organisation_id: String,
    pub service_id: Option<String>,
    pub role: Role,
}

/// (organisation, service, role): what a membership gives.
type Grant = (String, Option<String>, String);

/// Makes the memberships a SCIM user holds through groups those the mapping gives them now: none when the
/// user is inactive or deleted; for each mapped group they are a member of (not deleted), its roles.
/// Memberships no longer given end (kept, with the time); new ones begin. Audited through `acting`.
pub(crate) async fn reconcile(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    scim_user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(su) = scim_user::Entity::find_by_id(scim_user_id.to_owned()).one(txn).await? else {
        return Ok(());
    };
    let mut wanted: BTreeSet<Grant> = BTreeSet::new();
    if su.active && su.deleted_at.is_none() {
        let groups: Vec<String> = scim_group_member::Entity::find()
            .filter(scim_group_member::Column::ScimUserId.eq(scim_user_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|m| m.group_id)
            .collect();
        if !groups.is_empty() {
            let live: Vec<String> = scim_group::Entity::find()
                .filter(scim_group::Column::Id.is_in(groups))
                .filter(scim_group::Column::DeletedAt.is_null())
                .all(txn)
                .await?
                .into_iter()
                .map(|g| g.id)
                .collect();
            if !live.is_empty() {
                for m in scim_group_role::Entity::find()
                    .filter(scim_group_role::Column::GroupId.is_in(live))
                    .all(txn)
                    .await?
                {
                    wanted.insert((m.organisation_id, m.service_id, m.role));
                }
            }
        }
    }
    let granted: Vec<i64> = scim_grant::Entity::find()
        .filter(scim_grant::Column::ScimUserId.eq(scim_user_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|g| g.membership_id)
        .collect();
    let held = if granted.is_empty() {
        Vec::new()
    } else {
        membership::Entity::find()
            .filter(membership::Column::Id.is_in(granted))
            .filter(membership::Column::EndedAt.is_null())
            .order_by_asc(membership::Column::Id)
            .all(txn)
            .await?
    };
    let mut have: BTreeSet<Grant> = BTreeSet::new();
    for m in held {
        let grant = (m.organisation_id.clone(), m.service_id.clone(), m.role.clone());
        // A grant held twice (never made so, but harmless to mend) ends its second copy too.
        if !wanted.contains(&grant) || !have.insert(grant) {
            writes::end_membership(txn, acting, m.id, now).await?;
        }
    }
    for (org, service, role) in wanted.difference(&have) {
        let role = Role::parse(role)
            .ok_or_else(|| StoreError::Integrity(format!("unknown role '{role}' in a group mapping")))?;
        // A grant the directory cannot give now (the employee deactivated in Los, the service since
        // deactivated) is left out: it is given by the next reconciliation that can. One the user holds
        // already outside the groups (an administrator gave it) stays theirs, not the groups'.
        let id = match writes::add_membership(txn, acting, &su.user_id, org, service.as_deref(), role).await {
            Ok((id, true)) => id,
            Ok((_, false)) | Err(StoreError::Invalid { .. }) => continue,
            Err(e) => return Err(e),
        };
        scim_grant::Entity::insert(scim_grant::ActiveModel {
            membership_id: Set(id),
            scim_user_id: Set(scim_user_id.to_owned()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Reconciles every member of a group.
pub(crate) async fn reconcile_members(
    txn: &DatabaseTransaction,
    acting: &mut Acting,
    members: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for m in members {
        reconcile(txn, acting, m, now).await?;
    }
    Ok(())
}

async fn members_of(txn: &DatabaseTransaction, group_id: &str) -> Result<BTreeSet<String>, StoreError> {
    Ok(scim_group_member::Entity::find()
        .filter(scim_group_member::Column::GroupId.eq(group_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.scim_user_id)
        .collect())
}

impl Store {
    /// Maps a directory group (its SCIM id or its display name, which must then name one group) to a role
    /// in a service, or with `service` `None` in an organisation as a whole. Its members get the role now.
    pub async fn scim_map_group(
        &self,
        group: &str,
        service: Option<&str>,
        organisation: Option<&str>,
        role: Role,
    ) -> Result<GroupMapping, StoreError> {
        let now = Utc::now();
        let mut acting = Acting::new(None, "an administrator (los scim map-group)");
        let txn = self.begin_audited().await?;
        let g = group_by_ref(&txn, group).await?;
        let (organisation_id, service_id) = match (service, organisation) {
            (Some(s), None) => {
                let row = service::Entity::find_by_id(s.to_owned())
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { kind: "service", id: s.to_owned() })?;
                if !row.active {
                    return Err(invalid("service", "the service is deactivated"));
                }
                (row.organisation_id, Some(row.id))
            }
            (None, Some(o)) => {
                let row = organisation::Entity::find_by_id(o.to_owned())
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { kind: "organisation", id: o.to_owned() })?;
                (row.id, None)
            }
            _ => return Err(invalid("service", "give either a service or an organisation")),
        };
        if service_id.is_none() && works_in_a_service(role) {
            return Err(invalid("service", "case work is done in a service: give one"));
        }
        let same = scim_group_role::Entity::find()
            .filter(scim_group_role::Column::GroupId.eq(g.id.as_str()))
            .filter(scim_group_role::Column::OrganisationId.eq(organisation_id.as_str()))
            .filter(scim_group_role::Column::Role.eq(role.as_str()))
            .all(&txn)
            .await?;
        if same.iter().any(|m| m.service_id == service_id) {
            return Err(invalid("group", "the group is mapped to this role there already"));
        }
        let res = scim_group_role::Entity::insert(scim_group_role::ActiveModel {
            group_id: Set(g.id.clone()),
            organisation_id: Set(organisation_id.clone()),
            service_id: Set(service_id.clone()),
            role: Set(role.as_str().to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let id = res.last_insert_id;
        let place = service_id.as_deref().unwrap_or(&organisation_id);
        acting.record("scim_group_map", "scim_group", &g.id, format!("members of the group become {role} in {place}"));
        reconcile_members(&txn, &mut acting, &members_of(&txn, &g.id).await?, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(GroupMapping { id, group_id: g.id, group_name: g.display_name, organisation_id, service_id, role })
    }

    /// Removes a mapping; the memberships it gave end.
    pub async fn scim_unmap_group(&self, mapping_id: i64) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut acting = Acting::new(None, "an administrator (los scim unmap-group)");
        let txn = self.begin_audited().await?;
        let m = scim_group_role::Entity::find_by_id(mapping_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "group mapping", id: mapping_id.to_string() })?;
        let group_id = m.group_id.clone();
        let place = m.service_id.clone().unwrap_or_else(|| m.organisation_id.clone());
        let what = format!("members of the group are no longer {} in {place} through it", m.role);
        scim_group_role::Entity::delete_by_id(mapping_id).exec(&txn).await?;
        acting.record("scim_group_unmap", "scim_group", &group_id, what);
        reconcile_members(&txn, &mut acting, &members_of(&txn, &group_id).await?, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every group mapping.
    pub async fn scim_group_mappings(&self) -> Result<Vec<GroupMapping>, StoreError> {
        let rows = scim_group_role::Entity::find().order_by_asc(scim_group_role::Column::Id).all(self.conn()).await?;
        let groups = scim_group::Entity::find().all(self.conn()).await?;
        rows.into_iter()
            .map(|m| {
                Ok(GroupMapping {
                    group_name: groups
                        .iter()
                        .find(|g| g.id == m.group_id)
                        .map(|g| g.display_name.clone())
                        .unwrap_or_default(),
                    role: Role::parse(&m.role).ok_or_else(|| {
                        StoreError::Integrity(format!("unknown role '{}' in a group mapping", m.role))
                    })?,
                    id: m.id,
                    group_id: m.group_id,
                    organisation_id: m.organisation_id,
                    service_id: m.service_id,
                })
            })
            .collect()
    }
}

/// A live group by its SCIM id, or by a display name that only one live group has.
async fn group_by_ref(txn: &DatabaseTransaction, r: &str) -> Result<scim_group::Model, StoreError> {
    if let Some(g) = scim_group::Entity::find_by_id(r.to_owned()).one(txn).await?.filter(|g| g.deleted_at.is_none()) {
        return Ok(g);
    }
    let mut named = scim_group::Entity::find()
        .filter(scim_group::Column::DisplayName.eq(r))
        .filter(scim_group::Column::DeletedAt.is_null())
        .all(txn)
        .await?;
    match named.len() {
        1 => Ok(named.remove(0)),
        0 => Err(StoreError::NotFound { kind: "group", id: r.to_owned() }),
        _ => Err(invalid("group", format!("{} groups are named '{r}'; give the group's id", named.len()))),
    }
}
