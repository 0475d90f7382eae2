//! Cooperation in a single case and the municipality's coordination duty (spec 01 §4, §6, §8.C–F).
//!
//! Pure rules: the outcome of a service's step-2 assessment, the best-interests assessment and the record of
//! hearing the child, who may coordinate and on which basis, the dispute that goes to the municipality's
//! decision-maker, and the life transitions that call for a new look at who coordinates. Cooperation and
//! coordination are not individual decisions (enkeltvedtak): nothing here has an appeal deadline.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{OwnerType, Participation, coded_enum};

coded_enum!(
    /// The outcome of one service's step-2 assessment (spec 01 §4.2).
    AssessmentResult {
        /// Cooperation is necessary for a holistic and coordinated offer: the duty applies.
        Necessary = "necessary",
        /// Not required, but the services may cooperate with consent (the threshold should be low).
        VoluntaryWithConsent = "voluntary_with_consent",
        /// Not necessary now.
        NotNecessary = "not_necessary",
    }
);

coded_enum!(
    /// Where a step-1 mapping got its information (spec 01 §8.C item 12).
    MappingSource {
        AskedChild = "asked_child",
        AskedParents = "asked_parents",
        OwnRecords = "own_records",
    }
);

coded_enum!(
    /// The child's voice in an assessment (spec 01 §8.C item 13): required, or why it is missing.
    ChildVoice {
        /// The child's wishes are recorded.
        Heard = "heard",
        /// The child declined to express a view (a right, not a duty).
        Declined = "declined",
        /// Not yet heard, with a reason.
        NotYetHeard = "not_yet_heard",
    }
);

/// A service's step-2 assessment of whether cooperation is necessary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: String,
    pub case_id: String,
    pub service_id: String,
    pub result: AssessmentResult,
    pub reasoning: String,
    pub child_voice: ChildVoice,
    /// The child's wishes, or the reason they are missing.
    pub child_wishes: String,
    /// Whose needs are considered: the child, a parent, or both.
    pub needs_of_child: bool,
    pub needs_of_parents: bool,
    pub best_interests_id: Option<String>,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
    /// The four assessments each service makes when cooperation is necessary (spec 01 §4.3): which other
    /// providers, what to cooperate on, how extensive and long-lasting, and how it is organised.
    pub planning: Option<PlanningAssessment>,
    /// The situations from the guidance the service ticked (spec 01 §4.2), and why it found otherwise than
    /// the guidance suggests, when it did.
    #[serde(default)]
    pub situations: Vec<crate::planning::Situation>,
    pub deviation_reason: Option<String>,
}

/// A service's four planning assessments (spec 01 §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanningAssessment {
    pub cooperate_with: String,
    pub cooperate_on: String,
    pub extent_duration: String,
    pub organisation: String,
}

/// The municipalities tied to a child (spec 01 §5.1, §8.H item 30).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipalities {
    /// Registered permanent address (Folkeregisteret): coordinates the service offer.
    pub registered: String,
    /// The child welfare service that has care of a placed child (omsorgskommunen): follows the child up.
    pub care: Option<String>,
    /// Where the foster home or institution is.
    pub placement: Option<String>,
    /// A second actual residence (delt bosted); its services may take part.
    pub second_residence: Option<String>,
    /// The local clarification of cooperation with the placement municipality.
    pub local_clarification: Option<String>,
}

impl Municipalities {
    /// The municipality responsible for coordinating the offer: the registered one (spec 01 §5.1).
    pub fn coordinating(&self) -> &str {
        &self.registered
    }

    /// The municipality whose child welfare service follows the child up: the care municipality for a
    /// placed child, otherwise the registered one.
    pub fn follow_up(&self) -> &str {
        self.care.as_deref().unwrap_or(&self.registered)
    }

    /// A placement in another municipality needs a recorded local clarification of who cooperates.
    pub fn needs_local_clarification(&self) -> bool {
        self.placement.as_deref().is_some_and(|p| Some(p) != self.care.as_deref() && p != self.registered)
            && self.local_clarification.as_deref().is_none_or(|c| c.trim().is_empty())
    }
}

