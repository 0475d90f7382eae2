//! Signed checkpoints of the audit chain, kept outside the database.
//!
//! The chain's HMAC stops someone with database access from rewriting entries, but not from deleting the
//! newest entries and rewinding `audit_head`: what is left is still a valid chain. A checkpoint records the
//! chain's length and head hash at a moment, signed with the audit key, in a file opened append-only (and,
//! through `tracing` with target `los::audit::checkpoint`, in the municipality's log system). `los audit
//! verify` then refuses a chain that is shorter than a checkpoint or holds another entry at its position.
//!
//! One checkpoint is one JSON line: `{"seq":…,"hash":"…","at":"…","mac":"…"}` where
//! `mac = hex(HMAC-SHA256(key, seq ‖ "|" ‖ hash ‖ "|" ‖ at))`. It carries no personal data.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;

use crate::audit::{self, AuditKey};
use crate::error::StoreError;

/// The `tracing` target every checkpoint is logged under, for shipping to an external log server.
pub const LOG_TARGET: &str = "los::audit::checkpoint";

/// One signed statement: "the chain had `seq` entries and its head hash was `hash` at `at`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// RFC 3339, UTC, seconds.
    pub at: String,
    pub mac: String,
}

impl Checkpoint {
    /// Signs the chain's state with the audit key.
    pub fn sign(key: &AuditKey, seq: i64, hash: &str, at: DateTime<Utc>) -> Checkpoint {
        let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mac = hex::encode(mac_of(key, seq, hash, &at).finalize().into_bytes());
        Checkpoint { seq, hash: hash.to_owned(), at, mac }
    }

    /// Whether the MAC was made with this key over these fields (compared in constant time).
    pub fn is_signed_by(&self, key: &AuditKey) -> bool {
        let Ok(mac) = hex::decode(&self.mac) else { return false };
        mac_of(key, self.seq, &self.hash, &self.at).verify_slice(&mac).is_ok()
    }

    /// The JSON line written to the file (without the newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint always serializes")
    }
}

fn mac_of(key: &AuditKey, seq: i64, hash: &str, at: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.bytes()).expect("HMAC accepts keys of any length");
    mac.update(seq.to_string().as_bytes());
    mac.update(b"|");
    mac.update(hash.as_bytes());
    mac.update(b"|");
    mac.update(at.as_bytes());
    mac
}

/// Why a checkpoint file cannot be trusted or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The file cannot be opened, read or written.
    #[error("checkpoint file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// A line is not a checkpoint.
    #[error("checkpoint file {path}, line {line}: not a checkpoint ({reason})")]
    Malformed { path: String, line: usize, reason: String },
    /// A line's MAC does not verify under the audit key: it was forged, altered or written with another key.
    #[error(
        "checkpoint file {path}, line {line}: the signature does not match (the line was forged or altered, or written with another audit key)"
    )]
    Forged { path: String, line: usize },
}

/// Appends one checkpoint as a JSON line. The file is opened in append mode only (never truncated or
/// rewritten), so it can carry the `chattr +a` attribute, and synced to disk before returning.
pub fn append(path: &Path, checkpoint: &Checkpoint) -> Result<(), CheckpointError> {
    let io = |source| CheckpointError::Io { path: path.display().to_string(), source };
    let mut file = std::fs::OpenOptions::new().append(true).create(true).open(path).map_err(io)?;
    let mut line = checkpoint.to_line();
    line.push('\n');
    file.write_all(line.as_bytes()).map_err(io)?;
    file.sync_data().map_err(io)?;
    Ok(())
}

/// Reads every checkpoint of a file, in order, checking each line's signature. Blank lines are skipped;
/// any other line that is not a correctly signed checkpoint is an error naming its line number.
pub fn read_verified(path: &Path, key: &AuditKey) -> Result<Vec<Checkpoint>, CheckpointError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| CheckpointError::Io { path: name.clone(), source })?;
    parse_verified(&text, &name, key)
}

/// As [`read_verified`], over the file's text.
pub fn parse_verified(text: &str, name: &str, key: &AuditKey) -> Result<Vec<Checkpoint>, CheckpointError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let cp: Checkpoint = serde_json::from_str(raw).map_err(|e| CheckpointError::Malformed {
            path: name.to_owned(),
            line,
            reason: e.to_string(),
        })?;
        if !cp.is_signed_by(key) {
            return Err(CheckpointError::Forged { path: name.to_owned(), line });
        }
        if cp.seq < 0 || DateTime::parse_from_rfc3339(&cp.at).is_err() {
            return Err(CheckpointError::Malformed {
                path: name.to_owned(),
                line,
                reason: "negative sequence number or a time that is not RFC 3339".into(),
            });
        }
        out.push(cp);
    }
    Ok(out)
}

/// The outcome of checking the chain in the database against a checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointReport {
    /// Checkpoint lines read (all correctly signed when `problem` is `None` or names the chain).
    pub checkpoints: usize,
    /// The longest chain a checkpoint vouches for.
    pub latest_seq: Option<i64>,
    /// Why the chain or the file cannot be trusted, if it cannot.
    pub problem: Option<String>,
}

impl CheckpointReport {
    fn bad(checkpoints: usize, latest_seq: Option<i64>, problem: String) -> Self {
        CheckpointReport { checkpoints, latest_seq, problem: Some(problem) }
    }
}

