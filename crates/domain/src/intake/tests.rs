use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 12, 6);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

/// A child born 14 March 2019 (individnummer 500–999 for the 2000s).
fn child_number() -> Fodselsnummer {
    (500..1000).find_map(|i| Fodselsnummer::classic_from_parts(14, 3, 19, i)).unwrap()
}

fn adult_number(yy: u8) -> Fodselsnummer {
    (0..500).find_map(|i| Fodselsnummer::classic_from_parts(2, 5, yy, i)).unwrap()
}

fn by_number(birth: Option<NaiveDate>) -> ChildInput<'static> {
    ChildInput {
        kind: "number",
        number: Some(child_number()),
        given_name: "Ada",
        family_name: "Nordmann",
        birth_date: birth,
        due_date: None,
    }
}

fn adult(relation: Relation, responsibility: bool) -> NewAdult {
    NewAdult {
        number: adult_number(88),
        given_name: "Kari".into(),
        family_name: "Nordmann".into(),
        relation,
        parental_responsibility: responsibility,
        protected_address: false,
    }
}

#[test]
fn a_number_gives_the_birth_date_and_a_given_one_must_match_it() {
    let c = child_identity(&by_number(None), today()).unwrap();
    assert_eq!(c.birth_date(), d(2019, 3, 14));
    assert_eq!(child_identity(&by_number(Some(d(2019, 3, 14))), today()).unwrap(), c);
    let e = child_identity(&by_number(Some(d(2019, 3, 15))), today()).unwrap_err();
    assert_eq!((e.code, e.field), ("intake.birth_date_mismatch", Some("birth_date")));
}

#[test]
fn a_child_by_number_needs_the_number_and_both_names() {
    let mut i = by_number(None);
    i.number = None;
    assert_eq!(child_identity(&i, today()).unwrap_err().code, "intake.number_required");
    let mut i = by_number(None);
    i.family_name = "  ";
    assert_eq!(child_identity(&i, today()).unwrap_err().field, Some("family_name"));
}

#[test]
fn a_child_known_by_name_needs_a_past_birth_date_under_the_age_limit() {
    let named =
        |b| ChildInput { kind: "named", given_name: "Ada", family_name: "N", birth_date: b, ..Default::default() };
    assert!(matches!(child_identity(&named(Some(d(2020, 1, 1))), today()), Ok(ChildIdentity::Named { .. })));
    assert_eq!(child_identity(&named(None), today()).unwrap_err().code, "intake.birth_date_required");
    assert_eq!(child_identity(&named(Some(d(2027, 1, 1))), today()).unwrap_err().code, "intake.birth_date_future");
    assert_eq!(child_identity(&named(Some(d(2001, 12, 6))), today()).unwrap_err().code, "intake.too_old");
    assert!(child_identity(&named(Some(d(2001, 12, 7))), today()).is_ok());
}

#[test]
fn an_expected_child_has_a_due_date_within_a_pregnancy_and_needs_no_name() {
    let expected = |due| ChildInput { kind: "expected", due_date: due, ..Default::default() };
    let c = child_identity(&expected(Some(d(2027, 4, 1))), today()).unwrap();
    assert_eq!(c.due_date(), Some(d(2027, 4, 1)));
    assert_eq!(case_title(&c), "Ventet barn, termin 01.04.2027");
    assert_eq!(child_identity(&expected(None), today()).unwrap_err().code, "intake.due_date_required");
    assert_eq!(child_identity(&expected(Some(d(2028, 1, 1))), today()).unwrap_err().code, "intake.due_date_range");
    assert_eq!(child_identity(&expected(Some(d(2026, 9, 1))), today()).unwrap_err().code, "intake.due_date_range");
}

#[test]
fn an_unknown_kind_is_refused() {
    let i = ChildInput { kind: "guess", ..Default::default() };
    assert_eq!(child_identity(&i, today()).unwrap_err().field, Some("child_kind"));
}

#[test]
fn adults_are_named_once_are_not_children_and_an_expected_child_has_the_mother() {
    let child = child_identity(&by_number(None), today()).unwrap();
    let a = adult(Relation::Parent, true);
    assert!(check_adults(&child, std::slice::from_ref(&a), today()).is_ok());
    assert_eq!(check_adults(&child, &[a.clone(), a.clone()], today()).unwrap_err().code, "intake.adult_twice");
    let mut me = a.clone();
    me.number = child_number();
    assert_eq!(check_adults(&child, &[me], today()).unwrap_err().code, "intake.adult_twice");
    let mut young = a.clone();
    young.number = (500..1000).find_map(|i| Fodselsnummer::classic_from_parts(2, 5, 20, i)).unwrap();
    assert_eq!(check_adults(&child, &[young], today()).unwrap_err().code, "intake.adult_age");
    let foster = adult(Relation::FosterParent, true);
    assert_eq!(check_adults(&child, &[foster], today()).unwrap_err().code, "intake.responsibility_relation");
    let expected =
        child_identity(&ChildInput { kind: "expected", due_date: Some(d(2027, 2, 1)), ..Default::default() }, today())
            .unwrap();
    assert_eq!(check_adults(&expected, &[], today()).unwrap_err().code, "intake.expected_mother");
    assert!(check_adults(&expected, &[a], today()).is_ok());
}

proptest! {
    /// Every valid number of a child under the age limit opens as that child with the number's birth date;
    /// every birth date the number does not hold is refused.
    #[test]
    fn the_number_decides_the_birth_date(days in 0i64..(24 * 365), off in 1i64..400, individ in 500u16..1000) {
        let birth = today() - chrono::Duration::days(days);
        let yy = u8::try_from(birth.format("%y").to_string().parse::<u32>().unwrap()).unwrap();
        let day = u8::try_from(chrono::Datelike::day(&birth)).unwrap();
        let month = u8::try_from(chrono::Datelike::month(&birth)).unwrap();
        prop_assume!(chrono::Datelike::year(&birth) >= 2000);
        let Some(number) = Fodselsnummer::classic_from_parts(day, month, yy, individ) else { return Ok(()) };
        let i = ChildInput { kind: "number", number: Some(number), given_name: "A", family_name: "B", ..Default::default() };
        prop_assert_eq!(child_identity(&i, today()).unwrap().birth_date(), birth);
        let wrong = ChildInput { birth_date: Some(birth - chrono::Duration::days(off)), ..i };
        prop_assert_eq!(child_identity(&wrong, today()).unwrap_err().code, "intake.birth_date_mismatch");
    }
}
