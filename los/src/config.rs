//! Configuration: flags and environment (clap), an optional TOML file, and defaults, validated at start.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use los_store::{AuditKey, DatabaseUrl, KeyCheck, Store};
use serde::Deserialize;

/// Options every subcommand takes.
#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Database URL: sqlite://PATH (default sqlite://data/los.sqlite) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database: Option<String>,
    /// Key of the audit chain's HMAC. Default: the file audit.key beside the SQLite database (or in ./data/).
    #[arg(long, global = true, env = "LOS_AUDIT_KEY", hide_env_values = true)]
    pub audit_key: Option<String>,
    /// File the audit chain's signed checkpoints are appended to (keep it off the database's reach: see
    /// docs/AUDIT.md). Without it no checkpoints are written or checked.
    #[arg(long, global = true, env = "LOS_AUDIT_CHECKPOINTS")]
    pub audit_checkpoints: Option<PathBuf>,
    /// Seconds between the checkpoints `los serve` writes (default 300).
    #[arg(long, global = true, env = "LOS_CHECKPOINT_INTERVAL")]
    pub checkpoint_interval: Option<u64>,
    /// Optional TOML configuration file.
    #[arg(long, global = true, env = "LOS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format: text (default) or json.
    #[arg(long, global = true, env = "LOS_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Hours a break-the-glass grant lasts (default 4).
    #[arg(long, global = true, env = "LOS_BREAK_GLASS_HOURS")]
    pub break_glass_hours: Option<i64>,
    /// Days before expiry a consent is warned about (default 30).
    #[arg(long, global = true, env = "LOS_CONSENT_WARNING_DAYS")]
    pub consent_warning_days: Option<i64>,
}

/// The optional configuration file. Flags and environment variables win over it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub audit_key: Option<String>,
    /// File the audit chain's signed checkpoints are appended to.
    pub audit_checkpoints: Option<PathBuf>,
    /// Seconds between the checkpoints `los serve` writes.
    pub checkpoint_interval: Option<u64>,
    pub listen: Option<String>,
    pub demo: Option<bool>,
    pub secure_cookies: Option<bool>,
    /// Failed log-ins and token checks per client address and minute (`los serve --failures-per-minute`).
    pub failures_per_minute: Option<u32>,
    pub log_format: Option<String>,
    /// Local rules that are choices, not law.
    #[serde(default)]
    pub rules: RulesConfig,
    /// Where worklist reminders are sent from and through (`los remind`).
    #[serde(default)]
    pub mail: MailConfig,
    /// Log-in over OpenID Connect.
    #[serde(default)]
    pub oidc: OidcConfig,
    /// Provisioning from the municipality's directory over SCIM.
    #[serde(default)]
    pub scim: ScimConfig,
}

/// `[scim]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScimConfig {
    /// Which SCIM attribute of a provisioned user becomes the external subject the staff log-in matches:
    /// "externalId" (the default; map Entra ID's objectId to it and log in with subject_claim = "oid") or
    /// "userName" (Entra ID's userPrincipalName; log in with subject_claim = "preferred_username").
    pub subject_attribute: Option<String>,
}

impl ScimConfig {
    pub fn subject(&self) -> anyhow::Result<los_store::scim::ScimSubject> {
        match self.subject_attribute.as_deref() {
            None => Ok(los_store::scim::ScimSubject::default()),
            Some(a) => los_store::scim::ScimSubject::parse(a)
                .with_context(|| format!("scim.subject_attribute '{a}' must be \"externalId\" or \"userName\"")),
        }
    }
}

/// `[oidc]` in the configuration file: the identity providers users log in with.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// Where Los is served (`https://los.example.kommune.no`): the redirect URIs are made from it.
    pub public_url: Option<String>,
    #[serde(default)]
    pub providers: Vec<ProviderFile>,
}

