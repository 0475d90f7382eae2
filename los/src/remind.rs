//! `los remind`: sends each employee with open tasks one e-mail a day that says how many tasks of each kind
//! wait in Los, and links to the worklist. Run it from cron or a systemd timer; a second run the same day
//! sends nothing. The text comes from `los_web::reminders` and carries no personal data about children or
//! families; logs carry user ids, never names or addresses.
//!
//! lettre does the sending (SMTP, or .eml files in a directory; `los_web::mail::Transport`, shared with the
//! web process's invitations); Los only chooses the transport from the URL.

use anyhow::{Context, bail};
use lettre::Message;
use lettre::message::{Mailbox, header::ContentType};
use los_store::Store;
use los_web::i18n::Lang;
use los_web::mail::Transport;

/// Sends the day's reminders; returns how many were sent. With `dry_run`, prints who would get one.
pub async fn run(
    store: &Store,
    transport: Option<&Transport>,
    from: &str,
    base_url: &str,
    lang: Lang,
    dry_run: bool,
) -> anyhow::Result<usize> {
    let from: Mailbox = from.parse().with_context(|| format!("the sender '{from}' is not an e-mail address"))?;
    let day = chrono::Local::now().date_naive();
    let mut sent = 0;
    for d in store.due_reminders(day).await? {
        if dry_run {
            println!("{}: {} tasks", d.user_id, d.total());
            continue;
        }
        let Some(transport) = transport else { bail!("no mail transport is configured") };
        let (subject, body) = los_web::reminders::compose(&d, lang, base_url);
        let to: Mailbox = match d.email.parse() {
            Ok(a) => a,
            Err(_) => {
                tracing::warn!(user = %d.user_id, "skipping a reminder: the stored address is not valid");
                continue;
            }
        };
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .context("building the reminder")?;
        match transport.send(message).await {
            Ok(()) => {
                store.mark_reminded(&d.user_id, day, d.total()).await?;
                tracing::info!(user = %d.user_id, tasks = d.total(), "reminder sent");
                sent += 1;
            }
            // One failing address does not stop the others; it is tried again on the next run.
            Err(class) => tracing::warn!(user = %d.user_id, error = class, "reminder not sent"),
        }
    }
    Ok(sent)
}
