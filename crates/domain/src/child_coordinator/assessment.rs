//! The assessment of the three conditions (spec 02 §1.4, §6.A item 6): C1 Los checks from the child's
//! record; C2 (a serious illness, injury or disability) and C3 (a long-term and complex-or-coordinated need
//! for both health and care services and other welfare services) are the unit's professional judgement,
//! which Los records with its reasoning and the family's own experience of severity, and checks only for
//! completeness. No diagnosis is ever required (S-10).

use serde::Serialize;

use super::{ChildCoordinatorError, reasoned};
use crate::model::coded_enum;

coded_enum!(
    /// A person's judgement of a condition.
    Judgement {
        Met = "met",
        NotMet = "not_met",
    }
);

coded_enum!(
    /// What the child has (spec 02 §1.4.1); any combination.
    ConditionKind {
        Illness = "illness",
        Injury = "injury",
        Disability = "disability",
    }
);

coded_enum!(
    /// The themes of the seriousness assessment (spec 02 §1.4.2; "among others", so the list is open and
    /// the reasoning carries the rest).
    SeverityTheme {
        /// Reduced ability to function and cope.
        Function = "function",
        Invalidity = "invalidity",
        /// How the disease develops.
        Development = "development",
        Pain = "pain",
        /// Reduced freedom to live one's life.
        LifeLimitation = "life_limitation",
        /// May lead to loss of important bodily functions or senses.
        LossOfFunction = "loss_of_function",
        /// How complicated the condition is to treat, or what competence it requires (some weight).
        TreatmentComplexity = "treatment_complexity",
    }
);

/// An assessment as the unit records it.
#[derive(Debug, Clone, Copy)]
pub struct AssessmentInput<'a> {
    /// C1, from the child's record (`ChildFacts::c1_met`) on the day of the assessment.
    pub c1_met: bool,
    pub c2: Judgement,
    pub kinds: &'a [ConditionKind],
    pub themes: &'a [SeverityTheme],
    pub c2_reasoning: &'a str,
    /// The child's, the young person's and the family's own experience of how serious it is.
    pub family_experience: &'a str,
    pub c3: Judgement,
    /// Long-term: how long, and how unpredictable the family finds it (a few months can be enough).
    pub long_term: &'a str,
    /// Complex or coordinated: how the services must be seen together and depend on each other.
    pub complex: &'a str,
    /// The need for health and care services (municipal or specialist, with or without a decision).
    pub health_care: &'a str,
    /// The need for other welfare services (kindergarten, school, NAV, child welfare …).
    pub other_welfare: &'a str,
    pub interdisciplinary: bool,
    /// Who took part, when the assessment was interdisciplinary.
    pub participants: &'a str,
    /// The child has shown violent or sexually harmful behaviour: an underlying serious illness, injury or
    /// disability must be mapped (spec 02 §1.4.1, S-11), and the mapping described.
    pub harmful_behaviour: bool,
    pub mapping: &'a str,
}

/// The conclusion the recorded judgements lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Conclusion {
    /// All three conditions are met: the family has the right.
    pub eligible: bool,
}

/// Checks that the assessment is complete and returns its conclusion: eligible only when C1 holds and the
/// unit judged C2 and C3 met. Every judgement needs its reasoning in words; a condition judged met needs
/// what it rests on.
pub fn validate_assessment(a: &AssessmentInput<'_>) -> Result<Conclusion, ChildCoordinatorError> {
    reasoned(a.c2_reasoning, "c2_reasoning", "child_coordinator.c2_reasoning", "reasoning for condition 2")?;
    if a.themes.is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.c2_themes",
            Some("themes"),
            "mark which of the seriousness themes the assessment considered (spec 02 §1.4.2)",
        ));
    }
    if a.c2 == Judgement::Met && a.kinds.is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.c2_kinds",
            Some("kinds"),
            "say whether it is an illness, an injury or a disability (no diagnosis is needed)",
        ));
    }
    if a.family_experience.split_whitespace().count() < 2 {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.family_experience",
            Some("family_experience"),
            "record how the child and the family themselves experience the severity (spec 02 §1.4.2)",
        ));
    }
    for (text, field, what) in [
        (a.long_term, "long_term", "assessment of whether the need is long-term"),
        (a.complex, "complex", "assessment of whether the services must be complex or coordinated"),
        (a.health_care, "health_care", "need for health and care services"),
        (a.other_welfare, "other_welfare", "need for other welfare services"),
    ] {
        reasoned(text, field, "child_coordinator.c3_reasoning", what)?;
    }
    if a.interdisciplinary && a.participants.trim().is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.participants",
            Some("participants"),
            "name who took part in the interdisciplinary assessment",
        ));
    }
    if a.harmful_behaviour && a.mapping.trim().is_empty() {
        return Err(ChildCoordinatorError::new(
            "child_coordinator.mapping",
            Some("mapping"),
            "the child has shown harmful behaviour: describe the mapping of an underlying illness, injury or disability (spec 02 §1.4.1)",
        ));
    }
    Ok(Conclusion { eligible: a.c1_met && a.c2 == Judgement::Met && a.c3 == Judgement::Met })
}
