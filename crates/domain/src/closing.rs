//! Where a case is in its life — open, closing, closed — and the rules for moving it (issue 11).
//!
//! A case closes when every service has left it, or when the family ends the cooperation (the cooperation
//! rests on the family's consent: whoever must consent for the child may end it). Otherwise the services
//! close it together: one proposes closing, with a reason, and the case is `closing` while the services are
//! told and wind down; another service taking part confirms it (or the proposing service, once it is the only
//! one left). Reopening is its own act with a stated reason. Every change is kept as history
//! ([`StateChange`]); nothing is overwritten.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::consent::{ConsentDomain, ConsentSituation, Requirement, required_consent};
use crate::model::coded_enum;

coded_enum!(
    /// Where a case is in its life.
    CaseState {
        /// The services cooperate.
        Open = "open",
        /// A service proposed closing: the services have been told and wind down.
        Closing = "closing",
        /// The cooperation has ended. The case stays readable to the services that took part.
        Closed = "closed",
    }
);

coded_enum!(
    /// Why a case is closing or closed.
    ClosingReason {
        /// Every service has left the case: it closes by itself.
        AllServicesLeft = "all_services_left",
        /// The family (a parent with parental responsibility, or the young person where the law lets them)
        /// ended the cooperation.
        FamilyEndedCooperation = "family_ended_cooperation",
        /// The goals of the cooperation are reached.
        GoalsReached = "goals_reached",
        /// The family moved away (the new municipality's services take over).
        Moved = "moved",
        /// Another reason, stated in the text.
        Other = "other",
    }
);

impl ClosingReason {
    /// Does a service have to explain this reason in words? `other` says nothing by itself, and a service
    /// recording that the family ended the cooperation says who told them and how.
    pub fn needs_text(self) -> bool {
        matches!(self, ClosingReason::Other | ClosingReason::FamilyEndedCooperation)
    }
}

/// The longest reason text, in characters.
pub const MAX_REASON_TEXT: usize = 2000;

/// One change of a case's state, kept for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub from: CaseState,
    pub to: CaseState,
    /// Why it is closing or closed; `None` when it was reopened.
    pub reason: Option<ClosingReason>,
    /// The reason in words (required for `other` and for reopening).
    pub text: String,
    /// The service that acted; `None` when the family ended the cooperation, or the case closed by itself.
    pub service_id: Option<String>,
    /// The user who acted.
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// The day the case stopped being open, while it is closing or closed: the services that took part from
/// then on keep reading it. `None` while it is open. `history` is oldest first.
pub fn closing_since(state: CaseState, history: &[StateChange]) -> Option<NaiveDate> {
    if state == CaseState::Open {
        return None;
    }
    history.iter().rev().find(|c| c.from == CaseState::Open).map(|c| c.changed_at.date_naive())
}

/// The proposal a closing case is in: the newest change to `closing`.
pub fn proposal(state: CaseState, history: &[StateChange]) -> Option<&StateChange> {
    if state != CaseState::Closing {
        return None;
    }
    history.iter().rev().find(|c| c.to == CaseState::Closing)
}

/// What is asked of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A service taking part proposes closing.
    ProposeClosing { service: &'a str, reason: ClosingReason, text: &'a str },
    /// A service taking part closes the case (confirms a proposal; or closes directly when it is the only
    /// service, or on the family's word). Without a reason, a proposal's reason is confirmed.
    Close { service: &'a str, reason: Option<ClosingReason>, text: &'a str },
    /// The family ends the cooperation (who may is [`may_end_cooperation`], checked by the access policy).
    FamilyEnds { text: &'a str },
    /// The last service taking part has left.
    LastServiceLeft,
    /// A service reopens the case (or keeps a closing case open), with a reason.
    Reopen { text: &'a str },
}

/// The facts about the case the rules need.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    pub state: CaseState,
    /// The service that proposed closing, while the case is closing.
    pub proposed_by: Option<&'a str>,
    /// The reason and text of the proposal, while the case is closing.
    pub proposed_reason: Option<(ClosingReason, &'a str)>,
    /// The services taking part today.
    pub active_services: &'a [&'a str],
}

/// The change an event makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub to: CaseState,
    pub reason: Option<ClosingReason>,
    pub text: String,
}

/// Why the state cannot change so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClosingError {
    #[error("choose why the case is closing")]
    ReasonMissing,
    #[error("say in words why (needed for 'other' and when the family ended the cooperation)")]
    TextMissing,
    #[error("'all services left' is set by Los itself when the last service leaves")]
    ReasonAutomatic,
    #[error("the reason may be at most {MAX_REASON_TEXT} characters")]
    TextTooLong,
    #[error("give the reason the case is reopened")]
    ReopenTextMissing,
    #[error("the case is already closed")]
    AlreadyClosed,
    #[error("closing the case has already been proposed; another service confirms it")]
    AlreadyClosing,
    #[error("the case is open")]
    NotClosed,
    #[error("other services take part: propose closing first, so they are told and another service confirms")]
    ProposeFirst,
    #[error("another service taking part confirms the closing your service proposed")]
    ConfirmByAnother,
}

