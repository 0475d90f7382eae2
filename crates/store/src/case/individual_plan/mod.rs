//! The individual plan of a case (issue 13; IP-forskriften; spec 02 §2): one plan per child, started by
//! child welfare, NAV or the municipal health and care service (a second start links to it), its legal bases,
//! the consent whose givers follow the bases (and which names the services that may read the plan), the one
//! service with the main responsibility over time, the participants with their duty, specialist health's
//! notification (§ 8), complaints by route, and the end.
//!
//! Who does what is the policy's `Resource::IndividualPlan`; the rules are `los_domain::individual_plan`.
//! Every read and write is audited: the summary (that there is a plan, its state, who holds it, its bases and
//! participants) as the case's overview, which every reader of the case sees; the rest (consents, complaints,
//! the history) only as the plan's own access allows.

mod complaints;
mod content;
pub(crate) mod group;
mod overview;
mod writes;

pub use complaints::{NewIpComplaint, NewIpComplaintStep};
pub use content::{IpComparison, IpVersionView};
pub use group::{IpGroupCandidate, IpGroupMemberView, NewIpGroupMember};
pub use overview::{IpBehind, IpHeld};

pub use writes::{
    IpStarted, NewIpConsent, NewIpNotification, NewIpParticipant, NewIpResponsibility, NewIpSettings, NewIpStart,
};

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::{ConsentDomain, ConsentForm, ConsentGiver, GiverCapacity};
use los_domain::individual_plan::complaint::{ComplainantCapacity, ComplaintOutcome, ComplaintState};
use los_domain::individual_plan::{
    ConsentRequirement, IpBasis, IpComplaintRoute, IpConsentSituation, IpRole, IpState, ResponsibilityHow,
    complaint_routes, consent_requirements, consent_still_meets, plan_state, role_of,
};
use los_domain::model::{OwnerType, Role, Sector, User};
use los_policy::individual_plan::PlanFacts;
use los_policy::{Action, Basis, Decider, DenyReason, IndividualPlanStep, Resource, authorize};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, load, parse_enum};

/// A legal basis recorded on the plan.
#[derive(Debug, Clone, Serialize)]
pub struct IpBasisView {
    pub id: String,
    pub basis: IpBasis,
    /// The provision, as cited.
    pub law: &'static str,
    pub consent_domain: ConsentDomain,
    pub complaint_route: IpComplaintRoute,
    pub recorded_by: String,
    pub recorded_by_service: String,
    pub recorded_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
    pub removal_reason: Option<String>,
}

