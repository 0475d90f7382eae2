//! Renders letters to PDF and reads them back with poppler's `pdftotext` and `pdftoppm`.
//!
//! When poppler is missing these tests fail if `CI` is set and are skipped (with a message) otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use los_letters::{ComplaintInfo, Language, Letter, LetterError, LetterKind, render_pdf, render_text};

fn letter(language: Language, kind: LetterKind) -> Letter {
    Letter {
        language,
        kind,
        municipality: "Mellomvik kommune".to_owned(),
        unit: "Koordinerende enhet".to_owned(),
        unit_contact: "Postboks 1, 9999 Mellomvik · post@mellomvik.kommune.no · 12 34 56 78".to_owned(),
        date: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
        reference: "bkvedtak-0193f2a4".to_owned(),
        recipients: vec!["Ola Nordmann".to_owned(), "Kari Nordmann".to_owned()],
        child_name: "Sofie Nordmann".to_owned(),
        child_detail: "født 12.03.2015".to_owned(),
        coordinator: Some("Hanne Helse, Helsestasjonen".to_owned()),
        reasons: "Sofie har langvarige og sammensatte behov for tjenester.\n\n\
                  Familien har behov for én fast kontakt i kommunen."
            .to_owned(),
        legal_basis: vec![
            "pasient- og brukerrettighetsloven § 2-5 c".to_owned(),
            "helse- og omsorgstjenesteloven § 7-2 a".to_owned(),
        ],
        complaint: ComplaintInfo {
            body: "Statsforvalteren i Oslo og Viken".to_owned(),
            law: "pasient- og brukerrettighetsloven kapittel 7".to_owned(),
            deadline_days: 28,
            send_to: "Koordinerende enhet, Mellomvik kommune".to_owned(),
        },
        signed_by: "Kari Koordinerende, saksbehandler".to_owned(),
    }
}

