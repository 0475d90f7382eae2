//! A real SMTP server on loopback for the mail tests: `tests/oidc/smtp.js` (npm `smtp-server`, installed with
//! the OpenID provider by `npm ci --prefix tests/oidc`, which `.ci/run` does). Los sends to it over SMTP with
//! lettre exactly as to a municipality's relay; the server writes each message it takes to a directory.
//! Without Node or the package the tests that need it are skipped with a message, except in CI.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// Whether the server can run here. `Ok(false)`: skip (with a message); an error in CI.
pub fn available() -> anyhow::Result<bool> {
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let package = dir().join("node_modules/smtp-server/package.json").is_file();
    if node && package {
        return Ok(true);
    }
    let missing = if node { "the npm package (run: npm ci --prefix tests/oidc)" } else { "node" };
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0") {
        bail!("the SMTP server for the mail tests cannot run: {missing} is missing");
    }
    eprintln!("SKIPPED: the SMTP server for the mail tests cannot run: {missing} is missing");
    Ok(false)
}

/// A message the server took.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The raw message (RFC 5322).
    pub raw: String,
}

/// A running SMTP server; stopped (and its directory removed) when dropped.
pub struct SmtpServer {
    pub port: u16,
    out: PathBuf,
    child: Child,
}

impl SmtpServer {
    pub async fn start() -> anyhow::Result<SmtpServer> {
        let port = crate::oidc::free_port()?;
        let out = std::env::temp_dir().join(format!("los-smtp-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&out)?;
        let mut child = Command::new("node")
            .arg(dir().join("smtp.js"))
            .env("LOS_SMTP_PORT", port.to_string())
            .env("LOS_SMTP_DIR", &out)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting node tests/oidc/smtp.js")?;
        let stdout = child.stdout.take().context("smtp stdout")?;
        let ready = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        match tokio::time::timeout(std::time::Duration::from_secs(30), ready).await {
            Ok(Ok(Ok(line))) if line.starts_with("ready") => Ok(SmtpServer { port, out, child }),
            _ => {
                let _ = child.kill();
                bail!("the SMTP server did not start")
            }
        }
    }

    /// The transport URL for Los (`--mail`).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages taken so far, in the order they came.
    pub fn received(&self) -> anyhow::Result<Vec<Received>> {
        let mut out = Vec::new();
        for n in 1.. {
            let eml = self.out.join(format!("{n}.eml"));
            if !eml.is_file() {
                break;
            }
            let envelope: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(self.out.join(format!("{n}.json")))?)?;
            let to = envelope["to"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).map(str::to_owned);
            out.push(Received { to: to.collect(), raw: std::fs::read_to_string(&eml)? });
        }
        Ok(out)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.out);
    }
}

impl Received {
    /// The message with each MIME part's body decoded from quoted-printable or base64 (as a mail program
    /// shows it), headers kept: enough to read what a recipient reads.
    pub fn decoded(&self) -> String {
        use base64::Engine;
        let mut out = String::new();
        let mut encoding = String::new();
        let mut in_body = false;
        let mut body = String::new();
        let flush = |encoding: &str, body: &mut String, out: &mut String| {
            let text = match encoding {
                "quoted-printable" => quoted_printable::decode(body.as_bytes(), quoted_printable::ParseMode::Robust)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_else(|_| body.clone()),
                "base64" => {
                    let joined: String = body.split_whitespace().collect();
                    base64::engine::general_purpose::STANDARD
                        .decode(joined)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_else(|_| body.clone())
                }
                _ => body.clone(),
            };
            out.push_str(&text);
            out.push('\n');
            body.clear();
        };
        for line in self.raw.split("\r\n").flat_map(|l| l.split('\n')) {
            if line.starts_with("--") {
                if in_body {
                    flush(&encoding, &mut body, &mut out);
                }
                in_body = false;
                encoding.clear();
                out.push_str(line);
                out.push('\n');
                continue;
            }
            if in_body {
                body.push_str(line);
                body.push_str("\r\n");
                continue;
            }
            if line.is_empty() {
                in_body = true;
                continue;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-transfer-encoding:") {
                encoding = v.trim().to_owned();
            }
            out.push_str(line);
            out.push('\n');
        }
        if in_body {
            flush(&encoding, &mut body, &mut out);
        }
        out
    }
}
