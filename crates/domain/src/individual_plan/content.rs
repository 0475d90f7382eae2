//! What the individual plan says (IP-forskriften § 9; spec 02 §2.9–2.10, spec 05 §1): its sections as
//! configuration data, the child's goals with sub-goals, the measures with the service responsible, scope,
//! how, timing, status and any agreed deviation from the usual division of work (§ 10), what the child, the
//! family and relatives contribute — with the child's own words marked as theirs — and the next evaluation.
//!
//! Every change makes a new version of the whole content, with who and why ([`apply`] checks the change;
//! the store keeps each version), so any two versions can be compared ([`diff`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::coded_enum;

/// A section the plan must hold, as the municipality configures it. The defaults ([`default_sections`])
/// are the nine items of the earlier regulations (spec 05 §1: the 2022 wording of § 9 tredje ledd is not
/// verified, so the list is data, tagged "legacy", and not closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDef {
    pub code: String,
    pub title_nb: String,
    pub title_nn: String,
    pub title_en: String,
    pub position: i32,
    /// From the list of the earlier regulations (pre-2022), to check against § 9 tredje ledd.
    pub legacy: bool,
}

/// The nine items of forskrift om habilitering og rehabilitering § 19 and NAV's IP regulation (spec 05 §1).
pub fn default_sections() -> Vec<SectionDef> {
    let rows: [(&str, &str, &str, &str); 9] = [
        (
            "goals_resources_needs",
            "Mål, ressurser og behov for tjenester",
            "Mål, ressursar og behov for tenester",
            "Goals, resources and need for services",
        ),
        (
            "participants",
            "Hvem som deltar i arbeidet med planen",
            "Kven som deltek i arbeidet med planen",
            "Who takes part in the work on the plan",
        ),
        (
            "coordination",
            "Hvem som har ansvar for samordning og framdrift",
            "Kven som har ansvar for samordning og framdrift",
            "Who is responsible for coordination and progress",
        ),
        (
            "contributions",
            "Hva barnet, tjenestene og pårørende bidrar med",
            "Kva barnet, tenestene og pårørande bidreg med",
            "What the child, the services and relatives contribute",
        ),
        (
            "measures",
            "Tiltak, omfang og hvem som har ansvaret",
            "Tiltak, omfang og kven som har ansvaret",
            "Measures, their scope and who is responsible",
        ),
        (
            "implementation",
            "Hvordan tiltakene skal gjennomføres",
            "Korleis tiltaka skal gjennomførast",
            "How the measures are carried out",
        ),
        (
            "period",
            "Planperiode og tidspunkt for justering",
            "Planperiode og tidspunkt for justering",
            "Plan period and times for revision",
        ),
        (
            "consent",
            "Samtykke til planen og til at deltakerne får opplysninger",
            "Samtykke til planen og til at deltakarane får opplysningar",
            "Consent to the plan and to the participants' access to information",
        ),
        (
            "cooperation",
            "Nødvendig samarbeid med andre tjenesteytere og etater",
            "Nødvendig samarbeid med andre tenesteytarar og etatar",
            "Necessary cooperation with other providers and agencies",
        ),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (code, nb, nn, en))| SectionDef {
            code: (*code).into(),
            title_nb: (*nb).into(),
            title_nn: (*nn).into(),
            title_en: (*en).into(),
            position: i as i32 + 1,
            legacy: true,
        })
        .collect()
}

coded_enum!(
    /// Whose words a text is. The child's own words are a first-class part of the plan.
    Voice {
        Child = "child",
        Family = "family",
        Relatives = "relatives",
        Service = "service",
    }
);

coded_enum!(
    /// Where a measure stands.
    MeasureStatus {
        Planned = "planned",
        Started = "started",
        Done = "done",
        Stopped = "stopped",
    }
);

/// A text in a section: goals, resources and needs in the child's or family's words, contributions,
/// cooperation, cultural and language adaptation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub section: String,
    pub voice: Voice,
    pub text: String,
}

/// A goal, or a sub-goal of one (`parent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    pub parent: Option<String>,
    pub text: String,
    pub voice: Voice,
}

/// A measure towards a goal or sub-goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub id: String,
    pub goal: String,
    pub title: String,
    pub responsible_service: String,
    /// How much: "2 timer i uka", "hver 14. dag".
    pub scope: String,
    /// How it is carried out.
    pub how: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub status: MeasureStatus,
    /// The services agreed that this measure departs from the usual division of work (§ 10): why.
    pub agreed_deviation: Option<String>,
}

