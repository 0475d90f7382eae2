//! The child coordinator (barnekoordinator): the family's right under pasient- og brukerrettighetsloven
//! § 2-5 c and the municipality's duty under helse- og omsorgstjenesteloven § 7-2 a (spec 02 §1, §6).
//!
//! Pure rules of the process, from the first report of a need to the child's 18th birthday: reports and
//! requests (`validate_report`), the states of the matter (`MatterState::after`), the assessment of the
//! three conditions (`assessment`), the written decision, the consent and the appointment with the
//! one-coordinator rule (`decision`), complaints (`complaint`), and the caseload (`caseload`). People judge
//! conditions C2 and C3; these rules record their judgement and check that it is complete, never compute it.

use chrono::{Datelike, Months, NaiveDate};

use crate::model::coded_enum;

pub mod assessment;
pub mod caseload;
pub mod complaint;
pub mod decision;
pub mod work;

/// Where the right and the duty are written.
pub const LEGAL_BASIS: &[&str] =
    &["pasient- og brukerrettighetsloven § 2-5 c", "helse- og omsorgstjenesteloven § 7-2 a"];

/// The fewest words a written reasoning may have: a reason is a sentence, not "Nei." (issue 12).
pub const MIN_REASONING_WORDS: usize = 4;

/// A broken rule of the child-coordinator process; `code` is stable for translation, `field` names the
/// request field the rule is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ChildCoordinatorError {
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

impl ChildCoordinatorError {
    pub fn new(code: &'static str, field: Option<&'static str>, message: impl Into<String>) -> Self {
        ChildCoordinatorError { code, field, message: message.into() }
    }
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
}

/// A written reasoning of at least `MIN_REASONING_WORDS` words, or the error naming `field`.
pub fn reasoned(text: &str, field: &'static str, code: &'static str, what: &str) -> Result<(), ChildCoordinatorError> {
    if text.split_whitespace().count() < MIN_REASONING_WORDS {
        return Err(ChildCoordinatorError::new(
            code,
            Some(field),
            format!("write the {what} in at least {MIN_REASONING_WORDS} words"),
        ));
    }
    Ok(())
}

coded_enum!(
    /// How the matter came to the coordinating unit (spec 02 §1.8, §1.10).
    Channel {
        /// The family asked in writing (a letter or an e-mail the unit received).
        Written = "written",
        /// The family asked orally; the unit records who received it and when.
        Oral = "oral",
        /// The family asked in Los themselves.
        Digital = "digital",
        /// A service reported a possible need.
        StaffReport = "staff_report",
    }
);

impl Channel {
    /// A request from the family itself (not a report from a service).
    pub fn is_family_request(self) -> bool {
        !matches!(self, Channel::StaffReport)
    }
}

coded_enum!(
    /// What a service reports to the coordinating unit. Reports of a need for an individual plan or an
    /// ordinary coordinator are a statutory duty (helsepersonelloven § 38 a); a possible child-coordinator
    /// need is reported on the guidance's advice (spec 02 §1.8, S-1), and labelled so.
    ReportKind {
        ChildCoordinatorNeed = "child_coordinator_need",
        IndividualPlanNeed = "individual_plan_need",
        CoordinatorNeed = "coordinator_need",
    }
);

impl ReportKind {
    /// Is the report a statutory duty of health personnel (hpl § 38 a), rather than advice?
    pub fn statutory(self) -> bool {
        !matches!(self, ReportKind::ChildCoordinatorNeed)
    }

    /// The rule the report follows.
    pub fn basis(self) -> &'static str {
        if self.statutory() {
            "helsepersonelloven § 38 a"
        } else {
            "veileder om barnekoordinator (anbefaling, ikke lovpålagt)"
        }
    }
}

coded_enum!(
    /// When the need arose (spec 02 §1.3, §1.8: before birth, at adoption, at placement are first-class).
    Situation {
        Born = "born",
        BeforeBirth = "before_birth",
        Adoption = "adoption",
        FosterHome = "foster_home",
        Institution = "institution",
    }
);

coded_enum!(
    /// Where the child-coordinator matter of a case stands (spec 02 §6.B item 17).
    MatterState {
        /// A service reported a possible need: the unit must guide the family about the right.
        Reported = "reported",
        /// The family was guided and has not asked for an assessment (yet).
        Guided = "guided",
        /// The family asked: the unit assesses.
        Requested = "requested",
        /// The conditions are assessed: the unit decides.
        Assessed = "assessed",
        /// The right is granted: the unit appoints, with the parents' consent.
        Granted = "granted",
        /// The right is refused; the family may complain.
        Refused = "refused",
        /// A child coordinator is appointed.
        Appointed = "appointed",
        /// Ended: terminated, at 18, or the family chose the ordinary coordinator.
        Ended = "ended",
    }
);

