//! The services of a directory: created from the welfare-service taxonomy with their owner, changed,
//! deactivated (never deleted: cases and the audit log refer to them) and reactivated.

use chrono::Utc;
use los_domain::admin::{Owner, ServiceDetails, owner};
use los_domain::closing::CaseState;
use los_domain::model::{OrganisationKind, OwnerType, User};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{administering, invalid, scope_of};
use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{new_id, parse_enum};

/// A new service: its type in the taxonomy (which gives its sector), its details, and its owner as typed
/// (`owner_type` empty: the taxonomy's; a county, state or private owner by name and organisation number).
/// `organisation_id` is the directory it is listed in (default: the administrator's only one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    pub organisation_id: Option<String>,
    pub service_type: String,
    pub details: ServiceDetails,
    pub owner_type: String,
    pub owner_name: String,
    pub owner_orgnr: String,
}

fn entry(action: &str, id: &str) -> NewEntry {
    NewEntry {
        action: action.into(),
        resource_type: "service".into(),
        resource_id: Some(id.to_owned()),
        ..Default::default()
    }
}

/// The organisation that owns a new service: the directory's municipality, or the other owner found by its
/// organisation number (listed in this directory) or added to it.
async fn owning_organisation(
    conn: &impl ConnectionTrait,
    scope: &organisation::Model,
    orgs: &[organisation::Model],
    o: &Owner,
) -> Result<String, StoreError> {
    match o {
        Owner::Municipality => {
            if scope.kind != OrganisationKind::Municipality.as_str() {
                return Err(invalid(
                    "admin.owner_mismatch",
                    "owner_type",
                    "only a municipality lists municipal services of its own",
                ));
            }
            Ok(scope.id.clone())
        }
        Owner::Other { kind, name, orgnr } => {
            if let Some(found) = orgs.iter().find(|x| x.orgnr.as_deref() == Some(orgnr.as_str())) {
                if found.kind != kind.as_str() {
                    return Err(invalid(
                        "admin.owner_kind_conflict",
                        "owner_orgnr",
                        format!("the organisation with this number is registered as {}", found.kind),
                    ));
                }
                if administering(found, orgs) != scope.id {
                    return Err(invalid(
                        "admin.owner_elsewhere",
                        "owner_orgnr",
                        "the organisation with this number is administered in another directory",
                    ));
                }
                return Ok(found.id.clone());
            }
            let id = new_id("org");
            organisation::Entity::insert(organisation::ActiveModel {
                id: Set(id.clone()),
                kind: Set(kind.as_str().into()),
                name: Set(name.clone()),
                orgnr: Set(Some(orgnr.as_str().to_owned())),
                kommunenummer: Set(scope.kommunenummer.clone()),
            })
            .exec_without_returning(conn)
            .await?;
            Ok(id)
        }
    }
}

