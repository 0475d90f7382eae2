//! Opening a case for a new child (issue 11): the form and `POST /cases`, the adults around the child, an
//! expected child's number, and the answers to another service's request to join. One typed input per
//! action, one parse, and the store decides access and writes the audit log.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use los_domain::ident::{Fodselsnummer, Kommunenummer};
use los_domain::intake::{ChildInput, NewAdult, NewCase, child_identity};
use los_domain::model::{Relation, User};
use los_store::{Intake, JoinAnswer};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Rejected, after, created, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, flag};
use crate::pages::{Base, PageResult, page_err, render};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/ny", get(new_case_page).post(open_page))
        .route("/saker/{id}/voksne", post(adult_page))
        .route("/saker/{id}/barnets-nummer", post(number_page))
        .route("/saker/{id}/foresporsler/{rid}/godta", post(accept_page))
        .route("/saker/{id}/foresporsler/{rid}/avsla", post(decline_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(open_case))
        .routes(routes!(register_adult))
        .routes(routes!(record_child_number))
        .routes(routes!(accept_join_request))
        .routes(routes!(decline_join_request))
}

/// A new case: the service opening it, who the child is, the child's municipality, whether the address is
/// protected, why the service takes part, and optionally the first adult (required for an expected child:
/// the mother). More adults are registered on the case afterwards.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
pub struct OpenCaseInput {
    /// The service (one the employee works in) that opens the case and takes part first.
    #[serde(default)]
    pub service_id: String,
    /// number | expected | named
    #[serde(default)]
    pub child_kind: String,
    /// Fødselsnummer or D-number (child_kind `number`).
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    /// yyyy-mm-dd (child_kind `named`; for `number` only when the number holds no birth date).
    #[serde(default)]
    pub birth_date: String,
    /// yyyy-mm-dd (child_kind `expected`).
    #[serde(default)]
    pub due_date: String,
    /// The child's municipality (kommunenummer).
    #[serde(default)]
    pub kommune: String,
    #[serde(default, deserialize_with = "flag")]
    pub protected_address: bool,
    #[serde(default)]
    pub reason: String,
    #[serde(flatten)]
    pub adult: AdultInput,
}

/// An adult linked to the child: their number (so they can log in), name, relation and parental
/// responsibility.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
pub struct AdultInput {
    #[serde(default)]
    pub adult_number: String,
    #[serde(default)]
    pub adult_given_name: String,
    #[serde(default)]
    pub adult_family_name: String,
    /// parent | foster_parent (default parent).
    #[serde(default)]
    pub adult_relation: String,
    #[serde(default, deserialize_with = "flag")]
    pub adult_parental_responsibility: bool,
    #[serde(default, deserialize_with = "flag")]
    pub adult_protected_address: bool,
}

/// The child's number and name, once known.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
pub struct ChildNumberInput {
    #[serde(default)]
    number: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    /// yyyy-mm-dd, only when the number holds no birth date.
    #[serde(default)]
    birth_date: String,
}

/// Why a request to join is declined.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DeclineInput {
    #[serde(default)]
    text: String,
}

/// What opening a case led to: `created` or `already_participant` (with `case_id`), or `join_requested`
/// (with `join_request_id` only: the child has a case the service is not in, and nothing more is told).
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeDto {
    /// created | number_recorded | join_requested | already_participant
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_request_id: Option<String>,
}

impl From<&Intake> for IntakeDto {
    fn from(i: &Intake) -> Self {
        let (outcome, case_id, join_request_id) = match i {
            Intake::Created { case_id } => ("created", Some(case_id.clone()), None),
            Intake::NumberRecorded { case_id } => ("number_recorded", Some(case_id.clone()), None),
            Intake::AlreadyParticipant { case_id } => ("already_participant", Some(case_id.clone()), None),
            Intake::JoinRequested { join_request_id } => ("join_requested", None, Some(join_request_id.clone())),
        };
        IntakeDto { outcome: outcome.into(), case_id, join_request_id }
    }
}

/// The page's element for each request field a rule can name.
const ELEMENTS: &[(&str, &str)] = &[
    ("service_id", "new-service"),
    ("child_kind", "new-kind"),
    ("number", "new-number"),
    ("given_name", "new-given"),
    ("family_name", "new-family"),
    ("birth_date", "new-birth"),
    ("due_date", "new-due"),
    ("kommune", "new-kommune"),
    ("reason", "new-reason"),
    ("adults", "new-adult-number"),
    ("adult_number", "new-adult-number"),
    ("adult_given_name", "new-adult-given"),
    ("adult_family_name", "new-adult-family"),
    ("adult_relation", "new-adult-relation"),
];

fn date(v: &str, element: &str) -> Result<Option<NaiveDate>, Rejected> {
    match v.trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| Rejected::new(element, "input.date", "write the date as yyyy-mm-dd")),
    }
}

fn number(st: &AppState, v: &str, element: &str) -> Result<Option<Fodselsnummer>, Rejected> {
    match v.trim() {
        "" => Ok(None),
        n => Fodselsnummer::parse_with(n, st.ident_options())
            .map(Some)
            .map_err(|e| Rejected::new(element, "intake.number_invalid", format!("the number is not valid: {e}"))),
    }
}

