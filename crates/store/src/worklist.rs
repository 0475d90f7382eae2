//! The worklist: what each employee must do next across the cases they may see (spec 01 §4.3 continuous
//! evaluation with reminders, §8.C item 13 re-assessment prompts, §8.F items 23–25: open disputes and their
//! age for the decision-maker, assignments not yet communicated, transition reviews; §8.G item 27 meetings
//! and missing minutes, their preparation and the follow-ups agreed at them). It answers the research finding that nobody had an overview.
//!
//! Only overview information is used, and each case that contributes is recorded in the audit log with the
//! basis the policy gave, as the case list does.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use los_domain::coordination::{AssessmentResult, ReleaseArea, release_areas_missing_in, release_preparation_due};
use los_domain::model::User;
use los_domain::planning::{PlanStatus, cooperation_necessary, evaluation_due, upcoming_transitions};
use los_domain::rights::{CurrentRight, RightKind, ScreeningOutcome, rights_to_screen};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::case::assessments::load_assessments;
use crate::case::coordinator::load_prompts;
use crate::case::meetings::local_now;
use crate::case::plan::current_plan;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, parse_enum};

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

/// The tasks one case gives one employee, and the clock they are computed against.
struct CaseWork<'a> {
    l: &'a Loaded,
    /// The actor's services that take part in the case.
    mine: Vec<String>,
    now: DateTime<Utc>,
    today: NaiveDate,
    local: NaiveDateTime,
    tasks: Vec<Task>,
}

