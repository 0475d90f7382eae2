//! Written decisions of the child-coordinator process (barnekoordinator, pasient- og
//! brukerrettighetsloven § 2-5 c and helse- og omsorgstjenesteloven § 7-2 a) as an accessible PDF and
//! as plain text, and other documents the family gets on paper — the individual plan — worded by the
//! caller ([`Document`]) and laid out by the same template.
//!
//! The wording lives in Rust ([`wording`]); both outputs are made from the same laid-out letter, so the
//! text shown on the case page is the text of the PDF. The PDF is typeset by typst: the template
//! (`templates/letter.typ`) reads the letter from a virtual JSON file and only ever inserts its strings
//! as text, so nothing a user typed is evaluated as typst markup or code.

mod wording;
mod world;

use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::world::LetterWorld;

/// The written standard the letter is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Bokmål (`nb`).
    Bokmal,
    /// Nynorsk (`nn`).
    Nynorsk,
}

impl Language {
    /// The BCP 47 tag: the PDF's `/Lang` and typst's `text(lang:)`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Bokmal => "nb",
            Language::Nynorsk => "nn",
        }
    }
}

/// What the decision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LetterKind {
    /// The family gets a child coordinator.
    Grant,
    /// The family does not get a child coordinator.
    Refusal,
    /// Another person becomes the child coordinator.
    Change,
    /// The family no longer has a child coordinator.
    Termination,
}

/// Where and how the decision can be complained about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintInfo {
    /// The complaint body, e.g. "Statsforvalteren i Oslo og Viken".
    pub body: String,
    /// The law the complaint is made under, e.g. "pasient- og brukerrettighetsloven kapittel 7".
    pub law: String,
    /// The complaint deadline in days, e.g. 28 (pbrl. § 7-5: four weeks). Written in weeks when it is
    /// a whole number of weeks, otherwise in days.
    pub deadline_days: u32,
    /// Where to send the complaint: the unit that decided, e.g. "Koordinerende enhet, Mellomvik
    /// kommune".
    pub send_to: String,
}

/// One written decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub language: Language,
    pub kind: LetterKind,
    /// "Mellomvik kommune".
    pub municipality: String,
    /// "Koordinerende enhet".
    pub unit: String,
    /// Address, e-mail and phone line of the unit.
    pub unit_contact: String,
    /// The decision date; also the PDF's date.
    pub date: chrono::NaiveDate,
    /// The id to quote, e.g. "bkvedtak-0193…".
    pub reference: String,
    /// The parents, or whoever consents for the child: one address line each.
    pub recipients: Vec<String>,
    pub child_name: String,
    /// E.g. "født 12.03.2015" or "termin 01.02.2027", already formatted by the caller; may be empty.
    pub child_detail: String,
    /// "Hanne Helse, Helsestasjonen": named in a grant or a change; ignored in a refusal or a
    /// termination. When a grant or change names nobody, the letter says the family will be told.
    pub coordinator: Option<String>,
    /// The written reasons; paragraphs are separated by blank lines, single line breaks are kept.
    pub reasons: String,
    /// E.g. ["pasient- og brukerrettighetsloven § 2-5 c", "helse- og omsorgstjenesteloven § 7-2 a"].
    pub legal_basis: Vec<String>,
    pub complaint: ComplaintInfo,
    /// "Kari Koordinerende, saksbehandler".
    pub signed_by: String,
}

/// Why a letter could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// The decision date cannot be written as a typst date (typst dates span the years -9999..=9999).
    #[error("the decision date {0} is out of range for a PDF")]
    Date(chrono::NaiveDate),
    /// The letter's data could not be serialised.
    #[error("the letter's data could not be serialised: {0}")]
    Data(#[from] serde_json::Error),
    /// The template did not compile; the typst diagnostics, joined.
    #[error("the letter could not be typeset: {0}")]
    Typeset(String),
    /// The typeset letter could not be written as PDF (for example a PDF/UA-1 check failed); the
    /// typst diagnostics, joined.
    #[error("the letter could not be written as PDF: {0}")]
    Pdf(String),
}

/// The letter as typst reads it (`/letter.json`) and as [`render_text`] writes it: every sentence is
/// already worded, the template only lays it out.
#[derive(Debug, Serialize)]
struct Layout {
    lang: &'static str,
    title: String,
    author: String,
    date: Ymd,
    municipality: String,
    unit: String,
    unit_contact: String,
    recipients: Vec<String>,
    /// Label/value lines under the address: date, reference, whom the case is about.
    facts: Vec<Fact>,
    sections: Vec<Section>,
    closing: String,
    signature: Vec<String>,
    signature_note: String,
    page_label: String,
}

