use super::*;
use crate::planning::PlanStatus;
use proptest::prelude::*;

fn part(id: &str, owner: OwnerType, left: bool) -> Participation {
    Participation {
        service_id: id.into(),
        service_name: id.into(),
        owner_type: owner,
        joined_on: "2026-01-01".parse().unwrap(),
        join_reason: "r".into(),
        left_on: left.then(|| "2026-02-01".parse().unwrap()),
        leave_reason: None,
    }
}

fn facts(parts: &[Participation]) -> CoordinationFacts<'_> {
    CoordinationFacts {
        participants: parts,
        today: "2026-06-01".parse().unwrap(),
        cooperation_necessary: true,
        child_coordinator_service: None,
        open_dispute: false,
    }
}

fn req<'a>(service: &'a str, basis: CoordinationBasis, agreed: &'a [String]) -> AssignmentRequest<'a> {
    AssignmentRequest {
        service_id: service,
        basis,
        agreed_by: agreed,
        child_view: "ønsker OT",
        parents_view: "ingen innvendinger",
        delegation_ref: Some("Delegasjonsreglement § 4, 2024-01-01"),
    }
}

#[test]
fn transition_example_ot_coordinates_by_agreement() {
    let parts = [
        part("ot", OwnerType::County, false),
        part("nav", OwnerType::State, false),
        part("bv", OwnerType::Municipal, true),
    ];
    let all = ["ot".to_owned(), "nav".to_owned()];
    assert_eq!(validate_assignment(&req("ot", CoordinationBasis::AgreedNonMunicipal, &all), facts(&parts)), Ok(()));
    // No municipal service takes part any more: the municipality cannot designate.
    let mut f = facts(&parts);
    f.open_dispute = true;
    assert_eq!(
        validate_assignment(&req("ot", CoordinationBasis::DesignatedByMunicipality, &[]), f),
        Err(CoordinationError::NoMunicipalService)
    );
    // Agreement must come from every service taking part.
    let some = ["ot".to_owned()];
    assert!(
        matches!(validate_assignment(&req("ot", CoordinationBasis::AgreedNonMunicipal, &some), facts(&parts)), Err(CoordinationError::AgreementMissing(m)) if m == "nav")
    );
}

#[test]
fn municipality_designates_only_municipal_services_after_a_dispute() {
    let parts = [part("school", OwnerType::Municipal, false), part("bup", OwnerType::State, false)];
    let mut f = facts(&parts);
    assert_eq!(
        validate_assignment(&req("school", CoordinationBasis::DesignatedByMunicipality, &[]), f),
        Err(CoordinationError::NoDispute)
    );
    f.open_dispute = true;
    assert_eq!(
        validate_assignment(&req("bup", CoordinationBasis::DesignatedByMunicipality, &[]), f),
        Err(CoordinationError::DesignateNonMunicipal)
    );
    assert_eq!(validate_assignment(&req("school", CoordinationBasis::DesignatedByMunicipality, &[]), f), Ok(()));
    let mut r = req("school", CoordinationBasis::DesignatedByMunicipality, &[]);
    r.delegation_ref = None;
    assert_eq!(validate_assignment(&r, f), Err(CoordinationError::DelegationMissing));
    r.delegation_ref = Some("x");
    r.child_view = " ";
    assert_eq!(validate_assignment(&r, f), Err(CoordinationError::ChildViewMissing));
}

#[test]
fn child_coordinator_always_coordinates() {
    let parts = [part("hs", OwnerType::Municipal, false), part("school", OwnerType::Municipal, false)];
    let mut f = facts(&parts);
    f.child_coordinator_service = Some("hs");
    let all = ["hs".to_owned(), "school".to_owned()];
    assert_eq!(
        validate_assignment(&req("school", CoordinationBasis::AgreedByServices, &all), f),
        Err(CoordinationError::ChildCoordinatorAppointed)
    );
    assert_eq!(validate_assignment(&req("hs", CoordinationBasis::ChildCoordinator, &[]), f), Ok(()));
    f.child_coordinator_service = None;
    assert_eq!(
        validate_assignment(&req("hs", CoordinationBasis::ChildCoordinator, &[]), f),
        Err(CoordinationError::NoChildCoordinator)
    );
}