/// What happens to a matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A service reports a possible need.
    Report,
    /// The family asks for a child coordinator (in writing, orally or in Los).
    Request,
    /// The unit guided the family; `wants_assessment` when the family then asked for one.
    Guided {
        wants_assessment: bool,
    },
    Assessed,
    Granted,
    Refused,
    Appointed,
    /// The coordinator is changed (a new appointment under a change decision).
    Changed,
    Ended,
    /// A complaint's outcome sends the matter back to a new assessment.
    Reassess,
    /// A complaint's outcome grants the right (or restores it after a termination).
    Regrant,
}

impl MatterState {
    /// Is the matter in the coordinating unit's hands (so the unit reads the case)?
    pub fn open(self) -> bool {
        !matches!(self, MatterState::Ended)
    }

    /// The state after `event`, or the rule it breaks. `from` is None before the first report or request.
    pub fn after(from: Option<MatterState>, event: Event) -> Result<MatterState, ChildCoordinatorError> {
        use MatterState::*;
        let next = match (from, event) {
            (None | Some(Ended | Refused), Event::Report) => Some(Reported),
            (Some(s @ (Reported | Guided | Requested | Assessed | Granted | Appointed)), Event::Report) => Some(s),
            (None | Some(Reported | Guided | Ended | Refused), Event::Request) => Some(Requested),
            (Some(s @ (Requested | Assessed | Granted | Appointed)), Event::Request) => Some(s),
            (Some(Reported | Guided), Event::Guided { wants_assessment: true }) => Some(Requested),
            (Some(Reported | Guided), Event::Guided { wants_assessment: false }) => Some(Guided),
            (Some(Requested | Assessed), Event::Assessed) => Some(Assessed),
            (Some(Assessed), Event::Granted) => Some(Granted),
            (Some(Assessed), Event::Refused) => Some(Refused),
            (Some(Granted), Event::Appointed) => Some(Appointed),
            (Some(Appointed), Event::Changed) => Some(Appointed),
            (Some(Granted | Appointed), Event::Ended) => Some(Ended),
            (Some(Refused | Ended | Granted | Appointed), Event::Reassess) => Some(Requested),
            (Some(Refused | Ended), Event::Regrant) => Some(Granted),
            (Some(s @ (Granted | Appointed)), Event::Regrant) => Some(s),
            _ => None,
        };
        next.ok_or_else(|| {
            let now = from.map_or("none", MatterState::as_str);
            ChildCoordinatorError::new(
                "child_coordinator.state",
                None,
                format!("that cannot be done while the matter is {now}: {}", expected_step(from)),
            )
        })
    }
}

fn expected_step(from: Option<MatterState>) -> &'static str {
    match from {
        None => "first a report of a need or a request from the family",
        Some(MatterState::Reported | MatterState::Guided) => "guide the family, or record their request",
        Some(MatterState::Requested) => "assess the conditions first",
        Some(MatterState::Assessed) => "decide: grant or refuse",
        Some(MatterState::Granted) => "appoint the coordinator, with the parents' consent",
        Some(MatterState::Refused) => "a new request or a complaint",
        Some(MatterState::Appointed) => "change or end the appointment",
        Some(MatterState::Ended) => "a new request",
    }
}

/// A report of a need or a request from the family, as recorded.
#[derive(Debug, Clone, Copy)]
pub struct NewReport<'a> {
    pub channel: Channel,
    /// What a service reports; a family's request is always about the child coordinator.
    pub kind: Option<ReportKind>,
    pub situation: Situation,
    pub description: &'a str,
    /// The actor is a family member (a citizen) acting in Los.
    pub by_family: bool,
}

/// Checks a report or request: a service reports with a kind, the family asks digitally for themselves,
/// and staff record a written or oral request they received (spec 02 §1.10, S-8).
pub fn validate_report(r: &NewReport<'_>) -> Result<ReportKind, ChildCoordinatorError> {
    if r.description.trim().is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.description",
            Some("description"),
            "say what the need is, or what the family asked for",
        ));
    }
    match (r.channel, r.by_family) {
        (Channel::Digital, false) => Err(ChildCoordinatorError::new(
            "child_coordinator.channel",
            Some("channel"),
            "a request in Los is the family's own: record a request you received as written or oral",
        )),
        (Channel::Written | Channel::Oral | Channel::StaffReport, true) => Err(ChildCoordinatorError::new(
            "child_coordinator.channel",
            Some("channel"),
            "the family asks in Los; reports and requests received are recorded by the services",
        )),
        (Channel::StaffReport, false) => r.kind.ok_or_else(|| {
            ChildCoordinatorError::new(
                "child_coordinator.report_kind",
                Some("kind"),
                "say what the report is about: a possible child-coordinator need, or a need for an individual plan or a coordinator (helsepersonelloven § 38 a)",
            )
        }),
        _ => Ok(ReportKind::ChildCoordinatorNeed),
    }
}

