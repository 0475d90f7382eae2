//! Consents and recorded legal bases: record, withdraw and renew a consent (page and API), and record a
//! legal basis for sharing without consent (page). Who must consent is the domain's rule
//! (`los_domain::consent::required_consent`), checked by the store.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use chrono::NaiveDate;
use los_domain::consent::{Consent, ConsentDomain, ConsentForm, GiverCapacity, InfoCategory, recorded_form};
use los_domain::model::{User, UserKind};
use los_store::{NewConsent, NewLegalBasis};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Rejected, after, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, flag};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/samtykker", post(add_consent))
        .route("/samtykker/{id}/trekk", post(withdraw_page))
        .route("/samtykker/{id}/forny", post(renew_page))
        .route("/samtykker/{id}/bekreft", post(confirm_page))
        .route("/saker/{id}/hjemler", post(add_legal_basis))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(create_consent))
        .routes(routes!(withdraw_consent))
        .routes(routes!(renew_consent))
        .routes(routes!(confirm_consent))
}

/// Who gives the consent: an object in JSON, or the consent form's `person:capacity` (`-` for the child
/// welfare service).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum GiverInput {
    Person {
        /// The person; omit for the child welfare service.
        person_id: Option<String>,
        /// child | parent | child_welfare_service | adult
        capacity: String,
    },
    Coded(String),
}

/// A new consent, from the case page's form or the API.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentInput {
    /// child_welfare | health | general
    #[serde(default)]
    domain: String,
    #[serde(default, alias = "giver")]
    givers: Vec<GiverInput>,
    #[serde(default, alias = "from")]
    from_services: Vec<String>,
    #[serde(default, alias = "to")]
    to_services: Vec<String>,
    /// general | health | child_welfare | education | social | decision_fact
    #[serde(default, alias = "category")]
    categories: Vec<String>,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    consequences: String,
    /// written | oral | digital (a family member's own consent is always digital)
    form: Option<String>,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    valid_from: String,
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    valid_to: String,
    #[serde(default, deserialize_with = "flag")]
    care_order: bool,
    #[serde(default, deserialize_with = "flag")]
    measures_directed_at_parents: bool,
    #[serde(default, deserialize_with = "flag")]
    both_required: bool,
}

/// A date field of a form or a JSON body, refused with `code` on `field`.
pub(super) fn date(v: &str, field: &str, code: &'static str) -> Result<NaiveDate, Rejected> {
    v.trim().parse::<NaiveDate>().map_err(|_| Rejected::new(field, code, "write the date as yyyy-mm-dd"))
}

fn giver(g: GiverInput) -> Result<(Option<String>, GiverCapacity), Rejected> {
    let unknown = || Rejected::new("consent-giver", "consent.giver", "unknown giver");
    let (person, capacity) = match g {
        GiverInput::Person { person_id, capacity } => (person_id, capacity),
        GiverInput::Coded(code) => {
            let (p, cap) = code.split_once(':').ok_or_else(unknown)?;
            ((p != "-").then(|| p.to_owned()), cap.to_owned())
        }
    };
    Ok((person, GiverCapacity::parse(&capacity).ok_or_else(unknown)?))
}

