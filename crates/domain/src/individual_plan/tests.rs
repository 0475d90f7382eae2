use chrono::NaiveDate;
use proptest::prelude::*;

use super::complaint::*;
use super::*;
use crate::consent::{ConsentError, GiverCapacity};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn part(id: &str) -> Participation {
    Participation {
        service_id: id.into(),
        service_name: id.into(),
        owner_type: OwnerType::Municipal,
        joined_on: day("2026-01-01"),
        join_reason: "r".into(),
        left_on: None,
        leave_reason: None,
    }
}

fn giver(capacity: GiverCapacity) -> ConsentGiver {
    ConsentGiver { person_id: Some("p".into()), capacity, age: None }
}

fn situation(bases: &[IpBasis], age: u32, care_order: bool, parents: bool) -> IpConsentSituation<'_> {
    IpConsentSituation { bases, child_age: age, care_order, measures_for_parents: parents }
}

#[test]
fn the_services_that_start_ip_work_and_one_plan_per_child() {
    let cw = role_of("barnevernstjenesten", Sector::ChildWelfare, OwnerType::Municipal);
    let hs = role_of("helsesykepleier", Sector::Health, OwnerType::Municipal);
    let nav = role_of("nav-kommune", Sector::LabourWelfare, OwnerType::Municipal);
    let bup = role_of("bup", Sector::Health, OwnerType::State);
    let school = role_of("grunnskole", Sector::Education, OwnerType::Municipal);
    assert_eq!((cw, hs, nav), (IpRole::Responsible, IpRole::Responsible, IpRole::Responsible));
    assert_eq!(bup, IpRole::Specialist);
    assert_eq!(school, IpRole::DutyToTakePart("opplæringsloven § 24-1 første ledd"));
    assert_eq!(role_of("politi", Sector::Justice, OwnerType::State), IpRole::Other);
    // Each of the three may start; a second start links to the plan that exists or is pending.
    assert_eq!(start(cw, None), Ok(StartOutcome::New));
    assert_eq!(start(hs, Some(("ip-1", IpState::Initiated))), Ok(StartOutcome::Linked("ip-1".into())));
    assert_eq!(start(nav, Some(("ip-1", IpState::Suspended))), Ok(StartOutcome::Linked("ip-1".into())));
    // After a plan has ended, a new one may be started.
    assert_eq!(start(nav, Some(("ip-1", IpState::Ended))), Ok(StartOutcome::New));
    assert_eq!(start(bup, None), Err(IpError::SpecialistNotifies));
    assert_eq!(start(school, None), Err(IpError::NotStarter));
}

#[test]
fn s16_who_consents_under_child_welfare() {
    let bvl = [IpBasis::BvlS15_9];
    let parents = [giver(GiverCapacity::Parent)];
    let child = [giver(GiverCapacity::Child)];
    let both = [giver(GiverCapacity::Child), giver(GiverCapacity::Parent)];
    let service = [ConsentGiver { person_id: None, capacity: GiverCapacity::ChildWelfareService, age: None }];
    let ok = |s: IpConsentSituation<'_>, g: &[ConsentGiver]| validate_ip_consent(&s, g, |_| true).is_ok();
    // 14 in parental care: the parents.
    assert!(ok(situation(&bvl, 14, false, false), &parents));
    assert!(!ok(situation(&bvl, 14, false, false), &child));
    // 14 in child welfare's care: child welfare.
    assert!(ok(situation(&bvl, 14, true, false), &service));
    assert!(!ok(situation(&bvl, 14, true, false), &parents));
    // 15: the child alone is required and sufficient…
    assert!(ok(situation(&bvl, 15, false, false), &child));
    assert!(!ok(situation(&bvl, 15, false, false), &parents));
    // …unless measures are directed at the parents: then both.
    assert!(!ok(situation(&bvl, 15, false, true), &child));
    assert!(ok(situation(&bvl, 15, false, true), &both));
    // Several bases: each law's rule must be met. Health at 15: the parents; child welfare at 15: the child.
    let two = [IpBasis::BvlS15_9, IpBasis::PbrlS2_5];
    assert!(!ok(situation(&two, 15, false, false), &child));
    assert!(ok(situation(&two, 15, false, false), &both));
    assert_eq!(consent_requirements(&situation(&two, 15, false, false)).len(), 2);
    // No basis, no consent.
    assert_eq!(validate_ip_consent(&situation(&[], 15, false, false), &child, |_| true), Err(IpError::NoBasis));
    assert!(!ok(situation(&bvl, 15, false, false), &[]));
    // A consent given at 15 for child welfare alone no longer meets the rules once a health basis comes in.
    assert!(consent_still_meets(&situation(&bvl, 15, false, false), &child));
    assert!(!consent_still_meets(&situation(&two, 15, false, false), &child));
}