impl CaseWork<'_> {
    fn is_mine(&self, service: &str) -> bool {
        self.mine.iter().any(|m| m == service)
    }

    /// A task that arose at `at`; its age is the days since.
    fn arose(&mut self, kind: &'static str, service: Option<&str>, detail: String, at: DateTime<Utc>) {
        let age_days = (self.now - at).num_days();
        self.on(kind, service, detail, at.date_naive(), age_days);
    }

    fn on(&mut self, kind: &'static str, service: Option<&str>, detail: String, date: NaiveDate, age_days: i64) {
        self.tasks.push(Task {
            kind,
            case_id: self.l.case.id.clone(),
            case_title: self.l.case.title.clone(),
            service_id: service.map(str::to_owned),
            detail,
            date,
            age_days,
        });
    }
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
        let txn = self.begin_read().await?;
        let mut out = Vec::new();
        let mut entries = Vec::new();
        for (l, basis) in self.allowed_cases(&txn, actor, now, action, &mut entries).await? {
            if l.case.state == los_domain::closing::CaseState::Closed {
                continue; // a closed case has no work (issue 11)
            }
            let mine = actor
                .memberships
                .iter()
                .filter_map(|m| m.service_id.clone())
                .filter(|s| l.case.participants.iter().any(|p| &p.service_id == s && p.active_on(today)))
                .collect();
            let mut w = CaseWork { l: &l, mine, now, today, local, tasks: Vec::new() };
            if basis.code == "dispute_decider" {
                // The decision-maker's view: only the open dispute, with its age.
                dispute_task(&txn, &mut w).await?;
            } else if !w.mine.is_empty() {
                // Families and relatives read their cases; the worklist is the services'.
                self.service_tasks(&txn, &mut w).await?;
            }
            out.extend(w.tasks);
        }
        txn.commit().await?;
        self.record_reads(entries).await?;
        // Oldest open work first, then meetings soonest first.
        out.sort_by_key(|t| {
            (matches!(t.kind, "meeting" | "prepare" | "transition_ahead" | "prepare_release"), -t.age_days)
        });
        Ok(out)
    }

    /// The tasks of a case for a service taking part in it.
    async fn service_tasks(&self, txn: &DatabaseTransaction, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
        let case_id = w.l.case.id.clone();
        let current = coordination::Entity::find()
            .filter(coordination::Column::CaseId.eq(case_id.as_str()))
            .filter(coordination::Column::ValidTo.is_null())
            .one(txn)
            .await?;
        // Coordinator's tasks fall to the coordinating service; with no coordinator, to every service.
        let coordinating = current.as_ref().map(|c| c.service_id.as_str());
        let coordinator_work = coordinating.is_none_or(|c| w.is_mine(c));
        for p in load_prompts(txn, &case_id).await? {
            match p.service_id.as_deref() {
                Some(s) if p.kind == "reassess" && w.is_mine(s) => w.arose("reassess", Some(s), p.reason, p.created_at),
                None if p.kind == "review_coordinator" && coordinator_work => {
                    w.arose("review_coordinator", coordinating, p.reason, p.created_at)
                }
                _ => {}
            }
        }
        feedback_tasks(txn, w).await?;
        if let Some(c) = &current
            && c.communicated_at.is_none()
            && w.is_mine(&c.service_id)
        {
            w.arose("communicate", Some(&c.service_id), String::new(), c.decided_at);
        }
        if coordinator_work {
            self.coordinator_tasks(txn, w, coordinating).await?;
        }
        self.release_task(txn, w).await?;
        meeting_tasks(txn, w).await
    }

    /// The coordinator's tasks: transitions ahead, rights to screen, and the evaluation that is due.
    async fn coordinator_tasks(
        &self,
        txn: &DatabaseTransaction,
        w: &mut CaseWork<'_>,
        coordinating: Option<&str>,
    ) -> Result<(), StoreError> {
        let case_id = w.l.case.id.as_str();
        let assessments = load_assessments(txn, case_id).await?;
        let necessary = cooperation_necessary(assessments.iter().map(|a| (a.service_id.as_str(), a.result)));
        let last_plan = plan_item::Entity::find()
            .filter(plan_item::Column::CaseId.eq(case_id))
            .order_by_desc(plan_item::Column::CreatedAt)
            .one(txn)
            .await?
            .map(|p| p.created_at);
        let last = assessments.first().map(|a| a.assessed_at).into_iter().chain(last_plan).max();
        let sentence_ends =
            sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(txn).await?.map(|s| s.ends_on);
        let notice = self.settings.transition_notice_days;
        for (t, day) in upcoming_transitions(w.l.child.birth_date, sentence_ends, w.today, notice) {
            let age_days = -(day - w.today).num_days();
            w.on("transition_ahead", coordinating, t.as_str().to_owned(), day, age_days);
        }
        // Rights not yet screened once cooperation is necessary (spec 01 §8.C item 15), since then.
        let to_screen = rights_to_screen(necessary, &current_rights(txn, case_id).await?);
        if !to_screen.is_empty() {
            let since = assessments
                .iter()
                .filter(|a| a.result == AssessmentResult::Necessary)
                .map(|a| a.assessed_at)
                .min()
                .unwrap_or(w.now);
            let codes: Vec<&str> = to_screen.iter().map(|k| k.as_str()).collect();
            w.arose("screen_rights", coordinating, codes.join(","), since);
        }
        let days = self.settings.evaluation_days;
        if evaluation_due(necessary, last, w.now, days) {
            let since = last.unwrap_or(w.now);
            w.arose("evaluate", coordinating, days.to_string(), since);
        }
        Ok(())
    }

    /// The lead service of a sentence prepares the transition plan before the sentence ends.
    async fn release_task(&self, txn: &DatabaseTransaction, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
        let case_id = w.l.case.id.as_str();
        let Some(s) = sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(txn).await? else {
            return Ok(());
        };
        if !w.is_mine(&s.youth_coordinator_service) {
            return Ok(());
        }
        let (plan, _) = current_plan(txn, case_id).await?;
        let areas = plan
            .iter()
            .map(|p| {
                let status = parse_enum(&p.status, PlanStatus::parse, "plan status")?;
                Ok((status, p.release_area.as_deref().and_then(ReleaseArea::parse)))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let missing = release_areas_missing_in(areas);
        if release_preparation_due(s.ends_on, w.today, self.settings.transition_notice_days, &missing) {
            let codes: Vec<&str> = missing.iter().map(|a| a.as_str()).collect();
            let age_days = -(s.ends_on - w.today).num_days();
            w.on("prepare_release", Some(&s.youth_coordinator_service), codes.join(","), s.ends_on, age_days);
        }
        Ok(())
    }
}

/// The open dispute of a case, with its age, for the decision-maker.
async fn dispute_task(txn: &DatabaseTransaction, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
    if let Some(dispute) = dispute::Entity::find()
        .filter(dispute::Column::CaseId.eq(w.l.case.id.as_str()))
        .filter(dispute::Column::ResolvedAt.is_null())
        .one(txn)
        .await?
    {
        w.arose("decide_dispute", None, dispute.positions, dispute.raised_at);
    }
    Ok(())
}

/// Reports from the family to one of the actor's services, until resolved. The worklist says that there is
/// one; the text is read on the case page, where the read is audited.
async fn feedback_tasks(txn: &DatabaseTransaction, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
    for f in feedback::Entity::find()
        .filter(feedback::Column::CaseId.eq(w.l.case.id.as_str()))
        .filter(feedback::Column::ResolvedAt.is_null())
        .all(txn)
        .await?
    {
        if w.is_mine(&f.recipient_service) {
            w.arose("feedback", Some(&f.recipient_service), String::new(), f.sent_at);
        }
    }
    Ok(())
}

/// The current screening of each right in a case.
async fn current_rights(txn: &DatabaseTransaction, case_id: &str) -> Result<Vec<CurrentRight>, StoreError> {
    Ok(rights_screening::Entity::find()
        .filter(rights_screening::Column::CaseId.eq(case_id))
        .filter(rights_screening::Column::SupersededAt.is_null())
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(CurrentRight {
                kind: RightKind::parse(&r.kind)?,
                outcome: ScreeningOutcome::parse(&r.outcome)?,
                service_id: r.service_id,
            })
        })
        .collect())
}

