//! SCIM users: each provisions one staff `app_user`. Deleting one deactivates its user and ends what its
//! groups gave; the rows stay, so everything a case or the audit log refers to is kept.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};

use los_domain::admin::EmployeeDetails;

use super::directory_writes as writes;
use super::mapping::reconcile;
use super::{Page, ScimClient, ScimSubject, ScimUser, UserChange, UserFilter, UserInput, clean, invalid, not_unique};
use crate::admin::employees;
use crate::audit;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

/// A user input checked: names trimmed, userName present, the e-mail address plausible.
struct Valid {
    user_name: String,
    key: String,
    external_id: Option<String>,
    active: bool,
    given_name: Option<String>,
    family_name: Option<String>,
    formatted_name: Option<String>,
    display_name: String,
    email: Option<String>,
}

fn validate(i: &UserInput) -> Result<Valid, StoreError> {
    let user_name =
        clean(Some(&i.user_name), "userName")?.ok_or_else(|| invalid("userName", "userName is required"))?;
    let email = clean(i.email.as_deref(), "emails")?;
    if let Some(e) = &email
        && (e.chars().any(char::is_whitespace) || !e.contains('@') || e.starts_with('@') || e.ends_with('@'))
    {
        return Err(invalid("emails", "the e-mail address is not an address"));
    }
    let given_name = clean(i.given_name.as_deref(), "name.givenName")?;
    let family_name = clean(i.family_name.as_deref(), "name.familyName")?;
    let formatted_name = clean(i.formatted_name.as_deref(), "name.formatted")?;
    let joined = [given_name.as_deref(), family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let display_name = clean(i.display_name.as_deref(), "displayName")?
        .or_else(|| formatted_name.clone())
        .or_else(|| Some(joined).filter(|j| !j.is_empty()))
        .unwrap_or_else(|| user_name.clone());
    Ok(Valid {
        key: user_name.to_lowercase(),
        user_name,
        external_id: clean(i.external_id.as_deref(), "externalId")?,
        active: i.active,
        given_name,
        family_name,
        formatted_name,
        display_name,
        email,
    })
}

impl Valid {
    fn subject(&self, s: ScimSubject) -> Option<String> {
        match s {
            ScimSubject::ExternalId => self.external_id.clone(),
            ScimSubject::UserName => Some(self.user_name.clone()),
        }
    }

    fn employee(&self, s: ScimSubject) -> EmployeeDetails {
        EmployeeDetails {
            display_name: self.display_name.clone(),
            email: self.email.clone(),
            external_subject: self.subject(s),
        }
    }
}

impl Store {
    /// The users that match every clause of `filter`, a page of them, oldest first.
    pub async fn scim_users(
        &self,
        filter: &[UserFilter],
        start_index: usize,
        count: usize,
    ) -> Result<Page<ScimUser>, StoreError> {
        let mut q = scim_user::Entity::find().filter(scim_user::Column::DeletedAt.is_null());
        for f in filter {
            q = match f {
                UserFilter::Id(v) => q.filter(scim_user::Column::Id.eq(v.as_str())),
                UserFilter::UserName(v) => q.filter(scim_user::Column::UserNameKey.eq(v.to_lowercase())),
                UserFilter::ExternalId(v) => q.filter(scim_user::Column::ExternalId.eq(v.as_str())),
                UserFilter::Active(v) => q.filter(scim_user::Column::Active.eq(*v)),
                UserFilter::DisplayName(_) | UserFilter::Email(_) => q,
            };
        }
        let rows =
            q.order_by_asc(scim_user::Column::CreatedAt).order_by_asc(scim_user::Column::Id).all(self.conn()).await?;
        let users = views(self.conn(), rows).await?;
        let matching = users
            .into_iter()
            .filter(|u| {
                filter.iter().all(|f| match f {
                    UserFilter::DisplayName(v) => u.display_name.eq_ignore_ascii_case(v),
                    UserFilter::Email(v) => u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(v)),
                    _ => true,
                })
            })
            .collect();
        Ok(super::page(matching, start_index, count))
    }

    /// One provisioned user (not one deleted over SCIM).
    pub async fn scim_user(&self, id: &str) -> Result<ScimUser, StoreError> {
        let row = live(self.conn(), id).await?;
        one_view(self.conn(), row).await
    }

    /// Provisions a user: a new staff user, or the employee who already has the same external subject and
    /// is not provisioned yet (so an administrator made by `los init` is taken over, not duplicated), or a
    /// user deleted over SCIM before with the same userName, brought back.
    pub async fn scim_create_user(&self, client: &ScimClient, input: &UserInput) -> Result<ScimUser, StoreError> {
        let v = validate(input)?;
        let subject_attr = self.settings.scim_subject;
        let now = Utc::now();
        let mut acting = client.acting();
        let txn = self.begin_audited().await?;
        let same =
            scim_user::Entity::find().filter(scim_user::Column::UserNameKey.eq(v.key.as_str())).one(&txn).await?;
        let id = match same {
            Some(row) if row.deleted_at.is_none() => {
                return Err(not_unique("userName", "a user with this userName exists"));
            }
            Some(row) => {
                let id = row.id.clone();
                check_subject(&txn, subject_attr, &v, Some(&row.user_id)).await?;
                writes::save_employee(&txn, &mut acting, &row.user_id, &v.employee(subject_attr)).await?;
                writes::set_user_active(&txn, &mut acting, &row.user_id, v.active, now).await?;
                store_row(&txn, row, &v, now).await?;
                acting.record("scim_user_create", "scim_user", &id, "user provisioned again after being deleted");
                id
            }
            None => {
                let user_id = adoptable(&txn, subject_attr, &v).await?.unwrap_or_else(employees::new_employee_id);
                writes::save_employee(&txn, &mut acting, &user_id, &v.employee(subject_attr)).await?;
                writes::set_user_active(&txn, &mut acting, &user_id, v.active, now).await?;
                let id = uuid::Uuid::new_v4().simple().to_string();
                scim_user::Entity::insert(scim_user::ActiveModel {
                    id: Set(id.clone()),
                    user_id: Set(user_id.clone()),
                    external_id: Set(v.external_id.clone()),
                    user_name: Set(v.user_name.clone()),
                    user_name_key: Set(v.key.clone()),
                    active: Set(v.active),
                    given_name: Set(v.given_name.clone()),
                    family_name: Set(v.family_name.clone()),
                    formatted_name: Set(v.formatted_name.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    deleted_at: Set(None),
                })
                .exec_without_returning(&txn)
                .await
                .map_err(super::db_error)?;
                acting.record("scim_user_create", "scim_user", &id, format!("user provisioned as {user_id}"));
                id
            }
        };
        reconcile(&txn, &mut acting, &id, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        let row = live(&txn, &id).await?;
        let view = one_view(&txn, row).await?;
        txn.commit().await?;
        Ok(view)
    }

    /// Replaces a user's attributes (PUT).
    pub async fn scim_replace_user(
        &self,
        client: &ScimClient,
        id: &str,
        input: &UserInput,
    ) -> Result<ScimUser, StoreError> {
        self.change_user(client, id, |_| Ok(input.clone())).await
    }

    /// Applies a PATCH's changes in order, all or none.
    pub async fn scim_patch_user(
        &self,
        client: &ScimClient,
        id: &str,
        changes: Vec<UserChange>,
    ) -> Result<ScimUser, StoreError> {
        self.change_user(client, id, move |current| {
            let mut input = UserInput::from(current);
            for c in changes {
                input.apply(c);
            }
            Ok(input)
        })
        .await
    }

    async fn change_user(
        &self,
        client: &ScimClient,
        id: &str,
        change: impl FnOnce(&ScimUser) -> Result<UserInput, StoreError>,
    ) -> Result<ScimUser, StoreError> {
        let subject_attr = self.settings.scim_subject;
        let now = Utc::now();
        let mut acting = client.acting();
        let txn = self.begin_audited().await?;
        let row = live(&txn, id).await?;
        let current = one_view(&txn, row.clone()).await?;
        let v = validate(&change(&current)?)?;
        if v.key != row.user_name_key
            && scim_user::Entity::find()
                .filter(scim_user::Column::UserNameKey.eq(v.key.as_str()))
                .one(&txn)
                .await?
                .is_some()
        {
            return Err(not_unique("userName", "a user with this userName exists"));
        }
        check_subject(&txn, subject_attr, &v, Some(&row.user_id)).await?;
        let user_id = row.user_id.clone();
        writes::save_employee(&txn, &mut acting, &user_id, &v.employee(subject_attr)).await?;
        writes::set_user_active(&txn, &mut acting, &user_id, v.active, now).await?;
        let before = UserInput::from(&current);
        store_row(&txn, row, &v, now).await?;
        let after = one_view(&txn, live(&txn, id).await?).await?;
        if UserInput::from(&after) != before {
            acting.record("scim_user_update", "scim_user", id, changed_fields(&before, &UserInput::from(&after)));
        }
        reconcile(&txn, &mut acting, id, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a user over SCIM: no longer a SCIM resource, its Los user deactivated (tokens revoked), out
    /// of every group, and the memberships its groups gave ended. Nothing is deleted.
    pub async fn scim_delete_user(&self, client: &ScimClient, id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut acting = client.acting();
        let txn = self.begin_audited().await?;
        let row = live(&txn, id).await?;
        let user_id = row.user_id.clone();
        scim_group_member::Entity::delete_many()
            .filter(scim_group_member::Column::ScimUserId.eq(id))
            .exec(&txn)
            .await?;
        let mut am: scim_user::ActiveModel = row.into();
        am.active = Set(false);
        am.deleted_at = Set(Some(now));
        am.updated_at = Set(now);
        scim_user::Entity::update(am).exec(&txn).await?;
        writes::set_user_active(&txn, &mut acting, &user_id, false, now).await?;
        acting.record(
            "scim_user_delete",
            "scim_user",
            id,
            format!("user deleted in the directory; {user_id} kept, deactivated"),
        );
        reconcile(&txn, &mut acting, id, now).await?;
        audit::append(&txn, self.key(), acting.entries).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The attributes that differ, by their SCIM names (no values: the audit log keeps no names).
fn changed_fields(a: &UserInput, b: &UserInput) -> String {
    let mut f = Vec::new();
    let pairs: [(&str, bool); 8] = [
        ("userName", a.user_name != b.user_name),
        ("externalId", a.external_id != b.external_id),
        ("active", a.active != b.active),
        ("displayName", a.display_name != b.display_name),
        ("name.givenName", a.given_name != b.given_name),
        ("name.familyName", a.family_name != b.family_name),
        ("name.formatted", a.formatted_name != b.formatted_name),
        ("emails", a.email != b.email),
    ];
    for (name, changed) in pairs {
        if changed {
            f.push(name);
        }
    }
    format!("user changed: {}", f.join(", "))
}

async fn store_row(
    txn: &DatabaseTransaction,
    row: scim_user::Model,
    v: &Valid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut am: scim_user::ActiveModel = row.into();
    am.external_id = Set(v.external_id.clone());
    am.user_name = Set(v.user_name.clone());
    am.user_name_key = Set(v.key.clone());
    am.active = Set(v.active);
    am.given_name = Set(v.given_name.clone());
    am.family_name = Set(v.family_name.clone());
    am.formatted_name = Set(v.formatted_name.clone());
    am.updated_at = Set(now);
    am.deleted_at = Set(None);
    scim_user::Entity::update(am).exec(txn).await.map_err(super::db_error)?;
    Ok(())
}

/// The external subject must not be another user's: the staff log-in would not know whom it means.
async fn check_subject(
    txn: &DatabaseTransaction,
    attr: ScimSubject,
    v: &Valid,
    own: Option<&str>,
) -> Result<(), StoreError> {
    let Some(subject) = v.subject(attr) else { return Ok(()) };
    let other = user::Entity::find().filter(user::Column::ExternalSubject.eq(subject)).one(txn).await?;
    match other {
        Some(u) if Some(u.id.as_str()) != own => Err(not_unique(
            if attr == ScimSubject::UserName { "userName" } else { "externalId" },
            format!("another user of Los already logs in with this {}", attr.as_str()),
        )),
        _ => Ok(()),
    }
}

/// An employee with this external subject whom no SCIM user provisions yet, taken over by this one.
async fn adoptable(txn: &DatabaseTransaction, attr: ScimSubject, v: &Valid) -> Result<Option<String>, StoreError> {
    let Some(subject) = v.subject(attr) else { return Ok(None) };
    let Some(u) = user::Entity::find().filter(user::Column::ExternalSubject.eq(subject)).one(txn).await? else {
        return Ok(None);
    };
    let linked = scim_user::Entity::find().filter(scim_user::Column::UserId.eq(u.id.as_str())).one(txn).await?;
    if u.kind == "citizen" || linked.is_some() {
        return Err(not_unique(
            if attr == ScimSubject::UserName { "userName" } else { "externalId" },
            format!("another user of Los already logs in with this {}", attr.as_str()),
        ));
    }
    Ok(Some(u.id))
}

/// A SCIM user that is not deleted.
pub(super) async fn live(conn: &impl ConnectionTrait, id: &str) -> Result<scim_user::Model, StoreError> {
    scim_user::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .filter(|r| r.deleted_at.is_none())
        .ok_or_else(|| StoreError::NotFound { kind: "User", id: id.to_owned() })
}

async fn one_view(conn: &impl ConnectionTrait, row: scim_user::Model) -> Result<ScimUser, StoreError> {
    views(conn, vec![row]).await?.pop().ok_or_else(|| StoreError::Integrity("a SCIM user without its user".into()))
}

async fn views(conn: &impl ConnectionTrait, rows: Vec<scim_user::Model>) -> Result<Vec<ScimUser>, StoreError> {
    let ids: Vec<String> = rows.iter().map(|r| r.user_id.clone()).collect();
    let users = if ids.is_empty() {
        Vec::new()
    } else {
        user::Entity::find().filter(user::Column::Id.is_in(ids)).all(conn).await?
    };
    rows.into_iter()
        .map(|r| {
            let u = users
                .iter()
                .find(|u| u.id == r.user_id)
                .ok_or_else(|| StoreError::Integrity(format!("SCIM user {} without its user", r.id)))?;
            Ok(ScimUser {
                id: r.id,
                user_id: r.user_id,
                external_id: r.external_id,
                user_name: r.user_name,
                active: r.active,
                display_name: u.display_name.clone(),
                given_name: r.given_name,
                family_name: r.family_name,
                formatted_name: r.formatted_name,
                email: u.email.clone(),
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}