/// One `[[oidc.providers]]`. The client secret comes from the environment or a file, never the log.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    pub id: String,
    pub name: Option<String>,
    pub kind: los_web::login::ProviderKind,
    pub issuer: String,
    pub client_id: String,
    /// The name of an environment variable holding the client secret.
    pub client_secret_env: Option<String>,
    /// A file holding the client secret.
    pub client_secret_file: Option<PathBuf>,
    #[serde(default)]
    pub scopes: Vec<String>,
    pub acr_required: Option<String>,
    pub subject_claim: Option<String>,
    pub email_claim: Option<String>,
    pub hpr_claim: Option<String>,
}

impl OidcConfig {
    /// The providers, validated, with their secrets read.
    pub fn providers(&self) -> anyhow::Result<los_web::login::Providers> {
        let mut out: Vec<los_web::login::ProviderConfig> = Vec::new();
        for p in &self.providers {
            if p.id.is_empty() || !p.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                bail!("oidc.providers: the id '{}' must be lowercase letters, digits and '-'", p.id);
            }
            if out.iter().any(|o| o.id == p.id) {
                bail!("oidc.providers: the id '{}' is used twice", p.id);
            }
            out.push(los_web::login::ProviderConfig {
                id: p.id.clone(),
                name: p.name.clone().unwrap_or_else(|| p.id.clone()),
                kind: p.kind,
                issuer: p.issuer.clone(),
                client_id: p.client_id.clone(),
                client_secret: p.secret()?,
                scopes: p.scopes.clone(),
                acr_required: p.acr_required.clone().unwrap_or_else(|| "idporten-loa-high".into()),
                subject_claim: p.subject_claim.clone().unwrap_or_else(|| "sub".into()),
                email_claim: p.email_claim.clone(),
                hpr_claim: p.hpr_claim.clone(),
            });
        }
        let public_url = match (&self.public_url, out.is_empty()) {
            (Some(u), _) if u.starts_with("https://") || u.starts_with("http://") => u.clone(),
            (Some(u), _) => bail!("oidc.public_url '{u}' must start with https:// (or http:// for a test)"),
            (None, true) => String::new(),
            (None, false) => bail!("oidc.public_url is needed when log-in providers are configured"),
        };
        Ok(los_web::login::Providers::new(&public_url, out))
    }
}

impl ProviderFile {
    fn secret(&self) -> anyhow::Result<String> {
        let secret = match (&self.client_secret_env, &self.client_secret_file) {
            (Some(var), None) => std::env::var(var)
                .with_context(|| format!("oidc provider {}: the environment variable {var} is not set", self.id))?,
            (None, Some(path)) => std::fs::read_to_string(path)
                .with_context(|| format!("oidc provider {}: cannot read {}", self.id, path.display()))?,
            _ => bail!("oidc provider {}: give exactly one of client_secret_env and client_secret_file", self.id),
        };
        let secret = secret.trim().to_owned();
        if secret.is_empty() {
            bail!("oidc provider {}: the client secret is empty", self.id);
        }
        Ok(secret)
    }
}

/// `[mail]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// `smtp://host:port`, `smtps://user:password@host` (lettre's URL form), or `file:/dir` to write each
    /// message as an .eml file (for a pickup directory, or to look at them).
    pub transport: Option<String>,
    /// The sender, e.g. `Los Mellomvik <los@mellomvik.kommune.no>`.
    pub from: Option<String>,
    /// Where Los is served, for the link in the message.
    pub base_url: Option<String>,
}

/// `[rules]` in the configuration file: local choices the law leaves to the municipality.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Hours a break-the-glass grant lasts (default 4).
    pub break_glass_hours: Option<i64>,
    /// Days before expiry a consent is warned about (default 30).
    pub consent_warning_days: Option<i64>,
    /// Service types that must know a strictly confidential address.
    pub address_must_know_types: Option<Vec<String>>,
    /// Kommunenummer of municipalities where anonymised facts may still identify a child.
    pub small_municipalities: Option<Vec<String>>,
    /// Rare conditions and unusual facts to warn about in anonymous consultations.
    pub rare_terms: Option<Vec<String>>,
    /// Days between evaluations of a cooperation before a reminder (default 90).
    pub evaluation_days: Option<i64>,
    /// How many days ahead foreseeable transitions are shown (default 90).
    pub transition_notice_days: Option<i64>,
    /// Minutes without use after which a browser session ends (default 30).
    pub session_idle_minutes: Option<i64>,
}