#[derive(Debug, Serialize)]
struct Ymd {
    year: i32,
    month: u32,
    day: u32,
}

#[derive(Debug, Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Debug, Serialize)]
struct Section {
    heading: String,
    paragraphs: Vec<String>,
    /// A bulleted list after the paragraphs (the legal basis).
    items: Vec<String>,
}

/// Renders the letter as a tagged PDF that conforms to PDF/UA-1, with the document's title, author,
/// language and date set. A letter whose text holds characters PDF/UA-1 cannot carry with the
/// embedded fonts (an emoji, Chinese or Arabic script, control characters) is written as a tagged
/// PDF without the PDF/UA-1 claim instead of failing.
pub fn render_pdf(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    typeset(&wording::layout(letter), letter.date, &letter.reference)
}

/// A document other than a decision (the individual plan): worded by the caller, laid out by the same
/// template — letterhead, facts, title, sections — without an address or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub language: Language,
    pub title: String,
    /// The PDF's author, e.g. "NAV Mellomvik, Mellomvik kommune".
    pub author: String,
    pub municipality: String,
    /// The line under the municipality, e.g. the service holding the plan.
    pub unit: String,
    pub date: chrono::NaiveDate,
    /// A stable id for the PDF, e.g. the plan's id and version.
    pub reference: String,
    /// Label and value lines under the letterhead.
    pub facts: Vec<(String, String)>,
    pub sections: Vec<DocumentSection>,
    /// The word before the page number, "Side".
    pub page_label: String,
}

/// A section of a [`Document`]: a heading, paragraphs, then a bulleted list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSection {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
}

fn document_layout(d: &Document) -> Layout {
    use chrono::Datelike;
    Layout {
        lang: d.language.tag(),
        title: d.title.clone(),
        author: d.author.clone(),
        date: Ymd { year: d.date.year(), month: d.date.month(), day: d.date.day() },
        municipality: d.municipality.clone(),
        unit: d.unit.clone(),
        unit_contact: String::new(),
        recipients: vec![],
        facts: d.facts.iter().map(|(label, value)| Fact { label: label.clone(), value: value.clone() }).collect(),
        sections: d
            .sections
            .iter()
            .map(|s| Section { heading: s.heading.clone(), paragraphs: s.paragraphs.clone(), items: s.items.clone() })
            .collect(),
        closing: String::new(),
        signature: vec![],
        signature_note: String::new(),
        page_label: d.page_label.clone(),
    }
}

/// Renders a [`Document`] as a tagged PDF (PDF/UA-1 where its characters allow, as [`render_pdf`]).
pub fn render_document_pdf(d: &Document) -> Result<Vec<u8>, LetterError> {
    typeset(&document_layout(d), d.date, &d.reference)
}

/// The same document as plain text.
pub fn render_document_text(d: &Document) -> String {
    text_of(&document_layout(d))
}

fn typeset(layout: &Layout, date: chrono::NaiveDate, reference: &str) -> Result<Vec<u8>, LetterError> {
    use chrono::Datelike;

    let today = Datetime::from_ymd(
        date.year(),
        u8::try_from(date.month()).map_err(|_| LetterError::Date(date))?,
        u8::try_from(date.day()).map_err(|_| LetterError::Date(date))?,
    )
    .ok_or(LetterError::Date(date))?;
    let world = LetterWorld::new(serde_json::to_vec(layout)?, today);

    let compiled = typst::compile::<PagedDocument>(&world).output;
    // typst memoises across compilations in a process-wide cache; without eviction a long-running
    // server would keep every letter's intermediate results. Keep what the last few letters used
    // (the template and fonts), as the typst CLI does.
    typst::comemo::evict(10);
    let document = compiled.map_err(|errors| LetterError::Typeset(join_diagnostics(&errors)))?;

    let ua = PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| {
        let mut message = e.message().to_string();
        for hint in e.hints() {
            message.push_str(&format!(" (hint: {hint})"));
        }
        LetterError::Pdf(message)
    })?;
    let options = |standards: PdfStandards| PdfOptions {
        // A stable identifier: the same decision gives the same PDF document id.
        ident: Smart::Custom(reference.to_owned()),
        creator: Smart::Custom(Some("Los".to_owned())),
        timestamp: Some(Timestamp::new_utc(today)),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    match typst_pdf::pdf(&document, &options(ua)) {
        Ok(pdf) => Ok(pdf),
        // The template itself conforms to PDF/UA-1 (the tests check every kind of letter in both
        // languages), so a PDF/UA-1 validation error comes from the characters of the user's text:
        // a character none of the embedded fonts has (an emoji, Chinese, Arabic), a control
        // character, or one from the private use area. Refusing to write the decision is not an
        // option, and neither is silently dropping characters from it, so such a letter falls back
        // to a tagged PDF (structure tree, language, title) that does not claim PDF/UA-1; the
        // characters stay in its text layer and in `render_text`.
        Err(errors) if errors.iter().all(|e| e.message.starts_with("PDF/UA-1 error:")) => {
            typst_pdf::pdf(&document, &options(PdfStandards::default()))
                .map_err(|errors| LetterError::Pdf(join_diagnostics(&errors)))
        }
        Err(errors) => Err(LetterError::Pdf(join_diagnostics(&errors))),
    }
}

