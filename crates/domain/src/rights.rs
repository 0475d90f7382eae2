//! Individual-rights screening (spec 01 §8.C item 15; spec 02 §1.1 and §2.1): in a case where the services
//! must cooperate, someone assesses whether the child and family have a right to an individual plan, a
//! coordinator and a child coordinator, and records the outcome. A right in place anchors the case to it
//! (who holds the plan, who the coordinator is). An appointed child coordinator is the one who coordinates
//! the services (pbrl § 2-5 c, hol § 7-2 a): the coordination is set to them and locked against other
//! assignments (`coordination::validate_assignment` rule d).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{OwnerType, Participation, coded_enum};

coded_enum!(
    /// The individual rights screened in a case.
    RightKind {
        /// Individual plan (individuell plan). Only one per child, whatever law gives the right.
        IndividualPlan = "individual_plan",
        /// Coordinator (koordinator) in the health and care services.
        Coordinator = "coordinator",
        /// Child coordinator (barnekoordinator), given to the family.
        ChildCoordinator = "child_coordinator",
    }
);

impl RightKind {
    /// Where the right is written (spec 02 §1.1, §2.1; hol §§ 7-1 to 7-2 a). Shown beside the question so
    /// that the person screening sees the law they apply.
    pub fn legal_basis(self) -> &'static [&'static str] {
        match self {
            RightKind::IndividualPlan => &[
                "helse- og omsorgstjenesteloven § 7-1",
                "pasient- og brukerrettighetsloven § 2-5",
                "spesialisthelsetjenesteloven § 2-5",
                "psykisk helsevernloven § 4-1",
                "barnevernsloven § 15-9",
                "NAV-loven § 15",
                "sosialtjenesteloven § 28",
            ],
            RightKind::Coordinator => &[
                "helse- og omsorgstjenesteloven § 7-2",
                "pasient- og brukerrettighetsloven § 2-5",
                "spesialisthelsetjenesteloven § 2-5 a",
            ],
            RightKind::ChildCoordinator => {
                &["pasient- og brukerrettighetsloven § 2-5 c", "helse- og omsorgstjenesteloven § 7-2 a"]
            }
        }
    }
}

coded_enum!(
    /// What the screening found.
    ScreeningOutcome {
        /// The right is fulfilled: the plan exists, or the coordinator is appointed. The case is anchored to it.
        InPlace = "in_place",
        /// The conditions look met and the right has been asked for at the responsible service.
        Requested = "requested",
        /// The conditions are not met.
        NotEntitled = "not_entitled",
        /// The family (or the young person) does not want it now.
        Declined = "declined",
    }
);

/// A screening to record.
#[derive(Debug, Clone, Copy)]
pub struct ScreeningRequest<'a> {
    pub kind: RightKind,
    pub outcome: ScreeningOutcome,
    /// The service that holds the plan, employs the coordinator, or was asked.
    pub service_id: Option<&'a str>,
    /// The appointed coordinator's name (a coordinator or child coordinator in place).
    pub person: Option<&'a str>,
    /// What the screening built on, or why the right does not apply.
    pub reasoning: &'a str,
    /// The service the person recording it acts for.
    pub acting_service: &'a str,
    /// The child's and the parents' views: required when a child coordinator is in place, because the
    /// appointment then decides who coordinates (spec 01 §8.E item 20).
    pub child_view: &'a str,
    pub parents_view: &'a str,
}

/// Why a screening cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RightsError {
    #[error("say what the screening built on, or why the right does not apply")]
    ReasoningMissing,
    #[error("name the service that holds the plan, employs the coordinator or was asked")]
    ServiceMissing,
    #[error("{0} does not take part in the case: add it to the case before anchoring the case to it")]
    NotParticipant(String),
    #[error("only the service that holds the plan or employs the coordinator records that it is in place")]
    NotOwnService,
    #[error("name the appointed coordinator")]
    PersonMissing,
    #[error(
        "the municipality appoints the child coordinator (helse- og omsorgstjenesteloven § 7-2 a): choose a municipal service"
    )]
    ChildCoordinatorNotMunicipal,
    #[error(
        "an appointed child coordinator coordinates the services: record the child's and the parents' views on that (spec 01 §8.E item 20)"
    )]
    ViewsMissing,
}