/// What the rules need to know of the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildFacts {
    /// The birth date, or the due date of an expected child.
    pub birth_date: NaiveDate,
    pub expected: bool,
    /// The day an adoptive child was allocated to the family, when that is the situation.
    pub adoption_allocated_on: Option<NaiveDate>,
}

impl ChildFacts {
    /// The 18th birthday, the day the right ends (spec 02 §1.4 C1).
    pub fn eighteenth_birthday(&self) -> NaiveDate {
        let b = self.birth_date;
        b.with_year(b.year() + 18).unwrap_or_else(|| b + Months::new(18 * 12))
    }

    /// Condition C1, the one condition Los checks itself: the family expects the child, has been
    /// allocated it for adoption, or has a child under 18 on `day`.
    pub fn c1_met(&self, day: NaiveDate) -> bool {
        self.expected || self.adoption_allocated_on.is_some_and(|a| a <= day) || day < self.eighteenth_birthday()
    }

    /// Age in whole years on `day` (0 before birth).
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        if self.expected { 0 } else { day.years_since(self.birth_date).unwrap_or(0) }
    }
}

/// The day the transition to adult services should start being planned: `lead_months` before the 18th
/// birthday (spec 02 §6.D item 39; the lead time is the municipality's setting).
pub fn transition_from(child: &ChildFacts, lead_months: u32) -> NaiveDate {
    let e = child.eighteenth_birthday();
    e.checked_sub_months(Months::new(lead_months)).unwrap_or(e)
}

/// Is an appointment in force on `day`? It ends on its end day, and at 18 unless the municipality chose
/// to continue it (a municipal choice, not the right: spec 02 §1.4 C1, S-14).
pub fn appointment_in_force(
    starts: NaiveDate,
    ends: Option<NaiveDate>,
    child: &ChildFacts,
    extended_until: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    if day < starts || ends.is_some_and(|e| day >= e) {
        return false;
    }
    day < child.eighteenth_birthday() || extended_until.is_some_and(|u| day < u)
}

#[cfg(test)]
mod tests;

/// What the next steps of a matter depend on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatterFacts {
    pub state: Option<MatterState>,
    /// The assessment found both rights met, and the family's choice is not recorded yet.
    pub choice_pending: bool,
    /// Consents to the child coordinator given, and how many are still in force.
    pub consents_given: usize,
    pub consents_in_force: usize,
    /// An appointment is in force today (not ended, and before 18 or continued by the municipality).
    pub appointment_in_force: bool,
    /// Today is on or after the day the handover at 18 should be planned from.
    pub transition_due: bool,
    pub handover_planned: bool,
    pub extended: bool,
    pub open_complaints: bool,
}

/// The next steps of a matter, as codes: guide_family (the municipality's own initiative, spec 02 §1.10),
/// assess, record_choice, decide, consent, appoint, consent_withdrawn (end the coordinator), review_at_18,
/// plan_transition (§6.D item 39), complaint_open. The one rule behind the matter page's prompts and the
/// coordinating unit's worklist.
pub fn next_steps(f: &MatterFacts) -> Vec<&'static str> {
    let mut out = Vec::new();
    match f.state {
        Some(MatterState::Reported) => out.push("guide_family"),
        Some(MatterState::Requested) => out.push("assess"),
        Some(MatterState::Assessed) => {
            if f.choice_pending {
                out.push("record_choice");
            }
            out.push("decide");
        }
        Some(MatterState::Granted) => out.push(if f.consents_in_force > 0 { "appoint" } else { "consent" }),
        Some(MatterState::Appointed) if f.consents_given > 0 && f.consents_in_force == 0 => {
            out.push("consent_withdrawn")
        }
        Some(MatterState::Appointed) if !f.appointment_in_force => out.push("review_at_18"),
        Some(MatterState::Appointed) if f.transition_due && !f.handover_planned && !f.extended => {
            out.push("plan_transition")
        }
        _ => {}
    }
    if f.open_complaints {
        out.push("complaint_open");
    }
    out
}
