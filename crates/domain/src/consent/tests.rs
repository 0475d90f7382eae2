#[test]
fn a_family_members_own_consent_is_digital_and_an_employee_states_the_form() {
    assert_eq!(recorded_form(true, Some(ConsentForm::Written)), Ok(ConsentForm::Digital));
    assert_eq!(recorded_form(true, None), Ok(ConsentForm::Digital));
    assert_eq!(recorded_form(false, Some(ConsentForm::Oral)), Ok(ConsentForm::Oral));
    assert_eq!(recorded_form(false, None), Err(ConsentError::NoForm));
    assert_eq!(recorded_form(false, Some(ConsentForm::Digital)), Err(ConsentError::DigitalByFamily));
}

use super::*;
use proptest::prelude::*;

fn sit(domain: ConsentDomain, age: u32) -> ConsentSituation {
    ConsentSituation {
        domain,
        child_age: age,
        care_order: false,
        measures_directed_at_parents: false,
        both_required: false,
    }
}

fn giver(c: GiverCapacity) -> ConsentGiver {
    ConsentGiver { person_id: Some(format!("p-{c}")), capacity: c, age: None }
}

#[test]
fn the_regime_follows_the_information_not_the_named_law() {
    use ConsentDomain::*;
    let school = [Sector::Education];
    assert_eq!(regimes(General, &[InfoCategory::Health], &school), vec![Health]);
    assert_eq!(regimes(General, &[InfoCategory::General], &[Sector::Health]), vec![Health]);
    assert_eq!(regimes(Health, &[InfoCategory::Education], &school), vec![Health]);
    assert_eq!(
        regimes(General, &[InfoCategory::General, InfoCategory::ChildWelfare], &[Sector::Education]),
        vec![ChildWelfare, General]
    );
    // Hilde cannot open her 17-year-old son's health information by naming the general rules.
    let s = sit(General, 17);
    let parent = [giver(GiverCapacity::Parent)];
    assert!(validate_givers_for(s, &regimes(General, &[InfoCategory::Health], &school), &parent, |_| true).is_err());
    let child = [giver(GiverCapacity::Child)];
    assert!(validate_givers_for(s, &regimes(General, &[InfoCategory::Health], &school), &child, |_| true).is_ok());
}

#[test]
fn a_consent_is_withdrawn_by_its_giver_or_whoever_may_give_it_now() {
    let mut c = Consent {
        id: "c".into(),
        case_id: "k".into(),
        subject_person_id: "child".into(),
        domain: ConsentDomain::Health,
        givers: vec![ConsentGiver { person_id: Some("child".into()), capacity: GiverCapacity::Child, age: Some(17) }],
        from_services: vec!["hs".into()],
        to_services: vec!["x".into()],
        categories: vec![InfoCategory::Health],
        purpose: "p".into(),
        consequences: "c".into(),
        form: ConsentForm::Digital,
        recorded_by: "u".into(),
        recorded_at: Utc::now(),
        valid_from: Utc::now().date_naive(),
        valid_to: Utc::now().date_naive(),
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawal_reason: None,
        renews: None,
        confirmed_from: vec!["hs".into()],
    };
    let health = [ConsentDomain::Health];
    assert!(may_withdraw(&c, "child", sit(ConsentDomain::Health, 17), &health, false));
    assert!(!may_withdraw(&c, "mum", sit(ConsentDomain::Health, 17), &health, true));
    // The parents gave it when the child was 12; at 16 the young person may withdraw it, and so may the
    // parent who gave it.
    c.givers = vec![ConsentGiver { person_id: Some("mum".into()), capacity: GiverCapacity::Parent, age: Some(40) }];
    assert!(may_withdraw(&c, "child", sit(ConsentDomain::Health, 16), &health, false));
    assert!(may_withdraw(&c, "mum", sit(ConsentDomain::Health, 16), &health, true));
    assert!(!may_withdraw(&c, "dad", sit(ConsentDomain::Health, 16), &health, true));
    assert!(may_withdraw(&c, "dad", sit(ConsentDomain::Health, 12), &health, true));
    assert!(!may_withdraw(&c, "child", sit(ConsentDomain::Health, 12), &health, false));
}

