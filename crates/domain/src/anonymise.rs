//! Anonymous consultation (anonym drøfting, spec 02 §3.5): remove names, identity numbers, addresses, dates
//! of birth and contact details from a case summary, and warn when what is left may still identify the
//! child (a small place, a rare condition, the municipality named).

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Serialize;

/// What is known to identify the people in the case.
#[derive(Debug, Clone, Default)]
pub struct KnownIdentifiers {
    /// Full names, given names and family names of the people in the case.
    pub names: Vec<String>,
    pub birth_dates: Vec<NaiveDate>,
    /// Addresses on record.
    pub addresses: Vec<String>,
    /// The municipality's name (and other place names tied to the case).
    pub places: Vec<String>,
}

/// Settings that are local choices, not law: which municipalities count as small, which conditions as rare.
#[derive(Debug, Clone, Default)]
pub struct AnonymisationSettings {
    /// The case's municipality is small enough that few facts identify a child.
    pub small_municipality: bool,
    /// Terms for rare conditions and other unusual facts (lowercase).
    pub rare_terms: Vec<String>,
}

/// A reason the text may still identify the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// The municipality is small: people are more easily identified (spec 02 §3.5).
    SmallMunicipality,
    /// A rare condition or unusual fact is mentioned.
    RareCondition { term: String },
    /// A place name tied to the case remains.
    PlaceNamed { place: String },
    /// A capitalised word that may be a name remains.
    PossibleName { word: String },
}

/// The result: the anonymised text, what was removed, and warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anonymised {
    pub text: String,
    pub removed: usize,
    pub warnings: Vec<Warning>,
}

struct Patterns {
    fnr: Regex,
    date: Regex,
    email: Regex,
    phone: Regex,
    street: Regex,
    postal: Regex,
    capitalised: Regex,
}

fn patterns() -> &'static Patterns {
    static P: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    P.get_or_init(|| Patterns {
        fnr: Regex::new(r"\b\d{6}\s?\d{5}\b").expect("regex"),
        date: Regex::new(r"\b(\d{1,2}[./]\d{1,2}[./](\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\b").expect("regex"),
        email: Regex::new(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b").expect("regex"),
        phone: Regex::new(r"(\+47\s?)?\b(\d{3}\s?\d{2}\s?\d{3}|\d{2}\s?\d{2}\s?\d{2}\s?\d{2})\b").expect("regex"),
        street: Regex::new(
            r"(?i)\b[\wæøå-]*(gata|gaten|gate|veien|vegen|vei|veg|allé|alle|plass|bakken|stien|svingen|tunet)\s+\d+\s?[a-z]?\b",
        )
        .expect("regex"),
        postal: Regex::new(r"\b\d{4}\s+[A-ZÆØÅ][a-zæøå]+").expect("regex"),
        capitalised: Regex::new(r"(?:[.!?]\s+|^)?\b([A-ZÆØÅ][a-zæøå]{2,})\b").expect("regex"),
    })
}

fn replace(text: &str, re: &Regex, with: &str, removed: &mut usize) -> String {
    let n = re.find_iter(text).count();
    *removed += n;
    if n == 0 { text.to_owned() } else { re.replace_all(text, with).into_owned() }
}

/// Words that start sentences or are common nouns in Norwegian case summaries, not names.
const COMMON: &[&str] = &[
    "Barnet",
    "Gutten",
    "Jenta",
    "Mor",
    "Far",
    "Foreldrene",
    "Familien",
    "Skolen",
    "Barnehagen",
    "Han",
    "Hun",
    "Det",
    "Den",
    "De",
    "Vi",
    "Jeg",
    "Eleven",
    "Ungdommen",
    "Tjenesten",
    "Barnevernet",
    "Fastlegen",
    "Helsesykepleier",
    "Saken",
    "Hen",
    "Hva",
    "Når",
    "Hvordan",
    "Etter",
    "Før",
    "Under",
    "Både",
    "Dette",
    "Som",
    "Men",
    "Og",
    "Når",
    "NAV",
    "PPT",
    "BUP",
    "Statsforvalteren",
];

