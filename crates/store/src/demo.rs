//! The demo municipality: Mellomvik, a fictional municipality (the name the national guidance uses in its
//! examples), with realistic services and employees, and the scenarios of spec 01 §4.6 and §5.2. Every
//! person is synthetic: national identity numbers are Tenor-style test numbers (month + 80) that no real
//! person can hold. Demo users have stable readable ids, listed in `docs/DEMO.md`.

use chrono::NaiveDate;
use los_domain::closing::CaseState;
use los_domain::ident::Fodselsnummer;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, TransactionTrait};

use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::{Store, at};

mod child_coordinator;
mod individual_plan;
use los_domain::consent::{
    ConsentDomain, ConsentForm, ConsentGiver, ConsentSituation, GiverCapacity, InfoCategory, validate_givers,
};

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
        "ungdomsenhet-demo",
        "kriminalomsorgen",
        "ungdomsenhet",
        "Kriminalomsorgens ungdomsenhet Demo",
        "Ungdomsenhet der barn som idømmes fengselsstraff soner, med et tverretatlig team som forbereder løslatelsen (straffegjennomføringsloven § 10 a).",
        "+47 21 00 71 00",
        "Fjordveien 40, 9902 Storvik",
        "Hele døgnet. Besøk etter avtale.",
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
        "erik",
        "Erik Solberg",
        "citizen",
        Some("person-daniel-far"),
        "Far til Daniel (8), felles foreldreansvar, bor ikke på Daniels strengt fortrolige adresse. Innbygger.",
        &[],
    ),
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
        "friomsorg",
        "Frida Omsorg",
        "employee",
        None,
        "Saksbehandler ved friomsorgskontoret (kriminalomsorgen). Følger opp samfunnsstraff.",
        &[("kriminalomsorgen", Some("friomsorg-demo"), "case_worker")],
    ),
    Usr(
        "ungdomsenhet",
        "Ugo Enhet",
        "employee",
        None,
        "Miljøterapeut i kriminalomsorgens ungdomsenhet. Forbereder løslatelsen sammen med teamet.",
        &[("kriminalomsorgen", Some("ungdomsenhet-demo"), "case_worker")],
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
    Usr(
        "mormor",
        "Randi Berg",
        "citizen",
        Some("person-mormor"),
        "Mormor til Daniel. Ser saken bare hvis Sofia gir henne tilgang.",
        &[],
    ),
    Usr(
        "hilde",
        "Hilde Lund",
        "citizen",
        Some("person-adam-mor"),
        "Mor til Adam (17), med foreldreansvar. Innbygger.",
        &[],
    ),
    Usr(
        "helsesykepleier",
        "Hanne Helse",
        "employee",
        None,
        "Helsesykepleier i skolehelsetjenesten. Med i Adams sak.",
        &[("mellomvik", Some("mellomvik-helsestasjon"), "case_worker")],
    ),
    Usr(
        "bup",
        "Bente Poliklinikk",
        "employee",
        None,
        "Psykolog ved BUP Demo (spesialisthelsetjenesten). Melder behov for individuell plan til kommunen og deltar i planarbeidet.",
        &[("helse-demo", Some("bup-demo"), "case_worker")],
    ),
    Usr(
        "laerer",
        "Lise Lærer",
        "employee",
        None,
        "Kontaktlærer ved Mellomvik skole, Daniels nye skole.",
        &[("mellomvik", Some("mellomvik-skole"), "case_worker")],
    ),
];

struct Pers(&'static str, &'static str, &'static str, &'static str, bool, &'static str, &'static str);
// id, given, family, birth date, protected address, kommune, address
const PERSONS: &[Pers] = &[
    Pers("person-sofia", "Sofia", "Berg", "1990-04-12", true, MELLOMVIK, "Fjellveien 7, 9901 Mellomvik"),
    Pers("person-daniel", "Daniel", "Berg", "today-3000", true, MELLOMVIK, "Fjellveien 7, 9901 Mellomvik"),
    Pers("person-jonas", "Jonas", "Dahl", "today-6500", false, MELLOMVIK, "Elvegata 14, 9901 Mellomvik"),
    Pers("person-adam", "Adam", "Lund", "today-6370", false, MELLOMVIK, "Bjørkeveien 22, 9901 Mellomvik"),
    Pers("person-adam-mor", "Hilde", "Lund", "1978-09-30", false, MELLOMVIK, "Bjørkeveien 22, 9901 Mellomvik"),
    Pers("person-adam-far", "Tor", "Lund", "1975-01-08", false, MELLOMVIK, "Bjørkeveien 22, 9901 Mellomvik"),
    Pers("person-daniel-far", "Erik", "Solberg", "1987-02-14", false, STORVIK, "Strandveien 40, 9902 Storvik"),
    Pers("person-mormor", "Randi", "Berg", "1962-08-19", false, STORVIK, "Havnegata 3, 9902 Storvik"),
];

