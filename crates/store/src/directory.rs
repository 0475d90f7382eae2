//! Reading the reference data and the service directory: laws, provisions, service types, municipalities,
//! organisations and services. Public information, read without the access policy.

use chrono::NaiveDate;
use los_domain::ident::{Kommunenummer, Organisasjonsnummer};
use los_domain::model::{
    Law, Municipality, Organisation, OrganisationKind, OwnerType, Provision, Sector, Service, ServiceType,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::parse_enum;

impl Store {
    pub async fn laws(&self) -> Result<Vec<Law>, StoreError> {
        let rows = law::Entity::find().order_by_asc(law::Column::Code).all(&self.db).await?;
        Ok(rows
            .into_iter()
            .map(|r| Law {
                code: r.code,
                short_name: r.short_name,
                name_nb: r.name_nb,
                name_en: r.name_en,
                lovdata_ref: r.lovdata_ref,
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                citation: r.citation,
            })
            .collect())
    }

    pub async fn provisions(&self) -> Result<Vec<Provision>, StoreError> {
        let rows = provision::Entity::find().order_by_asc(provision::Column::Code).all(&self.db).await?;
        Ok(rows
            .into_iter()
            .map(|r| Provision {
                code: r.code,
                law_code: r.law_code,
                section: r.section,
                title_nb: r.title_nb,
                title_en: r.title_en,
                cooperation_system: r.cooperation_system,
                cooperation_individual: r.cooperation_individual,
                coordination_duty: r.coordination_duty,
                child_coordinator: r.child_coordinator,
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                citation: r.citation,
            })
            .collect())
    }

    pub async fn service_types(&self) -> Result<Vec<ServiceType>, StoreError> {
        let rows = service_type::Entity::find().order_by_asc(service_type::Column::Code).all(&self.db).await?;
        rows.into_iter().map(service_type_from_row).collect()
    }

    /// Municipalities in force on `day`, optionally filtered by a name or number fragment.
    pub async fn municipalities(&self, day: NaiveDate, query: Option<&str>) -> Result<Vec<Municipality>, StoreError> {
        let rows = municipality::Entity::find().order_by_asc(municipality::Column::Kommunenummer).all(&self.db).await?;
        let q = query.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
        rows.into_iter()
            .filter(|r| los_domain::model::in_force(r.valid_from, r.valid_to, day))
            .filter(|r| {
                q.as_ref().is_none_or(|q| r.name.to_lowercase().contains(q) || r.kommunenummer.starts_with(q.as_str()))
            })
            .map(municipality_from_row)
            .collect()
    }

    /// The municipality with this number in force on `day`.
    pub async fn municipality(&self, knr: &Kommunenummer, day: NaiveDate) -> Result<Municipality, StoreError> {
        let rows = municipality::Entity::find()
            .filter(municipality::Column::Kommunenummer.eq(knr.as_str()))
            .all(&self.db)
            .await?;
        rows.into_iter()
            .find(|r| los_domain::model::in_force(r.valid_from, r.valid_to, day))
            .map(municipality_from_row)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound { kind: "municipality", id: knr.as_str().to_owned() })
    }

    // ---- organisations and the service directory (public) ----

    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = organisation::Entity::find().order_by_asc(organisation::Column::Name).all(&self.db).await?;
        rows.into_iter().map(organisation_from_row).collect()
    }

    /// The organisation with this organisation number.
    pub async fn organisation_by_orgnr(&self, orgnr: &Organisasjonsnummer) -> Result<Organisation, StoreError> {
        organisation::Entity::find()
            .filter(organisation::Column::Orgnr.eq(orgnr.as_str()))
            .one(&self.db)
            .await?
            .map(organisation_from_row)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound { kind: "organisation", id: orgnr.as_str().to_owned() })
    }

    /// Every active service with its owner, ordered by name: the directory and the pickers. A deactivated
    /// service drops out (see [`Store::all_services`] for the names of those that took part in cases).
    pub async fn services(&self) -> Result<Vec<Service>, StoreError> {
        self.services_where(true).await
    }

    /// Every service, active or deactivated, for naming what cases and tasks refer to.
    pub async fn all_services(&self) -> Result<Vec<Service>, StoreError> {
        self.services_where(false).await
    }

    async fn services_where(&self, only_active: bool) -> Result<Vec<Service>, StoreError> {
        let orgs = organisation::Entity::find().all(&self.db).await?;
        let types = service_type::Entity::find().all(&self.db).await?;
        let mut q = service::Entity::find();
        if only_active {
            q = q.filter(service::Column::Active.eq(true));
        }
        let rows = q.all(&self.db).await?;
        let mut out: Vec<Service> =
            rows.into_iter().map(|r| service_from_row(r, &orgs, &types)).collect::<Result<_, _>>()?;
        // Case-insensitive, the same on both backends (collations differ).
        out.sort_by_key(|s| s.name.to_lowercase());
        Ok(out)
    }

    pub async fn service(&self, id: &str) -> Result<Service, StoreError> {
        let row = service::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "service", id: id.to_owned() })?;
        let orgs = organisation::Entity::find().all(&self.db).await?;
        let types = service_type::Entity::find().all(&self.db).await?;
        service_from_row(row, &orgs, &types)
    }
}

fn service_type_from_row(r: service_type::Model) -> Result<ServiceType, StoreError> {
    Ok(ServiceType {
        sector: parse_enum(&r.sector, Sector::parse, "sector")?,
        owner_type: parse_enum(&r.owner_type, OwnerType::parse, "owner type")?,
        code: r.code,
        name_nb: r.name_nb,
        name_nn: r.name_nn,
        name_en: r.name_en,
        law_code: r.law_code,
        description_nb: r.description_nb,
    })
}

fn municipality_from_row(r: municipality::Model) -> Result<Municipality, StoreError> {
    Ok(Municipality {
        kommunenummer: Kommunenummer::parse(&r.kommunenummer)
            .map_err(|e| StoreError::Integrity(format!("stored kommunenummer is invalid: {e}")))?,
        name: r.name,
        fylke_nummer: r.fylke_nummer,
        fylke_name: r.fylke_name,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
    })
}

fn organisation_from_row(r: organisation::Model) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        kind: parse_enum(&r.kind, OrganisationKind::parse, "organisation kind")?,
        orgnr: r
            .orgnr
            .as_deref()
            .map(Organisasjonsnummer::parse)
            .transpose()
            .map_err(|e| StoreError::Integrity(format!("stored organisasjonsnummer is invalid: {e}")))?,
        kommunenummer: r
            .kommunenummer
            .as_deref()
            .map(Kommunenummer::parse)
            .transpose()
            .map_err(|e| StoreError::Integrity(format!("stored kommunenummer is invalid: {e}")))?,
        id: r.id,
        name: r.name,
    })
}

/// A service as the directory shows it: the administrator's view of it without what only they see.
fn service_from_row(
    r: service::Model,
    orgs: &[organisation::Model],
    types: &[service_type::Model],
) -> Result<Service, StoreError> {
    let s = crate::admin::service_admin(r, orgs, types)?;
    Ok(Service {
        id: s.id,
        organisation_id: s.organisation_id,
        organisation_name: s.organisation_name,
        owner_type: s.owner_type,
        service_type: s.service_type,
        sector: s.sector,
        name: s.name,
        description: s.description,
        phone: s.phone,
        email: s.email,
        address: s.address,
        opening_hours: s.opening_hours,
        active: s.active,
    })
}
