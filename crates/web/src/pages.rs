//! Server-rendered pages. Handlers are thin: read the request, call the store, render a template.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use los_domain::ident::Kommunenummer;
use los_domain::model::{Law, Municipality, Provision, Sector, Service, in_force};
use los_store::{DemoUser, TokenKind};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Ctx, lang_cookie, session_cookie};
use crate::error::{AppError, PageError};
use crate::i18n::{Lang, Tr};

/// What every page's layout needs.
pub struct Base {
    pub t: Tr,
    pub user_name: Option<String>,
    pub demo: bool,
    pub path: String,
    pub langs: Vec<(&'static str, &'static str, bool)>,
    /// Extra menu entries for the user's kind: the family's access log, leaders' reports.
    pub citizen: bool,
    pub leader: bool,
    /// Employees have a worklist.
    pub employee: bool,
    /// Administrators administer the directory (`/admin`).
    pub admin: bool,
}

impl Base {
    /// The translated owner type ("kommunal", "statlig", …).
    pub fn owner(&self, o: &los_domain::model::OwnerType) -> String {
        self.t.get(&format!("owner-{o}"))
    }

    /// The translated name of an information category.
    pub fn category(&self, c: &los_domain::consent::InfoCategory) -> String {
        self.t.get(&format!("cat-{c}"))
    }

    /// The translated name of a category given by its code (from the audit log).
    pub fn cat_code(&self, code: &str) -> String {
        self.t.try_get(&format!("cat-{code}")).unwrap_or_else(|| code.to_owned())
    }

    /// The translated name of an audited action.
    pub fn action(&self, code: &str) -> String {
        self.t.try_get(&format!("action-{code}")).unwrap_or_else(|| code.to_owned())
    }

    /// The translated basis of a coordination assignment.
    pub fn basis(&self, b: &los_domain::coordination::CoordinationBasis) -> String {
        self.basis_code(b.as_str())
    }

    pub fn basis_code(&self, code: &str) -> String {
        self.t.try_get(&format!("basis-{code}")).unwrap_or_else(|| code.to_owned())
    }

    /// The translated name of a life transition.
    /// Words a review prompt's reason (`joined|service`, `left|service|reason`, `granted|service`,
    /// `coordinator_left|service`, or a transition code) in the page's language.
    pub fn prompt_reason(&self, reason: &str, service_name: impl Fn(&str) -> String) -> String {
        let parts: Vec<&str> = reason.splitn(3, '|').collect();
        match parts.as_slice() {
            [kind @ ("joined" | "coordinator_left" | "granted"), service] => {
                self.t.with(&format!("reason-{kind}"), &[("service", service_name(service).as_str())])
            }
            [kind @ "left", service, text] => {
                self.t.with(&format!("reason-{kind}"), &[("service", service_name(service).as_str()), ("text", text)])
            }
            _ => self.transition(reason),
        }
    }

    pub fn transition(&self, code: &str) -> String {
        self.t.try_get(&format!("transition-{code}")).unwrap_or_else(|| code.to_owned())
    }

    /// The translated sector name.
    pub fn sector(&self, s: &Sector) -> String {
        self.t.get(&format!("sector-{s}"))
    }

    pub fn new(ctx: &Ctx, demo: bool) -> Self {
        Base {
            t: ctx.tr,
            user_name: ctx.user.as_ref().map(|u| u.display_name.clone()),
            demo,
            path: ctx.path.clone(),
            langs: Lang::ALL.iter().map(|l| (l.code(), l.endonym(), *l == ctx.tr.lang)).collect(),
            citizen: ctx.user.as_ref().is_some_and(|u| u.kind == los_domain::model::UserKind::Citizen),
            employee: ctx.user.as_ref().is_some_and(|u| u.kind == los_domain::model::UserKind::Employee),
            leader: ctx
                .user
                .as_ref()
                .is_some_and(|u| u.memberships.iter().any(|m| m.role == los_domain::model::Role::Leader)),
            admin: ctx
                .user
                .as_ref()
                .is_some_and(|u| u.memberships.iter().any(|m| m.role == los_domain::model::Role::Administrator)),
        }
    }
}

pub type PageResult = Result<Response, PageError>;

pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

pub fn page_err(ctx: &Ctx) -> impl Fn(AppError) -> PageError + '_ {
    |error| PageError { error, tr: ctx.tr }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    base: Base,
    title: String,
    explanation: String,
}