/// Who held the main responsibility, from when, and how they got it.
#[derive(Debug, Clone, Serialize)]
pub struct IpResponsibilityView {
    pub service_id: String,
    pub service_name: String,
    pub how: ResponsibilityHow,
    pub reasoning: String,
    pub decided_by: String,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// A service taking part in the plan, with its duty.
#[derive(Debug, Clone, Serialize)]
pub struct IpParticipantView {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    /// responsible | specialist | duty_to_take_part | other
    pub role: String,
    /// The provision that obliges it to take part, if one does.
    pub law: Option<String>,
    pub note: String,
    pub contacted_by: String,
    pub contacted_at: DateTime<Utc>,
}

/// A consent to the plan.
#[derive(Debug, Clone, Serialize)]
pub struct IpConsentView {
    pub id: String,
    pub givers: Vec<ConsentGiver>,
    /// The services this consent lets read the plan.
    pub access_services: Vec<String>,
    pub form: ConsentForm,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
}

/// A start, a linked start, a notification from specialist health, or the end.
#[derive(Debug, Clone, Serialize)]
pub struct IpEventView {
    pub id: String,
    pub kind: String,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub text: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A complaint about the plan, tracked to its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct IpComplaintView {
    pub id: String,
    pub route: IpComplaintRoute,
    /// The rules it follows, as cited.
    pub law: &'static str,
    pub capacity: ComplainantCapacity,
    pub description: String,
    pub received_on: NaiveDate,
    /// The last day to complain, from the day the complainant learned of it.
    pub deadline: NaiveDate,
    /// Came in after the deadline (the complaint body may still take it up).
    pub late: bool,
    pub state: ComplaintState,
    pub outcome: Option<ComplaintOutcome>,
    pub outcome_text: Option<String>,
    pub recorded_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The plan's summary: part of the case's shared overview, so every reader of the case sees who does what.
#[derive(Debug, Clone, Serialize)]
pub struct IpSummary {
    pub id: String,
    pub state: IpState,
    pub started_at: DateTime<Utc>,
    pub started_by_service: String,
    pub responsible: Option<IpResponsibilityView>,
    pub bases: Vec<IpBasisView>,
    pub participants: Vec<IpParticipantView>,
    /// Whose consent the plan needs now, per welfare law of its bases.
    pub consent_requirements: Vec<ConsentRequirement>,
    /// The complaint routes the bases open.
    pub complaint_routes: Vec<IpComplaintRoute>,
    pub language: String,
    pub interpreter_language: Option<String>,
    pub care_order: bool,
    pub measures_for_parents: bool,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    /// Services of the case with a duty to take part (IP-forskriften § 7 tredje ledd) not yet contacted.
    pub to_contact: Vec<IpParticipantView>,
    /// The responsibility group: who sits in it and with what function.
    pub group: Vec<IpGroupMemberView>,
}

/// A service behind with what it committed to: follow-ups from the responsibility group's meetings past
/// their due day, and (for readers of the plan) its measures past their end.
#[derive(Debug, Clone, Serialize)]
pub struct IpLate {
    pub service_id: String,
    pub service_name: String,
    /// The follow-ups' descriptions.
    pub actions: Vec<String>,
    /// The measures' titles.
    pub measures: Vec<String>,
}

/// What only the plan's own readers see.
#[derive(Debug, Clone, Serialize)]
pub struct IpDetail {
    /// What the plan says now (its latest version).
    pub content: los_domain::individual_plan::content::PlanContent,
    /// Every version, oldest first: who changed the plan, when and why.
    pub versions: Vec<IpVersionView>,
    /// The measures past their end and neither done nor stopped.
    pub overdue: Vec<String>,
    /// The next evaluation is due (today or past).
    pub evaluation_due: bool,
    /// The sections the plan holds (the municipality's configuration).
    pub sections: Vec<los_domain::individual_plan::content::SectionDef>,
    pub consents: Vec<IpConsentView>,
    pub complaints: Vec<IpComplaintView>,
    pub responsibility_history: Vec<IpResponsibilityView>,
    pub events: Vec<IpEventView>,
}

/// What the reader may do (the policy's answers, never a second rule).
#[derive(Debug, Clone, Default, Serialize)]
pub struct IpMay {
    pub start: bool,
    pub manage: bool,
    pub decide: bool,
    pub family: bool,
}

/// The individual plan of a case as the reader may see it.
#[derive(Debug, Clone, Serialize)]
pub struct IpView {
    pub case_id: String,
    /// The plan not ended, or the last one ended; none when IP work has not started.
    pub plan: Option<IpSummary>,
    /// Consents, complaints and history, when the reader has access to the plan itself.
    pub detail: Option<IpDetail>,
    /// Why the reader sees only the summary.
    pub detail_denied: Option<DenyReason>,
    /// Specialist health's notifications of a need (§ 8) before any plan: the municipality must start one.
    pub pending_notifications: Vec<IpEventView>,
    pub may: IpMay,
    pub access_basis: Basis,
    /// The child's age today (who consents and complains follows it).
    pub child_age: u32,
    /// The child's municipality (its name), for the plan's letterhead.
    pub municipality: String,
    /// The child's person id (the child may sit in the responsibility group).
    pub child_id: String,
    pub child_name: String,
    /// The services taking part in the case today: (id, name). The consent names among them who may read
    /// the plan; the main responsibility goes to one of them.
    pub services: Vec<(String, String)>,
    /// The parents with parental responsibility: (person id, name), who may consent and complain.
    pub parents: Vec<(String, String)>,
    /// The responsibility group's meetings, oldest first (case meetings of that kind), with attendance,
    /// minutes (where the reader may see them) and follow-ups.
    pub meetings: Vec<crate::case::meetings::MeetingView>,
    /// Who is behind with what they committed to, by service.
    pub late: Vec<IpLate>,
    /// Employees who may join the group (for the service with the main responsibility).
    pub group_candidates: Vec<IpGroupCandidate>,
}

/// The rows of a plan.
pub(crate) struct PlanRows {
    pub plan: ip_plan::Model,
    pub bases: Vec<ip_basis::Model>,
    pub consents: Vec<ip_consent::Model>,
    pub responsibility: Vec<ip_responsibility::Model>,
    pub participants: Vec<ip_participant::Model>,
}

impl PlanRows {
    pub(crate) fn current_bases(&self) -> Result<Vec<IpBasis>, StoreError> {
        self.bases
            .iter()
            .filter(|b| b.removed_at.is_none())
            .map(|b| parse_enum(&b.basis, IpBasis::parse, "IP basis"))
            .collect()
    }

    pub(crate) fn responsible(&self) -> Option<&ip_responsibility::Model> {
        self.responsibility.iter().find(|r| r.until_at.is_none())
    }

    fn situation<'a>(&self, bases: &'a [IpBasis], child_age: u32) -> IpConsentSituation<'a> {
        IpConsentSituation {
            bases,
            child_age,
            care_order: self.plan.care_order,
            measures_for_parents: self.plan.measures_for_parents,
        }
    }

