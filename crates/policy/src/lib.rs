//! The one access decision of Los.
//!
//! `authorize(actor, action, resource, now)` returns `Allow(basis)` or `Deny(reason)`. It is pure, deny by
//! default and exhaustive over the enums, so a new kind of resource or action cannot slip through without a
//! rule. Storage calls it before every read or write of personal data and records the returned basis in the
//! audit log; the web layer never decides access itself.
//!
//! The rules (spec 02 §3.3–3.6, §6.F; spec 01 §8.I; spec 04 §1.2):
//! - an employee sees a case only if one of their services takes part in it (or they broke the glass); once
//!   the case is closing or closed, the services that took part from the day it stopped being open keep
//!   reading its overview (read only);
//! - within it, a service's own records are open to other services only as far as a consent or a recorded
//!   legal basis opens them; only the owning service changes them; the coordinator sees the shared plan
//!   (the overview), not other services' records;
//! - leaders see aggregates, administrators configure; neither reads personal data unless their service
//!   takes part;
//! - the child reads their own case; parents with parental responsibility read their child's, except health
//!   information the young person keeps from them (pbrl § 3-4); a parent without responsibility sees
//!   nothing;
//! - a strictly confidential address is shown only to the person and to the services that must know it.
#![forbid(unsafe_code)]

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::{Participation, Relation, Role, User, UserKind};

mod capabilities;
pub mod individual_plan;
mod types;

pub use capabilities::{Capabilities, capabilities, may_request_break_glass};
pub use types::*;

fn has_role(user: &User, role: Role) -> bool {
    user.memberships.iter().any(|m| m.role == role)
}

/// The organisations whose internal control `actor` leads: a leader sees figures for their own
/// organisation's employees, and reviews their emergency access; nothing of other organisations.
pub fn leader_organisations(actor: &User) -> Vec<&str> {
    actor.memberships.iter().filter(|m| m.role == Role::Leader).map(|m| m.organisation_id.as_str()).collect()
}

/// Service memberships that act in cases (not leader or administrator roles).
pub(crate) fn working_memberships(user: &User) -> impl Iterator<Item = (&str, Role)> {
    user.memberships
        .iter()
        .filter(|m| !matches!(m.role, Role::Administrator | Role::Leader))
        .filter_map(|m| m.service_id.as_deref().map(|s| (s, m.role)))
}

