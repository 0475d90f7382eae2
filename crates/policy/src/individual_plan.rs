//! Who acts on the individual plan (IP-forskriften; spec 02 §2; issue 13): the services taking part start IP
//! work (the domain decides which kinds may); the service with the main responsibility manages the plan; the
//! participants read it only as far as the consent to the plan gives them access (§ 9: the consent to give
//! the participants access to confidential information); the family reads it and consents, withdraws and
//! complains for themselves; the municipality's decision-maker decides the main responsibility when the
//! services disagree (§ 7 andre ledd).

use chrono::{DateTime, Utc};
use los_domain::model::{User, UserKind};

use crate::{Action, Basis, CaseFacts, Decider, Decision, IndividualPlanStep, case_rule, working_memberships};

/// The plan as the decision needs it.
#[derive(Debug, Clone, Copy)]
pub struct PlanFacts<'a> {
    /// The service holding the main responsibility.
    pub responsible: Option<&'a str>,
    /// The services the consent in force gives access to the plan (empty without a consent in force).
    pub access: &'a [String],
    /// The role and organisation the child's municipality configured to decide (spec 01 §6.3).
    pub decider: Option<Decider<'a>>,
}

fn works_in<'u>(actor: &'u User, service: &str) -> Option<(&'u str, los_domain::model::Role)> {
    working_memberships(actor).find(|(s, _)| *s == service)
}

fn allow(code: &'static str, detail: String, service: Option<&str>, role: Option<los_domain::model::Role>) -> Decision {
    Decision::Allow(Basis { code, detail, via_service: service.map(str::to_owned), role })
}

