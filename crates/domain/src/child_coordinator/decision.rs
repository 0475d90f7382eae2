//! The written decision, the parents' consent and the appointment (spec 02 §1.5, §1.7, §1.9–1.11).
//!
//! The rules of forvaltningsloven chapters IV and V do not apply (pbrl § 2-7), but the decision to grant or
//! refuse is written, reasoned, names the right to complain, the complaint body and the deadline, and is
//! kept with the case; change and termination of a coordinator are treated the same way (spec 02 §6.C
//! item 34). A child or family has one municipal coordinator at most (item 24); a specialist-health
//! coordinator may be linked beside it.

use chrono::NaiveDate;

use super::assessment::Conclusion;
use super::{ChildCoordinatorError, ChildFacts, MatterState, reasoned};
use crate::model::{Guardianship, OwnerType, Relation, coded_enum};

coded_enum!(
    /// What a decision decides.
    DecisionKind {
        Grant = "grant",
        Refusal = "refusal",
        Change = "change",
        Termination = "termination",
    }
);

coded_enum!(
    /// The language of the letter: bokmål or nynorsk, as the family prefers.
    LetterLanguage {
        Bokmal = "nb",
        Nynorsk = "nn",
    }
);

coded_enum!(
    /// Why a child coordinator ends (spec 02 §6.B item 17).
    EndReason {
        Turned18 = "turned_18",
        ConsentWithdrawn = "consent_withdrawn",
        NoLongerEligible = "no_longer_eligible",
        SwitchedToOrdinary = "switched_to_ordinary",
        Moved = "moved",
        FamilyWish = "family_wish",
        Other = "other",
    }
);

/// The municipality's settings for the complaint route of the right (configurable: spec 05 §2a verifies
/// pbrl § 7-5, four weeks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRoute {
    /// The county governor (statsforvalteren) the municipality belongs under, by name.
    pub body: String,
    pub law: String,
    pub deadline_days: u32,
}

impl ComplaintRoute {
    /// The law the complaint follows, and its deadline (pbrl § 7-5: four weeks).
    pub const LAW: &'static str = "pasient- og brukerrettighetsloven kapittel 7";
    pub const DEFAULT_DEADLINE_DAYS: u32 = 28;
}

/// A decision to make.
#[derive(Debug, Clone, Copy)]
pub struct NewDecision<'a> {
    pub kind: DecisionKind,
    pub reasons: &'a str,
    pub end_reason: Option<EndReason>,
}

/// Checks a decision against the matter: a grant needs an assessment that found all three conditions met,
/// a refusal one that did not; change and termination need a coordinator appointed. Every decision is
/// reasoned, and the complaint route must name a body and a deadline.
pub fn validate_decision(
    d: &NewDecision<'_>,
    state: Option<MatterState>,
    conclusion: Option<Conclusion>,
    route: &ComplaintRoute,
) -> Result<(), ChildCoordinatorError> {
    reasoned(d.reasons, "reasons", "child_coordinator.reasons", "reasons for the decision")?;
    if route.body.trim().is_empty() || route.deadline_days == 0 {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.complaint_route",
            None,
            "the municipality has not configured the complaint body and deadline: an administrator sets them",
        ));
    }
    let wrong = |msg: &str| Err(ChildCoordinatorError::new("child_coordinator.decision_kind", Some("kind"), msg));
    match d.kind {
        DecisionKind::Grant | DecisionKind::Refusal => {
            if state != Some(MatterState::Assessed) {
                return wrong("a grant or a refusal follows a completed assessment");
            }
            let eligible = conclusion.is_some_and(|c| c.eligible);
            if d.kind == DecisionKind::Grant && !eligible {
                return wrong("the assessment did not find all three conditions met: the decision is a refusal");
            }
            if d.kind == DecisionKind::Refusal && eligible {
                return wrong("the assessment found the conditions met: the right cannot be refused");
            }
        }
        DecisionKind::Change | DecisionKind::Termination => {
            if state != Some(MatterState::Appointed) {
                return wrong("only an appointed coordinator can be changed or ended");
            }
            if d.kind == DecisionKind::Termination && d.end_reason.is_none() {
                return Err(ChildCoordinatorError::new(
                    "child_coordinator.end_reason",
                    Some("end_reason"),
                    "say why the child coordinator ends",
                ));
            }
        }
    }
    Ok(())
}

