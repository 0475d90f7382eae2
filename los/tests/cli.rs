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
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs los on the database in `dir` with the given extra environment; the audit key comes from the key file
/// beside the database unless `LOS_AUDIT_KEY` is among `env`.
fn los_env(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_los"));
    cmd.args(args)
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("los.sqlite").display()))
        .env_remove("LOS_AUDIT_KEY")
        .env_remove("LOS_AUDIT_CHECKPOINTS")
        .env_remove("LOS_CHECKPOINT_INTERVAL")
        .env_remove("LOS_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run los")
}

fn sqlite(db: &Path, sql: &str) {
    let o = Command::new("sqlite3").arg(db).arg(sql).output().expect("the sqlite3 client is needed for this test");
    assert!(o.status.success(), "sqlite3: {}", text(&o));
}

fn with_checkpoints(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("LOS_AUDIT_KEY", KEY.to_owned()),
        ("LOS_AUDIT_CHECKPOINTS", dir.join("checkpoints.jsonl").display().to_string()),
    ]
}

#[test]
fn a_chain_cut_back_or_replaced_after_a_checkpoint_fails_verify() {
    let dir = tmp();
    let env = with_checkpoints(&dir);
    assert!(los_env(&dir, &["demo"], &env).status.success());
    for user in ["barnevern", "skole", "nav"] {
        assert!(los_env(&dir, &["token", "create", "--user", user], &env).status.success());
    }
    let o = los_env(&dir, &["audit", "checkpoint"], &env);
    assert!(o.status.success() && text(&o).contains("checkpoint written to"), "{}", text(&o));
    let o = los_env(&dir, &["audit", "verify"], &env);
    assert!(o.status.success() && text(&o).contains("checkpoints match: 1 checkpoints"), "{}", text(&o));
    // The checkpoint is also a log line for the municipality's log server.
    let o = los_env(&dir, &["audit", "checkpoint"], &env);
    assert!(text(&o).contains("los::audit::checkpoint") && text(&o).contains("mac"), "{}", text(&o));

    // Someone with file access removes the last two entries and rewinds the head: the chain that is left is
    // valid on its own, but shorter than the checkpoint.
    let db = dir.join("los.sqlite");
    sqlite(
        &db,
        "DROP TRIGGER audit_log_no_delete; \
         DELETE FROM audit_log WHERE seq > (SELECT seq - 2 FROM audit_head); \
         UPDATE audit_head SET seq = seq - 2, hash = (SELECT hash FROM audit_log WHERE seq = audit_head.seq - 2);",
    );
    let o = los_env(&dir, &["audit", "verify"], &env);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("audit chain intact"), "the rewound chain is valid by itself: {}", text(&o));
    assert!(text(&o).contains("FAILED") && text(&o).contains("cut back"), "{}", text(&o));

    // Growing it back past the checkpoint does not help: the entry at the checkpoint's position differs.
    for user in ["ke", "uk", "barnevern"] {
        let o = los_env(&dir, &["token", "create", "--user", user], &env);
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = los_env(&dir, &["audit", "verify"], &env);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("is not the one the checkpoint"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_forged_checkpoint_line_fails_verify() {
    let dir = tmp();
    let env = with_checkpoints(&dir);
    assert!(los_env(&dir, &["demo"], &env).status.success());
    assert!(los_env(&dir, &["audit", "checkpoint"], &env).status.success());
    let file = dir.join("checkpoints.jsonl");
    let line = std::fs::read_to_string(&file).unwrap();
    // A line claiming a shorter chain, to make a cut-back look legitimate, cannot be signed without the key.
    let seq = line.split("\"seq\":").nth(1).and_then(|r| r.split(',').next()).unwrap().to_owned();
    let forged = line.replacen(&format!("\"seq\":{seq},"), "\"seq\":1,", 1);
    assert_ne!(forged, line);
    std::fs::write(&file, format!("{line}{forged}")).unwrap();
    let o = los_env(&dir, &["audit", "verify"], &env);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("line 2") && text(&o).contains("signature does not match"), "{}", text(&o));
    // Without the checkpoint file configured the chain itself still verifies, and verify says what it missed.
    let o = los_env(&dir, &["audit", "verify"], &[("LOS_AUDIT_KEY", KEY.to_owned())]);
    assert!(o.status.success() && text(&o).contains("no checkpoint file configured"), "{}", text(&o));
    // A deleted checkpoint file is reported too.
    std::fs::remove_file(&file).unwrap();
    let o = los_env(&dir, &["audit", "verify"], &env);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}

/// Waits for a child up to `secs` seconds; kills it and fails when it is still running.
fn wait_for(mut child: std::process::Child, secs: u64) -> Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("los did not stop within {secs} s: {}", text(&child.wait_with_output().unwrap()));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn serve(dir: &Path, env: &[(&str, String)]) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_los"));
    cmd.args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("los.sqlite").display()))
        .env_remove("LOS_AUDIT_KEY")
        .env_remove("LOS_AUDIT_CHECKPOINTS")
        .env_remove("LOS_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("start los serve")
}

