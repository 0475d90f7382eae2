//! Who coordinates (spec 01 §6): assignments with every rule of the coordination duty, telling the family,
//! disputes for the municipality's decision-maker (and who that is, per municipality), life transitions that
//! prompt a review, and the municipalities tied to the child.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use los_domain::coordination::{CoordinationBasis, DecisionMaker, Transition};
use los_domain::model::{Role, User};
use los_store::{NewAssignment, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::consents::date;
use super::view::{FieldError, translate_store_error};
use super::{Created, Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::JsonOrForm;
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/samordning", post(assign_page))
        .route("/saker/{id}/samordning/informert", post(communicated_page))
        .route("/saker/{id}/uenighet", post(dispute_page))
        .route("/saker/{id}/overgang", post(transition_page))
        .route("/hvem-bestemmer", get(who_decides).post(set_decision_maker_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(assign_coordinator))
        .routes(routes!(coordinator_communicated))
        .routes(routes!(raise_dispute))
        .routes(routes!(record_transition))
        .routes(routes!(set_municipalities))
        .routes(routes!(decision_makers, set_decision_maker))
}

/// Who coordinates, on which basis, who agreed, and the child's and parents' views.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CoordinatorInput {
    #[serde(default, alias = "service")]
    service_id: String,
    /// agreed_by_services | designated_by_municipality | child_coordinator | agreed_non_municipal
    #[serde(default)]
    basis: String,
    #[serde(default, alias = "agreed")]
    agreed_by: Vec<String>,
    #[serde(default)]
    child_view: String,
    #[serde(default)]
    parents_view: String,
    #[serde(default)]
    reasons: String,
}

impl CoordinatorInput {
    /// The one parse of an assignment of the coordinating service.
    pub fn parse(self, case_id: &str) -> Result<NewAssignment, Rejected> {
        let basis = CoordinationBasis::parse(&self.basis)
            .ok_or_else(|| Rejected::new("coop-coord-basis", "coordination.basis", "choose the basis"))?;
        Ok(NewAssignment {
            case_id: case_id.to_owned(),
            service_id: self.service_id,
            basis,
            agreed_by: self.agreed_by,
            child_view: self.child_view,
            parents_view: self.parents_view,
            reasons: self.reasons,
        })
    }
}

/// The coordinator form's elements for the fields a rule can name.
const ASSIGNMENT_FORM: &[(&str, &str)] = &[
    ("child_view", "coop-coord-child"),
    ("parents_view", "coop-coord-parents"),
    ("agreed_by", "coop-coord-agreed"),
    ("basis", "coop-coord-basis"),
];

async fn assign(st: &AppState, actor: &User, case_id: &str, i: CoordinatorInput) -> Result<String, Rejected> {
    let new = i.parse(case_id)?;
    st.store.assign_coordinator(actor, new).await.map_err(|e| Rejected::on(ASSIGNMENT_FORM, "coop-coord-service", e))
}

pub async fn assign_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<CoordinatorInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = assign(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// Records who coordinates. Every rule of spec 01 §6.2 is checked; a refusal names the rule (422).
#[utoipa::path(post, path = "/cases/{id}/coordinator", params(("id" = String, Path)), request_body = CoordinatorInput, responses((status = 201, body = Created)))]
pub async fn assign_coordinator(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<CoordinatorInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(assign(&st, &user, &id, i).await?))
}

/// How the family was told who coordinates.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommunicatedInput {
    #[serde(default)]
    how: String,
}

pub async fn communicated_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<CommunicatedInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.mark_communicated(u, &id, &f.how).await;
    after(&st, &ctx, &id, "samarbeid", r.map_err(|e| Rejected::at("communicated-how", e))).await
}

/// Records that the family was told who coordinates.
#[utoipa::path(post, path = "/cases/{id}/coordinator/communicated", params(("id" = String, Path)), request_body = CommunicatedInput, responses((status = 204)))]
pub async fn coordinator_communicated(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<CommunicatedInput>,
) -> Result<StatusCode, ApiError> {
    st.store.mark_communicated(&user, &id, &i.how).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The services' positions, and the child's and the family's wishes.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisputeInput {
    #[serde(default)]
    positions: String,
    #[serde(default)]
    child_wishes: String,
    #[serde(default)]
    family_wishes: String,
}

