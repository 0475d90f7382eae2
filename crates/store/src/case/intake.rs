//! Opening a case for a new child (issue 11), and the family around them.
//!
//! An employee opens a case through their service, which becomes the first participant. One cooperation
//! case per child: when the child already has one, the opening becomes a request to join it, which the
//! services in that case answer through the step-3 consent rules; the requester learns nothing of the case
//! until then (the answer is the same whatever the case holds). An expected child's case follows the child:
//! when the number is known it is recorded and checked against every other case. Each step is audited
//! under the case, so the family sees it in their access log.

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::ident::Fodselsnummer;
use los_domain::intake::{ChildIdentity, ChildInput, JoinState, NewAdult, NewCase, case_title, check_adults};
use los_domain::model::User;
use los_policy::{Action, Basis, Decision, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{entry, new_id, with_decision};

/// What opening a case (or recording a child's number) led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Intake {
    /// A new case, with the service as its first participant.
    Created { case_id: String },
    /// The child's number was recorded on the case.
    NumberRecorded { case_id: String },
    /// The child already has a case the service is not in: a request to join it was recorded (or was
    /// already waiting). Nothing else about that case is told.
    JoinRequested { join_request_id: String },
    /// The child already has a case the service takes part in.
    AlreadyParticipant { case_id: String },
}

/// A request to join a case, as the services in the case see it.
#[derive(Debug, Clone, Serialize)]
pub struct JoinRequestView {
    pub id: String,
    pub service_id: String,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    pub state: JoinState,
    pub decision_text: Option<String>,
}

/// An answer to a request to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinAnswer<'a> {
    /// Take the service in (needs a consent or legal exception that covers contacting it).
    Accept,
    /// Decline, saying why.
    Decline { text: &'a str },
}

fn invalid(code: &'static str, field: Option<&'static str>, message: &str) -> StoreError {
    StoreError::Invalid { code, field, message: message.into() }
}

/// The person with this number, if Los knows one.
async fn person_by_number(txn: &DatabaseTransaction, n: &Fodselsnummer) -> Result<Option<person::Model>, StoreError> {
    Ok(person::Entity::find().filter(person::Column::Fnr.eq(n.as_str())).one(txn).await?)
}

/// The case whose child is this person, if any (one per child).
async fn case_of_child(txn: &DatabaseTransaction, person_id: &str) -> Result<Option<case::Model>, StoreError> {
    Ok(case::Entity::find().filter(case::Column::ChildPersonId.eq(person_id)).one(txn).await?)
}

