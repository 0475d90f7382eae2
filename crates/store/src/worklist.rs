//! The worklist: what each employee must do next across the cases they may see (spec 01 §4.3 continuous
//! evaluation with reminders, §8.C item 13 re-assessment prompts, §8.F items 23–25: open disputes and their
//! age for the decision-maker, assignments not yet communicated, transition reviews; §8.G item 27 meetings
//! and missing minutes, their preparation and the follow-ups agreed at them). It answers the research finding that nobody had an overview.
//!
//! Only overview information is used, and each case that contributes is recorded in the audit log with the
//! basis the policy gave, as the case list does.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::coordination::{AssessmentResult, ReleaseArea, release_areas_missing_in, release_preparation_due};
use los_domain::model::User;
use los_domain::planning::{cooperation_necessary, evaluation_due, upcoming_transitions};
use los_domain::rights::{CurrentRight, RightKind, ScreeningOutcome, rights_to_screen};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit;
use crate::case::meetings::local_now;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

/// One thing to do.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// `feedback`, `reassess`, `review_coordinator`, `evaluate`, `communicate`, `decide_dispute`, `meeting`,
    /// `prepare_release` (a sentence led by the user's service ends soon and the transition plan after it
    /// lacks core areas; the detail lists them), `screen_rights` (the rights to an individual plan, a coordinator and a child coordinator are not all
    /// screened; the detail lists the right codes), `prepare` (a meeting the user's service arranges has open checklist items; the detail is how many),
    /// `minutes`, `follow_up` (a follow-up from a meeting that the user's service owns; the date is when it
    /// is due), `transition_ahead` (a foreseeable transition coming up: review who coordinates).
    pub kind: &'static str,
    pub case_id: String,
    pub case_title: String,
    /// The service the task belongs to, when it is one service's.
    pub service_id: Option<String>,
    /// The reason, the transition code, the meeting's time and agenda: codes and texts the services wrote,
    /// shown only to someone the policy lets see the case. A family's report is never quoted here.
    pub detail: String,
    /// The day it concerns: when it arose, or when the meeting is.
    pub date: NaiveDate,
    /// Days since it arose or since it was due (negative: days until the meeting or the due day).
    pub age_days: i64,
}

impl Store {
    /// What `actor` should do next, most pressing first: decisions and overdue work by age, then meetings
    /// by date.
    pub async fn tasks_for(&self, actor: &User) -> Result<Vec<Task>, StoreError> {
        self.worklist(actor, "tasks").await
    }