async fn dispute(st: &AppState, actor: &User, case_id: &str, i: DisputeInput) -> Result<String, Rejected> {
    st.store
        .raise_dispute(actor, case_id, &i.positions, &i.child_wishes, &i.family_wishes)
        .await
        .map_err(|e| Rejected::at("coop-dispute-positions", e))
}

pub async fn dispute_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<DisputeInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = dispute(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// The services cannot agree who coordinates: the dispute goes to the municipality's decision-maker.
#[utoipa::path(post, path = "/cases/{id}/disputes", params(("id" = String, Path)), request_body = DisputeInput, responses((status = 201, body = Created)))]
pub async fn raise_dispute(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<DisputeInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(dispute(&st, &user, &id, i).await?))
}

/// A life transition.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionInput {
    /// kindergarten_to_school | lower_to_upper_secondary | turning_18 | end_of_crisis_centre_stay | moving_municipality | end_of_sentence
    #[serde(default)]
    transition: String,
}

async fn transition(st: &AppState, actor: &User, case_id: &str, i: TransitionInput) -> Result<(), Rejected> {
    let field = "coop-transition";
    let t = Transition::parse(&i.transition)
        .ok_or_else(|| Rejected::new(field, "transition.unknown", "choose a transition"))?;
    st.store.record_transition(actor, case_id, t).await.map_err(|e| Rejected::at(field, e))
}

pub async fn transition_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<TransitionInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = transition(&st, u, &id, f).await;
    after(&st, &ctx, &id, "samarbeid", r).await
}

/// A life transition: prompts a review of who coordinates.
#[utoipa::path(post, path = "/cases/{id}/transitions", params(("id" = String, Path)), request_body = TransitionInput, responses((status = 204)))]
pub async fn record_transition(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<TransitionInput>,
) -> Result<StatusCode, ApiError> {
    transition(&st, &user, &id, i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The municipalities tied to the child beside the registered one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MunicipalitiesInput {
    /// The care municipality (omsorgskommune) of a placed child.
    care: Option<String>,
    /// Where the foster home or institution is.
    placement: Option<String>,
    /// A second actual residence (delt bosted).
    second_residence: Option<String>,
    /// How cooperation with the placement municipality was clarified locally.
    local_clarification: Option<String>,
}

/// Records the municipalities tied to the child beside the registered one.
#[utoipa::path(post, path = "/cases/{id}/municipalities", params(("id" = String, Path)), request_body = MunicipalitiesInput, responses((status = 204)))]
pub async fn set_municipalities(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<MunicipalitiesInput>,
) -> Result<StatusCode, ApiError> {
    let (care, placement, second) = (i.care.as_deref(), i.placement.as_deref(), i.second_residence.as_deref());
    st.store.set_municipalities(&user, &id, care, placement, second, i.local_clarification.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Template)]
#[template(path = "who_decides.html")]
struct WhoDecidesPage {
    base: Base,
    makers: Vec<(String, String, DecisionMaker)>,
    /// Administrators configure their municipality here.
    admin: bool,
    today: String,
    error: Option<FieldError>,
}

impl WhoDecidesPage {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        DecisionMaker::KINDS.iter().map(|k| (*k, self.base.t.get(&format!("decider-kind-{k}")))).collect()
    }

    fn roles(&self) -> Vec<(&'static str, String)> {
        DecisionMaker::DECIDER_ROLES
            .iter()
            .map(|r| (r.as_str(), self.base.t.get(&format!("decider-role-{r}"))))
            .collect()
    }
}

async fn who_decides_page(st: &AppState, ctx: &Ctx, error: Option<FieldError>) -> PageResult {
    let makers = st.store.decision_makers().await.map_err(|e| page_err(ctx)(e.into()))?;
    let admin = ctx.user.as_ref().is_some_and(|u| u.memberships.iter().any(|m| m.role == Role::Administrator));
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = WhoDecidesPage {
        base: Base::new(ctx, st.demo),
        makers,
        admin,
        today: Utc::now().date_naive().to_string(),
        error,
    };
    Ok((status, render(&page)).into_response())
}

/// Public page: who decides when services disagree about who coordinates (spec 01 §6.3).
pub async fn who_decides(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    who_decides_page(&st, &ctx, None).await
}

/// Who decides disputes in a municipality, from a date.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionMakerInput {
    #[serde(default)]
    kommunenummer: String,
    /// kommunedirektor | staff_function | coordinating_unit | other
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    /// The delegation: document, paragraph and date.
    #[serde(default)]
    delegation_ref: String,
    #[serde(default)]
    contact: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    valid_from: String,
    /// The role that reads the dossier and decides while a dispute is open: coordinating_unit_handler |
    /// leader | case_worker
    #[serde(default)]
    decider_role: String,
}