/// The ONE parse of an adult: none when no number is given.
fn parse_adult(st: &AppState, a: &AdultInput) -> Result<Option<NewAdult>, Rejected> {
    let Some(number) = number(st, &a.adult_number, "new-adult-number")? else { return Ok(None) };
    let relation = match a.adult_relation.trim() {
        "" => Relation::Parent,
        r => Relation::parse(r)
            .filter(|r| *r != Relation::InvitedRelative)
            .ok_or_else(|| Rejected::new("new-adult-relation", "intake.relation", "choose parent or foster parent"))?,
    };
    for (v, element) in [(&a.adult_given_name, "new-adult-given"), (&a.adult_family_name, "new-adult-family")] {
        if v.trim().is_empty() || v.chars().count() > los_domain::intake::MAX_NAME {
            return Err(Rejected::new(element, "intake.name_required", "give the name"));
        }
    }
    Ok(Some(NewAdult {
        number,
        given_name: a.adult_given_name.trim().to_owned(),
        family_name: a.adult_family_name.trim().to_owned(),
        relation,
        parental_responsibility: a.adult_parental_responsibility,
        protected_address: a.adult_protected_address,
    }))
}

/// The ONE parse of a new case.
fn parse_open(st: &AppState, i: &OpenCaseInput) -> Result<NewCase, Rejected> {
    let today = chrono::Utc::now().date_naive();
    let child = child_identity(
        &ChildInput {
            kind: i.child_kind.trim(),
            number: number(st, &i.number, "new-number")?,
            given_name: &i.given_name,
            family_name: &i.family_name,
            birth_date: date(&i.birth_date, "new-birth")?,
            due_date: date(&i.due_date, "new-due")?,
        },
        today,
    )
    .map_err(|e| Rejected::on(ELEMENTS, "new-kind", e.into()))?;
    let kommune = Kommunenummer::parse(i.kommune.trim())
        .map_err(|_| Rejected::new("new-kommune", "intake.kommune", "give the child's municipality number"))?;
    Ok(NewCase {
        child,
        adults: parse_adult(st, &i.adult)?.into_iter().collect(),
        kommune,
        protected_address: i.protected_address,
        reason: i.reason.clone(),
    })
}

async fn open(st: &AppState, actor: &User, i: &OpenCaseInput) -> Result<Intake, Rejected> {
    let c = parse_open(st, i)?;
    st.store.open_case(actor, i.service_id.trim(), &c).await.map_err(|e| Rejected::on(ELEMENTS, "new-kind", e))
}

async fn adult(st: &AppState, actor: &User, case_id: &str, a: &AdultInput) -> Result<String, Rejected> {
    let new = parse_adult(st, a)?
        .ok_or_else(|| Rejected::new("new-adult-number", "intake.number_required", "give the person's number"))?;
    st.store.register_adult(actor, case_id, &new).await.map_err(|e| Rejected::on(ELEMENTS, "new-adult-number", e))
}

async fn child_number(st: &AppState, actor: &User, case_id: &str, i: &ChildNumberInput) -> Result<Intake, Rejected> {
    let input = ChildInput {
        kind: "number",
        number: number(st, &i.number, "new-number")?,
        given_name: &i.given_name,
        family_name: &i.family_name,
        birth_date: date(&i.birth_date, "new-birth")?,
        due_date: None,
    };
    st.store.record_child_number(actor, case_id, &input).await.map_err(|e| Rejected::on(ELEMENTS, "new-number", e))
}

async fn answer(st: &AppState, actor: &User, case_id: &str, rid: &str, a: JoinAnswer<'_>) -> Result<(), Rejected> {
    st.store.answer_join_request(actor, case_id, rid, a).await.map_err(|e| Rejected::at("join-text", e))
}

/// The status an intake answers with: 201 for a new case, 202 for a request to join, 200 otherwise.
fn intake_status(i: &Intake) -> StatusCode {
    match i {
        Intake::Created { .. } => StatusCode::CREATED,
        Intake::JoinRequested { .. } => StatusCode::ACCEPTED,
        Intake::NumberRecorded { .. } | Intake::AlreadyParticipant { .. } => StatusCode::OK,
    }
}

/// An employee opens a case for a child through a service they work in, which takes part first: by
/// fødselsnummer or D-number, for an expected child (due date and the mother as `adult_*`), or for a child
/// known by name and birth date. When the child already has a case the service is not in, a request to
/// join it is recorded instead (202), and nothing else about that case is told.
#[utoipa::path(post, path = "/cases", request_body = OpenCaseInput, responses((status = 201, body = IntakeDto), (status = 202, body = IntakeDto), (status = 200, body = IntakeDto)))]
pub async fn open_case(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    JsonOrForm(i): JsonOrForm<OpenCaseInput>,
) -> Result<Response, ApiError> {
    let r = open(&st, &user, &i).await?;
    Ok((intake_status(&r), Json(IntakeDto::from(&r))).into_response())
}

