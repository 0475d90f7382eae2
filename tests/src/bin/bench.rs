//! The benchmark of issue 15: a fixed load against a real `los serve` process on a synthetic municipality.
//!
//! ```sh
//! cargo build --release -p los -p los-tests
//! target/release/bench --los target/release/los --db sqlite --cases 1000 --seconds 10
//! target/release/bench --los target/release/los --db postgres --cases 1000 --seconds 10
//! ```
//!
//! It makes a fresh database (a temporary SQLite file, or a new PostgreSQL database on the test server),
//! loads the demo municipality and `--cases` synthetic cases (`los demo --scale`), starts `los serve` as its own
//! process, and for each scenario runs `--connections` clients for `--seconds` seconds. It prints one
//! Markdown table row per scenario: requests per second, p50 and p99 latency, non-2xx answers, and the
//! server's resident memory at the end (from /proc). No figure is asserted: `docs/PERFORMANCE.md` records them.
//! In CI it runs briefly as a smoke test (`--seconds 1`).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

struct Args {
    los: String,
    db: String,
    cases: usize,
    seconds: u64,
    connections: usize,
}

fn args() -> anyhow::Result<Args> {
    let mut a =
        Args { los: "target/release/los".into(), db: "sqlite".into(), cases: 1000, seconds: 10, connections: 50 };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().with_context(|| format!("{k} needs a value"))?;
        match k.as_str() {
            "--los" => a.los = v,
            "--db" => a.db = v,
            "--cases" => a.cases = v.parse()?,
            "--seconds" => a.seconds = v.parse()?,
            "--connections" => a.connections = v.parse()?,
            other => bail!("unknown option {other}"),
        }
    }
    Ok(a)
}

/// A fresh database URL for the run.
async fn database(db: &str) -> anyhow::Result<(String, Option<std::path::PathBuf>)> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match db {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("los-bench-{id}"));
            std::fs::create_dir_all(&dir)?;
            Ok((format!("sqlite://{}", dir.join("los.sqlite").display()), Some(dir)))
        }
        "postgres" => {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(los_tests::pg_admin_url()).await?;
            let name = format!("los_bench_{id}");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
            let base = los_tests::pg_admin_url();
            let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s).to_owned();
            Ok((format!("{server}/{name}"), None))
        }
        other => bail!("--db is sqlite or postgres, not {other}"),
    }
}

