//! Loading a case with everything the access policy needs, inside the audited transaction.

use chrono::{DateTime, Utc};
use los_domain::closing::{CaseState, ClosingReason, StateChange};
use los_domain::consent::{Consent, ConsentDomain, ConsentForm, ConsentGiver, GiverCapacity, InfoCategory, LegalBasis};
use los_domain::ident::{Fodselsnummer, Kommunenummer};
use los_domain::model::{Case, Guardianship, Participation, Person, Relation};
use los_policy::{BreakGlassGrant, CaseFacts};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::shared::decision_maker_for;
use super::{parse_enum, split};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::owner_type_of;

/// Everything the policy needs about one case, loaded inside a transaction.
pub(crate) struct Loaded {
    pub case: Case,
    pub child: Person,
    pub guardianships: Vec<Guardianship>,
    pub consents: Vec<Consent>,
    pub bases: Vec<LegalBasis>,
    pub grants: Vec<BreakGlassGrant>,
    pub child_age: u32,
    /// The role and the municipality's organisation that decide an open dispute.
    pub dispute_decider: Option<(los_domain::model::Role, String)>,
    /// When the child has a protected address: the other people registered at it (the household), who
    /// may know where the child is. Empty otherwise.
    pub household: Vec<String>,
    /// The service the child's municipality authorised to assess the right to a child coordinator (its
    /// settings), and whether the case has an open child-coordinator matter (issue 12).
    pub cc_unit: Option<String>,
    pub cc_open: bool,
}

impl Loaded {
    pub fn facts(&self) -> CaseFacts<'_> {
        CaseFacts {
            case_id: &self.case.id,
            child_person_id: &self.case.child_person_id,
            child_age: self.child_age,
            participants: &self.case.participants,
            guardianships: &self.guardianships,
            consents: &self.consents,
            legal_bases: &self.bases,
            grants: &self.grants,
            health_private_from_parents: self.case.health_private_from_parents,
            dispute_decider: self
                .dispute_decider
                .as_ref()
                .map(|(role, org)| los_policy::Decider { role: *role, organisation_id: org.as_str() }),
            closing_since: self.case.closing_since(),
            coordinating_unit: self.cc_unit.as_deref().filter(|_| self.cc_open),
        }
    }

    /// May `actor` see where the child lives or spends the day (the policy's `CaseLocation`)?
    pub fn location(&self, actor: &los_domain::model::User, now: DateTime<Utc>) -> los_policy::Decision {
        let r = los_policy::Resource::CaseLocation {
            case: self.facts(),
            protected: self.child.protected_address,
            household: &self.household,
        };
        los_policy::authorize(actor, los_policy::Action::Read, &r, now)
    }
}

