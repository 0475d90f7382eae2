//! Property tests for the Norwegian identifier newtypes in `los_domain::ident`.

use chrono::{Datelike, NaiveDate};
use los_domain::ident::{CheckDigitRule, Fodselsnummer, IdentKind, Kommunenummer, Organisasjonsnummer};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Independent reference implementation (deliberately plain)
// ---------------------------------------------------------------------------

/// Reference validator for an 11-digit string. Returns the check digit rule
/// the number satisfies, or `None` if it is invalid.
fn reference_fnr(s: &str) -> Option<CheckDigitRule> {
    let d: Vec<u32> = s.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if d.len() != 11 {
        return None;
    }
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    if (41..=71).contains(&day) {
        day -= 40;
    }
    if (41..=52).contains(&month) {
        month -= 40;
    } else if (81..=92).contains(&month) {
        month -= 80;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let max_day = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > max_day {
        return None;
    }
    let s1 = 3 * d[0] + 7 * d[1] + 6 * d[2] + d[3] + 8 * d[4] + 9 * d[5] + 4 * d[6] + 5 * d[7] + 2 * d[8];
    let rem = (s1 + d[9]) % 11;
    if rem > 3 {
        return None;
    }
    let s2 =
        5 * d[0] + 4 * d[1] + 3 * d[2] + 2 * d[3] + 7 * d[4] + 6 * d[5] + 5 * d[6] + 4 * d[7] + 3 * d[8] + 2 * d[9];
    // k2 = 11 - (s2 mod 11), 11 -> 0, 10 invalid  <=>  (s2 + k2) mod 11 == 0 with k2 a digit.
    if !(s2 + d[10]).is_multiple_of(11) {
        return None;
    }
    Some(if rem == 0 { CheckDigitRule::Classic } else { CheckDigitRule::From2032 })
}

/// Reference check digit for 8 organisation number digits.
fn reference_org_check(d: &[u32]) -> Option<u32> {
    let s: u32 = d.iter().zip([3, 2, 7, 6, 5, 4, 3, 2]).map(|(a, w)| a * w).sum();
    match 11 - s % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Any date in the range the classic individnummer ranges can express.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let from = NaiveDate::from_ymd_opt(1854, 1, 1).unwrap();
    (0i64..=(2039 - 1854 + 1) * 366)
        .prop_map(move |n| from + chrono::Days::new(n as u64))
        .prop_filter("within 1854-2039", |d| d.year() <= 2039)
}

/// A valid number under the 2032 rule: a valid date prefix, any allowed k1,
/// the computed k2. Both check digit rules occur.
fn any_valid_fnr() -> impl Strategy<Value = String> {
    (any_date(), any::<bool>(), 0u8..3, 0u32..1000, 0u32..4).prop_filter_map(
        "check digit 10",
        |(date, d_number, marker, individ, rem)| {
            let day = date.day() + if d_number { 40 } else { 0 };
            let month = date.month() + [0, 40, 80][usize::from(marker)];
            let prefix = format!("{day:02}{month:02}{:02}{individ:03}", date.year() % 100);
            (0..10).map(|k1| format!("{prefix}{k1}")).flat_map(|p| (0..10).map(move |k2| format!("{p}{k2}"))).find(
                |s| {
                    let d: Vec<u32> = s.chars().map(|c| c.to_digit(10).unwrap()).collect();
                    let s1: u32 = d[..9].iter().zip([3, 7, 6, 1, 8, 9, 4, 5, 2]).map(|(a, w)| a * w).sum();
                    (s1 + d[9]) % 11 == rem && reference_fnr(s).is_some()
                },
            )
        },
    )
}

fn with_cases(n: u32) -> ProptestConfig {
    ProptestConfig::with_cases(n)
}

// ---------------------------------------------------------------------------
// Fødselsnummer
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(with_cases(2000))]

    /// Every number `classic_from_parts` builds parses, round-trips and has
    /// the kind its offsets say; it returns `None` only when a classic check
    /// digit would be 10.
    #[test]
    fn classic_from_parts_is_valid(
        date in any_date(),
        d_number in any::<bool>(),
        marker in 0u8..3,
        individ in 0u16..1000,
    ) {
        let day = date.day() as u8 + if d_number { 40 } else { 0 };
        let month = date.month() as u8 + [0, 40, 80][usize::from(marker)];
        let yy = (date.year() % 100) as u8;
        match Fodselsnummer::classic_from_parts(day, month, yy, individ) {
            Some(f) => {
                let s = f.to_string();
                prop_assert_eq!(Fodselsnummer::parse(&s), Ok(f));
                prop_assert_eq!(reference_fnr(&s), Some(CheckDigitRule::Classic));
                prop_assert_eq!(f.check_digit_rule(), CheckDigitRule::Classic);
                prop_assert_eq!(f.individnummer(), individ);
                prop_assert_eq!(f.date_digits(), (date.day() as u8, date.month() as u8, yy));
                prop_assert_eq!(f.is_d_number(), d_number);
                prop_assert_eq!(f.is_h_number(), marker == 1);
                prop_assert_eq!(f.may_be_nav_synthetic(), marker == 1);
                prop_assert_eq!(f.is_synthetic(), marker == 2);
                let kind = match (d_number, marker) {
                    (_, 2) => IdentKind::Synthetic,
                    (true, _) => IdentKind::DNummer,
                    (false, 1) => IdentKind::HNummer,
                    (false, _) => IdentKind::Fodselsnummer,
                };
                prop_assert_eq!(f.kind(), kind);
                let dbg = format!("{f:?}");
                prop_assert!(!dbg.contains(&s));
            }
            None => {
                // No digits k1, k2 make this prefix valid under the classic rule.
                let prefix = format!("{day:02}{month:02}{yy:02}{individ:03}");
                for k in 0..100 {
                    let s = format!("{prefix}{k:02}");
                    prop_assert_ne!(reference_fnr(&s), Some(CheckDigitRule::Classic), "{}", s);
                }
            }
        }
    }

    /// Every synthetic number parses, round-trips, is synthetic and gives the
    /// birth date back.
    #[test]
    fn synthetic_is_valid(date in any_date(), individ in 0u16..1000) {
        if let Some(f) = Fodselsnummer::synthetic(date, individ) {
            let s = f.to_string();
            prop_assert_eq!(Fodselsnummer::parse(&s), Ok(f));
            prop_assert_eq!(f.kind(), IdentKind::Synthetic);
            prop_assert!(f.is_synthetic() && !f.is_d_number() && !f.is_h_number());
            prop_assert_eq!(f.check_digit_rule(), CheckDigitRule::Classic);
            prop_assert_eq!(f.legacy_birth_date(), Some(date));
            prop_assert_eq!(f.individnummer(), individ);
        }
    }

    /// Some individnummer always works for a synthetic number.
    #[test]
    fn synthetic_always_available(date in any_date()) {
        prop_assert!((0..1000).any(|i| Fodselsnummer::synthetic(date, i).is_some()));
    }

    /// Round trip through Display for any valid number, under either rule.
    #[test]
    fn valid_numbers_round_trip(s in any_valid_fnr()) {
        let f = Fodselsnummer::parse(&s).unwrap();
        prop_assert_eq!(f.to_string(), s.clone());
        prop_assert_eq!(Some(f.check_digit_rule()), reference_fnr(&s));
        prop_assert_eq!(Fodselsnummer::parse(&format!(" {s}\t")), Ok(f));
        prop_assert_eq!(f.masked(), format!("{}*****", &s[..6]));
        if f.check_digit_rule() == CheckDigitRule::From2032 {
            prop_assert_eq!(f.legacy_birth_date(), None);
        }
    }

    /// A single-digit change anywhere in a valid number is rejected.
    ///
    /// Check digit 2 satisfies `(S2 + k2) mod 11 == 0` where S2 covers
    /// d1..d9 and k1 with weights 5,4,3,2,7,6,5,4,3,2 and k2 has weight 1.
    /// All weights are non-zero and below 11, and 11 is prime, so changing
    /// one digit by a non-zero amount under 10 always breaks that congruence.
    /// This holds for k1 too, so the 2032 rule's several k1 values do not
    /// weaken single-digit detection (changing k1 alone is always caught by
    /// k2; the Skatteetaten pair 30108299920/30108299939 differs in both).
    #[test]
    fn single_digit_change_rejected(
        s in any_valid_fnr(),
        pos in 0usize..11,
        delta in 1u8..10,
    ) {
        let mut b = s.into_bytes();
        b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(b).unwrap();
        prop_assert!(Fodselsnummer::parse(&changed).is_err(), "{} accepted", changed);
    }

    /// Random 11-digit strings: never panics, and accepts exactly when the
    /// reference does, with the same rule.
    #[test]
    fn random_digits_match_reference(s in "[0-9]{11}") {
        let ours = Fodselsnummer::parse(&s).ok().map(|f| f.check_digit_rule());
        prop_assert_eq!(ours, reference_fnr(&s));
    }

    /// Valid date prefix with random check digits: agreement with the
    /// reference where many more inputs are valid.
    #[test]
    fn random_check_digits_match_reference(
        date in any_date(),
        d_number in any::<bool>(),
        marker in 0u32..3,
        rest in "[0-9]{5}",
    ) {
        let day = date.day() + if d_number { 40 } else { 0 };
        let month = date.month() + [0, 40, 80][marker as usize];
        let s = format!("{day:02}{month:02}{:02}{rest}", date.year() % 100);
        let ours = Fodselsnummer::parse(&s).ok().map(|f| f.check_digit_rule());
        prop_assert_eq!(ours, reference_fnr(&s));
    }

    /// Arbitrary strings never panic, and errors always have a rule code.
    #[test]
    fn random_strings_never_panic(s in "\\PC{0,16}|[0-9 ]{0,14}") {
        if let Err(e) = Fodselsnummer::parse(&s) {
            prop_assert!(e.rule().starts_with("fnr."));
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

// ---------------------------------------------------------------------------
// Organisasjonsnummer
// ---------------------------------------------------------------------------

fn any_valid_orgnr() -> impl Strategy<Value = String> {
    "[0-9]{8}".prop_filter_map("check digit 10", |p| {
        let d: Vec<u32> = p.chars().map(|c| c.to_digit(10).unwrap()).collect();
        reference_org_check(&d).map(|c| format!("{p}{c}"))
    })
}

proptest! {
    #![proptest_config(with_cases(2000))]

    /// Eight digits plus the computed check digit parse and round-trip,
    /// also when grouped.
    #[test]
    fn orgnr_valid_parses(s in any_valid_orgnr()) {
        let o = Organisasjonsnummer::parse(&s).unwrap();
        prop_assert_eq!(o.to_string(), s.clone());
        let grouped = o.display_grouped();
        prop_assert_eq!(Organisasjonsnummer::parse(&grouped), Ok(o));
        prop_assert_eq!(o.is_test_range(), s.starts_with('2') || s.starts_with('3'));
    }

    /// A single-digit change is rejected (all weights non-zero mod 11).
    #[test]
    fn orgnr_single_digit_change_rejected(
        s in any_valid_orgnr(),
        pos in 0usize..9,
        delta in 1u8..10,
    ) {
        let mut b = s.into_bytes();
        b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(b).unwrap();
        prop_assert!(Organisasjonsnummer::parse(&changed).is_err(), "{} accepted", changed);
    }

    /// Random 9-digit strings agree with the reference; arbitrary strings
    /// never panic.
    #[test]
    fn orgnr_random(digits in "[0-9]{9}", s in "\\PC{0,14}|[0-9 ]{0,12}") {
        let d: Vec<u32> = digits.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let expected = reference_org_check(&d[..8]) == Some(d[8]);
        prop_assert_eq!(Organisasjonsnummer::parse(&digits).is_ok(), expected);
        if let Err(e) = Organisasjonsnummer::parse(&s) {
            prop_assert!(e.rule().starts_with("orgnr."));
        }
    }
}

// ---------------------------------------------------------------------------
// Kommunenummer
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(with_cases(1000))]

    /// Four digits with a county other than 00 round-trip; county 00 fails.
    #[test]
    fn kommunenummer_round_trip(s in "[0-9]{4}") {
        match Kommunenummer::parse(&s) {
            Ok(k) => {
                prop_assert!(!s.starts_with("00"));
                prop_assert_eq!(k.to_string(), s.clone());
                prop_assert_eq!(Kommunenummer::parse(k.as_str()), Ok(k));
                prop_assert_eq!(u32::from(k.fylkesnummer()), s[..2].parse::<u32>().unwrap());
            }
            Err(e) => {
                prop_assert!(s.starts_with("00"));
                prop_assert_eq!(e.rule(), "kommunenr.county");
            }
        }
    }

    /// Arbitrary strings never panic.
    #[test]
    fn kommunenummer_random_strings(s in "\\PC{0,8}") {
        let _ = Kommunenummer::parse(&s);
    }
}
