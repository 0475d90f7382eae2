//! Sentences under the youth sentencing rules and the correctional service: the lead service records the
//! sentence and its team; team members report broken agreements to the lead.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use chrono::NaiveDate;
use los_domain::coordination::{SentenceType, TeamRole};
use los_domain::model::{Service, User};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::consents::date;
use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::JsonOrForm;
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/straff", post(sentence_page)).route("/saker/{id}/straff/avvik", post(report_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(start_sentence)).routes(routes!(report_non_compliance))
}

/// A member of the team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamMemberInput {
    /// police_contact | correctional_service | guardian | service | network (the youth coordinator and, under 18, the parents are added)
    #[serde(default)]
    role: String,
    service_id: Option<String>,
    #[serde(default)]
    name: String,
}

/// A sentence and its team. The API lists the team; the page has a field for each mandatory slot, ticks
/// services and names network members one per line.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SentenceInput {
    /// ungdomsstraff | ungdomsoppfolging (recorded by the youth coordinator) | community_sentence (by the
    /// probation office) | prison (by the correctional service's youth unit)
    #[serde(default)]
    kind: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    starts_on: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    team: Vec<TeamMemberInput>,
    #[serde(default)]
    #[schema(ignore)]
    police_contact: String,
    #[serde(default)]
    #[schema(ignore)]
    correctional_service: String,
    #[serde(default)]
    #[schema(ignore)]
    guardian: String,
    #[serde(default)]
    #[schema(ignore)]
    team_services: Vec<String>,
    #[serde(default)]
    #[schema(ignore)]
    network: String,
}

/// A parsed sentence: its type, first and last day, and the team (role, service, name).
type Sentence = (SentenceType, NaiveDate, NaiveDate, Vec<(TeamRole, Option<String>, String)>);

impl SentenceInput {
    /// The one parse of a sentence and its team; ticked services are named from the directory.
    pub fn parse(self, services: &[Service]) -> Result<Sentence, Rejected> {
        let kind = SentenceType::parse(&self.kind)
            .ok_or_else(|| Rejected::new("sentence-kind", "sentence.kind", "choose the sentence"))?;
        let starts = date(&self.starts_on, "sentence-starts", "sentence.date")?;
        let ends = date(&self.ends_on, "sentence-starts", "sentence.date")?;
        let mut team = Vec::new();
        for m in self.team {
            let role = TeamRole::parse(&m.role).ok_or_else(|| {
                Rejected::new("sentence-police", "sentence.role", format!("unknown role '{}'", m.role))
            })?;
            team.push((role, m.service_id, m.name));
        }
        for (role, name) in [
            (TeamRole::PoliceContact, &self.police_contact),
            (TeamRole::CorrectionalService, &self.correctional_service),
            (TeamRole::Guardian, &self.guardian),
        ] {
            if !name.trim().is_empty() {
                team.push((role, None, name.trim().to_owned()));
            }
        }
        for sid in &self.team_services {
            let name = services.iter().find(|s| &s.id == sid).map_or_else(|| sid.clone(), |s| s.name.clone());
            team.push((TeamRole::Service, Some(sid.clone()), name));
        }
        for line in self.network.lines().map(str::trim).filter(|l| !l.is_empty()) {
            team.push((TeamRole::Network, None, line.to_owned()));
        }
        Ok((kind, starts, ends, team))
    }
}

async fn sentence(st: &AppState, actor: &User, case_id: &str, i: SentenceInput) -> Result<String, Rejected> {
    let services = st.store.services().await.map_err(|e| Rejected::at("sentence-kind", e))?;
    let (kind, starts, ends, team) = i.parse(&services)?;
    st.store
        .start_sentence(actor, case_id, kind, starts, ends, team)
        .await
        .map_err(|e| Rejected::on(&[("team", "sentence-police")], "sentence-starts", e))
}

/// The lead service records a sentence from the case page.
pub async fn sentence_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<SentenceInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = sentence(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// The service that leads the follow-up records a sentence and its team: the youth coordinator a youth
/// sentence or youth follow-up, the probation office a community sentence, the youth unit a prison sentence.
/// Mandatory members are checked, and parents are added under 18.
#[utoipa::path(post, path = "/cases/{id}/sentence", params(("id" = String, Path)), request_body = SentenceInput, responses((status = 201, body = Created)))]
pub async fn start_sentence(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<SentenceInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(sentence(&st, &user, &id, i).await?))
}

/// What was not followed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    description: String,
}

pub async fn report_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<ReportInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.report_non_compliance(u, &id, &f.description).await;
    after(&st, &ctx, &id, "samarbeid", r.map_err(|e| Rejected::at("report-text", e))).await
}

/// A team member reports that the youth did not follow a measure; it goes to the service that leads.
#[utoipa::path(post, path = "/cases/{id}/non-compliance", params(("id" = String, Path)), request_body = ReportInput, responses((status = 204)))]
pub async fn report_non_compliance(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ReportInput>,
) -> Result<StatusCode, ApiError> {
    st.store.report_non_compliance(&user, &id, &i.description).await?;
    Ok(StatusCode::NO_CONTENT)
}
