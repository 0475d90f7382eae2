//! Consents and recorded legal bases for sharing without consent (spec 02 §3.4): who consents is checked
//! by the governing law and the child's age (`los_domain::consent`); a consent is withdrawn at once and renewed
//! as a new record pointing back at the old one.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::{
    Consent, ConsentDomain, ConsentForm, ConsentGiver, ConsentScope, ConsentSituation, GiverCapacity, InfoCategory,
    LegalBasis, validate_givers, validate_scope,
};
use los_domain::model::User;
use los_policy::{Action, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, consent_from_rows, entry, load_person, new_id};

/// A new consent as a form or the API gives it.
#[derive(Debug, Clone)]
pub struct NewConsent {
    pub case_id: String,
    pub domain: ConsentDomain,
    pub givers: Vec<(Option<String>, GiverCapacity)>,
    pub from_services: Vec<String>,
    pub to_services: Vec<String>,
    pub categories: Vec<InfoCategory>,
    pub purpose: String,
    pub consequences: String,
    pub form: ConsentForm,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub care_order: bool,
    pub measures_directed_at_parents: bool,
    pub both_required: bool,
}

/// A new recorded legal basis for sharing without consent.
#[derive(Debug, Clone)]
pub struct NewLegalBasis {
    pub case_id: String,
    pub from_service: String,
    pub to_service: String,
    pub category: InfoCategory,
    pub reference: String,
    pub justification: String,
    pub valid_to: Option<NaiveDate>,
}

/// The givers of a new consent, each with their age on the day it starts (or today), checked against who
/// must consent under the governing law and the child's age.
async fn consent_givers(
    txn: &DatabaseTransaction,
    l: &Loaded,
    new: &NewConsent,
    now: DateTime<Utc>,
) -> Result<Vec<ConsentGiver>, StoreError> {
    let day = new.valid_from.min(now.date_naive());
    let child_age = l.child.age_on(day);
    let situation = ConsentSituation {
        domain: new.domain,
        child_age,
        care_order: new.care_order,
        measures_directed_at_parents: new.measures_directed_at_parents,
        both_required: new.both_required,
    };
    let mut givers = Vec::new();
    for (person, capacity) in &new.givers {
        let age = match person {
            Some(p) if p == &l.child.id => Some(child_age),
            Some(p) => Some(load_person(txn, p).await?.age_on(day)),
            None => None,
        };
        if *capacity == GiverCapacity::Child && person.as_deref() != Some(l.child.id.as_str()) {
            return Err(StoreError::Invalid {
                code: "consent.child_mismatch",
                message: "the giver in the child's capacity must be the child in the case".into(),
            });
        }
        givers.push(ConsentGiver { person_id: person.clone(), capacity: *capacity, age });
    }
    let guardians = l.guardianships.clone();
    validate_givers(situation, &givers, |p| {
        guardians.iter().any(|g| g.adult_person_id == p && g.parental_responsibility)
    })?;

    Ok(givers)
}

impl Store {
    /// Records a consent after checking who consents (by the governing law and the child's age) and that
    /// the family was told what spec 02 §3.4 requires.
    pub async fn record_consent(&self, actor: &User, new: NewConsent) -> Result<Consent, StoreError> {
        validate_scope(&ConsentScope {
            from_services: &new.from_services,
            to_services: &new.to_services,
            categories: &new.categories,
            purpose: &new.purpose,
            consequences: &new.consequences,
            valid_from: new.valid_from,
            valid_to: new.valid_to,
        })?;
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, &new.case_id, now).await?;
        let services = service::Entity::find().all(&txn).await?;
        for s in new.from_services.iter().chain(&new.to_services) {
            if !services.iter().any(|x| &x.id == s) {
                return Err(StoreError::Invalid {
                    code: "consent.unknown_service",
                    message: format!("there is no service {s}"),
                });
            }
        }
        let id = new_id("samtykke");
        // Employees of a participating service record consent; a family member may give it digitally.
        let actor_gives = new.givers.iter().any(|(p, _)| p.is_some() && p.as_deref() == actor.person_id.as_deref());
        let d = authorize(
            actor,
            Action::Write,
            &Resource::OwnConsent { case: l.facts(), actor_gives, digital: new.form == ConsentForm::Digital },
            now,
        );
        let (_, txn) = self.decide(txn, d, entry(actor, "consent_give", "consent", &id, &new.case_id), None).await?;

        let givers = consent_givers(&txn, &l, &new, now).await?;

        consent::Entity::insert(consent::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(new.case_id.clone()),
            subject_person_id: Set(l.child.id.clone()),
            domain: Set(new.domain.as_str().into()),
            from_services: Set(new.from_services.join(",")),
            to_services: Set(new.to_services.join(",")),
            categories: Set(new.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")),
            purpose: Set(new.purpose.trim().to_owned()),
            consequences: Set(new.consequences.trim().to_owned()),
            form: Set(new.form.as_str().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
            valid_from: Set(new.valid_from),
            valid_to: Set(new.valid_to),
            withdrawn_at: Set(None),
            withdrawn_by: Set(None),
            withdrawal_reason: Set(None),
            renews: Set(None),
            care_order: Set(new.care_order),
            measures_directed_at_parents: Set(new.measures_directed_at_parents),
            both_required: Set(new.both_required),
        })
        .exec_without_returning(&txn)
        .await?;
        for g in &givers {
            consent_giver::Entity::insert(consent_giver::ActiveModel {
                consent_id: Set(id.clone()),
                person_id: Set(g.person_id.clone()),
                capacity: Set(g.capacity.as_str().into()),
                age: Set(g.age.map(|a| a as i32)),
                ..Default::default()
            })
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        let rows = consent::Entity::find_by_id(id.clone())
            .one(self.conn())
            .await?
            .ok_or_else(|| StoreError::Integrity("consent vanished".into()))?;
        let givers =
            consent_giver::Entity::find().filter(consent_giver::Column::ConsentId.eq(id)).all(self.conn()).await?;
        consent_from_rows(rows, &givers)
    }

    async fn consent_row(&self, txn: &DatabaseTransaction, id: &str) -> Result<consent::Model, StoreError> {
        consent::Entity::find_by_id(id.to_owned())
            .one(txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "consent", id: id.to_owned() })
    }

