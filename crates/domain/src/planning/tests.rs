use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

fn at(d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
}

#[test]
fn preparation_checklist_is_short_lines() {
    assert_eq!(
        checklist(["Skolens rapport\n\n  Spør Sofia hvem hun vil snakke med  ", "Tolk bestilt"]),
        Ok(vec!["Skolens rapport".into(), "Spør Sofia hvem hun vil snakke med".into(), "Tolk bestilt".into()])
    );
    assert_eq!(checklist([" \n "]), Ok(vec![]));
    let many = "x\n".repeat(CHECKLIST_MAX_ITEMS + 1);
    assert_eq!(checklist([many.as_str()]), Err(PlanningError::Checklist));
    let long = "x".repeat(CHECKLIST_MAX_CHARS + 1);
    assert_eq!(checklist([long.as_str()]), Err(PlanningError::Checklist));
    let exact = "æ".repeat(CHECKLIST_MAX_CHARS);
    assert_eq!(checklist([exact.as_str()]).map(|v| v.len()), Ok(1), "characters, not bytes");
}

#[test]
fn follow_ups_have_an_owner_taking_part_and_a_due_day() {
    let parts = vec!["skole".to_owned(), "nav".to_owned()];
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let ok = ActionRequest { description: "Søke om tilrettelegging", owner_service: "nav", due_on: day(10) };
    assert_eq!(validate_action(&ok, at(3, 9), at(3, 10), &parts), Ok(()));
    assert_eq!(validate_action(&ok, at(3, 9), at(3, 8), &parts), Err(PlanningError::ActionBeforeMeeting));
    let blank = ActionRequest { description: "  ", ..ok };
    assert_eq!(validate_action(&blank, at(3, 9), at(3, 10), &parts), Err(PlanningError::ActionDescription));
    let outsider = ActionRequest { owner_service: "bup", ..ok };
    assert_eq!(validate_action(&outsider, at(3, 9), at(3, 10), &parts), Err(PlanningError::ActionOwner("bup".into())));
    let same_day = ActionRequest { due_on: day(3), ..ok };
    assert_eq!(validate_action(&same_day, at(3, 9), at(3, 10), &parts), Ok(()));
    let early = ActionRequest { due_on: day(2), ..ok };
    assert_eq!(validate_action(&early, at(3, 9), at(3, 10), &parts), Err(PlanningError::ActionDue));
    assert!(!action_overdue(day(10), false, day(10)), "due today is not overdue");
    assert!(action_overdue(day(10), false, day(11)));
    assert!(!action_overdue(day(10), true, day(11)), "done is never overdue");
}

#[test]
fn scenario_d_situation_checks() {
    use Situation::*;
    // The four examples where cooperation may be necessary.
    for s in [ChildWelfareHealthNeeds, HealthNeedsAtSchool, ChallengingBehaviour, ManyProvidersFamily] {
        assert_eq!(suggested_result(&[s]), Some(AssessmentResult::Necessary), "{s}");
        assert_eq!(
            validate_situations(AssessmentResult::NotNecessary, &[s], None),
            Err(PlanningError::DeviationUnexplained)
        );
        assert!(validate_situations(AssessmentResult::NotNecessary, &[s], Some("the family declines")).is_ok());
        assert!(validate_situations(AssessmentResult::Necessary, &[s], None).is_ok());
    }
    // The counter-example: not required, but allowed with consent; choosing to cooperate needs no excuse.
    assert_eq!(suggested_result(&[UniversalServicesOnly]), Some(AssessmentResult::VoluntaryWithConsent));
    assert!(validate_situations(AssessmentResult::Necessary, &[UniversalServicesOnly], None).is_ok());
    assert!(validate_situations(AssessmentResult::NotNecessary, &[UniversalServicesOnly], None).is_ok());
    // A necessary situation beside the universal services still points to cooperation.
    assert_eq!(suggested_result(&[UniversalServicesOnly, HealthNeedsAtSchool]), Some(AssessmentResult::Necessary));
    assert_eq!(suggested_result(&[]), None);
}

