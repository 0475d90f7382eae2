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
