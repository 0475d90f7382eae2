//! The overview of the plans a service holds (issue 13: "the coordinator's overview of all plans they
//! hold"): for each open plan whose main responsibility lies with a service the reader works in, the child,
//! the next evaluation, the next meeting of the responsibility group, and who is behind with what they
//! committed to (measures past their end, follow-ups of the group's meetings past their day). The cases are
//! read through the policy and each is audited (`allowed_cases`), as the case list is.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use los_domain::model::User;
use los_domain::planning::MeetingKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::by_case;

/// One service behind on a plan.
#[derive(Debug, Clone, Serialize)]
pub struct IpBehind {
    pub service_id: String,
    pub service_name: String,
    /// Measures past their end, neither done nor stopped.
    pub measures: usize,
    /// Follow-ups of the group's meetings past their day, not done.
    pub follow_ups: usize,
}

/// A plan the reader's service holds.
#[derive(Debug, Clone, Serialize)]
pub struct IpHeld {
    pub case_id: String,
    pub child_name: String,
    pub responsible_service: String,
    pub next_evaluation: Option<NaiveDate>,
    /// The evaluation is due (today or past).
    pub evaluation_due: bool,
    /// Norwegian local time.
    pub next_meeting: Option<NaiveDateTime>,
    pub behind: Vec<IpBehind>,
}

impl Store {
    /// The open plans whose main responsibility lies with a service `actor` works in, oldest case first.
    pub async fn individual_plans_held(&self, actor: &User) -> Result<Vec<IpHeld>, StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        let mut entries = Vec::new();
        let allowed = self.allowed_cases(&txn, actor, now, "ip_overview", &mut entries).await?;
        let mine: Vec<String> = actor.memberships.iter().filter_map(|m| m.service_id.clone()).collect();
        let ids: Vec<String> = allowed.iter().map(|(l, _)| l.case.id.clone()).collect();
        let plans = crate::worklist::rows::open_plans_of(&txn, &ids).await?;
        let work = crate::worklist::rows::ip_work(&txn, &plans).await?;
        let held: Vec<String> = work
            .iter()
            .filter(|(_, w)| w.responsible.as_ref().is_some_and(|r| mine.contains(r)))
            .map(|(case_id, _)| case_id.clone())
            .collect();
        let meetings = by_case(
            &txn,
            &held,
            |ids| {
                meeting::Entity::find()
                    .filter(meeting::Column::CaseId.is_in(ids))
                    .filter(meeting::Column::Kind.eq(MeetingKind::ResponsibilityGroup.as_str()))
                    .filter(meeting::Column::CancelledAt.is_null())
            },
            |m| &m.case_id,
        )
        .await?;
        let actions = by_case(
            &txn,
            &held,
            |ids| {
                meeting_action::Entity::find()
                    .filter(meeting_action::Column::CaseId.is_in(ids))
                    .filter(meeting_action::Column::DoneAt.is_null())
            },
            |a| &a.case_id,
        )
        .await?;
        let local = crate::case::meetings::local_now();
        let today = local.date();
        let mut out = Vec::new();
        for (l, _) in &allowed {
            let case_id = &l.case.id;
            let Some(w) = work.get(case_id).filter(|_| held.contains(case_id)) else { continue };
            let group_meetings: Vec<&meeting::Model> = meetings.get(case_id).into_iter().flatten().collect();
            let name = |id: &str| {
                l.case
                    .participants
                    .iter()
                    .find(|p| p.service_id == id)
                    .map_or_else(|| id.to_owned(), |p| p.service_name.clone())
            };
            // (measures, follow-ups) past their day, by service.
            let mut tally: HashMap<String, (usize, usize)> = HashMap::new();
            for (service, _) in &w.overdue {
                tally.entry(service.clone()).or_default().0 += 1;
            }
            for a in actions.get(case_id).into_iter().flatten() {
                let of_group = group_meetings.iter().any(|m| m.id == a.meeting_id);
                if of_group && los_domain::planning::action_overdue(a.due_on, false, today) {
                    tally.entry(a.owner_service.clone()).or_default().1 += 1;
                }
            }
            let mut behind: Vec<IpBehind> = tally
                .into_iter()
                .map(|(service, (measures, follow_ups))| IpBehind {
                    service_name: name(&service),
                    service_id: service,
                    measures,
                    follow_ups,
                })
                .collect();
            behind.sort_by(|a, b| a.service_name.cmp(&b.service_name));
            out.push(IpHeld {
                case_id: case_id.clone(),
                child_name: l.child.full_name(),
                responsible_service: w.responsible.clone().unwrap_or_default(),
                next_evaluation: w.next_evaluation,
                evaluation_due: w.next_evaluation.is_some_and(|d| d <= today),
                next_meeting: group_meetings.iter().map(|m| m.starts_at).filter(|t| *t > local).min(),
                behind,
            });
        }
        txn.commit().await?;
        self.record_reads(entries).await?;
        Ok(out)
    }
}
