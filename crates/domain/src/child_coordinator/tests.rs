use chrono::NaiveDate;
use proptest::prelude::*;

use super::assessment::*;
use super::caseload::*;
use super::complaint::*;
use super::decision::*;
use super::*;
use crate::model::{Guardianship, OwnerType, Relation};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn born(s: &str) -> ChildFacts {
    ChildFacts { birth_date: d(s), expected: false, adoption_allocated_on: None }
}

const REASON: &str = "Langvarig behov for tett oppfølging fra flere tjenester";

fn assessment<'a>(c2: Judgement, c3: Judgement) -> AssessmentInput<'a> {
    AssessmentInput {
        c1_met: true,
        c2,
        kinds: &[ConditionKind::Disability],
        themes: &[SeverityTheme::Function, SeverityTheme::Pain],
        c2_reasoning: REASON,
        family_experience: "Foreldrene opplever situasjonen som svært krevende",
        c3,
        long_term: REASON,
        complex: REASON,
        health_care: REASON,
        other_welfare: REASON,
        interdisciplinary: false,
        participants: "",
        harmful_behaviour: false,
        mapping: "",
    }
}

#[test]
fn a_report_before_birth_leads_through_guidance_to_a_request() {
    let report = NewReport {
        channel: Channel::StaffReport,
        kind: Some(ReportKind::ChildCoordinatorNeed),
        situation: Situation::BeforeBirth,
        description: "Alvorlig hjertefeil påvist ved ultralyd",
        by_family: false,
    };
    assert_eq!(validate_report(&report), Ok(ReportKind::ChildCoordinatorNeed));
    assert!(!ReportKind::ChildCoordinatorNeed.statutory());
    assert!(ReportKind::IndividualPlanNeed.statutory());
    assert_eq!(ReportKind::CoordinatorNeed.basis(), "helsepersonelloven § 38 a");
    let unlabelled = NewReport { kind: None, ..report };
    assert_eq!(validate_report(&unlabelled).unwrap_err().code, "child_coordinator.report_kind");
    let s = MatterState::after(None, Event::Report).unwrap();
    assert_eq!(s, MatterState::Reported);
    let s = MatterState::after(Some(s), Event::Guided { wants_assessment: false }).unwrap();
    assert_eq!(s, MatterState::Guided);
    let s = MatterState::after(Some(s), Event::Request).unwrap();
    assert_eq!(s, MatterState::Requested);
    // The family's own digital request, and staff recording an oral one; not the other way round.
    let oral = NewReport { channel: Channel::Oral, kind: None, ..report };
    assert!(validate_report(&oral).is_ok());
    assert!(validate_report(&NewReport { by_family: true, ..oral }).is_err());
    assert!(validate_report(&NewReport { channel: Channel::Digital, ..oral }).is_err());
    assert!(validate_report(&NewReport { channel: Channel::Digital, by_family: true, ..oral }).is_ok());
    assert!(validate_report(&NewReport { description: "  ", ..oral }).is_err());
}

#[test]
fn c1_follows_the_child_record_and_ends_at_18() {
    let expected = ChildFacts { birth_date: d("2027-02-01"), expected: true, adoption_allocated_on: None };
    assert!(expected.c1_met(d("2026-12-06")));
    let teen = born("2008-12-20");
    assert_eq!(teen.eighteenth_birthday(), d("2026-12-20"));
    assert!(teen.c1_met(d("2026-12-19")));
    assert!(!teen.c1_met(d("2026-12-20")));
    assert_eq!(transition_from(&teen, 12), d("2025-12-20"));
    let leap = born("2008-02-29");
    assert_eq!(leap.eighteenth_birthday(), d("2026-02-28"));
    // At 18 the appointment ends unless the municipality continues it.
    assert!(appointment_in_force(d("2020-01-01"), None, &teen, None, d("2026-12-19")));
    assert!(!appointment_in_force(d("2020-01-01"), None, &teen, None, d("2026-12-20")));
    assert!(appointment_in_force(d("2020-01-01"), None, &teen, Some(d("2027-06-01")), d("2027-01-10")));
    assert!(!appointment_in_force(d("2020-01-01"), Some(d("2026-06-01")), &teen, None, d("2026-06-01")));
}

