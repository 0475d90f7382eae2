//! The text of a worklist reminder e-mail, in the user's language. It names task kinds and counts only:
//! nothing about a child, a family or a case leaves Los by e-mail.

use los_store::Digest;

use crate::i18n::{Lang, Tr};

/// The subject and plain-text body of a reminder; `base_url` is where Los is served (for the link).
pub fn compose(d: &Digest, lang: Lang, base_url: &str) -> (String, String) {
    let t = Tr::new(lang);
    let total = d.total().to_string();
    let subject = t.with("reminder-subject", &[("count", total.as_str())]);
    let mut body = String::new();
    body.push_str(&t.with("reminder-greeting", &[("name", d.display_name.as_str())]));
    body.push_str("\n\n");
    body.push_str(&t.with("reminder-intro", &[("count", total.as_str())]));
    body.push('\n');
    for (kind, n) in &d.counts {
        body.push_str(&format!("- {}: {n}\n", t.get(&format!("task-{kind}"))));
    }
    if d.overdue > 0 {
        body.push('\n');
        body.push_str(&t.with("reminder-overdue", &[("count", d.overdue.to_string().as_str())]));
        body.push('\n');
    }
    body.push('\n');
    let url = format!("{}/oppgaver", base_url.trim_end_matches('/'));
    body.push_str(&t.with("reminder-open", &[("url", url.as_str())]));
    body.push_str("\n\n");
    body.push_str(&t.get("reminder-privacy"));
    body.push('\n');
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_names_kinds_and_counts_only() {
        let d = Digest {
            user_id: "barnevern".into(),
            display_name: "Berit Vern".into(),
            email: "berit@demo.los.invalid".into(),
            counts: vec![("evaluate", 2), ("follow_up", 1)],
            overdue: 1,
        };
        let (subject, body) = compose(&d, Lang::Nb, "https://los.mellomvik.no/");
        assert!(subject.contains('3'), "{subject}");
        assert!(body.contains("Evaluer samarbeidet med familien: 2"), "{body}");
        assert!(body.contains("https://los.mellomvik.no/oppgaver"), "{body}");
        assert!(body.contains("1 oppfølgingspunkt"), "{body}");
        let (_, en) = compose(&d, Lang::En, "http://127.0.0.1:8080");
        assert!(en.contains("http://127.0.0.1:8080/oppgaver") && en.contains("Berit Vern"), "{en}");
    }

    /// The whole message in each language, as a snapshot: a change to what leaves Los by e-mail is reviewed.
    #[test]
    fn reminder_text_in_each_language() {
        let d = Digest {
            user_id: "barnevern".into(),
            display_name: "Berit Vern".into(),
            email: "berit@demo.los.invalid".into(),
            counts: vec![("evaluate", 2), ("follow_up", 1), ("meeting", 1)],
            overdue: 1,
        };
        for (lang, name) in [(Lang::Nb, "reminder_nb"), (Lang::Nn, "reminder_nn"), (Lang::En, "reminder_en")] {
            let (subject, body) = compose(&d, lang, "https://los.mellomvik.no");
            insta::assert_snapshot!(name, format!("Subject: {subject}\n\n{body}"));
        }
    }
}