#[test]
fn plan_order_and_dependencies() {
    let ok = [
        PlanNode { id: "a", position: 1, depends_on: None },
        PlanNode { id: "b", position: 2, depends_on: Some("a") },
        PlanNode { id: "c", position: 3, depends_on: Some("b") },
    ];
    assert!(validate_plan(&ok).is_ok());
    let early =
        [PlanNode { id: "a", position: 2, depends_on: None }, PlanNode { id: "b", position: 1, depends_on: Some("a") }];
    assert_eq!(validate_plan(&early), Err(PlanningError::OrderAgainstDependency));
    let unknown = [PlanNode { id: "a", position: 1, depends_on: Some("x") }];
    assert_eq!(validate_plan(&unknown), Err(PlanningError::UnknownDependency("x".into())));
    let own = [PlanNode { id: "a", position: 1, depends_on: Some("a") }];
    assert_eq!(validate_plan(&own), Err(PlanningError::OrderAgainstDependency));
    assert!(may_start(Some(PlanStatus::Done)).is_ok());
    assert!(may_start(None).is_ok());
    assert_eq!(may_start(Some(PlanStatus::Planned)), Err(PlanningError::DependencyNotStarted));
    assert_eq!(PlanStatus::parse_input("begun"), Err(PlanningError::Status));
    assert_eq!(PlanningError::Status.code(), "plan.status");
}

#[test]
fn meeting_series_and_the_childs_say() {
    let s = series_starts(at(7, 9), 4, 3).unwrap();
    assert_eq!(s, vec![at(7, 9), at(7, 9) + Duration::weeks(4), at(7, 9) + Duration::weeks(8)]);
    assert_eq!(series_starts(at(7, 9), 0, 3), Err(PlanningError::SeriesInterval));
    assert_eq!(series_starts(at(7, 9), 0, 1).unwrap().len(), 1);
    assert_eq!(series_starts(at(7, 9), 2, 53), Err(PlanningError::SeriesCount));
    let parts = vec!["bv".to_string(), "nav".to_string(), "skole".to_string()];
    let f = MeetingFacts {
        participants: &parts,
        sentence: false,
        arranged_by_youth_coordinator: false,
        plan_open_to_arranger: false,
    };
    let invited = vec!["bv".to_string(), "skole".to_string()];
    let excluded = vec!["nav".to_string()];
    let m = MeetingRequest {
        kind: MeetingKind::Cooperation,
        agenda: "Flytting og ny skole",
        invited: &invited,
        excluded_by_child: &excluded,
        duration_minutes: 60,
    };
    assert!(validate_meeting(&m, &f).is_ok());
    let both = vec!["bv".to_string(), "nav".to_string()];
    assert_eq!(
        validate_meeting(&MeetingRequest { invited: &both, ..m.clone() }, &f),
        Err(PlanningError::InvitedAgainstChildsWish("nav".into()))
    );
    let outsider = vec!["bup".to_string()];
    assert_eq!(
        validate_meeting(&MeetingRequest { invited: &outsider, ..m.clone() }, &f),
        Err(PlanningError::NotParticipant("bup".into()))
    );
    assert_eq!(
        validate_meeting(&MeetingRequest { kind: MeetingKind::Restorative, ..m.clone() }, &f),
        Err(PlanningError::RestorativeByMediationService)
    );
    let uk = MeetingFacts { sentence: true, arranged_by_youth_coordinator: true, ..f.clone() };
    assert!(validate_meeting(&MeetingRequest { kind: MeetingKind::Restorative, ..m.clone() }, &uk).is_ok());
    let group = MeetingRequest { kind: MeetingKind::ResponsibilityGroup, ..m.clone() };
    assert_eq!(validate_meeting(&group, &f), Err(PlanningError::ResponsibilityGroupWithoutPlan));
    assert!(validate_meeting(&group, &MeetingFacts { plan_open_to_arranger: true, ..f.clone() }).is_ok());
    assert_eq!(validate_invitation(at(7, 9), at(7, 9), false), Err(PlanningError::InvitePast));
    assert_eq!(validate_invitation(at(7, 9), at(7, 8), true), Err(PlanningError::InviteCancelled));
    assert!(validate_invitation(at(7, 9), at(7, 8), false).is_ok());
    assert_eq!(validate_minutes(at(7, 9), at(7, 8), &invited, &invited, "x"), Err(PlanningError::MinutesBeforeMeeting));
    assert_eq!(
        validate_minutes(at(7, 9), at(7, 11), &invited, &excluded, "x"),
        Err(PlanningError::AttendedNotInvited("nav".into()))
    );
    assert!(validate_minutes(at(7, 9), at(7, 11), &invited, &invited[..1], "Avtalt ny skole").is_ok());
    assert_eq!(validate_cancel(at(7, 9), at(6, 9), false, false, " "), Err(PlanningError::CancelReason));
    assert!(validate_cancel(at(7, 9), at(6, 9), false, false, "Sykdom").is_ok());
    assert_eq!(validate_cancel(at(7, 9), at(7, 10), false, false, "Sykdom"), Err(PlanningError::CancelAfterStart));
    assert_eq!(validate_cancel(at(7, 9), at(6, 9), true, false, "Sykdom"), Err(PlanningError::CancelAfterStart));
    assert_eq!(validate_cancel(at(7, 9), at(6, 9), false, true, "Sykdom"), Err(PlanningError::AlreadyCancelled));
}

