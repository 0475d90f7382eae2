//! The store: connection, migrations, and the repository methods the rest of Los uses.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use los_domain::model::{Membership, OrganisationKind, OwnerType, Role, User, UserKind};
use sea_orm::{
    AccessMode, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IsolationLevel, QueryFilter, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::audit::{self, AuditEntry, AuditKey, KeyCheck, NewEntry, VerifyReport};
use crate::checkpoint::{self, Checkpoint, CheckpointReport};
use crate::entities::*;
use crate::error::StoreError;
use crate::migration::Migrator;
use crate::tx::parse_enum;

/// Which database engine the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A validated database URL. A typo is an error, never a new empty database somewhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
    sqlite_path: Option<PathBuf>,
}

impl std::fmt::Debug for DatabaseUrl {
    // Passwords in URLs stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite:path` or `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::Config(
                    "an in-memory SQLite database cannot be shared by the connection pool; give a file path, e.g. sqlite://data/los.sqlite".into(),
                ));
            }
            return Ok(DatabaseUrl {
                url: url.to_owned(),
                backend: Backend::Sqlite,
                sqlite_path: Some(PathBuf::from(path)),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl { url: url.to_owned(), backend: Backend::Postgres, sqlite_path: None });
        }
        Err(StoreError::Config(format!(
            "unsupported database URL '{}': use sqlite://PATH for the embedded database or postgres://USER@HOST/DB for PostgreSQL",
            redact(url)
        )))
    }

    /// A SQLite URL for a file path.
    pub fn sqlite_file(path: &Path) -> Self {
        DatabaseUrl {
            url: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
            sqlite_path: Some(path.to_owned()),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, when the backend is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A demo user as the login picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub id: String,
    pub display_name: String,
    pub description: String,
}

/// The one data layer of Los.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    key: AuditKey,
    backend: Backend,
    pub(crate) settings: Settings,
    /// Group commit of the audit entries of reads.
    pub(crate) reads: crate::audit_writer::AuditWriter,
}

