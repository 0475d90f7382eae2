//! Individual-rights screening (spec 01 §8.C item 15; spec 02 §1.1 and §2.1): in a case where the services
//! must cooperate, someone assesses whether the child and family have a right to an individual plan, a
//! coordinator and a child coordinator, and records the outcome. A right in place anchors the case to it
//! (who holds the plan, who the coordinator is). The child coordinator is no longer screened here: it has
//! its own process in `child_coordinator` (issue 12), where only the authorised unit assesses; rows of that
//! kind recorded before are kept as history. A right in place is held by its service: another service
//! cannot overwrite it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Participation, coded_enum};

coded_enum!(
    /// The individual rights screened in a case.
    RightKind {
        /// Individual plan (individuell plan). Only one per child, whatever law gives the right.
        IndividualPlan = "individual_plan",
        /// Coordinator (koordinator) in the health and care services.
        Coordinator = "coordinator",
        /// Child coordinator (barnekoordinator), given to the family. Screened here before issue 12; kept to
        /// read that history. New matters go through `child_coordinator`.
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
    /// The service holding the right now (its current screening is "in place"), if one does.
    pub held_by: Option<&'a str>,
    /// The child has an individual plan that is not ended (issue 13: the plan is its own object).
    pub plan_open: bool,
}

/// Why a screening cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RightsError {
    #[error("say what the screening built on, or why the right does not apply")]
    ReasoningMissing,
    #[error(
        "the child coordinator has its own process: report the need to the coordinating unit, which assesses and decides"
    )]
    ChildCoordinatorProcess,
    #[error(
        "the individual plan has its own process: child welfare, NAV or the health and care service starts it on the plan page, with the family's consent"
    )]
    IndividualPlanProcess,
    #[error("{0} holds this right: only that service records a change to it")]
    HeldByOther(String),
    #[error("name the service that holds the plan, employs the coordinator or was asked")]
    ServiceMissing,
    #[error("{0} does not take part in the case: add it to the case before anchoring the case to it")]
    NotParticipant(String),
    #[error("only the service that holds the plan or employs the coordinator records that it is in place")]
    NotOwnService,
    #[error("name the appointed coordinator")]
    PersonMissing,
}