#[test]
fn each_consent_record_names_people_who_may_consent() {
    let mother = |p: &str| p == "mor";
    let parent = |id: &str| ConsentGiver { person_id: Some(id.into()), capacity: GiverCapacity::Parent, age: None };
    assert_eq!(validate_record_givers(&[parent("mor")], "barn", mother), Ok(()));
    let refused = Err(IpError::Consent(ConsentError::ParentWithoutResponsibility));
    assert_eq!(validate_record_givers(&[parent("far")], "barn", mother), refused);
    let other_child = ConsentGiver { person_id: Some("annen".into()), capacity: GiverCapacity::Child, age: None };
    assert_eq!(validate_record_givers(&[other_child], "barn", mother), refused);
    let adult = ConsentGiver { person_id: Some("mor".into()), capacity: GiverCapacity::Adult, age: None };
    assert_eq!(validate_record_givers(&[adult], "barn", mother), refused);
    assert!(matches!(
        validate_record_givers(&[], "barn", mother),
        Err(IpError::Consent(ConsentError::WrongGivers { .. }))
    ));
    assert_eq!(validate_record_givers(&[giver(GiverCapacity::ChildWelfareService).clone()], "barn", mother), refused);
    let service = ConsentGiver { person_id: None, capacity: GiverCapacity::ChildWelfareService, age: None };
    assert_eq!(validate_record_givers(&[service], "barn", mother), Ok(()));
}

#[test]
fn s15_the_municipality_decides_and_specialist_health_takes_part() {
    let parts = [part("hs"), part("bv"), part("bup"), part("skole")];
    let today = day("2026-06-01");
    let base = ResponsibilityChange {
        how: ResponsibilityHow::MunicipalDecision,
        to_service: "bv",
        to_role: IpRole::Responsible,
        current: "hs",
        acting_service: None,
        reasoning: "Barnevernet følger opp familien tettest",
    };
    assert_eq!(validate_responsibility(&base, &parts, today), Ok(()));
    let to_bup = ResponsibilityChange { to_service: "bup", to_role: IpRole::Specialist, ..base };
    assert_eq!(validate_responsibility(&to_bup, &parts, today), Err(IpError::SpecialistHolds));
    let to_school = ResponsibilityChange { to_service: "skole", to_role: IpRole::DutyToTakePart("x"), ..base };
    assert_eq!(validate_responsibility(&to_school, &parts, today), Err(IpError::NotResponsibleKind));
    let outside = ResponsibilityChange { to_service: "nav", ..base };
    assert_eq!(validate_responsibility(&outside, &parts, today), Err(IpError::NotParticipant("nav".into())));
    let same = ResponsibilityChange { to_service: "hs", ..base };
    assert_eq!(validate_responsibility(&same, &parts, today), Err(IpError::SameHolder));
    let bare = ResponsibilityChange { reasoning: "ok", ..base };
    assert_eq!(validate_responsibility(&bare, &parts, today), Err(IpError::ReasoningMissing));
    // An agreement is recorded by one of the two services; a third service cannot.
    let agreed = ResponsibilityChange { how: ResponsibilityHow::Agreed, acting_service: Some("hs"), ..base };
    assert_eq!(validate_responsibility(&agreed, &parts, today), Ok(()));
    let third = ResponsibilityChange { acting_service: Some("skole"), ..agreed };
    assert_eq!(validate_responsibility(&third, &parts, today), Err(IpError::AgreementByParty));
    // Specialist health notifies; nobody else does under § 8.
    assert_eq!(validate_notification(IpRole::Specialist, "Behov for plan på tvers av nivå"), Ok(()));
    assert_eq!(validate_notification(IpRole::Responsible, "Behov for plan"), Err(IpError::NotSpecialist));
    assert_eq!(validate_notification(IpRole::Specialist, "Plan"), Err(IpError::NotificationText));
}