/// The last day to complain about a decision made on `decided_on`.
pub fn complaint_deadline(decided_on: NaiveDate, route: &ComplaintRoute) -> NaiveDate {
    decided_on + chrono::Days::new(u64::from(route.deadline_days))
}

coded_enum!(
    /// The young person's view of the appointment (from 16 it must be recorded and weighed, spec 02 §1.7).
    YouthView {
        Agrees = "agrees",
        Objects = "objects",
        /// Not asked, or not able to say; the weighing says why.
        NotStated = "not_stated",
    }
);

coded_enum!(
    /// How the consent was given.
    ConsentForm {
        Signature = "signature",
        Oral = "oral",
        Digital = "digital",
    }
);

/// A consent to the child coordinator (hol § 7-2 a): the parents, or whoever consents for the child, also
/// for 16–17-year-olds.
#[derive(Debug, Clone, Copy)]
pub struct NewConsent<'a> {
    pub giver_person_id: &'a str,
    pub form: ConsentForm,
    /// Foster parents receive the coordinator on the parents' behalf (voluntary placement, bvl § 3-2).
    pub receiver_person_id: Option<&'a str>,
    pub youth_view: Option<YouthView>,
    /// How the young person's view was weighed, with the other considerations (siblings, the family's need).
    pub weighing: &'a str,
    /// The actor is the giver acting in Los (a digital consent).
    pub by_giver: bool,
}

/// Checks a consent: the giver holds parental responsibility for the child; from 16 the young person's view
/// is recorded, and an objection is weighed in words; a digital consent is the giver's own.
pub fn validate_consent(
    c: &NewConsent<'_>,
    child_id: &str,
    child: &ChildFacts,
    guardianships: &[Guardianship],
    today: NaiveDate,
) -> Result<(), ChildCoordinatorError> {
    let parent = guardianships.iter().any(|g| {
        g.adult_person_id == c.giver_person_id
            && g.child_person_id == child_id
            && g.relation == Relation::Parent
            && g.parental_responsibility
    });
    if !parent {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.consent_giver",
            Some("giver_person_id"),
            "the parents with parental responsibility, or whoever consents for the child, consent to a child coordinator (hol § 7-2 a) — also for a young person of 16 or 17",
        ));
    }
    if (c.form == ConsentForm::Digital) != c.by_giver {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.consent_form",
            Some("form"),
            "a consent in Los is given by the parent themselves; a consent the parents gave you is recorded as signed or oral",
        ));
    }
    if let Some(r) = c.receiver_person_id {
        let foster = guardianships
            .iter()
            .any(|g| g.adult_person_id == r && g.child_person_id == child_id && g.relation == Relation::FosterParent);
        if !foster {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.receiver",
                Some("receiver_person_id"),
                "only the child's foster parents can receive the coordinator on the parents' behalf (bvl § 3-2)",
            ));
        }
    }
    if child.age_on(today) >= 16 {
        match c.youth_view {
            None => {
                return Err(ChildCoordinatorError::new(
                    "child_coordinator.youth_view",
                    Some("youth_view"),
                    "the young person is 16 or older: record their view, which must be given great weight (spec 02 §1.7)",
                ));
            }
            Some(YouthView::Objects | YouthView::NotStated) => reasoned(
                c.weighing,
                "weighing",
                "child_coordinator.weighing",
                "weighing of the young person's view against the family's need",
            )?,
            Some(YouthView::Agrees) => {}
        }
    }
    Ok(())
}

/// An appointment to make.
#[derive(Debug, Clone, Copy)]
pub struct NewAppointment<'a> {
    pub coordinator_user_id: &'a str,
    pub service_owner: OwnerType,
    /// The coordinator works in the service (an active membership).
    pub works_there: bool,
    /// The family's wishes about who, and whether they were met (spec 02 §1.9: weighed as far as possible).
    pub family_wishes: &'a str,
    pub wishes_met: bool,
    pub wishes_reason: &'a str,
    /// How much the family needs, 1–3: the weight of the family in the coordinator's caseload.
    pub need_weight: u8,
}