impl RightsError {
    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            RightsError::ReasoningMissing => "reasoning",
            RightsError::ServiceMissing
            | RightsError::NotParticipant(_)
            | RightsError::NotOwnService
            | RightsError::ChildCoordinatorNotMunicipal => "service_id",
            RightsError::PersonMissing => "person",
            RightsError::ViewsMissing => "child_view",
        })
    }

    /// A stable code for translations and API problems.
    pub fn code(&self) -> &'static str {
        match self {
            RightsError::ReasoningMissing => "rights.reasoning",
            RightsError::ServiceMissing => "rights.service",
            RightsError::NotParticipant(_) => "rights.not_participant",
            RightsError::NotOwnService => "rights.not_own_service",
            RightsError::PersonMissing => "rights.person",
            RightsError::ChildCoordinatorNotMunicipal => "rights.child_coordinator_municipal",
            RightsError::ViewsMissing => "rights.views",
        }
    }
}

/// Checks a screening against the case's participants on `today`.
pub fn validate_screening(
    req: &ScreeningRequest<'_>,
    participants: &[Participation],
    today: NaiveDate,
) -> Result<(), RightsError> {
    let blank = |s: Option<&str>| s.is_none_or(|s| s.trim().is_empty());
    if req.reasoning.trim().is_empty() {
        return Err(RightsError::ReasoningMissing);
    }
    match req.outcome {
        ScreeningOutcome::NotEntitled | ScreeningOutcome::Declined => Ok(()),
        ScreeningOutcome::Requested => {
            // The request may go to a service that does not take part yet (for example the coordinating unit).
            if blank(req.service_id) { Err(RightsError::ServiceMissing) } else { Ok(()) }
        }
        ScreeningOutcome::InPlace => {
            let service = req.service_id.filter(|s| !s.trim().is_empty()).ok_or(RightsError::ServiceMissing)?;
            let p = participants
                .iter()
                .find(|p| p.service_id == service && p.active_on(today))
                .ok_or_else(|| RightsError::NotParticipant(service.to_owned()))?;
            if req.acting_service != service {
                return Err(RightsError::NotOwnService);
            }
            if req.kind != RightKind::IndividualPlan && blank(req.person) {
                return Err(RightsError::PersonMissing);
            }
            if req.kind == RightKind::ChildCoordinator {
                if p.owner_type != OwnerType::Municipal {
                    return Err(RightsError::ChildCoordinatorNotMunicipal);
                }
                if req.child_view.trim().is_empty() || req.parents_view.trim().is_empty() {
                    return Err(RightsError::ViewsMissing);
                }
            }
            Ok(())
        }
    }
}

/// The current screening of one right, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentRight {
    pub kind: RightKind,
    pub outcome: ScreeningOutcome,
    pub service_id: Option<String>,
}

/// The service of the appointed child coordinator, if one is in place: it coordinates, and no other
/// assignment is allowed.
pub fn child_coordinator_service(current: &[CurrentRight]) -> Option<&str> {
    current
        .iter()
        .find(|r| r.kind == RightKind::ChildCoordinator && r.outcome == ScreeningOutcome::InPlace)
        .and_then(|r| r.service_id.as_deref())
}

