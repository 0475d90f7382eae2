use super::*;
use los_domain::model::{Membership, OwnerType};
use proptest::prelude::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn employee(id: &str, memberships: Vec<(Option<&str>, Role)>) -> User {
    User {
        id: id.into(),
        display_name: id.into(),
        kind: UserKind::Employee,
        person_id: None,
        memberships: memberships
            .into_iter()
            .map(|(s, role)| Membership { organisation_id: "org".into(), service_id: s.map(Into::into), role })
            .collect(),
    }
}

fn citizen(id: &str, person: &str) -> User {
    User {
        id: id.into(),
        display_name: id.into(),
        kind: UserKind::Citizen,
        person_id: Some(person.into()),
        memberships: vec![],
    }
}

fn part(service: &str, joined: &str, left: Option<&str>) -> Participation {
    Participation {
        service_id: service.into(),
        service_name: service.into(),
        owner_type: OwnerType::Municipal,
        joined_on: day(joined),
        join_reason: "test".into(),
        left_on: left.map(day),
        leave_reason: left.map(|_| "test".into()),
    }
}

#[test]
fn participant_reads_with_basis() {
    let parts = [part("bv", "2026-01-01", None)];
    let facts = CaseFacts { case_id: "c1", child_person_id: "p1", participants: &parts, guardianships: &[] };
    let d = authorize(
        &employee("u", vec![(Some("bv"), Role::CaseWorker)]),
        Action::Read,
        &Resource::Case(facts),
        day("2026-06-01"),
    );
    match d {
        Decision::Allow(b) => assert_eq!(b.code, "participant"),
        Decision::Deny(r) => panic!("denied: {r:?}"),
    }
}

#[test]
fn service_that_left_loses_access() {
    let parts = [part("bv", "2026-01-01", Some("2026-03-01"))];
    let facts = CaseFacts { case_id: "c1", child_person_id: "p1", participants: &parts, guardianships: &[] };
    let d = authorize(
        &employee("u", vec![(Some("bv"), Role::CaseWorker)]),
        Action::Read,
        &Resource::Case(facts),
        day("2026-06-01"),
    );
    assert!(!d.is_allow());
}

#[test]
fn parent_without_responsibility_sees_nothing() {
    let parts = [part("bv", "2026-01-01", None)];
    let g =
        [Guardianship { adult_person_id: "dad".into(), child_person_id: "p1".into(), parental_responsibility: false }];
    let facts = CaseFacts { case_id: "c1", child_person_id: "p1", participants: &parts, guardianships: &g };
    let d = authorize(&citizen("far", "dad"), Action::Read, &Resource::Case(facts), day("2026-06-01"));
    assert!(matches!(d, Decision::Deny(DenyReason { code: "no_parental_responsibility", .. })));
}

fn arb_role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Administrators and leaders never read case data unless a non-leader membership puts them in the case.
    #[test]
    fn admins_and_leaders_never_read_cases(services in prop::collection::vec(0u8..4, 0..4), member_of in 0u8..4, role in prop::sample::select(vec![Role::Administrator, Role::Leader])) {
        let parts: Vec<Participation> = services.iter().map(|s| part(&format!("s{s}"), "2026-01-01", None)).collect();
        let facts = CaseFacts { case_id: "c", child_person_id: "p", participants: &parts, guardianships: &[] };
        let actor = employee("a", vec![(Some(&format!("s{member_of}")), role), (None, role)]);
        prop_assert!(!authorize(&actor, Action::Read, &Resource::Case(facts), day("2026-06-01")).is_allow());
    }

    /// An employee is allowed into a case exactly when one of their (non-leader) services takes part today.
    #[test]
    fn employee_access_iff_participating(services in prop::collection::vec((0u8..5, any::<bool>()), 0..5), member_of in prop::collection::vec((0u8..5, arb_role()), 0..3)) {
        let parts: Vec<Participation> = services.iter().map(|(s, left)| part(&format!("s{s}"), "2026-01-01", left.then_some("2026-02-01"))).collect();
        let facts = CaseFacts { case_id: "c", child_person_id: "p", participants: &parts, guardianships: &[] };
        let actor = employee("a", member_of.iter().map(|(s, r)| (Some(format!("s{s}")), *r)).collect::<Vec<_>>().iter().map(|(s, r)| (s.as_deref(), *r)).collect());
        let expected = member_of.iter().any(|(s, r)| !matches!(r, Role::Administrator | Role::Leader) && services.iter().any(|(p, left)| p == s && !left));
        prop_assert_eq!(authorize(&actor, Action::Read, &Resource::Case(facts), day("2026-06-01")).is_allow(), expected);
    }

    /// Citizens never write case data, and read only their own or their children's (with responsibility).
    #[test]
    fn citizens_read_only_own_family(person in 0u8..4, child in 0u8..4, resp in any::<bool>(), is_parent in any::<bool>()) {
        let g: Vec<Guardianship> = if is_parent { vec![Guardianship { adult_person_id: format!("p{person}"), child_person_id: format!("p{child}"), parental_responsibility: resp }] } else { vec![] };
        let child_id = format!("p{child}");
        let facts = CaseFacts { case_id: "c", child_person_id: &child_id, participants: &[], guardianships: &g };
        let actor = citizen("u", &format!("p{person}"));
        prop_assert!(!authorize(&actor, Action::Write, &Resource::Case(facts.clone()), day("2026-06-01")).is_allow());
        let expected = person == child || (is_parent && resp);
        prop_assert_eq!(authorize(&actor, Action::Read, &Resource::Case(facts), day("2026-06-01")).is_allow(), expected);
    }
}
