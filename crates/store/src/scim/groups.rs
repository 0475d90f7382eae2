//! SCIM groups: the directory's groups and their members. A change of members reconciles the memberships
//! of everyone who joined or left ([`reconcile_members`]).

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};

use super::mapping::reconcile_members;
use super::{CHUNK, GroupChange, GroupFilter, GroupInput, Page, ScimClient, ScimGroup, clean, invalid};
use crate::audit;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

impl Store {
    /// The groups that match every clause of `filter`, a page of them, oldest first; their members only
    /// when asked (Entra ID asks with `excludedAttributes=members`).
    pub async fn scim_groups(
        &self,
        filter: &[GroupFilter],
        start_index: usize,
        count: usize,
        with_members: bool,
    ) -> Result<Page<ScimGroup>, StoreError> {
        let mut q = scim_group::Entity::find().filter(scim_group::Column::DeletedAt.is_null());
        for f in filter {
            q = match f {
                GroupFilter::Id(v) => q.filter(scim_group::Column::Id.eq(v.as_str())),
                GroupFilter::ExternalId(v) => q.filter(scim_group::Column::ExternalId.eq(v.as_str())),
                GroupFilter::DisplayName(_) | GroupFilter::Member(_) => q,
            };
        }
        let rows =
            q.order_by_asc(scim_group::Column::CreatedAt).order_by_asc(scim_group::Column::Id).all(self.conn()).await?;
        let mut matching = Vec::new();
        for g in rows {
            let mut keep = true;
            for f in filter {
                keep &= match f {
                    // displayName is not case-exact (RFC 7643 §4.2).
                    GroupFilter::DisplayName(v) => g.display_name.to_lowercase() == v.to_lowercase(),
                    GroupFilter::Member(v) => scim_group_member::Entity::find_by_id((g.id.clone(), v.clone()))
                        .one(self.conn())
                        .await?
                        .is_some(),
                    _ => true,
                };
            }
            if keep {
                matching.push(g);
            }
        }
        let page = super::page(matching, start_index, count);
        let mut items = Vec::with_capacity(page.items.len());
        for g in page.items {
            items.push(view(self.conn(), g, with_members).await?);
        }
        Ok(Page { total: page.total, start_index: page.start_index, items })
    }

    /// One group (not one deleted).
    pub async fn scim_group(&self, id: &str, with_members: bool) -> Result<ScimGroup, StoreError> {
        let g = live(self.conn(), id).await?;
        view(self.conn(), g, with_members).await
    }

