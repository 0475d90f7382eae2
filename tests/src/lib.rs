//! Test support: start a real Los server on a fresh SQLite file or a fresh PostgreSQL database, and talk
//! to it over HTTP. Used by the HTTP tests (`http/`) and the browser tests (`e2e/`).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use los_store::{AuditKey, DatabaseUrl, Store, TokenKind};
use sea_orm::{ConnectionTrait, Database};
use tokio::sync::oneshot;

pub mod oidc;
pub mod smtp;

/// The PostgreSQL server used for tests (a maintenance database on it; each test creates its own).
pub fn pg_admin_url() -> String {
    std::env::var("LOS_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Must PostgreSQL run? True in CI (`CI` set) or when `LOS_TEST_REQUIRE_POSTGRES=1`.
pub fn postgres_required() -> bool {
    std::env::var("LOS_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Checks that the PostgreSQL test server answers, and drops databases left by earlier crashed runs.
pub async fn postgres_available() -> Result<(), String> {
    let db = Database::connect(pg_admin_url()).await.map_err(|e| e.to_string())?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'los_t_%' AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)",
        ))
        .await
        .map_err(|e| e.to_string())?;
    for r in rows {
        if let Ok(name) = r.try_get::<String>("", "datname") {
            let _ = db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\"")).await;
        }
    }
    Ok(())
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    pub fn name(self) -> &'static str {
        match self {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
        }
    }
}

/// A running Los server on its own fresh database.
pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub store: Store,
    pub db: Db,
    /// The URL of the test's own database (to open it again, e.g. with another audit key).
    pub database_url: DatabaseUrl,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    sqlite_dir: Option<PathBuf>,
    pg_name: Option<String>,
}

/// How the web layer is set up, as `los serve`'s options set it.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// `--secure-cookies`: Secure cookies and HSTS.
    pub secure_cookies: bool,
    /// `--failures-per-minute`.
    pub failures_per_minute: u32,
    /// `--mail`: where invitations go (e.g. `smtp://127.0.0.1:2525`).
    pub mail: Option<String>,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions { secure_cookies: false, failures_per_minute: 20, mail: None }
    }
}

pub const TEST_AUDIT_KEY: &str = "test-audit-key-0123456789abcdef";

impl TestApp {
    /// Starts Los with the demo municipality loaded.
    pub async fn demo(db: Db) -> anyhow::Result<TestApp> {
        Self::start(db, true).await
    }

    /// Starts Los; `demo` loads the demo municipality and enables the demo login picker.
    pub async fn start(db: Db, demo: bool) -> anyhow::Result<TestApp> {
        Self::start_with(db, demo, los_store::Settings::default()).await
    }

    /// Starts Los with local rules other than the defaults.
    pub async fn start_with(db: Db, demo: bool, settings: los_store::Settings) -> anyhow::Result<TestApp> {
        Self::start_full(db, demo, settings, WebOptions::default()).await
    }

    /// Starts Los with web options other than the defaults (HTTPS cookies, the failure limit).
    pub async fn start_full(
        db: Db,
        demo: bool,
        settings: los_store::Settings,
        web: WebOptions,
    ) -> anyhow::Result<TestApp> {
        Self::start_login(db, demo, settings, web, |_| vec![]).await
    }