/// Why an assessment, hearing or assignment is refused. Each names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordinationError {
    #[error(
        "the child's wishes must be recorded, or why they are missing (spec 01 §4.2 step 2: the assessment must emphasise what the child wants)"
    )]
    ChildWishesMissing,
    #[error("the reasoning for the assessment is missing")]
    ReasoningMissing,
    #[error(
        "the planning assessment needs all four parts: with whom, on what, how extensive and long, and how it is organised (spec 01 §4.3)"
    )]
    PlanningIncomplete,
    #[error(
        "a best-interests assessment cannot be finalised without a record of hearing the child or a stated reason the child was not heard (spec 01 §4.4–4.5)"
    )]
    NotHeard,
    #[error(
        "every one of the seven elements of the best-interests assessment needs an assessment text (spec 01 §4.4): missing {0}"
    )]
    ElementMissing(&'static str),
    #[error("the conclusion of the best-interests assessment is missing")]
    ConclusionMissing,
    #[error("the coordinating service must take part in the case")]
    NotParticipant,
    #[error(
        "the municipality can designate only a municipal service; a county, state or private service coordinates only by agreement (spec 01 §6.2 point 5)"
    )]
    DesignateNonMunicipal,
    #[error(
        "no municipal service takes part, so the municipality cannot designate one: the services must agree among themselves (spec 01 §6.2 point 6)"
    )]
    NoMunicipalService,
    #[error(
        "a county, state or private service coordinates only when all the services taking part have agreed; missing agreement from {0}"
    )]
    AgreementMissing(String),
    #[error(
        "a child coordinator is appointed, so the child coordinator coordinates (hol § 7-2 a; spec 01 §6.2 point 2)"
    )]
    ChildCoordinatorAppointed,
    #[error("there is no appointed child coordinator to point the assignment at")]
    NoChildCoordinator,
    #[error("the coordination duty applies only when a service has assessed cooperation as necessary (spec 01 §6.1)")]
    CooperationNotNecessary,
    #[error("the child's view on who coordinates must be on file, or why it is not (spec 01 §6.2 point 4)")]
    ChildViewMissing,
    #[error("the parents' view on who coordinates must be on file, or why it is not (spec 01 §6.2 point 4)")]
    ParentsViewMissing,
    #[error(
        "the municipality designates only when the services disagree: raise a dispute first (spec 01 §6.2 point 3)"
    )]
    NoDispute,
    #[error("the decision needs the delegation it is made under (spec 01 §6.3)")]
    DelegationMissing,
    #[error("the municipality decides when the services cannot agree; use the basis 'designated by the municipality'")]
    DisputeOpen,
    #[error("a youth sentence can be served from the age of 15 (spec 01 §5.2)")]
    TooYoungForSentence,
    #[error(
        "youth sentences and youth follow-up are coordinated by the mediation service's youth coordinator (spec 01 §5.2): record it from that service"
    )]
    NotYouthCoordinator,
    #[error(
        "a community sentence is followed up by the correctional service's probation office (friomsorgskontor): record it from that service (spec 01 §5.2)"
    )]
    NotProbationOffice,
    #[error(
        "a prison sentence is served, as a rule, at the correctional service's youth unit, whose multi-agency team prepares the release (straffegjennomføringsloven § 10 a): record it from that service"
    )]
    NotYouthUnit,
    #[error("only a measure in a case with a sentence can be part of the transition plan after the sentence")]
    ReleaseAreaWithoutSentence,
    #[error("the follow-up team of a youth sentence must include {0} (spec 01 §5.2)")]
    MandatorySlotMissing(&'static str),
    #[error("record the views the child gave, or mark that the child declined")]
    HearingViewsMissing,
    #[error("hearing the child directly is the main rule: give the reason it was indirect")]
    HearingIndirectReason,
    #[error("record who talked with the child")]
    HearingTalkedWith,
}

