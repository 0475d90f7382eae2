//! Languages: Norwegian bokmål (default), nynorsk and English, with Fluent message files in `locales/`.
//! The choice comes from the `lang` cookie, then `Accept-Language`, then bokmål.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    Nn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    /// The value for `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Nb => "Bokmål",
            Lang::Nn => "Nynorsk",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nb" | "nb-no" | "no" | "no-no" => Some(Lang::Nb),
            "nn" | "nn-no" => Some(Lang::Nn),
            "en" | "en-gb" | "en-us" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first supported language in an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0));
        tags.into_iter().find_map(|(_, t)| Lang::parse(t).or_else(|| Lang::parse(t.split('-').next()?)))
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Nb => langid!("nb"),
            Lang::Nn => langid!("nn"),
            Lang::En => langid!("en"),
        }
    }
}

/// Translates message ids for one language. Templates call `t.get("id")`.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    pub fn get(&self, id: &str) -> String {
        LOCALES.lookup(&self.lang.id(), id)
    }

    /// A message with named arguments.
    pub fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(*v))).collect();
        LOCALES.lookup_with_args(&self.lang.id(), id, &map)
    }

    /// A message that may not exist (e.g. a translated error code); `None` if missing.
    pub fn try_get(&self, id: &str) -> Option<String> {
        LOCALES.try_lookup(&self.lang.id(), id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of every `.ftl` file of a language (each slice may keep its own file).
    fn ids(lang: &str) -> Vec<String> {
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut text = String::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let path = f.unwrap().path();
            if path.extension().is_some_and(|e| e == "ftl") {
                text.push_str(&std::fs::read_to_string(path).unwrap());
                text.push('\n');
            }
        }
        let mut ids: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '.']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap().trim().to_owned())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn every_message_exists_in_all_three_languages() {
        let nb = ids("nb");
        assert!(nb.len() > 50, "bokmål has {} messages", nb.len());
        assert_eq!(nb, ids("nn"), "nynorsk differs from bokmål");
        assert_eq!(nb, ids("en"), "English differs from bokmål");
        // A message defined twice makes the whole bundle fail to load at run time.
        for lang in ["nb", "nn", "en"] {
            let all = ids(lang);
            let dup: Vec<&String> = all.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
            assert!(dup.is_empty(), "{lang} defines {dup:?} twice");
        }
        assert_eq!(Tr::new(Lang::Nn).get("nav-tasks"), "Oppgåvene mine", "the bundle loads");
        assert_eq!(Tr::new(Lang::Nn).get("nav-admin"), "Administrasjon", "every file of a language loads");
    }

    #[test]
    fn accept_language_negotiation() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de;q=1, nn;q=0.8, nb;q=0.5"), Some(Lang::Nn));
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Tr::new(Lang::En).get("nav-services"), "Service directory");
    }
}
