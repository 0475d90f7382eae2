//! What the worklist reads, for all the visible cases at once: each table once per `CASES_PER_QUERY` cases
//! (`tx::shared::by_case`), grouped by case, so the worklist costs a dozen queries however many cases the
//! user sees. The rules that turn the rows into tasks are in `tasks.rs`.

use std::collections::HashMap;

use los_domain::coordination::Assessment;
use los_domain::rights::{CurrentRight, RightKind, ScreeningOutcome};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::case::assessments::load_assessments_of;
use crate::case::coordinator::{Prompt, load_prompts_of};
use crate::case::plan::plan_items_of;
use crate::entities::*;
use crate::error::StoreError;
use crate::tx::shared::{ByCase, by_case};

/// The rows of the worklist's cases, by case id.
#[derive(Default)]
pub(super) struct Rows {
    /// The assignment in force (no end date).
    pub coordination: HashMap<String, coordination::Model>,
    /// Open review prompts, oldest first.
    pub prompts: ByCase<Prompt>,
    /// Unresolved reports from the family.
    pub feedback: ByCase<feedback::Model>,
    /// Requests from other services to join, not yet answered.
    pub join_requests: ByCase<join_request::Model>,
    /// Step-2 assessments, newest first.
    pub assessments: ByCase<Assessment>,
    /// Every version of every plan item.
    pub plan: ByCase<plan_item::Model>,
    pub sentence: HashMap<String, sentence::Model>,
    /// The current screening of each right.
    pub rights: ByCase<CurrentRight>,
    /// The meetings that have minutes, by meeting id.
    pub minutes: ByCase<String>,
    /// Open checklist items of the meetings.
    pub preparation: ByCase<meeting_preparation::Model>,
    /// Follow-ups not yet done.
    pub actions: ByCase<meeting_action::Model>,
    /// Meetings not cancelled, soonest first.
    pub meetings: ByCase<meeting::Model>,
    /// The open dispute.
    pub disputes: HashMap<String, dispute::Model>,
    /// The open individual plan of each case: who holds it and what its latest version says.
    pub ip: HashMap<String, IpWork>,
}

/// What the worklist needs of an open individual plan.
pub(crate) struct IpWork {
    /// The service with the main responsibility.
    pub responsible: Option<String>,
    /// The next evaluation the plan names.
    pub next_evaluation: Option<chrono::NaiveDate>,
    /// The measures past their end and neither done nor stopped: (responsible service, end).
    pub overdue: Vec<(String, chrono::NaiveDate)>,
}

/// The rows of one case in `rows` (none when it has none).
pub(super) fn of<'r, T>(rows: &'r ByCase<T>, case_id: &str) -> &'r [T] {
    rows.get(case_id).map_or(&[], Vec::as_slice)
}

/// The first row of each case: a case has at most one (one assignment in force, one sentence, one open
/// dispute).
fn first<T>(rows: ByCase<T>) -> HashMap<String, T> {
    rows.into_iter().filter_map(|(case_id, rows)| Some((case_id, rows.into_iter().next()?))).collect()
}

impl Rows {
    /// The rows the services' tasks need for `services` (cases where the user's services take part), and the
    /// open dispute of `disputes` (cases the user decides disputes in).
    pub async fn load(
        conn: &impl ConnectionTrait,
        services: &[String],
        disputes: &[String],
    ) -> Result<Rows, StoreError> {
        let mut rows = Rows {
            disputes: first(
                by_case(
                    conn,
                    disputes,
                    |ids| {
                        dispute::Entity::find()
                            .filter(dispute::Column::CaseId.is_in(ids))
                            .filter(dispute::Column::ResolvedAt.is_null())
                    },
                    |d| &d.case_id,
                )
                .await?,
            ),
            ..Rows::default()
        };
        if services.is_empty() {
            return Ok(rows);
        }
        rows.coordination = first(
            by_case(
                conn,
                services,
                |ids| {
                    coordination::Entity::find()
                        .filter(coordination::Column::CaseId.is_in(ids))
                        .filter(coordination::Column::ValidTo.is_null())
                },
                |c| &c.case_id,
            )
            .await?,
        );
        rows.prompts = load_prompts_of(conn, services).await?;
        rows.feedback = by_case(
            conn,
            services,
            |ids| {
                feedback::Entity::find()
                    .filter(feedback::Column::CaseId.is_in(ids))
                    .filter(feedback::Column::ResolvedAt.is_null())
            },
            |f| &f.case_id,
        )
        .await?;
        rows.join_requests = by_case(
            conn,
            services,
            |ids| {
                join_request::Entity::find()
                    .filter(join_request::Column::CaseId.is_in(ids))
                    .filter(join_request::Column::State.eq("pending"))
            },
            |j| &j.case_id,
        )
        .await?;
        rows.assessments = load_assessments_of(conn, services).await?;
        rows.plan = plan_items_of(conn, services).await?;
        rows.sentence = first(
            by_case(
                conn,
                services,
                |ids| sentence::Entity::find().filter(sentence::Column::CaseId.is_in(ids)),
                |s| &s.case_id,
            )
            .await?,
        );
        let plans = open_plans_of(conn, services).await?;
        rows.rights = current_rights(conn, services, &plans).await?;
        rows.ip = ip_work(conn, &plans).await?;
        rows.load_meetings(conn, services).await?;
        Ok(rows)
    }

