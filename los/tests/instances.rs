//! Several Los instances on one PostgreSQL database (issue 15): two `los serve` processes with the same audit
//! key take concurrent audited reads and writes while `los audit verify` runs against the live database;
//! after a graceful stop the chain is one intact chain holding an entry for every request, both instances'
//! checkpoint files vouch for it (each alone and both in one file), and an idempotency key used at one
//! instance is honoured at the other.
//!
//! Needs the PostgreSQL test server (`LOS_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`);
//! skipped with a message when it does not answer, unless `CI` or `LOS_TEST_REQUIRE_POSTGRES=1` is set.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, Statement};
use serde_json::json;

const KEY: &str = "instances-test-audit-key-0123456789";
/// Concurrent clients, each sending `PER_TASK` requests alternately to both instances.
const TASKS: usize = 16;
const PER_TASK: usize = 25;

fn admin_url() -> String {
    std::env::var("LOS_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn postgres_required() -> bool {
    std::env::var("LOS_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A fresh database on the test server, dropped when this is dropped (also when the test fails).
struct TestDb {
    admin: String,
    name: String,
    url: String,
}

impl TestDb {
    /// `Err` when the PostgreSQL server does not answer.
    async fn create() -> Result<TestDb, String> {
        let admin = admin_url();
        // A server that is not there is told within seconds, not after the pool's default 30 s.
        let mut options = ConnectOptions::new(admin.as_str());
        options.connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(5));
        let conn = Database::connect(options).await.map_err(|e| e.to_string())?;
        let name = format!("los_inst_{}", uuid::Uuid::new_v4().simple());
        conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.map_err(|e| e.to_string())?;
        conn.close().await.map_err(|e| e.to_string())?;
        let server = admin.rsplit_once('/').map_or(admin.as_str(), |(s, _)| s);
        let url = format!("{server}/{name}");
        Ok(TestDb { admin, name, url })
    }

    /// The audit chain's length: `audit_head.seq`.
    async fn chain_length(&self) -> i64 {
        let conn = Database::connect(self.url.as_str()).await.expect("connect to the test database");
        let sql = "SELECT seq FROM audit_head WHERE id = 1";
        let row = conn
            .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await
            .expect("read audit_head")
            .expect("the audit_head row");
        let seq = row.try_get::<i64>("", "seq").expect("audit_head.seq");
        let _ = conn.close().await;
        seq
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop may run inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let conn = Database::connect(admin.as_str()).await.ok()?;
                conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("note: the test database {} could not be dropped", self.name);
        }
    }
}

/// `los` with this database and key, and nothing from the caller's environment that could change it.
fn los_command(url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_los"));
    cmd.env("DATABASE_URL", url).env("LOS_AUDIT_KEY", KEY);
    for var in [
        "LOS_CONFIG",
        "LOS_AUDIT_CHECKPOINTS",
        "LOS_CHECKPOINT_INTERVAL",
        "LOS_LISTEN",
        "LOS_DEMO",
        "LOS_FAILURES_PER_MINUTE",
        "LOS_LOG",
        "LOS_LOG_FORMAT",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Runs a `los` command to its end and requires success.
fn los_ok(url: &str, args: &[&str]) -> String {
    let o = los_command(url).args(args).output().expect("run los");
    assert!(o.status.success(), "los {args:?} failed: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One `los serve` process; killed when dropped if it is still running.
struct Server {
    child: Child,
    base: String,
    checkpoints: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `los serve` on a free port with its own checkpoint file, and waits for its address in the log.
    fn start(url: &str, checkpoints: &Path) -> Server {
        let mut child = los_command(url)
            .args(["serve", "--listen", "127.0.0.1:0", "--audit-checkpoints"])
            .arg(checkpoints)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start los serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let lines = log.clone();
        // Read the log to its end, so a full pipe never stalls the server.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some((_, rest)) = line.split_once("serving on http://") {
                    let addr: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
                    let _ = tx.send(addr);
                }
                lines.lock().unwrap().push(line);
            }
        });
        let server = |addr: String| Server {
            child,
            base: format!("http://{addr}"),
            checkpoints: checkpoints.to_owned(),
            log: log.clone(),
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => server(addr),
            Err(_) => panic!("los serve did not start: {}", log.lock().unwrap().join("\n")),
        }
    }

    /// SIGTERM, then waits up to 30 s for a graceful end; panics with the log when it fails.
    fn stop(&mut self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("run kill").success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for los serve") {
                break status;
            }
            assert!(Instant::now() < deadline, "los serve did not stop: {}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "los serve ended with {status}: {}", self.log());
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

async fn wait_for_health(client: &reqwest::Client, server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match client.get(format!("{}/health", server.base)).send().await {
            Ok(r) if r.status().is_success() => return,
            _ if Instant::now() > deadline => panic!("{} did not become healthy: {}", server.base, server.log()),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// A demo user's API token and what it may read and write.
#[derive(Clone)]
struct Caller {
    token: String,
    cases: &'static [&'static str],
    note_service: &'static str,
    note_category: &'static str,
}

/// The `n`th request of client `task`: an audited case read, the case list, the worklist or a new note.
fn request(client: &reqwest::Client, base: &str, who: &Caller, task: usize, n: usize) -> reqwest::RequestBuilder {
    let case = who.cases[(task + n) % who.cases.len()];
    let req = match n % 4 {
        0 => client.get(format!("{base}/api/v1/cases/{case}")),
        1 => client.get(format!("{base}/api/v1/cases")),
        2 => client.get(format!("{base}/api/v1/me/tasks")),
        _ => client.post(format!("{base}/api/v1/cases/{case}/notes")).json(&json!({
            "service_id": who.note_service,
            "category": who.note_category,
            "body": format!("Last fra klient {task}, forespørsel {n}"),
        })),
    };
    req.bearer_auth(&who.token)
}

/// Answers by status, and a line for each one that was not 2xx.
#[derive(Default)]
struct Tally {
    by_status: BTreeMap<u16, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn ok(&self) -> usize {
        self.by_status.iter().filter(|(s, _)| (200..300).contains(*s)).map(|(_, n)| n).sum()
    }

    fn total(&self) -> usize {
        self.by_status.values().sum()
    }
}

/// `TASKS` clients at once, each alternating between the instances.
async fn drive_load(client: &reqwest::Client, bases: [String; 2], callers: [Caller; 2]) -> Tally {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (client, bases, tally) = (client.clone(), bases.clone(), tally.clone());
        // A third of the clients are the public health nurse, the rest the child welfare worker.
        let who = callers[usize::from(task % 3 == 2)].clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..PER_TASK {
                let base = &bases[(task + n) % 2];
                let (status, failure) = match request(&client, base, &who, task, n).send().await {
                    Ok(r) => {
                        let status = r.status();
                        let body = r.text().await.unwrap_or_default();
                        let failure = (!status.is_success()).then(|| format!("{base} #{task}.{n}: {status} {body}"));
                        (status.as_u16(), failure)
                    }
                    Err(e) => (0, Some(format!("{base} #{task}.{n}: {e}"))),
                };
                let mut t = tally.lock().unwrap();
                *t.by_status.entry(status).or_default() += 1;
                t.failures.extend(failure);
            }
        }));
    }
    for t in tasks {
        t.await.expect("a load task panicked");
    }
    Arc::try_unwrap(tally).ok().expect("all tasks ended").into_inner().unwrap()
}