impl ErrorPage {
    pub fn new(t: Tr, title: String, explanation: String) -> Self {
        let base = Base {
            t,
            user_name: None,
            demo: false,
            path: "/".into(),
            langs: Lang::ALL.iter().map(|l| (l.code(), l.endonym(), *l == t.lang)).collect(),
            citizen: false,
            leader: false,
            employee: false,
            admin: false,
        };
        ErrorPage { base, title, explanation }
    }

    pub fn render_html(&self) -> String {
        self.render().unwrap_or_else(|_| self.explanation.clone())
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    base: Base,
}

pub async fn home(State(st): State<AppState>, ctx: Ctx) -> Response {
    render(&HomePage { base: Base::new(&ctx, st.demo) })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    base: Base,
    users: Vec<DemoUser>,
    /// The configured OpenID providers: id and button label.
    providers: Vec<(String, String)>,
}

pub async fn login_form(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    // The demo user picker exists only in demo mode.
    let users = if st.demo { st.store.demo_users().await.map_err(|e| page_err(&ctx)(e.into()))? } else { vec![] };
    Ok(render(&LoginPage { base: Base::new(&ctx, st.demo), users, providers: st.login.buttons() }))
}

#[derive(Deserialize)]
pub struct LoginForm {
    user: String,
}

pub async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    connect: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let err = page_err(&ctx);
    let ip = crate::security::ip_of(connect.as_ref().map(|c| &c.0));
    st.failures.check(ip).map_err(|wait| err(crate::security::too_many(wait)))?;
    if !st.demo {
        return Err(err(AppError::new(
            StatusCode::NOT_FOUND,
            "login_not_configured",
            "demo login is only available in demo mode",
        )));
    }
    let demo_users = st.store.demo_users().await.map_err(|e| err(e.into()))?;
    if !demo_users.iter().any(|u| u.id == form.user) {
        st.failures.fail(ip);
        return Err(err(AppError::bad_request(
            "unknown_demo_user",
            format!("there is no demo user '{}'", crate::security::loggable(&form.user)),
        )));
    }
    let secret = st
        .store
        .create_token(&form.user, TokenKind::Session, Some("demo login"), Some(chrono::Duration::hours(8)))
        .await
        .map_err(|e| err(e.into()))?;
    tracing::info!(user.id = %crate::security::loggable(&form.user), "demo login");
    Ok((jar.add(session_cookie(secret, st.secure_cookies)), Redirect::to("/saker")).into_response())
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
}

pub async fn set_language(State(st): State<AppState>, jar: CookieJar, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    // Only local paths: never redirect off-site.
    let back = form.back.as_deref().and_then(crate::security::local_path).unwrap_or("/");
    (jar.add(lang_cookie(lang, st.secure_cookies)), Redirect::to(back)).into_response()
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    base: Base,
    services: Vec<Service>,
    sectors: Vec<(&'static str, String, bool)>,
}

#[derive(Deserialize)]
pub struct ServicesQuery {
    sektor: Option<String>,
}

pub async fn services(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ServicesQuery>) -> PageResult {
    let err = page_err(&ctx);
    let sector = match q.sektor.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            Sector::parse(s)
                .ok_or_else(|| err(AppError::bad_request("unknown_sector", format!("unknown sector '{s}'"))))?,
        ),
    };
    let services: Vec<Service> = st
        .store
        .services()
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|s| sector.is_none_or(|x| s.sector == x))
        .collect();
    let sectors =
        Sector::ALL.iter().map(|s| (s.as_str(), ctx.tr.get(&format!("sector-{s}")), Some(*s) == sector)).collect();
    Ok(render(&ServicesPage { base: Base::new(&ctx, st.demo), services, sectors }))
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    base: Base,
    svc: Service,
    type_name: String,
}

pub async fn service(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let err = page_err(&ctx);
    let service = st.store.service(&id).await.map_err(|e| err(e.into()))?;
    let types = st.store.service_types().await.map_err(|e| err(e.into()))?;
    let type_name = types
        .iter()
        .find(|t| t.code == service.service_type)
        .map(|t| match ctx.tr.lang {
            Lang::Nb => t.name_nb.clone(),
            Lang::Nn => t.name_nn.clone(),
            Lang::En => t.name_en.clone(),
        })
        .unwrap_or_else(|| service.service_type.clone());
    Ok(render(&ServicePage { base: Base::new(&ctx, st.demo), svc: service, type_name }))
}

