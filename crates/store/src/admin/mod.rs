//! Setting up and administering a municipality (issue 11): `los init` ([`init`]), the services of its
//! directory ([`services`]) and its employees with their memberships and roles ([`employees`]).
//!
//! Every change is an administrator's act on a directory: the store finds the organisation that administers
//! the row (a municipality administers its own services and those of other owners it has listed, see
//! [`administering`]), asks the access policy (`Resource::Directory`) and appends the audit entry in the same
//! transaction as the write, allowed or denied. Nothing a case refers to is deleted: services and employees
//! are deactivated, memberships end and are kept.
//!
//! The employee and membership primitives in [`employees`] are `pub(crate)` functions on a connection, so
//! another store module (SCIM provisioning) can call them inside its own audited transaction.

pub(crate) mod employees;
mod init;
mod services;

use chrono::{DateTime, Utc};
use los_domain::model::{OrganisationKind, OwnerType, Role, Sector, User};
use los_policy::{Action, Resource, authorize};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};

pub use init::InitReport;
pub use services::NewService;

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{parse_enum, with_decision};

/// One organisation an administrator administers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminOrganisation {
    pub id: String,
    pub name: String,
    pub kommunenummer: Option<String>,
}

/// A service as the administrator sees it, active or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAdmin {
    pub id: String,
    pub name: String,
    pub description: String,
    pub service_type: String,
    pub sector: Sector,
    pub owner_type: OwnerType,
    pub organisation_id: String,
    pub organisation_name: String,
    /// The service's own organisation number (underenhet).
    pub orgnr: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    pub active: bool,
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// A membership, live or ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipAdmin {
    pub id: i64,
    pub organisation_id: String,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub role: Role,
    pub ended_at: Option<DateTime<Utc>>,
}

/// An employee as the administrator sees them, active or not, with every membership they held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeAdmin {
    pub id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub external_subject: Option<String>,
    pub active: bool,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub memberships: Vec<MembershipAdmin>,
}

/// The directory an organisation administers: its services and its employees (with memberships there,
/// live or ended; an employee without any membership yet is shown to every administrator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub organisation: AdminOrganisation,
    pub services: Vec<ServiceAdmin>,
    pub employees: Vec<EmployeeAdmin>,
}

/// The organisation that administers `org`'s rows: a municipality itself; another owner listed with a
/// municipality number, that municipality (when it is set up); an owner with none, itself.
pub(crate) fn administering<'a>(org: &'a organisation::Model, orgs: &'a [organisation::Model]) -> &'a str {
    if org.kind == OrganisationKind::Municipality.as_str() {
        return &org.id;
    }
    org.kommunenummer
        .as_deref()
        .and_then(|k| {
            orgs.iter()
                .find(|o| o.kind == OrganisationKind::Municipality.as_str() && o.kommunenummer.as_deref() == Some(k))
        })
        .map_or(org.id.as_str(), |m| m.id.as_str())
}

/// The organisations `actor` is an administrator of.
fn administered(actor: &User) -> Vec<&str> {
    let mut v: Vec<&str> = actor
        .memberships
        .iter()
        .filter(|m| m.role == Role::Administrator)
        .map(|m| m.organisation_id.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Which directory an act that names none is about: the one given, else the actor's only one. An actor who
/// administers several must choose (`organisation_id`); one who administers none is refused by the policy
/// (for the organisation given, or for none).
fn scope_of(actor: &User, given: Option<&str>) -> Result<String, StoreError> {
    if let Some(g) = given.map(str::trim).filter(|g| !g.is_empty()) {
        return Ok(g.to_owned());
    }
    match administered(actor).as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Ok(String::new()),
        _ => Err(StoreError::Invalid {
            code: "admin.organisation_required",
            field: Some("organisation_id"),
            message: "you administer more than one organisation: choose which".into(),
        }),
    }
}

/// The directory an act is checked against when what it names does not exist: the actor's first (so an
/// administrator hears what is wrong), or none (so anybody else is refused and learns nothing).
fn fallback_scope(actor: &User) -> String {
    administered(actor).first().map_or_else(String::new, |s| (*s).to_owned())
}

fn invalid(code: &'static str, field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { code, field: Some(field), message: message.into() }
}

impl Store {
    /// Asks the policy whether `actor` may act on the directory of `organisation_id` and appends the audit
    /// entry (`what` says what was asked, by ids and field names). Allowed: the transaction goes on.
    /// Refused: the refusal is committed and `Denied` returned.
    pub(crate) async fn decide_directory(
        &self,
        txn: DatabaseTransaction,
        actor: &User,
        organisation_id: &str,
        e: NewEntry,
        what: &str,
    ) -> Result<DatabaseTransaction, StoreError> {
        let d = authorize(actor, Action::Write, &Resource::Directory { organisation_id }, Utc::now());
        let mut e = with_decision(NewEntry { actor_user_id: Some(actor.id.clone()), ..e }, &d, None);
        e.basis = format!("{}; {what}", e.basis);
        audit::append(&txn, self.key(), vec![e]).await?;
        match d {
            los_policy::Decision::Allow(_) => Ok(txn),
            los_policy::Decision::Deny(r) => {
                txn.commit().await?;
                Err(StoreError::Denied(r))
            }
        }
    }

    /// The organisations `actor` administers, by name (for the pages' choice of directory).
    pub async fn administered_organisations(&self, actor: &User) -> Result<Vec<AdminOrganisation>, StoreError> {
        let ids: Vec<String> = administered(actor).into_iter().map(str::to_owned).collect();
        let rows = organisation::Entity::find().filter(organisation::Column::Id.is_in(ids)).all(self.conn()).await?;
        let mut out: Vec<AdminOrganisation> = rows.into_iter().map(admin_org).collect();
        out.sort_by_key(|o| o.name.to_lowercase());
        Ok(out)
    }

    /// The directory of `organisation_id` (or of the actor's only one): every service it administers and its
    /// employees, active or not. Employees are personal data: the read is decided by the policy and audited.
    pub async fn directory(&self, actor: &User, organisation_id: Option<&str>) -> Result<Directory, StoreError> {
        let scope = scope_of(actor, organisation_id)?;
        let txn = self.begin_read().await?;
        let d = authorize(actor, Action::Read, &Resource::Directory { organisation_id: &scope }, Utc::now());
        let e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "read".into(),
            resource_type: "directory".into(),
            resource_id: Some(scope.clone()),
            ..Default::default()
        };
        let mut reads = Vec::new();
        let (_, txn) = self.decide_read(txn, d, e, None, &mut reads).await?;
        let dir = load_directory(&txn, &scope).await?;
        txn.commit().await?;
        self.record_reads(reads).await?;
        dir.ok_or_else(|| StoreError::NotFound { kind: "organisation", id: scope })
    }
}

