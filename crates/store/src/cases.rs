//! Cases and everything confidential in them: the overview, services' own records (notes), consents,
//! legal bases, break-the-glass, the protected address, the family's access log and leaders' reports.
//!
//! Every method here takes the acting user, loads the facts the policy needs, asks
//! [`los_policy::authorize`], and appends audit entries in the same transaction — for allowed and denied
//! access alike. Rules of the domain (who may consent, what a consent covers) live in `los_domain`.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::anonymise::{AnonymisationSettings, Anonymised, KnownIdentifiers, anonymise};
use los_domain::consent::{
    Consent, ConsentDomain, ConsentError, ConsentForm, ConsentGiver, ConsentSituation, GiverCapacity, InfoCategory,
    LegalBasis, validate_givers,
};
use los_domain::ident::Fodselsnummer;
use los_domain::model::{Case, Note, Person, Relation, User};
use los_policy::{Action, Basis, BreakGlassGrant, Decision, DenyReason, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit::{self, NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, consent_from_rows, entry, load, load_person, new_id, parse_enum, with_decision};

/// A case as an actor may see it, with the basis the policy gave for each part.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub child: Person,
    /// The child's address, when the policy allows it; `None` also when there is none.
    pub address: Option<String>,
    /// Why the address is hidden, when it is.
    pub address_hidden: Option<DenyReason>,
    pub basis: Basis,
    pub consents: Vec<Consent>,
    pub legal_bases: Vec<LegalBasis>,
    /// Notes the actor may read, each with the basis.
    pub notes: Vec<(Note, Basis)>,
    /// How many notes exist that the actor may not read.
    pub hidden_notes: usize,
    /// Active consents that end within the warning period.
    pub expiring_consents: Vec<String>,
    /// The services the actor works in that take part in this case.
    pub my_services: Vec<String>,
    pub child_age: u32,
    /// Adults linked to the child: (person id, name, parental responsibility, relation, access granted).
    pub family: Vec<(String, String, bool, Relation, bool)>,
    /// Who coordinates, assessments, the plan, prompts, disputes, the youth sentence.
    pub cooperation: crate::coordination::CooperationView,
}

/// A line of the case list.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub case: Case,
    pub child_name: String,
    pub basis: Basis,
    pub expiring_consents: usize,
}

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

/// One line of a family's access log.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLogLine {
    pub at: DateTime<Utc>,
    pub case_id: String,
    pub who: String,
    pub service: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub category: Option<String>,
    pub outcome: String,
    pub basis: String,
}

/// A leader's internal-control report on access.
#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    pub since: DateTime<Utc>,
    pub reads_allowed: usize,
    pub denials: usize,
    pub break_glass: Vec<BreakGlassLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakGlassLine {
    pub id: String,
    pub case_id: String,
    pub user_id: String,
    pub user_name: String,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
}

impl Store {
    fn must_know_services(&self, services: &[service::Model]) -> Vec<String> {
        services
            .iter()
            .filter(|s| self.settings.address_must_know_types.contains(&s.service_type))
            .map(|s| s.id.clone())
            .collect()
    }

    /// Every case `actor` may read the overview of, with the policy's basis; each is recorded in `entries`
    /// under `action` ("list", "tasks"). The one place that answers "which cases may this user see".
    pub(crate) async fn allowed_cases(
        &self,
        txn: &DatabaseTransaction,
        actor: &User,
        now: DateTime<Utc>,
        action: &str,
        entries: &mut Vec<NewEntry>,
    ) -> Result<Vec<(Loaded, Basis)>, StoreError> {
        let rows = case::Entity::find().order_by_asc(case::Column::OpenedAt).all(txn).await?;
        let mut out = Vec::new();
        for row in rows {
            let l = load(txn, row, now).await?;
            let d = authorize(actor, Action::Read, &Resource::Case(l.facts()), now);
            if let Decision::Allow(basis) = &d {
                entries.push(with_decision(
                    entry(actor, action, "case", &l.case.id, &l.case.id),
                    &d,
                    Some(InfoCategory::Overview),
                ));
                out.push((l, basis.clone()));
            }
        }
        Ok(out)
    }

