//! Helpers that several case resources share: review prompts, replacing the coordinating service, the
//! consent a change of coordinator needs, who may write a plan item or read a service's own information,
//! the configured decision-maker, the current plan, a change of the case's state (the closing slice's own
//! acts, and the close that follows when the last service leaves), and reading a table for many cases at
//! once. Kept here so that no resource slice imports another.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::closing::{CaseState, Change, Event, Situation, proposal, transition};
use los_domain::consent::{ConsentStatus, InfoCategory};
use los_domain::model::User;
use los_policy::{Action, Decision, Resource, authorize};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Select,
};

use super::{Loaded, entry, new_id, parse_enum};
use crate::audit::{self, NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use los_domain::coordination::AssessmentResult;

/// Rows grouped by the case they belong to.
pub(crate) type ByCase<T> = HashMap<String, Vec<T>>;

/// Case ids bound in one query when a table is read for many cases at once: well under the bind-parameter
/// limits (SQLite 32,766, PostgreSQL 65,535), whatever else the query binds.
pub(crate) const CASES_PER_QUERY: usize = 500;

/// A table read for many cases at once: `select` builds the query for a chunk of case ids (its
/// `CaseId.is_in(ids)` with the filters and order the rows need), one query per `CASES_PER_QUERY` ids, and
/// `case_of` names each row's case. All the rows of a case come from one query, so each case's rows keep the
/// query's order.
pub(crate) async fn by_case<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    case_ids: &[String],
    select: impl Fn(Vec<String>) -> Select<E>,
    case_of: impl Fn(&E::Model) -> &str,
) -> Result<ByCase<E::Model>, StoreError> {
    let mut out = ByCase::new();
    for ids in case_ids.chunks(CASES_PER_QUERY) {
        for row in select(ids.to_vec()).all(conn).await? {
            out.entry(case_of(&row).to_owned()).or_default().push(row);
        }
    }
    Ok(out)
}

/// The decision-maker configured for a municipality on a day.
pub(crate) async fn decision_maker_for(
    conn: &impl ConnectionTrait,
    kommunenummer: &str,
    day: NaiveDate,
) -> Result<Option<decision_maker::Model>, StoreError> {
    let rows = decision_maker::Entity::find()
        .filter(decision_maker::Column::Kommunenummer.eq(kommunenummer))
        .filter(decision_maker::Column::ValidFrom.lte(day))
        .order_by_desc(decision_maker::Column::ValidFrom)
        .all(conn)
        .await?;
    Ok(rows.into_iter().next())
}

/// Who may add or change a plan item: a measure only its responsible service — the coordinator cannot
/// create or alter another service's measures (spec 01 §8.F item 22 f); a goal any service taking part.
pub(crate) fn plan_write(actor: &User, l: &Loaded, responsible: Option<&str>, now: DateTime<Utc>) -> Decision {
    match responsible {
        Some(s) => authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: s, category: InfoCategory::General },
            now,
        ),
        None => authorize(actor, Action::Write, &Resource::Case(l.facts()), now),
    }
}

/// A change of coordinating service needs a consent that covers the new coordinator, recorded since the last
/// assignment (spec 01 §4.6 Sofia and Daniel; §8.D item 17). `current` is the coordinating service and when it
/// was decided.
pub(crate) fn require_transfer_consent(
    l: &Loaded,
    current: Option<(&str, DateTime<Utc>)>,
    service_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some((current_service, decided_at)) = current
        && current_service != service_id
        && !l.consents.iter().any(|c| {
            c.status(now) == ConsentStatus::Active
                && c.to_services.iter().any(|s| s == service_id)
                && c.recorded_at >= decided_at
        })
    {
        return Err(StoreError::Invalid {
            field: Some("service_id"),
            code: "coordination.new_consent_required",
            message: format!(
                "a change of coordinating service needs a new consent that lets information go to {service_id} (spec 01 §4.6 Sofia and Daniel)"
            ),
        });
    }
    Ok(())
}

/// Ends the current assignment (its history is kept) and inserts the new one.
pub(crate) async fn replace_assignment(
    txn: &DatabaseTransaction,
    row: coordination::ActiveModel,
) -> Result<(), StoreError> {
    let (case_id, day) = match (&row.case_id, &row.valid_from) {
        (Set(c), Set(d)) => (c.clone(), *d),
        _ => unreachable!("an assignment is built with its case and its first day"),
    };
    if let Some(cur) = coordination::Entity::find()
        .filter(coordination::Column::CaseId.eq(case_id.as_str()))
        .filter(coordination::Column::ValidTo.is_null())
        .one(txn)
        .await?
    {
        let mut am: coordination::ActiveModel = cur.into();
        am.valid_to = Set(Some(day));
        coordination::Entity::update(am).exec(txn).await?;
    }
    coordination::Entity::insert(row).exec_without_returning(txn).await?;
    Ok(())
}