impl CoordinationError {
    /// The field of the request this rule is about (the input's own name), for the page to point at. A
    /// missing best-interests element names the element itself.
    pub fn field(&self) -> Option<&'static str> {
        use CoordinationError::*;
        Some(match self {
            ChildWishesMissing => "child_wishes",
            ReasoningMissing => "reasoning",
            PlanningIncomplete => "cooperate_with",
            NotHeard => "hearing_id",
            ElementMissing(element) => element,
            ConclusionMissing => "conclusion",
            NotParticipant => "service_id",
            DesignateNonMunicipal
            | NoMunicipalService
            | ChildCoordinatorAppointed
            | NoChildCoordinator
            | CooperationNotNecessary
            | NoDispute
            | DelegationMissing
            | DisputeOpen => "basis",
            AgreementMissing(_) => "agreed_by",
            ChildViewMissing => "child_view",
            ParentsViewMissing => "parents_view",
            TooYoungForSentence | NotYouthCoordinator | NotProbationOffice | NotYouthUnit => "kind",
            ReleaseAreaWithoutSentence => "release_area",
            MandatorySlotMissing(_) => "team",
            HearingViewsMissing => "views",
            HearingIndirectReason => "indirect_reason",
            HearingTalkedWith => "talked_with",
        })
    }

    /// Stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            CoordinationError::ChildWishesMissing => "coordination.child_wishes_missing",
            CoordinationError::ReasoningMissing => "coordination.reasoning_missing",
            CoordinationError::PlanningIncomplete => "coordination.planning_incomplete",
            CoordinationError::NotHeard => "coordination.not_heard",
            CoordinationError::ElementMissing(_) => "coordination.element_missing",
            CoordinationError::ConclusionMissing => "coordination.conclusion_missing",
            CoordinationError::NotParticipant => "coordination.not_participant",
            CoordinationError::DesignateNonMunicipal => "coordination.designate_non_municipal",
            CoordinationError::NoMunicipalService => "coordination.no_municipal_service",
            CoordinationError::AgreementMissing(_) => "coordination.agreement_missing",
            CoordinationError::ChildCoordinatorAppointed => "coordination.child_coordinator_appointed",
            CoordinationError::NoChildCoordinator => "coordination.no_child_coordinator",
            CoordinationError::CooperationNotNecessary => "coordination.not_necessary",
            CoordinationError::ChildViewMissing => "coordination.child_view_missing",
            CoordinationError::ParentsViewMissing => "coordination.parents_view_missing",
            CoordinationError::NoDispute => "coordination.no_dispute",
            CoordinationError::DelegationMissing => "coordination.delegation_missing",
            CoordinationError::DisputeOpen => "coordination.dispute_open",
            CoordinationError::TooYoungForSentence => "sentence.too_young",
            CoordinationError::NotYouthCoordinator => "sentence.not_youth_coordinator",
            CoordinationError::NotProbationOffice => "sentence.not_probation_office",
            CoordinationError::NotYouthUnit => "sentence.not_youth_unit",
            CoordinationError::ReleaseAreaWithoutSentence => "plan.release_area",
            CoordinationError::MandatorySlotMissing(_) => "sentence.mandatory_slot",
            CoordinationError::HearingViewsMissing => "hearing.views",
            CoordinationError::HearingIndirectReason => "hearing.indirect_reason",
            CoordinationError::HearingTalkedWith => "hearing.talked_with",
        }
    }
}

/// Checks a step-2 assessment before it is recorded.
pub fn validate_assessment(a: &Assessment) -> Result<(), CoordinationError> {
    if a.reasoning.trim().is_empty() {
        return Err(CoordinationError::ReasoningMissing);
    }
    if a.child_wishes.trim().is_empty() {
        return Err(CoordinationError::ChildWishesMissing);
    }
    if let Some(p) = &a.planning
        && [&p.cooperate_with, &p.cooperate_on, &p.extent_duration, &p.organisation].iter().any(|f| f.trim().is_empty())
    {
        return Err(CoordinationError::PlanningIncomplete);
    }
    Ok(())
}

/// The seven elements of a best-interests assessment (spec 01 §4.4).
pub const BEST_INTEREST_ELEMENTS: [&str; 7] =
    ["view", "identity", "family", "protection", "vulnerability", "health", "education"];

coded_enum!(
    /// Where the child was heard (spec 01 §8.E item 19).
    HearingPlace {
        Kindergarten = "kindergarten",
        School = "school",
        Home = "home",
        Neutral = "neutral",
        Office = "office",
        Digital = "digital",
    }
);

