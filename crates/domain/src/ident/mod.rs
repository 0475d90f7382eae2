//! Norwegian identifiers as validated newtypes.
//!
//! * [`Fodselsnummer`]: the 11-digit national identity number, including
//!   D-numbers, H-numbers and synthetic test numbers.
//! * [`Organisasjonsnummer`]: the 9-digit organisation number from
//!   Enhetsregisteret.
//! * [`Kommunenummer`]: the 4-digit municipality number.
//!
//! "Parse, don't validate": the only way to obtain one of these types is
//! through its `parse` function (or deserialisation, which calls it), so a
//! value you hold is always valid. When parsing fails, the [`IdentError`]
//! names the rule that was broken, and [`IdentError::rule`] gives a stable
//! machine-readable code for translation.
//!
//! The rules follow `spec/05-legal-verification.md` §4, which takes
//! precedence over spec 03 (in particular for the check digit rule from
//! 1 January 2032).

use std::fmt;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// The identifier scheme an error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentScheme {
    /// Fødselsnummer (including D-, H- and synthetic numbers).
    Fodselsnummer,
    /// Organisasjonsnummer.
    Organisasjonsnummer,
    /// Kommunenummer.
    Kommunenummer,
}

impl fmt::Display for IdentScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdentScheme::Fodselsnummer => "national identity number",
            IdentScheme::Organisasjonsnummer => "organisation number",
            IdentScheme::Kommunenummer => "municipality number",
        })
    }
}

/// Why a string is not a valid identifier. Each variant names one rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    /// The identifier has the wrong number of digits.
    #[error("{scheme} must have {expected} digits, found {found}")]
    WrongLength {
        /// Which identifier was being parsed.
        scheme: IdentScheme,
        /// Required number of digits.
        expected: usize,
        /// Number of characters found (after trimming and removing grouping).
        found: usize,
    },
    /// The identifier contains something other than the ASCII digits 0–9.
    #[error("{scheme} may only contain the digits 0-9")]
    NotDigits {
        /// Which identifier was being parsed.
        scheme: IdentScheme,
    },
    /// An organisation number contains spaces other than the grouping
    /// `999 999 999`.
    #[error("organisation number may only be grouped as \"999 999 999\"")]
    BadGrouping,
    /// The day digits are neither a day 01–31 nor a D-number day 41–71.
    #[error("day digits {found:02} are neither a day 01-31 nor a D-number day 41-71")]
    InvalidDay {
        /// The two day digits as written.
        found: u8,
    },
    /// The month digits are not a month, an H-number month or a synthetic
    /// month.
    #[error(
        "month digits {found:02} are not a month 01-12, an H-number month 41-52 \
         or a synthetic month 81-92"
    )]
    InvalidMonth {
        /// The two month digits as written.
        found: u8,
    },
    /// The day does not exist in the month in any year (e.g. 31 April).
    #[error("day {day} does not exist in month {month}")]
    InvalidDate {
        /// Day of month, D-number offset removed.
        day: u8,
        /// Month, H-number/synthetic offset removed.
        month: u8,
    },
    /// Check digit 1 (digit 10) satisfies neither the rule before 2032 nor
    /// the rule from 2032.
    #[error("{}", first_check_digit_message(*.found, *.classic, .expected))]
    FirstCheckDigit {
        /// The check digit found.
        found: u8,
        /// The single value allowed by the rule before 2032, if any (the
        /// old rule allows none when the weighted sum gives 10).
        classic: Option<u8>,
        /// All values allowed by the rule from 2032 (a superset of
        /// `classic`), ascending.
        expected: Vec<u8>,
    },
    /// Check digit 2 (digit 11) is wrong.
    #[error("check digit 2 is {found}, should be {expected}")]
    SecondCheckDigit {
        /// The check digit found.
        found: u8,
        /// The only valid value.
        expected: u8,
    },
    /// Check digit 2 would have to be 10, so no valid national identity
    /// number starts with these ten digits.
    #[error(
        "check digit 2 cannot be computed: the weighted sum gives 10, so no valid \
         national identity number starts with these ten digits"
    )]
    CheckDigitImpossible,
    /// A synthetic test number (month + 80) was given where only real
    /// numbers are allowed.
    #[error("synthetic test numbers (month + 80) are not allowed here")]
    SyntheticNotAllowed,
    /// The organisation number's check digit (digit 9) is wrong.
    #[error("check digit is {found}, should be {expected}")]
    OrgCheckDigit {
        /// The check digit found.
        found: u8,
        /// The only valid value.
        expected: u8,
    },
    /// The organisation number's check digit would have to be 10, so no
    /// valid organisation number starts with these eight digits.
    #[error(
        "check digit cannot be computed: the weighted sum gives 10, so no valid \
         organisation number starts with these eight digits"
    )]
    OrgCheckDigitImpossible,
    /// The county part (first two digits) of a municipality number is 00.
    #[error("county number 00 does not exist")]
    CountyZero,
}

