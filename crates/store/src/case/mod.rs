//! The read side of a case: the case list, and one case as an actor may see it, composed from each
//! resource slice's loader. Every part is read through the access policy and recorded in the audit log with
//! its basis, in one transaction.
//!
//! A slice (`notes`, `consents`, `plan`, …) holds one resource of the case: its view types, its `New*`
//! commands, its loader and its writes. Slices import only the audited transaction (`crate::tx`), never
//! each other; this module composes them.

pub(crate) mod access;
pub(crate) mod access_log;
pub(crate) mod assessments;
pub(crate) mod child_coordinator;
pub(crate) mod closing;
pub(crate) mod consents;
pub(crate) mod coordinator;
pub(crate) mod decisions;
pub(crate) mod family;
pub(crate) mod feedback;
pub(crate) mod individual_plan;
pub(crate) mod intake;
pub(crate) mod invitations;
pub(crate) mod meetings;
pub(crate) mod notes;
pub(crate) mod participants;
pub(crate) mod plan;
pub(crate) mod rights;
pub(crate) mod sentence;

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::closing::CaseState;
use los_domain::consent::{Consent, InfoCategory, LegalBasis};
use los_domain::coordination::{Assessment, BestInterests, Hearing, ReleaseArea, Transition};
use los_domain::model::{Case, Note, Person, Relation, User};
use los_domain::planning::PlanStatus;
use los_policy::{Action, Basis, Decision, DenyReason, Resource, authorize};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, QueryOrder};
use serde::Serialize;

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, load_many, parse_enum, with_decision};

/// A case as an actor may see it, with the basis the policy gave for each part.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub child: Person,
    /// The child's address, when the policy allows it; `None` also when there is none.
    pub address: Option<String>,
    /// Why the address is hidden, when it is.
    pub address_hidden: Option<DenyReason>,
    /// Why where the child lives or spends the day is hidden, when it is (a protected address): the view
    /// then holds only what cannot reveal it — the child, the reader's own consents and family line.
    pub location_hidden: Option<DenyReason>,
    pub basis: Basis,
    pub consents: Vec<Consent>,
    pub legal_bases: Vec<LegalBasis>,
    /// Notes the actor may read, each with the basis.
    pub notes: Vec<(Note, Basis)>,
    /// How many notes exist that the actor may not read.
    pub hidden_notes: usize,
    /// Active consents that end within the warning period.
    pub expiring_consents: Vec<String>,
    /// What the actor may do in this case (the policy's capabilities): the page shows only those forms.
    pub may: los_policy::Capabilities,
    pub child_age: u32,
    /// Adults linked to the child: (person id, name, parental responsibility, relation, access granted).
    pub family: Vec<(String, String, bool, Relation, bool)>,
    /// Who coordinates, assessments, the plan, prompts, disputes, the youth sentence.
    pub cooperation: CooperationView,
    /// The reader is a family member whose consent the cooperation needs, and may end it (issue 11).
    pub may_end_cooperation: bool,
}

/// A line of the case list.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub case: Case,
    pub child_name: String,
    pub basis: Basis,
    pub expiring_consents: usize,
    /// The child has a protected address the reader may not know: the title, which may name a place, is
    /// left out.
    pub location_hidden: bool,
}

/// The cooperation part of a case view.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CooperationView {
    pub current: Option<coordinator::AssignmentView>,
    pub history: Vec<coordinator::AssignmentView>,
    pub dispute: Option<coordinator::DisputeView>,
    pub prompts: Vec<coordinator::Prompt>,
    pub assessments: Vec<Assessment>,
    pub mappings: Vec<(String, String, String, Option<String>)>,
    pub hearings: Vec<Hearing>,
    pub best_interests: Vec<BestInterests>,
    pub plan: Vec<plan::PlanItem>,
    pub sentence: Option<sentence::SentenceView>,
    /// A service has assessed cooperation as necessary.
    pub cooperation_necessary: bool,
    /// The municipalities tied to the child: who coordinates, who follows up a placed child.
    pub municipalities: Option<coordinator::MunicipalitiesView>,
    /// Sector decisions linked to the case (each owned by the deciding service).
    pub decisions: Vec<decisions::ExternalDecisionView>,
    /// Meetings, oldest first.
    pub meetings: Vec<meetings::MeetingView>,
    /// What the county follow-up service achieved (education, work, competence building, combination).
    pub outcomes: Vec<decisions::OutcomeView>,
    /// Foreseeable transitions ahead (from the child's birth date and the sentence), soonest first.
    pub upcoming_transitions: Vec<(Transition, NaiveDate)>,
    /// Reports from the family that something is not working: only the author's own, or those sent to the
    /// reader's service.
    pub feedback: Vec<feedback::FeedbackView>,
    /// The individual-rights screening: individual plan, coordinator, child coordinator (spec 01 §8.C item 15).
    pub rights: rights::RightsView,
    /// Requests from other services to join the case, newest first: shown to the services taking part,
    /// who answer them.
    pub join_requests: Vec<intake::JoinRequestView>,
}