pub(crate) fn rule(
    actor: &User,
    action: Action,
    case: &CaseFacts<'_>,
    step: IndividualPlanStep<'_>,
    plan: &PlanFacts<'_>,
    now: DateTime<Utc>,
) -> Decision {
    let participant = case_rule(actor, Action::Write, case, now).is_allow();
    let holder = plan.responsible.and_then(|r| works_in(actor, r));
    match step {
        IndividualPlanStep::Read => {
            if actor.kind == UserKind::Citizen {
                return case_rule(actor, Action::Read, case, now);
            }
            if let Some((s, r)) = holder {
                return allow(
                    "ip_main_responsibility",
                    format!(
                        "{} as {r} in {s}, which holds the main responsibility for the individual plan in case {} (IP-forskriften § 7)",
                        actor.id, case.case_id
                    ),
                    Some(s),
                    Some(r),
                );
            }
            // An emergency grant opens the plan as it opens the case (read only, reviewed by a leader).
            if let Decision::Allow(b) = case_rule(actor, Action::Read, case, now)
                && b.code == "break_glass"
            {
                return Decision::Allow(b);
            }
            match plan.access.iter().find_map(|a| works_in(actor, a)) {
                Some((s, r)) if participant => allow(
                    "ip_consent",
                    format!(
                        "{} as {r} in {s}, which takes part in the individual plan in case {} with the family's consent (IP-forskriften §§ 5 and 9)",
                        actor.id, case.case_id
                    ),
                    Some(s),
                    Some(r),
                ),
                _ => Decision::deny(
                    "ip_no_consent",
                    "the individual plan is open to the service with the main responsibility and to the services the family's consent names",
                ),
            }
        }
        IndividualPlanStep::Contribute => {
            if actor.kind != UserKind::Employee {
                return Decision::deny("not_family", "the family writes in the plan in its own voice, as the family");
            }
            if let Some((s, r)) = holder {
                return allow(
                    "ip_main_responsibility",
                    format!(
                        "{} as {r} in {s}, which holds the main responsibility for the individual plan in case {} (IP-forskriften § 9 andre ledd)",
                        actor.id, case.case_id
                    ),
                    Some(s),
                    Some(r),
                );
            }
            match plan.access.iter().find_map(|a| works_in(actor, a)) {
                Some((s, r)) if participant => allow(
                    "ip_consent",
                    format!(
                        "{} as {r} in {s} keeps its part of the individual plan in case {} up to date, with the family's consent (IP-forskriften § 9 andre ledd)",
                        actor.id, case.case_id
                    ),
                    Some(s),
                    Some(r),
                ),
                _ => Decision::deny(
                    "ip_no_consent",
                    "the individual plan is open to the service with the main responsibility and to the services the family's consent names",
                ),
            }
        }
        IndividualPlanStep::Start => {
            if actor.kind == UserKind::Citizen {
                return Decision::deny(
                    "family_asks_a_service",
                    "the family asks child welfare, NAV or the health and care service to start the plan; the service starts it",
                );
            }
            case_rule(actor, Action::Write, case, now)
        }
        IndividualPlanStep::Manage => match holder {
            Some((s, r)) if actor.kind == UserKind::Employee && action != Action::Decide => allow(
                "ip_main_responsibility",
                format!(
                    "{} as {r} in {s}, which holds the main responsibility for the individual plan in case {} (IP-forskriften § 7)",
                    actor.id, case.case_id
                ),
                Some(s),
                Some(r),
            ),
            _ => Decision::deny(
                "not_ip_responsible",
                "only the service with the main responsibility for the individual plan does this",
            ),
        },
        IndividualPlanStep::Agree { to_service } => {
            let party = holder.or_else(|| works_in(actor, to_service));
            match party {
                Some((s, r)) if participant => allow(
                    "ip_agreement",
                    format!(
                        "{} as {r} in {s} records the services' agreement on the main responsibility for the individual plan in case {} (IP-forskriften § 7 første ledd)",
                        actor.id, case.case_id
                    ),
                    Some(s),
                    Some(r),
                ),
                _ => Decision::deny(
                    "not_ip_party",
                    "an agreement on the main responsibility is recorded by the service holding it or the one taking it over",
                ),
            }
        }
        IndividualPlanStep::Decide => {
            let decider = plan.decider.filter(|d| {
                actor.memberships.iter().any(|m| m.role == d.role && m.organisation_id == d.organisation_id)
            });
            match decider {
                Some(d) if actor.kind == UserKind::Employee => allow(
                    "municipal_decision",
                    format!(
                        "{} as {} decides the main responsibility for the individual plan in case {} for the municipality {} (IP-forskriften § 7 andre ledd)",
                        actor.id, d.role, case.case_id, d.organisation_id
                    ),
                    None,
                    Some(d.role),
                ),
                _ => Decision::deny(
                    "not_decision_maker",
                    "only the municipality's configured decision-maker decides the main responsibility when the services disagree",
                ),
            }
        }
        IndividualPlanStep::FamilyAct => {
            if actor.kind != UserKind::Citizen {
                return Decision::deny(
                    "not_family",
                    "consents and complaints the family gives you are recorded by the service with the main responsibility",
                );
            }
            match case_rule(actor, Action::Read, case, now) {
                Decision::Allow(b) => Decision::Allow(Basis {
                    code: "family_act",
                    detail: format!("{} acts for the family on the individual plan of case {}", actor.id, case.case_id),
                    via_service: None,
                    role: b.role,
                }),
                deny => deny,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use los_domain::model::{Guardianship, Membership, OwnerType, Participation, Role};

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

    fn part(id: &str) -> Participation {
        Participation {
            service_id: id.into(),
            service_name: id.into(),
            owner_type: OwnerType::Municipal,
            joined_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            join_reason: "r".into(),
            left_on: None,
            leave_reason: None,
        }
    }

    #[test]
    fn access_to_the_plan_follows_the_consent_and_the_main_responsibility() {
        let parts = [part("hs"), part("bv"), part("skole")];
        let g = [Guardianship::parent("mor", "child", true)];
        let case = CaseFacts {
            case_id: "c",
            child_person_id: "child",
            child_age: 10,
            participants: &parts,
            guardianships: &g,
            consents: &[],
            legal_bases: &[],
            grants: &[],
            health_private_from_parents: false,
            dispute_decider: None,
            closing_since: None,
            coordinating_unit: None,
        };
        let hs = user("hs", UserKind::Employee, None, &[("k", Some("hs"), Role::CaseWorker)]);
        let bv = user("bv", UserKind::Employee, None, &[("k", Some("bv"), Role::CaseWorker)]);
        let skole = user("skole", UserKind::Employee, None, &[("k", Some("skole"), Role::CaseWorker)]);
        let leader = user("leder", UserKind::Employee, None, &[("k", None, Role::Leader)]);
        let mor = user("mor", UserKind::Citizen, Some("mor"), &[]);
        let access = vec!["bv".to_string()];
        let with = |a: &'static [String]| PlanFacts {
            responsible: Some("hs"),
            access: a,
            decider: Some(Decider { role: Role::Leader, organisation_id: "k" }),
        };
        let plan = PlanFacts { access: &access, ..with(&[]) };
        let at = |u: &User, step, p: PlanFacts<'_>| {
            authorize(u, Action::Write, &Resource::IndividualPlan { case, step, plan: p }, now())
        };
        let read = |u: &User, p: PlanFacts<'_>| {
            authorize(
                u,
                Action::Read,
                &Resource::IndividualPlan { case, step: IndividualPlanStep::Read, plan: p },
                now(),
            )
        };
        // The holder reads and manages; a participant named by the consent reads; the school, taking part in the
        // case but not named, does not; without a consent in force only the holder reads.
        assert!(matches!(read(&hs, plan), Decision::Allow(Basis { code: "ip_main_responsibility", .. })));
        assert!(matches!(read(&bv, plan), Decision::Allow(Basis { code: "ip_consent", .. })));
        assert!(!read(&skole, plan).is_allow());
        assert!(!read(&bv, with(&[])).is_allow());
        assert!(read(&mor, plan).is_allow());
        assert!(at(&hs, IndividualPlanStep::Manage, plan).is_allow());
        assert!(at(&bv, IndividualPlanStep::Contribute, plan).is_allow());
        assert!(!at(&skole, IndividualPlanStep::Contribute, plan).is_allow());
        assert!(!at(&mor, IndividualPlanStep::Contribute, plan).is_allow());
        assert!(!at(&bv, IndividualPlanStep::Manage, plan).is_allow());
        // Any service taking part starts IP work (the domain decides which kinds); the family asks a service.
        assert!(at(&skole, IndividualPlanStep::Start, plan).is_allow());
        assert!(!at(&mor, IndividualPlanStep::Start, plan).is_allow());
        // An agreement: the holder or the service taking over; a municipal decision: the decision-maker only.
        assert!(at(&bv, IndividualPlanStep::Agree { to_service: "bv" }, plan).is_allow());
        assert!(!at(&skole, IndividualPlanStep::Agree { to_service: "bv" }, plan).is_allow());
        assert!(at(&leader, IndividualPlanStep::Decide, plan).is_allow());
        assert!(!at(&hs, IndividualPlanStep::Decide, plan).is_allow());
        // The family acts for itself; staff do not act as the family.
        assert!(at(&mor, IndividualPlanStep::FamilyAct, plan).is_allow());
        assert!(!at(&hs, IndividualPlanStep::FamilyAct, plan).is_allow());
        let stranger = user("x", UserKind::Citizen, Some("x"), &[]);
        assert!(!at(&stranger, IndividualPlanStep::FamilyAct, plan).is_allow());
        assert!(!read(&stranger, plan).is_allow());
    }
}
