//! The national identity number: fødselsnummer, D-, H- and synthetic numbers.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::*;

// ---------------------------------------------------------------------------
// Fødselsnummer
// ---------------------------------------------------------------------------

/// Which check digit rule a [`Fodselsnummer`] satisfies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckDigitRule {
    /// Check digit 1 satisfies the rule used before 2032
    /// (`k1 = 11 − (S1 mod 11)`). Such numbers also satisfy the 2032 rule.
    Classic,
    /// Check digit 1 satisfies only the rule for numbers issued from
    /// 1 January 2032 (`(S1 + k1) mod 11 ∈ {1, 2, 3}`). For these numbers the
    /// individnummer no longer indicates the century, and the number carries
    /// no gender information.
    From2032,
}

/// The kind of a national identity number.
///
/// When several markers are present the most specific wins:
/// [`Synthetic`](IdentKind::Synthetic) before [`DNummer`](IdentKind::DNummer)
/// before [`HNummer`](IdentKind::HNummer). Use the `is_*` methods on
/// [`Fodselsnummer`] to read each marker separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentKind {
    /// An ordinary fødselsnummer.
    Fodselsnummer,
    /// A D-number (day + 40), given to people who are not, or not yet,
    /// registered as residents.
    DNummer,
    /// An H-number (hjelpenummer, month + 40), internal to the organisation
    /// that assigned it. May also be a NAV Dolly synthetic number; see
    /// [`Fodselsnummer::may_be_nav_synthetic`].
    HNummer,
    /// A Skatteetaten Test-Norge/Tenor synthetic test number (month + 80).
    Synthetic,
}

/// Options for [`Fodselsnummer::parse_with`].
///
/// The default is the strict production setting: synthetic numbers are
/// refused. The intended use is a per-environment allow-list: each
/// deployment's configuration states whether synthetic numbers are allowed
/// (demo and test environments) or not (production), and the application
/// builds its `ParseOptions` from that configuration at the boundary where
/// identity numbers enter the system.
///
/// NAV Dolly synthetic numbers (month + 40) cannot be told apart from
/// H-numbers, so `allow_synthetic` does not affect them; see
/// [`Fodselsnummer::may_be_nav_synthetic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Accept Skatteetaten synthetic test numbers (month + 80).
    pub allow_synthetic: bool,
}

/// A valid Norwegian national identity number (fødselsnummer), D-number,
/// H-number or synthetic test number: 11 digits `DDMMYY` + 3-digit
/// individnummer + 2 check digits.
///
/// Holding a value means:
/// * the date digits, with D/H/synthetic offsets removed, are a day and month
///   that exist in some year (29 February is accepted, since the century is
///   not known with certainty);
/// * check digit 1 satisfies the rule from 2032, which is a superset of the
///   old rule (the issue date cannot be seen from the number, so both are
///   accepted for every number); [`check_digit_rule`](Self::check_digit_rule)
///   tells which rule it satisfies;
/// * check digit 2 is correct.
///
/// It does **not** mean the number has been issued: only Folkeregisteret can
/// tell that. Felles hjelpenummer (FH-numbers, first digit 8 or 9) are a
/// different scheme and are rejected here.
///
/// Privacy: `Display` and [`as_str`](Self::as_str) give the full number (for
/// pages that must show it); `Debug` and [`masked`](Self::masked) hide the
/// individnummer and check digits, so the value can appear in logs.
/// Serialises as the 11-digit string; deserialising calls
/// [`parse`](Self::parse), so invalid numbers fail to deserialise (and
/// synthetic numbers are accepted; check
/// [`is_synthetic`](Self::is_synthetic) where they are not wanted).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fodselsnummer {
    digits: [u8; 11],
    rule: CheckDigitRule,
}