/// Marks the open prompts of a kind (for one service, or all) as done by `actor`.
pub(crate) async fn close_prompts(
    txn: &DatabaseTransaction,
    case_id: &str,
    kind: &str,
    service: Option<&str>,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut q = review_prompt::Entity::find()
        .filter(review_prompt::Column::CaseId.eq(case_id))
        .filter(review_prompt::Column::Kind.eq(kind))
        .filter(review_prompt::Column::DoneAt.is_null());
    if let Some(s) = service {
        q = q.filter(review_prompt::Column::ServiceId.eq(s));
    }
    for p in q.all(txn).await? {
        let mut am: review_prompt::ActiveModel = p.into();
        am.done_at = Set(Some(now));
        am.done_by = Set(Some(actor.id.clone()));
        review_prompt::Entity::update(am).exec(txn).await?;
    }
    Ok(())
}

/// Whether `actor` may read information `owner` holds in the case, of `category`. An allowed read is
/// recorded in `entries` with its basis; a refusal records nothing here (the item is simply not shown).
pub(crate) fn may_read_owned(
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
    owner: &str,
    category: InfoCategory,
    resource: (&str, &str),
) -> bool {
    let d =
        authorize(actor, Action::Read, &Resource::CaseInfo { case: l.facts(), owner_service: owner, category }, now);
    let Decision::Allow(b) = d else { return false };
    entries.push(NewEntry {
        actor_user_id: Some(actor.id.clone()),
        actor_service_id: b.via_service.clone(),
        action: "read".into(),
        resource_type: resource.0.into(),
        resource_id: Some(resource.1.to_owned()),
        case_id: Some(l.case.id.clone()),
        category: Some(category.as_str().into()),
        outcome: Some(Outcome::Allow),
        basis: b.detail,
        ..Default::default()
    });
    true
}