/// The reminder to evaluate with the family when cooperation is necessary and nothing has been assessed or
/// changed in the plan for the cadence (spec 01 §4.3 continuous evaluation).
fn evaluation_prompt(
    case_id: &str,
    cooperation_necessary: bool,
    assessments: &[Assessment],
    plan: &[plan::PlanItem],
    now: DateTime<Utc>,
    evaluation_days: i64,
) -> Option<coordinator::Prompt> {
    let last = assessments.iter().map(|a| a.assessed_at).chain(plan.iter().map(|p| p.created_at)).max();
    los_domain::planning::evaluation_due(cooperation_necessary, last, now, evaluation_days).then(|| {
        coordinator::Prompt {
            id: format!("evaluate-{case_id}"),
            kind: "evaluate".into(),
            service_id: None,
            reason: format!("{evaluation_days}"),
            created_at: now,
        }
    })
}

impl Store {
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
        use sea_orm::{ColumnTrait, QueryFilter};
        let candidates = candidate_cases(txn, actor, now).await?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let rows = case::Entity::find()
            .filter(case::Column::Id.is_in(candidates))
            .order_by_asc(case::Column::OpenedAt)
            .all(txn)
            .await?;
        let mut out = Vec::new();
        for l in load_many(txn, rows, now).await? {
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
        let txn = self.begin_read().await?;
        let mut out = Vec::new();
        let mut entries = Vec::new();
        for (l, basis) in self.allowed_cases(&txn, actor, now, "list", &mut entries).await? {
            let expiring =
                l.consents.iter().filter(|c| c.expires_within(now, self.settings.consent_warning_days)).count();
            let location_hidden = !l.location(actor, now).is_allow();
            let mut case = l.case;
            if location_hidden {
                case.title = String::new();
                case.participants = Vec::new();
            }
            out.push(CaseSummary {
                child_name: l.child.full_name(),
                basis,
                expiring_consents: expiring,
                case,
                location_hidden,
            });
        }
        txn.commit().await?;
        self.record_reads(entries).await?;
        Ok(out)
    }

    /// One case as `actor` may see it. The overview, every note read and the address are each recorded
    /// in the audit log with their basis; a denial is recorded and returned as `Denied`.
    pub async fn case_for(&self, actor: &User, case_id: &str) -> Result<CaseView, StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(actor, Action::Read, &Resource::Case(l.facts()), now);
        let mut entries = Vec::new();
        let overview = entry(actor, "read", "case", case_id, case_id);
        let (basis, txn) = self.decide_read(txn, d, overview, Some(InfoCategory::Overview), &mut entries).await?;
        if let Decision::Deny(reason) = l.location(actor, now) {
            return self.shielded_view(txn, l, actor, basis, reason, entries).await;
        }
        let services = service::Entity::find().all(&txn).await?;
        let (notes, hidden_notes) = notes::load_notes(&txn, &l, actor, now, &services, &mut entries).await?;
        let (address, address_hidden) = self.read_address(&l, actor, now, &services, &mut entries);
        let cooperation = self.cooperation(&txn, &l, actor, now, &mut entries).await?;
        let family = family::load_family(&txn, &l).await?;
        let may_end_cooperation = l.case.state != CaseState::Closed && closing::may_end(&txn, &l, actor, now).await?;
        txn.commit().await?;
        self.record_reads(entries).await?;

