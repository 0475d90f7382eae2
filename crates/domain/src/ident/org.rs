//! The organisation number (Enhetsregisteret) and the municipality number.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::*;

// ---------------------------------------------------------------------------
// Organisasjonsnummer
// ---------------------------------------------------------------------------

/// A valid Norwegian organisation number (organisasjonsnummer): 9 digits,
/// the last a mod-11 check digit over weights 3, 2, 7, 6, 5, 4, 3, 2.
///
/// Holding a value means the check digit is correct, not that the
/// organisation exists in Enhetsregisteret. Serialises as the 9-digit
/// string; deserialising calls [`parse`](Self::parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Organisasjonsnummer {
    digits: [u8; 9],
}

impl Organisasjonsnummer {
    /// Parses an organisation number. Surrounding whitespace is ignored;
    /// the rest must be 9 digits, either ungrouped (`974760673`) or grouped
    /// with single spaces as `974 760 673`.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let s = s.trim();
        let b = s.as_bytes();
        let ungrouped;
        let s = if b.len() == 11 && b[3] == b' ' && b[7] == b' ' {
            ungrouped = [&s[..3], &s[4..7], &s[8..]].concat();
            ungrouped.as_str()
        } else if b.contains(&b' ') {
            return Err(IdentError::BadGrouping);
        } else {
            s
        };
        let ascii = exact_digits::<9>(s, IdentScheme::Organisasjonsnummer)?;
        let d = values(&ascii);
        let expected =
            mod11_check_digit(weighted_mod11(&d[..8], &ORGNR_WEIGHTS)).ok_or(IdentError::OrgCheckDigitImpossible)?;
        if d[8] != expected {
            return Err(IdentError::OrgCheckDigit { found: d[8], expected });
        }
        Ok(Organisasjonsnummer { digits: ascii })
    }

    /// The 9 digits, ungrouped.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.digits)
    }

    /// The number grouped for display, e.g. `"974 760 673"`.
    pub fn display_grouped(&self) -> String {
        let s = self.as_str();
        format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
    }

    /// True for numbers in the range used for synthetic test organisations
    /// (first digit 2 or 3).
    pub fn is_test_range(&self) -> bool {
        matches!(self.digits[0], b'2' | b'3')
    }
}

string_traits!(Organisasjonsnummer);

// ---------------------------------------------------------------------------
// Kommunenummer
// ---------------------------------------------------------------------------

/// A syntactically valid municipality number (kommunenummer): 4 digits, of
/// which the first two are the county number (fylkesnummer).
///
/// Parsing checks the form only. It does **not** check that the number is
/// in the current list of municipalities: that list changes with
/// municipal reforms and is reference data, checked in storage.
/// Serialises as the 4-digit string; deserialising calls
/// [`parse`](Self::parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kommunenummer {
    digits: [u8; 4],
}

impl Kommunenummer {
    /// Parses a municipality number: exactly 4 ASCII digits (no
    /// surrounding whitespace), county part not `00`.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let ascii = exact_digits::<4>(s, IdentScheme::Kommunenummer)?;
        if ascii[..2] == *b"00" {
            return Err(IdentError::CountyZero);
        }
        Ok(Kommunenummer { digits: ascii })
    }

    /// The 4 digits.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.digits)
    }

    /// The county number: the first two digits (e.g. 3 for `0301`).
    pub fn fylkesnummer(&self) -> u8 {
        pair(self.digits[0], self.digits[1])
    }
}

string_traits!(Kommunenummer);