pub struct ProvisionRow {
    provision: Provision,
    law_name: String,
    title: String,
    duties: Vec<String>,
    valid: String,
}

#[derive(Template)]
#[template(path = "laws.html")]
struct LawsPage {
    base: Base,
    provisions: Vec<ProvisionRow>,
    laws: Vec<(Law, String)>,
    /// (name in the page's language, sector, owner type, law short name)
    service_types: Vec<(String, Sector, los_domain::model::OwnerType, String)>,
}

fn validity(t: &Tr, from: chrono::NaiveDate, to: Option<chrono::NaiveDate>) -> String {
    match to {
        Some(to) => t.with("valid-between", &[("from", &from.to_string()), ("to", &to.to_string())]),
        None => t.with("valid-from", &[("from", &from.to_string())]),
    }
}

pub async fn laws(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let err = page_err(&ctx);
    let t = ctx.tr;
    let laws = st.store.laws().await.map_err(|e| err(e.into()))?;
    let today = chrono::Utc::now().date_naive();
    let mut provisions: Vec<ProvisionRow> = st
        .store
        .provisions()
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|p| {
            let law_name =
                laws.iter().find(|l| l.code == p.law_code).map_or_else(|| p.law_code.clone(), |l| l.short_name.clone());
            let mut duties = vec![];
            for (flag, key) in [
                (p.cooperation_system, "duty-system"),
                (p.cooperation_individual, "duty-individual"),
                (p.coordination_duty, "duty-coordination"),
                (p.child_coordinator, "duty-child-coordinator"),
            ] {
                if flag {
                    duties.push(t.get(key));
                }
            }
            let title = if t.lang == Lang::En { p.title_en.clone() } else { p.title_nb.clone() };
            let valid = validity(&t, p.valid_from, p.valid_to);
            ProvisionRow { provision: p, law_name, title, duties, valid }
        })
        .collect();
    // Provisions in force first, history after.
    provisions.sort_by_key(|p| !in_force(p.provision.valid_from, p.provision.valid_to, today));
    let service_types = st
        .store
        .service_types()
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|st| {
            let name = match t.lang {
                Lang::Nb => st.name_nb,
                Lang::Nn => st.name_nn,
                Lang::En => st.name_en,
            };
            let law = st
                .law_code
                .and_then(|c| laws.iter().find(|l| l.code == c).map(|l| l.short_name.clone()))
                .unwrap_or_default();
            (name, st.sector, st.owner_type, law)
        })
        .collect();
    let laws = laws.into_iter().map(|l| {
        let v = validity(&t, l.valid_from, l.valid_to);
        (l, v)
    });
    Ok(render(&LawsPage { base: Base::new(&ctx, st.demo), provisions, laws: laws.collect(), service_types }))
}

#[derive(Template)]
#[template(path = "municipalities.html")]
struct MunicipalitiesPage {
    base: Base,
    municipalities: Vec<Municipality>,
    query: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct MunicipalityQuery {
    q: Option<String>,
}

pub async fn municipalities(State(st): State<AppState>, ctx: Ctx, Query(q): Query<MunicipalityQuery>) -> PageResult {
    let err = page_err(&ctx);
    let query = q.q.unwrap_or_default();
    let today = chrono::Utc::now().date_naive();
    let trimmed = query.trim();
    // A query of digits is a kommunenummer (or its start); a full 4-digit number must be a valid one.
    let mut error = None;
    if trimmed.len() == 4
        && trimmed.chars().all(|c| c.is_ascii_digit())
        && let Err(e) = Kommunenummer::parse(trimmed)
    {
        error = Some(ctx.tr.try_get(&format!("err-{}", e.rule().replace('.', "-"))).unwrap_or_else(|| e.to_string()));
    }
    let municipalities = if error.is_some() {
        vec![]
    } else {
        st.store.municipalities(today, Some(trimmed)).await.map_err(|e| err(e.into()))?
    };
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = MunicipalitiesPage { base: Base::new(&ctx, st.demo), municipalities, query, error };
    Ok((status, render(&page)).into_response())
}

/// Fallback for unknown paths: a page in the user's language.
pub async fn not_found(ctx: Ctx) -> PageError {
    PageError {
        error: AppError::new(StatusCode::NOT_FOUND, "page_not_found", format!("no page at {}", ctx.path)),
        tr: ctx.tr,
    }
}