/// The record of hearing the child (spec 01 §4.5, §8.E item 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    pub id: String,
    pub case_id: String,
    pub held_on: NaiveDate,
    /// Heard directly (the main rule) or through someone else, with the reason.
    pub direct: bool,
    pub indirect_reason: Option<String>,
    pub place: HearingPlace,
    pub talked_with: String,
    pub companion: Option<String>,
    /// Interpreter, ASK/AAC, adapted information.
    pub adaptations: Vec<String>,
    /// The child declined to speak: a right, not a duty.
    pub declined: bool,
    pub views: String,
    pub age: u32,
    pub maturity: String,
    pub weight: String,
    pub recorded_by: String,
}

/// Normalises and checks the record of hearing the child (spec 01 §4.5): free text is trimmed (a blank
/// optional text is no text); the child's views are required unless the child declined, which is a right;
/// hearing the child directly is the main rule, so an indirect hearing needs its reason; and who talked with
/// the child must be on record.
pub fn validate_hearing(mut h: Hearing) -> Result<Hearing, CoordinationError> {
    let optional = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    h.views = h.views.trim().to_owned();
    h.talked_with = h.talked_with.trim().to_owned();
    h.maturity = h.maturity.trim().to_owned();
    h.weight = h.weight.trim().to_owned();
    h.indirect_reason = optional(h.indirect_reason);
    h.companion = optional(h.companion);
    h.adaptations = h.adaptations.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).map(str::to_owned).collect();
    if !h.declined && h.views.is_empty() {
        return Err(CoordinationError::HearingViewsMissing);
    }
    if !h.direct && h.indirect_reason.is_none() {
        return Err(CoordinationError::HearingIndirectReason);
    }
    if h.talked_with.is_empty() {
        return Err(CoordinationError::HearingTalkedWith);
    }
    Ok(h)
}

/// A best-interests assessment with the seven elements and a conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestInterests {
    pub id: String,
    pub case_id: String,
    /// Element code (see [`BEST_INTEREST_ELEMENTS`]) and its assessment.
    pub elements: Vec<(String, String)>,
    pub conclusion: String,
    pub hearing_id: Option<String>,
    /// Why the child was not heard, when no hearing is linked.
    pub not_heard_reason: Option<String>,
    pub finalised: bool,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
}

/// Checks that a best-interests assessment may be finalised.
pub fn validate_best_interests(b: &BestInterests) -> Result<(), CoordinationError> {
    if !b.finalised {
        return Ok(());
    }
    for e in BEST_INTEREST_ELEMENTS {
        if !b.elements.iter().any(|(k, v)| k == e && !v.trim().is_empty()) {
            return Err(CoordinationError::ElementMissing(e));
        }
    }
    if b.conclusion.trim().is_empty() {
        return Err(CoordinationError::ConclusionMissing);
    }
    if b.hearing_id.is_none() && b.not_heard_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(CoordinationError::NotHeard);
    }
    Ok(())
}

coded_enum!(
    /// On which basis a service coordinates (spec 01 §8.F item 21).
    CoordinationBasis {
        /// The services taking part agreed (a municipal service).
        AgreedByServices = "agreed_by_services",
        /// The municipality's decision-maker designated it, after a dispute.
        DesignatedByMunicipality = "designated_by_municipality",
        /// An appointed child coordinator coordinates.
        ChildCoordinator = "child_coordinator",
        /// The services agreed that a county, state or private service coordinates.
        AgreedNonMunicipal = "agreed_non_municipal",
    }
);

/// Who decides when services disagree (spec 01 §6.3), configured per municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionMaker {
    /// One of [`DecisionMaker::KINDS`].
    pub kind: String,
    pub title: String,
    /// The delegation: document, paragraph and date.
    pub delegation_ref: String,
    pub contact: String,
    pub valid_from: NaiveDate,
}

impl DecisionMaker {
    /// Whom a municipality may make the decision-maker (spec 01 §6.3).
    pub const KINDS: [&'static str; 4] = ["kommunedirektor", "staff_function", "coordinating_unit", "other"];
    /// The roles that may read the dossier and decide while a dispute is open. Administrators see no case
    /// data, so they are never among them.
    pub const DECIDER_ROLES: [crate::model::Role; 3] =
        [crate::model::Role::CoordinatingUnitHandler, crate::model::Role::Leader, crate::model::Role::CaseWorker];
}

/// A proposed assignment of the coordinating service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRequest<'a> {
    pub service_id: &'a str,
    pub basis: CoordinationBasis,
    /// Services that agreed (for the agreed bases).
    pub agreed_by: &'a [String],
    pub child_view: &'a str,
    pub parents_view: &'a str,
    pub delegation_ref: Option<&'a str>,
}