/// Checks every checkpoint of the file against the chain in the database: each must be correctly signed,
/// the chain must be at least as long as each, and the entry at each checkpoint's position must carry the
/// hash it recorded. A file that is missing, forged or garbled is a problem in the report; a file that
/// cannot be read for another reason is an error.
pub(crate) async fn verify_file(
    conn: &impl ConnectionTrait,
    key: &AuditKey,
    path: &Path,
) -> Result<CheckpointReport, StoreError> {
    let checkpoints = match read_verified(path, key) {
        Ok(c) => c,
        Err(CheckpointError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(CheckpointReport::bad(
                0,
                None,
                format!(
                    "the checkpoint file {} does not exist (it is written by `los serve` and `los audit checkpoint`; a deleted file is itself a sign of tampering)",
                    path.display()
                ),
            ));
        }
        Err(e @ CheckpointError::Io { .. }) => return Err(StoreError::Config(e.to_string())),
        Err(e) => return Ok(CheckpointReport::bad(0, None, e.to_string())),
    };
    let n = checkpoints.len();
    // One expected hash per position; two lines that disagree about a position cannot both be true.
    let mut expected: BTreeMap<i64, &Checkpoint> = BTreeMap::new();
    for cp in &checkpoints {
        if let Some(other) = expected.insert(cp.seq, cp)
            && other.hash != cp.hash
        {
            return Ok(CheckpointReport::bad(
                n,
                None,
                format!("two checkpoints ({} and {}) record different hashes for entry {}", other.at, cp.at, cp.seq),
            ));
        }
    }
    let latest_seq = expected.keys().next_back().copied();
    let head = audit::head(conn).await?;
    if let Some(latest) = latest_seq
        && head.seq < latest
    {
        let at = &expected[&latest].at;
        return Ok(CheckpointReport::bad(
            n,
            latest_seq,
            format!(
                "the chain was cut back: it has {} entries, but the checkpoint of {at} recorded {latest} (entries were removed at the end)",
                head.seq
            ),
        ));
    }
    for (&seq, cp) in &expected {
        let stored = if seq == 0 { Some(audit::GENESIS.to_owned()) } else { audit::hash_at(conn, seq).await? };
        match stored {
            None => {
                return Ok(CheckpointReport::bad(
                    n,
                    latest_seq,
                    format!("entry {seq}, recorded by the checkpoint of {}, is missing from the chain", cp.at),
                ));
            }
            Some(hash) if hash != cp.hash => {
                return Ok(CheckpointReport::bad(
                    n,
                    latest_seq,
                    format!(
                        "entry {seq} is not the one the checkpoint of {} recorded (the chain was replaced from there on)",
                        cp.at
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(CheckpointReport { checkpoints: n, latest_seq, problem: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AuditKey {
        AuditKey::new(*b"checkpoint-test-key-0123456789ab")
    }

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn tmp_file() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("los-checkpoints-{}.jsonl", uuid::Uuid::new_v4().simple()))
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_its_line_is_plain_json() {
        let cp = Checkpoint::sign(&key(), 42, "abcd", at());
        assert!(cp.is_signed_by(&key()));
        assert!(!cp.is_signed_by(&AuditKey::new(*b"another-key-0123456789abcdefghij")));
        assert_eq!(cp.at, "2027-01-15T08:00:00Z");
        let line = cp.to_line();
        assert!(line.starts_with(r#"{"seq":42,"hash":"abcd","at":"2027-01-15T08:00:00Z","mac":""#), "{line}");
        assert_eq!(serde_json::from_str::<Checkpoint>(&line).unwrap(), cp);
    }

    #[test]
    fn every_field_is_covered_by_the_mac() {
        let cp = Checkpoint::sign(&key(), 42, "abcd", at());
        let mut seq = cp.clone();
        seq.seq = 41;
        let mut hash = cp.clone();
        hash.hash = "abce".into();
        let mut time = cp.clone();
        time.at = "2027-01-15T08:00:01Z".into();
        let mut mac = cp.clone();
        mac.mac = "00".repeat(32);
        for forged in [seq, hash, time, mac] {
            assert!(!forged.is_signed_by(&key()), "{forged:?}");
        }
        // The separator keeps the fields apart: seq 4 with hash "2|abcd" is not seq 42 with hash "|abcd".
        let a = Checkpoint::sign(&key(), 4, "2x", at());
        let b = Checkpoint::sign(&key(), 42, "x", at());
        assert_ne!(a.mac, b.mac);
    }

    #[test]
    fn appended_lines_are_read_back_in_order() {
        let path = tmp_file();
        let first = Checkpoint::sign(&key(), 3, "aa", at());
        let second = Checkpoint::sign(&key(), 9, "bb", at());
        append(&path, &first).unwrap();
        append(&path, &second).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert_eq!(read_verified(&path, &key()).unwrap(), vec![first, second]);
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_forged_or_garbled_line_is_an_error_naming_the_line() {
        let good = Checkpoint::sign(&key(), 3, "aa", at()).to_line();
        let mut forged = Checkpoint::sign(&key(), 3, "aa", at());
        forged.seq = 2;
        let text = format!("{good}\n\n{}\n", forged.to_line());
        match parse_verified(&text, "cp.jsonl", &key()) {
            Err(CheckpointError::Forged { line: 3, .. }) => {}
            other => panic!("expected a forged line 3, got {other:?}"),
        }
        let text = format!("{good}\nnot json\n");
        assert!(matches!(parse_verified(&text, "cp.jsonl", &key()), Err(CheckpointError::Malformed { line: 2, .. })));
        // Lines written under another key do not verify.
        let other = AuditKey::new(*b"another-key-0123456789abcdefghij");
        assert!(matches!(parse_verified(&good, "cp.jsonl", &other), Err(CheckpointError::Forged { line: 1, .. })));
        assert!(parse_verified("", "cp.jsonl", &key()).unwrap().is_empty());
    }

    #[test]
    fn a_missing_file_is_an_io_error() {
        assert!(matches!(read_verified(&tmp_file(), &key()), Err(CheckpointError::Io { .. })));
    }
}