impl IdentError {
    /// A stable machine-readable code for the broken rule, e.g.
    /// `"fnr.check_digit_2"`. Use it as a translation key; it never changes
    /// when the English message is reworded.
    pub fn rule(&self) -> &'static str {
        use IdentScheme as S;
        match self {
            IdentError::WrongLength { scheme, .. } => match scheme {
                S::Fodselsnummer => "fnr.length",
                S::Organisasjonsnummer => "orgnr.length",
                S::Kommunenummer => "kommunenr.length",
            },
            IdentError::NotDigits { scheme } => match scheme {
                S::Fodselsnummer => "fnr.not_digits",
                S::Organisasjonsnummer => "orgnr.not_digits",
                S::Kommunenummer => "kommunenr.not_digits",
            },
            IdentError::BadGrouping => "orgnr.grouping",
            IdentError::InvalidDay { .. } => "fnr.day",
            IdentError::InvalidMonth { .. } => "fnr.month",
            IdentError::InvalidDate { .. } => "fnr.date",
            IdentError::FirstCheckDigit { .. } => "fnr.check_digit_1",
            IdentError::SecondCheckDigit { .. } => "fnr.check_digit_2",
            IdentError::CheckDigitImpossible => "fnr.check_digit_2_impossible",
            IdentError::SyntheticNotAllowed => "fnr.synthetic_not_allowed",
            IdentError::OrgCheckDigit { .. } => "orgnr.check_digit",
            IdentError::OrgCheckDigitImpossible => "orgnr.check_digit_impossible",
            IdentError::CountyZero => "kommunenr.county",
        }
    }
}

fn first_check_digit_message(found: u8, classic: Option<u8>, expected: &[u8]) -> String {
    let list = expected.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
    match classic {
        Some(c) => format!(
            "check digit 1 is {found}, should be {c} (rule before 2032) \
             or one of {list} (rule from 2032)"
        ),
        None => format!(
            "check digit 1 is {found}, should be one of {list} (rule from 2032; \
             the rule before 2032 allows no value here)"
        ),
    }
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

const FNR_K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const FNR_K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const ORGNR_WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// Weighted digit sum modulo 11. `digits` are digit values (0–9).
fn weighted_mod11(digits: &[u8], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(&d, &w)| u32::from(d) * w).sum::<u32>() % 11
}

/// The classic mod-11 check digit for a remainder: 11 − r, where 11 becomes
/// 0 and 10 means "no valid check digit".
fn mod11_check_digit(remainder: u32) -> Option<u8> {
    match (11 - remainder) % 11 {
        10 => None,
        c => Some(c as u8),
    }
}

/// Check digit 1 values allowed by the rule from 2032: `(S1 + k1) mod 11`
/// must be 0, 1, 2 or 3. Ascending.
fn k1_allowed_from_2032(remainder: u32) -> Vec<u8> {
    (0u8..=9).filter(|&k| (remainder + u32::from(k)) % 11 <= 3).collect()
}

/// Checks that `s` is exactly `N` ASCII digits (non-digits are reported
/// before a wrong length). Returns the ASCII bytes.
fn exact_digits<const N: usize>(s: &str, scheme: IdentScheme) -> Result<[u8; N], IdentError> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentError::NotDigits { scheme });
    }
    s.as_bytes().try_into().map_err(|_| IdentError::WrongLength { scheme, expected: N, found: s.len() })
}

/// Value of two ASCII digits.
fn pair(hi: u8, lo: u8) -> u8 {
    (hi - b'0') * 10 + (lo - b'0')
}

/// Converts ASCII digits to digit values.
fn values<const N: usize>(ascii: &[u8; N]) -> [u8; N] {
    ascii.map(|b| b - b'0')
}

/// ASCII bytes known to be digits as `&str`.
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("identifier bytes are ASCII digits")
}

/// Implements `Display`, `FromStr`, `AsRef<str>`, `Serialize` (as the digit
/// string) and `Deserialize` (through `parse`) for an identifier type.
macro_rules! string_traits {
    ($ty:ty) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = IdentError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

mod fnr;
mod org;

pub use fnr::{CheckDigitRule, Fodselsnummer, IdentKind, ParseOptions};
pub use org::{Kommunenummer, Organisasjonsnummer};

#[cfg(test)]
mod tests;