        let may = los_policy::capabilities(actor, &l.facts(), now);
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
            location_hidden: None,
            basis,
            consents: l.consents,
            legal_bases: l.bases,
            notes,
            hidden_notes,
            expiring_consents,
            may,
            child_age: l.child_age,
            family,
            cooperation,
            may_end_cooperation,
        })
    }

    /// The case as a reader sees it who may not know where the child lives or spends the day (a protected
    /// address; policy `CaseLocation`): the child, the consents the reader gave and their own family line.
    /// Everything else can name a place — the title, the services and their people, meetings, records, the
    /// plan — and is left out; only the number of records is told. Nothing more is read, so only the case
    /// overview is recorded in the audit log.
    async fn shielded_view(
        &self,
        txn: DatabaseTransaction,
        l: Loaded,
        actor: &User,
        basis: Basis,
        reason: DenyReason,
        entries: Vec<NewEntry>,
    ) -> Result<CaseView, StoreError> {
        use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
        let hidden_notes =
            case_note::Entity::find().filter(case_note::Column::CaseId.eq(l.case.id.as_str())).count(&txn).await?;
        let me = actor.person_id.as_deref();
        let family = family::load_family(&txn, &l).await?.into_iter().filter(|f| Some(f.0.as_str()) == me).collect();
        let may_end_cooperation =
            l.case.state != CaseState::Closed && closing::may_end(&txn, &l, actor, Utc::now()).await?;
        txn.commit().await?;
        self.record_reads(entries).await?;
        let mut child = l.child;
        child.address = None;
        let mut case = l.case;
        case.title = String::new();
        case.participants = Vec::new();
        for c in &mut case.state_changes {
            // Who acted and the words they wrote can name a place: the state and the reason's code stay.
            c.service_id = None;
            c.text = String::new();
        }
        let consents: Vec<Consent> =
            l.consents.into_iter().filter(|c| c.givers.iter().any(|g| g.person_id.as_deref() == me)).collect();
        let now = Utc::now();
        let expiring_consents = consents
            .iter()
            .filter(|c| c.expires_within(now, self.settings.consent_warning_days))
            .map(|c| c.id.clone())
            .collect();
        Ok(CaseView {
            case,
            child,
            address: None,
            address_hidden: Some(reason.clone()),
            location_hidden: Some(reason),
            basis,
            consents,
            legal_bases: Vec::new(),
            notes: Vec::new(),
            hidden_notes: hidden_notes as usize,
            expiring_consents,
            may: los_policy::Capabilities::default(),
            child_age: l.child_age,
            family,
            cooperation: CooperationView::default(),
            may_end_cooperation,
        })
    }

    /// The cooperation part of a case, composed from each slice's loader under this store's settings
    /// (evaluation cadence, transition notice). The caller has already been allowed to read the case
    /// overview; information owned by one service is read through the policy, each read recorded in `entries`.
    pub(crate) async fn cooperation(
        &self,
        conn: &impl ConnectionTrait,
        l: &Loaded,
        actor: &User,
        now: DateTime<Utc>,
        entries: &mut Vec<NewEntry>,
    ) -> Result<CooperationView, StoreError> {
        let case_id = l.case.id.as_str();
        let services = service::Entity::find().all(conn).await?;
        let (current, history) = coordinator::load_assignments(conn, case_id, &services).await?;
        let dispute = coordinator::load_dispute(conn, l, now).await?;
        let mut prompts = coordinator::load_prompts(conn, case_id).await?;
        let assessments = assessments::load_assessments(conn, case_id).await?;
        let cooperation_necessary =
            los_domain::planning::cooperation_necessary(assessments.iter().map(|a| (a.service_id.as_str(), a.result)));
        let mappings = participants::load_mappings(conn, case_id).await?;
        let hearings: Vec<Hearing> = assessments::load_hearings(conn, case_id).await?;
        let best_interests: Vec<BestInterests> = assessments::load_best_interests(conn, case_id).await?;
        let plan = plan::load_plan(conn, case_id).await?;
        let plan_areas: Vec<(PlanStatus, Option<ReleaseArea>)> = plan
            .iter()
            .map(|p| Ok((parse_enum(&p.status, PlanStatus::parse, "plan status")?, p.release_area)))
            .collect::<Result<_, StoreError>>()?;
        let notice_days = self.settings.transition_notice_days;
        let sentence = sentence::load_sentence(conn, l, actor, now, entries, &plan_areas, notice_days).await?;
        let evaluation_days = self.settings.evaluation_days;
        prompts.extend(evaluation_prompt(case_id, cooperation_necessary, &assessments, &plan, now, evaluation_days));
        let municipalities = coordinator::load_municipalities(conn, l).await?;
        let decisions = decisions::load_decisions(conn, l, actor, now, entries).await?;
        let meetings = meetings::load_meetings(conn, l, actor, now, entries).await?;
        let feedback = feedback::load_feedback(conn, l, actor, now, entries).await?;
        let rights = rights::load_rights(conn, case_id, &services, cooperation_necessary).await?;
        let outcomes = decisions::load_outcomes(conn, l, actor, now, entries).await?;
        let upcoming_transitions: Vec<(Transition, NaiveDate)> = los_domain::planning::upcoming_transitions(
            l.child.birth_date,
            sentence.as_ref().map(|s| s.ends_on),
            now.date_naive(),
            notice_days,
        );
        let answers_requests = authorize(actor, Action::Write, &Resource::Case(l.facts()), now).is_allow();
        let join_requests =
            if answers_requests { intake::load_join_requests(conn, case_id).await? } else { Vec::new() };
        Ok(CooperationView {
            join_requests,
            rights,
            outcomes,
            upcoming_transitions,
            feedback,
            decisions,
            meetings,
            municipalities,
            current,
            history,
            dispute,
            prompts,
            assessments,
            mappings,
            hearings,
            best_interests,
            plan,
            sentence,
            cooperation_necessary,
        })
    }
}