/// Anonymises `text` for an anonymous consultation.
pub fn anonymise(text: &str, ids: &KnownIdentifiers, settings: &AnonymisationSettings) -> Anonymised {
    let p = patterns();
    let mut removed = 0;
    let mut t = replace(text, &p.email, "[e-post]", &mut removed);
    // Longest first, so "Daniel Berg" goes before "Daniel".
    let mut names: Vec<&String> = ids.names.iter().filter(|n| n.trim().len() >= 2).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for name in names {
        let re = Regex::new(&format!(r"(?i)\b{}\b", regex::escape(name.trim()))).expect("escaped name");
        t = replace(&t, &re, "[navn]", &mut removed);
    }
    for a in ids.addresses.iter().filter(|a| !a.trim().is_empty()) {
        let re = Regex::new(&format!(r"(?i){}", regex::escape(a.trim()))).expect("escaped address");
        t = replace(&t, &re, "[adresse]", &mut removed);
    }
    t = replace(&t, &p.fnr, "[fødselsnummer]", &mut removed);
    t = replace(&t, &p.date, "[dato]", &mut removed);
    t = replace(&t, &p.phone, "[telefon]", &mut removed);
    t = replace(&t, &p.street, "[adresse]", &mut removed);
    t = replace(&t, &p.postal, "[poststed]", &mut removed);
    for d in &ids.birth_dates {
        for form in [format!("{}. {}", d.day(), month_nb(d.month())), format!("{} {}", d.day(), month_nb(d.month()))] {
            let re = Regex::new(&format!(r"(?i)\b{}( {})?\b", regex::escape(&form), d.year())).expect("date form");
            t = replace(&t, &re, "[dato]", &mut removed);
        }
    }

    let mut warnings = Vec::new();
    if settings.small_municipality {
        warnings.push(Warning::SmallMunicipality);
    }
    let lower = t.to_lowercase();
    for term in &settings.rare_terms {
        if !term.is_empty() && lower.contains(&term.to_lowercase()) {
            warnings.push(Warning::RareCondition { term: term.clone() });
        }
    }
    for place in &ids.places {
        if !place.is_empty() && lower.contains(&place.to_lowercase()) {
            warnings.push(Warning::PlaceNamed { place: place.clone() });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for sentence in t.split(['.', '!', '?', '\n']) {
        // Skip the first word of each sentence: it is capitalised anyway.
        for cap in p.capitalised.captures_iter(sentence.trim()).skip(1) {
            let w = cap[1].to_owned();
            let is_place = ids.places.iter().any(|pl| pl.eq_ignore_ascii_case(&w));
            if !COMMON.contains(&w.as_str()) && !is_place && seen.insert(w.clone()) {
                warnings.push(Warning::PossibleName { word: w });
            }
        }
    }
    Anonymised { text: t, removed, warnings }
}

fn month_nb(m: u32) -> &'static str {
    [
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
    ][(m as usize).saturating_sub(1).min(11)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> KnownIdentifiers {
        KnownIdentifiers {
            names: vec!["Daniel Berg".into(), "Daniel".into(), "Berg".into(), "Sofia".into()],
            birth_dates: vec!["2018-03-02".parse().unwrap()],
            addresses: vec!["Liaveien 3".into()],
            places: vec!["Mellomvik".into()],
        }
    }

    #[test]
    fn removes_identifiers_and_warns() {
        let text = "Daniel Berg (f. 02.03.2018, fnr 02831812345) bor med mor Sofia i Storgata 12, 9901 Mellomvik. \
                    Ring 912 34 567 eller sofia@example.no. Daniel har Prader-Willi syndrom og går på skolen i Mellomvik.";
        let settings = AnonymisationSettings { small_municipality: true, rare_terms: vec!["prader-willi".into()] };
        let a = anonymise(text, &ids(), &settings);
        for gone in
            ["Daniel", "Berg", "Sofia", "02831812345", "02.03.2018", "Storgata 12", "912 34 567", "sofia@example.no"]
        {
            assert!(!a.text.contains(gone), "{gone} left in: {}", a.text);
        }
        assert!(a.removed >= 8, "{}", a.removed);
        assert!(a.warnings.contains(&Warning::SmallMunicipality));
        assert!(a.warnings.iter().any(|w| matches!(w, Warning::RareCondition { .. })));
        assert!(a.warnings.iter().any(|w| matches!(w, Warning::PlaceNamed { .. })));
    }

    #[test]
    fn unknown_names_are_flagged() {
        let a = anonymise(
            "Barnet leker mye med Petter etter skolen.",
            &KnownIdentifiers::default(),
            &AnonymisationSettings::default(),
        );
        assert!(a.warnings.contains(&Warning::PossibleName { word: "Petter".into() }), "{:?}", a.warnings);
        assert_eq!(a.text, "Barnet leker mye med Petter etter skolen.");
    }
}