impl Store {
    pub(crate) async fn prompt(
        &self,
        txn: &DatabaseTransaction,
        case_id: &str,
        kind: &str,
        service: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        review_prompt::Entity::insert(review_prompt::ActiveModel {
            id: Set(new_id("vurdering")),
            case_id: Set(case_id.into()),
            kind: Set(kind.into()),
            service_id: Set(service.map(str::to_owned)),
            reason: Set(reason.into()),
            created_at: Set(now),
            done_at: Set(None),
            done_by: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
        Ok(())
    }

    /// Asks every service taking part to assess the need for cooperation again (spec 01 §8.C item 13).
    pub(crate) async fn prompt_reassessment(
        &self,
        txn: &DatabaseTransaction,
        l: &Loaded,
        reason: &str,
        now: DateTime<Utc>,
        also: Option<&str>,
    ) -> Result<(), StoreError> {
        let today = now.date_naive();
        let mut services: Vec<&str> =
            l.case.participants.iter().filter(|p| p.active_on(today)).map(|p| p.service_id.as_str()).collect();
        if let Some(a) = also {
            services.push(a);
        }
        for s in services {
            self.prompt(txn, &l.case.id, "reassess", Some(s), reason, now).await?;
        }
        Ok(())
    }
}

/// Whether cooperation is necessary, from the services' step-2 assessments, newest first (spec 01 §8.C):
/// what a change of coordinator decides on, without loading the case view.
pub(crate) async fn cooperation_necessary(conn: &impl ConnectionTrait, case_id: &str) -> Result<bool, StoreError> {
    let rows = assessment::Entity::find()
        .filter(assessment::Column::CaseId.eq(case_id))
        .order_by_desc(assessment::Column::AssessedAt)
        .all(conn)
        .await?;
    let results = rows
        .iter()
        .map(|a| Ok((a.service_id.as_str(), parse_enum(&a.result, AssessmentResult::parse, "assessment result")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(los_domain::planning::cooperation_necessary(results))
}

/// What the child-coordinator rules need of the child (issue 12): the birth date, or the due date of an
/// expected child.
pub(crate) fn child_facts(child: &los_domain::model::Person) -> los_domain::child_coordinator::ChildFacts {
    los_domain::child_coordinator::ChildFacts {
        birth_date: child.birth_date,
        expected: child.expected_due_date.is_some(),
        adoption_allocated_on: None,
    }
}

/// The child coordinator's appointment in force on `day`, if there is one (ended at its end day, and at 18
/// unless the municipality continued it).
pub(crate) async fn cc_appointment_now(
    conn: &impl ConnectionTrait,
    case_id: &str,
    child: &los_domain::model::Person,
    day: NaiveDate,
) -> Result<Option<cc_appointment::Model>, StoreError> {
    let extended = cc_matter::Entity::find()
        .filter(cc_matter::Column::CaseId.eq(case_id))
        .one(conn)
        .await?
        .and_then(|m| m.extended_until);
    let facts = child_facts(child);
    Ok(cc_appointment::Entity::find()
        .filter(cc_appointment::Column::CaseId.eq(case_id))
        .order_by_desc(cc_appointment::Column::AppointedAt)
        .all(conn)
        .await?
        .into_iter()
        .find(|a| los_domain::child_coordinator::appointment_in_force(a.starts, a.ends, &facts, extended, day)))
}

/// The service of the child coordinator in force, who coordinates the services (hol § 7-2 a).
pub(crate) async fn child_coordinator_now(
    conn: &impl ConnectionTrait,
    case_id: &str,
    child: &los_domain::model::Person,
    day: NaiveDate,
) -> Result<Option<String>, StoreError> {
    Ok(cc_appointment_now(conn, case_id, child, day).await?.map(|a| a.service_id))
}

/// A handover at 18 to an ordinary coordinator is planned: the two may overlap (spec 02 §1.12.7).
pub(crate) async fn handover_planned(conn: &impl ConnectionTrait, case_id: &str) -> Result<bool, StoreError> {
    Ok(cc_handover::Entity::find().filter(cc_handover::Column::CaseId.eq(case_id)).one(conn).await?.is_some())
}

/// The leave reason written on the participations a closing ends: `case_closed|<reason>`, a code the page
/// translates.
pub const CASE_CLOSED_PREFIX: &str = "case_closed|";

/// Records a change of the case's state: a history row, the case's current state, and — when it closes —
/// the end of every participation still running, so no service takes part in a closed case (those that
/// took part keep reading it, by the policy). The caller has been allowed and has checked the rules
/// (`los_domain::closing::transition`).
pub(crate) async fn change_state(
    txn: &DatabaseTransaction,
    l: &Loaded,
    change: &Change,
    service: Option<&str>,
    actor: &User,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    case_state_change::Entity::insert(case_state_change::ActiveModel {
        id: Set(new_id("tilstand")),
        case_id: Set(l.case.id.clone()),
        from_state: Set(l.case.state.as_str().into()),
        to_state: Set(change.to.as_str().into()),
        reason: Set(change.reason.map(|r| r.as_str().to_owned())),
        reason_text: Set(change.text.clone()),
        service_id: Set(service.map(str::to_owned)),
        changed_by: Set(actor.id.clone()),
        changed_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    case::Entity::update_many()
        .col_expr(case::Column::State, sea_orm::sea_query::Expr::value(change.to.as_str()))
        .filter(case::Column::Id.eq(l.case.id.as_str()))
        .exec(txn)
        .await?;
    if change.to == CaseState::Closed {
        let reason = change.reason.map_or("", |r| r.as_str());
        participation::Entity::update_many()
            .col_expr(participation::Column::LeftOn, sea_orm::sea_query::Expr::value(now.date_naive()))
            .col_expr(
                participation::Column::LeaveReason,
                sea_orm::sea_query::Expr::value(format!("{CASE_CLOSED_PREFIX}{reason}")),
            )
            .filter(participation::Column::CaseId.eq(l.case.id.as_str()))
            .filter(participation::Column::LeftOn.is_null())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The facts the closing rules need, from a loaded case.
pub(crate) fn closing_situation<'a>(l: &'a Loaded, active: &'a [&'a str]) -> Situation<'a> {
    let p = proposal(l.case.state, &l.case.state_changes);
    Situation {
        state: l.case.state,
        proposed_by: p.and_then(|c| c.service_id.as_deref()),
        proposed_reason: p.and_then(|c| c.reason.map(|r| (r, c.text.as_str()))),
        active_services: active,
    }
}

impl Store {
    /// When the last service taking part has left (`rest` is the case without it), the case closes by itself
    /// with `all_services_left`, in the leaving service's transaction, with its own audit entry.
    pub(crate) async fn close_if_nobody_left(
        &self,
        txn: &DatabaseTransaction,
        rest: &Loaded,
        actor: &User,
        service: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let active = rest.case.active_service_ids(now.date_naive());
        if !active.is_empty() || rest.case.state == CaseState::Closed {
            return Ok(());
        }
        let change = transition(&closing_situation(rest, &active), Event::LastServiceLeft)?;
        change_state(txn, rest, &change, None, actor, now).await?;
        let case_id = rest.case.id.as_str();
        audit::append(
            txn,
            self.key(),
            vec![NewEntry {
                outcome: Some(Outcome::Allow),
                actor_service_id: Some(service.to_owned()),
                basis: format!("the last service taking part, {service}, left: the case closes by itself"),
                category: Some(InfoCategory::Overview.as_str().into()),
                ..entry(actor, "case_close", "case", case_id, case_id)
            }],
        )
        .await
    }
}

impl Store {
    /// Step 3: the acting service `from` takes `target` into the case — directly, or by answering its
    /// request to join. Refused unless a valid consent or a recorded legal exception from the duty of
    /// confidentiality covers the contact (spec 01 §4.2), which is itself a disclosure and audited as one.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn admit_service(
        &self,
        txn: &DatabaseTransaction,
        l: &Loaded,
        actor: &User,
        from: &str,
        target: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let case_id = l.case.id.as_str();
        if service::Entity::find_by_id(target.to_owned()).one(txn).await?.is_none() {
            return Err(StoreError::Invalid {
                field: None,
                code: "participant.unknown_service",
                message: format!("there is no service {target}"),
            });
        }
        if l.case.participants.iter().any(|p| p.service_id == target && p.active_on(now.date_naive())) {
            return Err(StoreError::Invalid {
                field: None,
                code: "participant.already",
                message: "the service already takes part".into(),
            });
        }
        // The contact itself discloses information: consent or a legal exception must cover it.
        let consent = l.consents.iter().find(|c| {
            c.status(now) == ConsentStatus::Active
                && c.from_services.iter().any(|f| f == from)
                && c.to_services.iter().any(|t| t == target)
        });
        let legal = l.bases.iter().find(|b| {
            b.from_service == from && b.to_service == target && b.valid_to.is_none_or(|t| now.date_naive() <= t)
        });
        let disclosure_basis = match (consent, legal) {
            (Some(c), _) => format!("contact from {from} to {target} covered by consent {}", c.id),
            (None, Some(b)) => format!("contact from {from} to {target} under legal basis {} ({})", b.id, b.reference),
            (None, None) => {
                return Err(StoreError::Invalid {
                    field: None,
                    code: "step3.no_consent",
                    message: format!(
                        "contacting {target} needs a valid consent or a recorded exception from the duty of confidentiality (spec 01 §4.2 step 3)"
                    ),
                });
            }
        };
        participation::Entity::insert(participation::ActiveModel {
            case_id: Set(case_id.into()),
            service_id: Set(target.into()),
            joined_on: Set(now.date_naive()),
            join_reason: Set(reason.trim().into()),
            left_on: Set(None),
            leave_reason: Set(None),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
        self.prompt_reassessment(txn, l, &format!("joined|{target}"), now, Some(target)).await?;
        audit::append(
            txn,
            self.key(),
            vec![NewEntry {
                outcome: Some(Outcome::Allow),
                actor_service_id: Some(from.to_owned()),
                basis: disclosure_basis,
                category: Some(InfoCategory::Overview.as_str().into()),
                ..entry(actor, "disclosure", "service", target, case_id)
            }],
        )
        .await?;
        Ok(())
    }
}

/// The child-coordinator settings of each municipality (by kommunenummer) among `kommuner` that has them:
/// the service it authorised to assess the right (issue 12).
pub(crate) async fn cc_units(
    conn: &impl ConnectionTrait,
    kommuner: &[String],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    Ok(cc_settings(conn, kommuner).await?.into_iter().map(|(k, s)| (k, s.unit_service_id)).collect())
}

/// The child-coordinator settings by kommunenummer, with the municipality's organisation id.
pub(crate) async fn cc_settings(
    conn: &impl ConnectionTrait,
    kommuner: &[String],
) -> Result<Vec<(String, cc_setting::Model)>, StoreError> {
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Kommunenummer.is_in(kommuner.to_vec()))
        .filter(organisation::Column::Kind.eq(los_domain::model::OrganisationKind::Municipality.as_str()))
        .all(conn)
        .await?;
    let settings = cc_setting::Entity::find()
        .filter(cc_setting::Column::OrganisationId.is_in(orgs.iter().map(|o| o.id.clone()).collect::<Vec<_>>()))
        .all(conn)
        .await?;
    Ok(settings
        .into_iter()
        .filter_map(|s| {
            let o = orgs.iter().find(|o| o.id == s.organisation_id)?;
            Some((o.kommunenummer.clone()?, s))
        })
        .collect())
}

/// The owner (municipal, county, state, private) of a service in the directory; an unknown service is
/// refused on `field`.
pub(crate) async fn service_owner(
    conn: &impl ConnectionTrait,
    service_id: &str,
    field: &'static str,
) -> Result<los_domain::model::OwnerType, StoreError> {
    let s = service::Entity::find_by_id(service_id.to_owned()).one(conn).await?.ok_or_else(|| StoreError::Invalid {
        field: Some(field),
        code: "child_coordinator.unknown_service",
        message: format!("{service_id} is not in the service directory"),
    })?;
    let orgs = organisation::Entity::find_by_id(s.organisation_id.clone()).all(conn).await?;
    crate::store::owner_type_of(&s.organisation_id, &orgs)
}