#[test]
fn best_interests_needs_all_elements_and_a_hearing() {
    let mut b = BestInterests {
        id: "b".into(),
        case_id: "c".into(),
        elements: BEST_INTEREST_ELEMENTS.iter().map(|e| ((*e).to_owned(), "vurdert".to_owned())).collect(),
        conclusion: "samarbeid er til barnets beste".into(),
        hearing_id: None,
        not_heard_reason: None,
        finalised: true,
        assessed_by: "u".into(),
        assessed_at: Utc::now(),
    };
    assert_eq!(validate_best_interests(&b), Err(CoordinationError::NotHeard));
    b.not_heard_reason = Some("barnet er 1 år".into());
    assert_eq!(validate_best_interests(&b), Ok(()));
    b.elements.retain(|(k, _)| k != "education");
    assert_eq!(validate_best_interests(&b), Err(CoordinationError::ElementMissing("education")));
}

#[test]
fn municipalities_for_placed_children() {
    let mut m = Municipalities {
        registered: "9901".into(),
        care: None,
        placement: None,
        second_residence: None,
        local_clarification: None,
    };
    assert_eq!((m.coordinating(), m.follow_up()), ("9901", "9901"));
    m.care = Some("9902".into());
    m.placement = Some("0301".into());
    assert_eq!(m.follow_up(), "9902");
    assert!(m.needs_local_clarification());
    m.local_clarification = Some("Barnevernet i Oslo deltar i samarbeidsmøtene".into());
    assert!(!m.needs_local_clarification());
}

#[test]
fn youth_sentence_team() {
    use TeamRole::*;
    assert_eq!(validate_sentence(SentenceType::Ungdomsstraff, 14, &[]), Err(CoordinationError::TooYoungForSentence));
    assert!(validate_sentence(SentenceType::Ungdomsstraff, 17, &[YouthCoordinator, PoliceContact, Parent]).is_err());
    assert_eq!(
        validate_sentence(
            SentenceType::Ungdomsstraff,
            17,
            &[YouthCoordinator, PoliceContact, CorrectionalService, Parent]
        ),
        Ok(())
    );
    assert_eq!(validate_sentence(SentenceType::Ungdomsoppfolging, 18, &[YouthCoordinator]), Ok(()));
}

#[test]
fn correctional_service_sentences_and_release_preparation() {
    use TeamRole::*;
    // The correctional service leads a community sentence or prison; parents join under 18.
    assert_eq!(mandatory_team_roles(SentenceType::CommunitySentence, 16), vec![CorrectionalService, Parent]);
    assert_eq!(mandatory_team_roles(SentenceType::Prison, 18), vec![CorrectionalService]);
    assert_eq!(validate_sentence(SentenceType::Prison, 17, &[CorrectionalService, Guardian]), Ok(()));
    assert!(validate_sentence(SentenceType::Prison, 17, &[CorrectionalService]).is_err());
    assert_eq!(
        validate_sentence(SentenceType::CommunitySentence, 14, &[]),
        Err(CoordinationError::TooYoungForSentence)
    );
    assert!(SentenceType::Prison.lead_service_types().contains(&"ungdomsenhet"));
    assert!(SentenceType::CommunitySentence.lead_service_types().contains(&"friomsorgskontor"));
    assert_eq!(SentenceType::Prison.not_lead_error().code(), "sentence.not_youth_unit");
    assert!(!SentenceType::Prison.is_mediation_sanction());
    // The transition plan: prompted only when the end is near and core areas are missing.
    let missing = release_areas_missing(&[ReleaseArea::Housing, ReleaseArea::Finances]);
    assert_eq!(missing, vec![ReleaseArea::EducationWork, ReleaseArea::Health, ReleaseArea::FollowUpAfter]);
    let today: NaiveDate = "2026-06-01".parse().unwrap();
    let end = |d: i64| today + chrono::Duration::days(d);
    assert!(release_preparation_due(end(30), today, 60, &missing));
    assert!(!release_preparation_due(end(90), today, 60, &missing));
    assert!(!release_preparation_due(end(-1), today, 60, &missing));
    assert!(!release_preparation_due(end(30), today, 60, &release_areas_missing(&CORE_RELEASE_AREAS)));
    let plan = [
        (PlanStatus::Stopped, Some(ReleaseArea::Housing)),
        (PlanStatus::Done, Some(ReleaseArea::Health)),
        (PlanStatus::Planned, None),
    ];
    assert_eq!(
        release_areas_missing_in(plan),
        vec![ReleaseArea::Housing, ReleaseArea::EducationWork, ReleaseArea::FollowUpAfter]
    );
    assert_eq!(validate_release_area("measure", Some(ReleaseArea::Housing), true), Ok(()));
    assert!(validate_release_area("goal", Some(ReleaseArea::Housing), true).is_err());
    assert!(validate_release_area("measure", Some(ReleaseArea::Housing), false).is_err());
    assert_eq!(validate_release_area("goal", None, false), Ok(()));
}

