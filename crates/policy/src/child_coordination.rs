//! Who acts in a child-coordinator matter (issue 12; spec 02 §1.8, §6.F items 46–48): the services taking
//! part report a possible need; the family asks, consents and complains for themselves; only the unit the
//! municipality authorised (the coordinating unit, koordinerende enhet) guides, assesses, decides, appoints
//! and handles complaints. A leader of the organisation and the unit see the caseload of the coordinators.

use chrono::{DateTime, Utc};
use los_domain::model::{Role, User, UserKind};

use crate::{Action, Basis, CaseFacts, ChildCoordinationStep, Decision, case_rule, working_memberships};

/// The role in which `actor` works in the unit `unit`, if they do.
pub(crate) fn unit_role(actor: &User, unit: &str) -> Option<Role> {
    working_memberships(actor).find(|(s, _)| *s == unit).map(|(_, r)| r)
}

fn unit_basis(actor: &User, unit: &str, role: Role, case: &CaseFacts<'_>, what: &str) -> Decision {
    Decision::Allow(Basis {
        code: "coordinating_unit",
        detail: format!(
            "{} as {role} in the coordinating unit {unit} {what} in case {} (pbrl § 2-5 c, hol § 7-2 a)",
            actor.id, case.case_id
        ),
        via_service: Some(unit.to_owned()),
        role: Some(role),
    })
}

pub(crate) fn rule(
    actor: &User,
    case: &CaseFacts<'_>,
    step: ChildCoordinationStep,
    unit: Option<&str>,
    coordinator: Option<&str>,
    now: DateTime<Utc>,
) -> Decision {
    let in_unit = unit.and_then(|u| unit_role(actor, u).map(|r| (u, r)));
    match step {
        ChildCoordinationStep::Read => match (case_rule(actor, Action::Read, case, now), in_unit) {
            (Decision::Allow(b), _) => Decision::Allow(b),
            (_, Some((u, r))) => unit_basis(actor, u, r, case, "reads the child-coordinator matter"),
            (deny, None) => deny,
        },
        ChildCoordinationStep::Report => {
            if actor.kind == UserKind::Citizen {
                return Decision::deny(
                    "family_asks_in_los",
                    "the family asks for a child coordinator in Los themselves; reports come from the services",
                );
            }
            match (in_unit, case_rule(actor, Action::Write, case, now)) {
                (Some((u, r)), _) => unit_basis(actor, u, r, case, "records a request or a report"),
                (None, allowed @ Decision::Allow(_)) => allowed,
                (None, deny) => deny,
            }
        }
        ChildCoordinationStep::FamilyAct => {
            if actor.kind != UserKind::Citizen {
                return Decision::deny(
                    "not_family",
                    "requests, consents and complaints the family gives you are recorded by the coordinating unit",
                );
            }
            match case_rule(actor, Action::Read, case, now) {
                Decision::Allow(b) => Decision::Allow(Basis {
                    code: "family_request",
                    detail: format!(
                        "{} acts for the family in the child-coordinator matter of case {}",
                        actor.id, case.case_id
                    ),
                    via_service: None,
                    role: b.role,
                }),
                deny => deny,
            }
        }
        ChildCoordinationStep::Work => match (coordinator, in_unit) {
            (Some(c), _) if c == actor.id && actor.kind == UserKind::Employee => Decision::Allow(Basis {
                code: "child_coordinator",
                detail: format!(
                    "{} is the child coordinator appointed in case {} (hol § 7-2 a)",
                    actor.id, case.case_id
                ),
                via_service: working_memberships(actor).next().map(|(s, _)| s.to_owned()),
                role: working_memberships(actor).next().map(|(_, r)| r),
            }),
            (_, Some((u, r))) => unit_basis(actor, u, r, case, "supports the child coordinator's work"),
            _ => Decision::deny(
                "not_child_coordinator",
                "the coordinator's work is recorded by the child coordinator appointed, or the coordinating unit",
            ),
        },
        ChildCoordinationStep::Manage => match in_unit {
            Some((u, r)) => unit_basis(actor, u, r, case, "handles the child-coordinator matter"),
            None => Decision::deny(
                "not_coordinating_unit",
                "only the unit the municipality has authorised (the coordinating unit) assesses, decides and appoints a child coordinator",
            ),
        },
    }
}

