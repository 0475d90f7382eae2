use super::*;
use chrono::NaiveDate;
use serde::Deserialize;
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
    assert_eq!(Fodselsnummer::classic_from_parts(1, 1, 90, 0).map(|f| f.to_string()), Some("01019000083".to_owned()));
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
    let s =
        search(|d| (weighted_mod11(d, &FNR_K1_WEIGHTS) == 1).then(|| format!("{}50", ascii_str(&d.map(|v| v + b'0')))));
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