    /// Creates a group, with its members if the request names any.
    pub async fn scim_create_group(&self, client: &ScimClient, input: &GroupInput) -> Result<ScimGroup, StoreError> {
        let display_name = clean(Some(&input.display_name), "displayName")?
            .ok_or_else(|| invalid("displayName", "displayName is required"))?;
        let external_id = clean(input.external_id.as_deref(), "externalId")?;
        let now = Utc::now();
        let mut acting = client.acting();
        let txn = self.begin_audited().await?;
        let members = existing_users(&txn, &input.members).await?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        scim_group::Entity::insert(scim_group::ActiveModel {
            id: Set(id.clone()),
            display_name: Set(display_name),
            external_id: Set(external_id),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        acting.record("scim_group_create", "scim_group", &id, format!("group created with {} members", members.len()));
        set_members(&txn, &id, &BTreeSet::new(), &members).await?;
        reconcile_members(&txn, &mut acting, &members, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        let view = view(&txn, live(&txn, &id).await?, true).await?;
        txn.commit().await?;
        Ok(view)
    }

    /// Applies a PATCH's changes in order, all or none. A member to add must be a provisioned user.
    pub async fn scim_patch_group(
        &self,
        client: &ScimClient,
        id: &str,
        changes: Vec<GroupChange>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut acting = client.acting();
        let txn = self.begin_audited().await?;
        let g = live(&txn, id).await?;
        let before = members_of(&txn, id).await?;
        let mut after = before.clone();
        let (mut name, mut external_id) = (g.display_name.clone(), g.external_id.clone());
        for c in changes {
            match c {
                GroupChange::DisplayName(v) => {
                    name = clean(Some(&v), "displayName")?
                        .ok_or_else(|| invalid("displayName", "displayName is required"))?;
                }
                GroupChange::ExternalId(v) => external_id = clean(v.as_deref(), "externalId")?,
                GroupChange::AddMembers(ids) => after.extend(existing_users(&txn, &ids).await?),
                GroupChange::RemoveMembers(ids) => {
                    for i in ids {
                        after.remove(&i);
                    }
                }
                GroupChange::ReplaceMembers(ids) => after = existing_users(&txn, &ids).await?,
            }
        }
        if name != g.display_name || external_id != g.external_id {
            let what = if name != g.display_name { "group renamed" } else { "group's externalId changed" };
            let mut am: scim_group::ActiveModel = g.into();
            am.display_name = Set(name);
            am.external_id = Set(external_id);
            am.updated_at = Set(now);
            scim_group::Entity::update(am).exec(&txn).await?;
            acting.record("scim_group_update", "scim_group", id, what);
        }
        if after != before {
            set_members(&txn, id, &before, &after).await?;
            touch(&txn, id, now).await?;
            let added = after.difference(&before).count();
            let removed = before.difference(&after).count();
            acting.record("scim_group_members", "scim_group", id, format!("{added} members added, {removed} removed"));
            let changed: BTreeSet<String> = before.symmetric_difference(&after).cloned().collect();
            reconcile_members(&txn, &mut acting, &changed, now).await?;
        }
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Deletes a group: no longer a SCIM resource, its members out of it, what it gave them ended. Its
    /// mappings stay (inert) for the record.
    pub async fn scim_delete_group(&self, client: &ScimClient, id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut acting = client.acting();
        let txn = self.begin_audited().await?;
        let g = live(&txn, id).await?;
        let before = members_of(&txn, id).await?;
        set_members(&txn, id, &before, &BTreeSet::new()).await?;
        let mut am: scim_group::ActiveModel = g.into();
        am.deleted_at = Set(Some(now));
        am.updated_at = Set(now);
        scim_group::Entity::update(am).exec(&txn).await?;
        acting.record("scim_group_delete", "scim_group", id, format!("group deleted with {} members", before.len()));
        reconcile_members(&txn, &mut acting, &before, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn touch(txn: &DatabaseTransaction, id: &str, now: chrono::DateTime<Utc>) -> Result<(), StoreError> {
    let g = live(txn, id).await?;
    let mut am: scim_group::ActiveModel = g.into();
    am.updated_at = Set(now);
    scim_group::Entity::update(am).exec(txn).await?;
    Ok(())
}

/// The ids, each a provisioned user (not deleted); an unknown one refuses the whole request.
async fn existing_users(txn: &DatabaseTransaction, ids: &[String]) -> Result<BTreeSet<String>, StoreError> {
    let wanted: BTreeSet<String> = ids.iter().cloned().collect();
    if wanted.is_empty() {
        return Ok(wanted);
    }
    let mut found = BTreeSet::new();
    let all: Vec<String> = wanted.iter().cloned().collect();
    for chunk in all.chunks(CHUNK) {
        found.extend(
            scim_user::Entity::find()
                .filter(scim_user::Column::Id.is_in(chunk.iter().cloned()))
                .filter(scim_user::Column::DeletedAt.is_null())
                .all(txn)
                .await?
                .into_iter()
                .map(|u| u.id),
        );
    }
    match wanted.difference(&found).next() {
        Some(missing) => Err(invalid("members", format!("member {missing} is not a provisioned user"))),
        None => Ok(wanted),
    }
}

async fn set_members(
    txn: &DatabaseTransaction,
    group_id: &str,
    before: &BTreeSet<String>,
    after: &BTreeSet<String>,
) -> Result<(), StoreError> {
    let gone: Vec<String> = before.difference(after).cloned().collect();
    for chunk in gone.chunks(CHUNK) {
        scim_group_member::Entity::delete_many()
            .filter(scim_group_member::Column::GroupId.eq(group_id))
            .filter(scim_group_member::Column::ScimUserId.is_in(chunk.iter().cloned()))
            .exec(txn)
            .await?;
    }
    for u in after.difference(before) {
        scim_group_member::Entity::insert(scim_group_member::ActiveModel {
            group_id: Set(group_id.to_owned()),
            scim_user_id: Set(u.clone()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

async fn members_of(conn: &impl ConnectionTrait, group_id: &str) -> Result<BTreeSet<String>, StoreError> {
    Ok(scim_group_member::Entity::find()
        .filter(scim_group_member::Column::GroupId.eq(group_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.scim_user_id)
        .collect())
}

async fn live(conn: &impl ConnectionTrait, id: &str) -> Result<scim_group::Model, StoreError> {
    scim_group::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .filter(|g| g.deleted_at.is_none())
        .ok_or_else(|| StoreError::NotFound { kind: "Group", id: id.to_owned() })
}

async fn view(conn: &impl ConnectionTrait, g: scim_group::Model, with_members: bool) -> Result<ScimGroup, StoreError> {
    let mut members = Vec::new();
    if with_members {
        let ids: Vec<String> = members_of(conn, &g.id).await?.into_iter().collect();
        for chunk in ids.chunks(CHUNK) {
            let sus =
                scim_user::Entity::find().filter(scim_user::Column::Id.is_in(chunk.iter().cloned())).all(conn).await?;
            let users = user::Entity::find()
                .filter(user::Column::Id.is_in(sus.iter().map(|s| s.user_id.clone())))
                .all(conn)
                .await?;
            for s in sus {
                let name = users.iter().find(|u| u.id == s.user_id).map(|u| u.display_name.clone()).unwrap_or_default();
                members.push((s.id, name));
            }
        }
    }
    Ok(ScimGroup {
        id: g.id,
        display_name: g.display_name,
        external_id: g.external_id,
        members,
        created_at: g.created_at,
        updated_at: g.updated_at,
    })
}