/// Local choices that are not law and so are configuration (spec: items marked "verify" stay configurable).
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a break-the-glass grant lasts.
    pub break_glass_hours: i64,
    /// Warn this many days before a consent expires.
    pub consent_warning_days: i64,
    /// Service types that must know a strictly confidential address when they take part in the case.
    pub address_must_know_types: Vec<String>,
    /// Kommunenummer of municipalities small enough that anonymised facts may identify a child.
    pub small_municipalities: Vec<String>,
    /// Rare conditions and unusual facts that may identify a child in an anonymous consultation.
    pub rare_terms: Vec<String>,
    /// Days between evaluations of the cooperation (spec 01 §4.3: evaluate continuously); a case whose
    /// newest assessment or plan change is older gets a reminder.
    pub evaluation_days: i64,
    /// How far ahead foreseeable transitions (school start, upper secondary, turning 18, the end of a
    /// sentence) are shown, so who coordinates is reviewed before them.
    pub transition_notice_days: i64,
    /// A browser session ends after this many minutes without use (besides its absolute lifetime).
    pub session_idle_minutes: i64,
    /// Which SCIM attribute of a provisioned user becomes their `external_subject` (`[scim]` in the
    /// configuration file).
    pub scim_subject: crate::scim::ScimSubject,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            break_glass_hours: 4,
            consent_warning_days: 30,
            evaluation_days: 90,
            transition_notice_days: 90,
            session_idle_minutes: 30,
            scim_subject: crate::scim::ScimSubject::default(),
            address_must_know_types: vec!["barnevernstjenesten".into(), "krisesenter".into()],
            small_municipalities: vec![],
            rare_terms: [
                "syndrom",
                "sjelden diagnose",
                "sjeldne diagnose",
                "cystisk fibrose",
                "prader-willi",
                "duchenne",
                "cerebral parese",
                "tvillinger",
                "trillinger",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Connects to the database. A SQLite file is created if its folder exists; a missing folder is an error.
    pub async fn connect(url: &DatabaseUrl, key: AuditKey) -> Result<Store, StoreError> {
        let mut conn_url = url.url.clone();
        if let Some(path) = url.sqlite_path() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && !parent.is_dir()
            {
                return Err(StoreError::Config(format!(
                    "the folder {} for the SQLite database does not exist; create it or give another --database",
                    parent.display()
                )));
            }
            if !conn_url.contains("mode=") {
                conn_url.push_str(if conn_url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
        }
        let mut opts = ConnectOptions::new(conn_url);
        opts.sqlx_logging(false).connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(10));
        if url.backend == Backend::Sqlite {
            opts.max_connections(8);
            // Set on every connection of the pool, not only the first: durable (write-ahead log, full
            // fsync on commit), enforced foreign keys, and a busy database waited for (SQLite has one
            // writer; under load a write queues for up to 30 s rather than failing with "database is
            // locked").
            opts.map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30))
            });
        }
        let db = Database::connect(opts).await.map_err(|e| {
            StoreError::Config(format!(
                "cannot reach the database at {}: {e}. Check that the server runs and that DATABASE_URL is right",
                url.redacted()
            ))
        })?;
        let reads = crate::audit_writer::AuditWriter::start(db.clone(), key.clone());
        Ok(Store { db, key, backend: url.backend, settings: Settings::default(), reads })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Replaces the local settings (break-the-glass length, consent warnings, address rules…).
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Applies pending migrations. Returns how many were applied.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let pending = Migrator::get_pending_migrations(&self.db).await?.len();
        Migrator::up(&self.db, None).await.map_err(|e| {
            StoreError::Config(format!(
                "the database could not be migrated: {e}. Nothing after the failing migration was applied"
            ))
        })?;
        Ok(pending)
    }

    /// Names of applied and pending migrations.
    pub async fn migration_status(&self) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let applied = Migrator::get_applied_migrations(&self.db).await?.iter().map(|m| m.name().to_owned()).collect();
        let pending = Migrator::get_pending_migrations(&self.db).await?.iter().map(|m| m.name().to_owned()).collect();
        Ok((applied, pending))
    }

    /// Loads the embedded reference data (laws, provisions, service types, municipalities), inserting new
    /// rows and updating changed ones. Idempotent.
    pub async fn sync_reference_data(&self) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        audit::lock_head(&txn).await?;
        let counts = crate::reference::sync(&txn).await?;
        audit::append(
            &txn,
            &self.key,
            vec![NewEntry {
                action: "sync".into(),
                resource_type: "reference_data".into(),
                basis: format!("reference data loaded at start-up: {counts}"),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(Into::into)
    }

    // ---- users and tokens ----

    pub async fn user(&self, id: &str) -> Result<User, StoreError> {
        let row = user::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "user", id: id.to_owned() })?;
        user_from_rows(row, self.live_memberships(id).await?)
    }

    /// The user, when they exist and are active: what a token or session acts as (one read of the row).
    pub(crate) async fn user_if_active(&self, id: &str) -> Result<Option<User>, StoreError> {
        let Some(row) = user::Entity::find_by_id(id.to_owned()).one(&self.db).await? else { return Ok(None) };
        if !row.active {
            return Ok(None);
        }
        user_from_rows(row, self.live_memberships(id).await?).map(Some)
    }

    /// Ended memberships are history: they grant nothing.
    async fn live_memberships(&self, user_id: &str) -> Result<Vec<membership::Model>, StoreError> {
        Ok(membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .filter(membership::Column::EndedAt.is_null())
            .all(&self.db)
            .await?)
    }

    /// Users that have a demo description, for the demo login picker.
    pub async fn demo_users(&self) -> Result<Vec<DemoUser>, StoreError> {
        let rows = user::Entity::find()
            .filter(user::Column::DemoDescription.is_not_null())
            .filter(user::Column::Active.eq(true))
            .all(&self.db)
            .await?;
        let mut out: Vec<DemoUser> = rows
            .into_iter()
            .map(|r| DemoUser {
                id: r.id,
                display_name: r.display_name,
                description: r.demo_description.unwrap_or_default(),
            })
            .collect();
        out.sort_by_key(|u| demo_order(&u.id));
        Ok(out)
    }

    // ---- audit ----

    /// Walks the whole audit chain. Only for administrators and the command line (`los audit verify`).
    ///
    /// The walk reads one snapshot of the database, so it can run while Los serves: entries that this or
    /// another instance commits during the walk are not seen at all, rather than being missed by the walk
    /// but counted by the head read after it (which looked like entries removed at the end).
    pub async fn verify_audit_chain(&self) -> Result<VerifyReport, StoreError> {
        let txn = self.snapshot().await?;
        let report = audit::verify(&txn, &self.key).await?;
        txn.commit().await?;
        Ok(report)
    }

    /// A read-only transaction whose statements all see the same committed state: REPEATABLE READ on
    /// PostgreSQL (its default, READ COMMITTED, takes a new snapshot for each statement); on SQLite a read
    /// transaction in write-ahead-log mode keeps the snapshot of its first read until it ends.
    async fn snapshot(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(match self.backend {
            Backend::Postgres => {
                self.db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?
            }
            Backend::Sqlite => self.db.begin().await?,
        })
    }

    /// How many entries the chain has (its head's sequence number).
    pub async fn audit_chain_length(&self) -> Result<i64, StoreError> {
        Ok(audit::head(&self.db).await?.seq)
    }

    /// The entries after `seq`, oldest first (at most 1,000): ids and codes only, never names. For the
    /// command line and tests, like `verify_audit_chain`.
    pub async fn audit_entries_after(&self, seq: i64) -> Result<Vec<AuditEntry>, StoreError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
        let rows = crate::entities::audit_entry::Entity::find()
            .filter(crate::entities::audit_entry::Column::Seq.gt(seq))
            .order_by_asc(crate::entities::audit_entry::Column::Seq)
            .limit(1000)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// Whether the store's key is the one the chain was written with (the newest entry's hash is recomputed).
    /// Commands that append call this at start-up, so a wrong key is refused before it breaks the chain.
    pub async fn check_audit_key(&self) -> Result<KeyCheck, StoreError> {
        audit::check_key(&self.db, &self.key).await
    }

    /// Signs the chain's current length and head hash, appends the checkpoint to the file at `path` and logs
    /// it with target `los::audit::checkpoint` (sequence number, hash and MAC: no personal data).
    pub async fn write_audit_checkpoint(&self, path: &Path) -> Result<Checkpoint, StoreError> {
        let head = audit::head(&self.db).await?;
        let cp = Checkpoint::sign(&self.key, head.seq, &head.hash, Utc::now());
        checkpoint::append(path, &cp).map_err(|e| StoreError::Config(e.to_string()))?;
        tracing::info!(
            target: checkpoint::LOG_TARGET,
            seq = cp.seq,
            hash = %cp.hash,
            at = %cp.at,
            mac = %cp.mac,
            "audit checkpoint"
        );
        Ok(cp)
    }

    /// Checks the chain in the database against every checkpoint in the file at `path`: a chain shorter than
    /// a checkpoint, another entry at a checkpoint's position, or a line whose signature does not verify is
    /// reported as the problem.
    pub async fn verify_audit_checkpoints(&self, path: &Path) -> Result<CheckpointReport, StoreError> {
        checkpoint::verify_file(&self.db, &self.key, path).await
    }

    /// The raw connection, for the demo loader and tests in this crate.
    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn key(&self) -> &AuditKey {
        &self.key
    }

    /// Executes raw SQL. Only for tests that play an attacker with direct database access.
    #[doc(hidden)]
    pub async fn execute_raw_for_tests(&self, sql: &str) -> Result<(), StoreError> {
        self.db.execute_unprepared(sql).await?;
        Ok(())
    }
}

