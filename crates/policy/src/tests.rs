use super::*;
use chrono::NaiveDate;
use los_domain::consent::{Consent, ConsentDomain, ConsentForm, LegalBasis};
use los_domain::model::{Guardianship, Membership, OwnerType};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn employee(id: &str, memberships: &[(Option<&str>, Role)]) -> User {
    User {
        id: id.into(),
        display_name: id.into(),
        kind: UserKind::Employee,
        person_id: None,
        memberships: memberships
            .iter()
            .map(|(s, role)| Membership { organisation_id: "org".into(), service_id: s.map(Into::into), role: *role })
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

fn part(service: &str, left: Option<&str>) -> Participation {
    Participation {
        service_id: service.into(),
        service_name: service.into(),
        owner_type: OwnerType::Municipal,
        joined_on: day("2026-01-01"),
        join_reason: "test".into(),
        left_on: left.map(day),
        leave_reason: left.map(|_| "test".into()),
    }
}

fn consent(
    id: &str,
    from: &str,
    to: &str,
    cat: InfoCategory,
    valid_to: &str,
    withdrawn: Option<DateTime<Utc>>,
) -> Consent {
    Consent {
        id: id.into(),
        case_id: "c".into(),
        subject_person_id: "child".into(),
        domain: ConsentDomain::General,
        givers: vec![],
        from_services: vec![from.into()],
        to_services: vec![to.into()],
        categories: vec![cat],
        purpose: "p".into(),
        consequences: "c".into(),
        form: ConsentForm::Written,
        recorded_by: "u".into(),
        recorded_at: now(),
        valid_from: day("2026-01-01"),
        valid_to: day(valid_to),
        withdrawn_at: withdrawn,
        withdrawn_by: None,
        withdrawal_reason: None,
        renews: None,
        confirmed_from: vec![from.into()],
    }
}

fn facts<'a>(
    parts: &'a [Participation],
    g: &'a [Guardianship],
    consents: &'a [Consent],
    bases: &'a [LegalBasis],
    grants: &'a [BreakGlassGrant],
) -> CaseFacts<'a> {
    CaseFacts {
        case_id: "c",
        child_person_id: "child",
        child_age: 10,
        participants: parts,
        guardianships: g,
        consents,
        legal_bases: bases,
        grants,
        health_private_from_parents: false,
        dispute_decider: None,
        closing_since: None,
        coordinating_unit: None,
    }
}

#[test]
fn participant_reads_with_basis() {
    let parts = [part("bv", None)];
    let f = facts(&parts, &[], &[], &[], &[]);
    match authorize(&employee("u", &[(Some("bv"), Role::CaseWorker)]), Action::Read, &Resource::Case(f), now()) {
        Decision::Allow(b) => assert_eq!((b.code, b.via_service.as_deref()), ("participant", Some("bv"))),
        Decision::Deny(r) => panic!("denied: {r:?}"),
    }
}

#[test]
fn consent_opens_other_services_records_and_withdrawal_closes_them() {
    let parts = [part("school", None), part("bv", None)];
    let teacher = employee("t", &[(Some("school"), Role::CaseWorker)]);
    let res = |c: &[Consent]| {
        authorize(
            &teacher,
            Action::Read,
            &Resource::CaseInfo {
                case: facts(&parts, &[], c, &[], &[]),
                owner_service: "bv",
                category: InfoCategory::ChildWelfare,
            },
            now(),
        )
    };
    assert!(matches!(res(&[]), Decision::Deny(DenyReason { code: "no_consent_or_basis", .. })));
    let ok = [consent("k1", "bv", "school", InfoCategory::ChildWelfare, "2026-12-31", None)];
    assert!(matches!(res(&ok), Decision::Allow(Basis { code: "consent", .. })));
    let withdrawn = [consent("k1", "bv", "school", InfoCategory::ChildWelfare, "2026-12-31", Some(now()))];
    assert!(!res(&withdrawn).is_allow());
    let expired = [consent("k1", "bv", "school", InfoCategory::ChildWelfare, "2026-05-31", None)];
    assert!(!res(&expired).is_allow());
    // Never write another service's records, consent or not.
    let w = authorize(
        &teacher,
        Action::Write,
        &Resource::CaseInfo {
            case: facts(&parts, &[], &ok, &[], &[]),
            owner_service: "bv",
            category: InfoCategory::ChildWelfare,
        },
        now(),
    );
    assert!(matches!(w, Decision::Deny(DenyReason { code: "not_owning_service", .. })));
}