#[test]
fn complaints_follow_the_basis_and_the_age() {
    use ComplainantCapacity::*;
    let routes = complaint_routes(&[IpBasis::BvlS15_9, IpBasis::HolS7_1, IpBasis::PbrlS2_5]);
    assert_eq!(routes, vec![IpComplaintRoute::PbrlChapter7, IpComplaintRoute::BvlS12_9]);
    assert!(IpBasis::NavS15.complaint_route().is_individual_decision());
    // Child welfare: under 15 the parents, not after a care order; from 15 the child too.
    assert!(may_complain(IpComplaintRoute::BvlS12_9, Parent, 14, false).is_ok());
    assert!(may_complain(IpComplaintRoute::BvlS12_9, Parent, 14, true).is_err());
    assert!(may_complain(IpComplaintRoute::BvlS12_9, Child, 14, false).is_err());
    assert!(may_complain(IpComplaintRoute::BvlS12_9, Child, 15, false).is_ok());
    // Health: the young person from 16, the parents below.
    assert!(may_complain(IpComplaintRoute::PbrlChapter7, Child, 16, false).is_ok());
    assert!(may_complain(IpComplaintRoute::PbrlChapter7, Parent, 16, false).is_err());
    assert!(may_complain(IpComplaintRoute::PbrlChapter7, Parent, 12, false).is_ok());
    let facts = ComplaintFacts {
        route: IpComplaintRoute::IndividualDecision,
        capacity: Parent,
        child_age: 12,
        care_order: false,
        description: "Planen mangler tiltak for skolen",
        received_on: day("2026-06-01"),
    };
    // A route the plan's bases do not open is refused, naming the open ones.
    assert!(matches!(validate_complaint(&routes, &facts, day("2026-06-02")), Err(ComplaintError::RouteNotOpen(_))));
    let bvl = ComplaintFacts { route: IpComplaintRoute::BvlS12_9, ..facts };
    assert_eq!(validate_complaint(&routes, &bvl, day("2026-06-02")), Ok(()));
    assert_eq!(validate_complaint(&routes, &bvl, day("2026-05-31")), Err(ComplaintError::ReceivedInFuture));
    assert_eq!(deadline(day("2026-06-01"), IpComplaintRoute::PbrlChapter7.default_deadline_days()), day("2026-06-29"));
    // Tracked to the outcome.
    use ComplaintState::*;
    assert!(step(Received, Forwarded, None).is_ok());
    assert!(step(Forwarded, Decided, Some(ComplaintOutcome::Rejected)).is_ok());
    assert_eq!(step(Forwarded, Decided, None), Err(ComplaintError::OutcomeMissing));
    assert!(step(Decided, Forwarded, None).is_err());
    assert!(step(Withdrawn, Decided, Some(ComplaintOutcome::Upheld)).is_err());
}

#[test]
fn the_state_follows_the_consent() {
    assert_eq!(plan_state(false, false, false), IpState::Initiated);
    assert_eq!(plan_state(false, true, false), IpState::Active);
    assert_eq!(plan_state(false, false, true), IpState::Suspended);
    assert_eq!(plan_state(true, true, false), IpState::Ended);
    assert_eq!(validate_end(IpState::Active, "Familien trenger ikke planen"), Ok(()));
    assert_eq!(validate_end(IpState::Ended, "Familien trenger ikke planen"), Err(IpError::Ended));
    assert_eq!(validate_end(IpState::Active, "slutt"), Err(IpError::EndReason));
    let parts = [part("hs"), part("bv")];
    let today = day("2026-06-01");
    assert_eq!(validate_access_services(&["hs".into(), "bv".into()], &parts, today), Ok(()));
    assert_eq!(validate_access_services(&["hs".into(), "hs".into()], &parts, today), Err(IpError::AccessServices));
    assert_eq!(
        validate_access_services(&["nav".into()], &parts, today),
        Err(IpError::AccessNotParticipant("nav".into()))
    );
    assert!(IpBasis::ALL.iter().all(|b| !b.law().is_empty()));
}