    /// Withdraws a consent at once. The family (the child, a giver, a parent with responsibility) or an
    /// employee recording an oral withdrawal may do it. Information already shared stays with the recipient.
    pub async fn withdraw_consent(&self, actor: &User, consent_id: &str, reason: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let row = self.consent_row(&txn, consent_id).await?;
        let l = self.load_case(&txn, &row.case_id, now).await?;
        let d = match actor.kind {
            los_domain::model::UserKind::Citizen => authorize(actor, Action::Read, &Resource::Case(l.facts()), now),
            los_domain::model::UserKind::Employee => authorize(actor, Action::Write, &Resource::Case(l.facts()), now),
        };
        let case_id = row.case_id.clone();
        let (_, txn) =
            self.decide(txn, d, entry(actor, "consent_withdraw", "consent", consent_id, &case_id), None).await?;
        if row.withdrawn_at.is_some() {
            return Err(StoreError::Invalid {
                code: "consent.already_withdrawn",
                message: "the consent is already withdrawn".into(),
            });
        }
        let mut am: consent::ActiveModel = row.into();
        am.withdrawn_at = Set(Some(now));
        am.withdrawn_by = Set(Some(actor.id.clone()));
        am.withdrawal_reason = Set(Some(reason.trim().to_owned()).filter(|r| !r.is_empty()));
        consent::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Renews a consent: a new record with a new period, pointing back at the old one (kept as history).
    pub async fn renew_consent(
        &self,
        actor: &User,
        consent_id: &str,
        valid_to: NaiveDate,
    ) -> Result<Consent, StoreError> {
        let txn = self.begin_audited().await?;
        let row = self.consent_row(&txn, consent_id).await?;
        let givers =
            consent_giver::Entity::find().filter(consent_giver::Column::ConsentId.eq(consent_id)).all(&txn).await?;
        txn.rollback().await?;
        let old = consent_from_rows(row.clone(), &givers)?;
        if old.withdrawn_at.is_some() {
            return Err(StoreError::Invalid {
                code: "consent.withdrawn",
                message: "a withdrawn consent cannot be renewed; record a new one".into(),
            });
        }
        let new = NewConsent {
            case_id: old.case_id.clone(),
            domain: old.domain,
            givers: old.givers.iter().map(|g| (g.person_id.clone(), g.capacity)).collect(),
            from_services: old.from_services.clone(),
            to_services: old.to_services.clone(),
            categories: old.categories.clone(),
            purpose: old.purpose.clone(),
            consequences: old.consequences.clone(),
            form: if actor.kind == los_domain::model::UserKind::Citizen { ConsentForm::Digital } else { old.form },
            valid_from: Utc::now().date_naive(),
            valid_to,
            care_order: row.care_order,
            measures_directed_at_parents: row.measures_directed_at_parents,
            both_required: row.both_required,
        };
        let created = self.record_consent(actor, new).await?;
        let txn = self.begin_audited().await?;
        let r = self.consent_row(&txn, &created.id).await?;
        let mut am: consent::ActiveModel = r.into();
        am.renews = Set(Some(consent_id.to_owned()));
        consent::Entity::update(am).exec(&txn).await?;
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                basis: format!("consent {} renews {consent_id}", created.id),
                ..entry(actor, "consent_renew", "consent", &created.id, &created.case_id)
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(Consent { renews: Some(consent_id.to_owned()), ..created })
    }

    /// Records a legal basis for sharing without consent. Only the disclosing (owning) service records it.
    pub async fn record_legal_basis(&self, actor: &User, new: NewLegalBasis) -> Result<LegalBasis, StoreError> {
        if new.reference.trim().is_empty() || new.justification.trim().is_empty() {
            return Err(StoreError::Invalid {
                code: "legal_basis.incomplete",
                message: "give the law and section, and why it applies here".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, &new.case_id, now).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: &new.from_service, category: new.category },
            now,
        );
        let id = new_id("hjemmel");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "disclosure_basis", "legal_basis", &id, &new.case_id), Some(new.category))
            .await?;
        if service::Entity::find_by_id(new.to_service.clone()).one(&txn).await?.is_none() {
            return Err(StoreError::Invalid {
                code: "legal_basis.unknown_service",
                message: format!("there is no service {}", new.to_service),
            });
        }
        legal_basis::Entity::insert(legal_basis::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(new.case_id.clone()),
            from_service: Set(new.from_service.clone()),
            to_service: Set(new.to_service.clone()),
            category: Set(new.category.as_str().into()),
            reference: Set(new.reference.trim().into()),
            justification: Set(new.justification.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
            valid_to: Set(new.valid_to),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(LegalBasis {
            id,
            case_id: new.case_id,
            from_service: new.from_service,
            to_service: new.to_service,
            category: new.category,
            reference: new.reference.trim().into(),
            justification: new.justification.trim().into(),
            recorded_by: actor.id.clone(),
            recorded_at: now,
            valid_to: new.valid_to,
        })
    }
}