    /// The givers and access of every consent not withdrawn, together: the child's and a parent's
    /// consents given apart make one consent to the plan.
    pub(crate) fn standing(&self) -> Result<(Vec<ConsentGiver>, Vec<String>), StoreError> {
        let mut givers = Vec::new();
        let mut access = Vec::new();
        for c in self.consents.iter().filter(|c| c.withdrawn_at.is_none()) {
            givers.extend(givers_of(c)?);
            for s in access_of(c)? {
                if !access.contains(&s) {
                    access.push(s);
                }
            }
        }
        Ok((givers, access))
    }

    /// Whether the consents standing meet every rule of the plan's bases today.
    pub(crate) fn consent_in_force(&self, child_age: u32) -> Result<bool, StoreError> {
        let bases = self.current_bases()?;
        let (givers, _) = self.standing()?;
        Ok(!bases.is_empty() && consent_still_meets(&self.situation(&bases, child_age), &givers))
    }

    pub(crate) fn state(&self, child_age: u32) -> Result<IpState, StoreError> {
        let withdrawn = self.consents.iter().any(|c| c.withdrawn_at.is_some());
        Ok(plan_state(self.plan.ended_at.is_some(), self.consent_in_force(child_age)?, withdrawn))
    }

    /// The services the consent in force gives access to the plan (none without one).
    pub(crate) fn access(&self, child_age: u32) -> Result<Vec<String>, StoreError> {
        if self.plan.ended_at.is_some() || !self.consent_in_force(child_age)? {
            return Ok(vec![]);
        }
        Ok(self.standing()?.1)
    }
}

pub(crate) fn givers_of(c: &ip_consent::Model) -> Result<Vec<ConsentGiver>, StoreError> {
    serde_json::from_str(&c.givers).map_err(|e| StoreError::Integrity(format!("IP consent givers: {e}")))
}

pub(crate) fn access_of(c: &ip_consent::Model) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(&c.access_services).map_err(|e| StoreError::Integrity(format!("IP consent access: {e}")))
}

/// The child's plan that is not ended, if any (one per child).
pub(crate) async fn open_plan(
    conn: &impl ConnectionTrait,
    child_person_id: &str,
) -> Result<Option<ip_plan::Model>, StoreError> {
    Ok(ip_plan::Entity::find()
        .filter(ip_plan::Column::ChildPersonId.eq(child_person_id))
        .filter(ip_plan::Column::EndedAt.is_null())
        .one(conn)
        .await?)
}

/// The plan shown for a case: the child's open plan, else the case's last ended one.
async fn shown_plan(conn: &impl ConnectionTrait, l: &Loaded) -> Result<Option<ip_plan::Model>, StoreError> {
    if let Some(p) = open_plan(conn, &l.child.id).await? {
        return Ok(Some(p));
    }
    Ok(ip_plan::Entity::find()
        .filter(ip_plan::Column::CaseId.eq(l.case.id.as_str()))
        .order_by_desc(ip_plan::Column::StartedAt)
        .one(conn)
        .await?)
}