/// The decision-maker form's elements for the fields a rule can name.
const DECISION_MAKER_FORM: &[(&str, &str)] = &[
    ("delegation_ref", "dm-delegation"),
    ("title", "dm-title"),
    ("contact", "dm-contact"),
    ("valid_from", "dm-valid-from"),
];

async fn decision_maker(st: &AppState, actor: &User, i: DecisionMakerInput) -> Result<(), Rejected> {
    let valid_from: NaiveDate = date(&i.valid_from, "dm-valid-from", "decision_maker.date")?;
    let role = Role::parse(&i.decider_role)
        .ok_or_else(|| Rejected::new("dm-role", "decision_maker.role", "choose the role that decides"))?;
    let dm = DecisionMaker {
        kind: i.kind,
        title: i.title,
        delegation_ref: i.delegation_ref,
        contact: i.contact,
        valid_from,
    };
    st.store
        .set_decision_maker(actor, i.kommunenummer.trim(), dm, role)
        .await
        .map_err(|e| Rejected::on(DECISION_MAKER_FORM, "dm-kommune", e))
}

/// An administrator sets who decides in their municipality from a date; earlier settings are kept.
pub async fn set_decision_maker_page(
    State(st): State<AppState>,
    ctx: Ctx,
    JsonOrForm(f): JsonOrForm<DecisionMakerInput>,
) -> PageResult {
    let u = user(&ctx)?;
    match decision_maker(&st, u, f).await {
        Ok(()) => Ok(Redirect::to("/hvem-bestemmer").into_response()),
        Err(Rejected { field, error: e @ (StoreError::Invalid { .. } | StoreError::Denied(_)) }) => {
            let message = translate_store_error(&ctx, &e);
            who_decides_page(&st, &ctx, Some(FieldError { field, message })).await
        }
        Err(Rejected { error, .. }) => Err(page_err(&ctx)(error.into())),
    }
}

#[derive(Serialize, ToSchema)]
pub struct DecisionMakerDto {
    kommunenummer: String,
    municipality: String,
    kind: String,
    title: String,
    delegation_ref: String,
    contact: String,
    valid_from: NaiveDate,
}

/// Who decides when services disagree about who coordinates, per municipality (public).
#[utoipa::path(get, path = "/decision-makers", responses((status = 200, body = Vec<DecisionMakerDto>)))]
pub async fn decision_makers(State(st): State<AppState>, _u: ApiUser) -> Result<Json<Vec<DecisionMakerDto>>, ApiError> {
    Ok(Json(
        st.store
            .decision_makers()
            .await?
            .into_iter()
            .map(|(k, name, d)| DecisionMakerDto {
                kommunenummer: k,
                municipality: name,
                kind: d.kind,
                title: d.title,
                delegation_ref: d.delegation_ref,
                contact: d.contact,
                valid_from: d.valid_from,
            })
            .collect(),
    ))
}

/// An administrator of the municipality records who decides disputes there, from a date (spec 01 §6.3).
#[utoipa::path(post, path = "/decision-makers", request_body = DecisionMakerInput, responses((status = 204)))]
pub async fn set_decision_maker(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    JsonOrForm(i): JsonOrForm<DecisionMakerInput>,
) -> Result<StatusCode, ApiError> {
    decision_maker(&st, &user, i).await?;
    Ok(StatusCode::NO_CONTENT)
}