const GUARDIANSHIPS: &[(&str, &str, bool)] = &[
    ("person-sofia", "person-daniel", true),
    ("person-daniel-far", "person-daniel", true),
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

/// Demo dates written as `today-<days>` are relative to the day the demo is loaded, so the children keep
/// their ages in the scenarios (Adam 17, Jonas nearly 18, Daniel 8) whenever Los is run.
fn demo_date(s: &str) -> NaiveDate {
    match s.strip_prefix("today-") {
        Some(days) => chrono::Utc::now().date_naive() - chrono::Duration::days(days.parse().expect("days")),
        None => date(s),
    }
}

/// The synthetic (Tenor-style) number the demo gives a person born on `birth`: the first individnummer
/// with valid check digits. Public so tests can find a demo person by number.
pub fn synthetic_fnr(birth: NaiveDate) -> Fodselsnummer {
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
    insert_confidential(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

struct DemoConsent {
    id: &'static str,
    case: &'static str,
    child: &'static str,
    domain: ConsentDomain,
    givers: &'static [(&'static str, GiverCapacity)],
    from: &'static [&'static str],
    to: &'static [&'static str],
    categories: &'static [InfoCategory],
    purpose: &'static str,
    consequences: &'static str,
    form: ConsentForm,
    recorded_by: &'static str,
    valid_from: &'static str,
    /// Days from today; negative for a consent that has ended.
    valid_days: Option<i64>,
    valid_to: Option<&'static str>,
}

const CONSENTS: &[DemoConsent] = &[
    DemoConsent {
        id: "samtykke-sofia-krisesenter",
        case: "sak-sofia-daniel",
        child: "person-daniel",
        domain: ConsentDomain::General,
        givers: &[("person-sofia", GiverCapacity::Parent)],
        from: &["storvik-krisesenter"],
        to: &["familievernkontor-demo", "mellomvik-barnevern", "nav-mellomvik"],
        categories: &[InfoCategory::General],
        purpose: "Krisesenteret kontakter familievernet, barnevernet og NAV i Mellomvik for å planlegge flyttingen tilbake.",
        consequences: "Tjenestene får vite at familien bor på krisesenteret og hva dere trenger. Uten samtykke må du kontakte hver tjeneste selv.",
        form: ConsentForm::Written,
        recorded_by: "krisesenter",
        valid_from: "2026-06-01",
        valid_days: None,
        valid_to: Some("2026-09-15"),
    },
    DemoConsent {
        id: "samtykke-sofia-barnevern-samordner",
        case: "sak-sofia-daniel",
        child: "person-daniel",
        domain: ConsentDomain::General,
        givers: &[("person-sofia", GiverCapacity::Parent)],
        from: &["mellomvik-barnevern", "familievernkontor-demo", "nav-mellomvik", "mellomvik-skole"],
        to: &["mellomvik-barnevern", "familievernkontor-demo", "nav-mellomvik", "mellomvik-skole"],
        categories: &[InfoCategory::General, InfoCategory::Education, InfoCategory::Social],
        purpose: "Barnevernstjenesten samordner tjenestene etter flyttingen; tjenestene deler det som trengs for å planlegge sammen.",
        consequences: "Tjenestene kan snakke sammen om Daniel og deg uten å spørre hver gang. Uten samtykke må hver tjeneste følge dere opp hver for seg.",
        form: ConsentForm::Written,
        recorded_by: "barnevern",
        valid_from: "2026-09-15",
        valid_days: Some(20),
        valid_to: None,
    },
    DemoConsent {
        id: "samtykke-adam-oppfolgingsteam",
        case: "sak-adam",
        child: "person-adam",
        domain: ConsentDomain::ChildWelfare,
        givers: &[("person-adam", GiverCapacity::Child)],
        from: &["mellomvik-barnevern", "mellomvik-vgs", "mellomvik-uteseksjon"],
        to: &["konfliktradet-demo"],
        categories: &[InfoCategory::ChildWelfare, InfoCategory::Education, InfoCategory::General],
        purpose: "Ungdomskoordinatoren får det som trengs for å lage og følge opp ungdomsplanen.",
        consequences: "Ungdomskoordinatoren ser hvordan det går på skolen og med tiltakene. Uten samtykke blir planen laget med mindre kunnskap.",
        form: ConsentForm::Written,
        recorded_by: "uk",
        valid_from: "today-120",
        valid_days: Some(200),
        valid_to: None,
    },
    DemoConsent {
        id: "samtykke-jonas-overgang",
        case: "sak-overgang",
        child: "person-jonas",
        domain: ConsentDomain::ChildWelfare,
        givers: &[("person-jonas", GiverCapacity::Child)],
        from: &["demofylke-ot", "nav-stat-mellomvik"],
        to: &["demofylke-ot", "nav-stat-mellomvik"],
        categories: &[InfoCategory::General, InfoCategory::Education],
        purpose: "OT og NAV tilpasser jobbsøking til skoleplanen.",
        consequences: "OT og NAV kan avtale timer og tiltak som passer med skolen. Uten samtykke må du selv bringe beskjeder mellom dem.",
        form: ConsentForm::Oral,
        recorded_by: "ot",
        valid_from: "today-60",
        valid_days: Some(150),
        valid_to: None,
    },
];