/// Decides whether `actor` may do `action` on `resource` at `now`.
pub fn authorize(actor: &User, action: Action, resource: &Resource<'_>, now: DateTime<Utc>) -> Decision {
    match resource {
        Resource::PublicReference => match action {
            Action::Read => Decision::allow("public", "public reference information"),
            Action::Write | Action::BreakGlass | Action::Decide => config_rule(actor),
        },
        Resource::Configuration => config_rule(actor),
        Resource::MunicipalConfiguration { organisation_id } => {
            if actor.memberships.iter().any(|m| m.role == Role::Administrator && m.organisation_id == *organisation_id)
            {
                Decision::allow("administrator", format!("administrator {} configures {organisation_id}", actor.id))
            } else {
                Decision::deny(
                    "not_municipal_administrator",
                    "only an administrator of the municipality configures who decides in that municipality",
                )
            }
        }
        Resource::Directory { organisation_id } => {
            if actor.memberships.iter().any(|m| m.role == Role::Administrator && m.organisation_id == *organisation_id)
            {
                Decision::allow(
                    "administrator",
                    format!("administrator {} administers the directory of {organisation_id}", actor.id),
                )
            } else {
                Decision::deny(
                    "not_directory_administrator",
                    "only an administrator of the organisation manages its services, employees and roles",
                )
            }
        }
        Resource::AuditChain => {
            if has_role(actor, Role::Administrator) {
                Decision::allow("administrator", format!("administrator {} verifies the audit chain", actor.id))
            } else {
                Decision::deny("not_administrator", "only administrators may verify the audit chain")
            }
        }
        Resource::AuditReport => {
            if has_role(actor, Role::Leader) && action == Action::Read {
                Decision::allow(
                    "leader_internal_control",
                    format!("leader {} reports on access for internal control", actor.id),
                )
            } else {
                Decision::deny("not_leader", "only leaders report on access for internal control")
            }
        }
        Resource::AccessReview { employee_organisations } => {
            if leader_organisations(actor).iter().any(|o| employee_organisations.iter().any(|e| e == o)) {
                Decision::allow(
                    "reviewing_leader",
                    format!("leader {} reviews emergency access by their own organisation's employee", actor.id),
                )
            } else {
                Decision::deny(
                    "not_reviewing_leader",
                    "a leader reviews the emergency access of their own organisation's employees only",
                )
            }
        }
        Resource::Case(case) => case_rule(actor, action, case, now),
        Resource::ChildCoordination { case, step, unit, coordinator } => {
            child_coordination::rule(actor, case, *step, *unit, *coordinator, now)
        }
        Resource::IndividualPlan { case, step, plan } => individual_plan::rule(actor, action, case, *step, plan, now),
        Resource::Caseload { organisation_id, unit } => {
            child_coordination::caseload_rule(actor, action, organisation_id, *unit)
        }
        Resource::CaseOpening { service_id } => opening_rule(actor, service_id),
        Resource::JoinRequestAnswer { case, .. } => case_rule(actor, Action::Write, case, now),
        Resource::OwnConsent { case, actor_gives, digital } => {
            own_consent_rule(actor, case, *actor_gives, *digital, now)
        }
        Resource::ConsentWithdrawal { case, entitled } => withdrawal_rule(actor, case, *entitled, now),
        Resource::CooperationEnd { case, entitled } => cooperation_end_rule(actor, case, *entitled, now),
        Resource::CaseReopening { case } => reopening_rule(actor, case, now),
        Resource::Feedback { case, recipient_service, author_person_id } => {
            feedback_rule(actor, action, case, recipient_service, author_person_id, now)
        }
        Resource::HealthPrivacy { case, service_id, health_service } => {
            if !health_service {
                return Decision::deny("not_health_service", "only a health service decides this (pbrl § 3-4)");
            }
            info_rule(actor, Action::Write, case, service_id, InfoCategory::Health, now)
        }
        Resource::CaseInfo { case, owner_service, category } => {
            info_rule(actor, action, case, owner_service, *category, now)
        }
        Resource::CaseRecord { case, owner_service, category, open_to_child } => {
            if actor.kind == UserKind::Citizen && actor.person_id.as_deref() == Some(case.child_person_id) {
                own_record_rule(actor, action, case, *category, *open_to_child)
            } else {
                info_rule(actor, action, case, owner_service, *category, now)
            }
        }
        Resource::ProtectedAddress { case, person_id, must_know, household } => {
            address_rule(actor, action, case, person_id, must_know, household, now)
        }
        Resource::CaseLocation { case, protected, household } => location_rule(actor, case, *protected, household, now),
    }
}

/// Employees of a service taking part record consent; a family member may give it themselves, digitally,
/// when they are among those giving it and may read the case.
fn own_consent_rule(
    actor: &User,
    case: &CaseFacts<'_>,
    actor_gives: bool,
    digital: bool,
    now: DateTime<Utc>,
) -> Decision {
    let d = case_rule(actor, Action::Write, case, now);
    if d.is_allow() || actor.kind != UserKind::Citizen {
        return d;
    }
    if !actor_gives || !digital {
        return Decision::deny(
            "citizen_read_only",
            "families give consent here digitally and for themselves; other consents are recorded by the services",
        );
    }
    match case_rule(actor, Action::Read, case, now) {
        Decision::Allow(_) => {
            Decision::allow("own_consent", format!("{} gives consent digitally for their family's case", actor.id))
        }
        deny => deny,
    }
}

