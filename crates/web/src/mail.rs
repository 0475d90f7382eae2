//! Mail out of Los: the transport (lettre: SMTP, or .eml files in a directory) and the messages Los sends
//! from the web process — meeting invitations with an iCalendar attachment (RFC 5546 `METHOD:REQUEST`).
//! Like the reminders (`crate::reminders`), an invitation names the kind of meeting, its time and the case
//! number, and links to Los: nothing about the child, the family or the agenda leaves Los by e-mail.

use anyhow::{Context, bail};
use chrono::NaiveDateTime;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use los_store::{Invitation, MeetingForMail};

use crate::i18n::{Lang, Tr};

/// Where messages go.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// `smtp://…`/`smtps://…` (lettre's URL form, e.g. `smtps://user:password@smtp.example.no`) or
    /// `file:/path/to/dir` (the directory must exist).
    pub fn from_url(url: &str) -> anyhow::Result<Transport> {
        if let Some(dir) = url.strip_prefix("file:") {
            let dir = dir.strip_prefix("//").unwrap_or(dir);
            if !std::path::Path::new(dir).is_dir() {
                bail!("the mail directory {dir} does not exist");
            }
            return Ok(Transport::File(AsyncFileTransport::new(dir)));
        }
        if url.starts_with("smtp://") || url.starts_with("smtps://") {
            let t =
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url).context("the SMTP address is not valid")?.build();
            return Ok(Transport::Smtp(t));
        }
        bail!("the mail transport must start with smtp://, smtps:// or file:")
    }

    /// Sends one message. The error is only a class: a server's reply can quote the recipient's address,
    /// which must not reach the log.
    pub async fn send(&self, m: Message) -> Result<(), &'static str> {
        match self {
            Transport::Smtp(t) => t.send(m).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    "the mail server refused the message (permanent)"
                } else if e.is_transient() {
                    "the mail server refused the message for now (transient)"
                } else if e.is_timeout() {
                    "the mail server did not answer in time"
                } else if e.is_tls() {
                    "TLS with the mail server failed"
                } else {
                    "the mail server could not be reached"
                }
            }),
            Transport::File(t) => t.send(m).await.map(|_| ()).map_err(|_| "the message file could not be written"),
        }
    }
}

/// The web process's mail: the transport, the sender and where Los is served (for links).
pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
    pub base_url: String,
}

