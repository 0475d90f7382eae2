//! The child coordinator in the demo (issue 12): Mellomvik's settings (the coordinating unit assesses,
//! complaints go to statsforvalteren within four weeks, a caseload threshold of 12) and its delegation
//! decision; the Nilsen family, expecting a child with a heart defect found at the 20-week scan, whom the
//! health station has reported to the coordinating unit (the journey from a report before birth); and
//! Emma Haugen (17), whose child coordinator at the health station was appointed two years ago, so the
//! handover at 18 is due.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{MELLOMVIK, at, synthetic_fnr};
use crate::entities::*;
use crate::error::StoreError;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn person(
    txn: &impl ConnectionTrait,
    id: &str,
    given: &str,
    family: &str,
    birth: NaiveDate,
    expected: bool,
    address: &str,
) -> Result<(), StoreError> {
    person::Entity::insert(person::ActiveModel {
        id: Set(id.into()),
        fnr: Set((!expected).then(|| synthetic_fnr(birth).as_str().to_owned())),
        given_name: Set(given.into()),
        family_name: Set(family.into()),
        birth_date: Set(birth),
        protected_address: Set(false),
        registered_kommune: Set(MELLOMVIK.into()),
        address: Set(Some(address.into())),
        expected_due_date: Set(expected.then_some(birth)),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn parent(txn: &impl ConnectionTrait, adult: &str, child: &str) -> Result<(), StoreError> {
    guardianship::Entity::insert(guardianship::ActiveModel {
        adult_person_id: Set(adult.into()),
        child_person_id: Set(child.into()),
        parental_responsibility: Set(true),
        relation: Set("parent".into()),
        access_granted: Set(false),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn case(
    txn: &impl ConnectionTrait,
    id: &str,
    child: &str,
    title: &str,
    opened: NaiveDate,
) -> Result<(), StoreError> {
    case::Entity::insert(case::ActiveModel {
        id: Set(id.into()),
        child_person_id: Set(child.into()),
        title: Set(title.into()),
        opened_at: Set(at(&opened.to_string())),
        health_private_from_parents: Set(false),
        care_kommune: Set(None),
        placement_kommune: Set(None),
        second_residence_kommune: Set(None),
        local_clarification: Set(None),
        state: Set("open".into()),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn joins(
    txn: &impl ConnectionTrait,
    case: &str,
    service: &str,
    on: NaiveDate,
    reason: &str,
) -> Result<(), StoreError> {
    participation::Entity::insert(participation::ActiveModel {
        case_id: Set(case.into()),
        service_id: Set(service.into()),
        joined_on: Set(on),
        join_reason: Set(reason.into()),
        left_on: Set(None),
        leave_reason: Set(None),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn citizen(
    txn: &impl ConnectionTrait,
    id: &str,
    name: &str,
    person: &str,
    about: &str,
) -> Result<(), StoreError> {
    user::Entity::insert(user::ActiveModel {
        id: Set(id.into()),
        display_name: Set(name.into()),
        kind: Set("citizen".into()),
        person_id: Set(Some(person.into())),
        demo_description: Set(Some(about.into())),
        email: Set(None),
        external_subject: Set(None),
        active: Set(true),
        deactivated_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

pub(super) async fn insert(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    let now = Utc::now();
    let today = today();
    cc_setting::Entity::insert(cc_setting::ActiveModel {
        organisation_id: Set("mellomvik".into()),
        unit_service_id: Set("mellomvik-ke".into()),
        complaint_body: Set("Statsforvalteren i Demofylke".into()),
        deadline_days: Set(28),
        caseload_threshold: Set(12),
        transition_lead_months: Set(12),
        updated_by: Set("admin".into()),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    cc_delegation::Entity::insert(cc_delegation::ActiveModel {
        id: Set("delegering-demo-mellomvik".into()),
        organisation_id: Set("mellomvik".into()),
        reference: Set("Delegeringsreglement for Mellomvik kommune, kapittel 7.4 (kommunedirektørens vedtak 2023/118)".into()),
        decided_on: Set(NaiveDate::from_ymd_opt(2023, 3, 1).expect("a date")),
        scope: Set("Barnekoordinatorer kan kreve at kommunale velferdstjenester samarbeider og samordner bedre, innenfor kommunens budsjett og prioriteringer. Myndigheten gjelder ikke fylkeskommunale, statlige eller private tjenester.".into()),
        recorded_by: Set("admin".into()),
        recorded_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;

    // The Nilsen family: a child expected in three months, reported before birth by the health station.
    let due = today + Duration::days(90);
    person(
        txn,
        "person-ingrid",
        "Ingrid",
        "Nilsen",
        NaiveDate::from_ymd_opt(1994, 5, 3).expect("a date"),
        false,
        "Sjøgata 9, 9901 Mellomvik",
    )
    .await?;
    person(
        txn,
        "person-marius",
        "Marius",
        "Nilsen",
        NaiveDate::from_ymd_opt(1992, 11, 21).expect("a date"),
        false,
        "Sjøgata 9, 9901 Mellomvik",
    )
    .await?;
    person(txn, "person-nilsen-barn", "Barn", "Nilsen", due, true, "Sjøgata 9, 9901 Mellomvik").await?;
    parent(txn, "person-ingrid", "person-nilsen-barn").await?;
    parent(txn, "person-marius", "person-nilsen-barn").await?;
    citizen(txn, "ingrid", "Ingrid Nilsen", "person-ingrid", "Venter barn med alvorlig hjertefeil. Innbygger.").await?;
    let opened = today - Duration::days(14);
    case(txn, "sak-nilsen", "person-nilsen-barn", "Barn ventet: hjertefeil påvist før fødsel", opened).await?;
    joins(txn, "sak-nilsen", "mellomvik-helsestasjon", opened, "Jordmor følger svangerskapet").await?;
    let reported = now - Duration::days(10);
    cc_matter::Entity::insert(cc_matter::ActiveModel {
        id: Set("bkoord-demo-nilsen".into()),
        case_id: Set("sak-nilsen".into()),
        state: Set("reported".into()),
        opened_at: Set(reported),
        requested_at: Set(None),
        appointed_at: Set(None),
        updated_at: Set(reported),
        chosen_right: Set(None),
        extended_until: Set(None),
        extension_reasons: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    cc_event::Entity::insert(cc_event::ActiveModel {
        id: Set("bkmelding-demo-nilsen".into()),
        case_id: Set("sak-nilsen".into()),
        kind: Set("report".into()),
        channel: Set(Some("staff_report".into())),
        report_kind: Set(Some("child_coordinator_need".into())),
        situation: Set(Some("before_birth".into())),
        description: Set("Alvorlig hjertefeil påvist ved ultralyd i uke 20. Barnet skal opereres etter fødselen, og familien vil trenge tett oppfølging fra sykehus, helsestasjon, barnehage og NAV.".into()),
        wants_assessment: Set(None),
        recorded_by: Set("helsesykepleier".into()),
        recorded_by_service: Set(Some("mellomvik-helsestasjon".into())),
        recorded_at: Set(reported),
    })
    .exec_without_returning(txn)
    .await?;

    // Emma Haugen, 17 and three months, with a child coordinator at the health station for two years.
    let birth = today - Duration::days(17 * 365 + 95);
    let birth = birth.with_day(birth.day().min(28)).unwrap_or(birth);
    person(
        txn,
        "person-line",
        "Line",
        "Haugen",
        NaiveDate::from_ymd_opt(1980, 2, 7).expect("a date"),
        false,
        "Lia terrasse 4, 9901 Mellomvik",
    )
    .await?;
    person(txn, "person-emma", "Emma", "Haugen", birth, false, "Lia terrasse 4, 9901 Mellomvik").await?;
    parent(txn, "person-line", "person-emma").await?;
    citizen(txn, "line", "Line Haugen", "person-line", "Mor til Emma (17), som har barnekoordinator. Innbygger.")
        .await?;
    let two_years = today - Duration::days(730);
    case(txn, "sak-emma", "person-emma", "Cerebral parese: oppfølging gjennom skole og overgang til voksen", two_years)
        .await?;
    joins(txn, "sak-emma", "mellomvik-helsestasjon", two_years, "Helsesykepleier og fysioterapi").await?;
    joins(txn, "sak-emma", "nav-mellomvik", two_years, "Hjelpestønad og avlastning").await?;
    let requested = at(&(two_years - Duration::days(40)).to_string());
    let appointed = at(&two_years.to_string());
    cc_matter::Entity::insert(cc_matter::ActiveModel {
        id: Set("bkoord-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        state: Set("appointed".into()),
        opened_at: Set(requested),
        requested_at: Set(Some(requested)),
        appointed_at: Set(Some(appointed)),
        updated_at: Set(appointed),
        chosen_right: Set(None),
        extended_until: Set(None),
        extension_reasons: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    cc_event::Entity::insert(cc_event::ActiveModel {
        id: Set("bkmelding-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        kind: Set("request".into()),
        channel: Set(Some("written".into())),
        report_kind: Set(Some("child_coordinator_need".into())),
        situation: Set(Some("born".into())),
        description: Set(
            "Line Haugen søker om barnekoordinator for Emma, som har cerebral parese og mange tjenester.".into()
        ),
        wants_assessment: Set(None),
        recorded_by: Set("ke".into()),
        recorded_by_service: Set(Some("mellomvik-ke".into())),
        recorded_at: Set(requested),
    })
    .exec_without_returning(txn)
    .await?;
    let reason = "Emma har cerebral parese med betydelig nedsatt funksjonsevne, og trenger fysioterapi, hjelpemidler, avlastning og tilrettelegging i skolen over lang tid.";
    cc_assessment::Entity::insert(cc_assessment::ActiveModel {
        id: Set("bkvurdering-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        c1_met: Set(true),
        c2: Set("met".into()),
        kinds: Set("disability".into()),
        themes: Set("function,life_limitation,pain".into()),
        c2_reasoning: Set(reason.into()),
        family_experience: Set(
            "Familien opplever hverdagen som svært krevende, særlig i overgangene mellom skoleslag.".into(),
        ),
        diagnosis: Set(None),
        c3: Set("met".into()),
        long_term: Set("Behovet har vart hele oppveksten og vil vare inn i voksen alder.".into()),
        complex: Set(
            "Helsestasjonen, fysioterapien, skolen og NAV må planlegge sammen og avhenger av hverandre.".into()
        ),
        health_care: Set("Fysioterapi, helsesykepleier, habiliteringstjenesten og avlastning.".into()),
        other_welfare: Set("Tilrettelegging i skolen, hjelpestønad og hjelpemidler fra NAV.".into()),
        interdisciplinary: Set(true),
        participants: Set("Koordinerende enhet, helsestasjonen, fysioterapeut".into()),
        harmful_behaviour: Set(false),
        mapping: Set(String::new()),
        also_ordinary: Set(false),
        eligible: Set(true),
        assessed_by: Set("ke".into()),
        assessed_by_service: Set("mellomvik-ke".into()),
        assessed_at: Set(requested + Duration::days(20)),
        superseded_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    let decided_on = (requested + Duration::days(25)).date_naive();
    let letter = los_letters::Letter {
        language: los_letters::Language::Bokmal,
        kind: los_letters::LetterKind::Grant,
        municipality: "Mellomvik kommune".into(),
        unit: "Koordinerende enhet".into(),
        unit_contact: "Rådhusgata 2, 9901 Mellomvik · mellomvik-ke@demo.los.invalid · +47 21 00 10 40".into(),
        date: decided_on,
        reference: "bkvedtak-demo-emma".into(),
        recipients: vec!["Line Haugen".into()],
        child_name: "Emma Haugen".into(),
        child_detail: format!("født {}", birth.format("%d.%m.%Y")),
        coordinator: Some("Hanne Helse, Helsestasjon og skolehelsetjeneste".into()),
        reasons: reason.into(),
        legal_basis: los_domain::child_coordinator::LEGAL_BASIS.iter().map(|s| (*s).to_owned()).collect(),
        complaint: los_letters::ComplaintInfo {
            body: "Statsforvalteren i Demofylke".into(),
            law: "pasient- og brukerrettighetsloven kapittel 7".into(),
            deadline_days: 28,
            send_to: "Koordinerende enhet, Mellomvik kommune".into(),
        },
        signed_by: "Kari Enhet, Koordinerende enhet".into(),
    };
    let text = los_letters::render_text(&letter);
    let pdf = los_letters::render_pdf(&letter).map_err(|e| StoreError::Integrity(format!("demo letter: {e}")))?;
    cc_decision::Entity::insert(cc_decision::ActiveModel {
        id: Set("bkvedtak-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        kind: Set("grant".into()),
        reasons: Set(reason.into()),
        end_reason: Set(None),
        language: Set("nb".into()),
        complaint_body: Set("Statsforvalteren i Demofylke".into()),
        complaint_law: Set("pasient- og brukerrettighetsloven kapittel 7".into()),
        deadline_days: Set(28),
        complaint_deadline: Set(decided_on + Duration::days(28)),
        decided_by: Set("ke".into()),
        decided_by_service: Set("mellomvik-ke".into()),
        decided_at: Set(at(&decided_on.to_string())),
        letter_text: Set(text),
        letter_pdf: Set(pdf),
    })
    .exec_without_returning(txn)
    .await?;
    cc_consent::Entity::insert(cc_consent::ActiveModel {
        id: Set("bksamtykke-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        giver_person_id: Set("person-line".into()),
        receiver_person_id: Set(None),
        form: Set("signature".into()),
        youth_view: Set(None),
        weighing: Set(String::new()),
        recorded_by: Set("ke".into()),
        recorded_at: Set(requested + Duration::days(26)),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    cc_appointment::Entity::insert(cc_appointment::ActiveModel {
        id: Set("bkoppnevning-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        coordinator_user_id: Set("helsesykepleier".into()),
        service_id: Set("mellomvik-helsestasjon".into()),
        family_wishes: Set("Ønsket helsesykepleieren som allerede kjenner Emma.".into()),
        wishes_met: Set(true),
        wishes_reason: Set(String::new()),
        need_weight: Set(3),
        dedicated: Set(false),
        specialist_coordinator: Set(Some("Koordinator ved barnehabiliteringen, Demo sykehus".into())),
        starts: Set(two_years),
        ends: Set(None),
        end_reason: Set(None),
        decision_id: Set(None),
        appointed_by: Set("ke".into()),
        appointed_at: Set(appointed),
    })
    .exec_without_returning(txn)
    .await?;
    coordination::Entity::insert(coordination::ActiveModel {
        id: Set("samordning-demo-emma".into()),
        case_id: Set("sak-emma".into()),
        service_id: Set("mellomvik-helsestasjon".into()),
        basis: Set("child_coordinator".into()),
        agreed_by: Set(String::new()),
        decided_by: Set("ke".into()),
        decided_role: Set(Some("coordinating_unit_handler".into())),
        delegation_ref: Set(None),
        child_view: Set("Emma vil ha Hanne.".into()),
        parents_view: Set("Ønsket helsesykepleieren som allerede kjenner Emma.".into()),
        reasons: Set("Barnekoordinator oppnevnt (helse- og omsorgstjenesteloven § 7-2 a)".into()),
        decided_at: Set(appointed),
        valid_from: Set(two_years),
        valid_to: Set(None),
        communicated_at: Set(None),
        communicated_how: Set(None),
        dispute_id: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