#[test]
fn confirmations_bind_the_recorders_own_services_or_all_for_the_family() {
    let from = ["bv".to_owned(), "school".to_owned()];
    assert_eq!(confirmed_at_recording(&from, false, &["school"]), vec!["school".to_owned()]);
    assert_eq!(confirmed_at_recording(&from, true, &[]), from.to_vec());
    assert!(confirmed_at_recording(&from, false, &["nav"]).is_empty());
}

#[test]
fn absurd_periods_and_repeated_services_are_refused() {
    let today: NaiveDate = "2026-12-05".parse().unwrap();
    let one = ["a".to_owned()];
    let other = ["b".to_owned()];
    let base = ConsentScope {
        from_services: &one,
        to_services: &other,
        categories: &[InfoCategory::General],
        purpose: "p",
        consequences: "c",
        valid_from: today,
        valid_to: today + chrono::Duration::days(365),
        today,
    };
    assert_eq!(validate_scope(&base), Ok(()));
    let far = ConsentScope { valid_to: NaiveDate::MAX, ..base };
    assert_eq!(validate_scope(&far), Err(ConsentError::PeriodTooLong));
    let past = ConsentScope { valid_from: NaiveDate::MIN, ..base };
    assert_eq!(validate_scope(&past), Err(ConsentError::PeriodTooLong));
    let twice = ["b".to_owned(), "b".to_owned()];
    assert_eq!(validate_scope(&ConsentScope { to_services: &twice, ..base }), Err(ConsentError::DuplicateService));
    let many: Vec<String> = (0..=MAX_SERVICES).map(|i| format!("s{i}")).collect();
    assert_eq!(validate_scope(&ConsentScope { to_services: &many, ..base }), Err(ConsentError::DuplicateService));
}

#[test]
fn child_welfare_table_from_prop_100_l() {
    assert_eq!(required_consent(sit(ConsentDomain::ChildWelfare, 14)).0, Requirement::Parents);
    assert_eq!(required_consent(sit(ConsentDomain::ChildWelfare, 15)).0, Requirement::Child);
    let both = ConsentSituation { measures_directed_at_parents: true, ..sit(ConsentDomain::ChildWelfare, 16) };
    assert_eq!(required_consent(both).0, Requirement::ChildAndParents);
    let care = ConsentSituation { care_order: true, ..sit(ConsentDomain::ChildWelfare, 10) };
    assert_eq!(required_consent(care).0, Requirement::ChildWelfareService);
}

#[test]
fn health_consent_age_is_16() {
    assert_eq!(required_consent(sit(ConsentDomain::Health, 15)).0, Requirement::Parents);
    assert_eq!(required_consent(sit(ConsentDomain::Health, 16)).0, Requirement::Child);
    let both = ConsentSituation { both_required: true, ..sit(ConsentDomain::Health, 13) };
    assert_eq!(required_consent(both).0, Requirement::ChildAndParents);
}

#[test]
fn wrong_givers_name_the_rule() {
    let err = validate_givers(sit(ConsentDomain::Health, 17), &[giver(GiverCapacity::Parent)], |_| true).unwrap_err();
    assert_eq!(err.code(), "consent.wrong_givers");
    assert!(err.to_string().contains("pbrl § 4-3"), "{err}");
    let err = validate_givers(sit(ConsentDomain::General, 8), &[giver(GiverCapacity::Parent)], |_| false).unwrap_err();
    assert_eq!(err, ConsentError::ParentWithoutResponsibility);
}

fn consent(valid_from: &str, valid_to: &str) -> Consent {
    Consent {
        id: "c1".into(),
        case_id: "sak".into(),
        subject_person_id: "p".into(),
        domain: ConsentDomain::General,
        givers: vec![],
        from_services: vec!["a".into()],
        to_services: vec!["b".into()],
        categories: vec![InfoCategory::General],
        purpose: "p".into(),
        consequences: "c".into(),
        form: ConsentForm::Written,
        recorded_by: "u".into(),
        recorded_at: Utc::now(),
        valid_from: valid_from.parse().unwrap(),
        valid_to: valid_to.parse().unwrap(),
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawal_reason: None,
        renews: None,
        confirmed_from: vec!["a".into()],
    }
}

