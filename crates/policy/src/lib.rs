//! The one access decision of Los.
//!
//! `authorize(actor, action, resource, today)` returns `Allow(basis)` or `Deny(reason)`. It is pure, deny by
//! default and exhaustive over the enums, so a new kind of resource or action cannot slip through without a
//! rule. Storage calls it before every read or write of personal data and records the returned basis in the
//! audit log; the web layer never decides access itself.
#![forbid(unsafe_code)]

use chrono::NaiveDate;
use los_domain::model::{Guardianship, Participation, Role, User, UserKind};
use serde::{Deserialize, Serialize};

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Write,
}

impl Action {
    /// Stable code for the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Write => "write",
        }
    }
}

/// The facts about a case the decision needs: who takes part and who the family is.
#[derive(Debug, Clone)]
pub struct CaseFacts<'a> {
    pub case_id: &'a str,
    pub child_person_id: &'a str,
    pub participants: &'a [Participation],
    pub guardianships: &'a [Guardianship],
}

/// What the actor wants to act on.
#[derive(Debug, Clone)]
pub enum Resource<'a> {
    /// Public reference data: laws, provisions, the service directory, municipalities.
    PublicReference,
    /// Personal data in a case.
    Case(CaseFacts<'a>),
    /// The audit chain as a whole (verification, internal-control reports).
    AuditChain,
    /// System configuration (organisations, services, users, tokens).
    Configuration,
}

/// Why access was allowed. Stored in the audit log and shown to the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// Stable code, e.g. `participant`.
    pub code: &'static str,
    /// Human-readable basis with ids and the legal reference.
    pub detail: String,
    /// The service through which the actor acts, if any.
    pub via_service: Option<String>,
    /// The role in which the actor acts, if any.
    pub role: Option<Role>,
}

/// Why access was denied. Shown to the actor and logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenyReason {
    /// Stable code for translation, e.g. `not_participant`.
    pub code: &'static str,
    /// English explanation with the rule.
    pub detail: String,
}

/// The outcome of an access decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow(Basis),
    Deny(DenyReason),
}

impl Decision {
    pub fn is_allow(&self) -> bool {
        matches!(self, Decision::Allow(_))
    }

    fn allow(code: &'static str, detail: impl Into<String>) -> Self {
        Decision::Allow(Basis { code, detail: detail.into(), via_service: None, role: None })
    }

    fn deny(code: &'static str, detail: impl Into<String>) -> Self {
        Decision::Deny(DenyReason { code, detail: detail.into() })
    }
}

fn has_role(user: &User, role: Role) -> bool {
    user.memberships.iter().any(|m| m.role == role)
}

/// Decides whether `actor` may do `action` on `resource` on `today`.
pub fn authorize(actor: &User, action: Action, resource: &Resource<'_>, today: NaiveDate) -> Decision {
    match resource {
        Resource::PublicReference => match action {
            Action::Read => Decision::allow("public", "public reference information"),
            Action::Write => config_rule(actor),
        },
        Resource::Configuration => config_rule(actor),
        Resource::AuditChain => {
            if has_role(actor, Role::Administrator) {
                Decision::allow("administrator", format!("administrator {} verifies the audit chain", actor.id))
            } else {
                Decision::deny("not_administrator", "only administrators may verify the audit chain")
            }
        }
        Resource::Case(case) => case_rule(actor, action, case, today),
    }
}

fn config_rule(actor: &User) -> Decision {
    if has_role(actor, Role::Administrator) {
        Decision::allow("administrator", format!("administrator {} configures the system", actor.id))
    } else {
        Decision::deny("not_administrator", "only administrators may change configuration")
    }
}

fn case_rule(actor: &User, action: Action, case: &CaseFacts<'_>, today: NaiveDate) -> Decision {
    match actor.kind {
        UserKind::Employee => {
            let active: Vec<&Participation> = case.participants.iter().filter(|p| p.active_on(today)).collect();
            let via = actor.memberships.iter().find_map(|m| {
                let service = m.service_id.as_deref()?;
                if matches!(m.role, Role::Administrator | Role::Leader) {
                    return None;
                }
                active.iter().find(|p| p.service_id == service).map(|p| (m, *p))
            });
            match via {
                Some((m, p)) => Decision::Allow(Basis {
                    code: "participant",
                    detail: format!(
                        "{} as {} in service {} taking part in case {} since {} (duty to cooperate)",
                        actor.id, m.role, p.service_id, case.case_id, p.joined_on
                    ),
                    via_service: Some(p.service_id.clone()),
                    role: Some(m.role),
                }),
                None if has_role(actor, Role::Administrator) => Decision::deny(
                    "administrator_no_case_data",
                    "administrators configure the system and see no case data",
                ),
                None if has_role(actor, Role::Leader) => Decision::deny(
                    "leader_aggregates_only",
                    "leaders see aggregate figures, not personal data, unless their service takes part in the case",
                ),
                None => Decision::deny(
                    "not_participant",
                    format!("none of your services takes part in case {}", case.case_id),
                ),
            }
        }
        UserKind::Citizen => {
            let Some(person) = actor.person_id.as_deref() else {
                return Decision::deny("no_person", "this user is not linked to a person");
            };
            if person == case.child_person_id {
                return match action {
                    Action::Read => {
                        Decision::allow("own_case", format!("the child or young person {person} reads their own case"))
                    }
                    Action::Write => {
                        Decision::deny("citizen_read_only", "families read their case here; services record changes")
                    }
                };
            }
            match case
                .guardianships
                .iter()
                .find(|g| g.adult_person_id == person && g.child_person_id == case.child_person_id)
            {
                Some(g) if g.parental_responsibility => match action {
                    Action::Read => Decision::allow(
                        "parental_responsibility",
                        format!("parent {person} with parental responsibility for the child in case {}", case.case_id),
                    ),
                    Action::Write => {
                        Decision::deny("citizen_read_only", "families read their case here; services record changes")
                    }
                },
                Some(_) => Decision::deny(
                    "no_parental_responsibility",
                    "a parent without parental responsibility sees nothing unless given access",
                ),
                None => {
                    Decision::deny("not_family", format!("you are not the child or a parent in case {}", case.case_id))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