#[test]
fn the_assessment_records_judgements_and_refuses_a_bare_no() {
    let full = assessment(Judgement::Met, Judgement::Met);
    assert_eq!(validate_assessment(&full), Ok(Conclusion { eligible: true }));
    assert_eq!(
        validate_assessment(&AssessmentInput { c3: Judgement::NotMet, ..full }),
        Ok(Conclusion { eligible: false })
    );
    assert_eq!(validate_assessment(&AssessmentInput { c1_met: false, ..full }), Ok(Conclusion { eligible: false }));
    let bare = AssessmentInput { c2_reasoning: "Nei.", ..full };
    assert_eq!(validate_assessment(&bare).unwrap_err().field, Some("c2_reasoning"));
    let bare_c3 = AssessmentInput { other_welfare: "Nei.", ..full };
    assert_eq!(validate_assessment(&bare_c3).unwrap_err().field, Some("other_welfare"));
    let unheard = AssessmentInput { family_experience: "", ..full };
    assert_eq!(validate_assessment(&unheard).unwrap_err().code, "child_coordinator.family_experience");
    assert!(validate_assessment(&AssessmentInput { themes: &[], ..full }).is_err());
    assert!(validate_assessment(&AssessmentInput { kinds: &[], ..full }).is_err());
    // No diagnosis needed, and a condition judged not met needs no kind.
    assert!(validate_assessment(&AssessmentInput { kinds: &[], c2: Judgement::NotMet, ..full }).is_ok());
    assert!(validate_assessment(&AssessmentInput { interdisciplinary: true, ..full }).is_err());
    assert!(validate_assessment(&AssessmentInput { harmful_behaviour: true, ..full }).is_err());
}

fn route() -> ComplaintRoute {
    ComplaintRoute {
        body: "Statsforvalteren i Oslo og Viken".into(),
        law: ComplaintRoute::LAW.into(),
        deadline_days: 28,
    }
}

#[test]
fn decisions_follow_the_assessment_and_carry_the_complaint_route() {
    let yes = Some(Conclusion { eligible: true });
    let no = Some(Conclusion { eligible: false });
    let grant = NewDecision { kind: DecisionKind::Grant, reasons: REASON, end_reason: None };
    let assessed = Some(MatterState::Assessed);
    assert!(validate_decision(&grant, assessed, yes, &route()).is_ok());
    assert!(validate_decision(&grant, assessed, no, &route()).is_err());
    assert!(validate_decision(&grant, Some(MatterState::Requested), yes, &route()).is_err());
    let refusal = NewDecision { kind: DecisionKind::Refusal, ..grant };
    assert!(validate_decision(&refusal, assessed, no, &route()).is_ok());
    assert!(validate_decision(&refusal, assessed, yes, &route()).is_err());
    let bare = NewDecision { reasons: "Nei.", ..refusal };
    assert_eq!(validate_decision(&bare, assessed, no, &route()).unwrap_err().field, Some("reasons"));
    let unrouted = ComplaintRoute { body: String::new(), ..route() };
    assert!(validate_decision(&refusal, assessed, no, &unrouted).is_err());
    let end = NewDecision { kind: DecisionKind::Termination, ..grant };
    assert_eq!(
        validate_decision(&end, Some(MatterState::Appointed), None, &route()).unwrap_err().code,
        "child_coordinator.end_reason"
    );
    let end = NewDecision { end_reason: Some(EndReason::FamilyWish), ..end };
    assert!(validate_decision(&end, Some(MatterState::Appointed), None, &route()).is_ok());
    assert!(validate_decision(&end, Some(MatterState::Granted), None, &route()).is_err());
    assert_eq!(complaint_deadline(d("2026-12-06"), &route()), d("2027-01-03"));
}