#[test]
fn legal_basis_for_fact_of_decision_only() {
    let parts = [part("school", None), part("nav", None)];
    let basis = [LegalBasis {
        id: "lb1".into(),
        case_id: "c".into(),
        from_service: "nav".into(),
        to_service: "school".into(),
        category: InfoCategory::DecisionFact,
        reference: "fvl § 13 b første ledd nr. 5 (ii)".into(),
        justification: "the school needs to know a decision on follow-up was made".into(),
        recorded_by: "nav-user".into(),
        recorded_at: now(),
        valid_to: None,
    }];
    let teacher = employee("t", &[(Some("school"), Role::CaseWorker)]);
    let f = facts(&parts, &[], &[], &basis, &[]);
    let fact = authorize(
        &teacher,
        Action::Read,
        &Resource::CaseInfo { case: f, owner_service: "nav", category: InfoCategory::DecisionFact },
        now(),
    );
    match fact {
        Decision::Allow(b) => assert!(b.detail.contains("fvl § 13 b")),
        Decision::Deny(d) => panic!("{d:?}"),
    }
    let details = authorize(
        &teacher,
        Action::Read,
        &Resource::CaseInfo { case: f, owner_service: "nav", category: InfoCategory::Social },
        now(),
    );
    assert!(!details.is_allow(), "the basis covers the fact of the decision, not its reasons");
}

#[test]
fn break_glass_is_time_limited() {
    let parts = [part("bv", None)];
    let outsider = employee("o", &[(Some("school"), Role::CaseWorker)]);
    let grant = [BreakGlassGrant {
        id: "g".into(),
        case_id: "c".into(),
        user_id: "o".into(),
        reason: "acute".into(),
        granted_at: now() - chrono::Duration::hours(1),
        expires_at: now() + chrono::Duration::hours(1),
    }];
    let f = facts(&parts, &[], &[], &[], &grant);
    assert!(matches!(
        authorize(&outsider, Action::Read, &Resource::Case(f), now()),
        Decision::Allow(Basis { code: "break_glass", .. })
    ));
    assert!(!authorize(&outsider, Action::Read, &Resource::Case(f), now() + chrono::Duration::hours(2)).is_allow());
    assert!(!authorize(&outsider, Action::Write, &Resource::Case(f), now()).is_allow());
    let admin = employee("a", &[(None, Role::Administrator)]);
    assert!(!authorize(&admin, Action::BreakGlass, &Resource::Case(f), now()).is_allow());
}

#[test]
fn parents_and_young_peoples_health_information() {
    let g = [Guardianship::parent("mum", "child", true), Guardianship::parent("dad", "child", false)];
    let mut f = facts(&[], &g, &[], &[], &[]);
    let mum = citizen("m", "mum");
    let health = |f: CaseFacts<'_>| {
        authorize(
            &mum,
            Action::Read,
            &Resource::CaseInfo { case: f, owner_service: "hs", category: InfoCategory::Health },
            now(),
        )
    };
    assert!(health(f).is_allow());
    f.child_age = 13;
    f.health_private_from_parents = true;
    assert!(matches!(health(f), Decision::Deny(DenyReason { code: "health_private_12", .. })));
    f.health_private_from_parents = false;
    f.child_age = 16;
    assert!(matches!(health(f), Decision::Deny(DenyReason { code: "health_private_16", .. })));
    assert!(!authorize(&citizen("d", "dad"), Action::Read, &Resource::Case(f), now()).is_allow());
}

#[test]
fn a_consent_is_withdrawn_by_whoever_is_entitled_and_recorded_by_the_services() {
    let g = [Guardianship::parent("mum", "child", true)];
    let parts = [part("bv", None)];
    let f = facts(&parts, &g, &[], &[], &[]);
    let withdraw = |u: &User, entitled: bool| {
        authorize(u, Action::Write, &Resource::ConsentWithdrawal { case: f, entitled }, now())
    };
    assert!(withdraw(&citizen("m", "mum"), true).is_allow());
    assert!(matches!(
        withdraw(&citizen("m", "mum"), false),
        Decision::Deny(DenyReason { code: "not_consent_giver", .. })
    ));
    // Someone outside the family is not entitled whatever the store says.
    assert!(matches!(withdraw(&citizen("x", "stranger"), true), Decision::Deny(DenyReason { code: "not_family", .. })));
    let bv = employee("b", &[(Some("bv"), Role::CaseWorker)]);
    assert!(withdraw(&bv, false).is_allow());
    assert!(!withdraw(&employee("o", &[(Some("other"), Role::CaseWorker)]), false).is_allow());
}