/// The facts an assignment is checked against.
#[derive(Debug, Clone, Copy)]
pub struct CoordinationFacts<'a> {
    pub participants: &'a [Participation],
    pub today: NaiveDate,
    /// A service has assessed cooperation as necessary.
    pub cooperation_necessary: bool,
    /// The service of the appointed child coordinator, if any.
    pub child_coordinator_service: Option<&'a str>,
    /// An unresolved dispute about who coordinates.
    pub open_dispute: bool,
}

/// Checks every rule of spec 01 §8.F item 22 (a)–(e) and §6.2.
pub fn validate_assignment(req: &AssignmentRequest<'_>, f: CoordinationFacts<'_>) -> Result<(), CoordinationError> {
    if !f.cooperation_necessary {
        return Err(CoordinationError::CooperationNotNecessary);
    }
    if req.child_view.trim().is_empty() {
        return Err(CoordinationError::ChildViewMissing);
    }
    if req.parents_view.trim().is_empty() {
        return Err(CoordinationError::ParentsViewMissing);
    }
    let active: Vec<&Participation> = f.participants.iter().filter(|p| p.active_on(f.today)).collect();
    let target = active.iter().find(|p| p.service_id == req.service_id).ok_or(CoordinationError::NotParticipant)?;
    // (d) an appointed child coordinator always coordinates.
    match (f.child_coordinator_service, req.basis) {
        (Some(cc), CoordinationBasis::ChildCoordinator) if cc == req.service_id => return Ok(()),
        (Some(_), _) => return Err(CoordinationError::ChildCoordinatorAppointed),
        (None, CoordinationBasis::ChildCoordinator) => return Err(CoordinationError::NoChildCoordinator),
        (None, _) => {}
    }
    let municipal_present = active.iter().any(|p| p.owner_type == OwnerType::Municipal);
    let agreed_by_all = || {
        let missing: Vec<&str> =
            active.iter().map(|p| p.service_id.as_str()).filter(|s| !req.agreed_by.iter().any(|a| a == s)).collect();
        if missing.is_empty() { Ok(()) } else { Err(CoordinationError::AgreementMissing(missing.join(", "))) }
    };
    match req.basis {
        CoordinationBasis::DesignatedByMunicipality => {
            // (c) no municipal services: the municipal path is closed.
            if !municipal_present {
                return Err(CoordinationError::NoMunicipalService);
            }
            // (a) only a municipal service.
            if target.owner_type != OwnerType::Municipal {
                return Err(CoordinationError::DesignateNonMunicipal);
            }
            if !f.open_dispute {
                return Err(CoordinationError::NoDispute);
            }
            if req.delegation_ref.is_none_or(|d| d.trim().is_empty()) {
                return Err(CoordinationError::DelegationMissing);
            }
            Ok(())
        }
        CoordinationBasis::AgreedByServices => {
            if f.open_dispute {
                return Err(CoordinationError::DisputeOpen);
            }
            // (b) a non-municipal coordinator only by the non-municipal agreement path.
            if target.owner_type != OwnerType::Municipal {
                return Err(CoordinationError::DesignateNonMunicipal);
            }
            agreed_by_all()
        }
        CoordinationBasis::AgreedNonMunicipal => {
            if f.open_dispute {
                return Err(CoordinationError::DisputeOpen);
            }
            agreed_by_all()
        }
        CoordinationBasis::ChildCoordinator => unreachable!("handled above"),
    }
}

coded_enum!(
    /// Life transitions that call for a new look at who coordinates (spec 01 §8.F item 25).
    Transition {
        KindergartenToSchool = "kindergarten_to_school",
        LowerToUpperSecondary = "lower_to_upper_secondary",
        Turning18 = "turning_18",
        EndOfCrisisCentreStay = "end_of_crisis_centre_stay",
        MovingMunicipality = "moving_municipality",
        EndOfSentence = "end_of_sentence",
    }
);

mod sentence;
pub use sentence::*;

#[cfg(test)]
mod tests;