#[test]
fn a_wrong_or_missing_key_file_is_refused_at_start_up() {
    let dir = tmp();
    // First run: the key file is created beside the database.
    let o = los_env(&dir, &["demo"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    let key_file = dir.join("audit.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(key.len() >= 32);

    // A wrong key file: appending commands and the server stop before writing, naming the file, not the key.
    let wrong = "wrong-key-0123456789abcdef0123456789abcdef";
    std::fs::write(&key_file, wrong).unwrap();
    let o = los_env(&dir, &["token", "create", "--user", "barnevern"], &[]);
    let t = text(&o);
    assert!(!o.status.success() && t.contains(&key_file.display().to_string()) && t.contains("does not match"), "{t}");
    assert!(!t.contains(wrong), "the key leaked: {t}");
    let o = wait_for(serve(&dir, &[]), 30);
    let t = text(&o);
    assert!(!o.status.success() && t.contains("does not match the audit chain") && !t.contains("serving"), "{t}");
    let o = los_env(&dir, &["audit", "checkpoint"], &with_checkpoints(&dir)[1..]);
    assert!(!o.status.success() && text(&o).contains("does not match"), "{}", text(&o));
    // The same for a key given in the environment.
    let o = los_env(&dir, &["migrate"], &[("LOS_AUDIT_KEY", "another-wrong-key-0123456789".into())]);
    assert!(!o.status.success() && text(&o).contains("LOS_AUDIT_KEY") && !text(&o).contains("another-wrong"));

    // A missing key file beside a chain with entries is refused, and no new key is made.
    std::fs::remove_file(&key_file).unwrap();
    for args in [&["token", "create", "--user", "barnevern"][..], &["audit", "verify"], &["migrate"]] {
        let o = los_env(&dir, args, &[]);
        let t = text(&o);
        assert!(!o.status.success() && t.contains("is missing") && t.contains("audit entries"), "{args:?}: {t}");
        assert!(!key_file.exists(), "{args:?} created a new key file");
    }
    let o = wait_for(serve(&dir, &[]), 30);
    assert!(!o.status.success() && text(&o).contains("is missing"), "{}", text(&o));
    assert!(!key_file.exists());

    // The right key restored: everything works again and the chain is intact.
    std::fs::write(&key_file, &key).unwrap();
    let o = los_env(&dir, &["token", "create", "--user", "barnevern"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    let o = los_env(&dir, &["audit", "verify"], &[]);
    assert!(o.status.success() && text(&o).contains("audit chain intact"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_writes_a_checkpoint_at_start_and_at_shutdown() {
    let dir = tmp();
    let env = with_checkpoints(&dir);
    let file = dir.join("checkpoints.jsonl");
    let child = serve(&dir, &env);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&file).map_or(0, |t| t.lines().count()) == 0 {
        assert!(std::time::Instant::now() < deadline, "no checkpoint at start-up");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let o = wait_for(child, 30);
    assert!(o.status.success(), "{}", text(&o));
    let lines = std::fs::read_to_string(&file).unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
    let o = los_env(&dir, &["audit", "verify"], &env);
    assert!(o.status.success() && text(&o).contains("checkpoints match: 2 checkpoints"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

#[test]
fn init_is_idempotent_and_admin_acts_as_an_administrator_through_the_policy() {
    let dir = tmp();
    let o = los(&dir, &["init", "--municipality", "4601", "--admin", "it-drift@bergen.kommune.no"]);
    assert!(
        o.status.success() && text(&o).contains("organisation kommune-4601 (Bergen kommune) created"),
        "{}",
        text(&o)
    );
    let admin = out(&o)
        .lines()
        .find_map(|l| l.strip_prefix("employee ").and_then(|r| r.strip_suffix(" created")))
        .expect("the administrator's id")
        .to_owned();
    assert!(text(&o).contains(&format!("{admin} is administrator of kommune-4601")), "{}", text(&o));
    // Again, with the address in capitals: nothing to do.
    let o = los(&dir, &["init", "--municipality", "4601", "--admin", "IT-DRIFT@bergen.kommune.no"]);
    assert!(o.status.success() && text(&o).contains("nothing to do") && text(&o).contains(&admin), "{}", text(&o));
    let o = los(&dir, &["init", "--municipality", "9999", "--admin", "x@example.no"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no municipality 9999"), "{}", text(&o));

    let admin_args = |rest: &[&str]| {
        let mut v = vec!["admin", "--as", admin.as_str()];
        v.extend_from_slice(rest);
        los(&dir, &v)
    };
    let o = admin_args(&["service", "create", "--type", "ppt", "--name", "PPT", "--phone", "+47 55 56 00 00"]);
    assert!(o.status.success(), "{}", text(&o));
    let service = out(&o);
    // Bad input: refused on its field, exit 2, nothing listed.
    let o = admin_args(&["service", "create", "--type", "ppt", "--name", "PPT 2"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("phone:") && text(&o).contains("admin.contact_required"), "{}", text(&o));
    let o = admin_args(&["employee", "create", "--name", "Kari Vern", "--email", "kari.vern@bergen.kommune.no"]);
    assert!(o.status.success(), "{}", text(&o));
    let kari = out(&o);
    let o = admin_args(&["membership", "add", "--user", &kari, "--role", "case_worker", "--service", &service]);
    assert!(o.status.success(), "{}", text(&o));
    let o = admin_args(&["service", "edit", "--id", &service, "--name", "PP-tjenesten i Bergen"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = admin_args(&["directory"]);
    let listing = out(&o);
    assert!(listing.contains("PP-tjenesten i Bergen") && listing.contains("Kari Vern"), "{listing}");
    assert!(listing.contains("case_worker") && !listing.contains("PPT 2"), "{listing}");
    // The employee is no administrator: refused by the policy, exit 2.
    let o = los(&dir, &["admin", "--as", &kari, "service", "deactivate", "--id", &service]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("denied.not_directory_administrator"), "{}", text(&o));
    // Deactivated, the employee gets no token.
    let o = admin_args(&["employee", "deactivate", "--id", &kari]);
    assert!(o.status.success() && out(&o).contains("deactivated"), "{}", text(&o));
    let o = los(&dir, &["token", "create", "--user", &kari]);
    assert!(!o.status.success() && text(&o).contains("deactivated"), "{}", text(&o));
    let o = los(&dir, &["audit", "verify"]);
    assert!(o.status.success() && text(&o).contains("audit chain intact"), "{}", text(&o));
}

#[test]
fn scim_tokens_and_group_mappings_from_the_command_line() {
    let dir = tmp();
    assert!(los(&dir, &["demo"]).status.success());
    let o = los(&dir, &["scim", "token", "create", "--label", "Entra ID provisioning"]);
    let secret = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    assert!(o.status.success() && secret.starts_with("los_scim_") && secret.len() > 60, "{}", text(&o));
    let o = los(&dir, &["scim", "token", "list"]);
    let listing = text(&o);
    assert!(o.status.success() && listing.contains("Entra ID provisioning"), "{listing}");
    assert!(!listing.contains(&secret), "the secret is never shown: {listing}");
    let id = listing.lines().find(|l| l.contains("Entra ID")).and_then(|l| l.split_whitespace().next()).unwrap();
    let o = los(&dir, &["scim", "token", "revoke", "abc"]);
    assert!(!o.status.success() && text(&o).contains("at least 8"), "{}", text(&o));
    let o = los(&dir, &["scim", "token", "revoke", id]);
    assert!(o.status.success() && text(&o).contains("revoked"), "{}", text(&o));

    let o = los(&dir, &["scim", "map-group", "--group", "Skolen", "--service", "nordby-skole", "--role", "chief"]);
    assert!(!o.status.success() && text(&o).contains("unknown role 'chief'"), "{}", text(&o));
    let o =
        los(&dir, &["scim", "map-group", "--group", "Skolen", "--service", "nordby-skole", "--role", "case_worker"]);
    assert!(!o.status.success() && text(&o).contains("group Skolen was not found"), "{}", text(&o));
    let o = los(&dir, &["scim", "map-group", "--group", "Skolen", "--role", "case_worker"]);
    assert!(!o.status.success(), "a service or an organisation is needed: {}", text(&o));
    // A group the directory provisioned (written here as the SCIM endpoint would), mapped by its name.
    let db = dir.join("los.sqlite");
    let insert = "INSERT INTO scim_group (id, display_name, external_id, created_at, updated_at) \
                  VALUES ('g1', 'Skolen', NULL, '2026-12-06T10:00:00Z', '2026-12-06T10:00:00Z');";
    if Command::new("sqlite3").arg(&db).arg(insert).status().is_ok_and(|s| s.success()) {
        let o = los(
            &dir,
            &["scim", "map-group", "--group", "Skolen", "--service", "nordby-skole", "--role", "case_worker"],
        );
        assert!(
            o.status.success() && text(&o).contains("mapping 1: members of 'Skolen' are case_worker in nordby-skole"),
            "{}",
            text(&o)
        );
        let o = los(&dir, &["scim", "mappings"]);
        assert!(
            text(&o).lines().any(|l| l.starts_with('1') && l.contains("nordby-skole") && l.contains("Skolen")),
            "{}",
            text(&o)
        );
        let o = los(&dir, &["scim", "unmap-group", "1"]);
        assert!(o.status.success(), "{}", text(&o));
        let o = los(&dir, &["scim", "mappings"]);
        assert!(!text(&o).contains("Skolen"), "{}", text(&o));
    }
    let o = los(&dir, &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[scim]\nsubject_attribute = \"mail\"\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_los"))
        .args(["--config", bad.to_str().unwrap(), "migrate"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LOS_AUDIT_KEY", KEY)
        .output()
        .unwrap();
    assert!(!o.status.success() && text(&o).contains("scim.subject_attribute 'mail'"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(dir);
}