fn demo_order(id: &str) -> (usize, String) {
    const ORDER: [&str; 16] = [
        "admin",
        "leder",
        "ke",
        "barnevern",
        "skole",
        "sofia",
        "nav",
        "uk",
        "ot",
        "krisesenter",
        "laerer",
        "helsesykepleier",
        "adam",
        "jonas",
        "hilde",
        "mormor",
    ];
    (ORDER.iter().position(|o| *o == id).unwrap_or(ORDER.len()), id.to_owned())
}

pub(crate) fn owner_type_of(org_id: &str, orgs: &[organisation::Model]) -> Result<OwnerType, StoreError> {
    let org = orgs
        .iter()
        .find(|o| o.id == org_id)
        .ok_or_else(|| StoreError::Integrity(format!("unknown organisation {org_id}")))?;
    Ok(parse_enum(&org.kind, OrganisationKind::parse, "organisation kind")?.owner_type())
}

fn user_from_rows(row: user::Model, ms: Vec<membership::Model>) -> Result<User, StoreError> {
    Ok(User {
        kind: parse_enum(&row.kind, UserKind::parse, "user kind")?,
        memberships: ms
            .into_iter()
            .map(|m| {
                Ok(Membership {
                    role: parse_enum(&m.role, Role::parse, "role")?,
                    organisation_id: m.organisation_id,
                    service_id: m.service_id,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        id: row.id,
        display_name: row.display_name,
        person_id: row.person_id,
    })
}

/// Timestamp helper for the demo loader.
pub(crate) fn at(date: &str) -> DateTime<Utc> {
    format!("{date}T09:00:00Z").parse().expect("valid demo timestamp")
}