    /// The cases `actor` may see. Each listed case is recorded in the audit log with its basis.
    pub async fn cases_visible_to(&self, actor: &User) -> Result<Vec<CaseSummary>, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let mut out = Vec::new();
        let mut entries = Vec::new();
        for (l, basis) in self.allowed_cases(&txn, actor, now, "list", &mut entries).await? {
            let expiring =
                l.consents.iter().filter(|c| c.expires_within(now, self.settings.consent_warning_days)).count();
            out.push(CaseSummary { child_name: l.child.full_name(), basis, expiring_consents: expiring, case: l.case });
        }
        audit::append(&txn, self.key(), entries).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// One case as `actor` may see it. The overview, every note read and the address are each recorded
    /// in the audit log with their basis; a denial is recorded and returned as `Denied`.
    pub async fn case_for(&self, actor: &User, case_id: &str) -> Result<CaseView, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(actor, Action::Read, &Resource::Case(l.facts()), now);
        let (basis, txn) =
            self.decide(txn, d, entry(actor, "read", "case", case_id, case_id), Some(InfoCategory::Overview)).await?;
        let mut entries = Vec::new();

        let note_rows = case_note::Entity::find()
            .filter(case_note::Column::CaseId.eq(case_id))
            .order_by_desc(case_note::Column::CreatedAt)
            .all(&txn)
            .await?;
        let services = service::Entity::find().all(&txn).await?;
        let superseded: Vec<String> = note_rows.iter().filter_map(|n| n.supersedes.clone()).collect();
        let mut notes = Vec::new();
        let mut hidden = 0;
        for n in note_rows.into_iter().filter(|n| !superseded.contains(&n.id)) {
            let category = parse_enum(&n.category, InfoCategory::parse, "category")?;
            let d = authorize(
                actor,
                Action::Read,
                &Resource::CaseInfo { case: l.facts(), owner_service: &n.service_id, category },
                now,
            );
            match d {
                Decision::Allow(b) => {
                    entries.push(with_decision(
                        entry(actor, "read", "note", &n.id, case_id),
                        &Decision::Allow(b.clone()),
                        Some(category),
                    ));
                    let service_name = services
                        .iter()
                        .find(|s| s.id == n.service_id)
                        .map_or_else(|| n.service_id.clone(), |s| s.name.clone());
                    notes.push((
                        Note {
                            id: n.id,
                            case_id: n.case_id,
                            service_id: n.service_id,
                            service_name,
                            category,
                            body: n.body,
                            created_by: n.created_by,
                            created_at: n.created_at,
                            supersedes: n.supersedes,
                        },
                        b,
                    ));
                }
                Decision::Deny(_) => hidden += 1,
            }
        }

        let (address, address_hidden) = match &l.child.address {
            None => (None, None),
            Some(a) if !l.child.protected_address => (Some(a.clone()), None),
            Some(a) => {
                let must = self.must_know_services(&services);
                let d = authorize(
                    actor,
                    Action::Read,
                    &Resource::ProtectedAddress { case: l.facts(), person_id: &l.child.id, must_know: &must },
                    now,
                );
                match &d {
                    Decision::Allow(_) => {
                        entries.push(with_decision(
                            entry(actor, "read", "protected_address", &l.child.id, case_id),
                            &d,
                            None,
                        ));
                        (Some(a.clone()), None)
                    }
                    Decision::Deny(r) => (None, Some(r.clone())),
                }
            }
        };
        let cooperation = self.cooperation(&txn, &l, actor, now, &mut entries).await?;
        let mut family = Vec::new();
        for g in &l.guardianships {
            let p = load_person(&txn, &g.adult_person_id).await?;
            family.push((p.id.clone(), p.full_name(), g.parental_responsibility, g.relation, g.access_granted));
        }
        audit::append(&txn, self.key(), entries).await?;
        txn.commit().await?;

