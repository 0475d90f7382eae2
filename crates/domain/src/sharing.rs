//! Sharing without consent: the rules for a recorded legal basis (spec 02 §3.6).
//!
//! forvaltningsloven § 13 b første ledd nr. 5 is the general exception. It is open only to services whose
//! confidentiality follows the general rules of fvl, never to those under stricter special rules — child
//! welfare (bvl § 13-1) and health personnel (hpl § 21) (spec 02 S-20, item 32) — and it needs a concrete
//! assessment of the child's best interests (Grunnloven § 104, barnekonvensjonen art. 3). Every basis states
//! the law and section and why it applies here.

use crate::model::Sector;

/// The confidentiality regime a service's information falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    /// forvaltningsloven §§ 13–13 e, possibly with the service law's additions.
    General,
    /// A stricter special rule: bvl § 13-1 (child welfare) or hpl § 21 (health personnel).
    Stricter(&'static str),
}

/// The regime of a service's information by its sector. The spec names child welfare and health
/// personnel; other sectors follow the general rules unless a source says otherwise (verify).
pub fn regime(sector: Sector) -> Regime {
    match sector {
        Sector::ChildWelfare => Regime::Stricter("barnevernsloven § 13-1"),
        Sector::Health => Regime::Stricter("helsepersonelloven § 21"),
        _ => Regime::General,
    }
}

/// A justification shorter than this, or with fewer words, is not a concrete assessment.
pub const MIN_JUSTIFICATION_CHARS: usize = 40;
pub const MIN_JUSTIFICATION_WORDS: usize = 6;

/// Why a legal basis cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalBasisError {
    #[error("give the law and section, and why it applies here")]
    Incomplete,
    #[error(
        "the information is protected by {0}: forvaltningsloven § 13 b første ledd nr. 5 cannot be the basis; use consent or an exception in that law"
    )]
    StricterRegime(&'static str),
    #[error(
        "write the concrete assessment: why sharing is needed here and why it is in the child's best interests (at least {MIN_JUSTIFICATION_WORDS} words)"
    )]
    ThinAssessment,
}

impl LegalBasisError {
    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            LegalBasisError::Incomplete | LegalBasisError::StricterRegime(_) => "reference",
            LegalBasisError::ThinAssessment => "justification",
        })
    }

    /// Stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            LegalBasisError::Incomplete => "legal_basis.incomplete",
            LegalBasisError::StricterRegime(_) => "legal_basis.stricter_regime",
            LegalBasisError::ThinAssessment => "legal_basis.assessment",
        }
    }
}

/// Whether a reference cites the general exception, fvl § 13 b (første ledd) nr. 5, however it is written
/// ("forvaltningsloven § 13 b første ledd nr. 5 (ii)", "fvl. § 13b nr 5", …).
pub fn cites_general_exception(reference: &str) -> bool {
    let compact: String = reference
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .replace("førsteledd", "")
        .replace("1ledd", "");
    let fvl = compact.contains("forvaltningsloven") || compact.contains("fvl");
    fvl && compact.contains("13bnr5")
}

/// Checks a legal basis before it is recorded: the law and section and why; the general exception only
/// for information under the general rules; a concrete assessment, not a word.
pub fn validate_legal_basis(owner: Sector, reference: &str, justification: &str) -> Result<(), LegalBasisError> {
    let justification = justification.trim();
    if reference.trim().is_empty() || justification.is_empty() {
        return Err(LegalBasisError::Incomplete);
    }
    if let (true, Regime::Stricter(law)) = (cites_general_exception(reference), regime(owner)) {
        return Err(LegalBasisError::StricterRegime(law));
    }
    if justification.chars().count() < MIN_JUSTIFICATION_CHARS
        || justification.split_whitespace().count() < MIN_JUSTIFICATION_WORDS
    {
        return Err(LegalBasisError::ThinAssessment);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REASONS: &str = "Skolen må vite om tiltaket for å tilrettelegge skoledagen, til barnets beste.";

    #[test]
    fn the_general_exception_is_recognised_however_it_is_written() {
        for r in [
            "forvaltningsloven § 13 b første ledd nr. 5 (ii)",
            "fvl. § 13b nr 5",
            "Fvl § 13 b 1. ledd nr. 5 (iii)",
            "FORVALTNINGSLOVEN §13 B NR.5",
        ] {
            assert!(cites_general_exception(r), "{r}");
        }
        for r in
            ["barnevernsloven § 13-4", "helsepersonelloven § 23 nr. 4", "fvl § 13 b nr. 6", "opplæringslova § 24-2"]
        {
            assert!(!cites_general_exception(r), "{r}");
        }
    }

    #[test]
    fn stricter_regimes_cannot_use_the_general_exception() {
        let fvl = "forvaltningsloven § 13 b første ledd nr. 5 (iii)";
        assert_eq!(
            validate_legal_basis(Sector::ChildWelfare, fvl, REASONS),
            Err(LegalBasisError::StricterRegime("barnevernsloven § 13-1"))
        );
        assert_eq!(
            validate_legal_basis(Sector::Health, fvl, REASONS),
            Err(LegalBasisError::StricterRegime("helsepersonelloven § 21"))
        );
        assert_eq!(validate_legal_basis(Sector::Education, fvl, REASONS), Ok(()));
        // A stricter service may record an exception in its own law.
        assert_eq!(validate_legal_basis(Sector::ChildWelfare, "barnevernsloven § 13-4", REASONS), Ok(()));
    }

    #[test]
    fn a_word_is_not_an_assessment() {
        assert_eq!(
            validate_legal_basis(Sector::Education, "fvl § 13 b nr. 5", "x"),
            Err(LegalBasisError::ThinAssessment)
        );
        assert_eq!(
            validate_legal_basis(
                Sector::Education,
                "fvl § 13 b nr. 5",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            ),
            Err(LegalBasisError::ThinAssessment)
        );
        assert_eq!(validate_legal_basis(Sector::Education, " ", REASONS), Err(LegalBasisError::Incomplete));
    }
}