#[test]
fn each_services_newest_assessment_counts() {
    use AssessmentResult::*;
    assert!(cooperation_necessary([("bv", Necessary), ("bv", NotNecessary)]));
    assert!(!cooperation_necessary([("bv", NotNecessary), ("bv", Necessary)]));
    assert!(cooperation_necessary([("bv", NotNecessary), ("nav", Necessary)]));
    assert!(!cooperation_necessary([]));
    let now = chrono::Utc::now();
    assert!(evaluation_due(true, None, now, 90));
    assert!(!evaluation_due(true, Some(now - Duration::days(30)), now, 90));
    assert!(evaluation_due(true, Some(now - Duration::days(91)), now, 90));
    assert!(!evaluation_due(false, None, now, 90));
}

#[test]
fn coded_enums_travel_as_their_codes() {
    use crate::coordination::Transition;
    for t in Transition::ALL {
        let json = serde_json::to_string(t).unwrap();
        assert_eq!(json, format!("\"{}\"", t.as_str()));
        assert_eq!(serde_json::from_str::<Transition>(&json).unwrap(), *t);
    }
    for k in ChildParticipation::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
    assert!(serde_json::from_str::<Situation>("\"nonsense\"").is_err());
}

#[test]
fn transitions_are_foreseen_from_the_birth_date() {
    use crate::coordination::Transition;
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    // Born 2009-03-06: turns 18 on 2027-03-06.
    let t = upcoming_transitions(d("2009-03-06"), None, d("2026-12-02"), 120);
    assert_eq!(t, vec![(Transition::Turning18, d("2027-03-06"))]);
    assert!(upcoming_transitions(d("2009-03-06"), None, d("2026-12-02"), 60).is_empty());
    // Born 2020-11-01: starts school in August 2026; upper secondary in August 2036.
    let t = upcoming_transitions(d("2020-11-01"), None, d("2026-06-01"), 90);
    assert_eq!(t, vec![(Transition::KindergartenToSchool, d("2026-08-15"))]);
    let t = upcoming_transitions(d("2010-01-10"), Some(d("2026-07-01")), d("2026-06-01"), 90);
    assert_eq!(
        t,
        vec![(Transition::EndOfSentence, d("2026-07-01")), (Transition::LowerToUpperSecondary, d("2026-08-15"))]
    );
    // Born on 29 February: 18 years later is 28 February.
    let t = upcoming_transitions(d("2008-02-29"), None, d("2026-02-01"), 60);
    assert_eq!(t, vec![(Transition::Turning18, d("2026-02-28"))]);
}

#[test]
fn a_guardian_fills_the_parents_slot_under_18() {
    use crate::coordination::{CoordinationError, SentenceType, TeamRole, validate_sentence};
    let team = [TeamRole::YouthCoordinator, TeamRole::Guardian];
    assert!(validate_sentence(SentenceType::Ungdomsoppfolging, 17, &team).is_ok());
    assert!(matches!(
        validate_sentence(SentenceType::Ungdomsoppfolging, 17, &team[..1]),
        Err(CoordinationError::MandatorySlotMissing(_))
    ));
    assert!(validate_sentence(SentenceType::Ungdomsoppfolging, 18, &team[..1]).is_ok());
}

