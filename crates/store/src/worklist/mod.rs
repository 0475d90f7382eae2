//! The worklist: what each employee must do next across the cases they may see (spec 01 §4.3 continuous
//! evaluation with reminders, §8.C item 13 re-assessment prompts, §8.F items 23–25: open disputes and their
//! age for the decision-maker, assignments not yet communicated, transition reviews; §8.G item 27 meetings
//! and missing minutes, their preparation and the follow-ups agreed at them). It answers the research finding that nobody had an overview.
//!
//! Only overview information is used, and each case that contributes is recorded in the audit log with the
//! basis the policy gave, as the case list does.
//!
//! The cost does not grow with the cases the user sees: the visible cases are loaded at once
//! (`allowed_cases`), the rows the tasks need are read for all of them at once (`rows.rs`, a dozen queries),
//! and each case's tasks are computed from its rows in memory (`tasks.rs`).

pub(crate) mod rows;
mod tasks;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use los_domain::model::User;
use serde::Serialize;

use crate::case::meetings::local_now;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::Loaded;

/// One thing to do.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// `feedback`, `reassess`, `review_coordinator`, `evaluate`, `communicate`, `decide_dispute`, `meeting`,
    /// `prepare_release` (a sentence led by the user's service ends soon and the transition plan after it
    /// lacks core areas; the detail lists them), `screen_rights` (the rights to an individual plan, a coordinator and a child coordinator are not all
    /// screened; the detail lists the right codes), `prepare` (a meeting the user's service arranges has open checklist items; the detail is how many),
    /// `minutes`, `follow_up` (a follow-up from a meeting that the user's service owns; the date is when it
    /// is due), `transition_ahead` (a foreseeable transition coming up: review who coordinates),
    /// `confirm_closing` (another service proposed closing the case; the detail is the reason code),
    /// `join_request` (another service asks to join the case; the detail is its service id),
    /// `child_coordinator` (for the coordinating unit: the next step of a child-coordinator matter, the
    /// detail its code: guide_family, assess, decide, appoint, plan_transition, complaint_open).
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
        let mut entries = Vec::new();
        let mut cases = Vec::new();
        for (l, basis) in self.allowed_cases(&txn, actor, now, action, &mut entries).await? {
            if l.case.state == los_domain::closing::CaseState::Closed {
                // A closed case has no work (issue 11), and nothing of it is shown, so its read is not recorded.
                entries.retain(|e| e.case_id.as_deref() != Some(l.case.id.as_str()));
                continue;
            }
            let mine: Vec<String> = actor
                .memberships
                .iter()
                .filter_map(|m| m.service_id.clone())
                .filter(|s| l.case.participants.iter().any(|p| &p.service_id == s && p.active_on(today)))
                .collect();
            // The decision-maker's view: only the open dispute, with its age. Families and relatives read
            // their cases; the rest of the worklist is the services'.
            let work = if basis.code == "dispute_decider" {
                Work::Dispute
            } else if basis.code == "coordinating_unit" {
                Work::ChildCoordination
            } else if !mine.is_empty() {
                Work::Services
            } else {
                continue;
            };
            cases.push((l, mine, work));
        }
        let ids = |work: Work| -> Vec<String> {
            cases.iter().filter(|(_, _, w)| *w == work).map(|(l, _, _)| l.case.id.clone()).collect()
        };
        let rows = rows::Rows::load(&txn, &ids(Work::Services), &ids(Work::Dispute)).await?;
        // The coordinating unit's matters: every case it reads, whether or not it also takes part.
        let unit_cases: Vec<String> = cases
            .iter()
            .filter(|(l, _, _)| {
                l.cc_open
                    && l.cc_unit
                        .as_deref()
                        .is_some_and(|u| actor.memberships.iter().any(|m| m.service_id.as_deref() == Some(u)))
            })
            .map(|(l, _, _)| l.case.id.clone())
            .collect();
        let kommuner: Vec<String> =
            cases.iter().map(|(l, _, _)| l.child.registered_kommune.as_str().to_owned()).collect();
        let (matters, lead) = tasks::cc_rows(&txn, &unit_cases, &kommuner).await?;
        let mut out = Vec::new();
        for (l, mine, work) in cases {
            let mut w = CaseWork { l: &l, mine, now, today, local, tasks: Vec::new() };
            match work {
                Work::Dispute => tasks::dispute_task(&rows, &mut w),
                Work::Services => tasks::service_tasks(&self.settings, &rows, &mut w)?,
                Work::ChildCoordination => {}
            }
            tasks::cc_tasks(&matters, &lead, &mut w)?;
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
}

/// Whose work a visible case gives the user.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Work {
    /// The user decides the case's open dispute.
    Dispute,
    /// One of the user's services takes part.
    Services,
    /// The user works in the coordinating unit that reads the case for its child-coordinator matter.
    ChildCoordination,
}