/// Days in each month in a leap year.
const MAX_DAYS: [u8; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Full year from the two year digits and the individnummer, using the
/// classic individnummer ranges. `None` for combinations never issued.
fn legacy_year(yy: u8, individ: u16) -> Option<i32> {
    let yy = i32::from(yy);
    match (individ, yy) {
        (0..=499, _) => Some(1900 + yy),
        (500..=749, 54..=99) => Some(1800 + yy),
        (500..=999, 0..=39) => Some(2000 + yy),
        (900..=999, 40..=99) => Some(1900 + yy),
        _ => None,
    }
}

impl Fodselsnummer {
    /// Parses a national identity number, accepting synthetic test numbers.
    ///
    /// Surrounding whitespace is ignored; what remains must be exactly 11
    /// ASCII digits (no inner spaces or separators).
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        Self::parse_with(s, ParseOptions { allow_synthetic: true })
    }

    /// Parses a national identity number with explicit options, e.g.
    /// refusing synthetic numbers in production.
    pub fn parse_with(s: &str, options: ParseOptions) -> Result<Self, IdentError> {
        let digits = exact_digits::<11>(s.trim(), IdentScheme::Fodselsnummer)?;
        let fnr = Self::validate(digits)?;
        if fnr.is_synthetic() && !options.allow_synthetic {
            return Err(IdentError::SyntheticNotAllowed);
        }
        Ok(fnr)
    }

    fn validate(ascii: [u8; 11]) -> Result<Self, IdentError> {
        let raw_day = pair(ascii[0], ascii[1]);
        let raw_month = pair(ascii[2], ascii[3]);
        let day = match raw_day {
            1..=31 => raw_day,
            41..=71 => raw_day - 40,
            _ => return Err(IdentError::InvalidDay { found: raw_day }),
        };
        let month = match raw_month {
            1..=12 => raw_month,
            41..=52 => raw_month - 40,
            81..=92 => raw_month - 80,
            _ => return Err(IdentError::InvalidMonth { found: raw_month }),
        };
        if day > MAX_DAYS[usize::from(month - 1)] {
            return Err(IdentError::InvalidDate { day, month });
        }

        let d = values(&ascii);
        let r1 = weighted_mod11(&d[..9], &FNR_K1_WEIGHTS);
        let classic = mod11_check_digit(r1);
        let k1 = d[9];
        let rule = if classic == Some(k1) {
            CheckDigitRule::Classic
        } else {
            let expected = k1_allowed_from_2032(r1);
            if !expected.contains(&k1) {
                return Err(IdentError::FirstCheckDigit { found: k1, classic, expected });
            }
            CheckDigitRule::From2032
        };

        let r2 = weighted_mod11(&d[..10], &FNR_K2_WEIGHTS);
        let expected = mod11_check_digit(r2).ok_or(IdentError::CheckDigitImpossible)?;
        if d[10] != expected {
            return Err(IdentError::SecondCheckDigit { found: d[10], expected });
        }
        Ok(Fodselsnummer { digits: ascii, rule })
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.digits)
    }

    /// The number with individnummer and check digits masked, e.g.
    /// `"010190*****"`, for logs.
    pub fn masked(&self) -> String {
        format!("{}*****", ascii_str(&self.digits[..6]))
    }

    fn raw_day(&self) -> u8 {
        pair(self.digits[0], self.digits[1])
    }

    fn raw_month(&self) -> u8 {
        pair(self.digits[2], self.digits[3])
    }

    /// The kind of number; see [`IdentKind`] for precedence when several
    /// markers are present.
    pub fn kind(&self) -> IdentKind {
        if self.is_synthetic() {
            IdentKind::Synthetic
        } else if self.is_d_number() {
            IdentKind::DNummer
        } else if self.is_h_number() {
            IdentKind::HNummer
        } else {
            IdentKind::Fodselsnummer
        }
    }

    /// D-number: day + 40 (first digit 4–7). The date digits of a D-number
    /// may be a registration date rather than the birth date.
    pub fn is_d_number(&self) -> bool {
        self.raw_day() > 40
    }

    /// H-number: month + 40 (third digit 4 or 5, month 41–52). The same
    /// marker is used by NAV Dolly synthetic numbers; see
    /// [`may_be_nav_synthetic`](Self::may_be_nav_synthetic).
    pub fn is_h_number(&self) -> bool {
        (41..=52).contains(&self.raw_month())
    }

    /// Skatteetaten Test-Norge/Tenor synthetic test number: month + 80
    /// (months 81–92). May be combined with the D-number marker.
    pub fn is_synthetic(&self) -> bool {
        self.raw_month() > 80
    }

    /// True when the number has month + 40, which is ambiguous: it is the
    /// H-number marker, but NAV's Dolly synthetic numbers use it too. The
    /// number alone cannot say which; where H-numbers are not expected (e.g.
    /// in production input from citizens), treat such numbers with care.
    pub fn may_be_nav_synthetic(&self) -> bool {
        self.is_h_number()
    }

    /// Which check digit rule the number satisfies.
    pub fn check_digit_rule(&self) -> CheckDigitRule {
        self.rule
    }

    /// The individnummer (digits 7–9), 0–999.
    pub fn individnummer(&self) -> u16 {
        self.digits[6..9].iter().fold(0u16, |acc, &b| acc * 10 + u16::from(b - b'0'))
    }

    /// The date digits with the D/H/synthetic offsets removed, as
    /// `(day, month, two-digit year)`. Not necessarily the birth date.
    pub fn date_digits(&self) -> (u8, u8, u8) {
        let day = self.raw_day() % 40;
        let month = self.raw_month() % 40;
        (day, month, pair(self.digits[4], self.digits[5]))
    }

    /// The birth date as read from the number with the classic individnummer
    /// century ranges (000–499 → 1900–1999; 500–749 with year 54–99 →
    /// 1854–1899; 500–999 with year 00–39 → 2000–2039; 900–999 with year
    /// 40–99 → 1940–1999).
    ///
    /// This is legacy logic and is **not authoritative**: the real birth date
    /// must come from Folkeregisteret. In particular:
    /// * returns `None` for numbers that only satisfy the
    ///   [`From2032`](CheckDigitRule::From2032) rule, whose individnummer no
    ///   longer tells the century (numbers issued from 2032 that happen to
    ///   satisfy the classic rule cannot be recognised and are read the
    ///   legacy way);
    /// * the date digits of a D-number may be a registration date rather
    ///   than the birth date;
    /// * returns `None` when the individnummer/year combination is outside
    ///   the ranges, or the date does not exist in the computed year (e.g.
    ///   29 February in a non-leap year).
    pub fn legacy_birth_date(&self) -> Option<NaiveDate> {
        if self.rule != CheckDigitRule::Classic {
            return None;
        }
        let (day, month, yy) = self.date_digits();
        let year = legacy_year(yy, self.individnummer())?;
        NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))
    }

    /// Builds a Skatteetaten Tenor-style synthetic test number (month + 80)
    /// for `birth` with the given individnummer and classic check digits, for
    /// tests and demo data.
    ///
    /// Returns `None` when `individ` is over 999, when it does not encode
    /// the century of `birth` under the classic ranges (so that
    /// [`legacy_birth_date`](Self::legacy_birth_date) returns `birth`; years
    /// 1854–2039 only), or when check digit 1 or 2 would be 10. Callers try
    /// the next individnummer.
    pub fn synthetic(birth: NaiveDate, individ: u16) -> Option<Fodselsnummer> {
        let yy = u8::try_from(birth.year().rem_euclid(100)).ok()?;
        if individ > 999 || legacy_year(yy, individ) != Some(birth.year()) {
            return None;
        }
        Self::classic_from_parts(birth.day() as u8, birth.month() as u8 + 80, yy, individ)
    }

    /// Builds a number from its parts with classic (pre-2032) check digits,
    /// for tests. `day` and `month` are the two-digit values as written, so
    /// offsets are included: pass `day + 40` for a D-number, `month + 40`
    /// for an H-number and `month + 80` for a synthetic number.
    ///
    /// Returns `None` when a part is out of range, the date digits are
    /// invalid, or check digit 1 or 2 would be 10.
    pub fn classic_from_parts(day: u8, month: u8, yy: u8, individ: u16) -> Option<Fodselsnummer> {
        if day > 99 || month > 99 || yy > 99 || individ > 999 {
            return None;
        }
        let mut d = [0u8; 11];
        d[..9].copy_from_slice(&[
            day / 10,
            day % 10,
            month / 10,
            month % 10,
            yy / 10,
            yy % 10,
            (individ / 100) as u8,
            (individ / 10 % 10) as u8,
            (individ % 10) as u8,
        ]);
        d[9] = mod11_check_digit(weighted_mod11(&d[..9], &FNR_K1_WEIGHTS))?;
        d[10] = mod11_check_digit(weighted_mod11(&d[..10], &FNR_K2_WEIGHTS))?;
        Self::validate(d.map(|v| v + b'0')).ok()
    }
}

impl fmt::Debug for Fodselsnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fodselsnummer").field("kind", &self.kind()).field("masked", &self.masked()).finish()
    }
}

string_traits!(Fodselsnummer);
