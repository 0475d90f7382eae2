//! HTTP tests against a real Los server, run on SQLite and again on PostgreSQL when a server answers.
//! Each test gets its own fresh database. In CI (`CI` set) a missing PostgreSQL fails the run.

mod admin;
mod audit;
mod cases;
mod child_coordinator;
mod closing;
mod confidentiality;
mod faces;
mod foundation;
mod hardening;
mod hostile;
mod individual_plan;
mod intake;
mod oidc;
mod planning;
mod probe;
mod rights;
mod scenarios;
mod scim;
mod sentences;
mod snapshots;

use std::future::Future;
use std::pin::Pin;

use libtest_mimic::{Arguments, Failed, Trial};
use los_tests::{Db, postgres_available, postgres_required};

pub type TestFn = fn(Db) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Registers an async test function `async fn name(db: Db) -> anyhow::Result<()>`.
#[macro_export]
macro_rules! tests {
    ($($name:ident),+ $(,)?) => {
        pub fn all() -> Vec<(&'static str, $crate::TestFn)> {
            vec![$((stringify!($name), |db| Box::pin($name(db)))),+]
        }
    };
}

fn run(f: TestFn, db: Db) -> Result<(), Failed> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))?;
    rt.block_on(f(db)).map_err(|e| Failed::from(format!("{e:#}")))
}

fn main() {
    let args = Arguments::from_args();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let pg = rt.block_on(postgres_available());
    drop(rt);
    let pg_note = match &pg {
        Ok(()) => "postgres: ran".to_owned(),
        Err(e) => format!("postgres: SKIPPED (no server at {}: {e})", los_tests::pg_admin_url()),
    };
    eprintln!("database backends: sqlite: ran; {pg_note}");
    if pg.is_err() && postgres_required() {
        eprintln!("error: PostgreSQL is required here (CI or LOS_TEST_REQUIRE_POSTGRES=1) but does not answer");
        std::process::exit(1);
    }

    let mut all = foundation::all();
    all.extend(admin::all());
    all.extend(cases::all());
    all.extend(child_coordinator::all());
    all.extend(closing::all());
    all.extend(intake::all());
    all.extend(individual_plan::all());
    all.extend(audit::all());
    all.extend(confidentiality::all());
    all.extend(faces::all());
    all.extend(hostile::all());
    all.extend(hardening::all());
    all.extend(oidc::all());
    all.extend(probe::all());
    all.extend(scenarios::all());
    all.extend(planning::all());
    all.extend(rights::all());
    all.extend(scim::all());
    all.extend(sentences::all());
    all.extend(snapshots::all());
    let mut trials = Vec::new();
    for (name, f) in all {
        trials.push(Trial::test(format!("sqlite::{name}"), move || run(f, Db::Sqlite)));
        trials.push(
            Trial::test(format!("postgres::{name}"), move || run(f, Db::Postgres)).with_ignored_flag(pg.is_err()),
        );
    }
    let conclusion = libtest_mimic::run(&args, trials);
    eprintln!("database backends: sqlite: ran; {pg_note}");
    conclusion.exit();
}