impl ClosingError {
    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ClosingError::ReasonMissing | ClosingError::ReasonAutomatic => Some("reason"),
            ClosingError::TextMissing | ClosingError::TextTooLong | ClosingError::ReopenTextMissing => {
                Some("reason_text")
            }
            _ => None,
        }
    }

    /// Stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            ClosingError::ReasonMissing => "closing.reason",
            ClosingError::TextMissing => "closing.reason_text",
            ClosingError::ReasonAutomatic => "closing.reason_automatic",
            ClosingError::TextTooLong => "closing.text_too_long",
            ClosingError::ReopenTextMissing => "closing.reopen_reason",
            ClosingError::AlreadyClosed => "closing.already_closed",
            ClosingError::AlreadyClosing => "closing.already_closing",
            ClosingError::NotClosed => "closing.not_closed",
            ClosingError::ProposeFirst => "closing.propose_first",
            ClosingError::ConfirmByAnother => "closing.confirm_by_another",
        }
    }
}

/// A reason a service chose, with its text: never the automatic one; `other` and the family's decision
/// explained in words; not too long.
fn chosen(reason: ClosingReason, text: &str) -> Result<(), ClosingError> {
    if reason == ClosingReason::AllServicesLeft {
        return Err(ClosingError::ReasonAutomatic);
    }
    if reason.needs_text() && text.trim().is_empty() {
        return Err(ClosingError::TextMissing);
    }
    long(text)
}

fn long(text: &str) -> Result<(), ClosingError> {
    if text.chars().count() > MAX_REASON_TEXT { Err(ClosingError::TextTooLong) } else { Ok(()) }
}

fn change(to: CaseState, reason: Option<ClosingReason>, text: &str) -> Change {
    Change { to, reason, text: text.trim().to_owned() }
}

/// The one transition function: what `event` makes of the case in `s`, or the rule it breaks.
pub fn transition(s: &Situation<'_>, event: Event<'_>) -> Result<Change, ClosingError> {
    use CaseState::*;
    match event {
        Event::Reopen { text } => {
            if s.state == Open {
                return Err(ClosingError::NotClosed);
            }
            if text.trim().is_empty() {
                return Err(ClosingError::ReopenTextMissing);
            }
            long(text)?;
            Ok(change(Open, None, text))
        }
        _ if s.state == Closed => Err(ClosingError::AlreadyClosed),
        Event::LastServiceLeft => Ok(change(Closed, Some(ClosingReason::AllServicesLeft), "")),
        Event::FamilyEnds { text } => {
            long(text)?;
            Ok(change(Closed, Some(ClosingReason::FamilyEndedCooperation), text))
        }
        Event::ProposeClosing { reason, text, .. } => {
            if s.state == Closing {
                return Err(ClosingError::AlreadyClosing);
            }
            chosen(reason, text)?;
            Ok(change(Closing, Some(reason), text))
        }
        Event::Close { service, reason, text } => close(s, service, reason, text),
    }
}

/// A service closes the case. The family's decision binds every service, so it closes at once; so does the
/// only service taking part. Otherwise the others must have been told (a proposal) and one of them confirms.
fn close(s: &Situation<'_>, service: &str, reason: Option<ClosingReason>, text: &str) -> Result<Change, ClosingError> {
    let (reason, text) = match (reason, s.proposed_reason) {
        (Some(r), _) => {
            chosen(r, text)?;
            (r, text)
        }
        (None, Some((r, t))) if s.state == CaseState::Closing => (r, if text.trim().is_empty() { t } else { text }),
        (None, _) => return Err(ClosingError::ReasonMissing),
    };
    long(text)?;
    let alone = s.active_services.iter().all(|a| *a == service);
    let family = reason == ClosingReason::FamilyEndedCooperation;
    match s.state {
        CaseState::Open if !(alone || family) => Err(ClosingError::ProposeFirst),
        CaseState::Closing if s.proposed_by == Some(service) && !(alone || family) => {
            Err(ClosingError::ConfirmByAnother)
        }
        _ => Ok(change(CaseState::Closed, Some(reason), text)),
    }
}

/// May `person` end the cooperation about the child? The cooperation rests on consent, so whoever's consent
/// it needs may end it: for each regime the services' information falls under (`regimes`, as
/// [`crate::consent::regimes`] gives them), those who must consent for the child now
/// ([`required_consent`]): the young person where the law lets them consent alone or with the parents, a
/// parent with parental responsibility while the parents consent. When the child welfare service consents
/// in the parents' place (a care order), the parents do not end it. Where both must consent, either ends it.
pub fn may_end_cooperation(
    person_is_child: bool,
    responsible_parent: bool,
    situation_now: ConsentSituation,
    regimes: &[ConsentDomain],
) -> bool {
    let general = [ConsentDomain::General];
    let regimes = if regimes.is_empty() { &general[..] } else { regimes };
    regimes.iter().any(|domain| {
        let (req, _) = required_consent(ConsentSituation { domain: *domain, ..situation_now });
        let child =
            matches!(req, Requirement::Child | Requirement::ChildAndParents | Requirement::ChildWelfareServiceAndChild);
        let parents = matches!(req, Requirement::Parents | Requirement::ChildAndParents);
        (person_is_child && child) || (responsible_parent && parents)
    })
}

#[cfg(test)]
mod tests;