/// The plan's content: one version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub entries: Vec<Entry>,
    pub goals: Vec<Goal>,
    pub measures: Vec<Measure>,
    /// The next evaluation with the family (§ 9 andre ledd: kept up to date).
    pub next_evaluation: Option<NaiveDate>,
}

/// A measure to add or change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureInput {
    pub goal: String,
    pub title: String,
    pub responsible_service: String,
    pub scope: String,
    pub how: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub agreed_deviation: Option<String>,
}

/// One change to the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    AddEntry {
        section: String,
        voice: Voice,
        text: String,
    },
    EditEntry {
        id: String,
        text: String,
    },
    RemoveEntry {
        id: String,
    },
    AddGoal {
        parent: Option<String>,
        voice: Voice,
        text: String,
    },
    EditGoal {
        id: String,
        text: String,
    },
    /// A goal without sub-goals or measures.
    RemoveGoal {
        id: String,
    },
    AddMeasure(MeasureInput),
    EditMeasure {
        id: String,
        measure: MeasureInput,
    },
    SetStatus {
        id: String,
        status: MeasureStatus,
    },
    SetEvaluation {
        on: Option<NaiveDate>,
    },
}

/// Who makes a change, as far as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor<'a> {
    /// The service with the main responsibility: any change.
    Responsible,
    /// A service taking part with access to the plan: the status of its own measures, and entries in its
    /// voice (every participant has a duty to keep the plan up to date, spec 02 §2.10).
    Participant(&'a str),
    /// The child or a family member in Los: entries and goals in their own voice.
    Family(Voice),
}

/// What the rules check a change against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub sections: &'a [SectionDef],
    /// The services taking part in the case today.
    pub services: &'a [String],
    pub today: NaiveDate,
    /// The id the change gives a new item.
    pub new_id: &'a str,
}

/// The most a plan holds: enough for a child with many services, and a bound against misuse.
pub const MAX_ITEMS: usize = 2000;
/// The longest text of one item.
pub const MAX_TEXT: usize = 10_000;

/// Why a change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("write the text")]
    Empty,
    #[error("a text holds at most {MAX_TEXT} characters")]
    TooLong,
    #[error("{0} is not a section of the plan")]
    UnknownSection(String),
    #[error("{0} is not in the plan")]
    UnknownItem(String),
    #[error("a sub-goal belongs to a goal (two levels)")]
    TooDeep,
    #[error("remove or move the goal's sub-goals and measures first")]
    GoalInUse,
    #[error("{0} does not take part in the case: every measure has a service taking part responsible for it")]
    NotParticipant(String),
    #[error("a measure ends after it starts")]
    Period,
    #[error("say why the services agreed to depart from the usual division of work")]
    DeviationReason,
    #[error("you change only what is yours in the plan: the service with the main responsibility changes the rest")]
    NotYours,
    #[error("the plan holds at most {MAX_ITEMS} items")]
    TooMany,
    #[error("the evaluation is set for a day ahead")]
    EvaluationPast,
}

impl ContentError {
    pub fn code(&self) -> &'static str {
        match self {
            ContentError::Empty => "ip.content_empty",
            ContentError::TooLong => "ip.content_too_long",
            ContentError::UnknownSection(_) => "ip.content_section",
            ContentError::UnknownItem(_) => "ip.content_item",
            ContentError::TooDeep => "ip.content_too_deep",
            ContentError::GoalInUse => "ip.content_goal_in_use",
            ContentError::NotParticipant(_) => "ip.content_not_participant",
            ContentError::Period => "ip.content_period",
            ContentError::DeviationReason => "ip.content_deviation",
            ContentError::NotYours => "ip.content_not_yours",
            ContentError::TooMany => "ip.content_too_many",
            ContentError::EvaluationPast => "ip.content_evaluation",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            ContentError::Empty | ContentError::TooLong => "text",
            ContentError::UnknownSection(_) => "section",
            ContentError::UnknownItem(_) | ContentError::TooDeep | ContentError::GoalInUse => "goal",
            ContentError::NotParticipant(_) => "responsible_service",
            ContentError::Period => "ends_on",
            ContentError::DeviationReason => "agreed_deviation",
            ContentError::EvaluationPast => "on",
            ContentError::NotYours | ContentError::TooMany => return None,
        })
    }
}