        let today = now.date_naive();
        let my_services = actor
            .memberships
            .iter()
            .filter_map(|m| m.service_id.clone())
            .filter(|s| l.case.participants.iter().any(|p| &p.service_id == s && p.active_on(today)))
            .collect();
        let expiring_consents = l
            .consents
            .iter()
            .filter(|c| c.expires_within(now, self.settings.consent_warning_days))
            .map(|c| c.id.clone())
            .collect();
        let mut child = l.child;
        child.address = None; // only through `address`, which the policy decided
        Ok(CaseView {
            case: l.case,
            child,
            address,
            address_hidden,
            basis,
            consents: l.consents,
            legal_bases: l.bases,
            notes,
            hidden_notes: hidden,
            expiring_consents,
            my_services,
            child_age: l.child_age,
            family,
            cooperation,
        })
    }

    /// Adds a note (or a new version of one) owned by `service_id`. Only that service may write it.
    pub async fn add_note(
        &self,
        actor: &User,
        case_id: &str,
        service_id: &str,
        category: InfoCategory,
        body: &str,
        supersedes: Option<&str>,
    ) -> Result<String, StoreError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::Invalid { code: "note.empty", message: "the note is empty".into() });
        }
        if body.chars().count() > 10_000 {
            return Err(StoreError::Invalid {
                code: "note.too_long",
                message: "a note holds at most 10 000 characters".into(),
            });
        }
        if category == InfoCategory::Overview {
            return Err(StoreError::Invalid {
                code: "note.category",
                message: "choose the kind of information the note holds".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: service_id, category },
            now,
        );
        let id = new_id("notat");
        let (_, txn) = self.decide(txn, d, entry(actor, "create", "note", &id, case_id), Some(category)).await?;
        if !l.case.participants.iter().any(|p| p.service_id == service_id && p.active_on(now.date_naive())) {
            return Err(StoreError::Invalid {
                code: "note.not_participant",
                message: format!("service {service_id} does not take part in the case"),
            });
        }
        if let Some(old) = supersedes {
            let prev = case_note::Entity::find_by_id(old.to_owned()).one(&txn).await?;
            if !prev.is_some_and(|p| p.case_id == case_id && p.service_id == service_id) {
                return Err(StoreError::Invalid {
                    code: "note.supersedes",
                    message: format!("note {old} is not this service's note in this case"),
                });
            }
        }
        case_note::Entity::insert(case_note::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.to_owned()),
            service_id: Set(service_id.to_owned()),
            category: Set(category.as_str().to_owned()),
            body: Set(body.to_owned()),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(supersedes.map(str::to_owned)),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Records a consent after checking who consents (by the governing law and the child's age) and that
    /// the family was told what spec 02 §3.4 requires.
    pub async fn record_consent(&self, actor: &User, new: NewConsent) -> Result<Consent, StoreError> {
        if new.from_services.is_empty() || new.to_services.is_empty() || new.categories.is_empty() {
            return Err(ConsentError::EmptyScope.into());
        }
        if new.purpose.trim().is_empty() || new.consequences.trim().is_empty() {
            return Err(ConsentError::NotInformed.into());
        }
        if new.valid_to < new.valid_from {
            return Err(ConsentError::BadPeriod.into());
        }
        if new.from_services.len() == 1 && new.from_services == new.to_services {
            return Err(ConsentError::SameService.into());
        }
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
                Some(p) => Some(load_person(&txn, p).await?.age_on(day)),
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

    /// Opens a case in an emergency: a time-limited grant with a reason, flagged to leaders and visible to
    /// the family in their access log.
    pub async fn break_glass(&self, actor: &User, case_id: &str, reason: &str) -> Result<BreakGlassGrant, StoreError> {
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(StoreError::Invalid {
                code: "break_glass.reason",
                message: "give a reason of at least 10 characters".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(actor, Action::BreakGlass, &Resource::Case(l.facts()), now);
        let id = new_id("nodtilgang");
        let (_, txn) = self
            .decide(
                txn,
                d,
                NewEntry { ..entry(actor, "break_glass", "case", case_id, case_id) },
                Some(InfoCategory::Overview),
            )
            .await?;
        let grant = BreakGlassGrant {
            id: id.clone(),
            case_id: case_id.to_owned(),
            user_id: actor.id.clone(),
            reason: reason.to_owned(),
            granted_at: now,
            expires_at: now + chrono::Duration::hours(self.settings.break_glass_hours),
        };
        break_glass::Entity::insert(break_glass::ActiveModel {
            id: Set(id),
            case_id: Set(grant.case_id.clone()),
            user_id: Set(grant.user_id.clone()),
            reason: Set(grant.reason.clone()),
            granted_at: Set(grant.granted_at),
            expires_at: Set(grant.expires_at),
            reviewed_at: Set(None),
            reviewed_by: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        tracing::warn!(user.id = %actor.id, case.id = %case_id, "break-the-glass access granted");
        Ok(grant)
    }

    /// Records that a health service accepted (or no longer accepts) the young person's reasons for keeping
    /// health information from the parents (pbrl § 3-4). Only a health service in the case may do it.
    pub async fn set_health_privacy(
        &self,
        actor: &User,
        case_id: &str,
        service_id: &str,
        private: bool,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let svc = service::Entity::find_by_id(service_id.to_owned()).one(&txn).await?;
        let st = match svc {
            Some(s) => service_type::Entity::find_by_id(s.service_type).one(&txn).await?,
            None => None,
        };
        let health_service = st.is_some_and(|t| t.sector == los_domain::model::Sector::Health.as_str());
        let d = authorize(
            actor,
            Action::Write,
            &Resource::HealthPrivacy { case: l.facts(), service_id, health_service },
            now,
        );
        let (_, txn) = self
            .decide(txn, d, entry(actor, "health_privacy", "case", case_id, case_id), Some(InfoCategory::Health))
            .await?;
        let row = case::Entity::find_by_id(case_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.into() })?;
        let mut am: case::ActiveModel = row.into();
        am.health_private_from_parents = Set(private);
        case::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The access log of a citizen's own and their children's cases: who read or changed what, from which
    /// service, on which basis (as Helsenorge shows hospital access logs).
    pub async fn access_log_for(&self, actor: &User) -> Result<Vec<AccessLogLine>, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        if actor.kind != los_domain::model::UserKind::Citizen {
            // The denial is itself recorded.
            let d = Decision::Deny(DenyReason {
                code: "citizens_only",
                detail: "the access log is the family's view of their own cases".into(),
            });
            let e = NewEntry {
                actor_user_id: Some(actor.id.clone()),
                action: "read".into(),
                resource_type: "access_log".into(),
                ..Default::default()
            };
            self.decide(txn, d, e, None).await?;
            unreachable!("a denial returns an error");
        }
        let rows = case::Entity::find().all(&txn).await?;
        let mut case_ids = Vec::new();
        for row in rows {
            let l = load(&txn, row, now).await?;
            if authorize(actor, Action::Read, &Resource::Case(l.facts()), now).is_allow() {
                case_ids.push(l.case.id);
            }
        }
        let entries = if case_ids.is_empty() {
            vec![]
        } else {
            audit_entry::Entity::find()
                .filter(audit_entry::Column::CaseId.is_in(case_ids.clone()))
                .order_by_desc(audit_entry::Column::Seq)
                .all(&txn)
                .await?
        };
        let users = user::Entity::find().all(&txn).await?;
        let services = service::Entity::find().all(&txn).await?;
        let lines = entries
            .into_iter()
            .map(|e| AccessLogLine {
                who: e
                    .actor_user_id
                    .as_deref()
                    .map(|id| {
                        users.iter().find(|u| u.id == id).map_or_else(|| id.to_owned(), |u| u.display_name.clone())
                    })
                    .unwrap_or_else(|| "Los".into()),
                service: e
                    .actor_service_id
                    .as_deref()
                    .map(|id| services.iter().find(|s| s.id == id).map_or_else(|| id.to_owned(), |s| s.name.clone())),
                at: e.at,
                case_id: e.case_id.unwrap_or_default(),
                role: e.actor_role,
                action: e.action,
                category: e.category,
                outcome: e.outcome,
                basis: e.basis,
            })
            .collect();
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                actor_user_id: Some(actor.id.clone()),
                action: "read".into(),
                resource_type: "access_log".into(),
                resource_id: actor.person_id.clone(),
                outcome: Some(Outcome::Allow),
                basis: format!("{} reads the access log of their family's cases ({})", actor.id, case_ids.join(", ")),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(lines)
    }

    /// Leaders' internal-control report: counts and every break-the-glass access since `since`.
    pub async fn access_report(&self, actor: &User, since: DateTime<Utc>) -> Result<AccessReport, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let d = authorize(actor, Action::Read, &Resource::AuditReport, now);
        let e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "report".into(),
            resource_type: "access_report".into(),
            ..Default::default()
        };
        let (_, txn) = self.decide(txn, d, e, None).await?;
        let entries = audit_entry::Entity::find().filter(audit_entry::Column::At.gte(since)).all(&txn).await?;
        let reads_allowed =
            entries.iter().filter(|e| e.outcome == "allow" && (e.action == "read" || e.action == "list")).count();
        let denials = entries.iter().filter(|e| e.outcome == "deny").count();
        let users = user::Entity::find().all(&txn).await?;
        let grants = break_glass::Entity::find()
            .filter(break_glass::Column::GrantedAt.gte(since))
            .order_by_desc(break_glass::Column::GrantedAt)
            .all(&txn)
            .await?;
        txn.commit().await?;
        Ok(AccessReport {
            since,
            reads_allowed,
            denials,
            break_glass: grants
                .into_iter()
                .map(|g| BreakGlassLine {
                    user_name: users
                        .iter()
                        .find(|u| u.id == g.user_id)
                        .map_or_else(|| g.user_id.clone(), |u| u.display_name.clone()),
                    id: g.id,
                    case_id: g.case_id,
                    user_id: g.user_id,
                    reason: g.reason,
                    granted_at: g.granted_at,
                    expires_at: g.expires_at,
                    reviewed_by: g.reviewed_by,
                })
                .collect(),
        })
    }

    /// A leader marks a break-the-glass access as reviewed.
    pub async fn review_break_glass(&self, actor: &User, grant_id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let d = authorize(actor, Action::Read, &Resource::AuditReport, now);
        let row = break_glass::Entity::find_by_id(grant_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "break-the-glass access", id: grant_id.into() })?;
        let case_id = row.case_id.clone();
        let (_, txn) =
            self.decide(txn, d, entry(actor, "break_glass_review", "break_glass", grant_id, &case_id), None).await?;
        let mut am: break_glass::ActiveModel = row.into();
        am.reviewed_at = Set(Some(now));
        am.reviewed_by = Set(Some(actor.id.clone()));
        break_glass::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A parent with parental responsibility (or the young person from 15) gives a relative, identified by
    /// fødselsnummer, access to the shared overview of the case. The relative must be known to Los.
    pub async fn invite_relative(
        &self,
        actor: &User,
        case_id: &str,
        fnr: &Fodselsnummer,
    ) -> Result<String, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let me = actor.person_id.as_deref().unwrap_or_default();
        let d = if actor.kind != los_domain::model::UserKind::Citizen {
            Decision::Deny(DenyReason { code: "family_only", detail: "only the family invites relatives".into() })
        } else if los_domain::model::may_grant_family_access(me, &l.child.id, l.child_age, &l.guardianships) {
            Decision::Allow(Basis {
                code: "family_invites",
                detail: format!("{} gives a relative access to the overview of case {case_id}", actor.id),
                via_service: None,
                role: None,
            })
        } else {
            Decision::Deny(DenyReason {
                code: "family_only",
                detail: "only a parent with parental responsibility, or the young person from 15, invites relatives"
                    .into(),
            })
        };
        let (_, txn) = self
            .decide(txn, d, entry(actor, "invite_relative", "case", case_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let Some(relative) = person::Entity::find().filter(person::Column::Fnr.eq(fnr.as_str())).one(&txn).await?
        else {
            return Err(StoreError::Invalid {
                code: "relative.unknown",
                message: "no person with that fødselsnummer is known to Los".into(),
            });
        };
        if relative.id == l.child.id || relative.id == me {
            return Err(StoreError::Invalid {
                code: "relative.self",
                message: "invite someone other than yourself or the child".into(),
            });
        }
        match guardianship::Entity::find_by_id((relative.id.clone(), l.child.id.clone())).one(&txn).await? {
            Some(g) => {
                let mut am: guardianship::ActiveModel = g.into();
                am.access_granted = Set(true);
                guardianship::Entity::update(am).exec(&txn).await?;
            }
            None => {
                guardianship::Entity::insert(guardianship::ActiveModel {
                    adult_person_id: Set(relative.id.clone()),
                    child_person_id: Set(l.child.id.clone()),
                    parental_responsibility: Set(false),
                    relation: Set(Relation::InvitedRelative.as_str().into()),
                    access_granted: Set(true),
                })
                .exec_without_returning(&txn)
                .await?;
            }
        }
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                outcome: Some(Outcome::Allow),
                basis: format!("person {} may see the overview of case {case_id}", relative.id),
                ..entry(actor, "grant_access", "person", &relative.id, case_id)
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(relative.id)
    }

    /// The family takes back a relative's access.
    pub async fn revoke_relative(&self, actor: &User, case_id: &str, person_id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let me = actor.person_id.as_deref().unwrap_or_default();
        let allowed = actor.kind == los_domain::model::UserKind::Citizen
            && los_domain::model::may_grant_family_access(me, &l.child.id, l.child_age, &l.guardianships);
        let d = if allowed {
            Decision::Allow(Basis {
                code: "family_revokes",
                detail: format!("{} takes back access for {person_id}", actor.id),
                via_service: None,
                role: None,
            })
        } else {
            Decision::Deny(DenyReason {
                code: "family_only",
                detail: "only the family takes back access it gave".into(),
            })
        };
        let (_, txn) = self
            .decide(txn, d, entry(actor, "revoke_access", "person", person_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let Some(g) = guardianship::Entity::find_by_id((person_id.to_owned(), l.child.id.clone())).one(&txn).await?
        else {
            return Err(StoreError::NotFound { kind: "relative", id: person_id.to_owned() });
        };
        let mut am: guardianship::ActiveModel = g.into();
        am.access_granted = Set(false);
        guardianship::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Anonymises a case summary for an anonymous consultation with another service (spec 02 §3.5).
    pub async fn anonymise_summary(&self, actor: &User, case_id: &str, text: &str) -> Result<Anonymised, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self.decide(txn, d, entry(actor, "anonymise", "case", case_id, case_id), None).await?;
        let mut people = vec![l.child.clone()];
        for g in &l.guardianships {
            people.push(load_person(&txn, &g.adult_person_id).await?);
        }
        let municipality = municipality::Entity::find()
            .filter(municipality::Column::Kommunenummer.eq(l.child.registered_kommune.as_str()))
            .one(&txn)
            .await?;
        txn.commit().await?;
        let mut ids = KnownIdentifiers::default();
        for p in &people {
            ids.names.extend([p.full_name(), p.given_name.clone(), p.family_name.clone()]);
            ids.birth_dates.push(p.birth_date);
            ids.addresses.extend(p.address.clone());
        }
        if let Some(m) = municipality {
            ids.places.push(m.name.split(" (").next().unwrap_or(&m.name).to_owned());
        }
        let settings = AnonymisationSettings {
            small_municipality: self
                .settings
                .small_municipalities
                .iter()
                .any(|k| k == l.child.registered_kommune.as_str()),
            rare_terms: self.settings.rare_terms.clone(),
        };
        Ok(anonymise(text, &ids, &settings))
    }
}
