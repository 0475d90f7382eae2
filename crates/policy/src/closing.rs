//! The rules of a case's end (issue 11): the family ends the cooperation, a service reopens a case, and the
//! services that took part when a case stopped being open keep reading it.

use chrono::{DateTime, Utc};
use los_domain::model::{Role, User, UserKind};

use crate::{Action, Basis, CaseFacts, Decision, case_rule, employee_denial, participating, working_memberships};

/// The family ends the cooperation: whoever's consent it needs now (the store asks the domain,
/// `closing::may_end_cooperation`); an employee of a service taking part records it when the family tells them.
pub(crate) fn cooperation_end_rule(actor: &User, case: &CaseFacts<'_>, entitled: bool, now: DateTime<Utc>) -> Decision {
    if actor.kind == UserKind::Employee {
        return case_rule(actor, Action::Write, case, now);
    }
    match case_rule(actor, Action::Read, case, now) {
        Decision::Allow(_) if entitled => Decision::allow(
            "ends_cooperation",
            format!("{} must consent to the cooperation about the child, and ends it", actor.id),
        ),
        Decision::Allow(_) => Decision::deny(
            "may_not_end_cooperation",
            "only a parent with parental responsibility, or the young person where the law lets them consent, ends the cooperation",
        ),
        deny => deny,
    }
}

/// A service taking part reopens a case (or keeps a closing one open); so does a service that took part when
/// it stopped being open. Families ask a service; nobody else reopens.
pub(crate) fn reopening_rule(actor: &User, case: &CaseFacts<'_>, now: DateTime<Utc>) -> Decision {
    if actor.kind == UserKind::Citizen {
        return Decision::deny("citizen_read_only", "families read their case here; a service reopens it");
    }
    if participating(actor, case, now).is_some() {
        return case_rule(actor, Action::Write, case, now);
    }
    match former_participant(actor, case, now) {
        Some((service, role, since)) => Decision::Allow(Basis {
            code: "former_participant",
            detail: format!(
                "{} as {} in service {}, which took part in case {} when it stopped being open on {}, reopens it",
                actor.id, role, service, case.case_id, since
            ),
            via_service: Some(service.to_owned()),
            role: Some(role),
        }),
        None => employee_denial(actor, case),
    }
}

/// The actor's membership in a service that took part in a closing or closed case on or after the day it
/// stopped being open, and that day: such a service keeps reading it after it left (issue 11). A service
/// that left while the case was still open does not.
pub(crate) fn former_participant<'a>(
    actor: &'a User,
    case: &CaseFacts<'_>,
    now: DateTime<Utc>,
) -> Option<(&'a str, Role, chrono::NaiveDate)> {
    let since = case.closing_since?;
    let today = now.date_naive();
    working_memberships(actor).find_map(|(service, role)| {
        case.participants
            .iter()
            .any(|p| p.service_id == service && p.joined_on <= today && p.left_on.is_none_or(|l| l >= since))
            .then_some((service, role, since))
    })
}