#[test]
fn a_leader_reviews_their_own_organisations_emergency_access_only() {
    let mut leader = employee("l", &[(None, Role::Leader)]);
    leader.memberships[0].organisation_id = "mellomvik".into();
    let review = |orgs: &[String]| {
        authorize(&leader, Action::Read, &Resource::AccessReview { employee_organisations: orgs }, now())
    };
    assert!(review(&["mellomvik".to_owned()]).is_allow());
    assert!(matches!(review(&["storvik".to_owned()]), Decision::Deny(DenyReason { code: "not_reviewing_leader", .. })));
    assert_eq!(leader_organisations(&leader), vec!["mellomvik"]);
    // A case worker is no reviewing leader, even in their own organisation.
    let worker = employee("w", &[(Some("bv"), Role::CaseWorker)]);
    let orgs = ["org".to_owned()];
    assert!(
        !authorize(&worker, Action::Read, &Resource::AccessReview { employee_organisations: &orgs }, now()).is_allow()
    );
}

#[test]
fn the_young_persons_own_records_follow_age_and_the_services_choice() {
    let mut f = facts(&[], &[], &[], &[], &[]);
    let child = citizen("c", "child");
    let read = |f: CaseFacts<'_>, category, open_to_child| {
        authorize(
            &child,
            Action::Read,
            &Resource::CaseRecord { case: f, owner_service: "s", category, open_to_child },
            now(),
        )
    };
    f.child_age = 12;
    assert!(read(f, InfoCategory::Overview, false).is_allow());
    for c in [InfoCategory::Health, InfoCategory::ChildWelfare, InfoCategory::Education, InfoCategory::General] {
        assert!(matches!(read(f, c, false), Decision::Deny(DenyReason { code: "not_opened_to_child", .. })), "{c}");
        assert!(read(f, c, true).is_allow(), "{c}");
    }
    f.child_age = 15;
    assert!(read(f, InfoCategory::ChildWelfare, false).is_allow());
    assert!(!read(f, InfoCategory::Health, false).is_allow());
    f.child_age = 16;
    assert!(read(f, InfoCategory::Health, false).is_allow());
    assert!(!read(f, InfoCategory::Education, false).is_allow());
    f.child_age = 18;
    assert!(read(f, InfoCategory::Education, false).is_allow());
    assert!(
        !authorize(
            &child,
            Action::Write,
            &Resource::CaseRecord { case: f, owner_service: "s", category: InfoCategory::General, open_to_child: true },
            now()
        )
        .is_allow()
    );
}

#[test]
fn protected_address_only_to_must_know_services() {
    let parts = [part("bv", None), part("school", None)];
    let f = facts(&parts, &[], &[], &[], &[]);
    let must = ["bv".to_owned()];
    let addr = |u: &User| {
        let household = ["mum".to_owned()];
        let r = Resource::ProtectedAddress { case: f, person_id: "child", must_know: &must, household: &household };
        authorize(u, Action::Read, &r, now())
    };
    assert!(addr(&employee("b", &[(Some("bv"), Role::CaseWorker)])).is_allow());
    assert!(!addr(&employee("s", &[(Some("school"), Role::CaseWorker)])).is_allow());
    assert!(addr(&citizen("c", "child")).is_allow());
    assert!(addr(&citizen("m", "mum")).is_allow());
    assert!(!addr(&citizen("d", "dad")).is_allow());
}

#[test]
fn a_protected_address_hides_where_the_child_is_from_a_parent_who_does_not_live_there() {
    let parts = [part("bv", None), part("school", None)];
    let g = [parent_of_child("mum"), parent_of_child("dad")];
    let f = facts(&parts, &g, &[], &[], &[]);
    let household = ["mum".to_owned()];
    let sees = |u: &User, protected: bool| {
        authorize(u, Action::Read, &Resource::CaseLocation { case: f, protected, household: &household }, now())
            .is_allow()
    };
    // The father with parental responsibility reads the case, but not where the child is.
    assert!(authorize(&citizen("d", "dad"), Action::Read, &Resource::Case(f), now()).is_allow());
    assert!(!sees(&citizen("d", "dad"), true));
    assert!(sees(&citizen("d", "dad"), false));
    assert!(sees(&citizen("m", "mum"), true));
    assert!(sees(&citizen("c", "child"), true));
    // Every service taking part sees it (and is told why it is protected); one that does not, does not.
    assert!(sees(&employee("s", &[(Some("school"), Role::CaseWorker)]), true));
    assert!(!sees(&employee("o", &[(Some("other"), Role::CaseWorker)]), true));
    assert!(!sees(&employee("l", &[(None, Role::Leader)]), true));
}

// ---- generated worlds ----

const SERVICES: [&str; 4] = ["s0", "s1", "s2", "s3"];

#[derive(Debug, Clone)]
struct World {
    parts: Vec<Participation>,
    consents: Vec<Consent>,
    bases: Vec<LegalBasis>,
    grants: Vec<BreakGlassGrant>,
    actor: User,
    owner: usize,
    category: InfoCategory,
    /// The day the case stopped being open, when it is closing or closed.
    closing_since: Option<NaiveDate>,
}