    /// Meetings not cancelled, their open checklist items, their minutes and the follow-ups not done.
    async fn load_meetings(&mut self, conn: &impl ConnectionTrait, services: &[String]) -> Result<(), StoreError> {
        let minutes = by_case(
            conn,
            services,
            |ids| meeting_minutes::Entity::find().filter(meeting_minutes::Column::CaseId.is_in(ids)),
            |m| &m.case_id,
        )
        .await?;
        self.minutes = minutes
            .into_iter()
            .map(|(case_id, rows)| (case_id, rows.into_iter().map(|m| m.meeting_id).collect()))
            .collect();
        self.preparation = by_case(
            conn,
            services,
            |ids| {
                meeting_preparation::Entity::find()
                    .filter(meeting_preparation::Column::CaseId.is_in(ids))
                    .filter(meeting_preparation::Column::DoneAt.is_null())
            },
            |p| &p.case_id,
        )
        .await?;
        self.actions = by_case(
            conn,
            services,
            |ids| {
                meeting_action::Entity::find()
                    .filter(meeting_action::Column::CaseId.is_in(ids))
                    .filter(meeting_action::Column::DoneAt.is_null())
            },
            |a| &a.case_id,
        )
        .await?;
        self.meetings = by_case(
            conn,
            services,
            |ids| {
                meeting::Entity::find()
                    .filter(meeting::Column::CaseId.is_in(ids))
                    .filter(meeting::Column::CancelledAt.is_null())
                    .order_by_asc(meeting::Column::StartsAt)
            },
            |m| &m.case_id,
        )
        .await?;
        Ok(())
    }
}

/// The current screening of each right in the cases (a screening whose codes Los no longer knows is left
/// out).
async fn current_rights(
    conn: &impl ConnectionTrait,
    ids: &[String],
    plans: &ByCase<ip_plan::Model>,
) -> Result<ByCase<CurrentRight>, StoreError> {
    let rows = by_case(
        conn,
        ids,
        |ids| {
            rights_screening::Entity::find()
                .filter(rights_screening::Column::CaseId.is_in(ids))
                .filter(rights_screening::Column::SupersededAt.is_null())
        },
        |r| &r.case_id,
    )
    .await?;
    let mut out: ByCase<CurrentRight> = rows
        .into_iter()
        .map(|(case_id, rows)| {
            let current = rows
                .into_iter()
                .filter_map(|r| {
                    Some(CurrentRight {
                        kind: RightKind::parse(&r.kind)?,
                        outcome: ScreeningOutcome::parse(&r.outcome)?,
                        service_id: r.service_id,
                    })
                })
                .collect();
            (case_id, current)
        })
        .collect();
    // An open individual plan is the right in place (issue 13: the plan is its own object).
    for case_id in plans.keys() {
        let current = out.entry(case_id.clone()).or_default();
        current.retain(|r| r.kind != RightKind::IndividualPlan);
        current.push(CurrentRight {
            kind: RightKind::IndividualPlan,
            outcome: ScreeningOutcome::InPlace,
            service_id: None,
        });
    }
    Ok(out)
}

/// The open individual plan of each case (one at most per child).
pub(crate) async fn open_plans_of(
    conn: &impl ConnectionTrait,
    case_ids: &[String],
) -> Result<ByCase<ip_plan::Model>, StoreError> {
    by_case(
        conn,
        case_ids,
        |ids| {
            ip_plan::Entity::find()
                .filter(ip_plan::Column::CaseId.is_in(ids))
                .filter(ip_plan::Column::EndedAt.is_null())
        },
        |p| &p.case_id,
    )
    .await
}

/// The holder and the latest version of each open plan: two queries per `CASES_PER_QUERY` plans (the
/// latest version picked in SQL, so earlier versions are never read).
pub(crate) async fn ip_work(
    conn: &impl ConnectionTrait,
    plans: &ByCase<ip_plan::Model>,
) -> Result<HashMap<String, IpWork>, StoreError> {
    use sea_orm::sea_query::Expr;
    let plan_ids: Vec<String> = plans.values().flatten().map(|p| p.id.clone()).collect();
    if plan_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let holders = by_case(
        conn,
        &plan_ids,
        |ids| {
            ip_responsibility::Entity::find()
                .filter(ip_responsibility::Column::PlanId.is_in(ids))
                .filter(ip_responsibility::Column::UntilAt.is_null())
        },
        |r| &r.plan_id,
    )
    .await?;
    let latest = by_case(
        conn,
        &plan_ids,
        |ids| {
            ip_version::Entity::find().filter(ip_version::Column::PlanId.is_in(ids)).filter(Expr::cust(
                "ip_version.number = (SELECT MAX(v.number) FROM ip_version v WHERE v.plan_id = ip_version.plan_id)",
            ))
        },
        |v| &v.plan_id,
    )
    .await?;
    let today = crate::case::meetings::local_now().date();
    let mut out = HashMap::new();
    for p in plans.values().flatten() {
        let content = match latest.get(&p.id).and_then(|v| v.first()) {
            Some(v) => serde_json::from_str::<los_domain::individual_plan::content::PlanContent>(&v.content)
                .map_err(|e| StoreError::Integrity(format!("plan version {}: {e}", v.id)))?,
            None => Default::default(),
        };
        let overdue = los_domain::individual_plan::content::overdue(&content, today)
            .iter()
            .filter_map(|m| Some((m.responsible_service.clone(), m.ends_on?)))
            .collect();
        out.insert(
            p.case_id.clone(),
            IpWork {
                responsible: holders.get(&p.id).and_then(|h| h.first()).map(|h| h.service_id.clone()),
                next_evaluation: content.next_evaluation,
                overdue,
            },
        );
    }
    Ok(out)
}