fn text(t: &str) -> Result<String, ContentError> {
    let t = t.trim();
    if t.is_empty() {
        Err(ContentError::Empty)
    } else if t.chars().count() > MAX_TEXT {
        Err(ContentError::TooLong)
    } else {
        Ok(t.to_owned())
    }
}

fn optional_text(t: &str) -> Result<String, ContentError> {
    if t.trim().is_empty() { Ok(String::new()) } else { text(t) }
}

fn measure(
    m: &MeasureInput,
    c: &PlanContent,
    ctx: &Context<'_>,
    id: &str,
    status: MeasureStatus,
) -> Result<Measure, ContentError> {
    if !c.goals.iter().any(|g| g.id == m.goal) {
        return Err(ContentError::UnknownItem(m.goal.clone()));
    }
    if !ctx.services.contains(&m.responsible_service) {
        return Err(ContentError::NotParticipant(m.responsible_service.clone()));
    }
    if let (Some(a), Some(b)) = (m.starts_on, m.ends_on)
        && b < a
    {
        return Err(ContentError::Period);
    }
    let agreed_deviation = match &m.agreed_deviation {
        None => None,
        Some(r) if r.trim().is_empty() => return Err(ContentError::DeviationReason),
        Some(r) => Some(text(r)?),
    };
    Ok(Measure {
        id: id.to_owned(),
        goal: m.goal.clone(),
        title: text(&m.title)?,
        responsible_service: m.responsible_service.clone(),
        scope: optional_text(&m.scope)?,
        how: optional_text(&m.how)?,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        status,
        agreed_deviation,
    })
}

/// May `editor` make `change` to `c`?
fn allowed(editor: Editor<'_>, change: &Change, c: &PlanContent) -> bool {
    match editor {
        Editor::Responsible => true,
        Editor::Participant(service) => match change {
            Change::SetStatus { id, .. } => c.measures.iter().any(|m| &m.id == id && m.responsible_service == service),
            Change::AddEntry { voice: Voice::Service, .. } => true,
            _ => false,
        },
        Editor::Family(voice) => match change {
            Change::AddEntry { voice: v, .. } | Change::AddGoal { voice: v, .. } => *v == voice,
            _ => false,
        },
    }
}

/// Applies one change, checked, and returns the new version of the content.
pub fn apply(
    c: &PlanContent,
    change: &Change,
    editor: Editor<'_>,
    ctx: &Context<'_>,
) -> Result<PlanContent, ContentError> {
    if !allowed(editor, change, c) {
        return Err(ContentError::NotYours);
    }
    let mut n = c.clone();
    match change {
        Change::AddEntry { section, voice, text: t } => {
            if !ctx.sections.iter().any(|s| &s.code == section) {
                return Err(ContentError::UnknownSection(section.clone()));
            }
            n.entries.push(Entry { id: ctx.new_id.into(), section: section.clone(), voice: *voice, text: text(t)? });
        }
        Change::EditEntry { id, text: t } => {
            let e = n.entries.iter_mut().find(|e| &e.id == id).ok_or_else(|| ContentError::UnknownItem(id.clone()))?;
            e.text = text(t)?;
        }
        Change::RemoveEntry { id } => {
            let before = n.entries.len();
            n.entries.retain(|e| &e.id != id);
            if n.entries.len() == before {
                return Err(ContentError::UnknownItem(id.clone()));
            }
        }
        Change::AddGoal { parent, voice, text: t } => {
            if let Some(p) = parent {
                let g = n.goals.iter().find(|g| &g.id == p).ok_or_else(|| ContentError::UnknownItem(p.clone()))?;
                if g.parent.is_some() {
                    return Err(ContentError::TooDeep);
                }
            }
            n.goals.push(Goal { id: ctx.new_id.into(), parent: parent.clone(), text: text(t)?, voice: *voice });
        }
        Change::EditGoal { id, text: t } => {
            let g = n.goals.iter_mut().find(|g| &g.id == id).ok_or_else(|| ContentError::UnknownItem(id.clone()))?;
            g.text = text(t)?;
        }
        Change::RemoveGoal { id } => {
            if !n.goals.iter().any(|g| &g.id == id) {
                return Err(ContentError::UnknownItem(id.clone()));
            }
            if n.goals.iter().any(|g| g.parent.as_ref() == Some(id)) || n.measures.iter().any(|m| &m.goal == id) {
                return Err(ContentError::GoalInUse);
            }
            n.goals.retain(|g| &g.id != id);
        }
        Change::AddMeasure(m) => {
            let new = measure(m, &n, ctx, ctx.new_id, MeasureStatus::Planned)?;
            n.measures.push(new);
        }
        Change::EditMeasure { id, measure: m } => {
            let i = n.measures.iter().position(|x| &x.id == id).ok_or_else(|| ContentError::UnknownItem(id.clone()))?;
            let status = n.measures[i].status;
            n.measures[i] = measure(m, &n, ctx, id, status)?;
        }
        Change::SetStatus { id, status } => {
            let m = n.measures.iter_mut().find(|m| &m.id == id).ok_or_else(|| ContentError::UnknownItem(id.clone()))?;
            m.status = *status;
        }
        Change::SetEvaluation { on } => {
            if on.is_some_and(|d| d < ctx.today) {
                return Err(ContentError::EvaluationPast);
            }
            n.next_evaluation = *on;
        }
    }
    if n.entries.len() + n.goals.len() + n.measures.len() > MAX_ITEMS {
        return Err(ContentError::TooMany);
    }
    Ok(n)
}