    /// Starts Los with OpenID providers; `providers` gets Los's own address (for the redirect URIs).
    pub async fn start_login(
        db: Db,
        demo: bool,
        settings: los_store::Settings,
        web: WebOptions,
        providers: impl FnOnce(&str) -> Vec<los_web::login::ProviderConfig>,
    ) -> anyhow::Result<TestApp> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (url, sqlite_dir, pg_name) = match db {
            Db::Sqlite => {
                let dir = std::env::temp_dir().join(format!("los-test-{id}"));
                std::fs::create_dir_all(&dir)?;
                (DatabaseUrl::sqlite_file(&dir.join("los.sqlite")), Some(dir), None)
            }
            Db::Postgres => {
                let name = format!("los_t_{id}");
                let admin = Database::connect(pg_admin_url()).await.context("PostgreSQL test server")?;
                admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
                let base = pg_admin_url();
                let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s).to_owned();
                (DatabaseUrl::parse(&format!("{server}/{name}"))?, None, Some(name))
            }
        };
        let store =
            Store::connect(&url, AuditKey::new(TEST_AUDIT_KEY.as_bytes().to_vec())).await?.with_settings(settings);
        let database_url = url.clone();
        store.migrate().await?;
        store.sync_reference_data().await?;
        if demo {
            los_store::demo::load(&store).await?;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        let app = los_web::router(los_web::AppState {
            store: store.clone(),
            demo,
            secure_cookies: web.secure_cookies,
            failures: los_web::security::FailureLimiter::new(web.failures_per_minute),
            login: std::sync::Arc::new(los_web::login::Providers::new(&base, providers(&base))),
            mail: match &web.mail {
                Some(url) => Some(std::sync::Arc::new(los_web::mail::Mailer::new(
                    url,
                    "Los Mellomvik <los@mellomvik.kommune.invalid>",
                    &base,
                )?)),
                None => None,
            },
        });
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(TestApp {
            base,
            addr,
            store,
            db,
            database_url,
            shutdown: Some(tx),
            server: Some(server),
            sqlite_dir,
            pg_name,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An API token for a user, as `los token create` makes it.
    pub async fn token(&self, user: &str) -> anyhow::Result<String> {
        Ok(self.store.create_token(user, TokenKind::Api, Some("test"), Some(chrono_days(1))).await?)
    }

    /// A client without redirects and with a cookie store (a browser without JavaScript).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A browser already logged in as a demo user.
    pub async fn logged_in(&self, user: &str) -> anyhow::Result<reqwest::Client> {
        let c = self.browser();
        let res = c.post(self.url("/logg-inn")).form(&[("user", user)]).send().await?;
        anyhow::ensure!(res.status().is_redirection(), "login as {user} gave {}", res.status());
        Ok(c)
    }

    /// GET an API path with a bearer token; returns status and JSON.
    pub async fn api_get(&self, token: &str, path: &str) -> anyhow::Result<(u16, serde_json::Value)> {
        let res = reqwest::Client::new().get(self.url(path)).bearer_auth(token).send().await?;
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(serde_json::Value::Null);
        Ok((status, body))
    }

    /// POST JSON to an API path with a bearer token; returns status and JSON.
    pub async fn api_post(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> anyhow::Result<(u16, serde_json::Value)> {
        let res = reqwest::Client::new().post(self.url(path)).bearer_auth(token).json(&body).send().await?;
        let status = res.status().as_u16();
        Ok((status, res.json().await.unwrap_or(serde_json::Value::Null)))
    }

    /// The first column of the first row of a query on the test's database, as text (for tests that look
    /// at or tamper with what the store keeps).
    pub async fn sql_text(&self, sql: &str) -> anyhow::Result<Option<String>> {
        let db = Database::connect(self.database_url.redacted()).await?;
        let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await?;
        let value = match row {
            Some(r) => r.try_get_by_index::<Option<String>>(0)?,
            None => None,
        };
        db.close().await?;
        Ok(value)
    }

    /// Runs one statement on the test's database (for tests that stand in for time passing, e.g. a
    /// meeting that has taken place).
    pub async fn sql_exec(&self, sql: &str) -> anyhow::Result<()> {
        let db = Database::connect(self.database_url.redacted()).await?;
        db.execute_unprepared(sql).await?;
        db.close().await?;
        Ok(())
    }

    /// Stops the server and removes its database.
    pub async fn stop(mut self) {
        self.cleanup().await;
    }

    async fn cleanup(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
        if let Some(dir) = self.sqlite_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_name.take()
            && let Ok(admin) = Database::connect(pg_admin_url()).await
        {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        }
    }
}

fn chrono_days(d: i64) -> chrono::Duration {
    chrono::Duration::days(d)
}