impl Store {
    /// An administrator lists a new service in their directory. Returns its id.
    pub async fn create_service(&self, actor: &User, s: &NewService) -> Result<String, StoreError> {
        let scope_id = scope_of(actor, s.organisation_id.as_deref())?;
        let txn = self.begin_audited().await?;
        let id = new_id("tjeneste");
        let what = format!("service created, type {}", s.service_type.trim());
        let txn = self.decide_directory(txn, actor, &scope_id, entry("create", &id), &what).await?;
        let taxonomy = service_type::Entity::find_by_id(s.service_type.trim().to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| invalid("admin.service_type", "service_type", "choose a type from the list of services"))?;
        let taxonomy_owner = parse_enum(&taxonomy.owner_type, OwnerType::parse, "owner type")?;
        let o = owner(taxonomy_owner, &s.owner_type, &s.owner_name, &s.owner_orgnr)?;
        let orgs = organisation::Entity::find().all(&txn).await?;
        let scope = orgs
            .iter()
            .find(|x| x.id == scope_id)
            .ok_or_else(|| invalid("admin.organisation_unknown", "organisation_id", "no such organisation"))?;
        let organisation_id = owning_organisation(&txn, scope, &orgs, &o).await?;
        let d = &s.details;
        service::Entity::insert(service::ActiveModel {
            id: Set(id.clone()),
            organisation_id: Set(organisation_id),
            service_type: Set(taxonomy.code),
            name: Set(d.name.clone()),
            description: Set(d.description.clone()),
            phone: Set(d.contact.phone.clone()),
            email: Set(d.contact.email.clone()),
            address: Set(d.contact.address.clone()),
            opening_hours: Set(d.contact.opening_hours.clone()),
            active: Set(true),
            deactivated_at: Set(None),
            orgnr: Set(d.orgnr.map(|o| o.as_str().to_owned())),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The service's row and the directory that administers it.
    async fn service_and_scope(
        &self,
        conn: &impl ConnectionTrait,
        id: &str,
    ) -> Result<(service::Model, String), StoreError> {
        let row = service::Entity::find_by_id(id.to_owned())
            .one(conn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "service", id: id.to_owned() })?;
        let orgs = organisation::Entity::find().all(conn).await?;
        let scope = orgs
            .iter()
            .find(|o| o.id == row.organisation_id)
            .map_or_else(|| row.organisation_id.clone(), |o| administering(o, &orgs).to_owned());
        Ok((row, scope))
    }

    /// An administrator changes a service's name, description, organisation number or contact details (its
    /// type and owner define its duties and stay; list a new service for another).
    pub async fn update_service(&self, actor: &User, id: &str, d: &ServiceDetails) -> Result<(), StoreError> {
        let txn = self.begin_audited().await?;
        let (row, scope) = self.service_and_scope(&txn, id).await?;
        let txn = self.decide_directory(txn, actor, &scope, entry("update", id), "service details changed").await?;
        let mut am: service::ActiveModel = row.into();
        am.name = Set(d.name.clone());
        am.description = Set(d.description.clone());
        am.orgnr = Set(d.orgnr.map(|o| o.as_str().to_owned()));
        am.phone = Set(d.contact.phone.clone());
        am.email = Set(d.contact.email.clone());
        am.address = Set(d.contact.address.clone());
        am.opening_hours = Set(d.contact.opening_hours.clone());
        service::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// An administrator deactivates (`false`) or reactivates (`true`) a service. A deactivated service
    /// leaves the directory and the pickers and opens no cases; it stays for the cases and the audit log that
    /// name it. A service taking part in a case that is not closed leaves it first
    /// (`admin.service_in_cases`). Returns whether anything changed.
    pub async fn set_service_active(&self, actor: &User, id: &str, active: bool) -> Result<bool, StoreError> {
        let txn = self.begin_audited().await?;
        let (row, scope) = self.service_and_scope(&txn, id).await?;
        let (action, what) =
            if active { ("activate", "service activated") } else { ("deactivate", "service deactivated") };
        let txn = self.decide_directory(txn, actor, &scope, entry(action, id), what).await?;
        if row.active == active {
            txn.commit().await?;
            return Ok(false);
        }
        if !active {
            let taking_part: Vec<String> = participation::Entity::find()
                .filter(participation::Column::ServiceId.eq(id))
                .filter(participation::Column::LeftOn.is_null())
                .all(&txn)
                .await?
                .into_iter()
                .map(|p| p.case_id)
                .collect();
            let open = case::Entity::find()
                .filter(case::Column::Id.is_in(taking_part))
                .filter(case::Column::State.ne(CaseState::Closed.as_str()))
                .all(&txn)
                .await?
                .len();
            if open > 0 {
                return Err(invalid(
                    "admin.service_in_cases",
                    "service_id",
                    format!("the service takes part in {open} cases that are not closed; it leaves them first"),
                ));
            }
        }
        let mut am: service::ActiveModel = row.into();
        am.active = Set(active);
        am.deactivated_at = Set((!active).then(Utc::now));
        service::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(true)
    }
}