impl std::fmt::Debug for Mailer {
    /// The transport URL can hold the relay's password: only the kind is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::File(_) => "file",
        };
        f.debug_struct("Mailer").field("transport", &kind).field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(transport_url: &str, from: &str, base_url: &str) -> anyhow::Result<Mailer> {
        Ok(Mailer {
            transport: Transport::from_url(transport_url)?,
            from: from.parse().with_context(|| format!("the sender '{from}' is not an e-mail address"))?,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends the invitations that have an address; returns (invitation id, sent) for each one tried.
    pub async fn send_invitations(
        &self,
        meeting: &MeetingForMail,
        invitations: &[Invitation],
        lang: Lang,
    ) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for inv in invitations {
            let Some(address) = inv.email.as_deref() else { continue };
            let sent = match address.parse::<Mailbox>() {
                Ok(to) => match invitation(self, meeting, inv, to, lang) {
                    Ok(m) => match self.transport.send(m).await {
                        Ok(()) => true,
                        Err(class) => {
                            tracing::warn!(user = %inv.user_id, meeting = %meeting.meeting_id, error = class, "invitation not sent");
                            false
                        }
                    },
                    Err(_) => false,
                },
                Err(_) => {
                    tracing::warn!(user = %inv.user_id, "invitation not sent: the stored address is not valid");
                    false
                }
            };
            if sent {
                tracing::info!(user = %inv.user_id, meeting = %meeting.meeting_id, "invitation sent");
            }
            out.push((inv.id.clone(), sent));
        }
        out
    }
}

/// The calendar of one invitation: the event with the meeting's kind and case number, its time in
/// Europe/Oslo (with the zone's definition), the organiser and the invitee.
pub fn invitation_calendar(
    meeting: &MeetingForMail,
    summary: &str,
    description: &str,
    organiser: &str,
    attendee: &str,
) -> String {
    use icalendar::{Component, EventLike};
    let tz = los_store::planning::TIME_ZONE.name();
    let at = |t: NaiveDateTime| icalendar::CalendarDateTime::WithTimezone { date_time: t, tzid: tz.into() };
    let end = meeting.starts_at + chrono::Duration::minutes(i64::from(meeting.duration_minutes));
    let event = icalendar::Event::new()
        .uid(&format!("{}@los", meeting.meeting_id))
        .summary(summary)
        .description(description)
        .starts(at(meeting.starts_at))
        .ends(at(end))
        .status(icalendar::EventStatus::Confirmed)
        .class(icalendar::Class::Confidential)
        .add_property("ORGANIZER", format!("mailto:{organiser}"))
        .append_property(
            icalendar::Property::new("ATTENDEE", format!("mailto:{attendee}"))
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                .add_parameter("PARTSTAT", "NEEDS-ACTION")
                .add_parameter("RSVP", "TRUE")
                .done(),
        )
        .done();
    let mut cal = icalendar::Calendar::new();
    cal.append_property(icalendar::Property::new("METHOD", "REQUEST"));
    cal.push(event);
    crate::case::meetings::with_time_zone(&cal.done().to_string())
}

/// The invitation message: a plain-text body and the calendar as `text/calendar; method=REQUEST`, both
/// inline (calendar programs offer to accept) and as an .ics attachment.
fn invitation(
    m: &Mailer,
    meeting: &MeetingForMail,
    inv: &Invitation,
    to: Mailbox,
    lang: Lang,
) -> anyhow::Result<Message> {
    let t = Tr::new(lang);
    let kind = t.get(&format!("meeting-kind-{}", meeting.kind.as_str()));
    let when = meeting.starts_at.format("%d.%m.%Y %H:%M").to_string();
    let url = format!("{}/saker/{}/individuell-plan#gruppe", m.base_url, meeting.case_id);
    let subject = t.with("invitation-subject", &[("kind", kind.as_str()), ("when", when.as_str())]);
    let summary = format!("{kind} ({})", meeting.case_id);
    let mut body = t.with("invitation-greeting", &[("name", inv.name.as_str())]);
    body.push_str("\n\n");
    body.push_str(&t.with(
        "invitation-intro",
        &[("kind", kind.as_str()), ("when", when.as_str()), ("case", meeting.case_id.as_str())],
    ));
    body.push_str("\n\n");
    body.push_str(&t.with("invitation-open", &[("url", url.as_str())]));
    body.push_str("\n\n");
    body.push_str(&t.get("invitation-privacy"));
    body.push('\n');
    let organiser = m.from.email.to_string();
    let ics = invitation_calendar(meeting, &summary, &url, &organiser, to.email.as_ref());
    let calendar_type = ContentType::parse("text/calendar; charset=utf-8; method=REQUEST")?;
    let ics_type = ContentType::parse("application/ics")?;
    Ok(Message::builder().from(m.from.clone()).to(to).subject(subject).multipart(
        MultiPart::mixed()
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body))
                    .singlepart(SinglePart::builder().header(calendar_type).body(ics.clone())),
            )
            .singlepart(Attachment::new("invitation.ics".into()).body(ics, ics_type)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitation_calendar_is_a_request_in_oslo_time() {
        let meeting = MeetingForMail {
            meeting_id: "mote-1".into(),
            case_id: "SAK-1".into(),
            kind: los_domain::planning::MeetingKind::ResponsibilityGroup,
            starts_at: "2027-01-12T09:00:00".parse().unwrap(),
            duration_minutes: 90,
        };
        let ics = invitation_calendar(&meeting, "Ansvarsgruppemøte (SAK-1)", "http://x", "los@k.no", "a@k.no");
        assert!(ics.contains("METHOD:REQUEST"), "{ics}");
        assert!(ics.contains("DTSTART;TZID=Europe/Oslo:20270112T090000"), "{ics}");
        assert!(ics.contains("DTEND;TZID=Europe/Oslo:20270112T103000"), "{ics}");
        assert!(ics.contains("ORGANIZER:mailto:los@k.no"), "{ics}");
        assert!(ics.contains("ATTENDEE;") && ics.contains("mailto:a@k.no"), "{ics}");
        assert!(ics.find("BEGIN:VTIMEZONE").unwrap() < ics.find("BEGIN:VEVENT").unwrap());
        assert!(ics.contains("UID:mote-1@los"), "{ics}");
    }
}