/// Whether poppler's tools are there; `false` means "skip". Panics under CI when they are missing.
fn poppler() -> bool {
    let found = ["pdftotext", "pdftoppm"]
        .iter()
        .all(|tool| Command::new(tool).arg("-v").output().is_ok_and(|o| o.status.success() || !o.stderr.is_empty()));
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("pdftotext/pdftoppm (poppler-utils) are missing, and CI is set");
        }
        eprintln!("skipped: pdftotext/pdftoppm (poppler-utils) are missing; install poppler-utils");
    }
    found
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("los-letters-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The PDF's text as `pdftotext` reads it, whitespace collapsed to single spaces.
fn pdf_text(pdf: &[u8], dir: &Path) -> String {
    let path = dir.join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders page 1 at 50 dpi with `pdftoppm` and checks the image is an A4 page with ink on it.
fn check_page_image(pdf: &[u8], dir: &Path) {
    let path = dir.join("page.pdf");
    std::fs::write(&path, pdf).unwrap();
    let prefix = dir.join("page");
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    let png_path = dir.join("page.png");
    let bytes = std::fs::read(&png_path).unwrap();
    assert!(bytes.len() > 2_000, "page image is only {} bytes", bytes.len());

    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    // A4 at 50 dpi: 8.27 × 11.69 in → about 413 × 585 pixels.
    assert!((405..=420).contains(&info.width), "width {}", info.width);
    assert!((578..=592).contains(&info.height), "height {}", info.height);
    let samples = &buf[..info.buffer_size()];
    let dark = samples.iter().filter(|&&v| v < 128).count();
    let share = dark as f64 / samples.len() as f64;
    assert!(share > 0.005, "page 1 is (nearly) blank: {share:.4} of samples are dark");
    assert!(share < 0.5, "page 1 is mostly dark: {share:.4} of samples are dark");
}

/// Renders one letter and checks it; `expected[0]` is the title.
fn check(language: Language, kind: LetterKind, expected: &[&str], absent: &[&str]) {
    let letter = letter(language, kind);
    let started = Instant::now();
    let pdf = render_pdf(&letter).expect("renders");
    let elapsed = started.elapsed();
    println!("{language:?} {kind:?}: rendered in {elapsed:.2?}, {} bytes", pdf.len());

    assert!(pdf.starts_with(b"%PDF-"));
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/StructTreeRoot"), "no structure tree (untagged PDF)");
    assert!(has(b"/MarkInfo"), "no /MarkInfo");
    let lang = format!("/Lang({})", language.tag());
    assert!(has(lang.as_bytes()), "no {lang}");
    assert!(has(b"pdfuaid:part>1<"), "no PDF/UA-1 identification in the XMP metadata");
    assert!(has(b"/H1") && has(b"/H2"), "no heading tags");
    let title = format!("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}<", expected[0]);
    assert!(has(title.as_bytes()), "the document title is not {:?}", expected[0]);

    if !poppler() {
        return;
    }
    let dir = scratch(&format!("{language:?}-{kind:?}"));
    let text = pdf_text(&pdf, &dir);
    for needle in [
        "Sofie Nordmann",
        "Sofie har langvarige og sammensatte behov for tjenester.",
        "Familien har behov for én fast kontakt i kommunen.",
        "Statsforvalteren i Oslo og Viken",
        "pasient- og brukerrettighetsloven § 2-5 c",
        "Kari Koordinerende, saksbehandler",
        "bkvedtak-0193f2a4",
        "6. desember 2026",
    ]
    .iter()
    .chain(expected)
    {
        assert!(text.contains(needle), "{needle:?} is not in the PDF's text:\n{text}");
    }
    for needle in absent {
        assert!(!text.contains(needle), "{needle:?} should not be in the PDF's text:\n{text}");
    }
    // The plain text says the same (modulo line breaks).
    let plain = render_text(&letter).split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in expected {
        assert!(plain.contains(needle), "{needle:?} is not in render_text:\n{plain}");
    }
    check_page_image(&pdf, &dir);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn grant_in_bokmal() {
    check(
        Language::Bokmal,
        LetterKind::Grant,
        &[
            "Vedtak om barnekoordinator",
            "Begrunnelse",
            "Rett til å klage",
            "fire uker",
            "Barnekoordinatoren deres er Hanne Helse, Helsestasjonen.",
            "Sofie Nordmann og familien får barnekoordinator.",
            "Klagen skal sendes til Koordinerende enhet, Mellomvik kommune.",
            "forvaltningsloven kapittel IV og V gjelder ikke",
            "Med hilsen",
        ],
        &["Avslag", "Grunngiving", "ikkje"],
    );
}

#[test]
fn refusal_in_bokmal() {
    check(
        Language::Bokmal,
        LetterKind::Refusal,
        &[
            "Avslag på søknad om barnekoordinator",
            "Familien får derfor ikke barnekoordinator.",
            "Begrunnelse",
            "fire uker",
        ],
        // A refusal names no coordinator even when one is given.
        &["Hanne Helse", "Vedtak om barnekoordinator"],
    );
}

#[test]
fn grant_in_nynorsk() {
    check(
        Language::Nynorsk,
        LetterKind::Grant,
        &[
            "Vedtak om barnekoordinator",
            "Grunngiving",
            "Rett til å klage",
            // Nynorsk has "veke", not "uke".
            "fire veker",
            "Barnekoordinatoren dykkar er Hanne Helse, Helsestasjonen.",
            "Klagen skal sendast til Koordinerende enhet, Mellomvik kommune.",
            "kome fram til",
            "forvaltningslova kapittel IV og V gjeld ikkje",
            "Med helsing",
        ],
        &["Begrunnelse", "fire uker", "ikke "],
    );
}

#[test]
fn refusal_in_nynorsk() {
    check(
        Language::Nynorsk,
        LetterKind::Refusal,
        &[
            "Avslag på søknad om barnekoordinator",
            "Familien får difor ikkje barnekoordinator.",
            "Grunngiving",
            "fire veker",
            "De kan òg klage dersom de meiner at kommunen ikkje oppfyller retten til barnekoordinator.",
        ],
        &["Hanne Helse", "Begrunnelse"],
    );
}

#[test]
fn change_and_termination_render() {
    for language in [Language::Bokmal, Language::Nynorsk] {
        check(
            language,
            LetterKind::Change,
            &["Endring av barnekoordinator", "Ny barnekoordinator er Hanne Helse"],
            &[],
        );
        check(language, LetterKind::Termination, &["Avslutning av barnekoordinator"], &["Hanne Helse"]);
    }
}

/// User-provided text is data, never typst markup or code: it renders literally.
#[test]
fn markup_in_user_text_is_shown_literally() {
    let mut l = letter(Language::Bokmal, LetterKind::Grant);
    let hostile = r#"#panic("x") *bold* _em_ $x$ ] [ \ @ref <label> // not a comment = heading"#;
    l.reasons = format!("Før.\n\n{hostile}\n\nEtter.");
    l.child_name = "#set page(width: 1cm)".to_owned();
    l.recipients.push(r#"#read("/letter.json")"#.to_owned());
    l.legal_basis.push("#include \"/letter.typ\"".to_owned());
    let pdf = render_pdf(&l).expect("hostile text renders");
    assert!(
        !poppler() || {
            let dir = scratch("hostile");
            let text = pdf_text(&pdf, &dir);
            std::fs::remove_dir_all(&dir).ok();
            for needle in [
                hostile,
                "#set page(width: 1cm)",
                r#"#read("/letter.json")"#,
                "#include \"/letter.typ\"",
                "Før.",
                "Etter.",
            ] {
                assert!(text.contains(needle), "{needle:?} is not shown literally:\n{text}");
            }
            true
        }
    );
    assert!(render_text(&l).contains(hostile));
}

#[test]
fn timing_and_size() {
    let l = letter(Language::Bokmal, LetterKind::Grant);
    let started = Instant::now();
    let first = render_pdf(&l).unwrap();
    let cold = started.elapsed();
    let started = Instant::now();
    let second = render_pdf(&l).unwrap();
    let warm = started.elapsed();
    let mut other = l.clone();
    other.reasons.push_str("\n\nEt avsnitt til.");
    let started = Instant::now();
    let third = render_pdf(&other).unwrap();
    let changed = started.elapsed();
    println!(
        "render_pdf: first {cold:.2?} (fonts and library included), same letter again {warm:.2?}, \
         changed letter {changed:.2?}; PDF size {} bytes ({} and {} for the others)",
        first.len(),
        second.len(),
        third.len()
    );
    // The same letter gives the same bytes (fixed date, stable document id).
    assert_eq!(first, second);
}

#[test]
fn a_date_typst_cannot_hold_is_an_error() {
    let mut l = letter(Language::Bokmal, LetterKind::Grant);
    l.date = NaiveDate::from_ymd_opt(12_000, 1, 1).unwrap();
    assert!(matches!(render_pdf(&l), Err(LetterError::Date(_))));
}

/// Sámi letters (and Cyrillic, Greek) are in the embedded fonts: the letter stays PDF/UA-1.
#[test]
fn sami_names_and_other_scripts_stay_pdf_ua() {
    let mut l = letter(Language::Nynorsk, LetterKind::Grant);
    l.municipality = "Guovdageainnu suohkan".to_owned();
    l.child_name = "Áŋŋel Čđŋšŧž Máhtte".to_owned();
    l.reasons = "Familien snakkar nordsamisk: Bures boahtin! Привет. Γειά σου.".to_owned();
    let pdf = render_pdf(&l).unwrap();
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"pdfuaid:part>1<"), "not PDF/UA-1");
    if poppler() {
        let dir = scratch("sami");
        let text = pdf_text(&pdf, &dir);
        std::fs::remove_dir_all(&dir).ok();
        for needle in ["Áŋŋel Čđŋšŧž Máhtte", "Guovdageainnu suohkan", "Bures boahtin! Привет. Γειά σου."]
        {
            assert!(text.contains(needle), "{needle:?} is not in the PDF's text:\n{text}");
        }
    }
}

/// An emoji, Chinese and a private-use character are in none of the embedded fonts, so PDF/UA-1
/// refuses them: the letter is still written, as a tagged PDF without the PDF/UA-1 claim.
#[test]
fn characters_the_fonts_lack_fall_back_to_a_tagged_pdf() {
    let mut l = letter(Language::Bokmal, LetterKind::Refusal);
    l.reasons = "Foreldrene skrev: «Takk 😀», og la ved et vedlegg på kinesisk (中文) \u{E000}.".to_owned();
    let pdf = render_pdf(&l).expect("renders without PDF/UA-1");
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"pdfuaid"), "claims PDF/UA although it cannot conform");
    assert!(has(b"/StructTreeRoot"), "no structure tree (untagged PDF)");
    assert!(has(b"/Lang(nb)"), "no /Lang(nb)");
    if poppler() {
        let dir = scratch("fallback");
        let text = pdf_text(&pdf, &dir);
        std::fs::remove_dir_all(&dir).ok();
        for needle in ["Foreldrene skrev: «Takk", "kinesisk (中文)", "Avslag på søknad om barnekoordinator"] {
            assert!(text.contains(needle), "{needle:?} is not in the PDF's text:\n{text}");
        }
    }
}

#[test]
fn a_long_letter_runs_over_pages_with_page_numbers() {
    let mut l = letter(Language::Bokmal, LetterKind::Grant);
    l.reasons = (1..=60)
        .map(|i| format!("Avsnitt {i}: en begrunnelse som er lang nok til å fylle et par linjer i brevet."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let pdf = render_pdf(&l).unwrap();
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"pdfuaid:part>1<"), "not PDF/UA-1");
    if poppler() {
        let dir = scratch("long");
        let text = pdf_text(&pdf, &dir);
        std::fs::remove_dir_all(&dir).ok();
        assert!(text.contains("Side 2 / ") && !text.contains("Side 1 / 1 "), "{text}");
        assert!(text.contains("Avsnitt 60:") && text.contains("Med hilsen"), "{text}");
    }
}
