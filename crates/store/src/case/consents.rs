//! Consents and recorded legal bases for sharing without consent (spec 02 §3.4): who consents is checked
//! by the governing law and the child's age (`los_domain::consent`); a consent is withdrawn at once and renewed
//! as a new record pointing back at the old one.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::{
    Consent, ConsentDomain, ConsentForm, ConsentGiver, ConsentScope, ConsentSituation, GiverCapacity, InfoCategory,
    LegalBasis, confirmed_at_recording, may_withdraw, regimes, validate_givers_for, validate_scope,
};
use los_domain::model::{Sector, User, UserKind};
use los_domain::sharing::validate_legal_basis;
use los_policy::{Action, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, consent_from_rows, entry, load_person, new_id, parse_enum};

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

/// The sector of each named service; an unknown service is refused with `code` on the request's `field`.
async fn sectors(
    txn: &DatabaseTransaction,
    ids: &[String],
    (field, code): (&'static str, &'static str),
) -> Result<Vec<Sector>, StoreError> {
    let services = service::Entity::find().filter(service::Column::Id.is_in(ids.iter().cloned())).all(txn).await?;
    let types = service_type::Entity::find().all(txn).await?;
    ids.iter()
        .map(|id| {
            let unknown =
                || StoreError::Invalid { field: Some(field), code, message: format!("there is no service {id}") };
            let s = services.iter().find(|s| &s.id == id).ok_or_else(unknown)?;
            let t = types.iter().find(|t| t.code == s.service_type).ok_or_else(unknown)?;
            parse_enum(&t.sector, Sector::parse, "sector")
        })
        .collect()
}

/// The consent regimes a consent falls under: the law it names, and the laws of the information it opens.
async fn consent_regimes(txn: &DatabaseTransaction, c: &Consent) -> Result<Vec<ConsentDomain>, StoreError> {
    let from = sectors(txn, &c.from_services, ("from_services", "consent.unknown_service")).await?;
    Ok(regimes(c.domain, &c.categories, &from))
}

/// The givers of a new consent, each with their age on the day it starts (or today), checked against who
/// must consent under every regime the information falls under and the child's age.
async fn consent_givers(
    txn: &DatabaseTransaction,
    l: &Loaded,
    new: &NewConsent,
    regimes: &[ConsentDomain],
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
            Some(p) => {
                // A giver named by the client must be a person Los knows: an unknown id is the client's
                // error (422), not a broken database.
                if person::Entity::find_by_id(p.clone()).one(txn).await?.is_none() {
                    return Err(StoreError::Invalid {
                        field: Some("givers"),
                        code: "consent.unknown_giver",
                        message: format!("there is no person with id {}", p.chars().take(64).collect::<String>()),
                    });
                }
                Some(load_person(txn, p).await?.age_on(day))
            }
            None => None,
        };
        if *capacity == GiverCapacity::Child && person.as_deref() != Some(l.child.id.as_str()) {
            return Err(StoreError::Invalid {
                field: Some("givers"),
                code: "consent.child_mismatch",
                message: "the giver in the child's capacity must be the child in the case".into(),
            });
        }
        givers.push(ConsentGiver { person_id: person.clone(), capacity: *capacity, age });
    }
    let guardians = l.guardianships.clone();
    validate_givers_for(situation, regimes, &givers, |p| {
        guardians.iter().any(|g| g.adult_person_id == p && g.parental_responsibility)
    })?;
    Ok(givers)
}

/// The consent's scope as the domain checks it.
fn scope(new: &NewConsent, today: NaiveDate) -> ConsentScope<'_> {
    ConsentScope {
        from_services: &new.from_services,
        to_services: &new.to_services,
        categories: &new.categories,
        purpose: &new.purpose,
        consequences: &new.consequences,
        valid_from: new.valid_from,
        valid_to: new.valid_to,
        today,
    }
}

/// A consent of the loaded case; its row was found, so its absence is an integrity error.
fn consent_in<'a>(l: &'a Loaded, consent_id: &str) -> Result<&'a Consent, StoreError> {
    l.consents
        .iter()
        .find(|c| c.id == consent_id)
        .ok_or_else(|| StoreError::Integrity("consent not in its case".into()))
}

/// The consent and the line it belongs to: every consent it renews and every renewal of it.
async fn line(txn: &DatabaseTransaction, row: &consent::Model) -> Result<Vec<consent::Model>, StoreError> {
    let rows = consent::Entity::find().filter(consent::Column::CaseId.eq(row.case_id.clone())).all(txn).await?;
    let mut line = vec![row.clone()];
    let mut back = row.renews.clone();
    while let Some(id) = back {
        match rows.iter().find(|r| r.id == id && !line.iter().any(|l| l.id == r.id)) {
            Some(r) => {
                back = r.renews.clone();
                line.push(r.clone());
            }
            None => break,
        }
    }
    let mut next = row.id.clone();
    while let Some(r) = rows.iter().find(|r| r.renews.as_deref() == Some(next.as_str())) {
        if line.iter().any(|l| l.id == r.id) {
            break;
        }
        next = r.id.clone();
        line.push(r.clone());
    }
    Ok(line)
}