/// A consent is withdrawn by whoever gave it, or by whoever may give it for the child now; an employee of a
/// service taking part records a withdrawal the family tells them of (spec 02 §3.4: at any time).
fn withdrawal_rule(actor: &User, case: &CaseFacts<'_>, entitled: bool, now: DateTime<Utc>) -> Decision {
    if actor.kind == UserKind::Employee {
        return case_rule(actor, Action::Write, case, now);
    }
    match case_rule(actor, Action::Read, case, now) {
        Decision::Allow(_) if entitled => Decision::allow(
            "consent_giver",
            format!("{} gave this consent, or may give it for the child now, and withdraws it", actor.id),
        ),
        Decision::Allow(_) => Decision::deny(
            "not_consent_giver",
            "only whoever gave this consent, or who may give it for the child now, can withdraw it",
        ),
        deny => deny,
    }
}

/// The family writes a report and reads its own; the recipient service reads and resolves it. Nobody else.
fn feedback_rule(
    actor: &User,
    action: Action,
    case: &CaseFacts<'_>,
    recipient: &str,
    author: &str,
    now: DateTime<Utc>,
) -> Decision {
    if actor.kind == UserKind::Citizen {
        let Some(person) = actor.person_id.as_deref() else {
            return Decision::deny("no_person", "this user is not linked to a person");
        };
        let family = case_rule(actor, Action::Read, case, now);
        if !family.is_allow() {
            return family;
        }
        return match action {
            Action::Write if person == author => {
                Decision::allow("own_feedback", format!("{person} tells the services something is not working"))
            }
            Action::Read if person == author => {
                Decision::allow("own_feedback", format!("{person} reads their own report"))
            }
            _ => Decision::deny("feedback_author_only", "a report is read by the one who sent it and its recipient"),
        };
    }
    let today = now.date_naive();
    let recipient_member = working_memberships(actor)
        .find(|(s, _)| *s == recipient && case.participants.iter().any(|p| p.service_id == *s && p.active_on(today)));
    match (action, recipient_member) {
        (Action::Read | Action::Decide, Some((service, role))) => Decision::Allow(Basis {
            code: "feedback_recipient",
            detail: format!("{} in {service}, the service the family chose to tell", actor.id),
            via_service: Some(service.to_owned()),
            role: Some(role),
        }),
        (Action::Write, _) => {
            Decision::deny("feedback_from_family", "these reports come from the child, young person or parents")
        }
        _ => Decision::deny(
            "feedback_recipient_only",
            "the family sent this to another service; only that service reads it",
        ),
    }
}

/// Opening a case (or asking to join one) through a service: the actor works in it.
fn opening_rule(actor: &User, service_id: &str) -> Decision {
    match working_memberships(actor).find(|(s, _)| *s == service_id) {
        Some((s, role)) => Decision::Allow(Basis {
            code: "service_opens_case",
            detail: format!("{} works in service {s} as {role}, which opens the case", actor.id),
            via_service: Some(s.to_owned()),
            role: Some(role),
        }),
        None => Decision::deny(
            "not_in_service",
            format!("only someone working in service {service_id} opens a case through it"),
        ),
    }
}

fn config_rule(actor: &User) -> Decision {
    if has_role(actor, Role::Administrator) {
        Decision::allow("administrator", format!("administrator {} configures the system", actor.id))
    } else {
        Decision::deny("not_administrator", "only administrators may change configuration")
    }
}

/// The actor's membership in a service that takes part in the case at `now`.
fn participating<'a>(
    actor: &'a User,
    case: &'a CaseFacts<'_>,
    now: DateTime<Utc>,
) -> Option<(&'a str, Role, &'a Participation)> {
    let today = now.date_naive();
    working_memberships(actor).find_map(|(service, role)| {
        case.participants.iter().find(|p| p.service_id == service && p.active_on(today)).map(|p| (service, role, p))
    })
}

/// A live emergency grant for the actor. Only employees who work in a service can hold one: a grant on
/// record for a leader or administrator opens nothing.
fn active_grant<'a>(actor: &User, case: &'a CaseFacts<'_>, now: DateTime<Utc>) -> Option<&'a BreakGlassGrant> {
    working_memberships(actor).next()?;
    case.grants
        .iter()
        .find(|g| g.user_id == actor.id && g.case_id == case.case_id && g.granted_at <= now && now < g.expires_at)
}