fn los(a: &Args, url: &str, key: &str, rest: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(&a.los).args(["--database", url, "--audit-key", key]).args(rest).output()?;
    if !out.status.success() {
        bail!("los {rest:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// The server process, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One request of a scenario: the method, path and body for the `n`th request.
type Make = Arc<dyn Fn(usize) -> (reqwest::Method, String, Option<serde_json::Value>) + Send + Sync>;

struct Row {
    name: &'static str,
    count: usize,
    rps: f64,
    p50: f64,
    p99: f64,
    errors: usize,
}

async fn run(base: &str, token: &str, a: &Args, name: &'static str, make: Make) -> anyhow::Result<Row> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(a.connections).build()?;
    let counter = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let end = Instant::now() + Duration::from_secs(a.seconds);
    let mut tasks = Vec::new();
    for _ in 0..a.connections {
        let (client, make, counter, errors) = (client.clone(), make.clone(), counter.clone(), errors.clone());
        let (base, token) = (base.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < end {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let (method, path, body) = make(n);
                let mut req = client.request(method, format!("{base}{path}")).bearer_auth(&token);
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let start = Instant::now();
                let ok = match req.send().await {
                    Ok(r) => {
                        let ok = r.status().is_success();
                        let _ = r.bytes().await;
                        ok
                    }
                    Err(_) => false,
                };
                latencies.push(start.elapsed().as_secs_f64() * 1000.0);
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    all.sort_by(f64::total_cmp);
    let pct =
        |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or(0.0);
    Ok(Row {
        name,
        count: all.len(),
        rps: all.len() as f64 / a.seconds as f64,
        p50: pct(0.50),
        p99: pct(0.99),
        errors: errors.load(Ordering::Relaxed),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args()?;
    let (url, dir) = database(&a.db).await?;
    let key = "bench-audit-key-0123456789abcdef";
    let loading = Instant::now();
    los(&a, &url, key, &["demo", "--scale", &a.cases.to_string()])?;
    let load_secs = loading.elapsed().as_secs_f64();
    let worker = los(&a, &url, key, &["token", "create", "--user", "barnevern"])?;
    let family = los(&a, &url, key, &["token", "create", "--user", "sofia"])?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let server = Server(
        Command::new(&a.los)
            .args(["--database", &url, "--audit-key", key, "--log-format", "json", "serve", "--listen", &listen])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let base = format!("http://{listen}");
    let health = reqwest::Client::new();
    while health.get(format!("{base}/health")).send().await.is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("los serve did not answer /health");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let startup_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rss_idle = rss_mb(server.0.id());
    // The worker's cases: every 33rd synthetic case has child welfare taking part.
    let theirs: Vec<String> = (0..a.cases).step_by(33).map(|i| format!("skala-sak-{i}")).collect();
    let theirs = Arc::new(theirs);
    let today = chrono::Utc::now().date_naive();
    let get = |path: String| (reqwest::Method::GET, path, None);
    let scenarios: Vec<(&'static str, &str, Make)> = vec![
        ("read one case (audited)", &worker, {
            let t = theirs.clone();
            Arc::new(move |n| get(format!("/api/v1/cases/{}", t[n % t.len()])))
        }),
        ("case list", &worker, Arc::new(move |_| get("/api/v1/cases".into()))),
        ("worklist", &worker, Arc::new(move |_| get("/api/v1/me/tasks".into()))),
        ("family access log", &family, Arc::new(move |_| get("/api/v1/me/access-log".into()))),
        ("note create", &worker, {
            let t = theirs.clone();
            Arc::new(move |n| {
                let body = json!({"service_id": "mellomvik-barnevern", "category": "general", "body": format!("Benchmark {n}")});
                (reqwest::Method::POST, format!("/api/v1/cases/{}/notes", t[n % t.len()]), Some(body))
            })
        }),
        ("consent create", &worker, {
            // A parent consents for a child under 15 (bvl § 15-9: from 15 the young person consents alone,
            // and Los refuses the parent's consent). `los demo --scale` makes case i's child 2 years and
            // i % 5000 days old, so from about i % 5000 = 4,745 the child is 15.
            let t: Arc<Vec<String>> = Arc::new(
                theirs
                    .iter()
                    .filter(|c| c.trim_start_matches("skala-sak-").parse::<usize>().is_ok_and(|i| i % 5000 < 4700))
                    .cloned()
                    .collect(),
            );
            Arc::new(move |n| {
                let case = &t[n % t.len()];
                let i = case.trim_start_matches("skala-sak-");
                let body = json!({"domain": "general", "givers": [{"person_id": format!("skala-forelder-{i}"), "capacity": "parent"}],
                    "from_services": ["mellomvik-barnevern"], "to_services": ["mellomvik-legekontor"], "categories": ["general"],
                    "purpose": "Benchmark", "consequences": "Ingen", "form": "written",
                    "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(100)).to_string()});
                (reqwest::Method::POST, format!("/api/v1/cases/{case}/consents"), Some(body))
            })
        }),
    ];
    println!(
        "Los {} on {}, {} synthetic cases (+3 demo), {} connections, {} s per scenario; load {load_secs:.1} s, start-up to /health {startup_ms:.0} ms, RSS idle {rss_idle:.0} MB",
        env!("CARGO_PKG_VERSION"),
        a.db,
        a.cases,
        a.connections,
        a.seconds
    );
    println!();
    println!("| scenario | req/s | p50 ms | p99 ms | non-2xx | RSS after MB |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut failed = Vec::new();
    for (name, token, make) in scenarios {
        let r = run(&base, token, &a, name, make).await?;
        if r.errors == r.count {
            failed.push(name);
        }
        println!(
            "| {} | {:.0} | {:.1} | {:.1} | {} | {:.0} |",
            r.name,
            r.rps,
            r.p50,
            r.p99,
            r.errors,
            rss_mb(server.0.id())
        );
    }
    drop(server);
    // `los audit verify` over the whole chain the run left (history, token creation and every request).
    let started = Instant::now();
    let report = los(&a, &url, key, &["audit", "verify"])?;
    let secs = started.elapsed().as_secs_f64();
    let entries: f64 =
        report.split(|c: char| !c.is_ascii_digit()).find(|w| !w.is_empty()).and_then(|w| w.parse().ok()).unwrap_or(0.0);
    println!();
    println!(
        "audit verify: {entries:.0} entries in {secs:.2} s ({:.0} entries/s, process start included)",
        entries / secs
    );
    match dir {
        Some(d) => {
            let _ = std::fs::remove_dir_all(d);
        }
        None => {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(los_tests::pg_admin_url()).await?;
            let name = url.rsplit('/').next().unwrap_or_default();
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\"")).await?;
        }
    }
    // A smoke test, not a timing test: it fails only when a scenario got no successful answer at all.
    if !failed.is_empty() {
        bail!("no request succeeded in: {}", failed.join(", "));
    }
    Ok(())
}