impl Store {
    /// Records a consent after checking who consents (by every law the information falls under and the
    /// child's age) and that the family was told what spec 02 §3.4 requires.
    pub async fn record_consent(&self, actor: &User, new: NewConsent) -> Result<Consent, StoreError> {
        let now = Utc::now();
        validate_scope(&scope(&new, now.date_naive()))?;
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, &new.case_id, now).await?;
        let (id, txn) = self.insert_consent(txn, &l, actor, &new, None, now).await?;
        txn.commit().await?;
        self.consent_by_id(&id).await
    }

    async fn consent_by_id(&self, id: &str) -> Result<Consent, StoreError> {
        let rows = consent::Entity::find_by_id(id.to_owned())
            .one(self.conn())
            .await?
            .ok_or_else(|| StoreError::Integrity("consent vanished".into()))?;
        let givers =
            consent_giver::Entity::find().filter(consent_giver::Column::ConsentId.eq(id)).all(self.conn()).await?;
        consent_from_rows(rows, &givers)
    }

    /// The audited write of a new consent (or of a renewal of `renews`, whose confirmations it keeps).
    async fn insert_consent(
        &self,
        txn: DatabaseTransaction,
        l: &Loaded,
        actor: &User,
        new: &NewConsent,
        renews: Option<&Consent>,
        now: DateTime<Utc>,
    ) -> Result<(String, DatabaseTransaction), StoreError> {
        let from = sectors(&txn, &new.from_services, ("from_services", "consent.unknown_service")).await?;
        sectors(&txn, &new.to_services, ("to_services", "consent.unknown_service")).await?;
        let id = new_id("samtykke");
        // Employees of a participating service record consent; a family member may give it digitally.
        let actor_gives = new.givers.iter().any(|(p, _)| p.is_some() && p.as_deref() == actor.person_id.as_deref());
        let d = authorize(
            actor,
            Action::Write,
            &Resource::OwnConsent { case: l.facts(), actor_gives, digital: new.form == ConsentForm::Digital },
            now,
        );
        let action = if renews.is_some() { "consent_renew" } else { "consent_give" };
        let (_, txn) = self.decide(txn, d, entry(actor, action, "consent", &id, &new.case_id), None).await?;
        let givers = consent_givers(&txn, l, new, &regimes(new.domain, &new.categories, &from), now).await?;
        let citizen = actor.kind == UserKind::Citizen;
        let own: Vec<&str> = actor.memberships.iter().filter_map(|m| m.service_id.as_deref()).collect();
        let mut confirmed = confirmed_at_recording(&new.from_services, citizen, &own);
        if let Some(old) = renews {
            let kept: Vec<String> = old.confirmed_from.iter().filter(|s| !confirmed.contains(s)).cloned().collect();
            confirmed.extend(kept);
        }
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
            renews: Set(renews.map(|c| c.id.clone())),
            care_order: Set(new.care_order),
            measures_directed_at_parents: Set(new.measures_directed_at_parents),
            both_required: Set(new.both_required),
            confirmed_from: Set(confirmed.join(",")),
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
        Ok((id, txn))
    }

    async fn consent_row(&self, txn: &DatabaseTransaction, id: &str) -> Result<consent::Model, StoreError> {
        consent::Entity::find_by_id(id.to_owned())
            .one(txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "consent", id: id.to_owned() })
    }

    /// Withdraws a consent at once, with every renewal of it and every consent it renews: the line ends.
    /// Whoever gave it, or may give it for the child now, withdraws it; an employee of a service taking part
    /// records a withdrawal the family tells them of. Information already shared stays with the recipient.
    pub async fn withdraw_consent(&self, actor: &User, consent_id: &str, reason: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let row = self.consent_row(&txn, consent_id).await?;
        let l = self.load_case(&txn, &row.case_id, now).await?;
        let c = consent_in(&l, consent_id)?;
        let entitled = match actor.person_id.as_deref() {
            Some(person) => {
                let situation = ConsentSituation {
                    domain: c.domain,
                    child_age: l.child_age,
                    care_order: row.care_order,
                    measures_directed_at_parents: row.measures_directed_at_parents,
                    both_required: row.both_required,
                };
                let responsible =
                    l.guardianships.iter().any(|g| g.adult_person_id == person && g.parental_responsibility);
                may_withdraw(c, person, situation, &consent_regimes(&txn, c).await?, responsible)
            }
            None => false,
        };
        let d = authorize(actor, Action::Write, &Resource::ConsentWithdrawal { case: l.facts(), entitled }, now);
        let case_id = row.case_id.clone();
        let (_, txn) =
            self.decide(txn, d, entry(actor, "consent_withdraw", "consent", consent_id, &case_id), None).await?;
        if row.withdrawn_at.is_some() {
            return Err(StoreError::Invalid {
                field: None,
                code: "consent.already_withdrawn",
                message: "the consent is already withdrawn".into(),
            });
        }
        for r in line(&txn, &row).await?.into_iter().filter(|r| r.withdrawn_at.is_none()) {
            let mut am: consent::ActiveModel = r.into();
            am.withdrawn_at = Set(Some(now));
            am.withdrawn_by = Set(Some(actor.id.clone()));
            am.withdrawal_reason = Set(Some(reason.trim().to_owned()).filter(|r| !r.is_empty()));
            consent::Entity::update(am).exec(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Renews a consent: a new record with a new period, pointing back at the old one (kept as history). A
    /// consent has one renewal: renew the newest. In one audited transaction, so a withdrawal racing it
    /// either comes first (and the renewal is refused) or ends the renewal with the rest of the line.
    pub async fn renew_consent(
        &self,
        actor: &User,
        consent_id: &str,
        valid_to: NaiveDate,
    ) -> Result<Consent, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let row = self.consent_row(&txn, consent_id).await?;
        let l = self.load_case(&txn, &row.case_id, now).await?;
        let old = consent_in(&l, consent_id)?;
        if old.withdrawn_at.is_some() {
            return Err(StoreError::Invalid {
                field: None,
                code: "consent.withdrawn",
                message: "a withdrawn consent cannot be renewed; record a new one".into(),
            });
        }
        if l.consents.iter().any(|c| c.renews.as_deref() == Some(consent_id)) {
            return Err(StoreError::Invalid {
                field: None,
                code: "consent.already_renewed",
                message: "this consent has been renewed already; renew the newest one".into(),
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
            form: if actor.kind == UserKind::Citizen { ConsentForm::Digital } else { old.form },
            valid_from: now.date_naive(),
            valid_to,
            care_order: row.care_order,
            measures_directed_at_parents: row.measures_directed_at_parents,
            both_required: row.both_required,
        };
        validate_scope(&scope(&new, now.date_naive()))?;
        let (id, txn) = self.insert_consent(txn, &l, actor, &new, Some(old), now).await?;
        txn.commit().await?;
        self.consent_by_id(&id).await
    }

    /// Confirms, for the actor's own services among those the information comes from, a consent recorded
    /// by another service: from now on it opens their information as it says.
    pub async fn confirm_consent(&self, actor: &User, consent_id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let row = self.consent_row(&txn, consent_id).await?;
        let l = self.load_case(&txn, &row.case_id, now).await?;
        let c = consent_in(&l, consent_id)?;
        let category = c.categories.first().copied().unwrap_or(InfoCategory::General);
        let decide_for = |s: &str| {
            authorize(actor, Action::Write, &Resource::CaseInfo { case: l.facts(), owner_service: s, category }, now)
        };
        let decisions: Vec<(&String, los_policy::Decision)> =
            c.from_services.iter().map(|s| (s, decide_for(s))).collect();
        let d = decisions
            .iter()
            .find(|(_, d)| d.is_allow())
            .or(decisions.first())
            .map(|(_, d)| d.clone())
            .ok_or_else(|| StoreError::Integrity("a consent without services".into()))?;
        let mine: Vec<String> = decisions
            .iter()
            .filter(|(s, d)| d.is_allow() && !c.confirmed_from.contains(s))
            .map(|(s, _)| (*s).clone())
            .collect();
        let e = entry(actor, "consent_confirm", "consent", consent_id, &row.case_id);
        let (_, txn) = self.decide(txn, d, e, Some(category)).await?;
        if c.status(now) == los_domain::consent::ConsentStatus::Withdrawn {
            return Err(StoreError::Invalid {
                field: None,
                code: "consent.withdrawn",
                message: "the consent is withdrawn".into(),
            });
        }
        if mine.is_empty() {
            return Err(StoreError::Invalid {
                field: None,
                code: "consent.nothing_to_confirm",
                message: "your services have nothing left to confirm in this consent".into(),
            });
        }
        let confirmed: Vec<String> = c.confirmed_from.iter().chain(&mine).cloned().collect();
        let mut am: consent::ActiveModel = row.into();
        am.confirmed_from = Set(confirmed.join(","));
        consent::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a legal basis for sharing without consent. Only the disclosing (owning) service records it.
    pub async fn record_legal_basis(&self, actor: &User, new: NewLegalBasis) -> Result<LegalBasis, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let owner =
            sectors(&txn, std::slice::from_ref(&new.from_service), ("from", "legal_basis.unknown_service")).await?;
        validate_legal_basis(owner[0], &new.reference, &new.justification)?;
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
                field: None,
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