#[test]
fn a_consent_scope_names_services_information_purpose_and_a_period() {
    let (a, b) = (vec!["skole".to_owned()], vec!["bup".to_owned()]);
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let ok = ConsentScope {
        from_services: &a,
        to_services: &b,
        categories: &[InfoCategory::General],
        purpose: "Samarbeid om skolehverdagen",
        consequences: "BUP får vite om fravær",
        valid_from: day("2026-01-01"),
        valid_to: day("2026-12-31"),
        today: day("2026-01-01"),
    };
    assert_eq!(validate_scope(&ok), Ok(()));
    assert_eq!(validate_scope(&ConsentScope { to_services: &[], ..ok }), Err(ConsentError::EmptyScope));
    assert_eq!(validate_scope(&ConsentScope { categories: &[], ..ok }), Err(ConsentError::EmptyScope));
    assert_eq!(validate_scope(&ConsentScope { purpose: "  ", ..ok }), Err(ConsentError::NotInformed));
    assert_eq!(validate_scope(&ConsentScope { consequences: "", ..ok }), Err(ConsentError::NotInformed));
    assert_eq!(validate_scope(&ConsentScope { to_services: &a, ..ok }), Err(ConsentError::SameService));
    let both = vec!["skole".to_owned(), "bup".to_owned()];
    assert_eq!(validate_scope(&ConsentScope { from_services: &both, to_services: &both, ..ok }), Ok(()));
}

proptest! {
    /// A period is accepted exactly when it does not end before it starts.
    #[test]
    fn a_consent_period_ends_after_it_starts(start in -1000i64..1000, length in -400i64..400) {
        let (a, b) = (vec!["skole".to_owned()], vec!["bup".to_owned()]);
        let from = "2026-01-01".parse::<NaiveDate>().unwrap() + chrono::Duration::days(start);
        let s = ConsentScope {
            from_services: &a,
            to_services: &b,
            categories: &[InfoCategory::General],
            purpose: "p",
            consequences: "c",
            valid_from: from,
            valid_to: from + chrono::Duration::days(length),
            today: from,
        };
        prop_assert_eq!(validate_scope(&s).is_ok(), length >= 0);
    }

    /// The requirement is never satisfied by a set of givers that lacks the required capacity, and a
    /// parent never consents for a young person who has reached the domain's age of consent alone.
    #[test]
    fn givers_satisfy_exactly_the_requirement(age in 0u32..20, d in 0usize..3, care in any::<bool>(), meas in any::<bool>(), both in any::<bool>(), mask in 0u8..16) {
        let domain = ConsentDomain::ALL[d];
        let s = ConsentSituation { domain, child_age: age, care_order: care, measures_directed_at_parents: meas, both_required: both };
        let caps = [GiverCapacity::Child, GiverCapacity::Parent, GiverCapacity::ChildWelfareService, GiverCapacity::Adult];
        let givers: Vec<ConsentGiver> = caps.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| giver(*c)).collect();
        let result = validate_givers(s, &givers, |_| true);
        let (req, _) = required_consent(s);
        let has = |c| givers.iter().any(|g| g.capacity == c);
        let expected = match req {
            Requirement::Child => has(GiverCapacity::Child),
            Requirement::Parents => has(GiverCapacity::Parent),
            Requirement::ChildAndParents => has(GiverCapacity::Child) && has(GiverCapacity::Parent),
            Requirement::ChildWelfareService => has(GiverCapacity::ChildWelfareService),
            Requirement::ChildWelfareServiceAndChild => has(GiverCapacity::ChildWelfareService) && has(GiverCapacity::Child),
        };
        prop_assert_eq!(result.is_ok(), expected);
        let alone_age = match domain { ConsentDomain::ChildWelfare => 15, ConsentDomain::Health => 16, ConsentDomain::General => 18 };
        if age >= alone_age && !(domain == ConsentDomain::ChildWelfare && meas) {
            prop_assert_eq!(req, Requirement::Child);
        }
    }

    /// A consent covers nothing outside its period or after withdrawal.
    #[test]
    fn expired_or_withdrawn_consent_covers_nothing(offset in -400i64..400, withdrawn in any::<bool>()) {
        let mut c = consent("2026-01-01", "2026-12-31");
        let now: DateTime<Utc> = "2026-06-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::days(offset);
        if withdrawn { c.withdrawn_at = Some(now - chrono::Duration::seconds(1)); }
        let in_period = c.valid_from <= now.date_naive() && now.date_naive() <= c.valid_to;
        prop_assert_eq!(c.covers("a", "b", InfoCategory::General, now), in_period && !withdrawn);
        prop_assert!(!c.covers("b", "a", InfoCategory::General, now));
        prop_assert!(!c.covers("a", "b", InfoCategory::Health, now));
    }
}