impl RightsError {
    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            RightsError::ReasoningMissing => "reasoning",
            RightsError::ChildCoordinatorProcess | RightsError::IndividualPlanProcess => "kind",
            RightsError::HeldByOther(_) => "service_id",
            RightsError::ServiceMissing | RightsError::NotParticipant(_) | RightsError::NotOwnService => "service_id",
            RightsError::PersonMissing => "person",
        })
    }

    /// A stable code for translations and API problems.
    pub fn code(&self) -> &'static str {
        match self {
            RightsError::ReasoningMissing => "rights.reasoning",
            RightsError::ChildCoordinatorProcess => "rights.child_coordinator_process",
            RightsError::IndividualPlanProcess => "rights.individual_plan_process",
            RightsError::HeldByOther(_) => "rights.held_by_other",
            RightsError::ServiceMissing => "rights.service",
            RightsError::NotParticipant(_) => "rights.not_participant",
            RightsError::NotOwnService => "rights.not_own_service",
            RightsError::PersonMissing => "rights.person",
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
    if req.kind == RightKind::ChildCoordinator {
        return Err(RightsError::ChildCoordinatorProcess);
    }
    // A plan is never "in place" by a screening: it is started, consented to and held on its own (issue
    // 13). While the child has one, its screening is the plan itself.
    if req.kind == RightKind::IndividualPlan && (req.outcome == ScreeningOutcome::InPlace || req.plan_open) {
        return Err(RightsError::IndividualPlanProcess);
    }
    if req.reasoning.trim().is_empty() {
        return Err(RightsError::ReasoningMissing);
    }
    if let Some(holder) = req.held_by.filter(|h| *h != req.acting_service) {
        return Err(RightsError::HeldByOther(holder.to_owned()));
    }
    match req.outcome {
        ScreeningOutcome::NotEntitled | ScreeningOutcome::Declined => Ok(()),
        ScreeningOutcome::Requested => {
            // The request may go to a service that does not take part yet (for example the coordinating unit).
            if blank(req.service_id) { Err(RightsError::ServiceMissing) } else { Ok(()) }
        }
        ScreeningOutcome::InPlace => {
            let service = req.service_id.filter(|s| !s.trim().is_empty()).ok_or(RightsError::ServiceMissing)?;
            participants
                .iter()
                .find(|p| p.service_id == service && p.active_on(today))
                .ok_or_else(|| RightsError::NotParticipant(service.to_owned()))?;
            if req.acting_service != service {
                return Err(RightsError::NotOwnService);
            }
            if req.kind != RightKind::IndividualPlan && blank(req.person) {
                return Err(RightsError::PersonMissing);
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

/// The rights still to screen: none until a service has found cooperation necessary (the screening is a
/// prompt of the cooperation), then every right without a recorded outcome (the child coordinator has its
/// own process).
pub fn rights_to_screen(cooperation_necessary: bool, current: &[CurrentRight]) -> Vec<RightKind> {
    if !cooperation_necessary {
        return vec![];
    }
    RightKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != RightKind::ChildCoordinator && !current.iter().any(|r| r.kind == *k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OwnerType;
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
            held_by: None,
            plan_open: false,
        }
    }

    #[test]
    fn a_right_in_place_is_anchored_to_a_participating_service_that_records_it() {
        let parts = [part("hs", OwnerType::Municipal), part("bup", OwnerType::State)];
        let today = "2026-06-01".parse().unwrap();
        // The plan has its own process: a screening never puts it in place, nor changes it while it exists.
        let ip = req(RightKind::IndividualPlan, ScreeningOutcome::InPlace, Some("hs"));
        assert_eq!(validate_screening(&ip, &parts, today), Err(RightsError::IndividualPlanProcess));
        let open =
            ScreeningRequest { plan_open: true, ..req(RightKind::IndividualPlan, ScreeningOutcome::NotEntitled, None) };
        assert_eq!(validate_screening(&open, &parts, today), Err(RightsError::IndividualPlanProcess));
        let co = req(RightKind::Coordinator, ScreeningOutcome::InPlace, Some("hs"));
        assert_eq!(validate_screening(&co, &parts, today), Ok(()));
        let elsewhere = ScreeningRequest { service_id: Some("nav"), acting_service: "nav", ..co };
        assert_eq!(validate_screening(&elsewhere, &parts, today), Err(RightsError::NotParticipant("nav".into())));
        let other = ScreeningRequest { acting_service: "bup", ..co };
        assert_eq!(validate_screening(&other, &parts, today), Err(RightsError::NotOwnService));
        let unreasoned = ScreeningRequest { reasoning: " ", ..co };
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
    fn a_right_held_by_one_service_is_not_overwritten_by_another_and_the_child_coordinator_has_its_process() {
        let parts = [part("hs", OwnerType::Municipal), part("fylke", OwnerType::County)];
        let today = "2026-06-01".parse().unwrap();
        // The county follow-up service cannot overwrite the coordinator the health service holds.
        let over = ScreeningRequest {
            acting_service: "fylke",
            held_by: Some("hs"),
            ..req(RightKind::Coordinator, ScreeningOutcome::NotEntitled, None)
        };
        assert_eq!(validate_screening(&over, &parts, today), Err(RightsError::HeldByOther("hs".into())));
        let own = ScreeningRequest { acting_service: "hs", ..over };
        assert_eq!(validate_screening(&own, &parts, today), Ok(()));
        // A state office cannot record "not entitled to a child coordinator": that is the unit's process.
        let cc = ScreeningRequest {
            acting_service: "nav",
            ..req(RightKind::ChildCoordinator, ScreeningOutcome::NotEntitled, None)
        };
        assert_eq!(validate_screening(&cc, &parts, today), Err(RightsError::ChildCoordinatorProcess));
        let current =
            [CurrentRight { kind: RightKind::IndividualPlan, outcome: ScreeningOutcome::InPlace, service_id: None }];
        assert_eq!(rights_to_screen(true, &current), vec![RightKind::Coordinator]);
        assert!(rights_to_screen(false, &[]).is_empty());
        assert!(RightKind::ALL.iter().all(|k| !k.legal_basis().is_empty()));
    }

    proptest! {
        /// Whatever is asked, an accepted screening never anchors the case to a service outside it, never
        /// lets one service record or overwrite another's plan or coordinator, and never screens the child
        /// coordinator.
        #[test]
        fn accepted_screenings_obey_the_rules(
            kind in prop::sample::select(RightKind::ALL.to_vec()),
            outcome in prop::sample::select(ScreeningOutcome::ALL.to_vec()),
            target in prop::sample::select(vec!["hs", "bup", "nav", ""]),
            acting in prop::sample::select(vec!["hs", "bup", "nav"]),
            held in prop::option::of(prop::sample::select(vec!["hs", "bup"])),
            person in prop::option::of("[a-z ]{0,4}"),
            reasoning in "[a-z ]{0,4}",
        ) {
            let parts = [part("hs", OwnerType::Municipal), part("bup", OwnerType::State)];
            let r = ScreeningRequest {
                kind, outcome, service_id: Some(target), person: person.as_deref(), reasoning: &reasoning,
                acting_service: acting, held_by: held, plan_open: false,
            };
            if validate_screening(&r, &parts, "2026-06-01".parse().unwrap()).is_ok() {
                prop_assert!(!reasoning.trim().is_empty());
                prop_assert!(kind != RightKind::ChildCoordinator);
                prop_assert!(held.is_none_or(|h| h == acting));
                if outcome == ScreeningOutcome::InPlace {
                    prop_assert!(kind != RightKind::IndividualPlan);
                    prop_assert!(target == "hs" || target == "bup");
                    prop_assert_eq!(acting, target);
                    if kind != RightKind::IndividualPlan { prop_assert!(person.is_some_and(|p| !p.trim().is_empty())); }
                }
            }
        }
    }
}