/// The people registered at a protected address with `child` (the same address on record, also protected).
async fn load_household(conn: &impl ConnectionTrait, child: &Person) -> Result<Vec<String>, StoreError> {
    let Some(address) = child.address.as_deref().filter(|_| child.protected_address) else {
        return Ok(Vec::new());
    };
    Ok(person::Entity::find()
        .filter(person::Column::Address.eq(address))
        .filter(person::Column::ProtectedAddress.eq(true))
        .filter(person::Column::Id.ne(child.id.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

pub(crate) fn consent_from_rows(r: consent::Model, givers: &[consent_giver::Model]) -> Result<Consent, StoreError> {
    Ok(Consent {
        domain: parse_enum(&r.domain, ConsentDomain::parse, "consent domain")?,
        form: parse_enum(&r.form, ConsentForm::parse, "consent form")?,
        categories: split(&r.categories)
            .iter()
            .map(|c| parse_enum(c, InfoCategory::parse, "category"))
            .collect::<Result<_, _>>()?,
        givers: givers
            .iter()
            .filter(|g| g.consent_id == r.id)
            .map(|g| {
                Ok(ConsentGiver {
                    person_id: g.person_id.clone(),
                    capacity: parse_enum(&g.capacity, GiverCapacity::parse, "giver capacity")?,
                    age: g.age.map(|a| a as u32),
                })
            })
            .collect::<Result<_, StoreError>>()?,
        from_services: split(&r.from_services),
        to_services: split(&r.to_services),
        confirmed_from: split(&r.confirmed_from),
        id: r.id,
        case_id: r.case_id,
        subject_person_id: r.subject_person_id,
        purpose: r.purpose,
        consequences: r.consequences,
        recorded_by: r.recorded_by,
        recorded_at: r.recorded_at,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        withdrawn_at: r.withdrawn_at,
        withdrawn_by: r.withdrawn_by,
        withdrawal_reason: r.withdrawal_reason,
        renews: r.renews,
    })
}

pub(crate) async fn load_person(conn: &impl ConnectionTrait, id: &str) -> Result<Person, StoreError> {
    let r = person::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::Integrity(format!("person {id} is missing")))?;
    person_from_row(r)
}

fn person_from_row(r: person::Model) -> Result<Person, StoreError> {
    Ok(Person {
        id: r.id,
        fnr: r
            .fnr
            .as_deref()
            .map(Fodselsnummer::parse)
            .transpose()
            .map_err(|e| StoreError::Integrity(format!("stored fødselsnummer is invalid: {e}")))?,
        given_name: r.given_name,
        family_name: r.family_name,
        birth_date: r.birth_date,
        protected_address: r.protected_address,
        registered_kommune: Kommunenummer::parse(&r.registered_kommune)
            .map_err(|e| StoreError::Integrity(format!("stored kommunenummer is invalid: {e}")))?,
        address: r.address,
        expected_due_date: r.expected_due_date,
    })
}

/// One case with everything the policy needs.
pub(crate) async fn load(
    conn: &impl ConnectionTrait,
    row: case::Model,
    now: DateTime<Utc>,
) -> Result<Loaded, StoreError> {
    let id = row.id.clone();
    load_many(conn, vec![row], now).await?.pop().ok_or_else(|| StoreError::Integrity(format!("case {id} did not load")))
}

/// Many cases at once, each table read once for all of them (a list costs a dozen queries, not a dozen
/// per case). The one loader: `load` is this with one case.
pub(crate) async fn load_many(
    conn: &impl ConnectionTrait,
    rows: Vec<case::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<Loaded>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let case_ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut child_ids: Vec<String> = rows.iter().map(|r| r.child_person_id.clone()).collect();
    child_ids.sort();
    child_ids.dedup();
    let mut participants = load_participants(conn, &case_ids).await?;
    let guardianships = load_guardianships(conn, &child_ids).await?;
    let mut consents = load_consents(conn, &case_ids).await?;
    let mut bases = load_legal_bases(conn, &case_ids).await?;
    let mut grants = load_grants(conn, &case_ids).await?;
    let mut states = load_state_changes(conn, &case_ids).await?;
    let mut children = std::collections::HashMap::new();
    for r in person::Entity::find().filter(person::Column::Id.is_in(child_ids)).all(conn).await? {
        children.insert(r.id.clone(), person_from_row(r)?);
    }
    let open_disputes: std::collections::HashSet<String> = dispute::Entity::find()
        .filter(dispute::Column::CaseId.is_in(case_ids.clone()))
        .filter(dispute::Column::ResolvedAt.is_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|d| d.case_id)
        .collect();
    let open_matters: std::collections::HashSet<String> = cc_matter::Entity::find()
        .filter(cc_matter::Column::CaseId.is_in(case_ids.clone()))
        .filter(cc_matter::Column::State.ne(los_domain::child_coordinator::MatterState::Ended.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.case_id)
        .collect();
    let units = if open_matters.is_empty() {
        std::collections::HashMap::new()
    } else {
        let kommuner: Vec<String> = children.values().map(|c| c.registered_kommune.as_str().to_owned()).collect();
        super::shared::cc_units(conn, &kommuner).await?
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let child = children
            .get(&row.child_person_id)
            .cloned()
            .ok_or_else(|| StoreError::Integrity(format!("person {} is missing", row.child_person_id)))?;
        let child_age = child.age_on(now.date_naive());
        let dispute_decider =
            if open_disputes.contains(&row.id) { dispute_decider(conn, &row.id, &child, now).await? } else { None };
        let household = load_household(conn, &child).await?;
        let cc_open = open_matters.contains(&row.id);
        out.push(Loaded {
            guardianships: guardianships.get(&row.child_person_id).cloned().unwrap_or_default(),
            consents: consents.remove(&row.id).unwrap_or_default(),
            bases: bases.remove(&row.id).unwrap_or_default(),
            grants: grants.remove(&row.id).unwrap_or_default(),
            case: Case {
                participants: participants.remove(&row.id).unwrap_or_default(),
                state_changes: states.remove(&row.id).unwrap_or_default(),
                id: row.id,
                child_person_id: row.child_person_id,
                title: row.title,
                opened_at: row.opened_at,
                health_private_from_parents: row.health_private_from_parents,
                state: parse_enum(&row.state, CaseState::parse, "case state")?,
            },
            child_age,
            dispute_decider,
            household,
            cc_open,
            cc_unit: units.get(child.registered_kommune.as_str()).cloned(),
            child,
        });
    }
    Ok(out)
}

type ByKey<T> = std::collections::HashMap<String, Vec<T>>;

async fn load_participants(
    conn: &impl ConnectionTrait,
    case_ids: &[String],
) -> Result<ByKey<Participation>, StoreError> {
    let parts = participation::Entity::find()
        .filter(participation::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(participation::Column::JoinedOn)
        .order_by_asc(participation::Column::Id)
        .all(conn)
        .await?;
    // Only the services taking part and their organisations, not the whole directory.
    let mut ids: Vec<String> = parts.iter().map(|p| p.service_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let (services, orgs) = if ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let services = service::Entity::find().filter(service::Column::Id.is_in(ids)).all(conn).await?;
        let mut org_ids: Vec<String> = services.iter().map(|s| s.organisation_id.clone()).collect();
        org_ids.sort();
        org_ids.dedup();
        let orgs = organisation::Entity::find().filter(organisation::Column::Id.is_in(org_ids)).all(conn).await?;
        (services, orgs)
    };
    let mut out: ByKey<Participation> = ByKey::new();
    for p in parts {
        let svc = services.iter().find(|s| s.id == p.service_id).ok_or_else(|| {
            StoreError::Integrity(format!("participation refers to unknown service {}", p.service_id))
        })?;
        out.entry(p.case_id.clone()).or_default().push(Participation {
            owner_type: owner_type_of(&svc.organisation_id, &orgs)?,
            service_id: p.service_id,
            service_name: svc.name.clone(),
            joined_on: p.joined_on,
            join_reason: p.join_reason,
            left_on: p.left_on,
            leave_reason: p.leave_reason,
        });
    }
    Ok(out)
}

/// Every change of state of the cases, oldest first.
async fn load_state_changes(
    conn: &impl ConnectionTrait,
    case_ids: &[String],
) -> Result<ByKey<StateChange>, StoreError> {
    let mut out: ByKey<StateChange> = ByKey::new();
    for c in case_state_change::Entity::find()
        .filter(case_state_change::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(case_state_change::Column::ChangedAt)
        .order_by_asc(case_state_change::Column::Id)
        .all(conn)
        .await?
    {
        out.entry(c.case_id.clone()).or_default().push(StateChange {
            from: parse_enum(&c.from_state, CaseState::parse, "case state")?,
            to: parse_enum(&c.to_state, CaseState::parse, "case state")?,
            reason: c.reason.as_deref().map(|r| parse_enum(r, ClosingReason::parse, "closing reason")).transpose()?,
            text: c.reason_text,
            service_id: c.service_id,
            changed_by: c.changed_by,
            changed_at: c.changed_at,
        });
    }
    Ok(out)
}

async fn load_guardianships(
    conn: &impl ConnectionTrait,
    children: &[String],
) -> Result<ByKey<Guardianship>, StoreError> {
    let mut out: ByKey<Guardianship> = ByKey::new();
    for g in guardianship::Entity::find()
        .filter(guardianship::Column::ChildPersonId.is_in(children.to_vec()))
        .all(conn)
        .await?
    {
        out.entry(g.child_person_id.clone()).or_default().push(Guardianship {
            relation: parse_enum(&g.relation, Relation::parse, "relation")?,
            adult_person_id: g.adult_person_id,
            child_person_id: g.child_person_id,
            parental_responsibility: g.parental_responsibility,
            access_granted: g.access_granted,
        });
    }
    Ok(out)
}

async fn load_consents(conn: &impl ConnectionTrait, case_ids: &[String]) -> Result<ByKey<Consent>, StoreError> {
    let consent_rows = consent::Entity::find()
        .filter(consent::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(consent::Column::RecordedAt)
        .all(conn)
        .await?;
    let ids: Vec<String> = consent_rows.iter().map(|c| c.id.clone()).collect();
    let givers = if ids.is_empty() {
        vec![]
    } else {
        consent_giver::Entity::find().filter(consent_giver::Column::ConsentId.is_in(ids)).all(conn).await?
    };
    let mut out: ByKey<Consent> = ByKey::new();
    for r in consent_rows {
        out.entry(r.case_id.clone()).or_default().push(consent_from_rows(r, &givers)?);
    }
    Ok(out)
}

async fn load_legal_bases(conn: &impl ConnectionTrait, case_ids: &[String]) -> Result<ByKey<LegalBasis>, StoreError> {
    let mut out: ByKey<LegalBasis> = ByKey::new();
    for b in legal_basis::Entity::find().filter(legal_basis::Column::CaseId.is_in(case_ids.to_vec())).all(conn).await? {
        out.entry(b.case_id.clone()).or_default().push(LegalBasis {
            category: parse_enum(&b.category, InfoCategory::parse, "category")?,
            id: b.id,
            case_id: b.case_id,
            from_service: b.from_service,
            to_service: b.to_service,
            reference: b.reference,
            justification: b.justification,
            recorded_by: b.recorded_by,
            recorded_at: b.recorded_at,
            valid_to: b.valid_to,
        });
    }
    Ok(out)
}

async fn load_grants(conn: &impl ConnectionTrait, case_ids: &[String]) -> Result<ByKey<BreakGlassGrant>, StoreError> {
    let mut out: ByKey<BreakGlassGrant> = ByKey::new();
    for g in break_glass::Entity::find().filter(break_glass::Column::CaseId.is_in(case_ids.to_vec())).all(conn).await? {
        out.entry(g.case_id.clone()).or_default().push(BreakGlassGrant {
            id: g.id,
            case_id: g.case_id,
            user_id: g.user_id,
            reason: g.reason,
            granted_at: g.granted_at,
            expires_at: g.expires_at,
        });
    }
    Ok(out)
}

/// The role and the municipality's organisation that decide the case's open dispute, if there is one.
async fn dispute_decider(
    conn: &impl ConnectionTrait,
    case_id: &str,
    child: &Person,
    now: DateTime<Utc>,
) -> Result<Option<(los_domain::model::Role, String)>, StoreError> {
    let open_dispute = dispute::Entity::find()
        .filter(dispute::Column::CaseId.eq(case_id))
        .filter(dispute::Column::ResolvedAt.is_null())
        .one(conn)
        .await?
        .is_some();
    if !open_dispute {
        return Ok(None);
    }
    municipal_decider(conn, child, now).await
}

/// The role and the organisation of the child's municipality that decide for it where the services
/// disagree (spec 01 §6.3; also the main responsibility for an individual plan, IP-forskriften § 7).
pub(crate) async fn municipal_decider(
    conn: &impl ConnectionTrait,
    child: &Person,
    now: DateTime<Utc>,
) -> Result<Option<(los_domain::model::Role, String)>, StoreError> {
    let kommune = child.registered_kommune.as_str();
    let role = decision_maker_for(conn, kommune, now.date_naive())
        .await?
        .and_then(|d| los_domain::model::Role::parse(&d.decider_role));
    let municipality = organisation::Entity::find()
        .filter(organisation::Column::Kommunenummer.eq(kommune))
        .filter(organisation::Column::Kind.eq(los_domain::model::OrganisationKind::Municipality.as_str()))
        .one(conn)
        .await?;
    Ok(role.zip(municipality.map(|o| o.id)))
}