impl RulesConfig {
    /// The store settings: defaults overridden by the file, validated.
    pub fn settings(&self) -> anyhow::Result<los_store::Settings> {
        let mut s = los_store::Settings::default();
        if let Some(h) = self.break_glass_hours {
            if !(1..=72).contains(&h) {
                bail!("rules.break_glass_hours must be between 1 and 72");
            }
            s.break_glass_hours = h;
        }
        if let Some(d) = self.consent_warning_days {
            if !(0..=365).contains(&d) {
                bail!("rules.consent_warning_days must be between 0 and 365");
            }
            s.consent_warning_days = d;
        }
        if let Some(t) = &self.address_must_know_types {
            s.address_must_know_types = t.clone();
        }
        if let Some(m) = &self.small_municipalities {
            for k in m {
                los_domain::ident::Kommunenummer::parse(k)
                    .with_context(|| format!("rules.small_municipalities: {k}"))?;
            }
            s.small_municipalities = m.clone();
        }
        if let Some(e) = self.evaluation_days {
            if !(7..=730).contains(&e) {
                bail!("rules.evaluation_days must be between 7 and 730");
            }
            s.evaluation_days = e;
        }
        if let Some(n) = self.transition_notice_days {
            if !(7..=365).contains(&n) {
                bail!("rules.transition_notice_days must be between 7 and 365");
            }
            s.transition_notice_days = n;
        }
        if let Some(m) = self.session_idle_minutes {
            if !(1..=1440).contains(&m) {
                bail!("rules.session_idle_minutes must be between 1 and 1440");
            }
            s.session_idle_minutes = m;
        }
        if let Some(r) = &self.rare_terms {
            s.rare_terms = r.iter().map(|t| t.to_lowercase()).collect();
        }
        Ok(s)
    }
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let Some(path) = path else { return Ok(FileConfig::default()) };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("the configuration file {} is not valid", path.display()))
    }
}

/// Resolved configuration for opening the store.
pub struct Config {
    pub database: DatabaseUrl,
    pub audit_key: AuditKey,
    /// Where the key came from, to name in messages (never the key itself).
    pub key_source: KeySource,
    pub settings: los_store::Settings,
    /// The checkpoint file, when configured.
    pub audit_checkpoints: Option<PathBuf>,
    /// Time between the checkpoints `los serve` writes.
    pub checkpoint_interval: Duration,
}

/// Where the audit key came from.
pub enum KeySource {
    /// `--audit-key` or `LOS_AUDIT_KEY`.
    Argument,
    /// `audit_key` in the configuration file.
    ConfigFile,
    /// A key file that exists.
    File(PathBuf),
    /// No key file exists yet: `audit_key` was generated and is written to this path only if the chain is
    /// still empty (`Config::settle_key_file`).
    NewFile(PathBuf, String),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Argument => f.write_str("the audit key given by --audit-key or LOS_AUDIT_KEY"),
            KeySource::ConfigFile => f.write_str("the audit_key of the configuration file"),
            KeySource::File(p) | KeySource::NewFile(p, _) => write!(f, "the audit key file {}", p.display()),
        }
    }
}

const DEFAULT_DIR: &str = "data";
const DEFAULT_CHECKPOINT_SECONDS: u64 = 300;

