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
    pub log_format: Option<String>,
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
        Ok(Config { database, audit_key })
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