proptest! {
    /// Whoever starts, and whatever exists, starting never makes a second plan beside one that is not ended.
    #[test]
    fn starting_never_makes_a_second_plan(
        kind in prop::sample::select(vec!["barnevernstjenesten", "nav-stat", "helsesykepleier", "bup", "grunnskole"]),
        state in prop::option::of(prop::sample::select(IpState::ALL.to_vec())),
    ) {
        let (sector, owner) = match kind {
            "bup" => (Sector::Health, OwnerType::State),
            "helsesykepleier" => (Sector::Health, OwnerType::Municipal),
            _ => (Sector::Other, OwnerType::Municipal),
        };
        if let Ok(StartOutcome::New) = start(role_of(kind, sector, owner), state.map(|s| ("ip", s))) {
            prop_assert!(state.is_none_or(|s| s == IpState::Ended));
        }
    }

    /// An accepted consent always meets every rule of every basis on the plan.
    #[test]
    fn an_accepted_consent_meets_every_basis(
        bases in prop::collection::vec(prop::sample::select(IpBasis::ALL.to_vec()), 1..4),
        age in 0u32..20,
        care_order: bool,
        parents: bool,
        caps in prop::collection::vec(prop::sample::select(GiverCapacity::ALL.to_vec()), 0..3),
    ) {
        let givers: Vec<ConsentGiver> = caps.iter().map(|c| giver(*c)).collect();
        let s = situation(&bases, age, care_order, parents);
        if validate_ip_consent(&s, &givers, |_| true).is_ok() {
            for r in consent_requirements(&s) {
                let has = |c| givers.iter().any(|g| g.capacity == c);
                let met = match r.requirement {
                    Requirement::Child => has(GiverCapacity::Child),
                    Requirement::Parents => has(GiverCapacity::Parent),
                    Requirement::ChildAndParents => has(GiverCapacity::Child) && has(GiverCapacity::Parent),
                    Requirement::ChildWelfareService => has(GiverCapacity::ChildWelfareService),
                    Requirement::ChildWelfareServiceAndChild =>
                        has(GiverCapacity::ChildWelfareService) && has(GiverCapacity::Child),
                };
                prop_assert!(met);
            }
        }
    }
}

mod content {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use crate::individual_plan::content::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn measure(goal: &str, service: &str) -> MeasureInput {
        MeasureInput {
            goal: goal.into(),
            title: "Leksehjelp".into(),
            responsible_service: service.into(),
            scope: "2 timer i uka".into(),
            how: "På skolen etter skoletid".into(),
            starts_on: Some(day("2026-08-15")),
            ends_on: Some(day("2026-12-01")),
            agreed_deviation: None,
        }
    }