fn arb_category() -> impl Strategy<Value = InfoCategory> {
    prop::sample::select(InfoCategory::ALL.to_vec())
}

fn arb_world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec((0usize..4, any::<bool>()), 0..4),
        prop::collection::vec((0usize..4, 0usize..4, arb_category(), -60i64..60, any::<bool>()), 0..4),
        prop::collection::vec((0usize..4, 0usize..4, arb_category()), 0..2),
        prop::collection::vec((0usize..4, prop::sample::select(Role::ALL.to_vec())), 0..3),
        prop::option::of(-3i64..3),
        0usize..4,
        arb_category(),
        prop::option::of(prop::sample::select(vec![day("2026-02-15"), day("2026-03-01"), day("2026-04-01")])),
    )
        .prop_map(|(parts, consents, bases, members, grant, owner, category, closing_since)| World {
            closing_since,
            parts: parts.iter().map(|(s, left)| part(SERVICES[*s], left.then_some("2026-03-01"))).collect(),
            consents: consents
                .iter()
                .enumerate()
                .map(|(i, (f, t, c, days, withdrawn))| {
                    let valid_to = (now() + chrono::Duration::days(*days)).date_naive().to_string();
                    consent(
                        &format!("k{i}"),
                        SERVICES[*f],
                        SERVICES[*t],
                        *c,
                        &valid_to,
                        withdrawn.then(|| now() - chrono::Duration::minutes(1)),
                    )
                })
                .collect(),
            bases: bases
                .iter()
                .enumerate()
                .map(|(i, (f, t, c))| LegalBasis {
                    id: format!("b{i}"),
                    case_id: "c".into(),
                    from_service: SERVICES[*f].into(),
                    to_service: SERVICES[*t].into(),
                    category: *c,
                    reference: "law".into(),
                    justification: "j".into(),
                    recorded_by: "u".into(),
                    recorded_at: now(),
                    valid_to: None,
                })
                .collect(),
            grants: grant
                .into_iter()
                .map(|h| BreakGlassGrant {
                    id: "g".into(),
                    case_id: "c".into(),
                    user_id: "actor".into(),
                    reason: "r".into(),
                    granted_at: now() - chrono::Duration::hours(4),
                    expires_at: now() + chrono::Duration::hours(h),
                })
                .collect(),
            actor: employee("actor", &members.iter().map(|(s, r)| (Some(SERVICES[*s]), *r)).collect::<Vec<_>>()),
            owner,
            category,
        })
}

