//! Where a child lives: a strictly confidential address (strengt fortrolig adresse) and everything that
//! reveals where the child lives or spends the day. Rules of `authorize`, kept apart from the case rules.

use chrono::{DateTime, Utc};

use super::*;

pub(crate) fn address_rule(
    actor: &User,
    action: Action,
    case: &CaseFacts<'_>,
    person: &str,
    must_know: &[String],
    household: &[String],
    now: DateTime<Utc>,
) -> Decision {
    if action != Action::Read {
        return Decision::deny("address_read_only", "addresses come from the population register");
    }
    match actor.kind {
        UserKind::Citizen if actor.person_id.as_deref() == Some(person) => {
            Decision::allow("own_address", format!("{person} reads their own address"))
        }
        UserKind::Citizen if actor.person_id.as_ref().is_some_and(|p| household.contains(p)) => Decision::allow(
            "same_address",
            format!("{} is registered at the same protected address as {person}", actor.id),
        ),
        UserKind::Citizen => Decision::deny(
            "protected_address",
            "the address is strictly confidential (strengt fortrolig adresse) and is shown only to the services that must know it",
        ),
        UserKind::Employee => match participating(actor, case, now) {
            Some((service, role, _)) if must_know.iter().any(|s| s == service) => Decision::Allow(Basis {
                code: "must_know_address",
                detail: format!(
                    "service {service} takes part in case {} and must know the protected address",
                    case.case_id
                ),
                via_service: Some(service.to_owned()),
                role: Some(role),
            }),
            _ => Decision::deny(
                "protected_address",
                "the address is strictly confidential (strengt fortrolig adresse) and is shown only to the services that must know it",
            ),
        },
    }
}

/// Where the child lives or spends the day, when the child has a strictly confidential address: the
/// services taking part (who must not pass it on, and are told so), an emergency grant, the child and the
/// household see it; every other citizen, a parent with parental responsibility included, does not.
pub(crate) fn location_rule(
    actor: &User,
    case: &CaseFacts<'_>,
    protected: bool,
    household: &[String],
    now: DateTime<Utc>,
) -> Decision {
    if !protected {
        return Decision::allow(
            "no_protected_address",
            format!("the child in case {} has no protected address", case.case_id),
        );
    }
    match actor.kind {
        UserKind::Citizen => match actor.person_id.as_deref() {
            Some(p) if p == case.child_person_id => {
                Decision::allow("own_location", format!("{p} is the child in case {}", case.case_id))
            }
            Some(p) if household.iter().any(|h| h == p) => Decision::allow(
                "same_address",
                format!("{p} is registered at the child's protected address in case {}", case.case_id),
            ),
            _ => Decision::deny(
                "protected_address_location",
                "the child has a strictly confidential address (strengt fortrolig adresse): where the child lives or spends the day is not shown",
            ),
        },
        UserKind::Employee => {
            if let Some((service, role, _)) = participating(actor, case, now) {
                Decision::Allow(Basis {
                    code: "participant_protected_location",
                    detail: format!(
                        "service {service} takes part in case {} and must not pass on where the child lives or spends the day",
                        case.case_id
                    ),
                    via_service: Some(service.to_owned()),
                    role: Some(role),
                })
            } else if active_grant(actor, case, now).is_some() {
                Decision::allow("break_glass", format!("emergency access to case {}", case.case_id))
            } else {
                Decision::deny(
                    "protected_address_location",
                    "the child has a strictly confidential address (strengt fortrolig adresse): where the child lives or spends the day is not shown",
                )
            }
        }
    }
}