pub(crate) async fn rows_of(conn: &impl ConnectionTrait, plan: ip_plan::Model) -> Result<PlanRows, StoreError> {
    let id = plan.id.clone();
    Ok(PlanRows {
        bases: ip_basis::Entity::find()
            .filter(ip_basis::Column::PlanId.eq(id.as_str()))
            .order_by_asc(ip_basis::Column::RecordedAt)
            .all(conn)
            .await?,
        consents: ip_consent::Entity::find()
            .filter(ip_consent::Column::PlanId.eq(id.as_str()))
            .order_by_asc(ip_consent::Column::RecordedAt)
            .all(conn)
            .await?,
        responsibility: ip_responsibility::Entity::find()
            .filter(ip_responsibility::Column::PlanId.eq(id.as_str()))
            .order_by_asc(ip_responsibility::Column::FromAt)
            .all(conn)
            .await?,
        participants: ip_participant::Entity::find()
            .filter(ip_participant::Column::PlanId.eq(id.as_str()))
            .filter(ip_participant::Column::EndedAt.is_null())
            .order_by_asc(ip_participant::Column::ContactedAt)
            .all(conn)
            .await?,
        plan,
    })
}

/// A service's place in IP work, from the directory.
pub(crate) async fn role_of_service(
    conn: &impl ConnectionTrait,
    service_id: &str,
) -> Result<(service::Model, IpRole), StoreError> {
    let s = service::Entity::find_by_id(service_id.to_owned()).one(conn).await?.ok_or_else(|| StoreError::Invalid {
        field: Some("service_id"),
        code: "ip.unknown_service",
        message: format!("{service_id} is not in the service directory"),
    })?;
    let st = service_type::Entity::find_by_id(s.service_type.clone()).one(conn).await?;
    let sector = st.as_ref().and_then(|t| Sector::parse(&t.sector)).unwrap_or(Sector::Other);
    let owner = st.as_ref().and_then(|t| OwnerType::parse(&t.owner_type)).unwrap_or(OwnerType::Private);
    let role = role_of(&s.service_type, sector, owner);
    Ok((s, role))
}

pub(crate) fn role_code(role: IpRole) -> (&'static str, Option<&'static str>) {
    match role {
        IpRole::Responsible => ("responsible", None),
        IpRole::Specialist => ("specialist", Some("IP-forskriften § 8 andre ledd")),
        IpRole::DutyToTakePart(law) => ("duty_to_take_part", Some(law)),
        IpRole::Other => ("other", None),
    }
}

/// The plan's facts for the policy.
pub(crate) fn plan_facts<'a>(
    rows: Option<&'a PlanRows>,
    access: &'a [String],
    decider: Option<&'a (Role, String)>,
) -> PlanFacts<'a> {
    PlanFacts {
        responsible: rows
            .filter(|r| r.plan.ended_at.is_none())
            .and_then(|r| r.responsible())
            .map(|r| r.service_id.as_str()),
        access,
        decider: decider.map(|(role, org)| Decider { role: *role, organisation_id: org.as_str() }),
    }
}

fn service_name(l: &Loaded, services: &[service::Model], id: &str) -> String {
    l.case
        .participants
        .iter()
        .find(|p| p.service_id == id)
        .map(|p| p.service_name.clone())
        .or_else(|| services.iter().find(|s| s.id == id).map(|s| s.name.clone()))
        .unwrap_or_else(|| id.to_owned())
}

fn responsibility_view(
    l: &Loaded,
    services: &[service::Model],
    r: &ip_responsibility::Model,
) -> Result<IpResponsibilityView, StoreError> {
    Ok(IpResponsibilityView {
        service_name: service_name(l, services, &r.service_id),
        service_id: r.service_id.clone(),
        how: parse_enum(&r.how, ResponsibilityHow::parse, "responsibility")?,
        reasoning: r.reasoning.clone(),
        decided_by: r.decided_by.clone(),
        from: r.from_at,
        until: r.until_at,
    })
}

fn participant_view(l: &Loaded, services: &[service::Model], p: &ip_participant::Model) -> IpParticipantView {
    IpParticipantView {
        id: p.id.clone(),
        service_name: service_name(l, services, &p.service_id),
        service_id: p.service_id.clone(),
        role: p.role.clone(),
        law: p.law.clone(),
        note: p.note.clone(),
        contacted_by: p.contacted_by.clone(),
        contacted_at: p.contacted_at,
    }
}