fn world_facts(w: &World) -> CaseFacts<'_> {
    CaseFacts { closing_since: w.closing_since, ..facts(&w.parts, &[], &w.consents, &w.bases, &w.grants) }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// No access without a basis: every allowed read of another service's information by an employee is
    /// backed by participation plus a consent or legal basis covering it, by ownership, or by a live grant.
    #[test]
    fn no_access_without_a_basis(w in arb_world()) {
        let f = world_facts(&w);
        let owner = SERVICES[w.owner];
        let d = authorize(&w.actor, Action::Read, &Resource::CaseInfo { case: f, owner_service: owner, category: w.category }, now());
        let working: Vec<&str> = w.actor.memberships.iter().filter(|m| !matches!(m.role, Role::Administrator | Role::Leader)).filter_map(|m| m.service_id.as_deref()).collect();
        let today = now().date_naive();
        let participating: Vec<&str> = working.iter().copied().filter(|s| w.parts.iter().any(|p| p.service_id == *s && p.active_on(today))).collect();
        let grant = w.grants.iter().any(|g| now() < g.expires_at);
        let former = w.closing_since.is_some_and(|since| {
            working.iter().any(|s| w.parts.iter().any(|p| p.service_id == *s && p.left_on.is_none_or(|l| l >= since)))
        });
        let expected = if w.category == InfoCategory::Overview {
            !participating.is_empty() || former || (grant && !working.is_empty())
        } else {
            working.contains(&owner)
                || participating.first().is_some_and(|s| {
                    w.consents.iter().any(|c| c.covers(owner, s, w.category, now()))
                        || w.bases.iter().any(|b| b.covers(owner, s, w.category, now()))
                })
                || (participating.is_empty() && grant && !working.is_empty())
        };
        prop_assert_eq!(d.is_allow(), expected, "{:?}", d);
        if let Decision::Allow(b) = d {
            prop_assert!(!b.detail.is_empty());
        }
    }

    /// The page's capabilities are the policy's decisions: a form is offered exactly when `authorize` would
    /// allow the write, and the services the actor acts for are exactly those whose records they may write.
    #[test]
    fn capabilities_agree_with_authorize(w in arb_world()) {
        let f = world_facts(&w);
        let may = capabilities(&w.actor, &f, now());
        prop_assert_eq!(may.write, authorize(&w.actor, Action::Write, &Resource::Case(f), now()).is_allow());
        prop_assert_eq!(may.decide_dispute, authorize(&w.actor, Action::Decide, &Resource::Case(f), now()).is_allow());
        prop_assert_eq!(may.reopen, authorize(&w.actor, Action::Write, &Resource::CaseReopening { case: f }, now()).is_allow());
        let today = now().date_naive();
        for p in w.parts.iter().filter(|p| p.active_on(today)) {
            let info = Resource::CaseInfo { case: f, owner_service: &p.service_id, category: InfoCategory::General };
            prop_assert_eq!(may.acts_for(&p.service_id), authorize(&w.actor, Action::Write, &info, now()).is_allow());
        }
        if !may.services.is_empty() {
            prop_assert!(may.write, "acting for a service in the case means writing to its overview");
        }
    }

    /// After a case stops being open, the services that took part from then on read its overview and
    /// nothing more: no write, and other services' records only as before. Only a service taking part, or
    /// one that took part then, reopens it.
    #[test]
    fn former_participants_read_only(w in arb_world()) {
        let f = world_facts(&w);
        let today = now().date_naive();
        let taking_part = w.actor.memberships.iter().filter(|m| !matches!(m.role, Role::Administrator | Role::Leader))
            .filter_map(|m| m.service_id.as_deref())
            .any(|s| w.parts.iter().any(|p| p.service_id == s && p.active_on(today)));
        let read = authorize(&w.actor, Action::Read, &Resource::Case(f), now());
        let write = authorize(&w.actor, Action::Write, &Resource::Case(f), now());
        prop_assert_eq!(write.is_allow(), taking_part);
        if let Decision::Allow(b) = &read && b.code == "former_participant" {
            prop_assert!(!taking_part && w.closing_since.is_some());
        }
        let reopen = authorize(&w.actor, Action::Write, &Resource::CaseReopening { case: f }, now());
        let former = matches!(&read, Decision::Allow(b) if b.code == "former_participant");
        prop_assert_eq!(reopen.is_allow(), taking_part || former);
    }

    /// Withdrawing every consent revokes consent-based access at once.
    #[test]
    fn withdrawal_revokes_at_once(mut w in arb_world()) {
        w.bases.clear();
        w.grants.clear();
        for c in &mut w.consents { c.withdrawn_at = Some(now()); }
        let f = world_facts(&w);
        let d = authorize(&w.actor, Action::Read, &Resource::CaseInfo { case: f, owner_service: SERVICES[w.owner], category: w.category }, now());
        if let Decision::Allow(b) = d {
            prop_assert!(b.code != "consent", "withdrawn consent still grants: {:?}", b);
        }
    }

    /// Expired consent grants nothing.
    #[test]
    fn expired_consent_grants_nothing(mut w in arb_world()) {
        for c in &mut w.consents { c.valid_to = now().date_naive() - chrono::Duration::days(1); }
        let f = world_facts(&w);
        let d = authorize(&w.actor, Action::Read, &Resource::CaseInfo { case: f, owner_service: SERVICES[w.owner], category: w.category }, now());
        if let Decision::Allow(b) = d {
            prop_assert!(b.code != "consent");
        }
    }

    /// Administrators and leaders never read personal data.
    #[test]
    fn administrators_and_leaders_never_read_personal_data(w in arb_world(), role in prop::sample::select(vec![Role::Administrator, Role::Leader]), s in 0usize..4) {
        let actor = employee("actor", &[(Some(SERVICES[s]), role), (None, role)]);
        let f = world_facts(&w);
        let must = vec![SERVICES[s].to_owned()];
        let resources = [
            Resource::Case(f),
            Resource::CaseInfo { case: f, owner_service: SERVICES[w.owner], category: w.category },
            Resource::ProtectedAddress { case: f, person_id: "child", must_know: &must, household: &[] },
            Resource::CaseLocation { case: f, protected: true, household: &[] },
        ];
        for r in resources {
            prop_assert!(!authorize(&actor, Action::Read, &r, now()).is_allow());
            prop_assert!(!authorize(&actor, Action::BreakGlass, &r, now()).is_allow());
        }
    }

    /// Citizens never write, and read only their own or their children's cases (with responsibility).
    #[test]
    fn citizens_read_only_own_family(person in 0u8..4, child in 0u8..4, resp in any::<bool>(), is_parent in any::<bool>(), cat in arb_category()) {
        let g: Vec<Guardianship> = if is_parent { vec![Guardianship::parent(&format!("p{person}"), &format!("p{child}"), resp)] } else { vec![] };
        let child_id = format!("p{child}");
        let mut f = facts(&[], &g, &[], &[], &[]);
        f.child_person_id = &child_id;
        let actor = citizen("u", &format!("p{person}"));
        prop_assert!(!authorize(&actor, Action::Write, &Resource::Case(f), now()).is_allow());
        let info = Resource::CaseInfo { case: f, owner_service: "s0", category: cat };
        prop_assert!(!authorize(&actor, Action::Write, &info, now()).is_allow());
        let expected = person == child || (is_parent && resp);
        prop_assert_eq!(authorize(&actor, Action::Read, &Resource::Case(f), now()).is_allow(), expected);
    }
}