fn employee_denial(actor: &User, case: &CaseFacts<'_>) -> Decision {
    if working_memberships(actor).next().is_none() && has_role(actor, Role::Administrator) {
        Decision::deny("administrator_no_case_data", "administrators configure the system and see no case data")
    } else if working_memberships(actor).next().is_none() && has_role(actor, Role::Leader) {
        Decision::deny(
            "leader_aggregates_only",
            "leaders see aggregate figures, not personal data, unless their service takes part in the case",
        )
    } else {
        Decision::deny("not_participant", format!("none of your services takes part in case {}", case.case_id))
    }
}

/// Reading emergency access: the grant's reason and end, for the audit log and the family.
fn grant_basis(actor: &User, g: &BreakGlassGrant) -> Decision {
    Decision::Allow(Basis {
        code: "break_glass",
        detail: format!(
            "break-the-glass by {} until {}: {}",
            actor.id,
            g.expires_at.format("%Y-%m-%d %H:%M UTC"),
            g.reason
        ),
        via_service: working_memberships(actor).next().map(|(s, _)| s.to_owned()),
        role: working_memberships(actor).next().map(|(_, r)| r),
    })
}

/// The role the actor decides an open coordination dispute in, if they hold the configured one in the
/// child's municipality.
fn dispute_role(actor: &User, case: &CaseFacts<'_>) -> Option<Role> {
    case.dispute_decider
        .filter(|d| actor.memberships.iter().any(|m| m.role == d.role && m.organisation_id == d.organisation_id))
        .map(|d| d.role)
}

pub(crate) fn case_rule(actor: &User, action: Action, case: &CaseFacts<'_>, now: DateTime<Utc>) -> Decision {
    let decider = dispute_role(actor, case);
    if action == Action::Decide {
        return match decider {
            Some(role) => Decision::Allow(Basis {
                code: "dispute_decider",
                detail: format!(
                    "{} as {} decides who coordinates in case {} (the municipality's delegation)",
                    actor.id, role, case.case_id
                ),
                via_service: None,
                role: Some(role),
            }),
            None => Decision::deny(
                "not_decision_maker",
                "only the municipality's configured decision-maker decides a dispute about who coordinates, and only while one is open",
            ),
        };
    }
    match actor.kind {
        UserKind::Employee => employee_case_rule(actor, action, case, decider, now),
        UserKind::Citizen => citizen_rule(actor, action, case, None),
    }
}

/// Employees and the shared overview: a service taking part, the dispute's decision-maker (read), or an
/// emergency grant (read).
fn employee_case_rule(
    actor: &User,
    action: Action,
    case: &CaseFacts<'_>,
    decider: Option<Role>,
    now: DateTime<Utc>,
) -> Decision {
    if let Some((service, role, p)) = participating(actor, case, now) {
        return match action {
            Action::Read | Action::Write => Decision::Allow(Basis {
                code: "participant",
                detail: format!(
                    "{} as {} in service {} taking part in case {} since {} (duty to cooperate)",
                    actor.id, role, service, case.case_id, p.joined_on
                ),
                via_service: Some(service.to_owned()),
                role: Some(role),
            }),
            Action::BreakGlass => Decision::deny(
                "already_has_access",
                "your service takes part in the case; no emergency access is needed",
            ),
            Action::Decide => unreachable!("handled above"),
        };
    }
    if let (Some((service, role, since)), Action::Read) = (former_participant(actor, case, now), action) {
        return Decision::Allow(Basis {
            code: "former_participant",
            detail: format!(
                "{} as {} in service {}, which took part in case {} when it stopped being open on {} (read only)",
                actor.id, role, service, case.case_id, since
            ),
            via_service: Some(service.to_owned()),
            role: Some(role),
        });
    }
    if let (Some(unit), Action::Read) = (case.coordinating_unit, action)
        && let Some(role) = child_coordination::unit_role(actor, unit)
    {
        return Decision::Allow(Basis {
            code: "coordinating_unit",
            detail: format!(
                "{} as {} in the coordinating unit {} assesses the family's right to a child coordinator in case {} (pbrl § 2-5 c, hol § 7-2 a)",
                actor.id, role, unit, case.case_id
            ),
            via_service: Some(unit.to_owned()),
            role: Some(role),
        });
    }
    if let (Some(role), Action::Read) = (decider, action) {
        return Decision::Allow(Basis {
            code: "dispute_decider",
            detail: format!(
                "{} as {} reads the dossier of the open coordination dispute in case {} (the municipality's delegation)",
                actor.id, role, case.case_id
            ),
            via_service: None,
            role: Some(role),
        });
    }
    match action {
        Action::Read => match active_grant(actor, case, now) {
            Some(g) => grant_basis(actor, g),
            None => employee_denial(actor, case),
        },
        Action::Write => employee_denial(actor, case),
        Action::BreakGlass => match working_memberships(actor).next() {
            Some((service, role)) => Decision::Allow(Basis {
                code: "break_glass_request",
                detail: format!(
                    "{} in service {} opens case {} in an emergency, with a reason",
                    actor.id, service, case.case_id
                ),
                via_service: Some(service.to_owned()),
                role: Some(role),
            }),
            None => employee_denial(actor, case),
        },
        Action::Decide => unreachable!("handled above"),
    }
}