/// The cases the access policy could open to `actor`, found with a few set-based queries so that a list
/// grows with what the user sees, not with the municipality. A superset of what the policy allows, never
/// a subset: the policy still decides each candidate (`allowed_cases`), so this narrows the work and
/// cannot widen access. It follows the policy's read rules for a case: an employee's services taking part
/// (at any time; the policy checks the dates), an emergency grant of theirs, or any open dispute about who
/// coordinates (the decision-maker reads those); a citizen's own case, or the case of a child they are
/// registered with (parent, foster parent or someone the family gave access).
pub(crate) async fn candidate_cases(
    txn: &DatabaseTransaction,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    use los_domain::model::UserKind;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let mut ids: Vec<String> = Vec::new();
    match actor.kind {
        UserKind::Employee => {
            let services: Vec<String> = actor.memberships.iter().filter_map(|m| m.service_id.clone()).collect();
            if !services.is_empty() {
                ids.extend(
                    participation::Entity::find()
                        .select_only()
                        .column(participation::Column::CaseId)
                        .filter(participation::Column::ServiceId.is_in(services))
                        .into_tuple::<String>()
                        .all(txn)
                        .await?,
                );
            }
            ids.extend(
                break_glass::Entity::find()
                    .select_only()
                    .column(break_glass::Column::CaseId)
                    .filter(break_glass::Column::UserId.eq(actor.id.as_str()))
                    .filter(break_glass::Column::ExpiresAt.gt(now))
                    .into_tuple::<String>()
                    .all(txn)
                    .await?,
            );
            ids.extend(
                dispute::Entity::find()
                    .select_only()
                    .column(dispute::Column::CaseId)
                    .filter(dispute::Column::ResolvedAt.is_null())
                    .into_tuple::<String>()
                    .all(txn)
                    .await?,
            );
            // Open child-coordinator matters: the coordinating unit reads them (issue 12).
            ids.extend(
                cc_matter::Entity::find()
                    .select_only()
                    .column(cc_matter::Column::CaseId)
                    .filter(cc_matter::Column::State.ne("ended"))
                    .into_tuple::<String>()
                    .all(txn)
                    .await?,
            );
        }
        UserKind::Citizen => {
            let Some(person) = actor.person_id.as_deref() else { return Ok(ids) };
            let mut children: Vec<String> = guardianship::Entity::find()
                .select_only()
                .column(guardianship::Column::ChildPersonId)
                .filter(guardianship::Column::AdultPersonId.eq(person))
                .into_tuple::<String>()
                .all(txn)
                .await?;
            children.push(person.to_owned());
            ids.extend(
                case::Entity::find()
                    .select_only()
                    .column(case::Column::Id)
                    .filter(case::Column::ChildPersonId.is_in(children))
                    .into_tuple::<String>()
                    .all(txn)
                    .await?,
            );
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}