#[test]
fn parents_consent_also_for_a_17_year_old_whose_view_is_weighed() {
    let child = born("2009-06-01");
    let g = [
        Guardianship::parent("mor", "barn", true),
        Guardianship::parent("far", "barn", false),
        Guardianship {
            adult_person_id: "fosterfar".into(),
            child_person_id: "barn".into(),
            relation: Relation::FosterParent,
            parental_responsibility: false,
            access_granted: true,
        },
    ];
    let today = d("2026-12-06");
    let c = NewConsent {
        giver_person_id: "mor",
        form: ConsentForm::Signature,
        receiver_person_id: None,
        youth_view: Some(YouthView::Agrees),
        weighing: "",
        by_giver: false,
    };
    assert!(validate_consent(&c, "barn", &child, &g, today).is_ok());
    // The young person's own consent is not the parents' (the defect of the rights screening).
    let own = NewConsent { giver_person_id: "barn", ..c };
    assert_eq!(validate_consent(&own, "barn", &child, &g, today).unwrap_err().code, "child_coordinator.consent_giver");
    let no_responsibility = NewConsent { giver_person_id: "far", ..c };
    assert!(validate_consent(&no_responsibility, "barn", &child, &g, today).is_err());
    let silent = NewConsent { youth_view: None, ..c };
    assert_eq!(validate_consent(&silent, "barn", &child, &g, today).unwrap_err().field, Some("youth_view"));
    let objects = NewConsent { youth_view: Some(YouthView::Objects), ..c };
    assert!(validate_consent(&objects, "barn", &child, &g, today).is_err());
    let weighed = NewConsent { weighing: "Søsknenes behov og familiens samlede belastning veier tungt", ..objects };
    assert!(validate_consent(&weighed, "barn", &child, &g, today).is_ok());
    // Under 16 no view is required.
    assert!(validate_consent(&silent, "barn", &born("2015-01-01"), &g, today).is_ok());
    let foster = NewConsent { receiver_person_id: Some("fosterfar"), ..c };
    assert!(validate_consent(&foster, "barn", &child, &g, today).is_ok());
    let wrong_receiver = NewConsent { receiver_person_id: Some("far"), ..c };
    assert!(validate_consent(&wrong_receiver, "barn", &child, &g, today).is_err());
    let digital_by_staff = NewConsent { form: ConsentForm::Digital, ..c };
    assert!(validate_consent(&digital_by_staff, "barn", &child, &g, today).is_err());
    let digital = NewConsent { form: ConsentForm::Digital, by_giver: true, ..c };
    assert!(validate_consent(&digital, "barn", &child, &g, today).is_ok());
}

#[test]
fn one_municipal_coordinator_from_a_municipal_service() {
    let a = NewAppointment {
        coordinator_user_id: "hanne",
        service_owner: OwnerType::Municipal,
        works_there: true,
        family_wishes: "Ønsker helsesykepleieren de kjenner",
        wishes_met: true,
        wishes_reason: "",
        need_weight: 2,
    };
    let f = AppointmentFacts {
        state: Some(MatterState::Granted),
        consent: true,
        ordinary_coordinator: false,
        family_coordinator: None,
    };
    assert!(validate_appointment(&a, &f).is_ok());
    // A sibling's child coordinator is the family's: the same person, or none.
    assert!(validate_appointment(&a, &AppointmentFacts { family_coordinator: Some("hanne"), ..f }).is_ok());
    assert_eq!(
        validate_appointment(&a, &AppointmentFacts { family_coordinator: Some("kari"), ..f }).unwrap_err().code,
        "child_coordinator.one_family_coordinator"
    );
    let second = AppointmentFacts { ordinary_coordinator: true, ..f };
    assert_eq!(validate_appointment(&a, &second).unwrap_err().code, "child_coordinator.one_coordinator");
    assert!(validate_appointment(&a, &AppointmentFacts { consent: false, ..f }).is_err());
    assert!(validate_appointment(&a, &AppointmentFacts { state: Some(MatterState::Refused), ..f }).is_err());
    assert!(validate_appointment(&NewAppointment { service_owner: OwnerType::State, ..a }, &f).is_err());
    assert!(validate_appointment(&NewAppointment { works_there: false, ..a }, &f).is_err());
    assert!(validate_appointment(&NewAppointment { wishes_met: false, ..a }, &f).is_err());
    assert!(validate_appointment(&NewAppointment { need_weight: 4, ..a }, &f).is_err());
}

