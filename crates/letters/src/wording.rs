//! The letter's wording in bokmål and nynorsk, and its order: turns a [`Letter`] into the [`Layout`]
//! both outputs are made from.

use chrono::Datelike;

use crate::{Fact, Language, Layout, Letter, LetterKind, Section, Ymd};

/// Bokmål and nynorsk forms of one piece of text.
fn pick(language: Language, nb: &'static str, nn: &'static str) -> &'static str {
    match language {
        Language::Bokmal => nb,
        Language::Nynorsk => nn,
    }
}

pub(crate) fn title(language: Language, kind: LetterKind) -> &'static str {
    // The titles are the same in both written standards.
    let _ = language;
    match kind {
        LetterKind::Grant => "Vedtak om barnekoordinator",
        LetterKind::Refusal => "Avslag på søknad om barnekoordinator",
        LetterKind::Change => "Endring av barnekoordinator",
        LetterKind::Termination => "Avslutning av barnekoordinator",
    }
}

/// "6. desember 2026" (the month names are the same in bokmål and nynorsk).
pub(crate) fn long_date(date: chrono::NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    format!("{}. {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

/// 2 to 12 in words (the same in bokmål and nynorsk); other numbers in digits.
fn number(n: u32) -> String {
    const WORDS: [&str; 11] = ["to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv"];
    match n {
        2..=12 => WORDS[(n - 2) as usize].to_owned(),
        _ => n.to_string(),
    }
}

/// The complaint deadline: in weeks when it is a whole number of weeks ("fire uker" / "fire veker"),
/// otherwise in days ("10 dager" / "10 dagar").
pub(crate) fn deadline(language: Language, days: u32) -> String {
    if days > 0 && days.is_multiple_of(7) {
        match (days / 7, language) {
            (1, Language::Bokmal) => "én uke".to_owned(),
            (1, Language::Nynorsk) => "éi veke".to_owned(),
            (weeks, Language::Bokmal) => format!("{} uker", number(weeks)),
            (weeks, Language::Nynorsk) => format!("{} veker", number(weeks)),
        }
    } else {
        match (days, language) {
            (1, Language::Bokmal) => "én dag".to_owned(),
            (1, Language::Nynorsk) => "éin dag".to_owned(),
            (days, Language::Bokmal) => format!("{days} dager"),
            (days, Language::Nynorsk) => format!("{days} dagar"),
        }
    }
}

/// One line of user text: control characters (tabs, line breaks, a stray carriage return) become
/// spaces, and the ends are trimmed.
pub(crate) fn line(text: &str) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    cleaned.trim().to_owned()
}

/// The reasons as paragraphs: split at blank lines, every line cleaned as by [`line`], single line
/// breaks kept (`\r\n` counts as one).
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for raw in text.lines() {
        let cleaned = line(raw);
        if cleaned.is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(cleaned);
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

fn non_empty(items: &[String]) -> Vec<String> {
    items.iter().map(|s| line(s)).filter(|s| !s.is_empty()).collect()
}

/// The letter with every one-line field cleaned by [`line`] (the reasons are split by
/// [`paragraphs`] later).
fn cleaned(letter: &Letter) -> Letter {
    let c = &letter.complaint;
    Letter {
        municipality: line(&letter.municipality),
        unit: line(&letter.unit),
        unit_contact: line(&letter.unit_contact),
        reference: line(&letter.reference),
        recipients: non_empty(&letter.recipients),
        child_name: line(&letter.child_name),
        child_detail: line(&letter.child_detail),
        coordinator: letter.coordinator.as_deref().map(line).filter(|s| !s.is_empty()),
        legal_basis: non_empty(&letter.legal_basis),
        complaint: crate::ComplaintInfo {
            body: line(&c.body),
            law: line(&c.law),
            deadline_days: c.deadline_days,
            send_to: line(&c.send_to),
        },
        signed_by: line(&letter.signed_by),
        ..letter.clone()
    }
}

/// The sentences that state the decision.
fn decision(letter: &Letter) -> Vec<String> {
    let lang = letter.language;
    let municipality = &letter.municipality;
    let child = &letter.child_name;
    let coordinator = letter.coordinator.as_deref();
    let mut out = vec![match lang {
        Language::Bokmal => format!("Vi har vurdert saken om barnekoordinator for {child}."),
        Language::Nynorsk => format!("Vi har vurdert saka om barnekoordinator for {child}."),
    }];
    match letter.kind {
        LetterKind::Grant => {
            out.push(match lang {
                Language::Bokmal => format!(
                    "{municipality} har kommet fram til at familien har rett til barnekoordinator. \
                     {child} og familien får barnekoordinator."
                ),
                Language::Nynorsk => format!(
                    "{municipality} har kome fram til at familien har rett til barnekoordinator. \
                     {child} og familien får barnekoordinator."
                ),
            });
            out.push(match (coordinator, lang) {
                (Some(c), Language::Bokmal) => format!("Barnekoordinatoren deres er {c}."),
                (Some(c), Language::Nynorsk) => format!("Barnekoordinatoren dykkar er {c}."),
                (None, Language::Bokmal) => "Dere får beskjed om hvem som blir barnekoordinator.".to_owned(),
                (None, Language::Nynorsk) => "De får melding om kven som blir barnekoordinator.".to_owned(),
            });
            out.push(
                pick(
                    lang,
                    "Barnekoordinatoren skal sørge for at tjenestene til barnet blir samordnet, gi \
                     dere informasjon og veiledning, og følge opp familien.",
                    "Barnekoordinatoren skal sørgje for at tenestene til barnet blir samordna, gi \
                     dykk informasjon og rettleiing, og følgje opp familien.",
                )
                .to_owned(),
            );
        }
        LetterKind::Refusal => out.push(match lang {
            Language::Bokmal => format!(
                "{municipality} har kommet fram til at vilkårene for rett til barnekoordinator ikke \
                 er oppfylt. Familien får derfor ikke barnekoordinator."
            ),
            Language::Nynorsk => format!(
                "{municipality} har kome fram til at vilkåra for rett til barnekoordinator ikkje er \
                 oppfylte. Familien får difor ikkje barnekoordinator."
            ),
        }),
        LetterKind::Change => {
            out.push(match lang {
                Language::Bokmal => {
                    format!("{municipality} har vedtatt å endre hvem som er barnekoordinator.")
                }
                Language::Nynorsk => {
                    format!("{municipality} har gjort vedtak om å endre kven som er barnekoordinator.")
                }
            });
            out.push(match (coordinator, lang) {
                (Some(c), _) => format!("Ny barnekoordinator er {c}."),
                (None, Language::Bokmal) => "Dere får beskjed om hvem som blir ny barnekoordinator.".to_owned(),
                (None, Language::Nynorsk) => "De får melding om kven som blir ny barnekoordinator.".to_owned(),
            });
        }
        LetterKind::Termination => out.push(match lang {
            Language::Bokmal => format!(
                "{municipality} har kommet fram til at familien ikke lenger skal ha \
                 barnekoordinator. Tjenesten med barnekoordinator avsluttes."
            ),
            Language::Nynorsk => format!(
                "{municipality} har kome fram til at familien ikkje lenger skal ha \
                 barnekoordinator. Tenesta med barnekoordinator blir avslutta."
            ),
        }),
    }
    out
}

/// The paragraphs of "Rett til å klage".
fn complaint(letter: &Letter) -> Vec<String> {
    let c = &letter.complaint;
    let (body, law, send_to) = (&c.body, &c.law, &c.send_to);
    let deadline = deadline(letter.language, c.deadline_days);
    let reference = &letter.reference;
    match letter.language {
        Language::Bokmal => vec![
            format!("Dere har rett til å klage på vedtaket til {body} etter {law}."),
            format!("Fristen for å klage er {deadline} fra den dagen dere fikk dette brevet."),
            format!(
                "Klagen skal sendes til {send_to}. Merk klagen med referansen {reference}. Vi \
                 vurderer saken på nytt og kan selv endre vedtaket før klagen blir sendt videre til \
                 {body}."
            ),
            "Dere kan også klage hvis dere mener at kommunen ikke oppfyller retten til \
             barnekoordinator."
                .to_owned(),
            "Reglene i forvaltningsloven kapittel IV og V gjelder ikke for dette vedtaket \
             (pasient- og brukerrettighetsloven § 2-7). Vedtaket er likevel skriftlig og \
             begrunnet, og det blir oppbevart sammen med saken."
                .to_owned(),
        ],
        Language::Nynorsk => vec![
            format!("De har rett til å klage på vedtaket til {body} etter {law}."),
            format!("Fristen for å klage er {deadline} frå den dagen de fekk dette brevet."),
            format!(
                "Klagen skal sendast til {send_to}. Merk klagen med referansen {reference}. Vi \
                 vurderer saka på nytt og kan sjølve endre vedtaket før klagen blir send vidare til \
                 {body}."
            ),
            "De kan òg klage dersom de meiner at kommunen ikkje oppfyller retten til \
             barnekoordinator."
                .to_owned(),
            "Reglane i forvaltningslova kapittel IV og V gjeld ikkje for dette vedtaket \
             (pasient- og brukarrettslova § 2-7). Vedtaket er likevel skriftleg og grunngitt, og \
             det blir teke vare på saman med saka."
                .to_owned(),
        ],
    }
}

pub(crate) fn layout(letter: &Letter) -> Layout {
    let letter = &cleaned(letter);
    let lang = letter.language;
    let title = title(lang, letter.kind).to_owned();
    let child = match letter.child_detail.as_str() {
        "" => letter.child_name.clone(),
        detail => format!("{}, {detail}", letter.child_name.as_str()),
    };
    let mut sections = vec![Section { heading: "Vedtak".into(), paragraphs: decision(letter), items: vec![] }];
    let reasons = paragraphs(&letter.reasons);
    if !reasons.is_empty() {
        sections.push(Section {
            heading: pick(lang, "Begrunnelse", "Grunngiving").into(),
            paragraphs: reasons,
            items: vec![],
        });
    }
    let legal_basis = non_empty(&letter.legal_basis);
    if !legal_basis.is_empty() {
        sections.push(Section {
            heading: "Lovgrunnlag".into(),
            paragraphs: vec![pick(lang, "Vedtaket har hjemmel i:", "Vedtaket har heimel i:").to_owned()],
            items: legal_basis,
        });
    }
    sections.push(Section { heading: "Rett til å klage".into(), paragraphs: complaint(letter), items: vec![] });

    let signature = [letter.signed_by.as_str(), letter.unit.as_str(), letter.municipality.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();

    Layout {
        lang: lang.tag(),
        author: [letter.unit.as_str(), letter.municipality.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        title,
        date: Ymd { year: letter.date.year(), month: letter.date.month(), day: letter.date.day() },
        municipality: letter.municipality.clone(),
        unit: letter.unit.clone(),
        unit_contact: letter.unit_contact.clone(),
        recipients: non_empty(&letter.recipients),
        facts: vec![
            Fact { label: "Dato".into(), value: long_date(letter.date) },
            Fact { label: "Vår referanse".into(), value: letter.reference.clone() },
            Fact { label: pick(lang, "Saken gjelder", "Saka gjeld").into(), value: child },
        ],
        sections,
        closing: pick(lang, "Med hilsen", "Med helsing").into(),
        signature,
        signature_note: pick(
            lang,
            "Brevet er godkjent elektronisk og har derfor ingen håndskrevet signatur.",
            "Brevet er godkjent elektronisk og har difor inga handskriven underskrift.",
        )
        .into(),
        page_label: "Side".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_in_weeks_or_days() {
        assert_eq!(deadline(Language::Bokmal, 28), "fire uker");
        assert_eq!(deadline(Language::Bokmal, 21), "tre uker");
        assert_eq!(deadline(Language::Bokmal, 7), "én uke");
        assert_eq!(deadline(Language::Nynorsk, 28), "fire veker");
        assert_eq!(deadline(Language::Nynorsk, 7), "éi veke");
        assert_eq!(deadline(Language::Bokmal, 10), "10 dager");
        assert_eq!(deadline(Language::Nynorsk, 10), "10 dagar");
        assert_eq!(deadline(Language::Bokmal, 1), "én dag");
        assert_eq!(deadline(Language::Bokmal, 0), "0 dager");
        assert_eq!(deadline(Language::Bokmal, 98), "14 uker");
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("  \n En\nto  \n\n \t\nTre\n\n"), vec!["En\nto".to_owned(), "Tre".to_owned()]);
        assert!(paragraphs(" \n ").is_empty());
    }

    #[test]
    fn long_dates() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(long_date(d), "6. desember 2026");
        let d = chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        assert_eq!(long_date(d), "31. januar 2027");
    }
}