fn event_view(l: &Loaded, services: &[service::Model], e: &ip_event::Model) -> IpEventView {
    IpEventView {
        id: e.id.clone(),
        kind: e.kind.clone(),
        service_name: e.service_id.as_deref().map(|s| service_name(l, services, s)),
        service_id: e.service_id.clone(),
        text: e.text.clone(),
        recorded_by: e.recorded_by.clone(),
        recorded_at: e.recorded_at,
    }
}

async fn summary(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    rows: &PlanRows,
    services: &[service::Model],
    child_age: u32,
) -> Result<IpSummary, StoreError> {
    let bases = rows.current_bases()?;
    let mut to_contact = Vec::new();
    let today = Utc::now().date_naive();
    for p in l.case.participants.iter().filter(|p| p.active_on(today)) {
        if rows.participants.iter().any(|x| x.service_id == p.service_id) {
            continue;
        }
        let (_, role) = role_of_service(conn, &p.service_id).await?;
        if let IpRole::DutyToTakePart(law) = role {
            to_contact.push(IpParticipantView {
                id: String::new(),
                service_id: p.service_id.clone(),
                service_name: p.service_name.clone(),
                role: "duty_to_take_part".into(),
                law: Some(law.into()),
                note: String::new(),
                contacted_by: String::new(),
                contacted_at: rows.plan.started_at,
            });
        }
    }
    Ok(IpSummary {
        id: rows.plan.id.clone(),
        state: rows.state(child_age)?,
        started_at: rows.plan.started_at,
        started_by_service: rows.plan.started_by_service.clone(),
        responsible: rows.responsible().map(|r| responsibility_view(l, services, r)).transpose()?,
        bases: rows.bases.iter().filter(|b| b.removed_at.is_none()).map(basis_view).collect::<Result<_, _>>()?,
        participants: rows.participants.iter().map(|p| participant_view(l, services, p)).collect(),
        consent_requirements: consent_requirements(&rows.situation(&bases, child_age)),
        complaint_routes: complaint_routes(&bases),
        language: rows.plan.language.clone(),
        interpreter_language: rows.plan.interpreter_language.clone(),
        care_order: rows.plan.care_order,
        measures_for_parents: rows.plan.measures_for_parents,
        ended_at: rows.plan.ended_at,
        end_reason: rows.plan.end_reason.clone(),
        to_contact,
        group: group::member_views(conn, l, &group::members(conn, &rows.plan.id).await?).await?,
    })
}

fn basis_view(b: &ip_basis::Model) -> Result<IpBasisView, StoreError> {
    let basis = parse_enum(&b.basis, IpBasis::parse, "IP basis")?;
    Ok(IpBasisView {
        id: b.id.clone(),
        basis,
        law: basis.law(),
        consent_domain: basis.consent_domain(),
        complaint_route: basis.complaint_route(),
        recorded_by: b.recorded_by.clone(),
        recorded_by_service: b.recorded_by_service.clone(),
        recorded_at: b.recorded_at,
        removed_at: b.removed_at,
        removal_reason: b.removal_reason.clone(),
    })
}