#[test]
fn foster_parents_and_invited_relatives() {
    let mut foster = Guardianship::parent("foster", "child", false);
    foster.relation = los_domain::model::Relation::FosterParent;
    let mut gran = Guardianship::parent("gran", "child", false);
    gran.relation = los_domain::model::Relation::InvitedRelative;
    let mut dad = Guardianship::parent("dad", "child", false);
    let g = [foster.clone(), gran.clone(), dad.clone()];
    let f = facts(&[], &g, &[], &[], &[]);
    let read = |who: &str, f: CaseFacts<'_>| authorize(&citizen(who, who), Action::Read, &Resource::Case(f), now());
    // Without access given, none of them sees anything.
    for who in ["foster", "gran", "dad"] {
        assert!(!read(who, f).is_allow(), "{who}");
    }
    foster.access_granted = true;
    gran.access_granted = true;
    dad.access_granted = true;
    let g = [foster, gran, dad];
    let f = facts(&[], &g, &[], &[], &[]);
    assert!(matches!(read("foster", f), Decision::Allow(Basis { code: "foster_parent", .. })));
    assert!(matches!(read("gran", f), Decision::Allow(Basis { code: "invited_by_family", .. })));
    assert!(matches!(read("dad", f), Decision::Allow(Basis { code: "invited_by_family", .. })));
    let notes = Resource::CaseInfo { case: f, owner_service: "s", category: InfoCategory::General };
    assert!(!authorize(&citizen("gran", "gran"), Action::Read, &notes, now()).is_allow(), "overview only");
    assert!(authorize(&citizen("foster", "foster"), Action::Read, &notes, now()).is_allow());
}

#[test]
fn the_decision_maker_reads_and_decides_only_while_a_dispute_is_open() {
    let parts = [part("school", None)];
    let ke = employee("ke", &[(Some("ke-unit"), Role::CoordinatingUnitHandler)]);
    let mut f = facts(&parts, &[], &[], &[], &[]);
    assert!(!authorize(&ke, Action::Decide, &Resource::Case(f), now()).is_allow());
    assert!(!authorize(&ke, Action::Read, &Resource::Case(f), now()).is_allow());
    // The same role in another municipality's organisation opens nothing.
    f.dispute_decider = Some(Decider { role: Role::CoordinatingUnitHandler, organisation_id: "other-municipality" });
    assert!(!authorize(&ke, Action::Decide, &Resource::Case(f), now()).is_allow());
    assert!(!authorize(&ke, Action::Read, &Resource::Case(f), now()).is_allow());
    f.dispute_decider = Some(Decider { role: Role::CoordinatingUnitHandler, organisation_id: "org" });
    assert!(authorize(&ke, Action::Decide, &Resource::Case(f), now()).is_allow());
    assert!(matches!(
        authorize(&ke, Action::Read, &Resource::Case(f), now()),
        Decision::Allow(Basis { code: "dispute_decider", .. })
    ));
    // The dossier, not the services' own records.
    let info = Resource::CaseInfo { case: f, owner_service: "school", category: InfoCategory::Education };
    assert!(!authorize(&ke, Action::Read, &info, now()).is_allow());
    let teacher = employee("t", &[(Some("school"), Role::CaseWorker)]);
    assert!(!authorize(&teacher, Action::Decide, &Resource::Case(f), now()).is_allow());
}

fn parent_of_child(adult: &str) -> Guardianship {
    Guardianship {
        adult_person_id: adult.into(),
        child_person_id: "child".into(),
        relation: Relation::Parent,
        parental_responsibility: true,
        access_granted: false,
    }
}

#[test]
fn families_give_their_own_consent_digitally_only() {
    let parts = [part("bv", None)];
    let g = [parent_of_child("mum")];
    let f = facts(&parts, &g, &[], &[], &[]);
    let mum = citizen("mum-user", "mum");
    let give = |u: &User, actor_gives, digital| {
        authorize(u, Action::Write, &Resource::OwnConsent { case: f, actor_gives, digital }, now())
    };
    assert!(matches!(give(&mum, true, true), Decision::Allow(Basis { code: "own_consent", .. })));
    assert!(!give(&mum, false, true).is_allow(), "not for others");
    assert!(!give(&mum, true, false).is_allow(), "written and oral consents are recorded by the services");
    assert!(!give(&citizen("x", "stranger"), true, true).is_allow(), "only the family");
    let bv = employee("b", &[(Some("bv"), Role::CaseWorker)]);
    assert!(give(&bv, false, false).is_allow(), "a participating service records any consent");
    assert!(!give(&employee("o", &[(Some("other"), Role::CaseWorker)]), false, false).is_allow());
}

