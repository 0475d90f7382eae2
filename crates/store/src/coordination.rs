//! Cooperation in a single case and the municipality's coordination duty (spec 01 §4–§6): participants
//! joining and leaving (step 3 gated by consent or a legal exception), step-1 mappings, step-2 assessments,
//! hearings and best-interests assessments, who coordinates with its history, disputes decided by the
//! configured decision-maker, prompts to review, the cooperation plan and youth sentences.
//!
//! Every method goes through the access policy and leaves audit records in the same transaction; every
//! rule of the domain is checked by `los_domain::coordination`.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::{ConsentStatus, InfoCategory};
use los_domain::coordination::{
    Assessment, AssessmentResult, AssignmentRequest, BestInterests, ChildVoice, CoordinationBasis, CoordinationFacts,
    DecisionMaker, Hearing, HearingPlace, MappingSource, Municipalities, PlanningAssessment, ReleaseArea, SentenceType,
    TeamRole, Transition, validate_assessment, validate_assignment, validate_best_interests, validate_sentence,
};
use los_domain::model::{Relation, User};
use los_domain::planning::{Situation, validate_situations};
use los_policy::{Action, Decision, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit::{self, NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{close_prompts, decision_maker_for, plan_write, replace_assignment, require_transfer_consent};
use crate::tx::{Loaded, entry, new_id, parse_enum, required};

/// An assignment of the coordinating service, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub basis: CoordinationBasis,
    pub agreed_by: Vec<String>,
    pub decided_by: String,
    pub decided_role: Option<String>,
    pub delegation_ref: Option<String>,
    pub child_view: String,
    pub parents_view: String,
    pub reasons: String,
    pub decided_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub communicated_at: Option<DateTime<Utc>>,
    pub communicated_how: Option<String>,
}

/// An open or resolved dispute about who coordinates.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeView {
    pub id: String,
    pub positions: String,
    pub child_wishes: String,
    pub family_wishes: String,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who decides, as configured for the child's municipality.
    pub decision_maker: Option<DecisionMaker>,
}

/// Something the services must look at again.
#[derive(Debug, Clone, Serialize)]
pub struct Prompt {
    pub id: String,
    /// `reassess` (a service joined, left or granted a new service) or `review_coordinator` (a life
    /// transition, or the coordinating service left).
    pub kind: String,
    /// Structured so each language can word it: `joined|service`, `left|service|reason`, `granted|service`
    /// (what was granted is the deciding service's information, not repeated here), `coordinator_left|service`,
    /// or a transition code.
    pub service_id: Option<String>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A goal or a measure in the shared cooperation plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub id: String,
    /// `goal` or `measure`.
    pub kind: String,
    pub title: String,
    pub responsible_service: Option<String>,
    pub for_person: Option<String>,
    pub position: i32,
    pub depends_on: Option<String>,
    pub status: String,
    /// `help` or `control` (youth plans).
    pub measure_type: Option<String>,
    /// The area of the transition plan after a sentence this measure covers, if it is part of it.
    pub release_area: Option<ReleaseArea>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Earlier versions of this item (newest first): the plan's history.
    pub history: Vec<(String, String, DateTime<Utc>)>,
    /// The ids of the earlier versions, so that a dependency on any version finds this item.
    pub history_ids: Vec<String>,
}

/// A youth sentence and its follow-up team.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceView {
    pub id: String,
    pub kind: SentenceType,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The service that leads the follow-up and receives non-compliance reports: the youth coordinator
    /// (ungdomsstraff, ungdomsoppfølging) or the correctional service (community sentence, prison).
    pub youth_coordinator_service: String,
    pub team: Vec<(TeamRole, String)>,
    /// Core areas of the transition plan after the sentence with no measure yet (stopped measures do not count).
    pub release_missing: Vec<ReleaseArea>,
    /// The sentence ends soon and core areas are missing: prepare the transition.
    pub release_due: bool,
    /// Non-compliance reports: shown only to the youth coordinator's service (they are routed there).
    pub reports: Vec<(String, String, DateTime<Utc>)>,
}

/// The cooperation part of a case view.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CooperationView {
    pub current: Option<AssignmentView>,
    pub history: Vec<AssignmentView>,
    pub dispute: Option<DisputeView>,
    pub prompts: Vec<Prompt>,
    pub assessments: Vec<Assessment>,
    pub mappings: Vec<(String, String, String, Option<String>)>,
    pub hearings: Vec<Hearing>,
    pub best_interests: Vec<BestInterests>,
    pub plan: Vec<PlanItem>,
    pub sentence: Option<SentenceView>,
    /// A service has assessed cooperation as necessary.
    pub cooperation_necessary: bool,
    /// The municipalities tied to the child: who coordinates, who follows up a placed child.
    pub municipalities: Option<MunicipalitiesView>,
    /// Sector decisions linked to the case (each owned by the deciding service).
    pub decisions: Vec<crate::planning::ExternalDecisionView>,
    /// Meetings, oldest first.
    pub meetings: Vec<crate::planning::MeetingView>,
    /// What the county follow-up service achieved (education, work, competence building, combination).
    pub outcomes: Vec<crate::planning::OutcomeView>,
    /// Foreseeable transitions ahead (from the child's birth date and the sentence), soonest first.
    pub upcoming_transitions: Vec<(Transition, NaiveDate)>,
    /// Reports from the family that something is not working: only the author's own, or those sent to the
    /// reader's service.
    pub feedback: Vec<crate::feedback::FeedbackView>,
    /// The individual-rights screening: individual plan, coordinator, child coordinator (spec 01 §8.C item 15).
    pub rights: crate::rights::RightsView,
}

/// The municipalities tied to the child, with the responsibilities that follow (spec 01 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalitiesView {
    #[serde(flatten)]
    pub m: Municipalities,
    pub coordinating: String,
    pub follow_up: String,
    pub needs_local_clarification: bool,
}

