use super::*;
use proptest::prelude::*;

fn sit<'a>(state: CaseState, proposed_by: Option<&'a str>, active: &'a [&'a str]) -> Situation<'a> {
    Situation {
        state,
        proposed_by,
        proposed_reason: proposed_by.map(|_| (ClosingReason::GoalsReached, "målene er nådd")),
        active_services: active,
    }
}

fn consent_sit(age: u32, care_order: bool) -> ConsentSituation {
    ConsentSituation {
        domain: ConsentDomain::General,
        child_age: age,
        care_order,
        measures_directed_at_parents: false,
        both_required: false,
    }
}

const TWO: &[&str] = &["school", "nav"];

#[test]
fn a_service_proposes_closing_with_a_reason_and_another_confirms() {
    let open = sit(CaseState::Open, None, TWO);
    let propose = Event::ProposeClosing { service: "school", reason: ClosingReason::GoalsReached, text: "" };
    let c = transition(&open, propose).unwrap();
    assert_eq!((c.to, c.reason), (CaseState::Closing, Some(ClosingReason::GoalsReached)));

    let closing = sit(CaseState::Closing, Some("school"), TWO);
    assert_eq!(transition(&closing, propose), Err(ClosingError::AlreadyClosing));
    let by_proposer = Event::Close { service: "school", reason: None, text: "" };
    assert_eq!(transition(&closing, by_proposer), Err(ClosingError::ConfirmByAnother));
    let confirmed = transition(&closing, Event::Close { service: "nav", reason: None, text: "" }).unwrap();
    assert_eq!(confirmed.to, CaseState::Closed);
    assert_eq!(confirmed.reason, Some(ClosingReason::GoalsReached), "the proposal's reason is confirmed");
    assert_eq!(confirmed.text, "målene er nådd");
    // The proposer alone, once the others have left, closes it.
    assert!(transition(&sit(CaseState::Closing, Some("school"), &["school"]), by_proposer).is_ok());
}

#[test]
fn closing_directly_needs_to_be_the_only_service_or_the_familys_word() {
    let close = |reason, text| Event::Close { service: "school", reason: Some(reason), text };
    assert_eq!(
        transition(&sit(CaseState::Open, None, TWO), close(ClosingReason::Moved, "")),
        Err(ClosingError::ProposeFirst)
    );
    assert!(transition(&sit(CaseState::Open, None, &["school"]), close(ClosingReason::Moved, "")).is_ok());
    let family = close(ClosingReason::FamilyEndedCooperation, "mor ringte 3. desember");
    assert_eq!(transition(&sit(CaseState::Open, None, TWO), family).unwrap().to, CaseState::Closed);
    assert_eq!(
        transition(
            &sit(CaseState::Open, None, &["school"]),
            Event::Close { service: "school", reason: None, text: "" }
        ),
        Err(ClosingError::ReasonMissing)
    );
}

#[test]
fn reasons_are_chosen_and_explained() {
    let open = sit(CaseState::Open, None, &["school"]);
    let close = |reason, text: &str| transition(&open, Event::Close { service: "school", reason: Some(reason), text });
    assert_eq!(close(ClosingReason::Other, "  "), Err(ClosingError::TextMissing));
    assert_eq!(close(ClosingReason::FamilyEndedCooperation, ""), Err(ClosingError::TextMissing));
    assert_eq!(close(ClosingReason::AllServicesLeft, "x"), Err(ClosingError::ReasonAutomatic));
    assert_eq!(close(ClosingReason::Other, &"x".repeat(MAX_REASON_TEXT + 1)), Err(ClosingError::TextTooLong));
    assert_eq!(close(ClosingReason::Other, " flyttet til utlandet ").unwrap().text, "flyttet til utlandet");
    assert_eq!(ClosingError::TextMissing.field(), Some("reason_text"));
    assert_eq!(ClosingError::ReasonAutomatic.field(), Some("reason"));
    assert_eq!(ClosingError::ProposeFirst.code(), "closing.propose_first");
}

#[test]
fn the_case_closes_itself_when_the_last_service_leaves_or_the_family_ends_it() {
    for state in [CaseState::Open, CaseState::Closing] {
        let s = sit(state, None, &[]);
        let c = transition(&s, Event::LastServiceLeft).unwrap();
        assert_eq!((c.to, c.reason), (CaseState::Closed, Some(ClosingReason::AllServicesLeft)));
        let c = transition(&s, Event::FamilyEnds { text: "" }).unwrap();
        assert_eq!((c.to, c.reason), (CaseState::Closed, Some(ClosingReason::FamilyEndedCooperation)));
    }
    let closed = sit(CaseState::Closed, None, &[]);
    assert_eq!(transition(&closed, Event::FamilyEnds { text: "" }), Err(ClosingError::AlreadyClosed));
}

#[test]
fn reopening_needs_a_reason_and_a_case_that_is_not_open() {
    let reopen = |state, text| transition(&sit(state, None, TWO), Event::Reopen { text });
    assert_eq!(reopen(CaseState::Open, "x"), Err(ClosingError::NotClosed));
    assert_eq!(reopen(CaseState::Closed, " "), Err(ClosingError::ReopenTextMissing));
    let c = reopen(CaseState::Closed, "ny bekymring fra skolen").unwrap();
    assert_eq!((c.to, c.reason), (CaseState::Open, None));
    assert_eq!(reopen(CaseState::Closing, "vi fortsetter").unwrap().to, CaseState::Open);
}