/// The rights still to screen: none until a service has found cooperation necessary (the screening is a
/// prompt of the cooperation), then every right without a recorded outcome.
pub fn rights_to_screen(cooperation_necessary: bool, current: &[CurrentRight]) -> Vec<RightKind> {
    if !cooperation_necessary {
        return vec![];
    }
    RightKind::ALL.iter().copied().filter(|k| !current.iter().any(|r| r.kind == *k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn part(id: &str, owner: OwnerType) -> Participation {
        Participation {
            service_id: id.into(),
            service_name: id.into(),
            owner_type: owner,
            joined_on: "2026-01-01".parse().unwrap(),
            join_reason: "r".into(),
            left_on: None,
            leave_reason: None,
        }
    }

    fn req(kind: RightKind, outcome: ScreeningOutcome, service: Option<&'static str>) -> ScreeningRequest<'static> {
        ScreeningRequest {
            kind,
            outcome,
            service_id: service,
            person: Some("Hanne Helse"),
            reasoning: "Langvarige og sammensatte behov",
            acting_service: service.unwrap_or("hs"),
            child_view: "vil ha Hanne",
            parents_view: "ønsker barnekoordinator",
        }
    }

    #[test]
    fn a_right_in_place_is_anchored_to_a_participating_service_that_records_it() {
        let parts = [part("hs", OwnerType::Municipal), part("bup", OwnerType::State)];
        let today = "2026-06-01".parse().unwrap();
        let ip = req(RightKind::IndividualPlan, ScreeningOutcome::InPlace, Some("hs"));
        assert_eq!(validate_screening(&ip, &parts, today), Ok(()));
        let elsewhere = ScreeningRequest { service_id: Some("nav"), acting_service: "nav", ..ip };
        assert_eq!(validate_screening(&elsewhere, &parts, today), Err(RightsError::NotParticipant("nav".into())));
        let other = ScreeningRequest { acting_service: "bup", ..ip };
        assert_eq!(validate_screening(&other, &parts, today), Err(RightsError::NotOwnService));
        let unreasoned = ScreeningRequest { reasoning: " ", ..ip };
        assert_eq!(validate_screening(&unreasoned, &parts, today), Err(RightsError::ReasoningMissing));
        // A request may go to a service outside the case, but must name it.
        let asked = req(RightKind::Coordinator, ScreeningOutcome::Requested, Some("ke"));
        assert_eq!(validate_screening(&asked, &parts, today), Ok(()));
        let nobody = ScreeningRequest { service_id: None, ..asked };
        assert_eq!(validate_screening(&nobody, &parts, today), Err(RightsError::ServiceMissing));
        let coordinator =
            ScreeningRequest { person: None, ..req(RightKind::Coordinator, ScreeningOutcome::InPlace, Some("hs")) };
        assert_eq!(validate_screening(&coordinator, &parts, today), Err(RightsError::PersonMissing));
    }

    #[test]
    fn the_municipality_appoints_the_child_coordinator_and_the_family_is_heard() {
        let parts = [part("hs", OwnerType::Municipal), part("bup", OwnerType::State)];
        let today = "2026-06-01".parse().unwrap();
        let cc = req(RightKind::ChildCoordinator, ScreeningOutcome::InPlace, Some("bup"));
        assert_eq!(validate_screening(&cc, &parts, today), Err(RightsError::ChildCoordinatorNotMunicipal));
        let cc = req(RightKind::ChildCoordinator, ScreeningOutcome::InPlace, Some("hs"));
        assert_eq!(validate_screening(&cc, &parts, today), Ok(()));
        let unheard = ScreeningRequest { child_view: "", ..cc };
        assert_eq!(validate_screening(&unheard, &parts, today), Err(RightsError::ViewsMissing));
        let current = [
            CurrentRight {
                kind: RightKind::IndividualPlan,
                outcome: ScreeningOutcome::InPlace,
                service_id: Some("bup".into()),
            },
            CurrentRight {
                kind: RightKind::ChildCoordinator,
                outcome: ScreeningOutcome::InPlace,
                service_id: Some("hs".into()),
            },
        ];
        assert_eq!(child_coordinator_service(&current), Some("hs"));
        assert_eq!(child_coordinator_service(&current[..1]), None);
        assert_eq!(rights_to_screen(true, &current), vec![RightKind::Coordinator]);
        assert!(rights_to_screen(false, &[]).is_empty());
        assert!(RightKind::ALL.iter().all(|k| !k.legal_basis().is_empty()));
    }

    proptest! {
        /// Whatever is asked, an accepted screening never anchors the case to a service outside it, never
        /// lets one service record another's plan or coordinator, and never gives a non-municipal service
        /// the child coordinator.
        #[test]
        fn accepted_screenings_obey_the_rules(
            kind in prop::sample::select(RightKind::ALL.to_vec()),
            outcome in prop::sample::select(ScreeningOutcome::ALL.to_vec()),
            target in prop::sample::select(vec!["hs", "bup", "nav", ""]),
            acting in prop::sample::select(vec!["hs", "bup", "nav"]),
            person in prop::option::of("[a-z ]{0,4}"),
            reasoning in "[a-z ]{0,4}",
        ) {
            let parts = [part("hs", OwnerType::Municipal), part("bup", OwnerType::State)];
            let r = ScreeningRequest {
                kind, outcome, service_id: Some(target), person: person.as_deref(), reasoning: &reasoning,
                acting_service: acting, child_view: "x", parents_view: "y",
            };
            if validate_screening(&r, &parts, "2026-06-01".parse().unwrap()).is_ok() {
                prop_assert!(!reasoning.trim().is_empty());
                if outcome == ScreeningOutcome::InPlace {
                    prop_assert!(target == "hs" || target == "bup");
                    prop_assert_eq!(acting, target);
                    if kind == RightKind::ChildCoordinator { prop_assert_eq!(target, "hs"); }
                    if kind != RightKind::IndividualPlan { prop_assert!(person.is_some_and(|p| !p.trim().is_empty())); }
                }
            }
        }
    }
}