/// The caseload: leaders of the organisation and the authorised unit.
pub(crate) fn caseload_rule(actor: &User, action: Action, organisation_id: &str, unit: Option<&str>) -> Decision {
    let leader = actor.memberships.iter().any(|m| m.role == Role::Leader && m.organisation_id == organisation_id);
    if leader && action == Action::Read {
        return Decision::allow("leader_caseload", format!("leader {} follows the coordinators' caseload", actor.id));
    }
    match unit.and_then(|u| unit_role(actor, u).map(|r| (u, r))) {
        Some((u, r)) => Decision::Allow(Basis {
            code: "coordinating_unit",
            detail: format!("{} as {r} in the coordinating unit {u} follows the coordinators' caseload", actor.id),
            via_service: Some(u.to_owned()),
            role: Some(r),
        }),
        None => Decision::deny(
            "not_caseload_reader",
            "the caseload of the child coordinators is for the municipality's leaders and the coordinating unit",
        ),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use los_domain::model::{Guardianship, Membership, OwnerType, Participation};

    use super::*;
    use crate::{Resource, authorize};

    fn now() -> DateTime<Utc> {
        "2026-06-01T10:00:00Z".parse().unwrap()
    }

    fn user(id: &str, kind: UserKind, person: Option<&str>, m: &[(&str, Option<&str>, Role)]) -> User {
        User {
            id: id.into(),
            display_name: id.into(),
            kind,
            person_id: person.map(Into::into),
            memberships: m
                .iter()
                .map(|(o, s, r)| Membership { organisation_id: (*o).into(), service_id: s.map(Into::into), role: *r })
                .collect(),
        }
    }

    fn facts<'a>(parts: &'a [Participation], g: &'a [Guardianship], unit: Option<&'a str>) -> CaseFacts<'a> {
        CaseFacts {
            case_id: "c",
            child_person_id: "child",
            child_age: 10,
            participants: parts,
            guardianships: g,
            consents: &[],
            legal_bases: &[],
            grants: &[],
            health_private_from_parents: false,
            dispute_decider: None,
            closing_since: None,
            coordinating_unit: unit,
        }
    }

    #[test]
    fn only_the_authorised_unit_assesses_and_it_reads_the_case_while_a_matter_is_open() {
        let parts = [Participation {
            service_id: "nav".into(),
            service_name: "NAV".into(),
            owner_type: OwnerType::State,
            joined_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            join_reason: "r".into(),
            left_on: None,
            leave_reason: None,
        }];
        let g = [Guardianship::parent("mor", "child", true)];
        let ke = user("ke", UserKind::Employee, None, &[("kommune", Some("ke"), Role::CoordinatingUnitHandler)]);
        let nav = user("nav", UserKind::Employee, None, &[("stat", Some("nav"), Role::CaseWorker)]);
        let mor = user("mor", UserKind::Citizen, Some("mor"), &[]);
        let closed = facts(&parts, &g, None);
        let open = facts(&parts, &g, Some("ke"));
        let at = |u: &User, f: CaseFacts<'_>, step| {
            authorize(
                u,
                Action::Read,
                &Resource::ChildCoordination { case: f, step, unit: Some("ke"), coordinator: Some("hs") },
                now(),
            )
        };
        // A participating state service reports, but never assesses (the defect of the rights screening).
        assert!(at(&nav, closed, ChildCoordinationStep::Report).is_allow());
        assert!(!at(&nav, closed, ChildCoordinationStep::Manage).is_allow());
        assert!(at(&ke, closed, ChildCoordinationStep::Manage).is_allow());
        assert!(at(&ke, closed, ChildCoordinationStep::Report).is_allow());
        // The unit reads the shared overview only while a matter is open.
        assert!(!authorize(&ke, Action::Read, &Resource::Case(closed), now()).is_allow());
        let d = authorize(&ke, Action::Read, &Resource::Case(open), now());
        assert!(matches!(d, Decision::Allow(Basis { code: "coordinating_unit", .. })));
        assert!(!authorize(&ke, Action::Write, &Resource::Case(open), now()).is_allow());
        // The family acts for itself; staff do not act as the family, and the family does not manage.
        assert!(at(&mor, closed, ChildCoordinationStep::FamilyAct).is_allow());
        assert!(!at(&mor, closed, ChildCoordinationStep::Report).is_allow());
        assert!(!at(&mor, closed, ChildCoordinationStep::Manage).is_allow());
        assert!(!at(&ke, closed, ChildCoordinationStep::FamilyAct).is_allow());
        let stranger = user("x", UserKind::Citizen, Some("x"), &[]);
        assert!(!at(&stranger, closed, ChildCoordinationStep::FamilyAct).is_allow());
        // A leader or administrator of the unit's organisation does not assess.
        let leader = user("l", UserKind::Employee, None, &[("kommune", Some("ke"), Role::Leader)]);
        assert!(!at(&leader, closed, ChildCoordinationStep::Manage).is_allow());
    }

    #[test]
    fn the_caseload_is_for_leaders_of_the_organisation_and_the_unit() {
        let leader = user("l", UserKind::Employee, None, &[("kommune", None, Role::Leader)]);
        let other = user("o", UserKind::Employee, None, &[("annen", None, Role::Leader)]);
        let ke = user("ke", UserKind::Employee, None, &[("kommune", Some("ke"), Role::CoordinatingUnitHandler)]);
        let worker = user("w", UserKind::Employee, None, &[("kommune", Some("skole"), Role::CaseWorker)]);
        let r = Resource::Caseload { organisation_id: "kommune", unit: Some("ke") };
        assert!(authorize(&leader, Action::Read, &r, now()).is_allow());
        assert!(authorize(&ke, Action::Read, &r, now()).is_allow());
        assert!(!authorize(&other, Action::Read, &r, now()).is_allow());
        assert!(!authorize(&worker, Action::Read, &r, now()).is_allow());
        // The competence record is the unit's to keep.
        assert!(authorize(&ke, Action::Write, &r, now()).is_allow());
        assert!(!authorize(&leader, Action::Write, &r, now()).is_allow());
    }

    #[test]
    fn the_coordinator_in_force_and_the_unit_do_the_coordinators_work() {
        let g = [Guardianship::parent("mor", "child", true)];
        let f = facts(&[], &g, None);
        let hs = user("hs", UserKind::Employee, None, &[("kommune", Some("helse"), Role::CaseWorker)]);
        let other = user("x", UserKind::Employee, None, &[("kommune", Some("helse"), Role::CaseWorker)]);
        let ke = user("ke", UserKind::Employee, None, &[("kommune", Some("ke"), Role::CoordinatingUnitHandler)]);
        let work = |u: &User, coordinator| {
            authorize(
                u,
                Action::Write,
                &Resource::ChildCoordination {
                    case: f,
                    step: ChildCoordinationStep::Work,
                    unit: Some("ke"),
                    coordinator,
                },
                now(),
            )
        };
        assert!(matches!(work(&hs, Some("hs")), Decision::Allow(Basis { code: "child_coordinator", .. })));
        assert!(!work(&other, Some("hs")).is_allow());
        assert!(!work(&hs, None).is_allow());
        assert!(work(&ke, Some("hs")).is_allow());
    }
}