#[test]
fn feedback_is_read_by_its_author_and_recipient_only() {
    let parts = [part("bv", None), part("fvk", None), part("school", None)];
    let g = [parent_of_child("mum")];
    let f = facts(&parts, &g, &[], &[], &[]);
    let fb = |u: &User, a: Action, recipient: &str| {
        authorize(u, a, &Resource::Feedback { case: f, recipient_service: recipient, author_person_id: "mum" }, now())
    };
    let mum = citizen("mum-user", "mum");
    assert!(fb(&mum, Action::Write, "fvk").is_allow() && fb(&mum, Action::Read, "fvk").is_allow());
    assert!(!fb(&mum, Action::Decide, "fvk").is_allow(), "the recipient resolves");
    let child = citizen("kid", "child");
    assert!(!fb(&child, Action::Read, "fvk").is_allow(), "not even the child reads the mother's report");
    let fvk = employee("f", &[(Some("fvk"), Role::CaseWorker)]);
    assert!(fb(&fvk, Action::Read, "fvk").is_allow() && fb(&fvk, Action::Decide, "fvk").is_allow());
    let bv = employee("b", &[(Some("bv"), Role::CaseWorker)]);
    assert!(!fb(&bv, Action::Read, "fvk").is_allow(), "the coordinator does not read a report sent elsewhere");
    assert!(matches!(fb(&bv, Action::Write, "bv"), Decision::Deny(DenyReason { code: "feedback_from_family", .. })));
    let leader = employee("l", &[(Some("fvk"), Role::Leader)]);
    assert!(!fb(&leader, Action::Read, "fvk").is_allow(), "leaders see aggregates only");
}

#[test]
fn only_a_health_service_decides_health_privacy() {
    let parts = [part("hs", None), part("school", None)];
    let f = facts(&parts, &[], &[], &[], &[]);
    let hp = |u: &User, service: &str, health: bool| {
        authorize(
            u,
            Action::Write,
            &Resource::HealthPrivacy { case: f, service_id: service, health_service: health },
            now(),
        )
    };
    let nurse = employee("n", &[(Some("hs"), Role::CaseWorker)]);
    assert!(hp(&nurse, "hs", true).is_allow());
    let teacher = employee("t", &[(Some("school"), Role::CaseWorker)]);
    assert!(matches!(hp(&teacher, "school", false), Decision::Deny(DenyReason { code: "not_health_service", .. })));
    assert!(!hp(&teacher, "hs", true).is_allow(), "not on another service's behalf");
}

#[test]
fn municipal_configuration_by_that_municipalitys_administrators() {
    let admin = employee("a", &[(None, Role::Administrator)]);
    let cfg = |org| Resource::MunicipalConfiguration { organisation_id: org };
    assert!(authorize(&admin, Action::Write, &cfg("org"), now()).is_allow());
    assert!(!authorize(&admin, Action::Write, &cfg("another-municipality"), now()).is_allow());
    let leader = employee("l", &[(None, Role::Leader)]);
    assert!(!authorize(&leader, Action::Write, &cfg("org"), now()).is_allow());
}

#[test]
fn the_directory_is_administered_by_that_organisations_administrators_only() {
    let dir = |org| Resource::Directory { organisation_id: org };
    let admin = employee("a", &[(None, Role::Administrator)]);
    for action in [Action::Read, Action::Write] {
        match authorize(&admin, action, &dir("org"), now()) {
            Decision::Allow(b) => assert_eq!(b.code, "administrator"),
            Decision::Deny(r) => panic!("denied: {r:?}"),
        }
        assert!(!authorize(&admin, action, &dir("another-municipality"), now()).is_allow());
    }
    // Leaders, case workers (even in the organisation's services) and citizens manage nothing.
    let leader = employee("l", &[(None, Role::Leader)]);
    let worker = employee("w", &[(Some("school"), Role::CaseWorker)]);
    let c = citizen("c", "p");
    for u in [&leader, &worker, &c] {
        match authorize(u, Action::Write, &dir("org"), now()) {
            Decision::Deny(r) => assert_eq!(r.code, "not_directory_administrator"),
            Decision::Allow(b) => panic!("allowed: {b:?}"),
        }
    }
}

