//! The individual plan as an accessible PDF in the plan's language (bokmål or nynorsk), for the family and
//! the plan's other readers: its goals, the sections' texts with whose words they are, the measures with
//! who does what and when, the responsibility group and its meetings. Worded here from the same
//! translations as the page, typeset by `los_letters` (typst, PDF/UA-1) like the child-coordinator letters.
//! The plan is read through the store's audited read; a reader who sees only the summary gets no PDF.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use los_domain::individual_plan::content::{PlanContent, Voice};
use los_domain::model::User;
use los_letters::{Document, DocumentSection, Language};
use los_store::{IpDetail, IpSummary, IpView, StoreError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::user;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::i18n::{Lang, Tr};
use crate::pages::{PageResult, page_err};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/individuell-plan/plan.pdf", get(pdf_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(plan_pdf))
}

/// The plan's document, worded in `lang`.
pub fn document(view: &IpView, p: &IpSummary, d: &IpDetail, lang: Lang) -> Document {
    let t = Tr::new(lang);
    let date = |x: chrono::NaiveDate| x.format("%d.%m.%Y").to_string();
    let today = chrono::Utc::now().date_naive();
    let service =
        |id: &str| view.services.iter().find(|(s, _)| s == id).map_or_else(|| id.to_owned(), |(_, n)| n.clone());
    let voiced = |text: &str, voice: Voice| match voice {
        Voice::Service => text.to_owned(),
        v => format!("{text} ({})", t.get(&format!("ip-voice-{}", v.as_str()))),
    };
    let responsible = p.responsible.as_ref().map(|r| r.service_name.clone()).unwrap_or_default();
    let version = d.versions.last();
    let mut facts = vec![
        (t.get("ip-pdf-date"), date(today)),
        (t.get("ip-responsible"), responsible.clone()),
        (t.get("ip-bases"), p.bases.iter().map(|b| b.law).collect::<Vec<_>>().join("; ")),
    ];
    if let Some(v) = version {
        facts.push((
            t.get("ip-pdf-version"),
            t.with(
                "ip-pdf-version-value",
                &[("number", v.number.to_string().as_str()), ("date", date(v.at.date_naive()).as_str())],
            ),
        ));
    }
    if let Some(e) = d.content.next_evaluation {
        facts.push((t.get("ip-pdf-evaluation"), date(e)));
    }
    if let Some(i) = &p.interpreter_language {
        facts.push((t.get("ip-pdf-interpreter"), i.clone()));
    }
    let c: &PlanContent = &d.content;
    let mut sections = Vec::new();
    let mut goals = Vec::new();
    for g in c.goals.iter().filter(|g| g.parent.is_none()) {
        goals.push(voiced(&g.text, g.voice));
        for s in c.goals.iter().filter(|s| s.parent.as_deref() == Some(g.id.as_str())) {
            goals.push(format!("{} › {}", g.text, voiced(&s.text, s.voice)));
        }
    }
    sections.push(section(t.get("ip-pdf-goals"), vec![], goals, &t));
    for sec in &d.sections {
        let texts: Vec<String> =
            c.entries.iter().filter(|e| e.section == sec.code).map(|e| voiced(&e.text, e.voice)).collect();
        if texts.is_empty() {
            continue;
        }
        let heading = match lang {
            Lang::Nn => sec.title_nn.clone(),
            Lang::En => sec.title_en.clone(),
            Lang::Nb => sec.title_nb.clone(),
        };
        sections.push(section(heading, texts, vec![], &t));
    }
    let measures = c
        .measures
        .iter()
        .map(|m| {
            let period = match (m.starts_on, m.ends_on) {
                (Some(a), Some(b)) => format!("{}–{}", date(a), date(b)),
                (Some(a), None) => format!("{}–", date(a)),
                (None, Some(b)) => format!("–{}", date(b)),
                (None, None) => String::new(),
            };
            let mut line = t.with(
                "ip-pdf-measure-line",
                &[
                    ("title", m.title.as_str()),
                    ("service", service(&m.responsible_service).as_str()),
                    ("status", t.get(&format!("ip-measure-status-{}", m.status.as_str())).as_str()),
                ],
            );
            for part in [m.scope.as_str(), m.how.as_str(), period.as_str()] {
                if !part.trim().is_empty() {
                    line.push_str(". ");
                    line.push_str(part.trim());
                }
            }
            if let Some(why) = &m.agreed_deviation {
                line.push_str(". ");
                line.push_str(&t.with("ip-pdf-deviation", &[("why", why.as_str())]));
            }
            line
        })
        .collect();
    sections.push(section(t.get("ip-pdf-measures"), vec![], measures, &t));
    let group = p
        .group
        .iter()
        .map(|m| match &m.service_name {
            Some(s) => format!("{} ({s}): {}", m.name, m.function),
            None => format!("{}: {}", m.name, m.function),
        })
        .collect();
    sections.push(section(t.get("ip-group"), vec![], group, &t));
    let meetings = view
        .meetings
        .iter()
        .filter(|m| m.cancelled_at.is_none())
        .map(|m| {
            let mut line = m.starts_at.format("%d.%m.%Y %H:%M").to_string();
            if let Some(min) = &m.minutes {
                let came: Vec<String> = min.attended.iter().map(|s| service(s)).collect();
                line.push_str(". ");
                line.push_str(&t.with("ip-pdf-attended", &[("services", came.join(", ").as_str())]));
            }
            for a in &m.actions {
                line.push_str(". ");
                line.push_str(&t.with(
                    "ip-action-line",
                    &[
                        ("what", a.description.as_str()),
                        ("service", service(&a.owner_service).as_str()),
                        ("date", date(a.due_on).as_str()),
                    ],
                ));
                if a.done_at.is_some() {
                    line.push_str(&format!(" ({})", t.get("ip-action-done").to_lowercase()));
                }
            }
            line
        })
        .collect();
    sections.push(section(t.get("ip-group-meetings"), vec![], meetings, &t));
    Document {
        language: if lang == Lang::Nn { Language::Nynorsk } else { Language::Bokmal },
        title: t.with("ip-pdf-title", &[("name", view.child_name.as_str())]),
        author: [responsible.as_str(), view.municipality.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        municipality: view.municipality.clone(),
        unit: responsible,
        date: today,
        reference: format!("{}-{}", p.id, version.map_or(0, |v| v.number)),
        facts,
        sections,
        page_label: t.get("ip-pdf-page"),
    }
}

/// A section; an empty one says so rather than standing bare.
fn section(heading: String, paragraphs: Vec<String>, items: Vec<String>, t: &Tr) -> DocumentSection {
    let paragraphs =
        if paragraphs.is_empty() && items.is_empty() { vec![t.get("ip-pdf-nothing-yet")] } else { paragraphs };
    DocumentSection { heading, paragraphs, items }
}

async fn render(st: &AppState, actor: &User, id: &str) -> Result<Vec<u8>, StoreError> {
    let view = st.store.individual_plan(actor, id).await?;
    let (Some(p), Some(d)) = (&view.plan, &view.detail) else {
        return Err(match view.detail_denied.clone() {
            Some(reason) => StoreError::Denied(reason),
            None => StoreError::NotFound { kind: "individual plan", id: id.to_owned() },
        });
    };
    let lang = if p.language == "nn" { Lang::Nn } else { Lang::Nb };
    let doc = document(&view, p, d, lang);
    tokio::task::spawn_blocking(move || los_letters::render_document_pdf(&doc))
        .await
        .map_err(|e| StoreError::Integrity(format!("typesetting the plan: {e}")))?
        .map_err(|e| StoreError::Integrity(format!("typesetting the plan: {e}")))
}

fn pdf(bytes: Vec<u8>, id: &str) -> Response {
    let plain: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("inline; filename=\"individuell-plan-{plain}.pdf\"")),
        ],
        bytes,
    )
        .into_response()
}

async fn pdf_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let u = user(&ctx)?;
    let bytes = render(&st, u, &id).await.map_err(|e| page_err(&ctx)(e.into()))?;
    Ok(pdf(bytes, &id))
}

/// The plan as an accessible PDF in its language (bokmål or nynorsk), for the plan's readers.
#[utoipa::path(get, path = "/cases/{id}/individual-plan/pdf", params(("id" = String, Path)), responses((status = 200, description = "The plan (PDF)", content_type = "application/pdf", body = Vec<u8>)))]
pub async fn plan_pdf(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(pdf(render(&st, &user, &id).await?, &id))
}
