//! Step 2 and the child's voice: a service's assessment of whether cooperation is necessary (with the
//! situation checks of the guidance), the record of hearing the child, and best-interests assessments.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::coordination::{
    AssessmentResult, BEST_INTEREST_ELEMENTS, BestInterests, ChildVoice, Hearing, HearingPlace, PlanningAssessment,
};
use los_domain::model::User;
use los_domain::planning::Situation;
use los_store::{NewAssessment, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::consents::date;
use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, flag, non_empty};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/vurderinger", post(assessment_page))
        .route("/saker/{id}/samtale", post(hearing_page))
        .route("/saker/{id}/barnets-beste", post(best_interests_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(create_assessment)).routes(routes!(record_hearing)).routes(routes!(record_best_interests))
}

/// The four planning assessments (spec 01 §4.3), all four or none.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanningInput {
    #[serde(default)]
    cooperate_with: String,
    #[serde(default)]
    cooperate_on: String,
    #[serde(default)]
    extent_duration: String,
    #[serde(default)]
    organisation: String,
}

/// A step-2 assessment. The page sends the planning assessments as four fields and whose needs as ticked
/// `needs` (`child`, `parents`); the API as `planning` and two booleans.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentInput {
    #[serde(default, alias = "service")]
    service_id: String,
    /// necessary | voluntary_with_consent | not_necessary
    #[serde(default)]
    result: String,
    #[serde(default)]
    reasoning: String,
    /// heard | declined | not_yet_heard
    #[serde(default)]
    child_voice: String,
    #[serde(default)]
    child_wishes: String,
    /// The child's needs are considered (default yes).
    needs_of_child: Option<bool>,
    /// The parents' needs are considered (default no).
    needs_of_parents: Option<bool>,
    /// The four planning assessments (spec 01 §4.3), all four or none.
    planning: Option<PlanningInput>,
    /// Situations from the guidance (spec 01 §4.2): child_welfare_health_needs | health_needs_at_school |
    /// challenging_behaviour | many_providers_family | universal_services_only
    #[serde(default)]
    situations: Vec<String>,
    /// Why the result differs from what the ticked situations suggest.
    deviation_reason: Option<String>,
    #[serde(default)]
    #[schema(ignore)]
    needs: Vec<String>,
    #[serde(default)]
    #[schema(ignore)]
    cooperate_with: String,
    #[serde(default)]
    #[schema(ignore)]
    cooperate_on: String,
    #[serde(default)]
    #[schema(ignore)]
    extent_duration: String,
    #[serde(default)]
    #[schema(ignore)]
    organisation: String,
}