#[test]
fn a_closed_case_stays_readable_to_the_services_that_took_part_when_it_closed() {
    let parts = [part("bv", Some("2026-05-01")), part("school", Some("2026-02-01"))];
    let closed = CaseFacts { closing_since: Some(day("2026-04-20")), ..facts(&parts, &[], &[], &[], &[]) };
    let bv = employee("bv-worker", &[(Some("bv"), Role::CaseWorker)]);
    let school = employee("teacher", &[(Some("school"), Role::CaseWorker)]);
    match authorize(&bv, Action::Read, &Resource::Case(closed), now()) {
        Decision::Allow(b) => assert_eq!((b.code, b.via_service.as_deref()), ("former_participant", Some("bv"))),
        Decision::Deny(r) => panic!("denied: {r:?}"),
    }
    assert!(!authorize(&bv, Action::Write, &Resource::Case(closed), now()).is_allow(), "read only");
    assert!(authorize(&bv, Action::Write, &Resource::CaseReopening { case: closed }, now()).is_allow());
    // The school left while the case was still open: it reads nothing, and does not reopen it.
    assert!(!authorize(&school, Action::Read, &Resource::Case(closed), now()).is_allow());
    assert!(!authorize(&school, Action::Write, &Resource::CaseReopening { case: closed }, now()).is_allow());
    // While the case is open a service that left reads nothing (the rule before issue 11).
    let open = facts(&parts, &[], &[], &[], &[]);
    assert!(!authorize(&bv, Action::Read, &Resource::Case(open), now()).is_allow());
}

#[test]
fn whose_consent_the_cooperation_needs_ends_it_and_families_do_not_reopen() {
    let parts = [part("bv", None)];
    let g = [Guardianship::parent("mum", "child", true)];
    let f = facts(&parts, &g, &[], &[], &[]);
    let mum = citizen("mum-user", "mum");
    let end = |entitled| Resource::CooperationEnd { case: f, entitled };
    match authorize(&mum, Action::Write, &end(true), now()) {
        Decision::Allow(b) => assert_eq!(b.code, "ends_cooperation"),
        Decision::Deny(r) => panic!("denied: {r:?}"),
    }
    match authorize(&mum, Action::Write, &end(false), now()) {
        Decision::Deny(r) => assert_eq!(r.code, "may_not_end_cooperation"),
        Decision::Allow(b) => panic!("allowed: {b:?}"),
    }
    let stranger = citizen("s", "stranger");
    assert!(!authorize(&stranger, Action::Write, &end(true), now()).is_allow(), "reads the case first");
    let bv = employee("bv-worker", &[(Some("bv"), Role::CaseWorker)]);
    assert!(authorize(&bv, Action::Write, &end(false), now()).is_allow(), "the service records the family's word");
    assert!(!authorize(&mum, Action::Write, &Resource::CaseReopening { case: f }, now()).is_allow());
}

#[test]
fn a_case_is_opened_through_a_service_the_employee_works_in_and_only_so() {
    let worker = employee("w", &[(Some("school"), Role::CaseWorker)]);
    let d = authorize(&worker, Action::Write, &Resource::CaseOpening { service_id: "school" }, now());
    match d {
        Decision::Allow(b) => {
            assert_eq!(
                (b.code, b.via_service.as_deref(), b.role),
                ("service_opens_case", Some("school"), Some(Role::CaseWorker))
            )
        }
        Decision::Deny(r) => panic!("{r:?}"),
    }
    let other = authorize(&worker, Action::Write, &Resource::CaseOpening { service_id: "nav" }, now());
    assert!(matches!(other, Decision::Deny(DenyReason { code: "not_in_service", .. })));
    // Leaders and administrators hold no case work, even in the service; citizens none at all.
    for role in [Role::Leader, Role::Administrator] {
        let u = employee("l", &[(Some("school"), role)]);
        assert!(!authorize(&u, Action::Write, &Resource::CaseOpening { service_id: "school" }, now()).is_allow());
    }
    let c = citizen("c", "p");
    assert!(!authorize(&c, Action::Write, &Resource::CaseOpening { service_id: "school" }, now()).is_allow());
}

#[test]
fn a_request_to_join_is_answered_by_a_service_taking_part_never_by_the_requester() {
    let parts = [part("school", None)];
    let f = facts(&parts, &[], &[], &[], &[]);
    let in_case = employee("w", &[(Some("school"), Role::CaseWorker)]);
    let requester = employee("r", &[(Some("nav"), Role::CaseWorker)]);
    let answer = Resource::JoinRequestAnswer { case: f, requester: "nav" };
    assert!(authorize(&in_case, Action::Write, &answer, now()).is_allow());
    assert!(!authorize(&requester, Action::Write, &answer, now()).is_allow());
}
