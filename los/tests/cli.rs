//! The command line on a fresh SQLite file: migrate, demo, token create, audit verify — including a tampered
//! chain and an unreachable database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KEY: &str = "cli-test-audit-key-0123456789";

fn los(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_los"))
        .args(args)
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("los.sqlite").display()))
        .env("LOS_AUDIT_KEY", KEY)
        .env_remove("LOS_CONFIG")
        .output()
        .expect("run los")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn tmp() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("los-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn migrate_demo_token_and_verify() {
    let dir = tmp();
    let o = los(&dir, &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = los(&dir, &["migrate", "--status"]);
    assert!(text(&o).contains("applied  m20261123_000001_foundation") && !text(&o).contains("pending"), "{}", text(&o));
    let o = los(&dir, &["demo"]);
    assert!(o.status.success() && text(&o).contains("demo municipality loaded"), "{}", text(&o));
    let o = los(&dir, &["demo"]);
    assert!(text(&o).contains("already loaded"), "{}", text(&o));
    let o = los(&dir, &["token", "create", "--user", "barnevern"]);
    let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    assert!(o.status.success() && token.starts_with("los_") && token.len() > 40, "{}", text(&o));
    let o = los(&dir, &["token", "create", "--user", "finnes-ikke"]);
    assert!(!o.status.success() && text(&o).contains("user finnes-ikke was not found"), "{}", text(&o));
    let o = los(&dir, &["audit", "verify"]);
    assert!(o.status.success() && text(&o).contains("audit chain intact"), "{}", text(&o));

    // Tamper with entry 3 the way someone with file access could.
    let db = dir.join("los.sqlite");
    let sql = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_user_id = 'someone-else' WHERE seq = 3;";
    let status = Command::new("sqlite3").arg(&db).arg(sql).status();
    if status.is_ok_and(|s| s.success()) {
        let o = los(&dir, &["audit", "verify"]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert!(text(&o).contains("BROKEN at entry 3"), "{}", text(&o));
    } else {
        // No sqlite3 client here: tamper through a wrong key instead, which breaks entry 1.
        let o = Command::new(env!("CARGO_BIN_EXE_los"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", format!("sqlite://{}", db.display()))
            .env("LOS_AUDIT_KEY", "a-different-key-0123456789")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert!(text(&o).contains("BROKEN at entry 1"), "{}", text(&o));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_database_urls_stop_with_a_clear_message() {
    let dir = tmp();
    let o = Command::new(env!("CARGO_BIN_EXE_los"))
        .args(["migrate", "--database", "mysql://localhost/los"])
        .env("LOS_AUDIT_KEY", KEY)
        .output()
        .unwrap();
    assert!(!o.status.success() && text(&o).contains("unsupported database URL"), "{}", text(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_los"))
        .args(["migrate", "--database", "sqlite:///no/such/folder/los.sqlite"])
        .env("LOS_AUDIT_KEY", KEY)
        .output()
        .unwrap();
    assert!(!o.status.success() && text(&o).contains("does not exist"), "{}", text(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_los"))
        .args(["migrate", "--database", "postgres://postgres:secret@127.0.0.1:1/los"])
        .env("LOS_AUDIT_KEY", KEY)
        .output()
        .unwrap();
    let t = text(&o);
    assert!(!o.status.success() && t.contains("cannot reach the database") && t.contains("DATABASE_URL"), "{t}");
    assert!(!t.contains("secret"), "password leaked: {t}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn configuration_file_is_read_and_validated() {
    let dir = tmp();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/los.example.toml");
    // The example file parses; the database flag wins over the file.
    let o = Command::new(env!("CARGO_BIN_EXE_los"))
        .args(["--config", example, "migrate", "--database"])
        .arg(format!("sqlite://{}", dir.join("los.sqlite").display()))
        .env("LOS_AUDIT_KEY", KEY)
        .output()
        .unwrap();
    assert!(o.status.success() && text(&o).contains("up to date"), "{}", text(&o));
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[rules]\nbreak_glass_hours = 500\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_los"))
        .args(["--config", bad.to_str().unwrap(), "migrate"])
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("los.sqlite").display()))
        .env("LOS_AUDIT_KEY", KEY)
        .output()
        .unwrap();
    assert!(!o.status.success() && text(&o).contains("break_glass_hours must be between 1 and 72"), "{}", text(&o));
    std::fs::write(&bad, "databse = \"typo\"\n").unwrap();
    let o =
        Command::new(env!("CARGO_BIN_EXE_los")).args(["--config", bad.to_str().unwrap(), "migrate"]).output().unwrap();
    assert!(!o.status.success() && text(&o).contains("unknown field"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}

/// Decodes a quoted-printable body well enough for the assertions below.
fn unquote(qp: &str) -> String {
    let joined = qp.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn reminders_go_once_a_day_and_carry_no_personal_data() {
    let dir = tmp();
    assert!(los(&dir, &["demo"]).status.success());
    let o = los(&dir, &["remind"]);
    assert!(!o.status.success() && text(&o).contains("set the mail transport"), "{}", text(&o));
    let o = los(&dir, &["remind", "--dry-run"]);
    assert!(o.status.success() && text(&o).contains("barnevern: "), "{}", text(&o));
    let outbox = dir.join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    let mail = format!("file:{}", outbox.display());
    let args = [
        "remind",
        "--mail",
        &mail,
        "--mail-from",
        "Los Mellomvik <los@mellomvik.invalid>",
        "--base-url",
        "https://los.mellomvik.invalid/",
    ];
    let o = los(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let sent: usize = text(&o).split_whitespace().next().and_then(|n| n.parse().ok()).expect("a count");
    let files: Vec<String> =
        std::fs::read_dir(&outbox).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    assert!(sent >= 3 && files.len() == sent, "{sent} sent, {} files", files.len());
    let berit = files.iter().find(|f| f.contains("To: barnevern@demo.los.invalid")).expect("child welfare is reminded");
    let body = unquote(berit);
    assert!(body.contains("Hei Berit Vern") && body.contains("https://los.mellomvik.invalid/oppgaver"), "{body}");
    assert!(body.contains("Fortell familien hvem som samordner: 1"), "{body}");
    for f in &files {
        let f = unquote(f);
        for personal in ["Sofia", "Daniel", "Adam", "Jonas", "krisesenter", "sak-"] {
            assert!(!f.contains(personal), "{personal} in a reminder: {f}");
        }
    }
    // Once a day: a second run sends nothing.
    let o = los(&dir, &args);
    assert!(text(&o).contains("0 reminders sent"), "{}", text(&o));
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), sent);
    let o = los(&dir, &["user", "set-email", "--user", "ke", "--email", "kari enhet"]);
    assert!(!o.status.success() && text(&o).contains("not an e-mail address"), "{}", text(&o));
    let o = los(&dir, &["user", "set-email", "--user", "ke", "--email", "kari@mellomvik.invalid"]);
    assert!(o.status.success(), "{}", text(&o));
    // The worklists were computed as each employee, through the policy, and audited.
    let o = los(&dir, &["audit", "verify"]);
    assert!(o.status.success() && text(&o).contains("audit chain intact"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tokens_are_short_lived_listed_and_revoked() {
    let dir = tmp();
    assert!(los(&dir, &["demo"]).status.success());
    let o = los(&dir, &["token", "create", "--user", "barnevern", "--days", "400"]);
    assert!(!o.status.success() && text(&o).contains("400"), "a token lives at most a year: {}", text(&o));
    let o = los(&dir, &["token", "create", "--user", "barnevern", "--label", "fagsystem"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = los(&dir, &["token", "create", "--user", "hilde"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = los(&dir, &["token", "list", "--user", "barnevern"]);
    let listing = text(&o);
    assert!(o.status.success() && listing.contains("fagsystem") && !listing.contains("hilde"), "{listing}");
    assert!(!listing.contains("los_"), "the secret is never shown: {listing}");
    // The default lifetime is 30 days.
    let in_30 = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
    assert!(listing.contains(&in_30), "expires in 30 days ({in_30}): {listing}");
    let line = listing.lines().find(|l| l.contains("fagsystem")).expect("the token's line");
    let id = line.split_whitespace().next().expect("id").to_owned();
    let o = los(&dir, &["token", "revoke", "--id", "abc"]);
    assert!(!o.status.success() && text(&o).contains("at least 8"), "{}", text(&o));
    let o = los(&dir, &["token", "revoke", "--id", &id]);
    assert!(o.status.success() && text(&o).contains("revoked"), "{}", text(&o));
    let o = los(&dir, &["token", "list", "--user", "barnevern"]);
    let line = text(&o).lines().find(|l| l.contains("fagsystem")).expect("still listed").to_owned();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(line.matches(&today).count(), 3, "created, last used and revoked today: {line}");
    let o = los(&dir, &["audit", "verify"]);
    assert!(o.status.success(), "the revocation is in an intact chain: {}", text(&o));
}