    /// The worklist, with the case reads audited under `action` (`tasks` when the user opens it, `reminder`
    /// when Los computes it to remind them).
    pub(crate) async fn worklist(&self, actor: &User, action: &str) -> Result<Vec<Task>, StoreError> {
        let now = Utc::now();
        let today = now.date_naive();
        let local = local_now();
        let txn = self.begin_audited().await?;
        let mut out = Vec::new();
        let mut entries = Vec::new();
        for (l, basis) in self.allowed_cases(&txn, actor, now, action, &mut entries).await? {
            let case_id = l.case.id.as_str();
            let task = |kind: &'static str, service: Option<&str>, detail: String, at: DateTime<Utc>| Task {
                kind,
                case_id: case_id.to_owned(),
                case_title: l.case.title.clone(),
                service_id: service.map(str::to_owned),
                detail,
                date: at.date_naive(),
                age_days: (now - at).num_days(),
            };
            // The decision-maker's view: only the open dispute, with its age.
            if basis.code == "dispute_decider" {
                if let Some(dispute) = dispute::Entity::find()
                    .filter(dispute::Column::CaseId.eq(case_id))
                    .filter(dispute::Column::ResolvedAt.is_null())
                    .one(&txn)
                    .await?
                {
                    out.push(task("decide_dispute", None, dispute.positions, dispute.raised_at));
                }
                continue;
            }
            let mine: Vec<String> = actor
                .memberships
                .iter()
                .filter_map(|m| m.service_id.clone())
                .filter(|s| l.case.participants.iter().any(|p| &p.service_id == s && p.active_on(today)))
                .collect();
            if mine.is_empty() {
                // Families and relatives read their cases; the worklist is the services'.
                continue;
            }
            let is_mine = |s: &str| mine.iter().any(|m| m == s);
            let current = coordination::Entity::find()
                .filter(coordination::Column::CaseId.eq(case_id))
                .filter(coordination::Column::ValidTo.is_null())
                .one(&txn)
                .await?;
            // Coordinator's tasks fall to the coordinating service; with no coordinator, to every service.
            let coordinating = current.as_ref().map(|c| c.service_id.as_str());
            let coordinator_work = coordinating.is_none_or(is_mine);
            for p in review_prompt::Entity::find()
                .filter(review_prompt::Column::CaseId.eq(case_id))
                .filter(review_prompt::Column::DoneAt.is_null())
                .all(&txn)
                .await?
            {
                match p.service_id.as_deref() {
                    Some(s) if p.kind == "reassess" && is_mine(s) => {
                        out.push(task("reassess", Some(s), p.reason, p.created_at));
                    }
                    None if p.kind == "review_coordinator" && coordinator_work => {
                        out.push(task("review_coordinator", coordinating, p.reason, p.created_at));
                    }
                    _ => {}
                }
            }
            // Reports from the family to one of the actor's services, until resolved. The worklist says that
            // there is one; the text is read on the case page, where the read is audited.
            for f in feedback::Entity::find()
                .filter(feedback::Column::CaseId.eq(case_id))
                .filter(feedback::Column::ResolvedAt.is_null())
                .all(&txn)
                .await?
            {
                if is_mine(&f.recipient_service) {
                    out.push(task("feedback", Some(&f.recipient_service), String::new(), f.sent_at));
                }
            }
            if let Some(c) = &current
                && c.communicated_at.is_none()
                && is_mine(&c.service_id)
            {
                out.push(task("communicate", Some(&c.service_id), String::new(), c.decided_at));
            }
            if coordinator_work {
                let assessments = assessment::Entity::find()
                    .filter(assessment::Column::CaseId.eq(case_id))
                    .order_by_desc(assessment::Column::AssessedAt)
                    .all(&txn)
                    .await?;
                let necessary = cooperation_necessary(assessments.iter().map(|a| {
                    (
                        a.service_id.as_str(),
                        AssessmentResult::parse(&a.result).unwrap_or(AssessmentResult::NotNecessary),
                    )
                }));
                let last_plan = plan_item::Entity::find()
                    .filter(plan_item::Column::CaseId.eq(case_id))
                    .order_by_desc(plan_item::Column::CreatedAt)
                    .one(&txn)
                    .await?
                    .map(|p| p.created_at);
                let last = assessments.first().map(|a| a.assessed_at).into_iter().chain(last_plan).max();
                let sentence_ends = sentence::Entity::find()
                    .filter(sentence::Column::CaseId.eq(case_id))
                    .one(&txn)
                    .await?
                    .map(|s| s.ends_on);
                for (t, day) in
                    upcoming_transitions(l.child.birth_date, sentence_ends, today, self.settings.transition_notice_days)
                {
                    out.push(Task {
                        kind: "transition_ahead",
                        case_id: case_id.to_owned(),
                        case_title: l.case.title.clone(),
                        service_id: coordinating.map(str::to_owned),
                        detail: t.as_str().to_owned(),
                        date: day,
                        age_days: -(day - today).num_days(),
                    });
                }
                // Rights not yet screened once cooperation is necessary (spec 01 §8.C item 15), since then.
                let screened: Vec<CurrentRight> = rights_screening::Entity::find()
                    .filter(rights_screening::Column::CaseId.eq(case_id))
                    .filter(rights_screening::Column::SupersededAt.is_null())
                    .all(&txn)
                    .await?
                    .into_iter()
                    .filter_map(|r| {
                        Some(CurrentRight {
                            kind: RightKind::parse(&r.kind)?,
                            outcome: ScreeningOutcome::parse(&r.outcome)?,
                            service_id: r.service_id,
                        })
                    })
                    .collect();
                let to_screen = rights_to_screen(necessary, &screened);
                if !to_screen.is_empty() {
                    let since = assessments
                        .iter()
                        .filter(|a| a.result == AssessmentResult::Necessary.as_str())
                        .map(|a| a.assessed_at)
                        .min()
                        .unwrap_or(now);
                    let codes: Vec<&str> = to_screen.iter().map(|k| k.as_str()).collect();
                    out.push(task("screen_rights", coordinating, codes.join(","), since));
                }
                if evaluation_due(necessary, last, now, self.settings.evaluation_days) {
                    let since = last.unwrap_or(now);
                    out.push(task("evaluate", coordinating, self.settings.evaluation_days.to_string(), since));
                }
            }
            // The lead service of a sentence prepares the transition plan before the sentence ends.
            if let Some(s) = sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(&txn).await?
                && is_mine(&s.youth_coordinator_service)
            {
                let (plan, _) = crate::case::plan::current_plan(&txn, case_id).await?;
                let missing = release_areas_missing_in(
                    plan.iter().map(|p| (p.status.as_str(), p.release_area.as_deref().and_then(ReleaseArea::parse))),
                );
                if release_preparation_due(s.ends_on, today, self.settings.transition_notice_days, &missing) {
                    let codes: Vec<&str> = missing.iter().map(|a| a.as_str()).collect();
                    out.push(Task {
                        kind: "prepare_release",
                        case_id: case_id.to_owned(),
                        case_title: l.case.title.clone(),
                        service_id: Some(s.youth_coordinator_service.clone()),
                        detail: codes.join(","),
                        date: s.ends_on,
                        age_days: -(s.ends_on - today).num_days(),
                    });
                }
            }
            let minutes: Vec<String> = meeting_minutes::Entity::find()
                .filter(meeting_minutes::Column::CaseId.eq(case_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|m| m.meeting_id)
                .collect();
            let prep = meeting_preparation::Entity::find()
                .filter(meeting_preparation::Column::CaseId.eq(case_id))
                .all(&txn)
                .await?;
            // Follow-ups the user's service owns, by their due day (overdue ones have a positive age).
            for a in meeting_action::Entity::find()
                .filter(meeting_action::Column::CaseId.eq(case_id))
                .filter(meeting_action::Column::DoneAt.is_null())
                .all(&txn)
                .await?
                .into_iter()
                .filter(|a| is_mine(&a.owner_service))
            {
                out.push(Task {
                    kind: "follow_up",
                    case_id: case_id.to_owned(),
                    case_title: l.case.title.clone(),
                    service_id: Some(a.owner_service.clone()),
                    detail: a.description,
                    date: a.due_on,
                    age_days: (local.date() - a.due_on).num_days(),
                });
            }
            for m in meeting::Entity::find()
                .filter(meeting::Column::CaseId.eq(case_id))
                .filter(meeting::Column::CancelledAt.is_null())
                .order_by_asc(meeting::Column::StartsAt)
                .all(&txn)
                .await?
            {
                let invited = m.invited.split(',').any(is_mine) || is_mine(&m.arranged_by_service);
                let days = (m.starts_at.date() - local.date()).num_days();
                let base = Task {
                    kind: "meeting",
                    case_id: case_id.to_owned(),
                    case_title: l.case.title.clone(),
                    service_id: Some(m.arranged_by_service.clone()),
                    detail: format!("{} {}", m.starts_at.format("%H:%M"), m.agenda),
                    date: m.starts_at.date(),
                    age_days: -days,
                };
                if invited && m.starts_at >= local && days <= 14 {
                    let open = prep.iter().filter(|p| p.meeting_id == m.id && p.done_at.is_none()).count();
                    if is_mine(&m.arranged_by_service) && open > 0 {
                        out.push(Task { kind: "prepare", detail: open.to_string(), ..base.clone() });
                    }
                    out.push(base);
                } else if m.starts_at < local && is_mine(&m.arranged_by_service) && !minutes.contains(&m.id) {
                    out.push(Task { kind: "minutes", ..base });
                }
            }
        }
        audit::append(&txn, self.key(), entries).await?;
        txn.commit().await?;
        // Oldest open work first, then meetings soonest first.
        out.sort_by_key(|t| {
            (matches!(t.kind, "meeting" | "prepare" | "transition_ahead" | "prepare_release"), -t.age_days)
        });
        Ok(out)
    }
}