impl AssessmentInput {
    /// The one parse of a step-2 assessment.
    pub fn parse(self, case_id: &str) -> Result<NewAssessment, Rejected> {
        let result = AssessmentResult::parse(&self.result)
            .ok_or_else(|| Rejected::new("coop-assessment-result", "assessment.result", "choose a result"))?;
        let child_voice = ChildVoice::parse(&self.child_voice).ok_or_else(|| {
            Rejected::new("coop-assessment-result", "assessment.child_voice", "choose whether the child was heard")
        })?;
        let situations = self
            .situations
            .iter()
            .map(|s| {
                Situation::parse(s).ok_or_else(|| {
                    Rejected::new("coop-assessment-situations", "assessment.situation", "unknown situation")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (needs_of_child, needs_of_parents) = if self.needs.is_empty() {
            (self.needs_of_child.unwrap_or(true), self.needs_of_parents.unwrap_or(false))
        } else {
            (self.needs.iter().any(|n| n == "child"), self.needs.iter().any(|n| n == "parents"))
        };
        let from_form = PlanningInput {
            cooperate_with: self.cooperate_with,
            cooperate_on: self.cooperate_on,
            extent_duration: self.extent_duration,
            organisation: self.organisation,
        };
        let planning = self.planning.or(Some(from_form)).filter(|p| {
            [&p.cooperate_with, &p.cooperate_on, &p.extent_duration, &p.organisation]
                .iter()
                .any(|x| !x.trim().is_empty())
        });
        Ok(NewAssessment {
            case_id: case_id.to_owned(),
            service_id: self.service_id,
            result,
            reasoning: self.reasoning,
            child_voice,
            child_wishes: self.child_wishes,
            needs_of_child,
            needs_of_parents,
            best_interests_id: None,
            situations,
            deviation_reason: non_empty(self.deviation_reason),
            planning: planning.map(|p| PlanningAssessment {
                cooperate_with: p.cooperate_with,
                cooperate_on: p.cooperate_on,
                extent_duration: p.extent_duration,
                organisation: p.organisation,
            }),
        })
    }
}

/// The assessment form's elements for the fields a rule can name.
const ASSESSMENT_FORM: &[(&str, &str)] =
    &[("child_wishes", "coop-assessment-wishes"), ("deviation_reason", "coop-assessment-deviation")];

async fn assess(st: &AppState, actor: &User, case_id: &str, i: AssessmentInput) -> Result<String, Rejected> {
    let new = i.parse(case_id)?;
    st.store
        .record_assessment(actor, new)
        .await
        .map_err(|e| Rejected::on(ASSESSMENT_FORM, "coop-assessment-reasoning", e))
}

pub async fn assessment_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<AssessmentInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = assess(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// Step 2: a service's assessment of whether cooperation is necessary, with the child's wishes.
#[utoipa::path(post, path = "/cases/{id}/assessments", params(("id" = String, Path)), request_body = AssessmentInput, responses((status = 201, body = Created)))]
pub async fn create_assessment(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<AssessmentInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(assess(&st, &user, &id, i).await?))
}

/// The record of hearing the child. The page ticks `indirect`; the API says `direct` (default yes).
/// Adaptations may be a list or one comma-separated text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HearingInput {
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    held_on: String,
    direct: Option<bool>,
    indirect_reason: Option<String>,
    /// kindergarten | school | home | neutral | office | digital
    #[serde(default)]
    place: String,
    #[serde(default)]
    talked_with: String,
    companion: Option<String>,
    /// e.g. interpreter, ASK/AAC, adapted information
    #[serde(default)]
    adaptations: Vec<String>,
    #[serde(default, deserialize_with = "flag")]
    declined: bool,
    #[serde(default)]
    views: String,
    #[serde(default)]
    maturity: String,
    #[serde(default)]
    weight: String,
    #[serde(default, deserialize_with = "flag")]
    #[schema(ignore)]
    indirect: bool,
}

impl HearingInput {
    /// The one parse of a hearing record: free text is trimmed here for both faces.
    pub fn parse(self, case_id: &str, actor: &User) -> Result<Hearing, Rejected> {
        let held_on = date(&self.held_on, "coop-hearing-date", "hearing.date")?;
        let place = HearingPlace::parse(&self.place)
            .ok_or_else(|| Rejected::new("coop-hearing-place", "hearing.place", "choose where the talk was"))?;
        Ok(Hearing {
            id: String::new(),
            case_id: case_id.to_owned(),
            held_on,
            direct: !self.indirect && self.direct.unwrap_or(true),
            indirect_reason: non_empty(self.indirect_reason),
            place,
            talked_with: self.talked_with.trim().to_owned(),
            companion: non_empty(self.companion),
            adaptations: self
                .adaptations
                .iter()
                .flat_map(|a| a.split(','))
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
            declined: self.declined,
            views: self.views.trim().to_owned(),
            age: 0,
            maturity: self.maturity.trim().to_owned(),
            weight: self.weight.trim().to_owned(),
            recorded_by: actor.id.clone(),
        })
    }
}

/// The hearing form's elements for the fields a rule can name.
const HEARING_FORM: &[(&str, &str)] =
    &[("indirect_reason", "coop-hearing-indirect-reason"), ("talked_with", "coop-hearing-with")];

async fn hear(st: &AppState, actor: &User, case_id: &str, i: HearingInput) -> Result<String, Rejected> {
    let h = i.parse(case_id, actor)?;
    st.store.record_hearing(actor, h).await.map_err(|e| Rejected::on(HEARING_FORM, "coop-hearing-views", e))
}

pub async fn hearing_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<HearingInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = hear(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// The record of hearing the child (how, where, who, adaptations, the right to decline, views, weight).
#[utoipa::path(post, path = "/cases/{id}/hearings", params(("id" = String, Path)), request_body = HearingInput, responses((status = 201, body = Created)))]
pub async fn record_hearing(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<HearingInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(hear(&st, &user, &id, i).await?))
}

/// A best-interests assessment. The API sends `elements` as a map; the page one field per element
/// (`el_<element>`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct BestInterestsInput {
    /// The seven elements: view, identity, family, protection, vulnerability, health, education.
    #[serde(default)]
    elements: BTreeMap<String, String>,
    #[serde(default)]
    conclusion: String,
    hearing_id: Option<String>,
    not_heard_reason: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    finalised: bool,
    #[serde(flatten)]
    #[schema(ignore)]
    fields: HashMap<String, serde_json::Value>,
}

impl BestInterestsInput {
    /// The one parse of a best-interests assessment; element texts are trimmed and empty ones left out.
    pub fn parse(self, case_id: &str, actor: &User) -> BestInterests {
        let from_form = |e: &str| self.fields.get(&format!("el_{e}")).and_then(|v| v.as_str()).map(str::to_owned);
        let elements = BEST_INTEREST_ELEMENTS
            .iter()
            .filter_map(|e| {
                let text = self.elements.get(*e).cloned().or_else(|| from_form(e))?;
                let text = text.trim().to_owned();
                (!text.is_empty()).then(|| ((*e).to_owned(), text))
            })
            .collect();
        BestInterests {
            id: String::new(),
            case_id: case_id.to_owned(),
            elements,
            conclusion: self.conclusion.trim().to_owned(),
            hearing_id: non_empty(self.hearing_id),
            not_heard_reason: non_empty(self.not_heard_reason),
            finalised: self.finalised,
            assessed_by: actor.id.clone(),
            assessed_at: chrono::Utc::now(),
        }
    }
}

/// The best-interests form's element for the field a rule names: the hearing, the conclusion, or the
/// element of the assessment that is missing (`coop-bi-{element}`).
fn best_interests_field(e: &StoreError) -> String {
    match e {
        StoreError::Invalid { field: Some("hearing_id"), .. } => "coop-bi-hearing".to_owned(),
        StoreError::Invalid { field: Some(f), .. } if BEST_INTEREST_ELEMENTS.contains(f) => format!("coop-bi-{f}"),
        _ => "coop-bi-conclusion".to_owned(),
    }
}

async fn best_interests(st: &AppState, actor: &User, case_id: &str, i: BestInterestsInput) -> Result<String, Rejected> {
    let b = i.parse(case_id, actor);
    st.store.record_best_interests(actor, b).await.map_err(|e| Rejected::at(best_interests_field(&e), e))
}

/// The best-interests form: one field per element (`el_<code>`), conclusion, hearing or reason.
pub async fn best_interests_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<BestInterestsInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = best_interests(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// A best-interests assessment. Finalising needs all seven elements and a hearing record or a stated reason.
#[utoipa::path(post, path = "/cases/{id}/best-interests", params(("id" = String, Path)), request_body = BestInterestsInput, responses((status = 201, body = Created)))]
pub async fn record_best_interests(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<BestInterestsInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(best_interests(&st, &user, &id, i).await?))
}