#[test]
fn decisions_and_outcomes_are_recorded_after_the_fact_and_meetings_ahead() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    assert_eq!(validate_decision_date(day(3), day(3)), Ok(()));
    assert_eq!(validate_decision_date(day(4), day(3)), Err(PlanningError::DecisionInFuture));
    assert_eq!(validate_outcome_date(day(1), day(3)), Ok(()));
    assert_eq!(validate_outcome_date(day(4), day(3)), Err(PlanningError::OutcomeInFuture));
    assert_eq!(PlanningError::DecisionInFuture.code(), "decision.future");
    assert_eq!(validate_meeting_ahead(at(2, 11), at(3, 10)), Ok(()), "up to a day back is allowed");
    assert_eq!(validate_meeting_ahead(at(2, 9), at(3, 10)), Err(PlanningError::MeetingInPast));
    assert_eq!(PlanningError::MeetingInPast.code(), "meeting.past");
    assert_eq!(validate_position(1), Ok(1));
    assert_eq!(validate_position(999), Ok(999));
    assert_eq!(validate_position(0), Err(PlanningError::Position));
    assert_eq!(validate_position(1000), Err(PlanningError::Position));
    let far = at(3, 10) + Duration::days(MAX_DAYS_AHEAD + 1);
    assert_eq!(validate_meeting_ahead(far, at(3, 10)), Err(PlanningError::MeetingTooFar));
    // The end of the calendar is a refusal, not a panic.
    let last = NaiveDate::MAX.and_hms_opt(9, 0, 0).unwrap();
    assert_eq!(series_starts(last, 2, 3), Err(PlanningError::MeetingTooFar));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A measure that is planned or stopped may always take its status; one that starts or is done may
    /// only when what it waits for is not merely planned.
    #[test]
    fn a_measure_starts_only_after_what_it_waits_for(s in 0usize..4, d in proptest::option::of(0usize..4)) {
        let status = PlanStatus::ALL[s];
        let dep = d.map(|i| PlanStatus::ALL[i]);
        let refused = status.is_under_way() && dep == Some(PlanStatus::Planned);
        prop_assert_eq!(may_take(status, dep).is_err(), refused);
        prop_assert_eq!(PlanStatus::parse(status.as_str()), Some(status));
    }

    /// Any plan the rules accept can be carried out in the order of its positions: every measure's
    /// dependency comes strictly earlier, so following the order never waits on a later item.
    #[test]
    fn accepted_plans_follow_their_order(
        items in proptest::collection::vec((0i32..20, proptest::option::of(0usize..12)), 1..12)
    ) {
        let ids: Vec<String> = (0..items.len()).map(|i| format!("m{i}")).collect();
        let nodes: Vec<PlanNode<'_>> = items.iter().enumerate().map(|(i, (pos, dep))| PlanNode {
            id: ids[i].as_str(),
            position: *pos,
            depends_on: dep.map(|d| if d < ids.len() { ids[d].as_str() } else { "elsewhere" }),
        }).collect();
        if validate_plan(&nodes).is_ok() {
            let mut order: Vec<&PlanNode<'_>> = nodes.iter().collect();
            order.sort_by_key(|n| n.position);
            let mut done = HashSet::new();
            for n in order {
                if let Some(d) = n.depends_on {
                    prop_assert!(done.contains(d), "{} waits for {} which is not earlier", n.id, d);
                }
                // Items on the same position are done together after the earlier ones.
                done.insert(n.id);
            }
        }
    }

    /// A series never has more than the maximum, and its meetings are evenly spaced and increasing.
    #[test]
    fn series_are_evenly_spaced(weeks in 0u32..40, count in 0u32..70) {
        match series_starts(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap().and_hms_opt(9, 0, 0).unwrap(), weeks, count) {
            Ok(s) => {
                prop_assert!(!s.is_empty() && s.len() as u32 <= MAX_SERIES);
                for w in s.windows(2) {
                    prop_assert_eq!(w[1] - w[0], Duration::weeks(i64::from(weeks)));
                    prop_assert!(w[1] > w[0]);
                }
            }
            Err(e) => prop_assert!(count == 0 || count > MAX_SERIES || weeks == 0 || weeks > MAX_INTERVAL_WEEKS, "{e}"),
        }
    }
}
