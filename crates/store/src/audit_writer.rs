//! The audit log's writer for reads: group commit.
//!
//! A read runs in its own transaction without the audit chain's lock, then hands its entries to this one
//! writer and waits; the writer takes every batch that is waiting, appends them to the chain in order in
//! one transaction under the chain's lock, commits (one sync for all of them) and answers each reader. The
//! answer to a read leaves only after its entries are durable, so a crash never discloses a read that is
//! not in the log; and reads no longer queue behind each other on the chain's lock. Writes keep the
//! decision and its audit entry in their own transaction (`begin_audited`), under the same lock, so the
//! chain has one order.
//!
//! Written here rather than taken from a crate: it is a loop over a tokio channel around `audit::append`.

use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use crate::audit::{self, AuditKey, NewEntry};
use crate::error::StoreError;

/// At most this many readers' entries go into one transaction.
const MAX_BATCH: usize = 256;

type Job = (Vec<NewEntry>, oneshot::Sender<Result<(), String>>);

/// A handle to the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct AuditWriter {
    tx: mpsc::Sender<Job>,
}

impl AuditWriter {
    /// Starts the writer on the current tokio runtime. It ends when the last handle is dropped.
    pub(crate) fn start(db: DatabaseConnection, key: AuditKey) -> Self {
        let (tx, mut rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(async move {
            let mut batch: Vec<Job> = Vec::new();
            while let Some(job) = rx.recv().await {
                batch.push(job);
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let result = write_batch(&db, &key, &mut batch).await.map_err(|e| e.to_string());
                if let Err(e) = &result {
                    tracing::error!(error = %e, readers = batch.len(), "audit entries of reads not written");
                }
                for (_, done) in batch.drain(..) {
                    let _ = done.send(result.clone());
                }
            }
        });
        AuditWriter { tx }
    }

    /// Appends a read's entries and returns once they are committed.
    pub(crate) async fn append(&self, entries: Vec<NewEntry>) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let (done, wait) = oneshot::channel();
        self.tx
            .send((entries, done))
            .await
            .map_err(|_| StoreError::Integrity("the audit writer has stopped".into()))?;
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Integrity(format!("audit entries not written: {e}"))),
            Err(_) => Err(StoreError::Integrity("the audit writer has stopped".into())),
        }
    }
}

/// Writes a batch, retrying a busy database twice (SQLite's one writer may be a write in progress).
async fn write_batch(db: &DatabaseConnection, key: &AuditKey, batch: &mut [Job]) -> Result<(), StoreError> {
    let entries: Vec<NewEntry> = batch.iter_mut().flat_map(|(e, _)| std::mem::take(e)).collect();
    let mut attempt = 0;
    loop {
        attempt += 1;
        match write_once(db, key, entries.clone()).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 3 => {
                tracing::warn!(error = %e, attempt, "audit batch retried");
                tokio::time::sleep(std::time::Duration::from_millis(20 * attempt)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn write_once(db: &DatabaseConnection, key: &AuditKey, entries: Vec<NewEntry>) -> Result<(), StoreError> {
    let txn = db.begin().await?;
    audit::lock_head(&txn).await?;
    audit::append(&txn, key, entries).await?;
    txn.commit().await?;
    Ok(())
}