#[test]
fn the_handover_at_18_is_planned_in_time_with_a_bounded_overlap() {
    let child = born("2009-03-01");
    let h = Handover { service_owner: OwnerType::Municipal, overlap_until: d("2027-03-15") };
    assert!(validate_handover(&h, &child, 12, d("2026-12-06")).is_ok());
    assert_eq!(
        validate_handover(&h, &child, 12, d("2025-12-06")).unwrap_err().code,
        "child_coordinator.handover_early"
    );
    let long = Handover { overlap_until: d("2027-09-01"), ..h };
    assert!(validate_handover(&long, &child, 12, d("2026-12-06")).is_err());
    let state = Handover { service_owner: OwnerType::State, ..h };
    assert!(validate_handover(&state, &child, 12, d("2026-12-06")).is_err());
}

#[test]
fn a_complaint_about_a_refusal_goes_to_its_outcome() {
    assert!(validate_complaint(ComplaintKind::Refusal, Some(DecisionKind::Refusal), None, "Vi er uenige").is_ok());
    assert!(validate_complaint(ComplaintKind::Refusal, Some(DecisionKind::Grant), None, "Vi er uenige").is_err());
    assert!(validate_complaint(ComplaintKind::Refusal, Some(DecisionKind::Refusal), None, " ").is_err());
    assert!(
        validate_complaint(ComplaintKind::NonFulfilment, None, Some(MatterState::Appointed), "Ingen kontakt").is_ok()
    );
    assert!(validate_complaint(ComplaintKind::NonFulfilment, None, Some(MatterState::Refused), "x").is_err());
    let s = ComplaintState::Submitted.after(ComplaintStep::Review).unwrap();
    let s = s.after(ComplaintStep::Forward).unwrap();
    assert!(s.after(ComplaintStep::Decide(ComplaintOutcome::MunicipalityChanged)).is_err());
    let s = s.after(ComplaintStep::Decide(ComplaintOutcome::Upheld)).unwrap();
    assert_eq!(s.after(ComplaintStep::Implement).unwrap(), ComplaintState::Implemented);
    assert!(ComplaintState::Submitted.after(ComplaintStep::Decide(ComplaintOutcome::Upheld)).is_err());
    assert!(ComplaintState::Implemented.after(ComplaintStep::Implement).is_err());
    assert_eq!(effect(ComplaintKind::Refusal, ComplaintOutcome::Upheld), Some(Event::Regrant));
    assert_eq!(effect(ComplaintKind::Refusal, ComplaintOutcome::PartlyUpheld), Some(Event::Reassess));
    assert_eq!(effect(ComplaintKind::Refusal, ComplaintOutcome::Rejected), None);
    assert_eq!(MatterState::after(Some(MatterState::Refused), Event::Regrant), Ok(MatterState::Granted));
    assert!(in_time(ComplaintKind::Refusal, Some(d("2027-01-03")), d("2027-01-03")));
    assert!(!in_time(ComplaintKind::Refusal, Some(d("2027-01-03")), d("2027-01-04")));
    assert!(in_time(ComplaintKind::NonFulfilment, None, d("2030-01-01")));
}

#[test]
fn caseload_weighs_families_and_warns_over_the_threshold() {
    let a = [("kari".to_owned(), 3), ("kari".to_owned(), 2), ("ola".to_owned(), 1), ("kari".to_owned(), 1)];
    let l = loads(&a, 5);
    assert_eq!(l[0], Load { coordinator_user_id: "kari".into(), families: 3, weighted: 6, over: true });
    assert_eq!(l[1], Load { coordinator_user_id: "ola".into(), families: 1, weighted: 1, over: false });
    assert!(would_exceed(5, 1, 5));
    assert!(!would_exceed(4, 1, 5));
    let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let (days, median) = waiting_days(&[
        (t("2026-01-01T10:00:00Z"), t("2026-01-15T09:00:00Z")),
        (t("2026-02-01T10:00:00Z"), t("2026-02-04T10:00:00Z")),
        (t("2026-03-01T10:00:00Z"), t("2026-03-31T10:00:00Z")),
    ]);
    assert_eq!(days, vec![3, 13, 30]);
    assert_eq!(median, Some(13));
    assert_eq!(waiting_days(&[]).1, None);
}

