//! Complaints about the individual plan (IP-forskriften § 11; spec 02 §2.5): the route follows the legal
//! basis, and so does who may complain at which age. A complaint is registered and tracked to its outcome.

use chrono::{Duration, NaiveDate};

use super::IpComplaintRoute;
use crate::model::coded_enum;

coded_enum!(
    /// In which capacity someone complains.
    ComplainantCapacity {
        /// The child or young person the plan is for.
        Child = "child",
        /// A parent or another with parental responsibility.
        Parent = "parent",
    }
);

coded_enum!(
    /// Where a complaint stands.
    ComplaintState {
        /// Registered with the service; it considers whether to change what it did.
        Received = "received",
        /// Not (fully) upheld by the service and sent on to the complaint body.
        Forwarded = "forwarded",
        /// Decided, with an outcome.
        Decided = "decided",
        /// Withdrawn by the one who complained.
        Withdrawn = "withdrawn",
    }
);

coded_enum!(
    /// The outcome of a complaint.
    ComplaintOutcome {
        /// The service or the complaint body gave the complainant what they asked.
        Upheld = "upheld",
        PartlyUpheld = "partly_upheld",
        Rejected = "rejected",
        /// Not considered (late, or the complainant had no right to complain).
        Dismissed = "dismissed",
    }
);

/// Why a complaint cannot be registered or moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintError {
    #[error("this complaint route does not apply to the plan: its legal bases give {0}")]
    RouteNotOpen(String),
    #[error("{0}")]
    NotEntitled(&'static str),
    #[error("describe what the complaint is about (at least three words)")]
    Text,
    #[error("a complaint cannot go from {from} to {to}")]
    Step { from: &'static str, to: &'static str },
    #[error("a decided complaint needs its outcome")]
    OutcomeMissing,
    #[error("the day the complaint came in cannot be after today")]
    ReceivedInFuture,
}

impl ComplaintError {
    pub fn code(&self) -> &'static str {
        match self {
            ComplaintError::RouteNotOpen(_) => "ip.complaint_route",
            ComplaintError::NotEntitled(_) => "ip.complaint_not_entitled",
            ComplaintError::Text => "ip.complaint_text",
            ComplaintError::Step { .. } => "ip.complaint_step",
            ComplaintError::OutcomeMissing => "ip.complaint_outcome",
            ComplaintError::ReceivedInFuture => "ip.complaint_received",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            ComplaintError::RouteNotOpen(_) => "route",
            ComplaintError::NotEntitled(_) => "capacity",
            ComplaintError::Text => "description",
            ComplaintError::Step { .. } => "state",
            ComplaintError::OutcomeMissing => "outcome",
            ComplaintError::ReceivedInFuture => "received_on",
        })
    }
}

/// Whether someone in `capacity` may complain by `route` about the plan of a child of `child_age`
/// (spec 02 §2.5):
/// - barnevernsloven § 12-9: under 15 the parents; from 15 the child has an independent right (the child
///   consents), and the parents keep theirs; after a care order for a child under 15 the parents cannot
///   complain to statsforvalteren;
/// - pasient- og brukerrettighetsloven chapter 7: the patient or user from 16 (the age of consent to health
///   care, pbrl § 4-3), the parents as representatives below, child welfare after a care order;
/// - NAV's bases (the party under forvaltningsloven): the parents for a child, the young person from 15
///   (the source does not say who the party is: verify).
pub fn may_complain(
    route: IpComplaintRoute,
    capacity: ComplainantCapacity,
    child_age: u32,
    care_order: bool,
) -> Result<(), ComplaintError> {
    use ComplainantCapacity::*;
    let ok = match (route, capacity) {
        (IpComplaintRoute::BvlS12_9, Child) => child_age >= 15,
        (IpComplaintRoute::BvlS12_9, Parent) => !(care_order && child_age < 15),
        (IpComplaintRoute::PbrlChapter7, Child) => child_age >= 16,
        (IpComplaintRoute::PbrlChapter7, Parent) => child_age < 16 && !care_order,
        (IpComplaintRoute::IndividualDecision, Child) => child_age >= 15,
        (IpComplaintRoute::IndividualDecision, Parent) => child_age < 18 && !care_order,
    };
    if ok {
        return Ok(());
    }
    Err(ComplaintError::NotEntitled(match (route, capacity) {
        (IpComplaintRoute::BvlS12_9, Child) => "under barnevernsloven § 12-9 the child complains on their own from 15",
        (IpComplaintRoute::BvlS12_9, Parent) => {
            "child welfare has taken over the care of a child under 15: the parents cannot complain to statsforvalteren about the plan"
        }
        (IpComplaintRoute::PbrlChapter7, Child) => {
            "under pasient- og brukerrettighetsloven chapter 7 the young person complains from 16; the parents complain below"
        }
        (IpComplaintRoute::PbrlChapter7, Parent) => {
            "from 16, or after a care order, the parents do not complain for the young person under pasient- og brukerrettighetsloven chapter 7"
        }
        (IpComplaintRoute::IndividualDecision, Child) => "the young person is a party on their own from 15",
        (IpComplaintRoute::IndividualDecision, Parent) => {
            "the parents are not the party: the young person is an adult, or child welfare has the care"
        }
    }))
}

/// The last day to complain: `deadline_days` after the day the complainant learned of what they complain
/// about.
pub fn deadline(known_on: NaiveDate, deadline_days: i64) -> NaiveDate {
    known_on + Duration::days(deadline_days)
}

/// Whether a complaint may go from `from` to `to`: received → forwarded (the service keeps its view and
/// sends it on: every route has a body beyond the service, statsforvalteren or under fvl § 33 the appeal
/// body) or decided; forwarded → decided; received or forwarded → withdrawn. A decided or withdrawn
/// complaint is done.
pub fn step(from: ComplaintState, to: ComplaintState, outcome: Option<ComplaintOutcome>) -> Result<(), ComplaintError> {
    use ComplaintState::*;
    let allowed = matches!((from, to), (Received, Forwarded) | (Received | Forwarded, Decided | Withdrawn));
    if !allowed {
        return Err(ComplaintError::Step { from: from.as_str(), to: to.as_str() });
    }
    if to == Decided && outcome.is_none() {
        return Err(ComplaintError::OutcomeMissing);
    }
    Ok(())
}

/// A complaint to register, as far as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintFacts<'a> {
    pub route: IpComplaintRoute,
    pub capacity: ComplainantCapacity,
    pub child_age: u32,
    pub care_order: bool,
    pub description: &'a str,
    pub received_on: NaiveDate,
}

/// Checks a complaint to register against the routes the plan's bases open.
pub fn validate_complaint(
    open_routes: &[IpComplaintRoute],
    c: &ComplaintFacts<'_>,
    today: NaiveDate,
) -> Result<(), ComplaintError> {
    let ComplaintFacts { route, capacity, child_age, care_order, description, received_on } = *c;
    if !open_routes.contains(&route) {
        let names: Vec<&str> = open_routes.iter().map(|r| r.as_str()).collect();
        return Err(ComplaintError::RouteNotOpen(if names.is_empty() { "none".into() } else { names.join(", ") }));
    }
    may_complain(route, capacity, child_age, care_order)?;
    if description.split_whitespace().count() < 3 {
        return Err(ComplaintError::Text);
    }
    if received_on > today {
        return Err(ComplaintError::ReceivedInFuture);
    }
    Ok(())
}
