//! The case timeline (issue: "the case timeline"; spec 01 §4.6 scenario A: participants over time): one
//! chronological list of what happened in the case, assembled from the case view the reader was already
//! allowed — so it shows nothing the access policy did not give that reader, and reads nothing more.

use chrono::NaiveDate;
use serde::Serialize;

use los_domain::closing::CaseState;

use crate::case::CaseView;

/// One event in the case.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TimelineEvent {
    pub date: NaiveDate,
    /// `opened`, `joined`, `left`, `assessment`, `hearing`, `best_interests`, `coordinator`,
    /// `communicated`, `dispute`, `decision`, `consent`, `consent_withdrawn`, `plan`, `meeting`, `meeting_cancelled`,
    /// `sentence_start`, `sentence_end`, `outcome`, `prompt`, `closing`, `closed`, `reopened`.
    pub kind: &'static str,
    pub service_id: Option<String>,
    /// A short text the services wrote (a reason, a title, a result code). For `closing` and `closed`,
    /// `<reason code>|<text>`.
    pub text: String,
}

impl CaseView {
    /// Everything in this view that happened on a day, newest first. Future meetings and the end of a
    /// sentence are included with their dates, so the list also shows what is ahead.
    pub fn timeline(&self) -> Vec<TimelineEvent> {
        let mut out = Vec::new();
        let mut push = |date: NaiveDate, kind: &'static str, service: Option<&str>, text: String| {
            out.push(TimelineEvent { date, kind, service_id: service.map(str::to_owned), text });
        };
        push(self.case.opened_at.date_naive(), "opened", None, self.case.title.clone());
        for p in &self.case.participants {
            push(p.joined_on, "joined", Some(&p.service_id), p.join_reason.clone());
            if let Some(left) = p.left_on {
                push(left, "left", Some(&p.service_id), p.leave_reason.clone().unwrap_or_default());
            }
        }
        for s in &self.case.state_changes {
            let (kind, text) = match (s.to, s.reason) {
                (CaseState::Open, _) => ("reopened", s.text.clone()),
                (to, reason) => (
                    if to == CaseState::Closing { "closing" } else { "closed" },
                    format!("{}|{}", reason.map_or("", |r| r.as_str()), s.text),
                ),
            };
            push(s.changed_at.date_naive(), kind, s.service_id.as_deref(), text);
        }
        let c = &self.cooperation;
        for a in &c.assessments {
            push(a.assessed_at.date_naive(), "assessment", Some(&a.service_id), a.result.as_str().to_owned());
        }
        for h in &c.hearings {
            push(h.held_on, "hearing", None, h.talked_with.clone());
        }
        for b in &c.best_interests {
            push(b.assessed_at.date_naive(), "best_interests", None, b.conclusion.clone());
        }
        for a in c.current.iter().chain(&c.history) {
            push(a.valid_from, "coordinator", Some(&a.service_id), a.basis.as_str().to_owned());
            if let Some(t) = a.communicated_at {
                push(
                    t.date_naive(),
                    "communicated",
                    Some(&a.service_id),
                    a.communicated_how.clone().unwrap_or_default(),
                );
            }
        }
        if let Some(d) = &c.dispute {
            push(d.raised_at.date_naive(), "dispute", None, d.positions.clone());
        }
        for d in &c.decisions {
            push(d.decided_on, "decision", Some(&d.service_id), d.title.clone());
        }
        for k in &self.consents {
            push(k.recorded_at.date_naive(), "consent", None, k.purpose.clone());
            if let Some(w) = k.withdrawn_at {
                push(w.date_naive(), "consent_withdrawn", None, k.purpose.clone());
            }
        }
        for p in &c.plan {
            push(p.created_at.date_naive(), "plan", p.responsible_service.as_deref(), p.title.clone());
        }
        for m in &c.meetings {
            let kind = if m.cancelled_at.is_some() { "meeting_cancelled" } else { "meeting" };
            push(m.starts_at.date(), kind, Some(&m.arranged_by_service), m.agenda.clone());
        }
        for o in &c.outcomes {
            push(o.achieved_on, "outcome", Some(&o.service_id), o.outcome.as_str().to_owned());
        }
        if let Some(s) = &c.sentence {
            push(s.starts_on, "sentence_start", Some(&s.youth_coordinator_service), s.kind.as_str().to_owned());
            push(s.ends_on, "sentence_end", Some(&s.youth_coordinator_service), s.kind.as_str().to_owned());
        }
        for p in &c.prompts {
            push(p.created_at.date_naive(), "prompt", p.service_id.as_deref(), p.reason.clone());
        }
        // Newest first; on the same day, in the order the case moves (opened before joined, and so on).
        out.sort_by_key(|e| std::cmp::Reverse(e.date));
        out
    }
}