fn assignment_view(r: coordination::Model, services: &[service::Model]) -> Result<AssignmentView, StoreError> {
    Ok(AssignmentView {
        basis: parse_enum(&r.basis, CoordinationBasis::parse, "coordination basis")?,
        service_name: services
            .iter()
            .find(|s| s.id == r.service_id)
            .map_or_else(|| r.service_id.clone(), |s| s.name.clone()),
        agreed_by: r.agreed_by.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        id: r.id,
        service_id: r.service_id,
        decided_by: r.decided_by,
        decided_role: r.decided_role,
        delegation_ref: r.delegation_ref,
        child_view: r.child_view,
        parents_view: r.parents_view,
        reasons: r.reasons,
        decided_at: r.decided_at,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        communicated_at: r.communicated_at,
        communicated_how: r.communicated_how,
    })
}

fn dm_view(d: decision_maker::Model) -> DecisionMaker {
    DecisionMaker {
        kind: d.kind,
        title: d.title,
        delegation_ref: d.delegation_ref,
        contact: d.contact,
        valid_from: d.valid_from,
    }
}

/// Loads the cooperation part of a case. The caller has already been allowed to read the case overview;
/// non-compliance reports are filtered by the policy here (they belong to the youth coordinator's service).
pub(crate) async fn load_cooperation(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
    evaluation_days: i64,
    transition_notice_days: i64,
) -> Result<CooperationView, StoreError> {
    let case_id = l.case.id.as_str();
    let services = service::Entity::find().all(conn).await?;
    let mut assignments: Vec<AssignmentView> = coordination::Entity::find()
        .filter(coordination::Column::CaseId.eq(case_id))
        .order_by_desc(coordination::Column::DecidedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| assignment_view(r, &services))
        .collect::<Result<_, _>>()?;
    let current = assignments.iter().position(|a| a.valid_to.is_none()).map(|i| assignments.remove(i));
    let dispute = match dispute::Entity::find()
        .filter(dispute::Column::CaseId.eq(case_id))
        .filter(dispute::Column::ResolvedAt.is_null())
        .one(conn)
        .await?
    {
        Some(d) => Some(DisputeView {
            decision_maker: decision_maker_for(conn, l.child.registered_kommune.as_str(), now.date_naive())
                .await?
                .map(dm_view),
            id: d.id,
            positions: d.positions,
            child_wishes: d.child_wishes,
            family_wishes: d.family_wishes,
            raised_by: d.raised_by,
            raised_at: d.raised_at,
            resolved_at: d.resolved_at,
        }),
        None => None,
    };
    let prompts = review_prompt::Entity::find()
        .filter(review_prompt::Column::CaseId.eq(case_id))
        .filter(review_prompt::Column::DoneAt.is_null())
        .order_by_asc(review_prompt::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| Prompt {
            id: p.id,
            kind: p.kind,
            service_id: p.service_id,
            reason: p.reason,
            created_at: p.created_at,
        })
        .collect();
    let assessments: Vec<Assessment> = assessment::Entity::find()
        .filter(assessment::Column::CaseId.eq(case_id))
        .order_by_desc(assessment::Column::AssessedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|a| {
            Ok(Assessment {
                result: parse_enum(&a.result, AssessmentResult::parse, "assessment result")?,
                child_voice: parse_enum(&a.child_voice, ChildVoice::parse, "child voice")?,
                id: a.id,
                case_id: a.case_id,
                service_id: a.service_id,
                reasoning: a.reasoning,
                child_wishes: a.child_wishes,
                needs_of_child: a.needs_of_child,
                needs_of_parents: a.needs_of_parents,
                best_interests_id: a.best_interests_id,
                assessed_by: a.assessed_by,
                assessed_at: a.assessed_at,
                planning: match (a.cooperate_with, a.cooperate_on, a.extent_duration, a.organisation) {
                    (Some(cooperate_with), Some(cooperate_on), Some(extent_duration), Some(organisation)) => {
                        Some(PlanningAssessment { cooperate_with, cooperate_on, extent_duration, organisation })
                    }
                    _ => None,
                },
                situations: a
                    .situations
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(Situation::parse)
                    .collect(),
                deviation_reason: a.deviation_reason,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let cooperation_necessary =
        los_domain::planning::cooperation_necessary(assessments.iter().map(|a| (a.service_id.as_str(), a.result)));
    let mappings = step_mapping::Entity::find()
        .filter(step_mapping::Column::CaseId.eq(case_id))
        .order_by_desc(step_mapping::Column::RecordedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.service_id, m.other_services, m.source, m.guidance))
        .collect();
    let hearings = hearing::Entity::find()
        .filter(hearing::Column::CaseId.eq(case_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|h| {
            Ok(Hearing {
                place: parse_enum(&h.place, HearingPlace::parse, "hearing place")?,
                adaptations: h.adaptations.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                id: h.id,
                case_id: h.case_id,
                held_on: h.held_on,
                direct: h.direct,
                indirect_reason: h.indirect_reason,
                talked_with: h.talked_with,
                companion: h.companion,
                declined: h.declined,
                views: h.views,
                age: h.age as u32,
                maturity: h.maturity,
                weight: h.weight,
                recorded_by: h.recorded_by,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let best_interests = best_interests::Entity::find()
        .filter(best_interests::Column::CaseId.eq(case_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| BestInterests {
            elements: serde_json::from_str(&b.elements).unwrap_or_default(),
            id: b.id,
            case_id: b.case_id,
            conclusion: b.conclusion,
            hearing_id: b.hearing_id,
            not_heard_reason: b.not_heard_reason,
            finalised: b.finalised,
            assessed_by: b.assessed_by,
            assessed_at: b.assessed_at,
        })
        .collect();
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::CaseId.eq(case_id))
        .order_by_desc(plan_item::Column::CreatedAt)
        .all(conn)
        .await?;
    let superseded: Vec<&str> = items.iter().filter_map(|i| i.supersedes.as_deref()).collect();
    let mut plan: Vec<PlanItem> = items
        .iter()
        .filter(|i| !superseded.contains(&i.id.as_str()))
        .map(|i| {
            let mut history = Vec::new();
            let mut history_ids = Vec::new();
            let mut prev = i.supersedes.clone();
            while let Some(p) = prev {
                match items.iter().find(|x| x.id == p) {
                    Some(x) => {
                        history_ids.push(x.id.clone());
                        history.push((x.status.clone(), x.created_by.clone(), x.created_at));
                        prev = x.supersedes.clone();
                    }
                    None => break,
                }
            }
            PlanItem {
                id: i.id.clone(),
                kind: i.kind.clone(),
                title: i.title.clone(),
                responsible_service: i.responsible_service.clone(),
                for_person: i.for_person.clone(),
                position: i.position,
                depends_on: i.depends_on.clone(),
                status: i.status.clone(),
                measure_type: i.measure_type.clone(),
                release_area: i.release_area.as_deref().and_then(ReleaseArea::parse),
                created_by: i.created_by.clone(),
                created_at: i.created_at,
                history,
                history_ids,
            }
        })
        .collect();
    plan.sort_by_key(|p| (p.kind != "goal", p.position));
    let sentence = match sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(conn).await? {
        Some(s) => {
            let team = team_member::Entity::find()
                .filter(team_member::Column::SentenceId.eq(s.id.as_str()))
                .all(conn)
                .await?
                .into_iter()
                .map(|m| Ok((parse_enum(&m.role, TeamRole::parse, "team role")?, m.name)))
                .collect::<Result<_, StoreError>>()?;
            let d = authorize(
                actor,
                Action::Read,
                &Resource::CaseInfo {
                    case: l.facts(),
                    owner_service: &s.youth_coordinator_service,
                    category: InfoCategory::General,
                },
                now,
            );
            let reports = if let Decision::Allow(b) = &d {
                let rows = compliance_report::Entity::find()
                    .filter(compliance_report::Column::SentenceId.eq(s.id.as_str()))
                    .order_by_desc(compliance_report::Column::ReportedAt)
                    .all(conn)
                    .await?;
                for r in &rows {
                    let mut e = NewEntry {
                        actor_user_id: Some(actor.id.clone()),
                        action: "read".into(),
                        resource_type: "compliance_report".into(),
                        resource_id: Some(r.id.clone()),
                        case_id: Some(case_id.to_owned()),
                        category: Some("general".into()),
                        outcome: Some(Outcome::Allow),
                        basis: b.detail.clone(),
                        ..Default::default()
                    };
                    e.actor_service_id = b.via_service.clone();
                    entries.push(e);
                }
                rows.into_iter().map(|r| (r.description, r.reported_by, r.reported_at)).collect()
            } else {
                vec![]
            };
            let release_missing = los_domain::coordination::release_areas_missing_in(
                plan.iter().map(|p| (p.status.as_str(), p.release_area)),
            );
            Some(SentenceView {
                release_due: los_domain::coordination::release_preparation_due(
                    s.ends_on,
                    now.date_naive(),
                    transition_notice_days,
                    &release_missing,
                ),
                release_missing,
                kind: parse_enum(&s.kind, SentenceType::parse, "sentence type")?,
                id: s.id,
                starts_on: s.starts_on,
                ends_on: s.ends_on,
                youth_coordinator_service: s.youth_coordinator_service,
                team,
                reports,
            })
        }
        None => None,
    };
    // Continuous evaluation: remind when nothing has been assessed or changed in the plan for the cadence.
    let mut prompts: Vec<Prompt> = prompts;
    let last = assessments.iter().map(|a| a.assessed_at).chain(plan.iter().map(|p| p.created_at)).max();
    if los_domain::planning::evaluation_due(cooperation_necessary, last, now, evaluation_days) {
        prompts.push(Prompt {
            id: format!("evaluate-{case_id}"),
            kind: "evaluate".into(),
            service_id: None,
            reason: format!("{evaluation_days}"),
            created_at: now,
        });
    }
    let row = case::Entity::find_by_id(case_id.to_owned()).one(conn).await?;
    let municipalities = row.map(|r| {
        let m = Municipalities {
            registered: l.child.registered_kommune.as_str().to_owned(),
            care: r.care_kommune,
            placement: r.placement_kommune,
            second_residence: r.second_residence_kommune,
            local_clarification: r.local_clarification,
        };
        MunicipalitiesView {
            coordinating: m.coordinating().to_owned(),
            follow_up: m.follow_up().to_owned(),
            needs_local_clarification: m.needs_local_clarification(),
            m,
        }
    });
    let (decisions, meetings) = crate::planning::load_planning(conn, l, actor, now, entries).await?;
    let feedback = crate::feedback::load_feedback(conn, l, actor, now, entries).await?;
    let rights = crate::rights::load_rights(conn, case_id, &services, cooperation_necessary).await?;
    let outcomes = crate::planning::load_outcomes(conn, l, actor, now, entries).await?;
    let upcoming_transitions = los_domain::planning::upcoming_transitions(
        l.child.birth_date,
        sentence.as_ref().map(|s| s.ends_on),
        now.date_naive(),
        transition_notice_days,
    );
    Ok(CooperationView {
        rights,
        outcomes,
        upcoming_transitions,
        feedback,
        decisions,
        meetings,
        municipalities,
        current,
        history: assignments,
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

/// A new step-2 assessment.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub case_id: String,
    pub service_id: String,
    pub result: AssessmentResult,
    pub reasoning: String,
    pub child_voice: ChildVoice,
    pub child_wishes: String,
    pub needs_of_child: bool,
    pub needs_of_parents: bool,
    pub best_interests_id: Option<String>,
    pub planning: Option<PlanningAssessment>,
    pub situations: Vec<Situation>,
    pub deviation_reason: Option<String>,
}

/// A new assignment of the coordinating service.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub case_id: String,
    pub service_id: String,
    pub basis: CoordinationBasis,
    pub agreed_by: Vec<String>,
    pub child_view: String,
    pub parents_view: String,
    pub reasons: String,
}

/// A new goal or measure in the plan.
#[derive(Debug, Clone)]
pub struct NewPlanItem {
    pub case_id: String,
    pub kind: String,
    pub title: String,
    pub responsible_service: Option<String>,
    pub for_person: Option<String>,
    /// The place in the plan's order; `None` puts it last.
    pub position: Option<i32>,
    pub depends_on: Option<String>,
    pub measure_type: Option<String>,
    /// Part of the transition plan after the sentence, covering this area.
    pub release_area: Option<ReleaseArea>,
}

impl Store {
    /// The cooperation part of a case under this store's settings (evaluation cadence, transition notice).
    pub(crate) async fn cooperation(
        &self,
        conn: &impl ConnectionTrait,
        l: &Loaded,
        actor: &User,
        now: DateTime<Utc>,
        entries: &mut Vec<NewEntry>,
    ) -> Result<CooperationView, StoreError> {
        load_cooperation(
            conn,
            l,
            actor,
            now,
            entries,
            self.settings.evaluation_days,
            self.settings.transition_notice_days,
        )
        .await
    }

    /// Step 3: a service taking part contacts another service, which joins the case. Refused unless a
    /// valid consent or a recorded legal exception covers the contact (spec 01 §4.2).
    pub async fn add_participant(
        &self,
        actor: &User,
        case_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        required(reason, "participant.reason", "give the reason the service joins")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (basis, txn) = self
            .decide(txn, d, entry(actor, "participant_add", "service", target, case_id), Some(InfoCategory::Overview))
            .await?;
        let from = Self::acting_service(&basis)?;
        if service::Entity::find_by_id(target.to_owned()).one(&txn).await?.is_none() {
            return Err(StoreError::Invalid {
                code: "participant.unknown_service",
                message: format!("there is no service {target}"),
            });
        }
        if l.case.participants.iter().any(|p| p.service_id == target && p.active_on(now.date_naive())) {
            return Err(StoreError::Invalid {
                code: "participant.already",
                message: "the service already takes part".into(),
            });
        }
        // The contact itself discloses information: consent or a legal exception must cover it.
        let consent = l.consents.iter().find(|c| {
            c.status(now) == ConsentStatus::Active
                && c.from_services.contains(&from)
                && c.to_services.iter().any(|t| t == target)
        });
        let legal = l.bases.iter().find(|b| {
            b.from_service == from && b.to_service == target && b.valid_to.is_none_or(|t| now.date_naive() <= t)
        });
        let disclosure_basis = match (consent, legal) {
            (Some(c), _) => format!("contact from {from} to {target} covered by consent {}", c.id),
            (None, Some(b)) => format!("contact from {from} to {target} under legal basis {} ({})", b.id, b.reference),
            (None, None) => {
                return Err(StoreError::Invalid {
                    code: "step3.no_consent",
                    message: format!(
                        "contacting {target} needs a valid consent or a recorded exception from the duty of confidentiality (spec 01 §4.2 step 3)"
                    ),
                });
            }
        };
        participation::Entity::insert(participation::ActiveModel {
            case_id: Set(case_id.into()),
            service_id: Set(target.into()),
            joined_on: Set(now.date_naive()),
            join_reason: Set(reason.trim().into()),
            left_on: Set(None),
            leave_reason: Set(None),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        self.prompt_reassessment(&txn, &l, &format!("joined|{target}"), now, Some(target)).await?;
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                outcome: Some(Outcome::Allow),
                actor_service_id: Some(from.clone()),
                basis: disclosure_basis,
                category: Some(InfoCategory::Overview.as_str().into()),
                ..entry(actor, "disclosure", "service", target, case_id)
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A service leaves the case, with date and reason. Only that service records it.
    pub async fn end_participation(
        &self,
        actor: &User,
        case_id: &str,
        service_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        required(reason, "participant.reason", "give the reason the service leaves")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: service_id, category: InfoCategory::General },
            now,
        );
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "participant_leave", "service", service_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let row = participation::Entity::find()
            .filter(participation::Column::CaseId.eq(case_id))
            .filter(participation::Column::ServiceId.eq(service_id))
            .filter(participation::Column::LeftOn.is_null())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                code: "participant.not_active",
                message: "the service does not take part".into(),
            })?;
        let mut am: participation::ActiveModel = row.into();
        am.left_on = Set(Some(now.date_naive()));
        am.leave_reason = Set(Some(reason.trim().into()));
        participation::Entity::update(am).exec(&txn).await?;
        // A coordinator that leaves stops coordinating: the services must clarify who takes over.
        if let Some(c) = coordination::Entity::find()
            .filter(coordination::Column::CaseId.eq(case_id))
            .filter(coordination::Column::ValidTo.is_null())
            .filter(coordination::Column::ServiceId.eq(service_id))
            .one(&txn)
            .await?
        {
            let mut am: coordination::ActiveModel = c.into();
            am.valid_to = Set(Some(now.date_naive()));
            coordination::Entity::update(am).exec(&txn).await?;
            self.prompt(&txn, case_id, "review_coordinator", None, &format!("coordinator_left|{service_id}"), now)
                .await?;
        }
        let mut rest = l;
        rest.case.participants.retain(|p| p.service_id != service_id);
        self.prompt_reassessment(&txn, &rest, &format!("left|{service_id}|{}", reason.trim()), now, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Step 1: which other services are involved, and where that came from; guidance given when a need has
    /// no service.
    pub async fn record_mapping(
        &self,
        actor: &User,
        case_id: &str,
        other_services: &str,
        source: MappingSource,
        guidance: Option<&str>,
    ) -> Result<(), StoreError> {
        required(other_services, "mapping.empty", "list the other services involved, or write 'none'")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("kartlegging");
        let (basis, txn) = self
            .decide(txn, d, entry(actor, "step1_mapping", "mapping", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        step_mapping::Entity::insert(step_mapping::ActiveModel {
            id: Set(id),
            case_id: Set(case_id.into()),
            service_id: Set(Self::acting_service(&basis)?),
            other_services: Set(other_services.trim().into()),
            source: Set(source.as_str().into()),
            guidance: Set(guidance.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned)),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Step 2: a service's assessment of whether cooperation is necessary, with the child's wishes.
    pub async fn record_assessment(&self, actor: &User, new: NewAssessment) -> Result<String, StoreError> {
        let id = new_id("vurdering");
        let a = Assessment {
            id: id.clone(),
            case_id: new.case_id.clone(),
            service_id: new.service_id.clone(),
            result: new.result,
            reasoning: new.reasoning.trim().into(),
            child_voice: new.child_voice,
            child_wishes: new.child_wishes.trim().into(),
            needs_of_child: new.needs_of_child,
            needs_of_parents: new.needs_of_parents,
            best_interests_id: new.best_interests_id.clone(),
            assessed_by: actor.id.clone(),
            assessed_at: Utc::now(),
            planning: new.planning.clone(),
            situations: new.situations.clone(),
            deviation_reason: new
                .deviation_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        };
        validate_assessment(&a)?;
        validate_situations(a.result, &a.situations, a.deviation_reason.as_deref())?;
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: &new.service_id, category: InfoCategory::General },
            now,
        );
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "step2_assessment", "assessment", &id, &new.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        assessment::Entity::insert(assessment::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(a.case_id),
            service_id: Set(a.service_id.clone()),
            result: Set(a.result.as_str().into()),
            reasoning: Set(a.reasoning),
            child_voice: Set(a.child_voice.as_str().into()),
            child_wishes: Set(a.child_wishes),
            needs_of_child: Set(a.needs_of_child),
            needs_of_parents: Set(a.needs_of_parents),
            best_interests_id: Set(a.best_interests_id),
            assessed_by: Set(a.assessed_by),
            assessed_at: Set(now),
            cooperate_with: Set(a.planning.as_ref().map(|p| p.cooperate_with.trim().to_owned())),
            cooperate_on: Set(a.planning.as_ref().map(|p| p.cooperate_on.trim().to_owned())),
            extent_duration: Set(a.planning.as_ref().map(|p| p.extent_duration.trim().to_owned())),
            organisation: Set(a.planning.as_ref().map(|p| p.organisation.trim().to_owned())),
            situations: Set(Some(a.situations.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","))),
            deviation_reason: Set(a.deviation_reason),
        })
        .exec_without_returning(&txn)
        .await?;
        // The service's open re-assessment prompts are done.
        close_prompts(&txn, &new.case_id, "reassess", Some(&new.service_id), actor, now).await?;
        let _ = l;
        txn.commit().await?;
        Ok(id)
    }

    /// The record of hearing the child.
    pub async fn record_hearing(&self, actor: &User, h: Hearing) -> Result<String, StoreError> {
        if !h.declined {
            required(&h.views, "hearing.views", "record the views the child gave, or mark that the child declined")?;
        }
        if !h.direct && h.indirect_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(StoreError::Invalid {
                code: "hearing.indirect_reason",
                message: "hearing the child directly is the main rule: give the reason it was indirect".into(),
            });
        }
        required(&h.talked_with, "hearing.talked_with", "record who talked with the child")?;
        let (txn, l, now) = self.tx_case(&h.case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("samtale");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "hearing", "hearing", &id, &h.case_id), Some(InfoCategory::Overview))
            .await?;
        hearing::Entity::insert(hearing::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(h.case_id),
            held_on: Set(h.held_on),
            direct: Set(h.direct),
            indirect_reason: Set(h.indirect_reason),
            place: Set(h.place.as_str().into()),
            talked_with: Set(h.talked_with),
            companion: Set(h.companion),
            adaptations: Set(h.adaptations.join(",")),
            declined: Set(h.declined),
            views: Set(h.views),
            age: Set(l.child_age as i32),
            maturity: Set(h.maturity),
            weight: Set(h.weight),
            recorded_by: Set(actor.id.clone()),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// A best-interests assessment with the seven elements. Finalising needs a hearing or a stated reason.
    pub async fn record_best_interests(&self, actor: &User, mut b: BestInterests) -> Result<String, StoreError> {
        b.assessed_by = actor.id.clone();
        validate_best_interests(&b)?;
        let (txn, l, now) = self.tx_case(&b.case_id).await?;
        if let Some(h) = &b.hearing_id
            && hearing::Entity::find_by_id(h.clone()).one(&txn).await?.is_none_or(|x| x.case_id != b.case_id)
        {
            return Err(StoreError::Invalid {
                code: "best_interests.hearing",
                message: format!("hearing {h} is not in this case"),
            });
        }
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("barnets-beste");
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "best_interests", "best_interests", &id, &b.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        best_interests::Entity::insert(best_interests::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(b.case_id),
            elements: Set(serde_json::to_string(&b.elements).unwrap_or_default()),
            conclusion: Set(b.conclusion),
            hearing_id: Set(b.hearing_id),
            not_heard_reason: Set(b.not_heard_reason),
            finalised: Set(b.finalised),
            assessed_by: Set(b.assessed_by),
            assessed_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Records who coordinates, checking every rule; keeps the history. A change of coordinator needs a
    /// consent that covers the new coordinator, recorded since the last assignment (Sofia and Daniel).
    pub async fn assign_coordinator(&self, actor: &User, new: NewAssignment) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        let mut entries = Vec::new();
        let coop = self.cooperation(&txn, &l, actor, now, &mut entries).await?;
        let designated = new.basis == CoordinationBasis::DesignatedByMunicipality;
        let action = if designated { Action::Decide } else { Action::Write };
        let d = authorize(actor, action, &Resource::Case(l.facts()), now);
        let id = new_id("samordning");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "coordinator_assign", "coordination", &id, &new.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        // An appointed child coordinator (from the rights screening) coordinates; no other assignment.
        let child_coordinator = coop.rights.child_coordinator.clone().or_else(|| {
            coop.current
                .as_ref()
                .filter(|c| c.basis == CoordinationBasis::ChildCoordinator)
                .map(|c| c.service_id.clone())
        });
        let dm = decision_maker_for(&txn, l.child.registered_kommune.as_str(), now.date_naive()).await?;
        let delegation = dm.as_ref().map(|d| format!("{}: {}", d.title, d.delegation_ref));
        let req = AssignmentRequest {
            service_id: &new.service_id,
            basis: new.basis,
            agreed_by: &new.agreed_by,
            child_view: &new.child_view,
            parents_view: &new.parents_view,
            delegation_ref: delegation.as_deref(),
        };
        let facts = CoordinationFacts {
            participants: &l.case.participants,
            today: now.date_naive(),
            cooperation_necessary: coop.cooperation_necessary,
            child_coordinator_service: child_coordinator.as_deref(),
            open_dispute: coop.dispute.is_some(),
        };
        validate_assignment(&req, facts)?;
        if designated
            && let Some(dispute) = &coop.dispute
            && (dispute.child_wishes.trim().is_empty() || dispute.family_wishes.trim().is_empty())
        {
            return Err(StoreError::Invalid {
                code: "coordination.wishes_missing",
                message: "the child's and the family's wishes must be in the dossier before the decision (spec 01 §6.3, Lillevik)".into(),
            });
        }
        require_transfer_consent(
            &l,
            coop.current.as_ref().map(|c| (c.service_id.as_str(), c.decided_at)),
            &new.service_id,
            now,
        )?;
        replace_assignment(
            &txn,
            coordination::ActiveModel {
                id: Set(id.clone()),
                case_id: Set(new.case_id.clone()),
                service_id: Set(new.service_id.clone()),
                basis: Set(new.basis.as_str().into()),
                agreed_by: Set(new.agreed_by.join(",")),
                decided_by: Set(actor.id.clone()),
                decided_role: Set(basis.role.map(|r| r.as_str().to_owned())),
                delegation_ref: Set(if designated { delegation } else { None }),
                child_view: Set(new.child_view.trim().into()),
                parents_view: Set(new.parents_view.trim().into()),
                reasons: Set(new.reasons.trim().into()),
                decided_at: Set(now),
                valid_from: Set(now.date_naive()),
                valid_to: Set(None),
                communicated_at: Set(None),
                communicated_how: Set(None),
                dispute_id: Set(coop.dispute.as_ref().filter(|_| designated).map(|d| d.id.clone())),
            },
        )
        .await?;
        if designated
            && let Some(dispute) = coop.dispute
            && let Some(row) = dispute::Entity::find_by_id(dispute.id).one(&txn).await?
        {
            let mut am: dispute::ActiveModel = row.into();
            am.resolved_at = Set(Some(now));
            dispute::Entity::update(am).exec(&txn).await?;
        }
        close_prompts(&txn, &new.case_id, "review_coordinator", None, actor, now).await?;
        audit::append(&txn, self.key(), entries).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The services cannot agree: the dispute goes to the municipality's configured decision-maker.
    pub async fn raise_dispute(
        &self,
        actor: &User,
        case_id: &str,
        positions: &str,
        child_wishes: &str,
        family_wishes: &str,
    ) -> Result<String, StoreError> {
        required(positions, "dispute.positions", "describe the services' positions")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("uenighet");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "dispute_raise", "dispute", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        // An open dispute gets the new positions and wishes added to its dossier.
        if let Some(open) = dispute::Entity::find()
            .filter(dispute::Column::CaseId.eq(case_id))
            .filter(dispute::Column::ResolvedAt.is_null())
            .one(&txn)
            .await?
        {
            let open_id = open.id.clone();
            let mut am: dispute::ActiveModel = open.clone().into();
            am.positions = Set(format!("{}\n{}", open.positions, positions.trim()));
            if !child_wishes.trim().is_empty() {
                am.child_wishes = Set(child_wishes.trim().into());
            }
            if !family_wishes.trim().is_empty() {
                am.family_wishes = Set(family_wishes.trim().into());
            }
            dispute::Entity::update(am).exec(&txn).await?;
            txn.commit().await?;
            return Ok(open_id);
        }
        if decision_maker_for(&txn, l.child.registered_kommune.as_str(), now.date_naive()).await?.is_none() {
            return Err(StoreError::Invalid {
                code: "dispute.no_decision_maker",
                message: "the municipality has not said who decides disputes; the administrator must configure it"
                    .into(),
            });
        }
        dispute::Entity::insert(dispute::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            positions: Set(positions.trim().into()),
            child_wishes: Set(child_wishes.trim().into()),
            family_wishes: Set(family_wishes.trim().into()),
            raised_by: Set(actor.id.clone()),
            raised_at: Set(now),
            resolved_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Records that the family was told who coordinates (spec 01 §6.2 point 7).
    pub async fn mark_communicated(&self, actor: &User, case_id: &str, how: &str) -> Result<(), StoreError> {
        required(how, "communicated.how", "say how the family was told (channel, and in a child-adapted form)")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "coordinator_communicated", "coordination", case_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let row = coordination::Entity::find()
            .filter(coordination::Column::CaseId.eq(case_id))
            .filter(coordination::Column::ValidTo.is_null())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                code: "communicated.none",
                message: "no service coordinates yet".into(),
            })?;
        let mut am: coordination::ActiveModel = row.into();
        am.communicated_at = Set(Some(now));
        am.communicated_how = Set(Some(how.trim().into()));
        coordination::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A life transition: prompts a review of who coordinates (spec 01 §8.F item 25).
    pub async fn record_transition(
        &self,
        actor: &User,
        case_id: &str,
        transition: Transition,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self
            .decide(txn, d, entry(actor, "transition", "case", case_id, case_id), Some(InfoCategory::Overview))
            .await?;
        self.prompt(&txn, case_id, "review_coordinator", None, transition.as_str(), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds a goal or a measure to the shared plan. Only the responsible service may add its measure.
    pub async fn add_plan_item(&self, actor: &User, new: NewPlanItem) -> Result<String, StoreError> {
        required(&new.title, "plan.title", "the goal or measure needs a text")?;
        if !matches!(new.kind.as_str(), "goal" | "measure") {
            return Err(StoreError::Invalid {
                code: "plan.kind",
                message: "a plan item is a goal or a measure".into(),
            });
        }
        if new.kind == "measure" && new.responsible_service.is_none() {
            return Err(StoreError::Invalid {
                code: "plan.responsible",
                message: "every measure needs a responsible service".into(),
            });
        }
        if let Some(t) = &new.measure_type
            && !matches!(t.as_str(), "help" | "control")
        {
            return Err(StoreError::Invalid {
                code: "plan.measure_type",
                message: "a measure is a help or a control measure".into(),
            });
        }
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        if new.release_area.is_some() {
            let has_sentence = sentence::Entity::find()
                .filter(sentence::Column::CaseId.eq(new.case_id.as_str()))
                .one(&txn)
                .await?
                .is_some();
            los_domain::coordination::validate_release_area(&new.kind, new.release_area, has_sentence)?;
        }
        let d = plan_write(actor, &l, new.responsible_service.as_deref(), now);
        let id = new_id("plan");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "plan_add", "plan_item", &id, &new.case_id), Some(InfoCategory::Overview))
            .await?;
        let (current, latest) = crate::tx::shared::current_plan(&txn, &new.case_id).await?;
        let position = new.position.unwrap_or_else(|| current.iter().map(|i| i.position).max().unwrap_or(0) + 1);
        crate::planning::check_plan(&current, &latest, (&id, position, new.depends_on.as_deref()), None)?;
        plan_item::Entity::insert(plan_item::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(new.case_id),
            kind: Set(new.kind),
            title: Set(new.title.trim().into()),
            responsible_service: Set(new.responsible_service),
            for_person: Set(new.for_person),
            position: Set(position),
            depends_on: Set(new.depends_on),
            status: Set("planned".into()),
            measure_type: Set(new.measure_type),
            release_area: Set(new.release_area.map(|a| a.as_str().to_owned())),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Changes a measure's status as a new version (the plan's history is kept).
    pub async fn set_plan_status(
        &self,
        actor: &User,
        case_id: &str,
        item_id: &str,
        status: &str,
    ) -> Result<String, StoreError> {
        if !matches!(status, "planned" | "started" | "done" | "stopped") {
            return Err(StoreError::Invalid {
                code: "plan.status",
                message: "status is planned, started, done or stopped".into(),
            });
        }
        let (txn, l, now) = self.tx_case(case_id).await?;
        let old = plan_item::Entity::find_by_id(item_id.to_owned())
            .one(&txn)
            .await?
            .filter(|i| i.case_id == case_id)
            .ok_or_else(|| StoreError::NotFound { kind: "plan item", id: item_id.into() })?;
        let d = plan_write(actor, &l, old.responsible_service.as_deref(), now);
        let id = new_id("plan");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "plan_status", "plan_item", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        let (current, latest) = crate::tx::shared::current_plan(&txn, case_id).await?;
        if !current.iter().any(|i| i.id == old.id) {
            return Err(StoreError::Invalid {
                code: "plan.stale",
                message: "this version has been changed since: reload the case and try again".into(),
            });
        }
        crate::planning::check_start(&current, &latest, &old, status)?;
        plan_item::Entity::insert(plan_item::ActiveModel {
            id: Set(id.clone()),
            status: Set(status.into()),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            supersedes: Set(Some(old.id.clone())),
            case_id: Set(old.case_id),
            kind: Set(old.kind),
            title: Set(old.title),
            responsible_service: Set(old.responsible_service),
            for_person: Set(old.for_person),
            position: Set(old.position),
            depends_on: Set(old.depends_on),
            measure_type: Set(old.measure_type),
            release_area: Set(old.release_area),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Starts a youth sentence: the youth coordinator's service records it; mandatory team members must be
    /// named; parents are added automatically under 18.
    pub async fn start_sentence(
        &self,
        actor: &User,
        case_id: &str,
        kind: SentenceType,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        team: Vec<(TeamRole, Option<String>, String)>,
    ) -> Result<String, StoreError> {
        if ends_on <= starts_on {
            return Err(StoreError::Invalid {
                code: "sentence.period",
                message: "the sentence must end after it starts".into(),
            });
        }
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("straff");
        let (basis, txn) = self
            .decide(txn, d, entry(actor, "sentence_start", "sentence", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        let uk = Self::acting_service(&basis)?;
        let lead_type = service::Entity::find_by_id(uk.clone()).one(&txn).await?.map(|s| s.service_type);
        if !lead_type.as_deref().is_some_and(|t| kind.lead_service_types().contains(&t)) {
            return Err(kind.not_lead_error().into());
        }
        let mut members = team;
        members.push((kind.lead_role(), Some(uk.clone()), actor.display_name.clone()));
        let age = l.child.age_on(starts_on);
        if age < 18 {
            for g in l.guardianships.iter().filter(|g| g.relation == Relation::Parent && g.parental_responsibility) {
                let p = crate::tx::load_person(&txn, &g.adult_person_id).await?;
                members.push((TeamRole::Parent, None, p.full_name()));
            }
        }
        let roles: Vec<TeamRole> = members.iter().map(|m| m.0).collect();
        validate_sentence(kind, age, &roles)?;
        if sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(&txn).await?.is_some() {
            return Err(StoreError::Invalid {
                code: "sentence.exists",
                message: "a sentence is already recorded in this case".into(),
            });
        }
        sentence::Entity::insert(sentence::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            kind: Set(kind.as_str().into()),
            starts_on: Set(starts_on),
            ends_on: Set(ends_on),
            youth_coordinator_service: Set(uk),
            recorded_by: Set(actor.id.clone()),
        })
        .exec_without_returning(&txn)
        .await?;
        for (role, service, name) in members {
            team_member::Entity::insert(team_member::ActiveModel {
                id: Set(new_id("team")),
                case_id: Set(case_id.into()),
                sentence_id: Set(id.clone()),
                role: Set(role.as_str().into()),
                service_id: Set(service),
                person_id: Set(None),
                name: Set(name),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(id)
    }

    /// A team member reports that the youth did not follow a measure; the report goes to the youth
    /// coordinator's service.
    pub async fn report_non_compliance(
        &self,
        actor: &User,
        case_id: &str,
        description: &str,
    ) -> Result<(), StoreError> {
        required(description, "sentence.report", "describe what was not followed")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("avvik");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "non_compliance", "compliance_report", &id, case_id),
                Some(InfoCategory::General),
            )
            .await?;
        let s = sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(&txn).await?.ok_or_else(
            || StoreError::Invalid { code: "sentence.none", message: "no sentence is recorded in this case".into() },
        )?;
        compliance_report::Entity::insert(compliance_report::ActiveModel {
            id: Set(id),
            case_id: Set(case_id.into()),
            sentence_id: Set(s.id),
            measure_id: Set(None),
            description: Set(description.trim().into()),
            reported_by: Set(actor.id.clone()),
            reporter_service: Set(basis.via_service),
            reported_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records the municipalities tied to the child beside the registered one: the care municipality, the
    /// placement municipality and a second residence, and the local clarification of cooperation.
    pub async fn set_municipalities(
        &self,
        actor: &User,
        case_id: &str,
        care: Option<&str>,
        placement: Option<&str>,
        second_residence: Option<&str>,
        local_clarification: Option<&str>,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self
            .decide(txn, d, entry(actor, "municipalities", "case", case_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let mut checked = Vec::new();
        for k in [care, placement, second_residence] {
            let k = k.map(str::trim).filter(|k| !k.is_empty());
            if let Some(k) = k {
                let knr = los_domain::ident::Kommunenummer::parse(k)
                    .map_err(|e| StoreError::Invalid { code: e.rule(), message: e.to_string() })?;
                let known = municipality::Entity::find()
                    .filter(municipality::Column::Kommunenummer.eq(knr.as_str()))
                    .one(&txn)
                    .await?;
                if known.is_none() {
                    return Err(StoreError::Invalid {
                        code: "municipality.unknown",
                        message: format!("there is no municipality {k} in the current division"),
                    });
                }
            }
            checked.push(k.map(str::to_owned));
        }
        let row = case::Entity::find_by_id(case_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.into() })?;
        let mut am: case::ActiveModel = row.into();
        am.care_kommune = Set(checked[0].clone());
        am.placement_kommune = Set(checked[1].clone());
        am.second_residence_kommune = Set(checked[2].clone());
        am.local_clarification = Set(local_clarification.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned));
        case::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Who decides disputes about coordination in each municipality that has said so (public page).
    pub async fn decision_makers(&self) -> Result<Vec<(String, String, DecisionMaker)>, StoreError> {
        let rows =
            decision_maker::Entity::find().order_by_asc(decision_maker::Column::Kommunenummer).all(self.conn()).await?;
        let munis = municipality::Entity::find().all(self.conn()).await?;
        Ok(rows
            .into_iter()
            .map(|d| {
                let name = munis
                    .iter()
                    .find(|m| m.kommunenummer == d.kommunenummer)
                    .map_or_else(|| d.kommunenummer.clone(), |m| m.name.clone());
                (d.kommunenummer.clone(), name, dm_view(d))
            })
            .collect())
    }

    /// The administrator configures who decides disputes in a municipality (a new version from a date).
    pub async fn set_decision_maker(
        &self,
        actor: &User,
        kommunenummer: &str,
        dm: DecisionMaker,
        decider_role: los_domain::model::Role,
    ) -> Result<(), StoreError> {
        required(&dm.title, "decision_maker.title", "say who decides (title or unit)")?;
        required(&dm.delegation_ref, "decision_maker.delegation", "give the delegation: document, paragraph and date")?;
        required(&dm.contact, "decision_maker.contact", "give how the family reaches the decision-maker")?;
        if !DecisionMaker::KINDS.contains(&dm.kind.as_str()) {
            return Err(StoreError::Invalid {
                code: "decision_maker.kind",
                message: "the decision-maker is the chief municipal executive, a staff function, the coordinating unit or other".into(),
            });
        }
        if !DecisionMaker::DECIDER_ROLES.contains(&decider_role) {
            return Err(StoreError::Invalid {
                code: "decision_maker.role",
                message: "the decider is a coordinating-unit handler, a leader or a case worker; administrators see no case data".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let org = organisation::Entity::find()
            .filter(organisation::Column::Kommunenummer.eq(kommunenummer))
            .filter(organisation::Column::Kind.eq(los_domain::model::OrganisationKind::Municipality.as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                code: "decision_maker.no_municipality",
                message: format!("no municipality {kommunenummer} is set up in Los"),
            })?;
        let d = authorize(actor, Action::Write, &Resource::MunicipalConfiguration { organisation_id: &org.id }, now);
        let e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "configure".into(),
            resource_type: "decision_maker".into(),
            resource_id: Some(kommunenummer.into()),
            ..Default::default()
        };
        let (_, txn) = self.decide(txn, d, e, None).await?;
        let same_day = decision_maker::Entity::find()
            .filter(decision_maker::Column::Kommunenummer.eq(kommunenummer))
            .filter(decision_maker::Column::ValidFrom.eq(dm.valid_from))
            .one(&txn)
            .await?;
        if same_day.is_some() {
            return Err(StoreError::Invalid {
                code: "decision_maker.same_day",
                message: "a decision-maker is already recorded from this date; earlier settings are kept, so choose a later date".into(),
            });
        }
        decision_maker::Entity::insert(decision_maker::ActiveModel {
            kommunenummer: Set(kommunenummer.into()),
            valid_from: Set(dm.valid_from),
            kind: Set(dm.kind),
            title: Set(dm.title),
            decider_role: Set(decider_role.as_str().into()),
            delegation_ref: Set(dm.delegation_ref),
            contact: Set(dm.contact),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