/// The measures past their end and not done or stopped: shown on the plan and the coordinator's overview.
pub fn overdue(c: &PlanContent, today: NaiveDate) -> Vec<&Measure> {
    c.measures
        .iter()
        .filter(|m| m.ends_on.is_some_and(|e| e < today))
        .filter(|m| matches!(m.status, MeasureStatus::Planned | MeasureStatus::Started))
        .collect()
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// added | removed | changed
    pub kind: &'static str,
    /// entry | goal | measure | evaluation
    pub item: &'static str,
    pub id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn describe_measure(m: &Measure) -> String {
    let period = match (m.starts_on, m.ends_on) {
        (Some(a), Some(b)) => format!(" {a}–{b}"),
        (Some(a), None) => format!(" fra {a}"),
        (None, Some(b)) => format!(" til {b}"),
        (None, None) => String::new(),
    };
    let deviation = m.agreed_deviation.as_deref().map(|d| format!(" [avvik: {d}]")).unwrap_or_default();
    format!("{} ({}; {}; {}; {}){period}{deviation}", m.title, m.responsible_service, m.scope, m.how, m.status)
}

/// What changed from version `a` to version `b`, item by item.
pub fn diff(a: &PlanContent, b: &PlanContent) -> Vec<Difference> {
    let mut out = Vec::new();
    fn pairs<T>(
        out: &mut Vec<Difference>,
        item: &'static str,
        a: &[T],
        b: &[T],
        id: impl Fn(&T) -> &str,
        show: impl Fn(&T) -> String,
    ) {
        for x in a {
            match b.iter().find(|y| id(y) == id(x)) {
                None => {
                    out.push(Difference { kind: "removed", item, id: id(x).into(), before: Some(show(x)), after: None })
                }
                Some(y) if show(x) != show(y) => out.push(Difference {
                    kind: "changed",
                    item,
                    id: id(x).into(),
                    before: Some(show(x)),
                    after: Some(show(y)),
                }),
                Some(_) => {}
            }
        }
        for y in b.iter().filter(|y| !a.iter().any(|x| id(x) == id(y))) {
            out.push(Difference { kind: "added", item, id: id(y).into(), before: None, after: Some(show(y)) });
        }
    }
    pairs(&mut out, "entry", &a.entries, &b.entries, |e| &e.id, |e| format!("{}: {}", e.voice, e.text));
    pairs(&mut out, "goal", &a.goals, &b.goals, |g| &g.id, |g| format!("{}: {}", g.voice, g.text));
    pairs(&mut out, "measure", &a.measures, &b.measures, |m| &m.id, describe_measure);
    if a.next_evaluation != b.next_evaluation {
        out.push(Difference {
            kind: "changed",
            item: "evaluation",
            id: String::new(),
            before: a.next_evaluation.map(|d| d.to_string()),
            after: b.next_evaluation.map(|d| d.to_string()),
        });
    }
    out
}