/// Citizens: the child, parents with responsibility; optionally for a category of information.
fn citizen_rule(actor: &User, action: Action, case: &CaseFacts<'_>, category: Option<InfoCategory>) -> Decision {
    let Some(person) = actor.person_id.as_deref() else {
        return Decision::deny("no_person", "this user is not linked to a person");
    };
    if action != Action::Read {
        return Decision::deny("citizen_read_only", "families read their case here; services record changes");
    }
    if person == case.child_person_id {
        return Decision::allow("own_case", format!("the child or young person {person} reads their own case"));
    }
    let Some(g) =
        case.guardianships.iter().find(|g| g.adult_person_id == person && g.child_person_id == case.child_person_id)
    else {
        return Decision::deny("not_family", format!("you are not the child or a parent in case {}", case.case_id));
    };
    match g.relation {
        Relation::Parent if g.parental_responsibility => {
            if category == Some(InfoCategory::Health) {
                if case.child_age >= 16 {
                    return Decision::deny(
                        "health_private_16",
                        "from 16 parents get only the health information they need for their parental responsibility (pbrl § 3-4 fourth paragraph)",
                    );
                }
                if case.child_age >= 12 && case.health_private_from_parents {
                    return Decision::deny(
                        "health_private_12",
                        "the young person has reasons the health service respects for keeping this from the parents (pbrl § 3-4 second paragraph)",
                    );
                }
            }
            Decision::allow(
                "parental_responsibility",
                format!("parent {person} with parental responsibility for the child in case {}", case.case_id),
            )
        }
        Relation::FosterParent if g.access_granted => {
            if category == Some(InfoCategory::Health) && case.child_age >= 16 {
                return Decision::deny(
                    "health_private_16",
                    "from 16 the young person's health information is not shared with those who care for them (pbrl § 3-4)",
                );
            }
            Decision::allow(
                "foster_parent",
                format!("foster parent {person} authorised by the child welfare service in case {}", case.case_id),
            )
        }
        Relation::InvitedRelative | Relation::Parent if g.access_granted => match category {
            None | Some(InfoCategory::Overview) => Decision::allow(
                "invited_by_family",
                format!("{person} was given access to the shared overview of case {} by the family", case.case_id),
            ),
            Some(_) => Decision::deny(
                "overview_only",
                "access given by the family covers the shared overview, not the services' records",
            ),
        },
        Relation::Parent => Decision::deny(
            "no_parental_responsibility",
            "a parent without parental responsibility sees nothing unless given access",
        ),
        Relation::FosterParent | Relation::InvitedRelative => {
            Decision::deny("access_not_granted", format!("you have not been given access to case {}", case.case_id))
        }
    }
}