fn any_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(Event::Report),
        Just(Event::Request),
        any::<bool>().prop_map(|w| Event::Guided { wants_assessment: w }),
        Just(Event::Assessed),
        Just(Event::Granted),
        Just(Event::Refused),
        Just(Event::Appointed),
        Just(Event::Changed),
        Just(Event::Ended),
        Just(Event::Reassess),
        Just(Event::Regrant),
    ]
}

proptest! {
    /// Whatever happens, nobody is appointed without a grant first, and a grant or refusal always follows
    /// an assessment.
    #[test]
    fn the_matter_never_skips_the_assessment_or_the_grant(events in prop::collection::vec(any_event(), 0..30)) {
        let mut state: Option<MatterState> = None;
        for e in events {
            if let Ok(next) = MatterState::after(state, e) {
                if next == MatterState::Appointed && state != Some(MatterState::Appointed) {
                    prop_assert_eq!(state, Some(MatterState::Granted));
                }
                if matches!(e, Event::Granted | Event::Refused) {
                    prop_assert_eq!(state, Some(MatterState::Assessed));
                }
                state = Some(next);
            }
        }
    }

    /// An accepted assessment is eligible only when every condition is judged met, and every reasoning
    /// has words enough.
    #[test]
    fn eligibility_is_the_judgement_never_a_computation(
        c1 in any::<bool>(),
        c2 in prop::sample::select(Judgement::ALL.to_vec()),
        c3 in prop::sample::select(Judgement::ALL.to_vec()),
        words in 0usize..8,
    ) {
        let text = vec!["ord"; words].join(" ");
        let a = AssessmentInput { c1_met: c1, c2, c3, c2_reasoning: &text, long_term: &text, ..assessment(c2, c3) };
        match validate_assessment(&a) {
            Ok(c) => {
                prop_assert!(words >= MIN_REASONING_WORDS);
                prop_assert_eq!(c.eligible, c1 && c2 == Judgement::Met && c3 == Judgement::Met);
            }
            Err(_) => prop_assert!(words < MIN_REASONING_WORDS),
        }
    }
}

#[test]
fn the_next_steps_follow_the_matter() {
    let f = MatterFacts { state: Some(MatterState::Reported), ..MatterFacts::default() };
    assert_eq!(next_steps(&f), vec!["guide_family"]);
    let f = MatterFacts { state: Some(MatterState::Assessed), choice_pending: true, ..MatterFacts::default() };
    assert_eq!(next_steps(&f), vec!["record_choice", "decide"]);
    let granted = MatterFacts { state: Some(MatterState::Granted), ..MatterFacts::default() };
    assert_eq!(next_steps(&granted), vec!["consent"]);
    assert_eq!(next_steps(&MatterFacts { consents_given: 1, consents_in_force: 1, ..granted }), vec!["appoint"]);
    let appointed = MatterFacts {
        state: Some(MatterState::Appointed),
        consents_given: 1,
        consents_in_force: 1,
        appointment_in_force: true,
        ..MatterFacts::default()
    };
    assert!(next_steps(&appointed).is_empty());
    assert_eq!(next_steps(&MatterFacts { transition_due: true, ..appointed }), vec!["plan_transition"]);
    assert!(next_steps(&MatterFacts { transition_due: true, handover_planned: true, ..appointed }).is_empty());
    assert_eq!(next_steps(&MatterFacts { appointment_in_force: false, ..appointed }), vec!["review_at_18"]);
    assert_eq!(next_steps(&MatterFacts { consents_in_force: 0, ..appointed }), vec!["consent_withdrawn"]);
    assert_eq!(next_steps(&MatterFacts { open_complaints: true, ..appointed }), vec!["complaint_open"]);
}