/// The same letter as plain text: the letterhead, address and facts, then headings (underlined) and
/// paragraphs separated by blank lines, then the signature.
pub fn render_text(letter: &Letter) -> String {
    text_of(&wording::layout(letter))
}

fn text_of(l: &Layout) -> String {
    let mut out = String::new();
    let mut block = |lines: &[&str]| {
        let lines: Vec<&str> = lines.iter().copied().filter(|s| !s.trim().is_empty()).collect();
        if lines.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
    };
    block(&[&l.municipality, &l.unit, &l.unit_contact]);
    block(&l.recipients.iter().map(String::as_str).collect::<Vec<_>>());
    let facts: Vec<String> = l.facts.iter().map(|f| format!("{}: {}", f.label, f.value)).collect();
    block(&facts.iter().map(String::as_str).collect::<Vec<_>>());
    let underline = |s: &str, c: char| c.to_string().repeat(s.chars().count());
    block(&[&l.title, &underline(&l.title, '=')]);
    for section in &l.sections {
        block(&[&section.heading, &underline(&section.heading, '-')]);
        for paragraph in &section.paragraphs {
            block(&[paragraph]);
        }
        let items: Vec<String> = section.items.iter().map(|i| format!("- {i}")).collect();
        block(&items.iter().map(String::as_str).collect::<Vec<_>>());
    }
    block(&[&l.closing]);
    block(&l.signature.iter().map(String::as_str).collect::<Vec<_>>());
    block(&[&l.signature_note]);
    out
}