/// What the appointment is checked against.
#[derive(Debug, Clone, Copy)]
pub struct AppointmentFacts<'a> {
    pub state: Option<MatterState>,
    /// A consent to the child coordinator is in force.
    pub consent: bool,
    /// Another municipal coordinator (an ordinary coordinator under hol § 7-2) is in force for the child.
    pub ordinary_coordinator: bool,
    /// The child coordinator in force for a sibling (a child of the same parents with parental
    /// responsibility): the right belongs to the family, which has one coordinator from the municipality.
    pub family_coordinator: Option<&'a str>,
}

/// Checks an appointment: the right is granted (or the coordinator is being changed), the parents
/// consented, the coordinator works in a municipal welfare service, the family's wishes are recorded, and no
/// other municipal coordinator is in force.
pub fn validate_appointment(a: &NewAppointment<'_>, f: &AppointmentFacts<'_>) -> Result<(), ChildCoordinatorError> {
    if !matches!(f.state, Some(MatterState::Granted | MatterState::Appointed)) {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.not_granted",
            None,
            "a child coordinator is appointed after the right is granted",
        ));
    }
    if !f.consent {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.consent_missing",
            None,
            "the parents (or whoever consents for the child) have not consented to a child coordinator",
        ));
    }
    if f.family_coordinator.is_some_and(|c| c != a.coordinator_user_id) {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.one_family_coordinator",
            Some("coordinator_user_id"),
            "the family already has a child coordinator for a sibling: the right belongs to the family, which has one coordinator from the municipality — appoint the same person",
        ));
    }
    if a.service_owner != OwnerType::Municipal {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.not_municipal",
            Some("service_id"),
            "the municipality appoints the child coordinator from one of its own welfare services (hol § 7-2 a)",
        ));
    }
    if !a.works_there {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.not_employee",
            Some("coordinator_user_id"),
            "the coordinator must work in the service named",
        ));
    }
    if a.family_wishes.trim().is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.family_wishes",
            Some("family_wishes"),
            "record the family's wishes about who coordinates, or that they had none",
        ));
    }
    if !a.wishes_met {
        reasoned(
            a.wishes_reason,
            "wishes_reason",
            "child_coordinator.wishes_reason",
            "reason the wishes were not met",
        )?;
    }
    if !(1..=3).contains(&a.need_weight) {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.need_weight",
            Some("need_weight"),
            "the family's need is weighted 1, 2 or 3",
        ));
    }
    if f.ordinary_coordinator {
        return Err(one_coordinator());
    }
    Ok(())
}

/// The one-coordinator rule (spec 02 §1.5, §6.C item 24).
pub fn one_coordinator() -> ChildCoordinatorError {
    ChildCoordinatorError::new(
        "child_coordinator.one_coordinator",
        None,
        "the child already has a municipal coordinator: a child and family have one coordinator appointed by the municipality (a specialist-health coordinator may be linked)",
    )
}

/// A handover at 18 to an ordinary coordinator (spec 02 §1.12.7, S-14).
#[derive(Debug, Clone, Copy)]
pub struct Handover {
    pub service_owner: OwnerType,
    /// The child coordinator stays until this day, beside the ordinary coordinator (the overlap).
    pub overlap_until: NaiveDate,
}

/// The longest overlap after the 18th birthday (a setting would belong to the municipality; the guidance
/// names no length, so Los allows a quarter of a year).
pub const MAX_OVERLAP_AFTER_18_DAYS: u64 = 92;

/// Checks a handover: planned from `lead_months` before 18, to a municipal service, with an overlap that
/// ends within a quarter of a year after the 18th birthday.
pub fn validate_handover(
    h: &Handover,
    child: &ChildFacts,
    lead_months: u32,
    today: NaiveDate,
) -> Result<(), ChildCoordinatorError> {
    if today < super::transition_from(child, lead_months) {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.handover_early",
            None,
            format!(
                "the handover to an ordinary coordinator is planned from {lead_months} months before the 18th birthday"
            ),
        ));
    }
    if h.service_owner != OwnerType::Municipal {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.not_municipal",
            Some("service_id"),
            "the ordinary coordinator comes from a municipal service (hol § 7-2)",
        ));
    }
    let latest = child.eighteenth_birthday() + chrono::Days::new(MAX_OVERLAP_AFTER_18_DAYS);
    if h.overlap_until < today || h.overlap_until > latest {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.overlap",
            Some("overlap_until"),
            format!("the overlap ends between today and {latest}"),
        ));
    }
    Ok(())
}
