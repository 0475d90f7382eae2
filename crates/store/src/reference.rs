//! Reference data embedded in the binary (`data/*.csv`, sources in `data/SOURCES.md`) and loaded into the
//! database at start-up. Rows are versioned by `valid_from`/`valid_to`: a change of law or of the municipal
//! division is a new row, so history stays.

use chrono::NaiveDate;
use los_domain::ident::Kommunenummer;
use los_domain::model::{OwnerType, Sector};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Deserialize;

use crate::entities::*;
use crate::error::StoreError;

const LAWS: &str = include_str!("../data/laws.csv");
const PROVISIONS: &str = include_str!("../data/provisions.csv");
const SERVICE_TYPES: &str = include_str!("../data/service_types.csv");
const MUNICIPALITIES: &str = include_str!("../data/kommuner.csv");

fn rows<T: for<'de> Deserialize<'de>>(name: &str, data: &str) -> Result<Vec<T>, StoreError> {
    csv::Reader::from_reader(data.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| StoreError::Integrity(format!("embedded reference data {name} is malformed: {e}")))
}

fn opt(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[derive(Deserialize)]
struct LawRow {
    code: String,
    short_name: String,
    name_nb: String,
    name_en: String,
    lovdata_ref: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    citation: String,
}

#[derive(Deserialize)]
struct ProvisionRow {
    code: String,
    law_code: String,
    section: String,
    title_nb: String,
    title_en: String,
    cooperation_system: bool,
    cooperation_individual: bool,
    coordination_duty: bool,
    child_coordinator: bool,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    citation: String,
}

#[derive(Deserialize)]
struct ServiceTypeRow {
    code: String,
    name_nb: String,
    name_nn: String,
    name_en: String,
    sector: String,
    owner_type: String,
    law_code: String,
    description_nb: String,
}

#[derive(Deserialize)]
struct MunicipalityRow {
    kommunenummer: String,
    name: String,
    fylke_nummer: String,
    fylke_name: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

/// Upserts all reference data. Returns a short summary for the audit log.
pub(crate) async fn sync(conn: &impl ConnectionTrait) -> Result<String, StoreError> {
    let laws: Vec<LawRow> = rows("laws.csv", LAWS)?;
    let provisions: Vec<ProvisionRow> = rows("provisions.csv", PROVISIONS)?;
    let types: Vec<ServiceTypeRow> = rows("service_types.csv", SERVICE_TYPES)?;
    let munis: Vec<MunicipalityRow> = rows("kommuner.csv", MUNICIPALITIES)?;
    let summary = format!(
        "{} laws, {} provisions, {} service types, {} municipalities",
        laws.len(),
        provisions.len(),
        types.len(),
        munis.len()
    );
    sync_laws(conn, laws).await?;
    sync_provisions(conn, provisions).await?;
    sync_service_types(conn, types).await?;
    sync_municipalities(conn, munis).await?;
    Ok(summary)
}

async fn sync_laws(conn: &impl ConnectionTrait, laws: Vec<LawRow>) -> Result<(), StoreError> {
    for r in laws {
        law::Entity::insert(law::ActiveModel {
            code: Set(r.code),
            short_name: Set(r.short_name),
            name_nb: Set(r.name_nb),
            name_en: Set(r.name_en),
            lovdata_ref: Set(opt(r.lovdata_ref)),
            valid_from: Set(r.valid_from),
            valid_to: Set(r.valid_to),
            citation: Set(r.citation),
        })
        .on_conflict(
            OnConflict::column(law::Column::Code)
                .update_columns([
                    law::Column::ShortName,
                    law::Column::NameNb,
                    law::Column::NameEn,
                    law::Column::LovdataRef,
                    law::Column::ValidFrom,
                    law::Column::ValidTo,
                    law::Column::Citation,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

async fn sync_provisions(conn: &impl ConnectionTrait, provisions: Vec<ProvisionRow>) -> Result<(), StoreError> {
    for r in provisions {
        provision::Entity::insert(provision::ActiveModel {
            code: Set(r.code),
            law_code: Set(r.law_code),
            section: Set(r.section),
            title_nb: Set(r.title_nb),
            title_en: Set(r.title_en),
            cooperation_system: Set(r.cooperation_system),
            cooperation_individual: Set(r.cooperation_individual),
            coordination_duty: Set(r.coordination_duty),
            child_coordinator: Set(r.child_coordinator),
            valid_from: Set(r.valid_from),
            valid_to: Set(r.valid_to),
            citation: Set(r.citation),
        })
        .on_conflict(
            OnConflict::column(provision::Column::Code)
                .update_columns([
                    provision::Column::LawCode,
                    provision::Column::Section,
                    provision::Column::TitleNb,
                    provision::Column::TitleEn,
                    provision::Column::CooperationSystem,
                    provision::Column::CooperationIndividual,
                    provision::Column::CoordinationDuty,
                    provision::Column::ChildCoordinator,
                    provision::Column::ValidFrom,
                    provision::Column::ValidTo,
                    provision::Column::Citation,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

async fn sync_service_types(conn: &impl ConnectionTrait, types: Vec<ServiceTypeRow>) -> Result<(), StoreError> {
    for r in types {
        if Sector::parse(&r.sector).is_none() || OwnerType::parse(&r.owner_type).is_none() {
            return Err(StoreError::Integrity(format!("service type {} has an unknown sector or owner type", r.code)));
        }
        service_type::Entity::insert(service_type::ActiveModel {
            code: Set(r.code),
            name_nb: Set(r.name_nb),
            name_nn: Set(r.name_nn),
            name_en: Set(r.name_en),
            sector: Set(r.sector),
            owner_type: Set(r.owner_type),
            law_code: Set(opt(r.law_code)),
            description_nb: Set(r.description_nb),
        })
        .on_conflict(
            OnConflict::column(service_type::Column::Code)
                .update_columns([
                    service_type::Column::NameNb,
                    service_type::Column::NameNn,
                    service_type::Column::NameEn,
                    service_type::Column::Sector,
                    service_type::Column::OwnerType,
                    service_type::Column::LawCode,
                    service_type::Column::DescriptionNb,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

async fn sync_municipalities(conn: &impl ConnectionTrait, munis: Vec<MunicipalityRow>) -> Result<(), StoreError> {
    let mut models = Vec::with_capacity(munis.len());
    for r in munis {
        Kommunenummer::parse(&r.kommunenummer).map_err(|e| StoreError::Integrity(format!("kommuner.csv: {e}")))?;
        models.push(municipality::ActiveModel {
            kommunenummer: Set(r.kommunenummer),
            valid_from: Set(r.valid_from),
            name: Set(r.name),
            fylke_nummer: Set(r.fylke_nummer),
            fylke_name: Set(r.fylke_name),
            valid_to: Set(r.valid_to),
        });
    }
    for chunk in models.chunks(100) {
        municipality::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([municipality::Column::Kommunenummer, municipality::Column::ValidFrom])
                    .update_columns([
                        municipality::Column::Name,
                        municipality::Column::FylkeNummer,
                        municipality::Column::FylkeName,
                        municipality::Column::ValidTo,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