fn join_diagnostics(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.to_string();
            for hint in &d.hints {
                message.push_str(&format!(" (hint: {})", hint.v));
            }
            message
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(language: Language, kind: LetterKind) -> Letter {
        Letter {
            language,
            kind,
            municipality: "Mellomvik kommune".to_owned(),
            unit: "Koordinerende enhet".to_owned(),
            unit_contact: "Postboks 1, 9999 Mellomvik".to_owned(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            reference: "bkvedtak-0193".to_owned(),
            recipients: vec!["Ola Nordmann".to_owned(), " ".to_owned(), "Kari Nordmann".to_owned()],
            child_name: "Sofie Nordmann".to_owned(),
            child_detail: "født 12.03.2015".to_owned(),
            coordinator: Some("Hanne Helse, Helsestasjonen".to_owned()),
            reasons: "Første avsnitt,\nmed linjeskift.\n\n\n  Andre avsnitt.  \n".to_owned(),
            legal_basis: vec![
                "pasient- og brukerrettighetsloven § 2-5 c".to_owned(),
                "helse- og omsorgstjenesteloven § 7-2 a".to_owned(),
            ],
            complaint: ComplaintInfo {
                body: "Statsforvalteren i Oslo og Viken".to_owned(),
                law: "pasient- og brukerrettighetsloven kapittel 7".to_owned(),
                deadline_days: 21,
                send_to: "Koordinerende enhet, Mellomvik kommune".to_owned(),
            },
            signed_by: "Kari Koordinerende, saksbehandler".to_owned(),
        }
    }

    #[test]
    fn render_text_writes_the_whole_grant_in_bokmal() {
        let expected = "\
Mellomvik kommune
Koordinerende enhet
Postboks 1, 9999 Mellomvik

Ola Nordmann
Kari Nordmann

Dato: 6. desember 2026
Vår referanse: bkvedtak-0193
Saken gjelder: Sofie Nordmann, født 12.03.2015

Vedtak om barnekoordinator
==========================

Vedtak
------

Vi har vurdert saken om barnekoordinator for Sofie Nordmann.

Mellomvik kommune har kommet fram til at familien har rett til barnekoordinator. Sofie Nordmann og familien får barnekoordinator.

Barnekoordinatoren deres er Hanne Helse, Helsestasjonen.

Barnekoordinatoren skal sørge for at tjenestene til barnet blir samordnet, gi dere informasjon og veiledning, og følge opp familien.

Begrunnelse
-----------

Første avsnitt,
med linjeskift.

Andre avsnitt.

Lovgrunnlag
-----------

Vedtaket har hjemmel i:

- pasient- og brukerrettighetsloven § 2-5 c
- helse- og omsorgstjenesteloven § 7-2 a

Rett til å klage
----------------

Dere har rett til å klage på vedtaket til Statsforvalteren i Oslo og Viken etter pasient- og brukerrettighetsloven kapittel 7.

Fristen for å klage er tre uker fra den dagen dere fikk dette brevet.

Klagen skal sendes til Koordinerende enhet, Mellomvik kommune. Merk klagen med referansen bkvedtak-0193. Vi vurderer saken på nytt og kan selv endre vedtaket før klagen blir sendt videre til Statsforvalteren i Oslo og Viken.

Dere kan også klage hvis dere mener at kommunen ikke oppfyller retten til barnekoordinator.

Reglene i forvaltningsloven kapittel IV og V gjelder ikke for dette vedtaket (pasient- og brukerrettighetsloven § 2-7). Vedtaket er likevel skriftlig og begrunnet, og det blir oppbevart sammen med saken.

Med hilsen

Kari Koordinerende, saksbehandler
Koordinerende enhet
Mellomvik kommune

Brevet er godkjent elektronisk og har derfor ingen håndskrevet signatur.
";
        assert_eq!(render_text(&letter(Language::Bokmal, LetterKind::Grant)), expected);
    }

    #[test]
    fn render_text_refusal_in_nynorsk() {
        let mut l = letter(Language::Nynorsk, LetterKind::Refusal);
        l.complaint.deadline_days = 28;
        let text = render_text(&l);
        for needle in [
            "Avslag på søknad om barnekoordinator\n====",
            "Saka gjeld: Sofie Nordmann, født 12.03.2015",
            "Vi har vurdert saka om barnekoordinator for Sofie Nordmann.",
            "Mellomvik kommune har kome fram til at vilkåra for rett til barnekoordinator ikkje er \
             oppfylte. Familien får difor ikkje barnekoordinator.",
            "Grunngiving\n-----------",
            "Vedtaket har heimel i:",
            "De har rett til å klage på vedtaket til Statsforvalteren i Oslo og Viken",
            "Fristen for å klage er fire veker frå den dagen de fekk dette brevet.",
            "Klagen skal sendast til Koordinerende enhet, Mellomvik kommune.",
            "De kan òg klage dersom de meiner at kommunen ikkje oppfyller retten",
            "Reglane i forvaltningslova kapittel IV og V gjeld ikkje",
            "Med helsing",
        ] {
            assert!(text.contains(needle), "{needle:?} is not in:\n{text}");
        }
        assert!(!text.contains("Hanne Helse"), "a refusal names no coordinator:\n{text}");
        assert!(!text.contains("Begrunnelse"));
    }

    #[test]
    fn render_text_cleans_control_characters_and_crlf() {
        let mut l = letter(Language::Bokmal, LetterKind::Grant);
        l.child_name = "Sofie\tNordmann\n".to_owned();
        l.reasons = "Første\u{7}linje\r\nandre linje\r\n\r\nNytt avsnitt\r\n".to_owned();
        let text = render_text(&l);
        assert!(text.contains("Saken gjelder: Sofie Nordmann, født 12.03.2015\n"), "{text}");
        assert!(text.contains("\n\nFørste linje\nandre linje\n\nNytt avsnitt\n\n"), "{text}");
        assert!(!text.contains('\r') && !text.contains('\t') && !text.contains('\u{7}'), "{text}");
    }

    #[test]
    fn render_text_without_coordinator_or_reasons() {
        let mut l = letter(Language::Bokmal, LetterKind::Change);
        l.coordinator = None;
        l.reasons = "  \n ".to_owned();
        l.legal_basis.clear();
        let text = render_text(&l);
        assert!(text.contains("Dere får beskjed om hvem som blir ny barnekoordinator."), "{text}");
        assert!(!text.contains("Begrunnelse"), "{text}");
        assert!(!text.contains("Lovgrunnlag"), "{text}");
    }
}