impl Store {
    /// Every directory the actor administers (each read audited); for an actor who administers none, the
    /// policy's refusal.
    pub async fn directories(&self, actor: &User) -> Result<Vec<Directory>, StoreError> {
        let orgs = self.administered_organisations(actor).await?;
        if orgs.is_empty() {
            return self.directory(actor, None).await.map(|d| vec![d]);
        }
        let mut out = Vec::new();
        for o in orgs {
            out.push(self.directory(actor, Some(&o.id)).await?);
        }
        Ok(out)
    }
}

fn admin_org(o: organisation::Model) -> AdminOrganisation {
    AdminOrganisation { id: o.id, name: o.name, kommunenummer: o.kommunenummer }
}

async fn load_directory(conn: &impl ConnectionTrait, scope: &str) -> Result<Option<Directory>, StoreError> {
    let orgs = organisation::Entity::find().all(conn).await?;
    let Some(org) = orgs.iter().find(|o| o.id == scope) else { return Ok(None) };
    let ours: Vec<&str> = orgs.iter().filter(|o| administering(o, &orgs) == scope).map(|o| o.id.as_str()).collect();
    let types = service_type::Entity::find().all(conn).await?;
    let all_services = service::Entity::find().all(conn).await?;
    let mut services = Vec::new();
    for s in all_services.iter().filter(|s| ours.contains(&s.organisation_id.as_str())) {
        services.push(service_admin(s.clone(), &orgs, &types)?);
    }
    services.sort_by_key(|s| (!s.active, s.name.to_lowercase()));
    let memberships = membership::Entity::find().all(conn).await?;
    let users = user::Entity::find().filter(user::Column::Kind.eq("employee")).all(conn).await?;
    let mut employees = Vec::new();
    for u in users {
        let mine: Vec<&membership::Model> = memberships.iter().filter(|m| m.user_id == u.id).collect();
        if !mine.is_empty() && !mine.iter().any(|m| ours.contains(&m.organisation_id.as_str())) {
            continue;
        }
        let mut ms = Vec::new();
        for m in mine.into_iter().filter(|m| ours.contains(&m.organisation_id.as_str())) {
            ms.push(MembershipAdmin {
                id: m.id,
                organisation_id: m.organisation_id.clone(),
                service_name: m
                    .service_id
                    .as_ref()
                    .and_then(|s| all_services.iter().find(|x| &x.id == s))
                    .map(|s| s.name.clone()),
                service_id: m.service_id.clone(),
                role: parse_enum(&m.role, Role::parse, "role")?,
                ended_at: m.ended_at,
            });
        }
        ms.sort_by_key(|m| (m.ended_at.is_some(), m.id));
        employees.push(EmployeeAdmin {
            id: u.id,
            display_name: u.display_name,
            email: u.email,
            external_subject: u.external_subject,
            active: u.active,
            deactivated_at: u.deactivated_at,
            memberships: ms,
        });
    }
    employees.sort_by_key(|e| (!e.active, e.display_name.to_lowercase(), e.id.clone()));
    Ok(Some(Directory { organisation: admin_org(org.clone()), services, employees }))
}

pub(crate) fn service_admin(
    r: service::Model,
    orgs: &[organisation::Model],
    types: &[service_type::Model],
) -> Result<ServiceAdmin, StoreError> {
    let org = orgs
        .iter()
        .find(|o| o.id == r.organisation_id)
        .ok_or_else(|| StoreError::Integrity(format!("unknown organisation {}", r.organisation_id)))?;
    let st = types
        .iter()
        .find(|t| t.code == r.service_type)
        .ok_or_else(|| StoreError::Integrity(format!("unknown service type {}", r.service_type)))?;
    Ok(ServiceAdmin {
        owner_type: parse_enum(&org.kind, OrganisationKind::parse, "organisation kind")?.owner_type(),
        sector: parse_enum(&st.sector, Sector::parse, "sector")?,
        organisation_name: org.name.clone(),
        id: r.id,
        name: r.name,
        description: r.description,
        service_type: r.service_type,
        organisation_id: r.organisation_id,
        orgnr: r.orgnr,
        phone: r.phone,
        email: r.email,
        address: r.address,
        opening_hours: r.opening_hours,
        active: r.active,
        deactivated_at: r.deactivated_at,
    })
}