fn hearing() -> Hearing {
    Hearing {
        id: String::new(),
        case_id: "sak-1".into(),
        held_on: "2026-03-02".parse().unwrap(),
        direct: true,
        indirect_reason: None,
        place: HearingPlace::School,
        talked_with: " Kari Lærer ".into(),
        companion: Some("  ".into()),
        adaptations: vec![" tolk ".into(), " ".into()],
        declined: false,
        views: "  Vil ha færre møter  ".into(),
        age: 0,
        maturity: " moden ".into(),
        weight: " stor ".into(),
        recorded_by: "u".into(),
    }
}

#[test]
fn a_hearing_is_trimmed_and_needs_views_reason_and_who_talked() {
    let h = validate_hearing(hearing()).unwrap();
    assert_eq!((h.views.as_str(), h.talked_with.as_str()), ("Vil ha færre møter", "Kari Lærer"));
    assert_eq!((h.maturity.as_str(), h.weight.as_str()), ("moden", "stor"));
    assert_eq!(h.companion, None, "a blank companion is no companion");
    assert_eq!(h.adaptations, vec!["tolk".to_owned()]);
    let blank = Hearing { views: " ".into(), ..hearing() };
    assert_eq!(validate_hearing(blank.clone()), Err(CoordinationError::HearingViewsMissing));
    assert!(validate_hearing(Hearing { declined: true, ..blank }).is_ok(), "declining is the child's right");
    let indirect = Hearing { direct: false, indirect_reason: Some("  ".into()), ..hearing() };
    assert_eq!(validate_hearing(indirect.clone()), Err(CoordinationError::HearingIndirectReason));
    let with_reason = Hearing { indirect_reason: Some(" via foreldre ".into()), ..indirect };
    assert_eq!(validate_hearing(with_reason).unwrap().indirect_reason.as_deref(), Some("via foreldre"));
    let nobody = Hearing { talked_with: "  ".into(), ..hearing() };
    assert_eq!(validate_hearing(nobody).map(|_| ()), Err(CoordinationError::HearingTalkedWith));
    assert_eq!(CoordinationError::HearingTalkedWith.code(), "hearing.talked_with");
}

fn arb_owner() -> impl Strategy<Value = OwnerType> {
    prop::sample::select(OwnerType::ALL.to_vec())
}

proptest! {
    /// Whatever the case looks like, an accepted assignment never puts a non-municipal service in charge
    /// by municipal designation, and never goes around an appointed child coordinator.
    #[test]
    fn accepted_assignments_obey_the_rules(
        owners in prop::collection::vec((arb_owner(), any::<bool>()), 1..5),
        target in 0usize..5,
        basis in prop::sample::select(CoordinationBasis::ALL.to_vec()),
        agreed_mask in 0u8..32,
        dispute in any::<bool>(),
        cc in prop::option::of(0usize..5),
    ) {
        let parts: Vec<Participation> = owners.iter().enumerate().map(|(i, (o, left))| part(&format!("s{i}"), *o, *left)).collect();
        let agreed: Vec<String> = (0..5).filter(|i| agreed_mask & (1 << i) != 0).map(|i| format!("s{i}")).collect();
        let cc_id = cc.map(|i| format!("s{i}"));
        let mut f = facts(&parts);
        f.open_dispute = dispute;
        f.child_coordinator_service = cc_id.as_deref();
        let t = format!("s{target}");
        let r = req(&t, basis, &agreed);
        if validate_assignment(&r, f).is_ok() {
            let p = parts.iter().find(|p| p.service_id == t).expect("target takes part");
            prop_assert!(p.left_on.is_none());
            if let Some(cc) = &cc_id { prop_assert_eq!(cc, &t); prop_assert_eq!(basis, CoordinationBasis::ChildCoordinator); }
            if basis == CoordinationBasis::DesignatedByMunicipality { prop_assert_eq!(p.owner_type, OwnerType::Municipal); prop_assert!(dispute); }
            if p.owner_type != OwnerType::Municipal && cc_id.is_none() { prop_assert_eq!(basis, CoordinationBasis::AgreedNonMunicipal); }
            if matches!(basis, CoordinationBasis::AgreedByServices | CoordinationBasis::AgreedNonMunicipal) {
                for q in parts.iter().filter(|q| q.left_on.is_none()) { prop_assert!(agreed.contains(&q.service_id)); }
            }
        }
    }
}
