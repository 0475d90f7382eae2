//! Configuration: flags and environment (clap), an optional TOML file, and defaults, validated at start.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use los_store::{AuditKey, DatabaseUrl};
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
    pub settings: los_store::Settings,
}

const DEFAULT_DIR: &str = "data";

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
        let audit_key = match args.audit_key.as_deref().or(file.audit_key.as_deref()) {
            Some(k) if k.len() < 16 => bail!("the audit key must be at least 16 characters"),
            Some(k) => AuditKey::new(k.as_bytes().to_vec()),
            None => {
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
        if let Some(h) = args.break_glass_hours {
            settings.break_glass_hours = h.clamp(1, 72);
        }
        if let Some(d) = args.consent_warning_days {
            settings.consent_warning_days = d.clamp(0, 365);
        }
        Ok(Config { database, audit_key, settings })
    }
}

/// Reads the audit key file, creating it with a random key on first use (mode 0600 on Unix).
fn key_file(path: &Path) -> anyhow::Result<AuditKey> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let k = text.trim();
        if k.len() < 32 {
            bail!("the audit key file {} is too short; it must hold at least 32 characters", path.display());
        }
        return Ok(AuditKey::new(k.as_bytes().to_vec()));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let key = los_store::audit::random_key_hex();
    std::fs::write(path, &key).with_context(|| format!("cannot write the audit key file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    tracing::warn!(path = %path.display(), "created a new audit key file; keep it safe: without it the audit chain cannot be verified");
    Ok(AuditKey::new(key.into_bytes()))
}
