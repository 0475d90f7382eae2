//! A real OpenID provider on loopback for the log-in tests: `tests/oidc/provider.js` (npm `oidc-provider`,
//! installed by `npm ci --prefix tests/oidc`, which `.ci/run` does). Without Node or the package the tests
//! that need it are skipped with a message, except in CI (`CI` set), where that is a failure.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

/// The folder of the provider script and its npm packages.
fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Whether the provider can run here. `Ok(false)`: skip (with a message); an error in CI.
pub fn available() -> anyhow::Result<bool> {
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let package = dir().join("node_modules/oidc-provider/package.json").is_file();
    if node && package {
        return Ok(true);
    }
    let missing = if node { "the npm package (run: npm ci --prefix tests/oidc)" } else { "node" };
    if in_ci() {
        bail!("the OpenID provider for the log-in tests cannot run: {missing} is missing");
    }
    eprintln!("SKIPPED: the OpenID provider for the log-in tests cannot run: {missing} is missing");
    Ok(false)
}

/// A free loopback port (reserved by binding and released: the provider binds it right after).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// How the provider is started.
pub struct ProviderSetup {
    pub port: u16,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
    pub post_logout: String,
    /// `{ "<login_hint>": { "acr": "...", "claims": { ... } } }`
    pub accounts: serde_json::Value,
    /// Seconds the provider's clock runs behind: its tokens are already expired when they arrive.
    pub clock_skew: u64,
}

/// A running provider; stopped when dropped.
pub struct OidcProvider {
    pub issuer: String,
    child: Child,
}

impl OidcProvider {
    pub fn issuer_for(port: u16) -> String {
        format!("http://127.0.0.1:{port}")
    }

    /// Starts `provider.js` and waits until it listens.
    pub async fn start(setup: ProviderSetup) -> anyhow::Result<OidcProvider> {
        let mut child = Command::new("node")
            .arg(dir().join("provider.js"))
            .env("LOS_OIDC_PORT", setup.port.to_string())
            .env("LOS_OIDC_CLIENT_ID", &setup.client_id)
            .env("LOS_OIDC_CLIENT_SECRET", &setup.client_secret)
            .env("LOS_OIDC_REDIRECT_URIS", setup.redirect_uris.join(","))
            .env("LOS_OIDC_POST_LOGOUT", &setup.post_logout)
            .env("LOS_OIDC_ACCOUNTS", setup.accounts.to_string())
            .env("LOS_OIDC_CLOCK_SKEW", setup.clock_skew.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting node tests/oidc/provider.js")?;
        let stdout = child.stdout.take().context("provider stdout")?;
        let ready = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        let line = match tokio::time::timeout(std::time::Duration::from_secs(30), ready).await {
            Ok(Ok(Ok(line))) => line,
            _ => {
                let _ = child.kill();
                bail!("the OpenID provider did not start");
            }
        };
        if !line.starts_with("ready") {
            let _ = child.kill();
            bail!("the OpenID provider did not start: {line}");
        }
        Ok(OidcProvider { issuer: Self::issuer_for(setup.port), child })
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