async fn detail(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    rows: &PlanRows,
    services: &[service::Model],
) -> Result<IpDetail, StoreError> {
    let events = ip_event::Entity::find()
        .filter(ip_event::Column::PlanId.eq(rows.plan.id.as_str()))
        .order_by_desc(ip_event::Column::RecordedAt)
        .all(conn)
        .await?;
    let complaints = ip_complaint::Entity::find()
        .filter(ip_complaint::Column::PlanId.eq(rows.plan.id.as_str()))
        .order_by_desc(ip_complaint::Column::RecordedAt)
        .all(conn)
        .await?;
    let mut consents = Vec::new();
    for c in rows.consents.iter().rev() {
        consents.push(IpConsentView {
            id: c.id.clone(),
            givers: givers_of(c)?,
            access_services: access_of(c)?,
            form: parse_enum(&c.form, ConsentForm::parse, "consent form")?,
            recorded_by: c.recorded_by.clone(),
            recorded_at: c.recorded_at,
            withdrawn_at: c.withdrawn_at,
            withdrawn_by: c.withdrawn_by.clone(),
            withdrawal_reason: c.withdrawal_reason.clone(),
        });
    }
    let all = content::versions(conn, &rows.plan.id).await?;
    let current = match all.last() {
        Some(v) => content::parse(v)?,
        None => Default::default(),
    };
    let today = Utc::now().date_naive();
    Ok(IpDetail {
        overdue: los_domain::individual_plan::content::overdue(&current, today).iter().map(|m| m.id.clone()).collect(),
        evaluation_due: current.next_evaluation.is_some_and(|d| d <= today),
        versions: all.iter().map(content::meta).collect(),
        sections: content::sections_for(conn, l).await?,
        content: current,
        consents,
        complaints: complaints
            .iter()
            .map(|c| {
                let route = parse_enum(&c.route, IpComplaintRoute::parse, "complaint route")?;
                Ok(IpComplaintView {
                    id: c.id.clone(),
                    route,
                    law: route.law(),
                    capacity: parse_enum(&c.capacity, ComplainantCapacity::parse, "complainant")?,
                    description: c.description.clone(),
                    received_on: c.received_on,
                    deadline: c.deadline,
                    late: c.received_on > c.deadline,
                    state: parse_enum(&c.state, ComplaintState::parse, "complaint state")?,
                    outcome: c
                        .outcome
                        .as_deref()
                        .map(|o| parse_enum(o, ComplaintOutcome::parse, "outcome"))
                        .transpose()?,
                    outcome_text: c.outcome_text.clone(),
                    recorded_by: c.recorded_by.clone(),
                    updated_at: c.updated_at,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        responsibility_history: rows
            .responsibility
            .iter()
            .rev()
            .map(|r| responsibility_view(l, services, r))
            .collect::<Result<_, _>>()?,
        events: events.iter().map(|e| event_view(l, services, e)).collect(),
    })
}

/// The capacity of a citizen acting on the plan of `l`'s child: the child, or a parent with parental
/// responsibility.
pub(crate) fn citizen_capacity(l: &Loaded, actor: &User) -> Option<GiverCapacity> {
    let person = actor.person_id.as_deref()?;
    if person == l.child.id {
        Some(GiverCapacity::Child)
    } else if l.guardianships.iter().any(|g| g.adult_person_id == person && g.parental_responsibility) {
        Some(GiverCapacity::Parent)
    } else {
        None
    }
}

/// The child's parents with parental responsibility, by name.
async fn parents(conn: &impl ConnectionTrait, l: &Loaded) -> Result<Vec<(String, String)>, StoreError> {
    let ids: Vec<String> =
        l.guardianships.iter().filter(|g| g.parental_responsibility).map(|g| g.adult_person_id.clone()).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let people = person::Entity::find().filter(person::Column::Id.is_in(ids)).all(conn).await?;
    Ok(people.into_iter().map(|p| (p.id, format!("{} {}", p.given_name, p.family_name))).collect())
}

/// Who is behind, by service: open follow-ups of the group's meetings past their due day, and the plan's
/// overdue measures when the reader sees the plan.
fn late(view: &IpView) -> Vec<IpLate> {
    let mut out: Vec<IpLate> = Vec::new();
    let mut add = |service: &str, action: Option<&str>, measure: Option<&str>| {
        let i = match out.iter().position(|x| x.service_id == service) {
            Some(i) => i,
            None => {
                let service_name = view
                    .services
                    .iter()
                    .find(|(s, _)| s == service)
                    .map_or_else(|| service.to_owned(), |(_, n)| n.clone());
                out.push(IpLate { service_id: service.into(), service_name, actions: vec![], measures: vec![] });
                out.len() - 1
            }
        };
        out[i].actions.extend(action.map(str::to_owned));
        out[i].measures.extend(measure.map(str::to_owned));
    };
    for a in view.meetings.iter().flat_map(|m| &m.actions).filter(|a| a.overdue) {
        add(&a.owner_service, Some(&a.description), None);
    }
    if let Some(d) = &view.detail {
        for m in d.content.measures.iter().filter(|m| d.overdue.contains(&m.id)) {
            add(&m.responsible_service, None, Some(&m.title));
        }
    }
    out
}

impl Store {
    /// The individual plan of a case, read through the policy and audited.
    pub async fn individual_plan(&self, actor: &User, case_id: &str) -> Result<IpView, StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        let row = case::Entity::find_by_id(case_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.to_owned() })?;
        let l = load(&txn, row, now).await?;
        let mut entries = Vec::new();
        let d = authorize(actor, Action::Read, &Resource::Case(l.facts()), now);
        let e = entry(actor, "read", "individual_plan", case_id, case_id);
        let (basis, txn) =
            self.decide_read(txn, d, e, Some(los_domain::consent::InfoCategory::Overview), &mut entries).await?;
        let child_age = l.child.age_on(now.date_naive());
        let services = service::Entity::find().all(&txn).await?;
        let plan = match shown_plan(&txn, &l).await? {
            Some(p) => Some(rows_of(&txn, p).await?),
            None => None,
        };
        let access = match &plan {
            Some(r) => r.access(child_age)?,
            None => vec![],
        };
        let decider = crate::tx::municipal_decider(&txn, &l.child, now).await?;
        let facts = plan_facts(plan.as_ref(), &access, decider.as_ref());
        let at = |step| Resource::IndividualPlan { case: l.facts(), step, plan: facts };
        let may = IpMay {
            start: actor.kind == los_domain::model::UserKind::Employee
                && authorize(actor, Action::Write, &at(IndividualPlanStep::Start), now).is_allow(),
            manage: authorize(actor, Action::Write, &at(IndividualPlanStep::Manage), now).is_allow(),
            decide: plan.is_some() && authorize(actor, Action::Write, &at(IndividualPlanStep::Decide), now).is_allow(),
            family: authorize(actor, Action::Write, &at(IndividualPlanStep::FamilyAct), now).is_allow(),
        };
        let mut view = IpView {
            case_id: case_id.to_owned(),
            plan: None,
            detail: None,
            detail_denied: None,
            pending_notifications: vec![],
            may,
            access_basis: basis,
            child_age,
            municipality: match &decider {
                Some((_, org)) => {
                    organisation::Entity::find_by_id(org.clone()).one(&txn).await?.map(|o| o.name).unwrap_or_default()
                }
                None => String::new(),
            },
            child_id: l.child.id.clone(),
            child_name: l.child.full_name(),
            services: l
                .case
                .participants
                .iter()
                .filter(|p| p.active_on(now.date_naive()))
                .map(|p| (p.service_id.clone(), p.service_name.clone()))
                .collect(),
            parents: parents(&txn, &l).await?,
            meetings: vec![],
            late: vec![],
            group_candidates: vec![],
        };
        if let Some(rows) = &plan {
            view.plan = Some(summary(&txn, &l, rows, &services, child_age).await?);
            match authorize(actor, Action::Read, &at(IndividualPlanStep::Read), now) {
                los_policy::Decision::Allow(b) => {
                    let e = entry(actor, "read", "individual_plan_detail", &rows.plan.id, case_id);
                    entries.push(crate::tx::with_decision(
                        e,
                        &los_policy::Decision::Allow(b),
                        Some(los_domain::consent::InfoCategory::Overview),
                    ));
                    view.detail = Some(detail(&txn, &l, rows, &services).await?);
                }
                los_policy::Decision::Deny(r) => view.detail_denied = Some(r),
            }
        }
        if plan.is_some() {
            view.meetings = crate::case::meetings::load_meetings(&txn, &l, actor, now, &mut entries)
                .await?
                .into_iter()
                .filter(|m| m.kind == los_domain::planning::MeetingKind::ResponsibilityGroup)
                .collect();
            view.late = late(&view);
        }
        if view.may.manage {
            view.group_candidates = group::candidates(&txn, &l, now.date_naive()).await?;
        }
        if view.plan.as_ref().is_none_or(|p| p.state == IpState::Ended) {
            let pending = ip_event::Entity::find()
                .filter(ip_event::Column::CaseId.eq(case_id))
                .filter(ip_event::Column::PlanId.is_null())
                .order_by_desc(ip_event::Column::RecordedAt)
                .all(&txn)
                .await?;
            view.pending_notifications = pending.iter().map(|e| event_view(&l, &services, e)).collect();
        }
        txn.commit().await?;
        self.record_reads(entries).await?;
        Ok(view)
    }
}