/// Runs `los audit verify` over and over until `done`, as an operator's cron job may while Los serves.
fn verify_while(url: String, done: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<Output>> {
    std::thread::spawn(move || {
        let mut runs = Vec::new();
        loop {
            runs.push(los_command(&url).args(["audit", "verify"]).output().expect("run los audit verify"));
            if done.load(Ordering::SeqCst) {
                return runs;
            }
        }
    })
}

/// A write sent with an idempotency key to one instance and retried at the other is done once.
async fn idempotency_is_shared(client: &reqwest::Client, bases: &[String; 2], who: &Caller) {
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"service_id": who.note_service, "category": who.note_category, "body": "Sendt to ganger"});
    let mut answers = Vec::new();
    for base in bases {
        let r = client
            .post(format!("{base}/api/v1/cases/{}/notes", who.cases[0]))
            .bearer_auth(&who.token)
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
            .await
            .expect("send the note");
        let replayed = r.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
        answers.push((r.status(), replayed, r.text().await.unwrap_or_default()));
    }
    assert!(answers[0].0.is_success() && !answers[0].1, "first answer: {answers:?}");
    assert!(answers[1].1 && answers[1].0 == answers[0].0 && answers[1].2 == answers[0].2, "retry: {answers:?}");
}

/// After the stop: the chain verifies, alone and against each checkpoint file and both together, and the
/// newest checkpoint of each instance (written at its shutdown) records the whole chain.
fn verify_after_stop(db: &TestDb, dir: &Path, servers: &[Server], length: i64) {
    let out = los_ok(&db.url, &["audit", "verify"]);
    assert!(out.contains(&format!("audit chain intact: {length} entries verified")), "{out}");
    let mut all = String::new();
    for s in servers {
        let lines = std::fs::read_to_string(&s.checkpoints).expect("read the checkpoint file");
        let newest: serde_json::Value = serde_json::from_str(lines.lines().last().expect("a checkpoint")).unwrap();
        assert!(lines.lines().count() >= 2, "a checkpoint at start and at shutdown: {lines}");
        assert_eq!(newest["seq"], json!(length), "the shutdown checkpoint of {}: {lines}", s.base);
        let out = los_ok(&db.url, &["audit", "verify", "--audit-checkpoints", s.checkpoints.to_str().unwrap()]);
        assert!(out.contains("audit chain intact") && out.contains("checkpoints match"), "{out}");
        all.push_str(&lines);
    }
    // Both instances' checkpoints shipped to one place (a log server) check out together.
    let both = dir.join("both.jsonl");
    std::fs::write(&both, all).unwrap();
    let out = los_ok(&db.url, &["audit", "verify", "--audit-checkpoints", both.to_str().unwrap()]);
    assert!(out.contains(&format!("checkpoints match: {} checkpoints", count_lines(&both))), "{out}");
}

fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_keep_one_audit_chain() {
    let started = Instant::now();
    let db = match TestDb::create().await {
        Ok(db) => db,
        Err(e) if postgres_required() => panic!("PostgreSQL is required here but does not answer: {e}"),
        Err(e) => {
            eprintln!("skipped: PostgreSQL does not answer at {} ({e})", admin_url());
            return;
        }
    };
    let dir = std::env::temp_dir().join(format!("los-instances-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    los_ok(&db.url, &["migrate"]);
    los_ok(&db.url, &["demo"]);
    let token = |user| los_ok(&db.url, &["token", "create", "--user", user]).trim().to_owned();
    let callers = [
        Caller {
            token: token("barnevern"),
            cases: &["sak-sofia-daniel", "sak-adam"],
            note_service: "mellomvik-barnevern",
            note_category: "general",
        },
        Caller {
            token: token("helsesykepleier"),
            cases: &["sak-adam"],
            note_service: "mellomvik-helsestasjon",
            note_category: "health",
        },
    ];
    let mut servers = [Server::start(&db.url, &dir.join("a.jsonl")), Server::start(&db.url, &dir.join("b.jsonl"))];
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    for s in &servers {
        wait_for_health(&client, s).await;
    }
    let bases = [servers[0].base.clone(), servers[1].base.clone()];

    let before = db.chain_length().await;
    let load_started = Instant::now();
    let done = Arc::new(AtomicBool::new(false));
    let verifier = verify_while(db.url.clone(), done.clone());
    let tally = drive_load(&client, bases.clone(), callers.clone()).await;
    let load_secs = load_started.elapsed().as_secs_f64();
    done.store(true, Ordering::SeqCst);
    let verifies = tokio::task::spawn_blocking(move || verifier.join().expect("the verifier panicked")).await.unwrap();
    let after_load = db.chain_length().await;

    assert!(tally.failures.is_empty(), "{} answers were not 2xx:\n{}", tally.failures.len(), tally.failures.join("\n"));
    assert_eq!(tally.ok(), TASKS * PER_TASK, "{:?}", tally.by_status);
    // Every request read or wrote at least one case, and each such access has its own entry.
    let grown = after_load - before;
    assert!(grown >= tally.ok() as i64, "the chain grew by {grown} entries for {} audited requests", tally.ok());
    for o in &verifies {
        assert!(o.status.success() && text(o).contains("audit chain intact"), "verify while serving: {}", text(o));
    }

    idempotency_is_shared(&client, &bases, &callers[0]).await;
    for s in &mut servers {
        s.stop();
    }
    let length = db.chain_length().await;
    verify_after_stop(&db, &dir, &servers, length);
    eprintln!(
        "two instances: {} requests, {} answered 2xx, in {load_secs:.1} s; the chain grew by {grown} entries to {length}; \
         {} runs of los audit verify during the load; {:.1} s in all",
        tally.total(),
        tally.ok(),
        verifies.len(),
        started.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(dir);
}
