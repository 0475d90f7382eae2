//! Complaints about the child coordinator (spec 02 §1.11, §6.B item 18): about a refusal, a change, a
//! termination, a failure to fulfil the right, or no ordinary coordinator after 18. The complaint goes to the
//! municipality, which may change its decision; otherwise it forwards it to statsforvalteren
//! (pbrl §§ 7-2, 7-3, 7-5; spec 05 §2a). Tracked to its outcome, and the outcome applied to the matter.

use chrono::NaiveDate;

use super::decision::DecisionKind;
use super::{ChildCoordinatorError, Event, MatterState};
use crate::model::coded_enum;

coded_enum!(
    /// What the complaint is about.
    ComplaintKind {
        Refusal = "refusal",
        Change = "change",
        Termination = "termination",
        NonFulfilment = "non_fulfilment",
        NoOrdinaryAfter18 = "no_ordinary_after_18",
    }
);

impl ComplaintKind {
    /// The decision a complaint of this kind is about, if it is about one.
    pub fn decision(self) -> Option<DecisionKind> {
        match self {
            ComplaintKind::Refusal => Some(DecisionKind::Refusal),
            ComplaintKind::Change => Some(DecisionKind::Change),
            ComplaintKind::Termination => Some(DecisionKind::Termination),
            ComplaintKind::NonFulfilment | ComplaintKind::NoOrdinaryAfter18 => None,
        }
    }
}

coded_enum!(
    /// Where a complaint stands.
    ComplaintState {
        /// Received by the municipality.
        Submitted = "submitted",
        /// The municipality considers changing its decision.
        MunicipalReview = "municipal_review",
        /// Sent to statsforvalteren.
        Forwarded = "forwarded",
        /// Decided, by the municipality itself or by statsforvalteren.
        Decided = "decided",
        /// The outcome is applied to the matter.
        Implemented = "implemented",
    }
);

coded_enum!(
    /// How a complaint was decided.
    ComplaintOutcome {
        /// Statsforvalteren found for the family.
        Upheld = "upheld",
        /// Statsforvalteren found partly for the family and sent the matter back.
        PartlyUpheld = "partly_upheld",
        /// Statsforvalteren did not find for the family.
        Rejected = "rejected",
        /// The municipality changed its own decision before forwarding.
        MunicipalityChanged = "municipality_changed",
    }
);

/// A step in a complaint's handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintStep {
    Review,
    Forward,
    Decide(ComplaintOutcome),
    Implement,
}

impl ComplaintState {
    /// The state after `step`. The municipality may review first (the configurable step of spec 02 §6.B
    /// item 18) or forward at once; only it changes its own decision, only statsforvalteren upholds or rejects.
    pub fn after(self, step: ComplaintStep) -> Result<ComplaintState, ChildCoordinatorError> {
        use ComplaintOutcome::*;
        use ComplaintState::*;
        let next = match (self, step) {
            (Submitted, ComplaintStep::Review) => Some(MunicipalReview),
            (Submitted | MunicipalReview, ComplaintStep::Forward) => Some(Forwarded),
            (Submitted | MunicipalReview, ComplaintStep::Decide(MunicipalityChanged)) => Some(Decided),
            (Forwarded, ComplaintStep::Decide(Upheld | PartlyUpheld | Rejected)) => Some(Decided),
            (Decided, ComplaintStep::Implement) => Some(Implemented),
            _ => None,
        };
        next.ok_or_else(|| {
            ChildCoordinatorError::new(
                "child_coordinator.complaint_step",
                Some("step"),
                format!(
                    "a complaint that is {} cannot take that step: the municipality reviews or forwards it, statsforvalteren decides it, then the outcome is applied",
                    self.as_str()
                ),
            )
        })
    }
}

/// What applying a complaint's outcome does to the matter.
pub fn effect(kind: ComplaintKind, outcome: ComplaintOutcome) -> Option<Event> {
    match (kind, outcome) {
        (_, ComplaintOutcome::Rejected) => None,
        (ComplaintKind::Refusal | ComplaintKind::Termination, ComplaintOutcome::Upheld) => Some(Event::Regrant),
        (ComplaintKind::Refusal | ComplaintKind::Termination, _) => Some(Event::Reassess),
        // A change or non-fulfilment found for the family: the unit follows it up with the family (a new
        // coordinator or a better-working one); the matter's state does not move by itself.
        (ComplaintKind::Change | ComplaintKind::NonFulfilment | ComplaintKind::NoOrdinaryAfter18, _) => None,
    }
}

/// Is the complaint within the deadline? A complaint about non-fulfilment has none (it is about now). Late
/// complaints are still registered: statsforvalteren may accept them (pbrl § 7-7, fvl § 31).
pub fn in_time(kind: ComplaintKind, decision_deadline: Option<NaiveDate>, received_on: NaiveDate) -> bool {
    match kind.decision() {
        Some(_) => decision_deadline.is_none_or(|d| received_on <= d),
        None => true,
    }
}

/// Checks that a complaint can be registered against the matter: about a decision of its kind, or (non-
/// fulfilment) about a right granted or a coordinator appointed.
pub fn validate_complaint(
    kind: ComplaintKind,
    decision: Option<DecisionKind>,
    state: Option<MatterState>,
    text: &str,
) -> Result<(), ChildCoordinatorError> {
    if text.trim().is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.complaint_text",
            Some("text"),
            "say what the complaint is about",
        ));
    }
    let ok = match kind {
        ComplaintKind::NonFulfilment => matches!(state, Some(MatterState::Granted | MatterState::Appointed)),
        ComplaintKind::NoOrdinaryAfter18 => state.is_some(),
        _ => decision == kind.decision(),
    };
    if ok {
        Ok(())
    } else {
        Err(ChildCoordinatorError::new(
            "child_coordinator.complaint_kind",
            Some("kind"),
            "the complaint must be about a decision of that kind, or about a right granted that is not fulfilled",
        ))
    }
}
