//! The case list, one case as JSON, and the worklist ("Mine oppgaver"): reads only, each case read through
//! the store's audited, policy-checked walk.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use los_domain::closing::CaseState;
use los_domain::model::Participation;
use los_store::{CaseSummary, CaseView};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::consents::ConsentDto;
use super::notes::NoteDto;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::{ApiError, Problem};
use crate::pages::{Base, PageResult, page_err, render};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker", get(cases)).route("/oppgaver", get(tasks))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_cases)).routes(routes!(get_case)).routes(routes!(my_tasks))
}

pub struct CaseRow {
    id: String,
    /// open | closing | closed
    state: &'static str,
    title: String,
    child: String,
    active: String,
    expiring: usize,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    base: Base,
    cases: Vec<CaseRow>,
}

pub async fn cases(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let today = Utc::now().date_naive();
    let list: Vec<CaseSummary> = st.store.cases_visible_to(user).await.map_err(|e| page_err(&ctx)(e.into()))?;
    let cases = list
        .into_iter()
        .map(|v| CaseRow {
            active: v
                .case
                .participants
                .iter()
                .filter(|p| p.active_on(today))
                .map(|p| p.service_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            title: if v.location_hidden {
                ctx.tr.with("case-title-hidden", &[("child", v.child_name.as_str())])
            } else {
                v.case.title
            },
            state: v.case.state.as_str(),
            id: v.case.id,
            child: v.child_name,
            expiring: v.expiring_consents,
        })
        .collect();
    Ok(render(&CasesPage { base: Base::new(&ctx, st.demo), cases }))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipationDto {
    service_id: String,
    service_name: String,
    owner_type: String,
    joined_on: NaiveDate,
    join_reason: String,
    left_on: Option<NaiveDate>,
    leave_reason: Option<String>,
}

impl From<Participation> for ParticipationDto {
    fn from(p: Participation) -> Self {
        ParticipationDto {
            service_id: p.service_id,
            service_name: p.service_name,
            owner_type: p.owner_type.as_str().into(),
            joined_on: p.joined_on,
            join_reason: p.join_reason,
            left_on: p.left_on,
            leave_reason: p.leave_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseSummaryDto {
    id: String,
    title: String,
    child_name: String,
    participants: Vec<ParticipationDto>,
    /// Active consents that end within the warning period.
    expiring_consents: usize,
    /// Why the caller may see this case (from the access policy).
    access_basis: String,
    /// The child has a strictly confidential address the caller may not know: the title and the services
    /// (which can name where the child is) are left out.
    location_hidden: bool,
    /// open | closing | closed
    state: String,
}

impl From<CaseSummary> for CaseSummaryDto {
    fn from(v: CaseSummary) -> Self {
        CaseSummaryDto {
            state: v.case.state.as_str().into(),
            id: v.case.id,
            title: v.case.title,
            child_name: v.child_name,
            participants: v.case.participants.into_iter().map(Into::into).collect(),
            expiring_consents: v.expiring_consents,
            access_basis: v.basis.detail,
            location_hidden: v.location_hidden,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseDto {
    id: String,
    title: String,
    child_person_id: String,
    child_name: String,
    child_age: u32,
    /// The address, when the caller may see it (never a protected address outside the services that must know it).
    address: Option<String>,
    address_hidden_reason: Option<String>,
    /// Set (to the policy's reason code, `protected_address_location`) when the child has a strictly
    /// confidential address the caller may not know: everything that can show where the child lives or
    /// spends the day — title, services, meetings, records, the plan — is left out.
    location_hidden_reason: Option<String>,
    opened_at: chrono::DateTime<chrono::Utc>,
    participants: Vec<ParticipationDto>,
    consents: Vec<ConsentDto>,
    notes: Vec<NoteDto>,
    /// Records in the case the caller may not read.
    hidden_notes: usize,
    expiring_consents: Vec<String>,
    /// Who coordinates (with basis, who decided, views, whether the family was told), its history, open
    /// dispute, prompts to review, step-2 assessments, the plan and any youth sentence.
    #[schema(value_type = Object)]
    cooperation: serde_json::Value,
    /// What happened in the case, newest first (only what the caller may see).
    #[schema(value_type = Vec<Object>)]
    timeline: serde_json::Value,
    /// Why the caller may see this case (from the access policy).
    access_basis: String,
    /// open | closing | closed
    state: String,
    /// Why the case is closing or closed (all_services_left | family_ended_cooperation | goals_reached |
    /// moved | other); `null` while it is open.
    state_reason: Option<String>,
    /// The reason in words, as the service (or family) gave it.
    state_reason_text: Option<String>,
    state_changed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Every change of state, oldest first: from, to, reason, text, service, who and when.
    #[schema(value_type = Vec<Object>)]
    state_history: serde_json::Value,
    /// The caller, a family member whose consent the cooperation needs, may end it.
    may_end_cooperation: bool,
}

impl From<CaseView> for CaseDto {
    fn from(v: CaseView) -> Self {
        let last = v.case.state_changes.last().filter(|_| v.case.state != CaseState::Open);
        CaseDto {
            state: v.case.state.as_str().into(),
            state_reason: last.and_then(|c| c.reason).map(|r| r.as_str().into()),
            state_reason_text: last.map(|c| c.text.clone()).filter(|t| !t.is_empty()),
            state_changed_at: v.case.state_changes.last().map(|c| c.changed_at),
            state_history: serde_json::to_value(&v.case.state_changes).unwrap_or_default(),
            may_end_cooperation: v.may_end_cooperation,
            timeline: serde_json::to_value(v.timeline()).unwrap_or_default(),
            child_name: v.child.full_name(),
            child_age: v.child_age,
            address: v.address,
            address_hidden_reason: v.address_hidden.map(|r| r.code.to_owned()),
            location_hidden_reason: v.location_hidden.map(|r| r.code.to_owned()),
            id: v.case.id,
            title: v.case.title,
            child_person_id: v.case.child_person_id,
            opened_at: v.case.opened_at,
            participants: v.case.participants.into_iter().map(Into::into).collect(),
            consents: v.consents.into_iter().map(Into::into).collect(),
            notes: v
                .notes
                .into_iter()
                .map(|(n, b)| NoteDto {
                    id: n.id,
                    service_id: n.service_id,
                    service_name: n.service_name,
                    category: n.category.as_str().into(),
                    body: n.body,
                    created_by: n.created_by,
                    created_at: n.created_at,
                    open_to_child: n.open_to_child,
                    access_basis: b.detail,
                })
                .collect(),
            hidden_notes: v.hidden_notes,
            expiring_consents: v.expiring_consents,
            cooperation: serde_json::to_value(&v.cooperation).unwrap_or_default(),
            access_basis: v.basis.detail,
        }
    }
}

/// Exactly the cases the caller may see. Every case listed is recorded in the audit log.
#[utoipa::path(get, path = "/cases", responses((status = 200, body = Vec<CaseSummaryDto>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_cases(State(st): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Vec<CaseSummaryDto>> {
    Ok(Json(st.store.cases_visible_to(&user).await?.into_iter().map(Into::into).collect()))
}

/// One case as the caller may see it; 403 with the reason, or 404. Every part read is audited.
#[utoipa::path(get, path = "/cases/{id}", params(("id" = String, Path)), responses((status = 200, body = CaseDto), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_case(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<CaseDto> {
    Ok(Json(st.store.case_for(&user, &id).await?.into()))
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    base: Base,
    tasks: Vec<los_store::Task>,
    services: Vec<(String, String)>,
}

impl TasksPage {
    fn title(&self, t: &los_store::Task) -> String {
        self.base.t.get(&format!("task-{}", t.kind))
    }

    fn detail(&self, t: &los_store::Task) -> String {
        match t.kind {
            "review_coordinator" | "reassess" => self.base.prompt_reason(&t.detail, |s| self.service_name(s)),
            "transition_ahead" => self.base.transition(&t.detail),
            "evaluate" => self.base.t.with("prompt-evaluate", &[("days", t.detail.as_str())]),
            "confirm_closing" => self.base.t.get(&format!("closing-reason-{}", t.detail)),
            "join_request" => self.service_name(&t.detail),
            "child_coordinator" => self.base.t.get(&format!("cc-prompt-{}", t.detail.replace('_', "-"))),
            "prepare" => self.base.t.with("task-prepare-detail", &[("count", t.detail.as_str())]),
            "ip_overdue" => self.base.t.with("task-ip_overdue-detail", &[("count", t.detail.as_str())]),
            "screen_rights" => {
                t.detail.split(',').map(|k| self.base.t.get(&format!("right-{k}"))).collect::<Vec<_>>().join(", ")
            }
            _ => t.detail.clone(),
        }
    }

    fn service_name(&self, id: &str) -> String {
        self.services.iter().find(|s| s.0 == id).map_or_else(|| id.to_owned(), |s| s.1.clone())
    }

    fn anchor(&self, t: &los_store::Task) -> &'static str {
        match t.kind {
            "meeting" | "minutes" | "prepare" | "follow_up" => "#moter",
            "feedback" => "#meldinger",
            "screen_rights" => "#rettigheter",
            "prepare_release" => "#overgangsplan",
            "confirm_closing" => "#avslutning",
            "join_request" => "#foresporsler",
            "child_coordinator" => "/barnekoordinator",
            "ip_evaluate" | "ip_overdue" => "/individuell-plan",
            _ => "#samarbeid",
        }
    }

    fn age(&self, t: &los_store::Task) -> String {
        let n = t.age_days.abs().to_string();
        if matches!(t.kind, "follow_up" | "ip_evaluate" | "ip_overdue") && t.age_days > 0 {
            self.base.t.with("tasks-overdue", &[("days", n.as_str())])
        } else if t.age_days < 0 {
            self.base.t.with("tasks-in-days", &[("days", n.as_str())])
        } else {
            self.base.t.with("tasks-days-ago", &[("days", n.as_str())])
        }
    }
}

/// The employee's worklist across their cases: prompts, evaluations due, assignments to communicate,
/// disputes to decide, meetings coming up and minutes missing.
pub async fn tasks(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let Some(user) = ctx.user.as_ref() else {
        return Ok(Redirect::to("/logg-inn").into_response());
    };
    let err = page_err(&ctx);
    let tasks = st.store.tasks_for(user).await.map_err(|e| err(e.into()))?;
    let services = st.store.all_services().await.map_err(|e| err(e.into()))?;
    Ok(render(&TasksPage {
        base: Base::new(&ctx, st.demo),
        tasks,
        services: services.into_iter().map(|s| (s.id, s.name)).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    /// reassess | review_coordinator | evaluate | communicate | decide_dispute | meeting | prepare | minutes |
    /// follow_up | feedback | transition_ahead
    kind: String,
    case_id: String,
    case_title: String,
    service_id: Option<String>,
    detail: String,
    date: NaiveDate,
    /// Days since it arose; negative for a meeting ahead.
    age_days: i64,
}

/// The caller's worklist across the cases they may see (each case consulted is recorded in the audit log).
#[utoipa::path(get, path = "/me/tasks", responses((status = 200, body = Vec<TaskDto>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn my_tasks(State(st): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<TaskDto>>, ApiError> {
    let tasks = st.store.tasks_for(&user).await?;
    Ok(Json(
        tasks
            .into_iter()
            .map(|t| TaskDto {
                kind: t.kind.to_owned(),
                case_id: t.case_id,
                case_title: t.case_title,
                service_id: t.service_id,
                detail: t.detail,
                date: t.date,
                age_days: t.age_days,
            })
            .collect(),
    ))
}