/// Meetings coming up, their open preparation, missing minutes, and follow-ups the actor's services own.
async fn meeting_tasks(txn: &DatabaseTransaction, w: &mut CaseWork<'_>) -> Result<(), StoreError> {
    let case_id = w.l.case.id.clone();
    let minutes: Vec<String> = meeting_minutes::Entity::find()
        .filter(meeting_minutes::Column::CaseId.eq(case_id.as_str()))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.meeting_id)
        .collect();
    let prep = meeting_preparation::Entity::find()
        .filter(meeting_preparation::Column::CaseId.eq(case_id.as_str()))
        .all(txn)
        .await?;
    // Follow-ups the user's service owns, by their due day (overdue ones have a positive age).
    for a in meeting_action::Entity::find()
        .filter(meeting_action::Column::CaseId.eq(case_id.as_str()))
        .filter(meeting_action::Column::DoneAt.is_null())
        .all(txn)
        .await?
    {
        if w.is_mine(&a.owner_service) {
            let age_days = (w.local.date() - a.due_on).num_days();
            w.on("follow_up", Some(&a.owner_service), a.description, a.due_on, age_days);
        }
    }
    for m in meeting::Entity::find()
        .filter(meeting::Column::CaseId.eq(case_id.as_str()))
        .filter(meeting::Column::CancelledAt.is_null())
        .order_by_asc(meeting::Column::StartsAt)
        .all(txn)
        .await?
    {
        let arranging = w.is_mine(&m.arranged_by_service);
        let invited = m.invited.split(',').any(|s| w.is_mine(s)) || arranging;
        let days = (m.starts_at.date() - w.local.date()).num_days();
        let detail = format!("{} {}", m.starts_at.format("%H:%M"), m.agenda);
        let service = Some(m.arranged_by_service.as_str());
        if invited && m.starts_at >= w.local && days <= 14 {
            let open = prep.iter().filter(|p| p.meeting_id == m.id && p.done_at.is_none()).count();
            if arranging && open > 0 {
                w.on("prepare", service, open.to_string(), m.starts_at.date(), -days);
            }
            w.on("meeting", service, detail, m.starts_at.date(), -days);
        } else if m.starts_at < w.local && arranging && !minutes.contains(&m.id) {
            w.on("minutes", service, detail, m.starts_at.date(), -days);
        }
    }
    Ok(())
}