impl Config {
    pub fn resolve(args: &GlobalArgs, file: &FileConfig) -> anyhow::Result<Config> {
        let database = match args.database.as_deref().or(file.database.as_deref()) {
            Some(url) => DatabaseUrl::parse(url)?,
            None => {
                // The zero-set-up default: ./data/los.sqlite, folder created on first run.
                std::fs::create_dir_all(DEFAULT_DIR)
                    .with_context(|| format!("cannot create the folder ./{DEFAULT_DIR}"))?;
                DatabaseUrl::sqlite_file(&Path::new(DEFAULT_DIR).join("los.sqlite"))
            }
        };
        let (audit_key, key_source) = match (args.audit_key.as_deref(), file.audit_key.as_deref()) {
            (Some(k), _) | (None, Some(k)) if k.len() < 16 => bail!("the audit key must be at least 16 characters"),
            (Some(k), _) => (AuditKey::new(k.as_bytes().to_vec()), KeySource::Argument),
            (None, Some(k)) => (AuditKey::new(k.as_bytes().to_vec()), KeySource::ConfigFile),
            (None, None) => {
                let dir = database
                    .sqlite_path()
                    .and_then(|p| p.parent())
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
                key_file(&dir.join("audit.key"))?
            }
        };
        let mut settings = file.rules.settings()?;
        settings.scim_subject = file.scim.subject()?;
        if let Some(h) = args.break_glass_hours {
            settings.break_glass_hours = h.clamp(1, 72);
        }
        if let Some(d) = args.consent_warning_days {
            settings.consent_warning_days = d.clamp(0, 365);
        }
        let seconds = args.checkpoint_interval.or(file.checkpoint_interval).unwrap_or(DEFAULT_CHECKPOINT_SECONDS);
        if !(10..=86_400).contains(&seconds) {
            bail!("the checkpoint interval must be between 10 and 86400 seconds");
        }
        Ok(Config {
            database,
            audit_key,
            key_source,
            settings,
            audit_checkpoints: args.audit_checkpoints.clone().or_else(|| file.audit_checkpoints.clone()),
            checkpoint_interval: Duration::from_secs(seconds),
        })
    }

    /// Writes a newly generated key file, but only while the chain is empty: a missing key file beside a
    /// chain that has entries is lost or removed, and a new key would leave the chain unverifiable.
    pub async fn settle_key_file(&mut self, store: &Store) -> anyhow::Result<()> {
        let KeySource::NewFile(path, key) = &self.key_source else { return Ok(()) };
        let entries = store.audit_chain_length().await?;
        if entries > 0 {
            bail!(
                "the audit key file {} is missing, but the database already holds {entries} audit entries. \
                 Restore the key file from its backup (or give the key with --audit-key / LOS_AUDIT_KEY); \
                 a new key is not created because the existing chain could then not be verified",
                path.display()
            );
        }
        write_key_file(path, key)?;
        self.key_source = KeySource::File(path.clone());
        Ok(())
    }

    /// Refuses a key the chain was not written with, naming where the key came from (not the key).
    pub async fn check_key(&self, store: &Store) -> anyhow::Result<()> {
        if store.check_audit_key().await? == KeyCheck::Mismatch {
            bail!(
                "{} does not match the audit chain in the database: its newest entry does not verify under this key. \
                 Use the key the chain was written with; if the key is right, run `los audit verify` to see whether \
                 the newest entries were altered",
                self.key_source
            );
        }
        Ok(())
    }
}

/// Reads the audit key file; when there is none, generates a key to be written by `settle_key_file`.
fn key_file(path: &Path) -> anyhow::Result<(AuditKey, KeySource)> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let k = text.trim();
            if k.len() < 32 {
                bail!("the audit key file {} is too short; it must hold at least 32 characters", path.display());
            }
            Ok((AuditKey::new(k.as_bytes().to_vec()), KeySource::File(path.to_owned())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = los_store::audit::random_key_hex();
            Ok((AuditKey::new(key.clone().into_bytes()), KeySource::NewFile(path.to_owned(), key)))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the audit key file {}", path.display())),
    }
}

/// Creates the key file (mode 0600 on Unix); never overwrites one.
fn write_key_file(path: &Path, key: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).with_context(|| format!("cannot create the audit key file {}", path.display()))?;
    f.write_all(key.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write the audit key file {}", path.display()))?;
    tracing::warn!(path = %path.display(), "created a new audit key file; keep it safe: without it the audit chain cannot be verified");
    Ok(())
}
