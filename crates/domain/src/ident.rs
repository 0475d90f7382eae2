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
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

// ---------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn fnr(s: &str) -> Fodselsnummer {
        Fodselsnummer::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn fnr_err(s: &str) -> IdentError {
        Fodselsnummer::parse(s).expect_err(s)
    }

    #[test]
    fn skatteetaten_vectors() {
        for (s, rule) in [
            ("02013299997", CheckDigitRule::Classic),
            ("30108299920", CheckDigitRule::Classic),
            ("30108299939", CheckDigitRule::From2032),
            ("02013299903", CheckDigitRule::From2032),
            ("02013299806", CheckDigitRule::Classic),
        ] {
            assert_eq!(fnr(s).check_digit_rule(), rule, "{s}");
        }
    }

    #[test]
    fn own_classic_vectors() {
        for (s, kind) in [
            ("01019000083", IdentKind::Fodselsnummer),
            ("31129900183", IdentKind::Fodselsnummer),
            ("29020050088", IdentKind::Fodselsnummer),
            ("15056500070", IdentKind::Fodselsnummer),
            ("41018500033", IdentKind::DNummer),
            ("01459000026", IdentKind::HNummer),
            ("01819000049", IdentKind::Synthetic),
            ("41819000032", IdentKind::Synthetic),
        ] {
            let f = fnr(s);
            assert_eq!(f.kind(), kind, "{s}");
            assert_eq!(f.check_digit_rule(), CheckDigitRule::Classic, "{s}");
            assert_eq!(f.to_string(), s);
        }
    }

    #[test]
    fn flags() {
        let d = fnr("41018500033");
        assert!(d.is_d_number() && !d.is_h_number() && !d.is_synthetic());
        let h = fnr("01459000026");
        assert!(h.is_h_number() && h.may_be_nav_synthetic() && !h.is_d_number());
        let ds = fnr("41819000032");
        assert!(ds.is_d_number() && ds.is_synthetic() && !ds.may_be_nav_synthetic());
        assert_eq!(ds.date_digits(), (1, 1, 90));
        assert_eq!(ds.individnummer(), 0);
    }

    #[test]
    fn whitespace_trimmed_but_inner_space_rejected() {
        assert_eq!(fnr("  01019000083\n").as_str(), "01019000083");
        assert_eq!(fnr_err("010190 00083"), IdentError::NotDigits { scheme: IdentScheme::Fodselsnummer });
    }

    #[test]
    fn legacy_birth_dates() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(fnr("01019000083").legacy_birth_date(), date(1990, 1, 1));
        assert_eq!(fnr("29020050088").legacy_birth_date(), date(2000, 2, 29));
        assert_eq!(fnr("41018500033").legacy_birth_date(), date(1985, 1, 1));
        assert_eq!(fnr("02013299997").legacy_birth_date(), date(2032, 1, 2));
        assert_eq!(fnr("02013299903").legacy_birth_date(), None);
        // individnummer 999 with year 32 is 2032 in the legacy ranges; 750–899
        // with year 40–99 was never issued.
        let gap = Fodselsnummer::classic_from_parts(1, 1, 50, 800).expect("valid");
        assert_eq!(gap.legacy_birth_date(), None);
    }

    #[test]
    fn generators() {
        let birth = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let s = (0..1000).find_map(|i| Fodselsnummer::synthetic(birth, i)).unwrap();
        assert_eq!(s.as_str(), "01819000049");
        assert_eq!(s.legacy_birth_date(), Some(birth));
        // 2005 needs individnummer 500–999.
        let birth = NaiveDate::from_ymd_opt(2005, 6, 30).unwrap();
        assert_eq!(Fodselsnummer::synthetic(birth, 10), None);
        assert!((500..1000).any(|i| Fodselsnummer::synthetic(birth, i).is_some()));
        assert_eq!(Fodselsnummer::synthetic(birth, 1000), None);
        assert_eq!(
            Fodselsnummer::classic_from_parts(1, 1, 90, 0).map(|f| f.to_string()),
            Some("01019000083".to_owned())
        );
        assert_eq!(Fodselsnummer::classic_from_parts(31, 4, 90, 0), None);
    }

    #[test]
    fn synthetic_refusal() {
        let strict = ParseOptions::default();
        assert!(!strict.allow_synthetic);
        assert_eq!(Fodselsnummer::parse_with("01819000049", strict), Err(IdentError::SyntheticNotAllowed));
        assert!(Fodselsnummer::parse_with("01019000083", strict).is_ok());
        // H-numbers / NAV Dolly cannot be distinguished and are not refused.
        assert!(Fodselsnummer::parse_with("01459000026", strict).is_ok());
        let lenient = ParseOptions { allow_synthetic: true };
        assert!(Fodselsnummer::parse_with("01819000049", lenient).is_ok());
    }

    #[test]
    fn privacy() {
        let f = fnr("01019000083");
        assert_eq!(f.masked(), "010190*****");
        let dbg = format!("{f:?}");
        assert!(!dbg.contains("01019000083"), "{dbg}");
        assert_eq!(dbg, "Fodselsnummer { kind: Fodselsnummer, masked: \"010190*****\" }");
        assert_eq!(format!("{f}"), "01019000083");
    }

    #[test]
    fn fnr_error_messages() {
        let cases: [(&str, &str, &str); 10] = [
            ("0101900008", "fnr.length", "national identity number must have 11 digits, found 10"),
            ("", "fnr.length", "national identity number must have 11 digits, found 0"),
            ("0101900008x", "fnr.not_digits", "national identity number may only contain the digits 0-9"),
            ("32019000083", "fnr.day", "day digits 32 are neither a day 01-31 nor a D-number day 41-71"),
            (
                "01139000083",
                "fnr.month",
                "month digits 13 are not a month 01-12, an H-number month 41-52 \
                 or a synthetic month 81-92",
            ),
            ("31049000083", "fnr.date", "day 31 does not exist in month 4"),
            ("30029000083", "fnr.date", "day 30 does not exist in month 2"),
            (
                "01019000053",
                "fnr.check_digit_1",
                "check digit 1 is 5, should be 8 (rule before 2032) \
                 or one of 0, 8, 9 (rule from 2032)",
            ),
            ("01019000084", "fnr.check_digit_2", "check digit 2 is 4, should be 3"),
            ("01819000049x", "fnr.not_digits", "national identity number may only contain the digits 0-9"),
        ];
        for (input, rule, msg) in cases {
            let e = fnr_err(input);
            assert_eq!(e.rule(), rule, "{input}");
            assert_eq!(e.to_string(), msg, "{input}");
        }
        let e = Fodselsnummer::parse_with("01819000049", ParseOptions::default()).unwrap_err();
        assert_eq!(e.rule(), "fnr.synthetic_not_allowed");
        assert_eq!(e.to_string(), "synthetic test numbers (month + 80) are not allowed here");
    }

    /// Runs `pred` over the prefixes `010190000`..`010190999` (as digit
    /// values) and returns its first answer.
    fn search(mut pred: impl FnMut(&[u8; 9]) -> Option<String>) -> String {
        for individ in 0..1000u16 {
            let p = format!("010190{individ:03}");
            let d: [u8; 9] = values(p.as_bytes().try_into().unwrap());
            if let Some(s) = pred(&d) {
                return s;
            }
        }
        panic!("no example found");
    }

    #[test]
    fn first_check_digit_without_classic_value() {
        // S1 mod 11 == 1: the old rule allows no k1, the 2032 rule allows 0, 1, 2.
        let s = search(|d| {
            (weighted_mod11(d, &FNR_K1_WEIGHTS) == 1).then(|| format!("{}50", ascii_str(&d.map(|v| v + b'0'))))
        });
        let e = fnr_err(&s);
        assert_eq!(e, IdentError::FirstCheckDigit { found: 5, classic: None, expected: vec![0, 1, 2] });
        assert_eq!(
            e.to_string(),
            "check digit 1 is 5, should be one of 0, 1, 2 (rule from 2032; \
             the rule before 2032 allows no value here)"
        );
    }

    #[test]
    fn second_check_digit_impossible() {
        let s = search(|d| {
            let k1 = mod11_check_digit(weighted_mod11(d, &FNR_K1_WEIGHTS))?;
            let mut ten = d.to_vec();
            ten.push(k1);
            (weighted_mod11(&ten, &FNR_K2_WEIGHTS) == 1).then(|| format!("{}{k1}0", ascii_str(&d.map(|v| v + b'0'))))
        });
        let e = fnr_err(&s);
        assert_eq!(e, IdentError::CheckDigitImpossible);
        assert_eq!(e.rule(), "fnr.check_digit_2_impossible");
        assert!(e.to_string().starts_with("check digit 2 cannot be computed"));
    }

    #[test]
    fn fnr_serde() {
        let de: StrDeserializer<'_, DeError> = "02013299997".into_deserializer();
        assert_eq!(Fodselsnummer::deserialize(de).unwrap(), fnr("02013299997"));
        let de: StrDeserializer<'_, DeError> = "02013299998".into_deserializer();
        let e = Fodselsnummer::deserialize(de).unwrap_err();
        assert_eq!(e.to_string(), "check digit 2 is 8, should be 7");
        let f: Fodselsnummer = "30108299939".parse().unwrap();
        assert_eq!(f.as_ref(), "30108299939");
    }

    #[test]
    fn orgnr_valid() {
        for s in ["974760673", "889640782", "991825827", " 974 760 673 "] {
            let o = Organisasjonsnummer::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(!o.is_test_range());
        }
        let o = Organisasjonsnummer::parse("974 760 673").unwrap();
        assert_eq!(o.to_string(), "974760673");
        assert_eq!(o.display_grouped(), "974 760 673");
        let de: StrDeserializer<'_, DeError> = "889640782".into_deserializer();
        assert_eq!(Organisasjonsnummer::deserialize(de).unwrap().as_str(), "889640782");
        // A test-range number: 3 + seven digits + check digit.
        let t = (0..10).map(|c| format!("31000000{c}")).find_map(|s| Organisasjonsnummer::parse(&s).ok()).unwrap();
        assert!(t.is_test_range());
    }

    #[test]
    fn orgnr_error_messages() {
        let cases = [
            ("97476067", "orgnr.length", "organisation number must have 9 digits, found 8"),
            ("97476067a", "orgnr.not_digits", "organisation number may only contain the digits 0-9"),
            ("9747 60673", "orgnr.grouping", "organisation number may only be grouped as \"999 999 999\""),
            ("974760674", "orgnr.check_digit", "check digit is 4, should be 3"),
        ];
        for (input, rule, msg) in cases {
            let e = Organisasjonsnummer::parse(input).expect_err(input);
            assert_eq!(e.rule(), rule, "{input}");
            assert_eq!(e.to_string(), msg, "{input}");
        }
        // Find a prefix whose check digit would be 10.
        let impossible = (0..100_000_000u32)
            .map(|n| format!("{n:08}"))
            .find(|p| weighted_mod11(&values::<8>(p.as_bytes().try_into().unwrap()), &ORGNR_WEIGHTS) == 1)
            .unwrap();
        let e = Organisasjonsnummer::parse(&format!("{impossible}0")).unwrap_err();
        assert_eq!(e, IdentError::OrgCheckDigitImpossible);
        assert_eq!(e.rule(), "orgnr.check_digit_impossible");
    }

    #[test]
    fn kommunenummer() {
        let k = Kommunenummer::parse("0301").unwrap();
        assert_eq!(k.fylkesnummer(), 3);
        assert_eq!(k.to_string(), "0301");
        assert_eq!(Kommunenummer::parse("4601").unwrap().fylkesnummer(), 46);
        let cases = [
            ("0000", "kommunenr.county", "county number 00 does not exist"),
            ("0099", "kommunenr.county", "county number 00 does not exist"),
            ("301", "kommunenr.length", "municipality number must have 4 digits, found 3"),
            (" 0301", "kommunenr.not_digits", "municipality number may only contain the digits 0-9"),
            ("03a1", "kommunenr.not_digits", "municipality number may only contain the digits 0-9"),
        ];
        for (input, rule, msg) in cases {
            let e = Kommunenummer::parse(input).expect_err(input);
            assert_eq!(e.rule(), rule, "{input}");
            assert_eq!(e.to_string(), msg, "{input}");
        }
        let de: StrDeserializer<'_, DeError> = "0000".into_deserializer();
        assert!(Kommunenummer::deserialize(de).is_err());
    }
}