/// The child or young person reading a service's record about them: the overview always; the record itself
/// from the age the law gives them access (health from 16, pbrl §§ 3-4 and 5-1; child welfare from 15, when
/// they are a party, bvl § 12-3 and fvl § 18; other information as an adult, from 18), and before that only
/// where the service opened this record to them (spec 02 §2.3, §3.4).
fn own_record_rule(
    actor: &User,
    action: Action,
    case: &CaseFacts<'_>,
    category: InfoCategory,
    open_to_child: bool,
) -> Decision {
    if action != Action::Read {
        return Decision::deny("citizen_read_only", "families read their case here; services record changes");
    }
    let (age, law) = match category {
        InfoCategory::Overview => (0, "the shared overview of their own case"),
        InfoCategory::Health => {
            (16, "pbrl §§ 3-4 and 5-1: from 16 the young person reads their own health information")
        }
        InfoCategory::ChildWelfare => {
            (15, "bvl § 12-3 and fvl § 18: from 15 the young person is a party and reads the child welfare case")
        }
        _ => (18, "an adult reads the services' records about them"),
    };
    if case.child_age >= age {
        Decision::allow("own_record", format!("{} reads their own record ({law})", actor.id))
    } else if open_to_child {
        Decision::allow("opened_to_child", format!("the service opened this record to {}", actor.id))
    } else {
        Decision::deny(
            "not_opened_to_child",
            "the service has not opened this record to you; you see the overview of your case, and can ask the service",
        )
    }
}

fn info_rule(
    actor: &User,
    action: Action,
    case: &CaseFacts<'_>,
    owner: &str,
    category: InfoCategory,
    now: DateTime<Utc>,
) -> Decision {
    if category == InfoCategory::Overview {
        return case_rule(actor, action, case, now);
    }
    match actor.kind {
        UserKind::Citizen => citizen_rule(actor, action, case, Some(category)),
        UserKind::Employee => {
            // The owning service reads and writes its own records.
            if let Some((service, role)) = working_memberships(actor).find(|(s, _)| *s == owner) {
                return match action {
                    Action::Read | Action::Write => Decision::Allow(Basis {
                        code: "owning_service",
                        detail: format!(
                            "{} as {} in service {}, which owns this {} information",
                            actor.id, role, service, category
                        ),
                        via_service: Some(service.to_owned()),
                        role: Some(role),
                    }),
                    Action::BreakGlass | Action::Decide => {
                        Decision::deny("already_has_access", "your service owns this information")
                    }
                };
            }
            if action != Action::Read {
                return Decision::deny(
                    "not_owning_service",
                    format!(
                        "only the owning service {owner} may change its records; the coordinator has no authority over other services' professional records"
                    ),
                );
            }
            if let Some((service, role, _)) = participating(actor, case, now) {
                return shared_with(case, owner, service, role, category, now);
            }
            match active_grant(actor, case, now) {
                Some(g) => grant_basis(actor, g),
                None => employee_denial(actor, case),
            }
        }
    }
}

/// Another service's records: open to a participating service only through a consent or a recorded legal
/// basis that covers this owner, this service and this category now.
fn shared_with(
    case: &CaseFacts<'_>,
    owner: &str,
    service: &str,
    role: Role,
    category: InfoCategory,
    now: DateTime<Utc>,
) -> Decision {
    if let Some(c) = case.consents.iter().find(|c| c.covers(owner, service, category, now)) {
        return Decision::Allow(Basis {
            code: "consent",
            detail: format!("consent {} covers {} from {} to {} until {}", c.id, category, owner, service, c.valid_to),
            via_service: Some(service.to_owned()),
            role: Some(role),
        });
    }
    if let Some(b) = case.legal_bases.iter().find(|b| b.covers(owner, service, category, now)) {
        return Decision::Allow(Basis {
            code: "legal_basis",
            detail: format!("legal basis {} ({}): {} from {} to {}", b.id, b.reference, category, owner, service),
            via_service: Some(service.to_owned()),
            role: Some(role),
        });
    }
    Decision::deny(
        "no_consent_or_basis",
        format!("no valid consent or recorded legal basis opens {category} information from {owner} to {service}"),
    )
}

mod child_coordination;
mod closing;
mod location;
use closing::{cooperation_end_rule, former_participant, reopening_rule};
use location::{address_rule, location_rule};

#[cfg(test)]
mod tests;