#[test]
fn closing_since_is_the_day_the_case_stopped_being_open() {
    let at = |d: &str| format!("{d}T10:00:00Z").parse::<DateTime<Utc>>().unwrap();
    let ch = |from, to, d: &str| StateChange {
        from,
        to,
        reason: None,
        text: String::new(),
        service_id: None,
        changed_by: "u".into(),
        changed_at: at(d),
    };
    let h = vec![
        ch(CaseState::Open, CaseState::Closed, "2026-01-01"),
        ch(CaseState::Closed, CaseState::Open, "2026-02-01"),
        ch(CaseState::Open, CaseState::Closing, "2026-03-01"),
        ch(CaseState::Closing, CaseState::Closed, "2026-04-01"),
    ];
    assert_eq!(closing_since(CaseState::Closed, &h), Some("2026-03-01".parse().unwrap()));
    assert_eq!(closing_since(CaseState::Open, &h), None);
    assert_eq!(proposal(CaseState::Closing, &h[..3]).map(|c| c.changed_at), Some(at("2026-03-01")));
    assert_eq!(proposal(CaseState::Closed, &h), None);
}

#[test]
fn whose_consent_the_cooperation_needs_may_end_it() {
    use ConsentDomain::*;
    // Daniel, 8: a parent with parental responsibility ends it; the child does not.
    assert!(may_end_cooperation(false, true, consent_sit(8, false), &[General]));
    assert!(!may_end_cooperation(true, false, consent_sit(8, false), &[General]));
    assert!(!may_end_cooperation(false, false, consent_sit(8, false), &[General]), "no parental responsibility");
    // 15 with child welfare alone: the young person decides, the parents do not.
    assert!(may_end_cooperation(true, false, consent_sit(15, false), &[ChildWelfare]));
    assert!(!may_end_cooperation(false, true, consent_sit(15, false), &[ChildWelfare]));
    // 17 with a health service and a school: either the young person (health) or a parent (school).
    assert!(may_end_cooperation(true, false, consent_sit(17, false), &[Health, General]));
    assert!(may_end_cooperation(false, true, consent_sit(17, false), &[Health, General]));
    // After a care order the child welfare service consents in the parents' place.
    assert!(!may_end_cooperation(false, true, consent_sit(10, true), &[ChildWelfare, General]));
    // An adult ends their own cooperation; no regimes left means the general rule.
    assert!(may_end_cooperation(true, false, consent_sit(18, false), &[]));
}

fn arb_event() -> impl Strategy<Value = (u8, usize, usize, bool)> {
    (0u8..5, 0usize..3, 0usize..ClosingReason::ALL.len(), any::<bool>())
}

proptest! {
    /// Whatever is asked, in whatever order: a closed case only leaves `closed` by reopening; every change
    /// to closing or closed carries a reason, and a chosen one is never the automatic reason; a reopening
    /// carries its text; and closing never skips the other services' say while more than one takes part
    /// (directly closed only by the family's word, the last leaving, or the only service).
    #[test]
    fn the_state_machine_keeps_its_rules(events in prop::collection::vec(arb_event(), 1..30)) {
        let services = ["a", "b", "c"];
        let mut state = CaseState::Open;
        let mut proposer: Option<&str> = None;
        let mut proposed: Option<(ClosingReason, &str)> = None;
        for (kind, who, reason, with_text) in events {
            let service = services[who];
            let active: Vec<&str> = if kind == 3 { vec![] } else { services[..=who.max(1)].to_vec() };
            let reason = ClosingReason::ALL[reason];
            let text = if with_text { "because" } else { "" };
            let event = match kind {
                0 => Event::ProposeClosing { service, reason, text },
                1 => Event::Close { service, reason: with_text.then_some(reason), text },
                2 => Event::FamilyEnds { text },
                3 => Event::LastServiceLeft,
                _ => Event::Reopen { text },
            };
            let s = Situation { state, proposed_by: proposer, proposed_reason: proposed, active_services: &active };
            let Ok(c) = transition(&s, event) else { continue };
            if state == CaseState::Closed {
                let reopen = matches!(event, Event::Reopen { .. });
                prop_assert!(reopen);
            }
            match c.to {
                CaseState::Open => prop_assert!(!c.text.is_empty() && c.reason.is_none()),
                _ => prop_assert!(c.reason.is_some()),
            }
            if let Event::ProposeClosing { .. } | Event::Close { reason: Some(_), .. } = event {
                prop_assert_ne!(c.reason, Some(ClosingReason::AllServicesLeft));
            }
            if state == CaseState::Open && c.to == CaseState::Closed && active.len() > 1 {
                let family = matches!(event, Event::FamilyEnds { .. });
                prop_assert!(family || c.reason == Some(ClosingReason::FamilyEndedCooperation));
            }
            if c.to == CaseState::Closing {
                proposer = Some(service);
                proposed = c.reason.map(|r| (r, "because"));
            } else {
                proposer = None;
                proposed = None;
            }
            state = c.to;
        }
    }
}