/// A service taking part registers an adult linked to the child (parent or foster parent, with or without
/// parental responsibility), who can then log in and see what the policy lets them.
#[utoipa::path(post, path = "/cases/{id}/adults", params(("id" = String, Path)), request_body = AdultInput, responses((status = 201, body = super::Created)))]
pub async fn register_adult(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(a): JsonOrForm<AdultInput>,
) -> Result<(StatusCode, Json<super::Created>), ApiError> {
    Ok(created(adult(&st, &user, &id, &a).await?))
}

/// The child's number, once known (an expected child is born, or the number was found). When another case
/// already has the child, a request to join that case is recorded instead (202) and the number is not.
#[utoipa::path(post, path = "/cases/{id}/child-number", params(("id" = String, Path)), request_body = ChildNumberInput, responses((status = 200, body = IntakeDto), (status = 202, body = IntakeDto)))]
pub async fn record_child_number(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ChildNumberInput>,
) -> Result<Response, ApiError> {
    let r = child_number(&st, &user, &id, &i).await?;
    Ok((intake_status(&r), Json(IntakeDto::from(&r))).into_response())
}

/// A service taking part takes the requesting service in: needs a consent or a recorded legal exception
/// that covers contacting it (422 `step3.no_consent` otherwise).
#[utoipa::path(post, path = "/cases/{id}/join-requests/{request_id}/accept", params(("id" = String, Path), ("request_id" = String, Path)), responses((status = 204)))]
pub async fn accept_join_request(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, rid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    answer(&st, &user, &id, &rid, JoinAnswer::Accept).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A service taking part declines a request to join, saying why.
#[utoipa::path(post, path = "/cases/{id}/join-requests/{request_id}/decline", params(("id" = String, Path), ("request_id" = String, Path)), request_body = DeclineInput, responses((status = 204)))]
pub async fn decline_join_request(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, rid)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<DeclineInput>,
) -> Result<StatusCode, ApiError> {
    answer(&st, &user, &id, &rid, JoinAnswer::Decline { text: &i.text }).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Template)]
#[template(path = "new_case.html")]
struct NewCasePage {
    base: Base,
    /// The services the employee works in: (id, name).
    services: Vec<(String, String)>,
    input: OpenCaseInput,
    error: Option<super::FieldError>,
    /// A request to join was recorded.
    requested: bool,
}

impl NewCasePage {
    fn field_err(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form(
    st: &AppState,
    ctx: &Ctx,
    input: OpenCaseInput,
    error: Option<super::FieldError>,
    requested: bool,
) -> PageResult {
    let u = user(ctx)?;
    let all = st.store.services().await.map_err(|e| page_err(ctx)(e.into()))?;
    let mine: Vec<&str> = u.memberships.iter().filter_map(|m| m.service_id.as_deref()).collect();
    let services = all.into_iter().filter(|s| mine.contains(&s.id.as_str())).map(|s| (s.id, s.name)).collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = render(&NewCasePage { base: Base::new(ctx, st.demo), services, input, error, requested });
    Ok((status, page).into_response())
}

pub async fn new_case_page(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    form(&st, &ctx, OpenCaseInput { child_kind: "number".into(), ..Default::default() }, None, false).await
}

pub async fn open_page(State(st): State<AppState>, ctx: Ctx, JsonOrForm(i): JsonOrForm<OpenCaseInput>) -> PageResult {
    let u = user(&ctx)?;
    match open(&st, u, &i).await {
        Ok(
            Intake::Created { case_id } | Intake::AlreadyParticipant { case_id } | Intake::NumberRecorded { case_id },
        ) => Ok(Redirect::to(&super::case_url(&case_id, "")).into_response()),
        Ok(Intake::JoinRequested { .. }) => form(&st, &ctx, OpenCaseInput::default(), None, true).await,
        Err(super::Rejected {
            field,
            error: e @ (los_store::StoreError::Invalid { .. } | los_store::StoreError::Denied(_)),
        }) => {
            let message = super::view::translate_store_error(&ctx, &e);
            form(&st, &ctx, i, Some(super::FieldError { field, message }), false).await
        }
        Err(r) => Err(page_err(&ctx)(r.into())),
    }
}

pub async fn adult_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(a): JsonOrForm<AdultInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = adult(&st, u, &id, &a).await.map(|_| ());
    after(&st, &ctx, &id, "voksne", r).await
}

pub async fn number_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ChildNumberInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = child_number(&st, u, &id, &i).await.map(|_| ());
    after(&st, &ctx, &id, "voksne", r).await
}

pub async fn accept_page(State(st): State<AppState>, ctx: Ctx, Path((id, rid)): Path<(String, String)>) -> PageResult {
    let u = user(&ctx)?;
    let r = answer(&st, u, &id, &rid, JoinAnswer::Accept).await;
    after(&st, &ctx, &id, "foresporsler", r).await
}

pub async fn decline_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<DeclineInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = answer(&st, u, &id, &rid, JoinAnswer::Decline { text: &i.text }).await;
    after(&st, &ctx, &id, "foresporsler", r).await
}