const NOTES: &[(&str, &str, &str, InfoCategory, &str, &str)] = &[
    (
        "notat-demo-1",
        "sak-sofia-daniel",
        "mellomvik-barnevern",
        InfoCategory::ChildWelfare,
        "barnevern",
        "Daniel sover dårlig og er redd for å møte faren. Vi har avtalt ukentlige samtaler med Sofia.",
    ),
    (
        "notat-demo-2",
        "sak-sofia-daniel",
        "mellomvik-skole",
        InfoCategory::Education,
        "laerer",
        "Daniel har begynt i 3. klasse og har fått SFO-plass. Han trenger en fast voksen i friminuttene.",
    ),
    (
        "notat-demo-3",
        "sak-sofia-daniel",
        "nav-mellomvik",
        InfoCategory::Social,
        "barnevern",
        "Sofia har søkt om bostøtte og stønad som enslig forsørger.",
    ),
    (
        "notat-demo-4",
        "sak-adam",
        "mellomvik-helsestasjon",
        InfoCategory::Health,
        "helsesykepleier",
        "Adam har fortalt helsesykepleier om søvnproblemer. Han ønsker ikke at foreldrene får vite detaljer.",
    ),
    (
        "notat-demo-5",
        "sak-adam",
        "mellomvik-vgs",
        InfoCategory::Education,
        "uk",
        "Fraværet er redusert fra 30 til 12 prosent siden oppstartsmøtet.",
    ),
];