impl ConsentInput {
    /// The one parse of a new consent. A family member's own consent is digital; an employee says how the
    /// consent was given. Unknown categories and an empty list of givers are refused on both faces.
    pub fn parse(self, case_id: &str, actor: &User) -> Result<NewConsent, Rejected> {
        let domain = ConsentDomain::parse(&self.domain).ok_or_else(|| {
            Rejected::new("consent-domain", "consent.domain", "choose which law's consent rules apply")
        })?;
        let givers = self.givers.into_iter().map(giver).collect::<Result<Vec<_>, _>>()?;
        if givers.is_empty() {
            return Err(Rejected::new("consent-giver", "consent.no_giver", "choose who gives consent"));
        }
        let categories = self
            .categories
            .iter()
            .map(|c| {
                InfoCategory::parse(c)
                    .ok_or_else(|| Rejected::new("consent-category", "consent.category", "choose known categories"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let stated = self.form.as_deref().and_then(ConsentForm::parse);
        let form = recorded_form(actor.kind == UserKind::Citizen, stated)
            .map_err(|e| Rejected::on(CONSENT_FORM, "consent-form", e.into()))?;
        Ok(NewConsent {
            case_id: case_id.to_owned(),
            domain,
            givers,
            from_services: self.from_services,
            to_services: self.to_services,
            categories,
            purpose: self.purpose,
            consequences: self.consequences,
            form,
            valid_from: date(&self.valid_from, "consent-valid-from", "consent.date")?,
            valid_to: date(&self.valid_to, "consent-valid-to", "consent.date")?,
            care_order: self.care_order,
            measures_directed_at_parents: self.measures_directed_at_parents,
            both_required: self.both_required,
        })
    }
}

/// The consent form's elements for the fields a rule can name.
const CONSENT_FORM: &[(&str, &str)] = &[
    ("givers", "consent-giver"),
    ("from_services", "consent-from"),
    ("to_services", "consent-from"),
    ("purpose", "consent-purpose"),
    ("valid_to", "consent-valid-to"),
    ("form", "consent-form"),
];

async fn record(st: &AppState, actor: &User, case_id: &str, i: ConsentInput) -> Result<Consent, Rejected> {
    let new = i.parse(case_id, actor)?;
    st.store.record_consent(actor, new).await.map_err(|e| Rejected::on(CONSENT_FORM, "consent-domain", e))
}

pub async fn add_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ConsentInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = record(&st, u, &id, i).await.map(|_| ());
    after(&st, &ctx, &id, "samtykker", r).await
}

/// Records a consent. Who must consent follows the law for the domain and the child's age; a wrong set of
/// givers is refused with the rule.
#[utoipa::path(post, path = "/cases/{id}/consents", params(("id" = String, Path)), request_body = ConsentInput, responses((status = 201, body = ConsentDto)))]
pub async fn create_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<ConsentInput>,
) -> Result<(StatusCode, Json<ConsentDto>), ApiError> {
    let c = record(&st, &user, &id, i).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Withdrawing a consent: why (optional). The page also says which case to return to.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WithdrawInput {
    #[serde(default)]
    reason: String,
    /// The case page to return to (page only).
    #[serde(default)]
    #[schema(ignore)]
    case_id: String,
}

pub async fn withdraw_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    JsonOrForm(f): JsonOrForm<WithdrawInput>,
) -> PageResult {
    let u = user(&ctx)?;
    // The case id only says where to go afterwards; a bad one is refused before anything is written.
    if !crate::security::valid_id(&f.case_id) {
        return Err(crate::pages::page_err(&ctx)(crate::error::AppError::bad_request(
            "input.case_id",
            "case_id is not a case id",
        )));
    }
    let r = st.store.withdraw_consent(u, &cid, &f.reason).await.map_err(|e| Rejected::at(format!("withdraw-{cid}"), e));
    after(&st, &ctx, &f.case_id, "samtykker", r).await
}

/// Withdraws a consent at once. Information already shared stays with the recipient (spec 02 §3.4).
#[utoipa::path(post, path = "/consents/{id}/withdraw", params(("id" = String, Path)), request_body = WithdrawInput, responses((status = 204)))]
pub async fn withdraw_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    st.store.withdraw_consent(&user, &id, &i.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Renewing a consent: the new end date.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RenewInput {
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    valid_to: String,
    /// The case page to return to (page only).
    #[serde(default)]
    #[schema(ignore)]
    case_id: String,
}

async fn renew(st: &AppState, actor: &User, consent_id: &str, i: &RenewInput) -> Result<Consent, Rejected> {
    let field = format!("renew-{consent_id}");
    let valid_to = date(&i.valid_to, &field, "consent.date")?;
    st.store.renew_consent(actor, consent_id, valid_to).await.map_err(|e| Rejected::at(field, e))
}

pub async fn renew_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    JsonOrForm(f): JsonOrForm<RenewInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = renew(&st, u, &cid, &f).await.map(|_| ());
    after(&st, &ctx, &f.case_id, "samtykker", r).await
}

/// Renews a consent with a new end date; the old record is kept.
#[utoipa::path(post, path = "/consents/{id}/renew", params(("id" = String, Path)), request_body = RenewInput, responses((status = 201, body = ConsentDto)))]
pub async fn renew_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<RenewInput>,
) -> Result<(StatusCode, Json<ConsentDto>), ApiError> {
    let c = renew(&st, &user, &id, &i).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Confirming a consent: the page says which case to return to.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmInput {
    /// The case page to return to (page only).
    #[serde(default)]
    #[schema(ignore)]
    case_id: String,
}

pub async fn confirm_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(cid): Path<String>,
    JsonOrForm(f): JsonOrForm<ConfirmInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.confirm_consent(u, &cid).await.map_err(|e| Rejected::at(format!("confirm-{cid}"), e));
    after(&st, &ctx, &f.case_id, "samtykker", r).await
}

/// Confirms a consent another service recorded, for the caller's own services among those the information
/// comes from: the service that holds the duty of confidentiality stands behind the consent it relies on.
#[utoipa::path(post, path = "/consents/{id}/confirm", params(("id" = String, Path)), request_body = ConfirmInput, responses((status = 204)))]
pub async fn confirm_consent(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(_): JsonOrForm<ConfirmInput>,
) -> Result<StatusCode, ApiError> {
    st.store.confirm_consent(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The legal-basis form's elements for the fields a rule can name.
const BASIS_FORM: &[(&str, &str)] = &[("reference", "basis-reference"), ("justification", "basis-justification")];

/// A legal basis for sharing without consent (page only).
#[derive(Debug, Deserialize)]
pub struct LegalBasisForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    justification: String,
}

pub async fn add_legal_basis(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<LegalBasisForm>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = match InfoCategory::parse(&f.category) {
        None => Err(Rejected::new("basis-category", "legal_basis.category", "choose a category")),
        Some(category) => {
            let new = NewLegalBasis {
                case_id: id.clone(),
                from_service: f.from,
                to_service: f.to,
                category,
                reference: f.reference,
                justification: f.justification,
                valid_to: None,
            };
            st.store
                .record_legal_basis(u, new)
                .await
                .map(|_| ())
                .map_err(|e| Rejected::on(BASIS_FORM, "basis-reference", e))
        }
    };
    after(&st, &ctx, &id, "hjemler", r).await
}

#[derive(Serialize, ToSchema)]
pub struct GiverDto {
    person_id: Option<String>,
    /// child | parent | child_welfare_service | adult
    capacity: String,
    age: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentDto {
    id: String,
    case_id: String,
    /// child_welfare | health | general
    domain: String,
    givers: Vec<GiverDto>,
    from_services: Vec<String>,
    to_services: Vec<String>,
    categories: Vec<String>,
    purpose: String,
    consequences: String,
    /// written | oral | digital
    form: String,
    recorded_by: String,
    recorded_at: chrono::DateTime<chrono::Utc>,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    /// not_yet_valid | active | expired | withdrawn
    status: String,
    withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
    withdrawal_reason: Option<String>,
    renews: Option<String>,
    /// Services the information comes from that have not confirmed a consent another service recorded: it
    /// opens nothing of theirs until they do.
    awaiting_confirmation: Vec<String>,
}

impl From<Consent> for ConsentDto {
    fn from(c: Consent) -> Self {
        ConsentDto {
            awaiting_confirmation: c.awaiting_confirmation(),
            status: c.status(chrono::Utc::now()).as_str().into(),
            domain: c.domain.as_str().into(),
            givers: c
                .givers
                .into_iter()
                .map(|g| GiverDto { person_id: g.person_id, capacity: g.capacity.as_str().into(), age: g.age })
                .collect(),
            categories: c.categories.iter().map(|k| k.as_str().to_owned()).collect(),
            form: c.form.as_str().into(),
            id: c.id,
            case_id: c.case_id,
            from_services: c.from_services,
            to_services: c.to_services,
            purpose: c.purpose,
            consequences: c.consequences,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            withdrawn_at: c.withdrawn_at,
            withdrawal_reason: c.withdrawal_reason,
            renews: c.renews,
        }
    }
}