    #[test]
    fn goals_sub_goals_and_measures_with_the_childs_own_words() {
        let sections = default_sections();
        assert_eq!(sections.len(), 9);
        assert!(sections.iter().all(|s| s.legacy));
        let services = vec!["bv".to_string(), "skole".to_string()];
        let ctx = |id: &'static str| Context {
            sections: &sections,
            services: &services,
            today: day("2026-06-01"),
            new_id: id,
        };
        let c = PlanContent::default();
        let c = apply(
            &c,
            &Change::AddEntry {
                section: "goals_resources_needs".into(),
                voice: Voice::Child,
                text: "Jeg vil ha venner på skolen".into(),
            },
            Editor::Family(Voice::Child),
            &ctx("e1"),
        )
        .unwrap();
        // The child writes in their own voice, never in the service's.
        let as_service = Change::AddEntry { section: "measures".into(), voice: Voice::Service, text: "x".into() };
        assert_eq!(apply(&c, &as_service, Editor::Family(Voice::Child), &ctx("e2")), Err(ContentError::NotYours));
        let bad_section = Change::AddEntry { section: "hemmelig".into(), voice: Voice::Service, text: "x".into() };
        assert!(matches!(
            apply(&c, &bad_section, Editor::Responsible, &ctx("e2")),
            Err(ContentError::UnknownSection(_))
        ));
        let c = apply(
            &c,
            &Change::AddGoal { parent: None, voice: Voice::Child, text: "Trives på skolen".into() },
            Editor::Responsible,
            &ctx("g1"),
        )
        .unwrap();
        let c = apply(
            &c,
            &Change::AddGoal { parent: Some("g1".into()), voice: Voice::Service, text: "Møter hver dag".into() },
            Editor::Responsible,
            &ctx("g2"),
        )
        .unwrap();
        let deep = Change::AddGoal { parent: Some("g2".into()), voice: Voice::Service, text: "x".into() };
        assert_eq!(apply(&c, &deep, Editor::Responsible, &ctx("g3")), Err(ContentError::TooDeep));
        let c = apply(&c, &Change::AddMeasure(measure("g2", "skole")), Editor::Responsible, &ctx("m1")).unwrap();
        // Every measure has a service taking part; a period ends after it starts; a deviation says why.
        let outside = Change::AddMeasure(measure("g2", "nav"));
        assert_eq!(
            apply(&c, &outside, Editor::Responsible, &ctx("m2")),
            Err(ContentError::NotParticipant("nav".into()))
        );
        let backwards = Change::AddMeasure(MeasureInput { ends_on: Some(day("2026-01-01")), ..measure("g2", "skole") });
        assert_eq!(apply(&c, &backwards, Editor::Responsible, &ctx("m2")), Err(ContentError::Period));
        let unexplained =
            Change::AddMeasure(MeasureInput { agreed_deviation: Some(" ".into()), ..measure("g2", "skole") });
        assert_eq!(apply(&c, &unexplained, Editor::Responsible, &ctx("m2")), Err(ContentError::DeviationReason));
        let deviation = Change::AddMeasure(MeasureInput {
            agreed_deviation: Some("Barnevernet betaler, etter avtale".into()),
            ..measure("g1", "bv")
        });
        let c = apply(&c, &deviation, Editor::Responsible, &ctx("m2")).unwrap();
        // The school updates its own measure, not child welfare's; a goal in use is not removed.
        let own = Change::SetStatus { id: "m1".into(), status: MeasureStatus::Started };
        let c2 = apply(&c, &own, Editor::Participant("skole"), &ctx("-")).unwrap();
        let other = Change::SetStatus { id: "m2".into(), status: MeasureStatus::Done };
        assert_eq!(apply(&c2, &other, Editor::Participant("skole"), &ctx("-")), Err(ContentError::NotYours));
        assert_eq!(
            apply(&c2, &Change::RemoveGoal { id: "g1".into() }, Editor::Responsible, &ctx("-")),
            Err(ContentError::GoalInUse)
        );
        // Overdue: past its end and neither done nor stopped.
        assert_eq!(overdue(&c2, day("2026-12-02")).len(), 2);
        let done = apply(
            &c2,
            &Change::SetStatus { id: "m1".into(), status: MeasureStatus::Done },
            Editor::Responsible,
            &ctx("-"),
        )
        .unwrap();
        assert_eq!(overdue(&done, day("2026-12-02")).iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), vec!["m2"]);
        // Any two versions compare item by item.
        let d = diff(&c, &done);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].kind, d[0].item, d[0].id.as_str()), ("changed", "measure", "m1"));
        let d = diff(&PlanContent::default(), &done);
        assert_eq!(d.iter().filter(|x| x.kind == "added").count(), 5);
        assert!(diff(&done, &done).is_empty());
        let past = Change::SetEvaluation { on: Some(day("2026-05-01")) };
        assert_eq!(apply(&done, &past, Editor::Responsible, &ctx("-")), Err(ContentError::EvaluationPast));
    }

    proptest! {
        /// Whatever sequence of changes is tried, an accepted version never has a measure without a goal in
        /// the plan, a sub-goal of a sub-goal, or a measure whose service is not taking part.
        #[test]
        fn accepted_versions_keep_the_plan_whole(ops in prop::collection::vec((0u8..6, 0usize..4, 0usize..3), 0..40)) {
            let sections = default_sections();
            let services = vec!["bv".to_string(), "skole".to_string()];
            let mut c = PlanContent::default();
            for (n, (op, pick, svc)) in ops.into_iter().enumerate() {
                let id = format!("x{n}");
                let ctx = Context { sections: &sections, services: &services, today: day("2026-06-01"), new_id: &id };
                let goal = c.goals.get(pick).map(|g| g.id.clone()).unwrap_or_else(|| "nope".into());
                let service = ["bv", "skole", "nav"][svc].to_string();
                let change = match op {
                    0 => Change::AddGoal { parent: None, voice: Voice::Child, text: "Mål".into() },
                    1 => Change::AddGoal { parent: Some(goal), voice: Voice::Service, text: "Delmål".into() },
                    2 => Change::AddMeasure(MeasureInput { responsible_service: service, ..measure(&goal, "bv") }),
                    3 => Change::RemoveGoal { id: goal },
                    4 => Change::SetStatus { id: c.measures.get(pick).map(|m| m.id.clone()).unwrap_or_default(), status: MeasureStatus::Done },
                    _ => Change::AddEntry { section: "contributions".into(), voice: Voice::Family, text: "Vi kjører".into() },
                };
                if let Ok(next) = apply(&c, &change, Editor::Responsible, &ctx) {
                    c = next;
                }
                for m in &c.measures {
                    prop_assert!(c.goals.iter().any(|g| g.id == m.goal));
                    prop_assert!(services.contains(&m.responsible_service));
                }
                for g in &c.goals {
                    if let Some(p) = &g.parent {
                        let parent = c.goals.iter().find(|x| &x.id == p);
                        prop_assert!(parent.is_some_and(|x| x.parent.is_none()));
                    }
                }
            }
        }
    }
}