async fn insert_confidential(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    let today = chrono::Utc::now().date_naive();
    for c in CONSENTS {
        let child = PERSONS.iter().find(|p| p.0 == c.child).expect("demo child");
        let birth = demo_date(child.3);
        let valid_from = demo_date(c.valid_from);
        let valid_to = match (c.valid_to, c.valid_days) {
            (Some(d), _) => date(d),
            (None, Some(days)) => today + chrono::Duration::days(days),
            (None, None) => today,
        };
        let child_age = valid_from.years_since(birth).unwrap_or(0);
        let situation = ConsentSituation {
            domain: c.domain,
            child_age,
            care_order: false,
            measures_directed_at_parents: false,
            both_required: false,
        };
        let givers: Vec<ConsentGiver> = c
            .givers
            .iter()
            .map(|(p, cap)| {
                let person = PERSONS.iter().find(|x| x.0 == *p).expect("demo giver");
                ConsentGiver {
                    person_id: Some((*p).into()),
                    capacity: *cap,
                    age: valid_from.years_since(demo_date(person.3)),
                }
            })
            .collect();
        // The demo consents obey the same rules as any other.
        validate_givers(situation, &givers, |p| GUARDIANSHIPS.iter().any(|(a, ch, r)| *a == p && *ch == c.child && *r))
            .map_err(|e| StoreError::Integrity(format!("demo consent {} is invalid: {e}", c.id)))?;
        consent::Entity::insert(consent::ActiveModel {
            id: Set(c.id.into()),
            case_id: Set(c.case.into()),
            subject_person_id: Set(c.child.into()),
            domain: Set(c.domain.as_str().into()),
            from_services: Set(c.from.join(",")),
            to_services: Set(c.to.join(",")),
            categories: Set(c.categories.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",")),
            purpose: Set(c.purpose.into()),
            consequences: Set(c.consequences.into()),
            form: Set(c.form.as_str().into()),
            recorded_by: Set(c.recorded_by.into()),
            recorded_at: Set(at(&demo_date(c.valid_from).to_string())),
            valid_from: Set(valid_from),
            valid_to: Set(valid_to),
            withdrawn_at: Set(None),
            withdrawn_by: Set(None),
            withdrawal_reason: Set(None),
            renews: Set(None),
            care_order: Set(false),
            measures_directed_at_parents: Set(false),
            both_required: Set(false),
            // The services named stood behind these consents when they were recorded.
            confirmed_from: Set(c.from.join(",")),
        })
        .exec_without_returning(txn)
        .await?;
        for g in givers {
            consent_giver::Entity::insert(consent_giver::ActiveModel {
                consent_id: Set(c.id.into()),
                person_id: Set(g.person_id),
                capacity: Set(g.capacity.as_str().into()),
                age: Set(g.age.map(|a| a as i32)),
                ..Default::default()
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    for (id, case_id, service, category, by, body) in NOTES {
        case_note::Entity::insert(case_note::ActiveModel {
            id: Set((*id).into()),
            case_id: Set((*case_id).into()),
            service_id: Set((*service).into()),
            category: Set(category.as_str().into()),
            body: Set((*body).into()),
            created_by: Set((*by).into()),
            created_at: Set(at("2026-10-01")),
            supersedes: Set(None),
            open_to_child: Set(false),
        })
        .exec_without_returning(txn)
        .await?;
    }
    insert_cooperation(txn).await?;
    insert_meetings(txn).await?;
    insert_rights(txn).await?;
    child_coordinator::insert(txn).await?;
    individual_plan::insert(txn).await?;
    legal_basis::Entity::insert(legal_basis::ActiveModel {
        id: Set("hjemmel-demo-1".into()),
        case_id: Set("sak-adam".into()),
        from_service: Set("mellomvik-vgs".into()),
        to_service: Set("konfliktradet-demo".into()),
        category: Set(InfoCategory::DecisionFact.as_str().into()),
        reference: Set("forvaltningsloven § 13 b første ledd nr. 5 (ii)".into()),
        justification: Set(
            "Ungdomskoordinatoren må vite at skolen har fattet vedtak om tilrettelagt opplæring, ikke begrunnelsen."
                .into(),
        ),
        recorded_by: Set("uk".into()),
        recorded_at: Set(at("2026-03-01")),
        valid_to: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// A demo screening: (id, case, right, outcome, service, reference, reasoning, by, by service, day).
type DemoScreening = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The individual-rights screening of the scenarios (spec 01 §8.C item 15): Adam's individual plan is asked for at
/// child welfare (Jonas's plan is its own object, `individual_plan`), and the coordinator right is left for the services to screen
/// (it shows as a prompt and on the worklist). Sofia and Daniel's case has not been screened yet. The child
/// coordinator is not screened here: it has its own process (`child_coordinator`).
async fn insert_rights(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    let rows: [DemoScreening; 1] = [(
        "rettighet-demo-adam-ip",
        "sak-adam",
        "individual_plan",
        "requested",
        Some("mellomvik-barnevern"),
        None,
        "Adam og foreldrene ønsker individuell plan for tiden etter straffen. Meldt til barnevernstjenesten (barnevernsloven § 15-9).",
        "uk",
        "konfliktradet-demo",
        "2026-03-01",
    )];
    for (id, case_id, kind, outcome, service, reference, reasoning, by, by_service, day) in rows {
        rights_screening::Entity::insert(rights_screening::ActiveModel {
            id: Set(id.into()),
            case_id: Set(case_id.into()),
            kind: Set(kind.into()),
            outcome: Set(outcome.into()),
            service_id: Set(service.map(str::to_owned)),
            person: Set(None),
            reference: Set(reference.map(str::to_owned)),
            reasoning: Set(reasoning.into()),
            assessed_by: Set(by.into()),
            assessed_by_service: Set(by_service.into()),
            assessed_at: Set(at(day)),
            superseded_at: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
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
            active: Set(true),
            deactivated_at: Set(None),
            orgnr: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for p in PERSONS {
        let birth = demo_date(p.3);
        person::Entity::insert(person::ActiveModel {
            id: Set(p.0.into()),
            fnr: Set(Some(synthetic_fnr(birth).as_str().to_owned())),
            given_name: Set(p.1.into()),
            family_name: Set(p.2.into()),
            birth_date: Set(birth),
            protected_address: Set(p.4),
            registered_kommune: Set(p.5.into()),
            address: Set(Some(p.6.into())),
            expected_due_date: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for (adult, child, resp) in GUARDIANSHIPS {
        guardianship::Entity::insert(guardianship::ActiveModel {
            adult_person_id: Set((*adult).into()),
            child_person_id: Set((*child).into()),
            parental_responsibility: Set(*resp),
            relation: Set("parent".into()),
            access_granted: Set(false),
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
            // Employees get a reminder address that can never be delivered (.invalid, RFC 2606).
            email: Set((u.2 == "employee").then(|| format!("{}@demo.los.invalid", u.0))),
            external_subject: Set(None),
            active: Set(true),
            deactivated_at: Set(None),
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
            health_private_from_parents: Set(false),
            care_kommune: Set(None),
            placement_kommune: Set(None),
            second_residence_kommune: Set(None),
            local_clarification: Set(None),
            state: Set(CaseState::Open.as_str().into()),
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

/// (id, case, service, basis, agreed by, decided by, child's view, parents' view, reasons, from, to, told how)
type DemoAssignment<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);
/// (id, case, kind, title, responsible, for person, position, depends on, status, measure type)
type DemoPlanItem<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    i32,
    Option<&'a str>,
    &'a str,
    Option<&'a str>,
);

/// Who coordinates, assessments, the plan and Adam's sentence: the scenarios as the services left them.
async fn insert_cooperation(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    decision_maker::Entity::insert(decision_maker::ActiveModel {
        kommunenummer: Set(MELLOMVIK.into()),
        valid_from: Set(date("2024-01-01")),
        kind: Set("coordinating_unit".into()),
        title: Set("Koordinerende enhet i Mellomvik".into()),
        decider_role: Set("coordinating_unit_handler".into()),
        delegation_ref: Set(
            "Delegasjonsreglement for Mellomvik kommune § 7-3 (kommunedirektørens delegering), vedtatt 2023-06-15"
                .into(),
        ),
        contact: Set("koordinerende-enhet@demo.los.invalid, +47 21 00 10 40".into()),
    })
    .exec_without_returning(txn)
    .await?;
    decision_maker::Entity::insert(decision_maker::ActiveModel {
        kommunenummer: Set(STORVIK.into()),
        valid_from: Set(date("2024-01-01")),
        kind: Set("kommunedirektor".into()),
        title: Set("Kommunedirektøren i Storvik".into()),
        decider_role: Set("leader".into()),
        delegation_ref: Set("Ikke delegert; kommuneloven § 13-1".into()),
        contact: Set("postmottak@storvik.demo.los.invalid".into()),
    })
    .exec_without_returning(txn)
    .await?;
    // (id, case, service, basis, agreed_by, decided_by, child view, parents view, reasons, from, to, communicated)
    let assignments: [DemoAssignment; 4] = [
        (
            "samordning-demo-1",
            "sak-overgang",
            "demofylke-ot",
            "agreed_non_municipal",
            "demofylke-ot,nav-stat-mellomvik,mellomvik-legekontor",
            "ot",
            "Jonas vil at OT skal holde i trådene fordi han kjenner rådgiveren.",
            "Ikke aktuelt: Jonas er snart 18 og har ikke kontakt med foreldrene.",
            "OT følger opp skoleløpet, og NAV og fastlegen er enige.",
            "2026-05-12",
            None,
            Some("Samtale med Jonas og brev i Digipost"),
        ),
        (
            "samordning-demo-2",
            "sak-sofia-daniel",
            "storvik-krisesenter",
            "agreed_by_services",
            "storvik-krisesenter,familievernkontor-demo,mellomvik-barnevern,nav-mellomvik",
            "krisesenter",
            "Daniel vil at «de på krisesenteret» skal hjelpe.",
            "Sofia ønsker at krisesenteret samordner mens de bor der.",
            "Krisesenteret har mest kontakt med familien under oppholdet.",
            "2026-06-20",
            Some("2026-09-15"),
            Some("Samtale med Sofia og Daniel"),
        ),
        (
            "samordning-demo-3",
            "sak-sofia-daniel",
            "mellomvik-barnevern",
            "agreed_by_services",
            "familievernkontor-demo,mellomvik-barnevern,nav-mellomvik,mellomvik-skole",
            "barnevern",
            "Daniel vil gjerne fortsette å snakke med Berit i barnevernet.",
            "Sofia ønsker at barnevernet tar over samordningen etter flyttingen.",
            "Barnevernet kjenner familien og har rutiner for tverrfaglig samarbeid i oppvekstområdet.",
            "2026-09-15",
            None,
            None,
        ),
        (
            "samordning-demo-4",
            "sak-adam",
            "konfliktradet-demo",
            "agreed_non_municipal",
            "konfliktradet-demo,mellomvik-vgs,mellomvik-barnevern,mellomvik-uteseksjon,mellomvik-helsestasjon,politikontakt-mellomvik,friomsorg-demo",
            "uk",
            "Adam vil helst ha én voksen å forholde seg til: ungdomskoordinatoren.",
            "Foreldrene støtter at ungdomskoordinatoren leder teamet.",
            "Ungdomskoordinatoren samordner ungdomsstraffen (konfliktrådsloven), og tjenestene er enige.",
            "2026-02-05",
            None,
            Some("Oppstartsmøtet 2026-02-10"),
        ),
    ];
    for a in assignments {
        coordination::Entity::insert(coordination::ActiveModel {
            id: Set(a.0.into()),
            case_id: Set(a.1.into()),
            service_id: Set(a.2.into()),
            basis: Set(a.3.into()),
            agreed_by: Set(a.4.into()),
            decided_by: Set(a.5.into()),
            decided_role: Set(Some("case_worker".into())),
            delegation_ref: Set(None),
            child_view: Set(a.6.into()),
            parents_view: Set(a.7.into()),
            reasons: Set(a.8.into()),
            decided_at: Set(format!("{}T12:00:00Z", a.9).parse().expect("demo time")),
            valid_from: Set(date(a.9)),
            valid_to: Set(a.10.map(date)),
            communicated_at: Set(a.11.map(|_| at(a.9))),
            communicated_how: Set(a.11.map(str::to_owned)),
            dispute_id: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    // (id, case, service, result, reasoning, child voice, wishes, by, date)
    let assessments = [
        (
            "vurdering-demo-1",
            "sak-overgang",
            "demofylke-ot",
            "necessary",
            "Skole, arbeid og gjeld må ses sammen for at Jonas ikke skal falle ut.",
            "heard",
            "Jonas vil ha jobb ved siden av skolen og hjelp med gjelda.",
            "ot",
            "2026-05-11",
        ),
        (
            "vurdering-demo-2",
            "sak-overgang",
            "nav-stat-mellomvik",
            "necessary",
            "Oppfølging mot arbeid må tilpasses skoleplanen.",
            "heard",
            "Jonas vil ha jobb ved siden av skolen.",
            "nav",
            "2026-05-11",
        ),
        (
            "vurdering-demo-3",
            "sak-sofia-daniel",
            "mellomvik-barnevern",
            "necessary",
            "Bolig, skole, SFO og økonomi henger sammen etter flyttingen.",
            "heard",
            "Daniel vil bo nær den nye skolen og ha SFO med vennene sine.",
            "barnevern",
            "2026-06-20",
        ),
        (
            "vurdering-demo-4",
            "sak-adam",
            "konfliktradet-demo",
            "necessary",
            "Ungdomsstraffen bygger på tverretatlig oppfølging.",
            "heard",
            "Adam vil ha færre voksne rundt seg og snakke med én han stoler på.",
            "uk",
            "2026-02-05",
        ),
    ];
    for a in assessments {
        assessment::Entity::insert(assessment::ActiveModel {
            id: Set(a.0.into()),
            case_id: Set(a.1.into()),
            service_id: Set(a.2.into()),
            result: Set(a.3.into()),
            reasoning: Set(a.4.into()),
            child_voice: Set(a.5.into()),
            child_wishes: Set(a.6.into()),
            needs_of_child: Set(true),
            needs_of_parents: Set(a.1 == "sak-sofia-daniel"),
            best_interests_id: Set(None),
            assessed_by: Set(a.7.into()),
            assessed_at: Set(at(a.8)),
            cooperate_with: Set(None),
            cooperate_on: Set(None),
            extent_duration: Set(None),
            organisation: Set(None),
            situations: Set(Some(
                match a.1 {
                    "sak-sofia-daniel" => "many_providers_family",
                    "sak-adam" => "challenging_behaviour",
                    _ => "",
                }
                .into(),
            )),
            deviation_reason: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    // (id, case, kind, title, responsible, for person, position, depends on, status, measure type)
    let plan: [DemoPlanItem; 8] = [
        (
            "plan-demo-1",
            "sak-sofia-daniel",
            "goal",
            "Daniel og Sofia har en trygg bolig nær den nye skolen",
            None,
            None,
            1,
            None,
            "started",
            None,
        ),
        (
            "plan-demo-2",
            "sak-sofia-daniel",
            "measure",
            "Finne bolig som oppfyller sikkerhetskravene",
            Some("mellomvik-boligkontor"),
            Some("person-sofia"),
            1,
            None,
            "done",
            Some("help"),
        ),
        (
            "plan-demo-3",
            "sak-sofia-daniel",
            "measure",
            "SFO-plass og fast voksen i friminuttene",
            Some("mellomvik-skole"),
            Some("person-daniel"),
            2,
            Some("plan-demo-2"),
            "started",
            Some("help"),
        ),
        (
            "plan-demo-4",
            "sak-sofia-daniel",
            "measure",
            "Råd om stønad som enslig forsørger og bostøtte",
            Some("nav-mellomvik"),
            Some("person-sofia"),
            3,
            None,
            "started",
            Some("help"),
        ),
        (
            "plan-demo-5",
            "sak-adam",
            "goal",
            "Adam fullfører skoleåret og holder avtalene i ungdomsplanen",
            None,
            None,
            1,
            None,
            "started",
            None,
        ),
        (
            "plan-demo-6",
            "sak-adam",
            "measure",
            "Møte på skolen hver dag, med oppfølging av miljøarbeider",
            Some("mellomvik-vgs"),
            Some("person-adam"),
            1,
            None,
            "started",
            Some("help"),
        ),
        (
            "plan-demo-7",
            "sak-adam",
            "measure",
            "Innetid kl. 22 på hverdager",
            Some("konfliktradet-demo"),
            Some("person-adam"),
            2,
            None,
            "started",
            Some("control"),
        ),
        (
            "plan-demo-8",
            "sak-overgang",
            "goal",
            "Jonas fullfører studiekompetanse og har deltidsjobb",
            None,
            None,
            1,
            None,
            "started",
            None,
        ),
    ];
    for p in plan {
        plan_item::Entity::insert(plan_item::ActiveModel {
            id: Set(p.0.into()),
            case_id: Set(p.1.into()),
            kind: Set(p.2.into()),
            title: Set(p.3.into()),
            responsible_service: Set(p.4.map(str::to_owned)),
            for_person: Set(p.5.map(str::to_owned)),
            position: Set(p.6),
            depends_on: Set(p.7.map(str::to_owned)),
            status: Set(p.8.into()),
            measure_type: Set(p.9.map(str::to_owned)),
            release_area: Set(None),
            created_by: Set("demo".into()),
            // Relative to the day the demo is loaded, so the plan is "recently evaluated" under the default
            // 90-day cadence whenever Los is run.
            created_at: Set(chrono::Utc::now() - chrono::Duration::days(20)),
            supersedes: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    sentence::Entity::insert(sentence::ActiveModel {
        id: Set("straff-demo-adam".into()),
        case_id: Set("sak-adam".into()),
        kind: Set("ungdomsstraff".into()),
        starts_on: Set(date("2026-02-01")),
        ends_on: Set(date("2028-02-01")),
        youth_coordinator_service: Set("konfliktradet-demo".into()),
        recorded_by: Set("uk".into()),
    })
    .exec_without_returning(txn)
    .await?;
    let team = [
        ("youth_coordinator", Some("konfliktradet-demo"), "Ulrik Koordinator"),
        ("police_contact", Some("politikontakt-mellomvik"), "Politikontakten i Mellomvik"),
        ("correctional_service", Some("friomsorg-demo"), "Friomsorgskontoret i Demo"),
        ("service", Some("mellomvik-vgs"), "Miljøarbeider, Mellomvik videregående skole"),
        ("service", Some("mellomvik-barnevern"), "Berit Vern, barnevernstjenesten"),
        ("service", Some("mellomvik-uteseksjon"), "Utekontakten"),
        ("service", Some("mellomvik-helsestasjon"), "Hanne Helse, helsesykepleier"),
        ("parent", None, "Hilde Lund"),
        ("parent", None, "Tor Lund"),
    ];
    for (i, (role, service, name)) in team.iter().enumerate() {
        team_member::Entity::insert(team_member::ActiveModel {
            id: Set(format!("team-demo-{i}")),
            case_id: Set("sak-adam".into()),
            sentence_id: Set("straff-demo-adam".into()),
            role: Set((*role).into()),
            service_id: Set(service.map(str::to_owned)),
            person_id: Set(None),
            name: Set((*name).into()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// A demo meeting: (id, case, series, kind, starts, minutes long, place, agenda, invited, excluded by the
/// child, the child's participation, arranged by, minutes as (attended, text, follow-ups)).
type DemoMeeting = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    chrono::NaiveDateTime,
    i32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
);

/// The meetings of the scenarios (spec 01 §4.6 B: regular cooperation meetings after the move; §5.2: Adam's
/// start-up meeting, regular team meetings and a restorative meeting) and NAV's decision in the transition
/// example. Future meetings are placed relative to the day the demo is loaded.
async fn insert_meetings(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    let today = chrono::Utc::now().date_naive();
    let ahead = |days: i64, hour: u32| (today + chrono::Duration::days(days)).and_hms_opt(hour, 0, 0).expect("time");
    let fixed = |d: &str, hour: u32| date(d).and_hms_opt(hour, 0, 0).expect("time");
    let sofia_all = "mellomvik-barnevern,mellomvik-skole,nav-mellomvik,familievernkontor-demo";
    let adam_team = "konfliktradet-demo,mellomvik-vgs,mellomvik-barnevern,mellomvik-uteseksjon,mellomvik-helsestasjon,politikontakt-mellomvik,friomsorg-demo";
    let mut meetings: Vec<DemoMeeting> = vec![
        (
            "mote-demo-sofia-0",
            "sak-sofia-daniel",
            None,
            "cooperation",
            fixed("2026-09-20", 10),
            90,
            "Mellomvik rådhus",
            "Hvem samordner etter krisesenteret; bolig, skole og SFO",
            sofia_all,
            "",
            "written_views",
            "mellomvik-barnevern",
            Some((
                sofia_all,
                "Barnevernet samordner videre etter Sofias ønske. Boligkontoret har funnet bolig nær skolen.",
                "Familievernkontoret tilbyr samtaler; Sofia tar stilling til det selv.",
            )),
        ),
        (
            "mote-demo-adam-0",
            "sak-adam",
            None,
            "start_up",
            fixed("2026-02-03", 9),
            120,
            "Konfliktrådet i Demo",
            "Ungdomsplanen: hjelpe- og kontrolltiltak, hvem Adam vil snakke med",
            adam_team,
            "",
            "attends",
            "konfliktradet-demo",
            Some((adam_team, "Ungdomsplanen er satt. Adam vil helst snakke med miljøarbeideren på skolen.", "")),
        ),
        (
            "mote-demo-adam-gjenopprettende",
            "sak-adam",
            None,
            "restorative",
            ahead(10, 13),
            90,
            "Konfliktrådet i Demo",
            "Gjenopprettende møte med fornærmede",
            "konfliktradet-demo",
            "",
            "attends",
            "konfliktradet-demo",
            None,
        ),
    ];
    for i in 0..4 {
        meetings.push((
            ["mote-demo-sofia-1", "mote-demo-sofia-2", "mote-demo-sofia-3", "mote-demo-sofia-4"][i],
            "sak-sofia-daniel",
            Some("serie-demo-sofia"),
            "cooperation",
            ahead(7 + 28 * i as i64, 9),
            60,
            "Mellomvik skole",
            "Hvordan går det med Daniel og Sofia? Rekkefølgen på tiltakene.",
            sofia_all,
            "",
            "part_of_meeting",
            "mellomvik-barnevern",
            None,
        ));
        meetings.push((
            ["mote-demo-adam-1", "mote-demo-adam-2", "mote-demo-adam-3", "mote-demo-adam-4"][i],
            "sak-adam",
            Some("serie-demo-adam"),
            "follow_up",
            ahead(3 + 14 * i as i64, 14),
            60,
            "Mellomvik videregående skole",
            "Hvordan går straffegjennomføringen og Adam?",
            // Adam does not want the police contact in the regular meetings; they contribute outside.
            "konfliktradet-demo,mellomvik-vgs,mellomvik-barnevern,mellomvik-uteseksjon,mellomvik-helsestasjon,friomsorg-demo",
            "politikontakt-mellomvik",
            "attends",
            "konfliktradet-demo",
            None,
        ));
    }
    for m in meetings {
        meeting::Entity::insert(meeting::ActiveModel {
            id: Set(m.0.into()),
            case_id: Set(m.1.into()),
            series_id: Set(m.2.map(str::to_owned)),
            kind: Set(m.3.into()),
            starts_at: Set(m.4),
            duration_minutes: Set(m.5),
            place: Set(m.6.into()),
            agenda: Set(m.7.into()),
            invited: Set(m.8.into()),
            excluded_by_child: Set(m.9.into()),
            child_participation: Set(m.10.into()),
            arranged_by_service: Set(m.11.into()),
            created_by: Set("demo".into()),
            created_at: Set(at("2026-10-01")),
            cancelled_at: Set(None),
            cancelled_by: Set(None),
            cancel_reason: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
        if let Some((attended, text, follow_ups)) = m.12 {
            meeting_minutes::Entity::insert(meeting_minutes::ActiveModel {
                id: Set(format!("referat-{}", m.0)),
                case_id: Set(m.1.into()),
                meeting_id: Set(m.0.into()),
                attended: Set(attended.into()),
                minutes: Set(text.into()),
                follow_ups: Set(follow_ups.into()),
                recorded_by: Set(if m.1 == "sak-adam" { "uk" } else { "barnevern" }.into()),
                recorded_at: Set(chrono::DateTime::from_naive_utc_and_offset(
                    m.4 + chrono::Duration::hours(3),
                    chrono::Utc,
                )),
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    // Follow-ups agreed at the past meetings, with owners and due dates: one of the school's is done, its
    // other one and NAV's are overdue; Adam's are open. The next Sofia meeting has a preparation checklist, one item ticked off.
    let actions = [
        (
            "oppf-demo-sofia-sfo",
            "mote-demo-sofia-0",
            "sak-sofia-daniel",
            "SFO-plass for Daniel fra oppstart",
            "mellomvik-skole",
            date("2026-10-01"),
            Some("SFO-plass fra 1. oktober"),
        ),
        (
            "oppf-demo-sofia-nav",
            "mote-demo-sofia-0",
            "sak-sofia-daniel",
            "Hjelpe Sofia med søknad om stønad til enslig forsørger",
            "nav-mellomvik",
            date("2026-10-01"),
            None,
        ),
        (
            "oppf-demo-sofia-voksen",
            "mote-demo-sofia-0",
            "sak-sofia-daniel",
            "Finne en fast voksen for Daniel i friminuttene",
            "mellomvik-skole",
            date("2026-10-15"),
            None,
        ),
        (
            "oppf-demo-adam-skole",
            "mote-demo-adam-0",
            "sak-adam",
            "Følge opp daglig oppmøte (miljøarbeider)",
            "mellomvik-vgs",
            today + chrono::Duration::days(21),
            None,
        ),
        (
            "oppf-demo-adam-innetid",
            "mote-demo-adam-0",
            "sak-adam",
            "Innetid kl. 22 på hverdager: sjekke med Adam hver uke",
            "konfliktradet-demo",
            today + chrono::Duration::days(7),
            None,
        ),
    ];
    for (id, meeting_id, case_id, description, owner, due_on, done) in actions {
        meeting_action::Entity::insert(meeting_action::ActiveModel {
            id: Set(id.into()),
            case_id: Set(case_id.into()),
            meeting_id: Set(meeting_id.into()),
            description: Set(description.into()),
            owner_service: Set(owner.into()),
            due_on: Set(due_on),
            created_by: Set(if case_id == "sak-adam" { "uk" } else { "barnevern" }.into()),
            created_at: Set(at("2026-10-01")),
            done_at: Set(done.map(|_| at("2026-09-30"))),
            done_by: Set(done.map(|_| "laerer".into())),
            done_note: Set(done.map(str::to_owned)),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for (i, (text, done)) in
        [("Skolens rapport om Daniels første uker", true), ("Spørre Sofia og Daniel hvem de vil snakke med", false)]
            .into_iter()
            .enumerate()
    {
        meeting_preparation::Entity::insert(meeting_preparation::ActiveModel {
            id: Set(format!("forb-demo-sofia-{i}")),
            case_id: Set("sak-sofia-daniel".into()),
            meeting_id: Set("mote-demo-sofia-1".into()),
            position: Set(i as i32),
            text: Set(text.into()),
            done_at: Set(done.then(|| at("2026-10-01"))),
            done_by: Set(done.then(|| "barnevern".into())),
        })
        .exec_without_returning(txn)
        .await?;
    }
    external_decision::Entity::insert(external_decision::ActiveModel {
        id: Set("vedtak-demo-nav-1".into()),
        case_id: Set("sak-overgang".into()),
        service_id: Set("nav-stat-mellomvik".into()),
        title: Set("Vedtak om arbeidsrettet oppfølging; henvist til gjeldsrådgiver".into()),
        reference: Set(Some("NAV 26/4411".into())),
        decided_on: Set(date("2026-06-02")),
        recorded_by: Set("nav".into()),
        recorded_at: Set(at("2026-06-02")),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
