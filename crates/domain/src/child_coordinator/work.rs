//! The child coordinator's work (hol § 7-2 a second paragraph, spec 02 §1.12): the start-up conversation
//! with the guidance's four key questions and an expectations agreement the family sees (§1.6, §1.12.6), the
//! continuous coordination journal with its GDPR basis (§1.12.8), a requirement to a municipal service to
//! cooperate better under the municipality's delegation decision (§1.12.2, S-12), escalation through the line
//! — the only way towards county, state and specialist services (S-13) — and the competence record of the
//! nine areas (§1.13).

use super::{ChildCoordinatorError, reasoned};
use crate::model::{OwnerType, coded_enum};

/// The GDPR basis of the coordination journal (spec 02 §1.12.8), shown where it is written.
pub const JOURNAL_BASIS: &str = "personvernforordningen art. 6 nr. 1 bokstav e og art. 9 nr. 2 bokstav h, jf. helse- og omsorgstjenesteloven §§ 7-2 a, 4-1, 4-2 og 3-1";

coded_enum!(
    /// The four key questions of the start-up conversation (spec 02 §1.6).
    KeyQuestion {
        /// What is important to you as a family?
        Important = "important",
        /// What do you need to live a good life?
        GoodLife = "good_life",
        /// What matters for getting a good service offer for you?
        GoodOffer = "good_offer",
        /// What do you need as a parent, child, sibling?
        Needs = "needs",
    }
);

coded_enum!(
    /// The coordinator's tasks (hol § 7-2 a second paragraph letters a–e).
    TaskLetter {
        /// (a) coordination of the total service offer.
        A = "a",
        /// (b) overview of and active help with the municipality's follow-up.
        B = "b",
        /// (c) information and guidance about health and care services.
        C = "c",
        /// (d) information and guidance about other welfare services and user organisations, and contact.
        D = "d",
        /// (e) progress in the work on the individual plan.
        E = "e",
    }
);

coded_enum!(
    /// Where an escalation goes (spec 02 §1.12.2: through the line).
    EscalateTo {
        LineManager = "line_manager",
        CoordinatingUnit = "coordinating_unit",
    }
);

coded_enum!(
    /// The nine competence areas (spec 02 §1.13), the categories of the training record.
    CompetenceArea {
        FollowUp = "follow_up",
        ChildrensRights = "childrens_rights",
        PlanAndCoordinator = "plan_and_coordinator",
        UserParticipation = "user_participation",
        CrossSector = "cross_sector",
        Communication = "communication",
        ChairingMeetings = "chairing_meetings",
        PublicAdministration = "public_administration",
        RoutinesAndTools = "routines_and_tools",
    }
);

/// Checks the start-up conversation: every key question answered (or why not) and the expectations agreed.
pub fn validate_startup(answers: &[&str; 4], expectations: &str) -> Result<(), ChildCoordinatorError> {
    for (a, q) in answers.iter().zip(KeyQuestion::ALL) {
        if a.trim().is_empty() {
            return Err(ChildCoordinatorError::new(
                "child_coordinator.key_question",
                Some(q.as_str()),
                "write the family's answer to each of the four questions, or why it was not asked",
            ));
        }
    }
    reasoned(expectations, "expectations", "child_coordinator.expectations", "expectations agreement")
}

/// Checks a requirement to cooperate better: only towards a municipal service, and only under a registered
/// delegation decision (S-12, S-13); it never decides a service's content or scope, so it is written as
/// what must be coordinated.
pub fn validate_instruction(target: OwnerType, delegation: bool, text: &str) -> Result<(), ChildCoordinatorError> {
    if target != OwnerType::Municipal {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.instruction_not_municipal",
            Some("target_service_id"),
            "the delegation covers only the municipality's own services: escalate, and record a possible breach of that service's duty to cooperate",
        ));
    }
    if !delegation {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.no_delegation",
            None,
            "the municipality has not registered the delegation decision that gives the child coordinator this authority",
        ));
    }
    reasoned(text, "text", "child_coordinator.text", "requirement")
}

/// Checks a journal entry or an escalation: written in words.
pub fn validate_text(text: &str) -> Result<(), ChildCoordinatorError> {
    reasoned(text, "text", "child_coordinator.text", "entry")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_up_conversation_asks_all_four_and_agrees_expectations() {
        let ok = ["Trygghet", "Søvn", "Én kontakt", "Avlastning"];
        assert!(validate_startup(&ok, "Koordinatoren ringer hver fjortende dag").is_ok());
        let missing = ["Trygghet", "", "Én kontakt", "Avlastning"];
        assert_eq!(
            validate_startup(&missing, "Koordinatoren ringer hver fjortende dag").unwrap_err().field,
            Some("good_life")
        );
        assert!(validate_startup(&ok, "Ja.").is_err());
    }

    #[test]
    fn requirements_only_to_municipal_services_under_a_delegation() {
        let text = "Hjemmetjenesten og barnehagen må avtale felles overlevering hver fredag";
        assert!(validate_instruction(OwnerType::Municipal, true, text).is_ok());
        assert_eq!(
            validate_instruction(OwnerType::County, true, text).unwrap_err().code,
            "child_coordinator.instruction_not_municipal"
        );
        assert_eq!(validate_instruction(OwnerType::State, true, text).unwrap_err().field, Some("target_service_id"));
        assert_eq!(
            validate_instruction(OwnerType::Municipal, false, text).unwrap_err().code,
            "child_coordinator.no_delegation"
        );
        assert!(validate_instruction(OwnerType::Municipal, true, "Gjør det").is_err());
        assert_eq!(CompetenceArea::ALL.len(), 9);
        assert_eq!(TaskLetter::ALL.len(), 5);
    }
}
