//! The demo municipality: Mellomvik, a fictional municipality (the name the national guidance uses in its
//! examples), with realistic services and employees, and the scenarios of spec 01 §4.6 and §5.2. Every
//! person is synthetic: national identity numbers are Tenor-style test numbers (month + 80) that no real
//! person can hold. Demo users have stable readable ids, listed in `docs/DEMO.md`.

use chrono::NaiveDate;
use los_domain::ident::Fodselsnummer;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, TransactionTrait};

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::{Store, at};

/// Kommunenummer used for the two fictional demo municipalities. County 99 does not exist in Norway, so
/// they can never be mistaken for real ones.
pub const MELLOMVIK: &str = "9901";
pub const STORVIK: &str = "9902";

struct Org(&'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>);
// id, kind, name, orgnr, kommunenummer
const ORGS: &[Org] = &[
    Org("mellomvik", "municipality", "Mellomvik kommune", Some("310000019"), Some(MELLOMVIK)),
    Org("storvik", "municipality", "Storvik kommune", Some("310000027"), Some(STORVIK)),
    Org("demofylke", "county", "Demofylket fylkeskommune", Some("310000035"), None),
    Org("nav-stat", "state_agency", "Arbeids- og velferdsetaten (NAV), statlig del", Some("310000043"), None),
    Org("bufetat", "state_agency", "Bufetat, region Demo", Some("310000051"), None),
    Org("helse-demo", "state_agency", "Helse Demo HF", Some("310000078"), None),
    Org("konfliktradet", "state_agency", "Konfliktrådet i Demo", Some("310000086"), None),
    Org("kriminalomsorgen", "state_agency", "Kriminalomsorgen region Demo", Some("310000094"), None),
    Org("politiet", "state_agency", "Demo politidistrikt", Some("310000108"), None),
    Org("solsikken", "private_owner", "Solsikken barnehage AS", Some("310000116"), Some(MELLOMVIK)),
];

struct Svc(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
// id, organisation, service type, name, description, phone, address, opening hours
const SERVICES: &[Svc] = &[
    Svc(
        "mellomvik-barnevern",
        "mellomvik",
        "barnevernstjenesten",
        "Barnevernstjenesten i Mellomvik",
        "Råd, veiledning og hjelpetiltak for barn og familier. Tar imot bekymringsmeldinger.",
        "+47 21 00 10 10",
        "Rådhusgata 2, 9901 Mellomvik",
        "Mandag–fredag 08.00–15.30. Barnevernsvakten etter kontortid: 116 111.",
    ),
    Svc(
        "mellomvik-helsestasjon",
        "mellomvik",
        "helsestasjon-skolehelsetjeneste",
        "Helsestasjon og skolehelsetjeneste",
        "Helsesykepleiere og jordmor for barn og unge 0–20 år, på helsestasjonen og på skolene.",
        "+47 21 00 10 20",
        "Torget 5, 9901 Mellomvik",
        "Mandag–fredag 08.00–15.30. Helsestasjon for ungdom tirsdag 14.00–17.00.",
    ),
    Svc(
        "mellomvik-ppt",
        "mellomvik",
        "ppt",
        "PP-tjenesten i Mellomvik",
        "Pedagogisk-psykologisk tjeneste: sakkyndige vurderinger og hjelp til barnehager og skoler.",
        "+47 21 00 10 30",
        "Skoleveien 1, 9901 Mellomvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "mellomvik-skole",
        "mellomvik",
        "grunnskole",
        "Mellomvik skole",
        "Barneskole 1.–7. trinn.",
        "+47 21 00 11 00",
        "Skoleveien 10, 9901 Mellomvik",
        "Kontoret mandag–fredag 07.45–15.00.",
    ),
    Svc(
        "mellomvik-sfo",
        "mellomvik",
        "sfo",
        "SFO ved Mellomvik skole",
        "Skolefritidsordning 1.–4. trinn.",
        "+47 21 00 11 05",
        "Skoleveien 10, 9901 Mellomvik",
        "Mandag–fredag 07.00–16.30.",
    ),
    Svc(
        "nordby-skole",
        "mellomvik",
        "grunnskole",
        "Nordby ungdomsskole",
        "Ungdomsskole 8.–10. trinn.",
        "+47 21 00 12 00",
        "Nordbyveien 40, 9901 Mellomvik",
        "Kontoret mandag–fredag 07.45–15.00.",
    ),
    Svc(
        "mellomvik-barnehage",
        "mellomvik",
        "barnehage",
        "Lia barnehage",
        "Kommunal barnehage, 1–5 år.",
        "+47 21 00 13 00",
        "Liaveien 3, 9901 Mellomvik",
        "Mandag–fredag 07.00–16.30.",
    ),
    Svc(
        "mellomvik-ke",
        "mellomvik",
        "koordinerende-enhet",
        "Koordinerende enhet",
        "Kommunens koordinerende enhet for habilitering og rehabilitering. Tar imot søknader om koordinator, barnekoordinator og individuell plan.",
        "+47 21 00 10 40",
        "Rådhusgata 2, 9901 Mellomvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "nav-mellomvik",
        "mellomvik",
        "nav-kommune",
        "NAV Mellomvik (kommunale tjenester)",
        "Økonomisk sosialhjelp, råd og veiledning, midlertidig bolig og gjeldsrådgivning.",
        "+47 55 55 33 33",
        "Storgata 12, 9901 Mellomvik",
        "Mandag–fredag 09.00–15.00.",
    ),
    Svc(
        "mellomvik-boligkontor",
        "mellomvik",
        "boligkontor",
        "Boligkontoret ved NAV Mellomvik",
        "Boligfremskaffer: hjelp til å finne og beholde bolig.",
        "+47 55 55 33 40",
        "Storgata 12, 9901 Mellomvik",
        "Tirsdag og torsdag 09.00–14.00.",
    ),
    Svc(
        "mellomvik-legekontor",
        "mellomvik",
        "fastlege",
        "Mellomvik legekontor",
        "Fastleger i Mellomvik.",
        "+47 21 00 14 00",
        "Torget 7, 9901 Mellomvik",
        "Mandag–fredag 08.00–16.00. Legevakt: 116 117.",
    ),
    Svc(
        "mellomvik-uteseksjon",
        "mellomvik",
        "utekontakt",
        "Utekontakten i Mellomvik",
        "Oppsøkende arbeid blant ungdom i sentrum.",
        "+47 21 00 15 00",
        "Storgata 3, 9901 Mellomvik",
        "Mandag–fredag 12.00–20.00.",
    ),
    Svc(
        "solsikken-barnehage",
        "solsikken",
        "barnehage-privat",
        "Solsikken barnehage",
        "Privat barnehage, 1–5 år.",
        "+47 21 00 16 00",
        "Solveien 8, 9901 Mellomvik",
        "Mandag–fredag 07.15–16.45.",
    ),
    Svc(
        "storvik-krisesenter",
        "storvik",
        "krisesenter",
        "Krisesenteret i Storvik",
        "Interkommunalt krisesenter for kvinner, menn og barn utsatt for vold i nære relasjoner.",
        "+47 21 00 20 00",
        "Adressen er skjermet",
        "Døgnåpent.",
    ),
    Svc(
        "demofylke-ot",
        "demofylke",
        "oppfolgingstjenesten",
        "Oppfølgingstjenesten (OT)",
        "Følger opp ungdom 15–24 år som ikke er i opplæring eller arbeid.",
        "+47 21 00 30 00",
        "Fylkeshuset, 9901 Mellomvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "mellomvik-vgs",
        "demofylke",
        "videregaende-skole",
        "Mellomvik videregående skole",
        "Studieforberedende og yrkesfaglige program.",
        "+47 21 00 31 00",
        "Skolebakken 1, 9901 Mellomvik",
        "Kontoret mandag–fredag 08.00–15.00.",
    ),
    Svc(
        "nav-stat-mellomvik",
        "nav-stat",
        "nav-stat",
        "NAV Mellomvik (statlige tjenester)",
        "Arbeidsrettet oppfølging, sykepenger, arbeidsavklaringspenger og andre statlige ytelser.",
        "+47 55 55 33 33",
        "Storgata 12, 9901 Mellomvik",
        "Mandag–fredag 09.00–15.00.",
    ),
    Svc(
        "familievernkontor-demo",
        "bufetat",
        "familievernkontor",
        "Familievernkontoret i Demo",
        "Samtaler ved samlivsbrudd, konflikter og vold i familien. Mekling.",
        "+47 21 00 40 00",
        "Sjøgata 4, 9902 Storvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "bup-demo",
        "helse-demo",
        "bup",
        "BUP Demo",
        "Psykisk helsevern for barn og unge, poliklinikk.",
        "+47 21 00 50 00",
        "Sykehusveien 1, 9902 Storvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "konfliktradet-demo",
        "konfliktradet",
        "ungdomskoordinator",
        "Konfliktrådet i Demo, ungdomskoordinator",
        "Ungdomskoordinatoren leder oppfølgingsteamet ved ungdomsstraff og ungdomsoppfølging.",
        "+47 21 00 60 00",
        "Tinghusgata 1, 9902 Storvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "friomsorg-demo",
        "kriminalomsorgen",
        "friomsorgskontor",
        "Friomsorgskontoret i Demo",
        "Gjennomføring av straff i samfunnet.",
        "+47 21 00 70 00",
        "Tinghusgata 3, 9902 Storvik",
        "Mandag–fredag 08.00–15.30.",
    ),
    Svc(
        "politikontakt-mellomvik",
        "politiet",
        "politikontakt",
        "Politikontakten i Mellomvik",
        "Politiets kontaktperson for kommunen og ungdom.",
        "+47 02800",
        "Politistasjonen, 9901 Mellomvik",
        "Etter avtale. Nødnummer 112.",
    ),
];

struct Usr(
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static [(&'static str, Option<&'static str>, &'static str)],
);
// id, name, kind, person, demo description, memberships (organisation, service, role)
const USERS: &[Usr] = &[
    Usr(
        "admin",
        "Anne Admin",
        "employee",
        None,
        "Systemadministrator i Mellomvik kommune. Ser ingen saksopplysninger.",
        &[("mellomvik", None, "administrator")],
    ),
    Usr(
        "leder",
        "Leif Leder",
        "employee",
        None,
        "Kommunalsjef for oppvekst. Ser tall, ikke personopplysninger.",
        &[("mellomvik", None, "leader")],
    ),
    Usr(
        "ke",
        "Kari Enhet",
        "employee",
        None,
        "Saksbehandler i koordinerende enhet.",
        &[("mellomvik", Some("mellomvik-ke"), "coordinating_unit_handler")],
    ),
    Usr(
        "barnevern",
        "Berit Vern",
        "employee",
        None,
        "Saksbehandler i barnevernstjenesten. Med i saken til Sofia og Daniel og i Adams sak.",
        &[("mellomvik", Some("mellomvik-barnevern"), "case_worker")],
    ),
    Usr(
        "skole",
        "Sindre Skole",
        "employee",
        None,
        "Lærer ved Nordby ungdomsskole. Skolen er ikke med i saken til Sofia og Daniel.",
        &[("mellomvik", Some("nordby-skole"), "case_worker")],
    ),
    Usr("sofia", "Sofia Berg", "citizen", Some("person-sofia"), "Mor til Daniel (8). Innbygger.", &[]),
    Usr(
        "nav",
        "Nora Navesen",
        "employee",
        None,
        "Veileder i NAV (statlig del). Med i overgangssaken.",
        &[("nav-stat", Some("nav-stat-mellomvik"), "case_worker")],
    ),
    Usr(
        "uk",
        "Ulrik Koordinator",
        "employee",
        None,
        "Ungdomskoordinator i konfliktrådet. Leder oppfølgingsteamet i Adams sak.",
        &[("konfliktradet", Some("konfliktradet-demo"), "case_worker")],
    ),
    Usr(
        "ot",
        "Olav Tjeneste",
        "employee",
        None,
        "Rådgiver i Oppfølgingstjenesten (fylkeskommunen). Samordner overgangssaken etter avtale.",
        &[("demofylke", Some("demofylke-ot"), "case_worker")],
    ),
    Usr(
        "krisesenter",
        "Kristin Senter",
        "employee",
        None,
        "Ansatt ved krisesenteret i Storvik.",
        &[("storvik", Some("storvik-krisesenter"), "case_worker")],
    ),
    Usr(
        "adam",
        "Adam Lund",
        "citizen",
        Some("person-adam"),
        "Ungdom (17) som gjennomfører ungdomsstraff. Innbygger.",
        &[],
    ),
    Usr(
        "jonas",
        "Jonas Dahl",
        "citizen",
        Some("person-jonas"),
        "Ungdom (17) i overgang til voksenlivet. Innbygger.",
        &[],
    ),
];

struct Pers(&'static str, &'static str, &'static str, &'static str, bool, &'static str);
// id, given, family, birth date, protected address, kommune
const PERSONS: &[Pers] = &[
    Pers("person-sofia", "Sofia", "Berg", "1990-04-12", true, MELLOMVIK),
    Pers("person-daniel", "Daniel", "Berg", "2018-03-02", true, MELLOMVIK),
    Pers("person-jonas", "Jonas", "Dahl", "2009-02-20", false, MELLOMVIK),
    Pers("person-adam", "Adam", "Lund", "2009-06-15", false, MELLOMVIK),
    Pers("person-adam-mor", "Hilde", "Lund", "1978-09-30", false, MELLOMVIK),
    Pers("person-adam-far", "Tor", "Lund", "1975-01-08", false, MELLOMVIK),
];

const GUARDIANSHIPS: &[(&str, &str, bool)] = &[
    ("person-sofia", "person-daniel", true),
    ("person-adam-mor", "person-adam", true),
    ("person-adam-far", "person-adam", true),
];

struct Case(&'static str, &'static str, &'static str, &'static str);
// id, child, title, opened
const CASES: &[Case] = &[
    Case("sak-overgang", "person-jonas", "Overgang til voksenlivet: skole, arbeid og økonomi", "2025-08-15"),
    Case("sak-sofia-daniel", "person-daniel", "Flytting fra krisesenter til Mellomvik", "2026-06-01"),
    Case("sak-adam", "person-adam", "Ungdomsstraff: oppfølgingsteam og ungdomsplan", "2026-02-01"),
];

struct Part(&'static str, &'static str, &'static str, &'static str, Option<(&'static str, &'static str)>);
// case, service, joined, reason, left (date, reason)
const PARTICIPATIONS: &[Part] = &[
    // Scenario A (spec 01 §4.6): child welfare and OT cooperate; NAV joins; child welfare leaves.
    Part(
        "sak-overgang",
        "mellomvik-barnevern",
        "2025-08-15",
        "Hjelpetiltak fra barnevernet i mange år",
        Some(("2026-09-01", "Ungdommen takket nei til ettervern")),
    ),
    Part(
        "sak-overgang",
        "demofylke-ot",
        "2025-08-15",
        "OT har ordnet opplæringstilbud mot generell studiekompetanse",
        None,
    ),
    Part(
        "sak-overgang",
        "nav-stat-mellomvik",
        "2026-05-10",
        "NAV innvilget arbeidsrettet oppfølging og gjeldsrådgivning",
        None,
    ),
    Part("sak-overgang", "mellomvik-legekontor", "2026-10-01", "Fastlegen henviste til BUP", None),
    // Scenario B (spec 01 §4.6): crisis centre to home municipality.
    Part(
        "sak-sofia-daniel",
        "storvik-krisesenter",
        "2026-06-01",
        "Sofia og Daniel bor på krisesenteret",
        Some(("2026-09-15", "Oppholdet på krisesenteret er avsluttet")),
    ),
    Part(
        "sak-sofia-daniel",
        "familievernkontor-demo",
        "2026-06-10",
        "Kontaktet med Sofias samtykke: hjelp ved samlivsbrudd",
        None,
    ),
    Part(
        "sak-sofia-daniel",
        "mellomvik-barnevern",
        "2026-06-20",
        "Råd og veiledning som hjelpetiltak; overtar samordningen",
        None,
    ),
    Part(
        "sak-sofia-daniel",
        "nav-mellomvik",
        "2026-06-20",
        "Bolig og økonomiske rettigheter som enslig forsørger",
        None,
    ),
    Part("sak-sofia-daniel", "mellomvik-skole", "2026-08-15", "Daniels nye skole, med SFO-plass", None),
    // Scenario C (spec 01 §5.2): Adam's youth sentence.
    Part("sak-adam", "konfliktradet-demo", "2026-02-01", "Ungdomskoordinator for ungdomsstraff", None),
    Part("sak-adam", "mellomvik-vgs", "2026-02-05", "Skolens miljøarbeider; mye fravær", None),
    Part("sak-adam", "mellomvik-barnevern", "2026-02-05", "Familien har tiltak fra barnevernet", None),
    Part("sak-adam", "mellomvik-uteseksjon", "2026-02-05", "Jevnlig kontakt med uteseksjonen", None),
    Part("sak-adam", "mellomvik-helsestasjon", "2026-02-05", "Helsesykepleier", None),
    Part("sak-adam", "politikontakt-mellomvik", "2026-02-05", "Obligatorisk ved ungdomsstraff", None),
    Part("sak-adam", "friomsorg-demo", "2026-02-05", "Obligatorisk ved ungdomsstraff", None),
];

fn date(s: &str) -> NaiveDate {
    s.parse().expect("valid demo date")
}

/// A synthetic (Tenor-style) number for a birth date.
fn synthetic_fnr(birth: NaiveDate) -> Fodselsnummer {
    (1..999).find_map(|i| Fodselsnummer::synthetic(birth, i)).expect("some individnummer gives valid check digits")
}

/// Loads the demo municipality. Returns `false` when it was already loaded (the loader is idempotent).
pub async fn load(store: &Store) -> Result<bool, StoreError> {
    let txn = store.conn().begin().await?;
    audit::lock_head(&txn).await?;
    if organisation::Entity::find_by_id("mellomvik".to_owned()).one(&txn).await?.is_some() {
        txn.rollback().await?;
        return Ok(false);
    }
    insert_all(&txn).await?;
    audit::append(
        &txn,
        store.key(),
        vec![NewEntry {
            action: "demo_load".into(),
            resource_type: "demo_data".into(),
            basis: format!(
                "demo municipality loaded: {} services, {} users, {} cases",
                SERVICES.len(),
                USERS.len(),
                CASES.len()
            ),
            ..Default::default()
        }],
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

async fn insert_all(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    for (knr, name) in [(MELLOMVIK, "Mellomvik (demokommune)"), (STORVIK, "Storvik (demokommune)")] {
        municipality::Entity::insert(municipality::ActiveModel {
            kommunenummer: Set(knr.into()),
            valid_from: Set(date("2024-01-01")),
            name: Set(name.into()),
            fylke_nummer: Set("99".into()),
            fylke_name: Set("Demofylket (fiktivt)".into()),
            valid_to: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for o in ORGS {
        organisation::Entity::insert(organisation::ActiveModel {
            id: Set(o.0.into()),
            kind: Set(o.1.into()),
            name: Set(o.2.into()),
            orgnr: Set(o.3.map(Into::into)),
            kommunenummer: Set(o.4.map(Into::into)),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for s in SERVICES {
        service::Entity::insert(service::ActiveModel {
            id: Set(s.0.into()),
            organisation_id: Set(s.1.into()),
            service_type: Set(s.2.into()),
            name: Set(s.3.into()),
            description: Set(s.4.into()),
            phone: Set(Some(s.5.into())),
            email: Set(Some(format!("{}@demo.los.invalid", s.0))),
            address: Set(Some(s.6.into())),
            opening_hours: Set(Some(s.7.into())),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for p in PERSONS {
        let birth = date(p.3);
        person::Entity::insert(person::ActiveModel {
            id: Set(p.0.into()),
            fnr: Set(synthetic_fnr(birth).as_str().to_owned()),
            given_name: Set(p.1.into()),
            family_name: Set(p.2.into()),
            birth_date: Set(birth),
            protected_address: Set(p.4),
            registered_kommune: Set(p.5.into()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for (adult, child, resp) in GUARDIANSHIPS {
        guardianship::Entity::insert(guardianship::ActiveModel {
            adult_person_id: Set((*adult).into()),
            child_person_id: Set((*child).into()),
            parental_responsibility: Set(*resp),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for u in USERS {
        user::Entity::insert(user::ActiveModel {
            id: Set(u.0.into()),
            display_name: Set(u.1.into()),
            kind: Set(u.2.into()),
            person_id: Set(u.3.map(Into::into)),
            demo_description: Set(Some(u.4.into())),
        })
        .exec_without_returning(txn)
        .await?;
        for (org, svc, role) in u.5 {
            membership::Entity::insert(membership::ActiveModel {
                user_id: Set(u.0.into()),
                organisation_id: Set((*org).into()),
                service_id: Set(svc.map(Into::into)),
                role: Set((*role).into()),
                ..Default::default()
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    for c in CASES {
        case::Entity::insert(case::ActiveModel {
            id: Set(c.0.into()),
            child_person_id: Set(c.1.into()),
            title: Set(c.2.into()),
            opened_at: Set(at(c.3)),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for p in PARTICIPATIONS {
        participation::Entity::insert(participation::ActiveModel {
            case_id: Set(p.0.into()),
            service_id: Set(p.1.into()),
            joined_on: Set(date(p.2)),
            join_reason: Set(p.3.into()),
            left_on: Set(p.4.map(|l| date(l.0))),
            leave_reason: Set(p.4.map(|l| l.1.to_owned())),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}