/// Makes sure a person with a number can log in as a citizen and be matched to what is recorded.
async fn ensure_citizen(txn: &DatabaseTransaction, p: &person::Model) -> Result<(), StoreError> {
    let known = user::Entity::find()
        .filter(user::Column::PersonId.eq(p.id.as_str()))
        .filter(user::Column::Kind.eq("citizen"))
        .one(txn)
        .await?;
    if known.is_none() && p.fnr.is_some() {
        user::Entity::insert(user::ActiveModel {
            id: Set(new_id("innbygger")),
            display_name: Set(format!("{} {}", p.given_name, p.family_name).trim().to_owned()),
            kind: Set("citizen".into()),
            person_id: Set(Some(p.id.clone())),
            demo_description: Set(None),
            email: Set(None),
            external_subject: Set(None),
            active: Set(true),
            deactivated_at: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// The adult's person record: the one Los knows by the number, or a new one.
async fn adult_person(txn: &DatabaseTransaction, a: &NewAdult, kommune: &str) -> Result<person::Model, StoreError> {
    if let Some(p) = person_by_number(txn, &a.number).await? {
        return Ok(p);
    }
    let birth = a.number.legacy_birth_date().unwrap_or_default();
    let model = person::Model {
        id: new_id("person"),
        fnr: Some(a.number.as_str().to_owned()),
        given_name: a.given_name.trim().to_owned(),
        family_name: a.family_name.trim().to_owned(),
        birth_date: birth,
        protected_address: a.protected_address,
        registered_kommune: kommune.to_owned(),
        address: None,
        expected_due_date: None,
    };
    person::Entity::insert(person::ActiveModel::from(model.clone())).exec_without_returning(txn).await?;
    Ok(model)
}

/// Links an adult to the child (once) and lets them log in.
async fn link_adult(
    txn: &DatabaseTransaction,
    child_id: &str,
    a: &NewAdult,
    kommune: &str,
) -> Result<String, StoreError> {
    let p = adult_person(txn, a, kommune).await?;
    if p.id == child_id {
        return Err(invalid("intake.adult_twice", Some("adult_number"), "the child cannot be their own adult"));
    }
    if guardianship::Entity::find_by_id((p.id.clone(), child_id.to_owned())).one(txn).await?.is_some() {
        return Err(invalid("intake.adult_twice", Some("adult_number"), "this person is already linked to the child"));
    }
    guardianship::Entity::insert(guardianship::ActiveModel {
        adult_person_id: Set(p.id.clone()),
        child_person_id: Set(child_id.to_owned()),
        parental_responsibility: Set(a.parental_responsibility),
        relation: Set(a.relation.as_str().into()),
        access_granted: Set(false),
    })
    .exec_without_returning(txn)
    .await?;
    ensure_citizen(txn, &p).await?;
    Ok(p.id)
}

/// The child's new person record.
fn child_row(child: &ChildIdentity, kommune: &str, protected: bool) -> person::Model {
    let (given, family) = child.names();
    person::Model {
        id: new_id("person"),
        fnr: child.number().map(|n| n.as_str().to_owned()),
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date: child.birth_date(),
        protected_address: protected,
        registered_kommune: kommune.to_owned(),
        address: None,
        expected_due_date: child.due_date(),
    }
}

/// The services' view of the requests to join a case they take part in, newest first.
pub(crate) async fn load_join_requests(
    txn: &impl sea_orm::ConnectionTrait,
    case_id: &str,
) -> Result<Vec<JoinRequestView>, StoreError> {
    let rows = join_request::Entity::find().filter(join_request::Column::CaseId.eq(case_id)).all(txn).await?;
    let mut out: Vec<JoinRequestView> = rows
        .into_iter()
        .map(|r| JoinRequestView {
            state: JoinState::parse(&r.state).unwrap_or(JoinState::Pending),
            id: r.id,
            service_id: r.service_id,
            reason: r.reason,
            requested_at: r.requested_at,
            decision_text: r.decision_text,
        })
        .collect();
    out.sort_by_key(|j| std::cmp::Reverse(j.requested_at));
    Ok(out)
}

impl Store {
    /// An employee opens a case for a child through `service_id`, which becomes its first participant; or,
    /// when the child already has a case, asks to join it.
    pub async fn open_case(&self, actor: &User, service_id: &str, c: &NewCase) -> Result<Intake, StoreError> {
        let now = Utc::now();
        los_domain::intake::check_new_case(c, now.date_naive())?;
        let txn = self.begin_audited().await?;
        let d = authorize(actor, Action::Write, &Resource::CaseOpening { service_id }, now);
        let e = NewEntry { case_id: None, ..entry(actor, "case_open", "service", service_id, "") };
        let basis = match d {
            Decision::Allow(b) => b,
            deny => return Err(self.refuse(txn, deny, e).await),
        };
        let active = service::Entity::find_by_id(service_id.to_owned()).one(&txn).await?.is_some_and(|s| s.active);
        if !active {
            return Err(invalid("intake.service", Some("service_id"), "choose an active service you work in"));
        }
        let existing = match c.child.number() {
            Some(n) => person_by_number(&txn, n).await?,
            None => None,
        };
        if let Some(p) = &existing
            && let Some(case) = case_of_child(&txn, &p.id).await?
        {
            let r = self.request_join(&txn, actor, &basis, service_id, &case, &c.reason, now).await?;
            txn.commit().await?;
            return Ok(r);
        }
        let child = match existing {
            Some(p) => p,
            None => {
                let row = child_row(&c.child, c.kommune.as_str(), c.protected_address);
                person::Entity::insert(person::ActiveModel::from(row.clone())).exec_without_returning(&txn).await?;
                row
            }
        };
        ensure_citizen(&txn, &child).await?;
        let case_id = new_id("sak");
        case::Entity::insert(case::ActiveModel {
            id: Set(case_id.clone()),
            child_person_id: Set(child.id.clone()),
            title: Set(case_title(&c.child)),
            opened_at: Set(now),
            health_private_from_parents: Set(false),
            care_kommune: Set(None),
            placement_kommune: Set(None),
            second_residence_kommune: Set(None),
            local_clarification: Set(None),
            state: Set("open".into()),
        })
        .exec_without_returning(&txn)
        .await?;
        participation::Entity::insert(participation::ActiveModel {
            case_id: Set(case_id.clone()),
            service_id: Set(service_id.into()),
            joined_on: Set(now.date_naive()),
            join_reason: Set(c.reason.trim().into()),
            left_on: Set(None),
            leave_reason: Set(None),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        let mut entries = vec![with_decision(
            entry(actor, "case_open", "case", &case_id, &case_id),
            &Decision::Allow(basis.clone()),
            Some(InfoCategory::Overview),
        )];
        for a in &c.adults {
            let id = link_adult(&txn, &child.id, a, c.kommune.as_str()).await?;
            entries.push(with_decision(
                entry(actor, "adult_register", "person", &id, &case_id),
                &Decision::Allow(basis.clone()),
                Some(InfoCategory::Overview),
            ));
        }
        audit::append(&txn, self.key(), entries).await?;
        txn.commit().await?;
        Ok(Intake::Created { case_id })
    }

    /// Records a refusal and returns the error that carries it.
    async fn refuse(&self, txn: DatabaseTransaction, d: Decision, e: NewEntry) -> StoreError {
        match self.decide(txn, d, e, None).await {
            Err(e) => e,
            Ok(_) => StoreError::Integrity("a refusal was allowed".into()),
        }
    }

    /// The requester's service asks to join `case`: one waiting request per service, audited under the
    /// case so the family sees it. The services in the case get a task to answer it.
    #[allow(clippy::too_many_arguments)]
    async fn request_join(
        &self,
        txn: &DatabaseTransaction,
        actor: &User,
        basis: &Basis,
        service_id: &str,
        case: &case::Model,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Intake, StoreError> {
        let taking_part = participation::Entity::find()
            .filter(participation::Column::CaseId.eq(case.id.as_str()))
            .filter(participation::Column::ServiceId.eq(service_id))
            .filter(participation::Column::LeftOn.is_null())
            .one(txn)
            .await?
            .is_some();
        let allow = Decision::Allow(basis.clone());
        if taking_part {
            let e = entry(actor, "case_open_existing", "case", &case.id, &case.id);
            audit::append(txn, self.key(), vec![with_decision(e, &allow, Some(InfoCategory::Overview))]).await?;
            return Ok(Intake::AlreadyParticipant { case_id: case.id.clone() });
        }
        let waiting = join_request::Entity::find()
            .filter(join_request::Column::CaseId.eq(case.id.as_str()))
            .filter(join_request::Column::ServiceId.eq(service_id))
            .filter(join_request::Column::State.eq(JoinState::Pending.as_str()))
            .one(txn)
            .await?;
        let id = match waiting {
            Some(w) => w.id,
            None => {
                let id = new_id("forespørsel");
                join_request::Entity::insert(join_request::ActiveModel {
                    id: Set(id.clone()),
                    case_id: Set(case.id.clone()),
                    service_id: Set(service_id.into()),
                    requested_by: Set(actor.id.clone()),
                    reason: Set(reason.trim().into()),
                    requested_at: Set(now),
                    state: Set(JoinState::Pending.as_str().into()),
                    decided_by: Set(None),
                    decided_by_service: Set(None),
                    decision_text: Set(None),
                    decided_at: Set(None),
                })
                .exec_without_returning(txn)
                .await?;
                id
            }
        };
        // The request reads nothing of the case; it is recorded under it so the family sees who asked.
        let e = NewEntry {
            basis: format!("service {service_id} asks to cooperate in the child's case; nothing of it is shown"),
            ..with_decision(entry(actor, "join_request", "join_request", &id, &case.id), &allow, None)
        };
        audit::append(txn, self.key(), vec![e]).await?;
        Ok(Intake::JoinRequested { join_request_id: id })
    }

    /// A service taking part answers a request to join: accepting takes the requester in through the
    /// step-3 rules (a consent or legal exception must cover contacting it); declining needs a reason.
    pub async fn answer_join_request(
        &self,
        actor: &User,
        case_id: &str,
        request_id: &str,
        answer: JoinAnswer<'_>,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let row = join_request::Entity::find_by_id(request_id.to_owned())
            .one(&txn)
            .await?
            .filter(|r| r.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "join_request", id: request_id.to_owned() })?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::JoinRequestAnswer { case: l.facts(), requester: &row.service_id },
            now,
        );
        let action = if answer == JoinAnswer::Accept { "join_accept" } else { "join_decline" };
        let (basis, txn) = self
            .decide(txn, d, entry(actor, action, "join_request", request_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let from = Self::acting_service(&basis)?;
        if row.state != JoinState::Pending.as_str() {
            return Err(invalid("join.answered", None, "the request has been answered"));
        }
        let (state, text) = match answer {
            JoinAnswer::Accept => {
                self.admit_service(&txn, &l, actor, &from, &row.service_id, &row.reason, now).await?;
                (JoinState::Accepted, None)
            }
            JoinAnswer::Decline { text } if text.trim().is_empty() => {
                return Err(invalid("join.decline_reason", Some("text"), "say why the request is declined"));
            }
            JoinAnswer::Decline { text } => (JoinState::Declined, Some(text.trim().to_owned())),
        };
        let mut am: join_request::ActiveModel = row.into();
        am.state = Set(state.as_str().into());
        am.decided_by = Set(Some(actor.id.clone()));
        am.decided_by_service = Set(Some(from));
        am.decision_text = Set(text);
        am.decided_at = Set(Some(now));
        join_request::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A service taking part registers an adult linked to the child (a parent, with or without parental
    /// responsibility, or a foster parent), who can then log in as a citizen and be matched.
    pub async fn register_adult(&self, actor: &User, case_id: &str, a: &NewAdult) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let e = entry(actor, "adult_register", "case", case_id, case_id);
        let (_, txn) = self.decide(txn, d, e, Some(InfoCategory::Overview)).await?;
        let child = ChildIdentity::Named {
            given_name: l.child.given_name.clone(),
            family_name: l.child.family_name.clone(),
            birth_date: l.child.birth_date,
        };
        check_adults(&child, std::slice::from_ref(a), now.date_naive())?;
        if l.child.fnr.as_ref() == Some(&a.number) {
            return Err(invalid("intake.adult_twice", Some("adult_number"), "the child cannot be their own adult"));
        }
        let id = link_adult(&txn, &l.child.id, a, l.child.registered_kommune.as_str()).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// An expected child (or one known by name) gets their number: recorded on the case when no other case
    /// has the child; when one does, the acting service asks to join that one instead, learning nothing of it.
    pub async fn record_child_number(
        &self,
        actor: &User,
        case_id: &str,
        input: &ChildInput<'_>,
    ) -> Result<Intake, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let e = entry(actor, "child_number", "person", &l.child.id, case_id);
        let (basis, txn) = self.decide(txn, d, e, Some(InfoCategory::Overview)).await?;
        let from = Self::acting_service(&basis)?;
        if l.child.fnr.is_some() {
            return Err(invalid("child_number.known", Some("number"), "the child's number is already recorded"));
        }
        let child =
            los_domain::intake::child_identity(&ChildInput { kind: "number", ..input.clone() }, now.date_naive())?;
        let Some(number) = child.number() else {
            return Err(invalid("intake.number_required", Some("number"), "give the child's number"));
        };
        if let Some(other) = person_by_number(&txn, number).await? {
            if let Some(theirs) = case_of_child(&txn, &other.id).await? {
                let reason = format!("the child of another case got this number (case {case_id})");
                let r = self.request_join(&txn, actor, &basis, &from, &theirs, &reason, now).await?;
                txn.commit().await?;
                return Ok(r);
            }
            return Err(invalid(
                "child_number.other_person",
                Some("number"),
                "the number belongs to a person Los knows in another role: check it with the family",
            ));
        }
        let (given, family) = child.names();
        let mut am: person::ActiveModel = person::Entity::find_by_id(l.child.id.clone())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Integrity(format!("person {} is missing", l.child.id)))?
            .into();
        am.fnr = Set(Some(number.as_str().to_owned()));
        am.given_name = Set(given.to_owned());
        am.family_name = Set(family.to_owned());
        am.birth_date = Set(child.birth_date());
        am.expected_due_date = Set(None);
        let row = person::Entity::update(am).exec(&txn).await?;
        ensure_citizen(&txn, &row).await?;
        txn.commit().await?;
        Ok(Intake::NumberRecorded { case_id: case_id.to_owned() })
    }
}
