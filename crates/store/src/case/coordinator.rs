//! Who coordinates a case and the municipality's coordination duty (spec 01 §5–§6): assignments with their
//! history, disputes decided by the configured decision-maker, telling the family, life transitions that
//! prompt a review, the municipalities tied to the child, and the decision-makers themselves.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::InfoCategory;
use los_domain::coordination::{
    AssignmentRequest, CoordinationBasis, CoordinationFacts, DecisionMaker, Municipalities, Transition,
    validate_assignment,
};
use los_domain::model::User;
use los_policy::{Action, Resource, authorize};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{
    ByCase, by_case, child_coordinator_now, close_prompts, cooperation_necessary, decision_maker_for,
    replace_assignment, require_transfer_consent,
};
use crate::tx::{Loaded, entry, new_id, parse_enum, required, rule_error};

/// An assignment of the coordinating service, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub basis: CoordinationBasis,
    pub agreed_by: Vec<String>,
    pub decided_by: String,
    pub decided_role: Option<String>,
    pub delegation_ref: Option<String>,
    pub child_view: String,
    pub parents_view: String,
    pub reasons: String,
    pub decided_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub communicated_at: Option<DateTime<Utc>>,
    pub communicated_how: Option<String>,
}

/// An open or resolved dispute about who coordinates.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeView {
    pub id: String,
    pub positions: String,
    pub child_wishes: String,
    pub family_wishes: String,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who decides, as configured for the child's municipality.
    pub decision_maker: Option<DecisionMaker>,
}

/// Something the services must look at again.
#[derive(Debug, Clone, Serialize)]
pub struct Prompt {
    pub id: String,
    /// `reassess` (a service joined, left or granted a new service) or `review_coordinator` (a life
    /// transition, or the coordinating service left).
    pub kind: String,
    /// Structured so each language can word it: `joined|service`, `left|service|reason`, `granted|service`
    /// (what was granted is the deciding service's information, not repeated here), `coordinator_left|service`,
    /// or a transition code.
    pub service_id: Option<String>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// The municipalities tied to the child, with the responsibilities that follow (spec 01 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalitiesView {
    #[serde(flatten)]
    pub m: Municipalities,
    pub coordinating: String,
    pub follow_up: String,
    pub needs_local_clarification: bool,
}

/// A new assignment of the coordinating service.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub case_id: String,
    pub service_id: String,
    pub basis: CoordinationBasis,
    pub agreed_by: Vec<String>,
    pub child_view: String,
    pub parents_view: String,
    pub reasons: String,
}

fn assignment_view(r: coordination::Model, services: &[service::Model]) -> Result<AssignmentView, StoreError> {
    Ok(AssignmentView {
        basis: parse_enum(&r.basis, CoordinationBasis::parse, "coordination basis")?,
        service_name: services
            .iter()
            .find(|s| s.id == r.service_id)
            .map_or_else(|| r.service_id.clone(), |s| s.name.clone()),
        agreed_by: r.agreed_by.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        id: r.id,
        service_id: r.service_id,
        decided_by: r.decided_by,
        decided_role: r.decided_role,
        delegation_ref: r.delegation_ref,
        child_view: r.child_view,
        parents_view: r.parents_view,
        reasons: r.reasons,
        decided_at: r.decided_at,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        communicated_at: r.communicated_at,
        communicated_how: r.communicated_how,
    })
}

fn dm_view(d: decision_maker::Model) -> DecisionMaker {
    DecisionMaker {
        kind: d.kind,
        title: d.title,
        delegation_ref: d.delegation_ref,
        contact: d.contact,
        valid_from: d.valid_from,
    }
}

/// The assignments of a case, newest first: the current one (still valid) and the earlier ones.
pub(crate) async fn load_assignments(
    conn: &impl ConnectionTrait,
    case_id: &str,
    services: &[service::Model],
) -> Result<(Option<AssignmentView>, Vec<AssignmentView>), StoreError> {
    let mut assignments: Vec<AssignmentView> = coordination::Entity::find()
        .filter(coordination::Column::CaseId.eq(case_id))
        .order_by_desc(coordination::Column::DecidedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| assignment_view(r, services))
        .collect::<Result<_, _>>()?;
    let current = assignments.iter().position(|a| a.valid_to.is_none()).map(|i| assignments.remove(i));
    Ok((current, assignments))
}

/// The open dispute of a case, with who decides it as configured for the child's municipality.
pub(crate) async fn load_dispute(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    now: DateTime<Utc>,
) -> Result<Option<DisputeView>, StoreError> {
    let Some(d) = dispute::Entity::find()
        .filter(dispute::Column::CaseId.eq(l.case.id.as_str()))
        .filter(dispute::Column::ResolvedAt.is_null())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(DisputeView {
        decision_maker: decision_maker_for(conn, l.child.registered_kommune.as_str(), now.date_naive())
            .await?
            .map(dm_view),
        id: d.id,
        positions: d.positions,
        child_wishes: d.child_wishes,
        family_wishes: d.family_wishes,
        raised_by: d.raised_by,
        raised_at: d.raised_at,
        resolved_at: d.resolved_at,
    }))
}

/// The open prompts of a case, oldest first.
pub(crate) async fn load_prompts(conn: &impl ConnectionTrait, case_id: &str) -> Result<Vec<Prompt>, StoreError> {
    Ok(review_prompt::Entity::find()
        .filter(review_prompt::Column::CaseId.eq(case_id))
        .filter(review_prompt::Column::DoneAt.is_null())
        .order_by_asc(review_prompt::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(prompt_from_row)
        .collect())
}

/// The open prompts of many cases, oldest first in each: `load_prompts` for a list.
pub(crate) async fn load_prompts_of(conn: &impl ConnectionTrait, ids: &[String]) -> Result<ByCase<Prompt>, StoreError> {
    let open = |ids: Vec<String>| {
        review_prompt::Entity::find()
            .filter(review_prompt::Column::CaseId.is_in(ids))
            .filter(review_prompt::Column::DoneAt.is_null())
            .order_by_asc(review_prompt::Column::CreatedAt)
    };
    let rows = by_case(conn, ids, open, |p| &p.case_id).await?;
    Ok(rows.into_iter().map(|(case_id, rows)| (case_id, rows.into_iter().map(prompt_from_row).collect())).collect())
}

fn prompt_from_row(p: review_prompt::Model) -> Prompt {
    Prompt { id: p.id, kind: p.kind, service_id: p.service_id, reason: p.reason, created_at: p.created_at }
}

/// The municipalities tied to the child, with the responsibilities that follow.
pub(crate) async fn load_municipalities(
    conn: &impl ConnectionTrait,
    l: &Loaded,
) -> Result<Option<MunicipalitiesView>, StoreError> {
    let row = case::Entity::find_by_id(l.case.id.clone()).one(conn).await?;
    Ok(row.map(|r| {
        let m = Municipalities {
            registered: l.child.registered_kommune.as_str().to_owned(),
            care: r.care_kommune,
            placement: r.placement_kommune,
            second_residence: r.second_residence_kommune,
            local_clarification: r.local_clarification,
        };
        MunicipalitiesView {
            coordinating: m.coordinating().to_owned(),
            follow_up: m.follow_up().to_owned(),
            needs_local_clarification: m.needs_local_clarification(),
            m,
        }
    }))
}

/// What an assignment is checked against: who coordinates now, the open dispute, whether cooperation is
/// necessary, and an appointed child coordinator's service.
struct CoordinationState<'a> {
    current: Option<&'a AssignmentView>,
    dispute: Option<&'a DisputeView>,
    cooperation_necessary: bool,
    child_coordinator: Option<&'a str>,
}

/// Checks a new assignment against every rule; returns the delegation of the configured decision-maker.
async fn check_assignment(
    txn: &DatabaseTransaction,
    l: &Loaded,
    new: &NewAssignment,
    state: &CoordinationState<'_>,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let dm = decision_maker_for(txn, l.child.registered_kommune.as_str(), now.date_naive()).await?;
    let delegation = dm.as_ref().map(|d| format!("{}: {}", d.title, d.delegation_ref));
    let req = AssignmentRequest {
        service_id: &new.service_id,
        basis: new.basis,
        agreed_by: &new.agreed_by,
        child_view: &new.child_view,
        parents_view: &new.parents_view,
        delegation_ref: delegation.as_deref(),
    };
    let facts = CoordinationFacts {
        participants: &l.case.participants,
        today: now.date_naive(),
        cooperation_necessary: state.cooperation_necessary,
        child_coordinator_service: state.child_coordinator,
        open_dispute: state.dispute.is_some(),
    };
    validate_assignment(&req, facts)?;
    if new.basis == CoordinationBasis::DesignatedByMunicipality
        && let Some(dispute) = state.dispute
        && (dispute.child_wishes.trim().is_empty() || dispute.family_wishes.trim().is_empty())
    {
        return Err(StoreError::Invalid {
            field: Some("child_wishes"),
            code: "coordination.wishes_missing",
            message: "the child's and the family's wishes must be in the dossier before the decision (spec 01 §6.3, Lillevik)".into(),
        });
    }
    let current = state.current.map(|c| (c.service_id.as_str(), c.decided_at));
    require_transfer_consent(l, current, &new.service_id, now)?;
    Ok(delegation)
}

impl Store {
    /// Records who coordinates, checking every rule; keeps the history. A change of coordinator needs a
    /// consent that covers the new coordinator, recorded since the last assignment (Sofia and Daniel).
    pub async fn assign_coordinator(&self, actor: &User, new: NewAssignment) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        // Only what the assignment decides on, not the case view.
        let services = service::Entity::find().all(&txn).await?;
        let (current, _) = load_assignments(&txn, &new.case_id, &services).await?;
        let dispute = load_dispute(&txn, &l, now).await?;
        let cooperation_necessary = cooperation_necessary(&txn, &new.case_id).await?;
        let in_place = child_coordinator_now(&txn, &new.case_id, &l.child, now.date_naive()).await?;
        let designated = new.basis == CoordinationBasis::DesignatedByMunicipality;
        let action = if designated { Action::Decide } else { Action::Write };
        let d = authorize(actor, action, &Resource::Case(l.facts()), now);
        let id = new_id("samordning");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "coordinator_assign", "coordination", &id, &new.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        // A child coordinator in force coordinates; no other assignment. One no longer in force (ended, or
        // the child turned 18 without the municipality continuing it) locks nothing.
        let child_coordinator = in_place;
        let state = CoordinationState {
            current: current.as_ref(),
            dispute: dispute.as_ref(),
            cooperation_necessary,
            child_coordinator: child_coordinator.as_deref(),
        };
        let delegation = check_assignment(&txn, &l, &new, &state, now).await?;
        replace_assignment(
            &txn,
            coordination::ActiveModel {
                id: Set(id.clone()),
                case_id: Set(new.case_id.clone()),
                service_id: Set(new.service_id.clone()),
                basis: Set(new.basis.as_str().into()),
                agreed_by: Set(new.agreed_by.join(",")),
                decided_by: Set(actor.id.clone()),
                decided_role: Set(basis.role.map(|r| r.as_str().to_owned())),
                delegation_ref: Set(if designated { delegation } else { None }),
                child_view: Set(new.child_view.trim().into()),
                parents_view: Set(new.parents_view.trim().into()),
                reasons: Set(new.reasons.trim().into()),
                decided_at: Set(now),
                valid_from: Set(now.date_naive()),
                valid_to: Set(None),
                communicated_at: Set(None),
                communicated_how: Set(None),
                dispute_id: Set(dispute.as_ref().filter(|_| designated).map(|d| d.id.clone())),
            },
        )
        .await?;
        if designated
            && let Some(open) = dispute
            && let Some(row) = dispute::Entity::find_by_id(open.id).one(&txn).await?
        {
            let mut am: dispute::ActiveModel = row.into();
            am.resolved_at = Set(Some(now));
            dispute::Entity::update(am).exec(&txn).await?;
        }
        close_prompts(&txn, &new.case_id, "review_coordinator", None, actor, now).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The services cannot agree: the dispute goes to the municipality's configured decision-maker.
    pub async fn raise_dispute(
        &self,
        actor: &User,
        case_id: &str,
        positions: &str,
        child_wishes: &str,
        family_wishes: &str,
    ) -> Result<String, StoreError> {
        required(positions, "positions", "dispute.positions", "describe the services' positions")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("uenighet");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "dispute_raise", "dispute", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        // An open dispute gets the new positions and wishes added to its dossier.
        if let Some(open) = dispute::Entity::find()
            .filter(dispute::Column::CaseId.eq(case_id))
            .filter(dispute::Column::ResolvedAt.is_null())
            .one(&txn)
            .await?
        {
            let open_id = open.id.clone();
            let mut am: dispute::ActiveModel = open.clone().into();
            am.positions = Set(format!("{}\n{}", open.positions, positions.trim()));
            if !child_wishes.trim().is_empty() {
                am.child_wishes = Set(child_wishes.trim().into());
            }
            if !family_wishes.trim().is_empty() {
                am.family_wishes = Set(family_wishes.trim().into());
            }
            dispute::Entity::update(am).exec(&txn).await?;
            txn.commit().await?;
            return Ok(open_id);
        }
        if decision_maker_for(&txn, l.child.registered_kommune.as_str(), now.date_naive()).await?.is_none() {
            return Err(StoreError::Invalid {
                field: None,
                code: "dispute.no_decision_maker",
                message: "the municipality has not said who decides disputes; the administrator must configure it"
                    .into(),
            });
        }
        dispute::Entity::insert(dispute::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            positions: Set(positions.trim().into()),
            child_wishes: Set(child_wishes.trim().into()),
            family_wishes: Set(family_wishes.trim().into()),
            raised_by: Set(actor.id.clone()),
            raised_at: Set(now),
            resolved_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Records that the family was told who coordinates (spec 01 §6.2 point 7).
    pub async fn mark_communicated(&self, actor: &User, case_id: &str, how: &str) -> Result<(), StoreError> {
        required(how, "how", "communicated.how", "say how the family was told (channel, and in a child-adapted form)")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "coordinator_communicated", "coordination", case_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let row = coordination::Entity::find()
            .filter(coordination::Column::CaseId.eq(case_id))
            .filter(coordination::Column::ValidTo.is_null())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                field: None,
                code: "communicated.none",
                message: "no service coordinates yet".into(),
            })?;
        let mut am: coordination::ActiveModel = row.into();
        am.communicated_at = Set(Some(now));
        am.communicated_how = Set(Some(how.trim().into()));
        coordination::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A life transition: prompts a review of who coordinates (spec 01 §8.F item 25).
    pub async fn record_transition(
        &self,
        actor: &User,
        case_id: &str,
        transition: Transition,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self
            .decide(txn, d, entry(actor, "transition", "case", case_id, case_id), Some(InfoCategory::Overview))
            .await?;
        self.prompt(&txn, case_id, "review_coordinator", None, transition.as_str(), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records the municipalities tied to the child beside the registered one: the care municipality, the
    /// placement municipality and a second residence, and the local clarification of cooperation.
    pub async fn set_municipalities(
        &self,
        actor: &User,
        case_id: &str,
        care: Option<&str>,
        placement: Option<&str>,
        second_residence: Option<&str>,
        local_clarification: Option<&str>,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self
            .decide(txn, d, entry(actor, "municipalities", "case", case_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let mut checked = Vec::new();
        for k in [care, placement, second_residence] {
            let k = k.map(str::trim).filter(|k| !k.is_empty());
            if let Some(k) = k {
                let knr = los_domain::ident::Kommunenummer::parse(k).map_err(|e| rule_error(e.rule(), &e))?;
                let known = municipality::Entity::find()
                    .filter(municipality::Column::Kommunenummer.eq(knr.as_str()))
                    .one(&txn)
                    .await?;
                if known.is_none() {
                    return Err(StoreError::Invalid {
                        field: None,
                        code: "municipality.unknown",
                        message: format!("there is no municipality {k} in the current division"),
                    });
                }
            }
            checked.push(k.map(str::to_owned));
        }
        let row = case::Entity::find_by_id(case_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.into() })?;
        let mut am: case::ActiveModel = row.into();
        am.care_kommune = Set(checked[0].clone());
        am.placement_kommune = Set(checked[1].clone());
        am.second_residence_kommune = Set(checked[2].clone());
        am.local_clarification = Set(local_clarification.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned));
        case::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Who decides disputes about coordination in each municipality that has said so (public page).
    pub async fn decision_makers(&self) -> Result<Vec<(String, String, DecisionMaker)>, StoreError> {
        let rows =
            decision_maker::Entity::find().order_by_asc(decision_maker::Column::Kommunenummer).all(self.conn()).await?;
        let munis = municipality::Entity::find().all(self.conn()).await?;
        Ok(rows
            .into_iter()
            .map(|d| {
                let name = munis
                    .iter()
                    .find(|m| m.kommunenummer == d.kommunenummer)
                    .map_or_else(|| d.kommunenummer.clone(), |m| m.name.clone());
                (d.kommunenummer.clone(), name, dm_view(d))
            })
            .collect())
    }

    /// The administrator configures who decides disputes in a municipality (a new version from a date).
    pub async fn set_decision_maker(
        &self,
        actor: &User,
        kommunenummer: &str,
        dm: DecisionMaker,
        decider_role: los_domain::model::Role,
    ) -> Result<(), StoreError> {
        required(&dm.title, "title", "decision_maker.title", "say who decides (title or unit)")?;
        required(
            &dm.delegation_ref,
            "delegation_ref",
            "decision_maker.delegation",
            "give the delegation: document, paragraph and date",
        )?;
        required(&dm.contact, "contact", "decision_maker.contact", "give how the family reaches the decision-maker")?;
        if !DecisionMaker::KINDS.contains(&dm.kind.as_str()) {
            return Err(StoreError::Invalid {
                field: Some("kind"),
                code: "decision_maker.kind",
                message: "the decision-maker is the chief municipal executive, a staff function, the coordinating unit or other".into(),
            });
        }
        if !DecisionMaker::DECIDER_ROLES.contains(&decider_role) {
            return Err(StoreError::Invalid {
                field: Some("decider_role"),
                code: "decision_maker.role",
                message: "the decider is a coordinating-unit handler, a leader or a case worker; administrators see no case data".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let org = organisation::Entity::find()
            .filter(organisation::Column::Kommunenummer.eq(kommunenummer))
            .filter(organisation::Column::Kind.eq(los_domain::model::OrganisationKind::Municipality.as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                field: Some("kommunenummer"),
                code: "decision_maker.no_municipality",
                message: format!("no municipality {kommunenummer} is set up in Los"),
            })?;
        let d = authorize(actor, Action::Write, &Resource::MunicipalConfiguration { organisation_id: &org.id }, now);
        let e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "configure".into(),
            resource_type: "decision_maker".into(),
            resource_id: Some(kommunenummer.into()),
            ..Default::default()
        };
        let (_, txn) = self.decide(txn, d, e, None).await?;
        let same_day = decision_maker::Entity::find()
            .filter(decision_maker::Column::Kommunenummer.eq(kommunenummer))
            .filter(decision_maker::Column::ValidFrom.eq(dm.valid_from))
            .one(&txn)
            .await?;
        if same_day.is_some() {
            return Err(StoreError::Invalid {
                field: Some("valid_from"),
                code: "decision_maker.same_day",
                message: "a decision-maker is already recorded from this date; earlier settings are kept, so choose a later date".into(),
            });
        }
        decision_maker::Entity::insert(decision_maker::ActiveModel {
            kommunenummer: Set(kommunenummer.into()),
            valid_from: Set(dm.valid_from),
            kind: Set(dm.kind),
            title: Set(dm.title),
            decider_role: Set(decider_role.as_str().into()),
            delegation_ref: Set(dm.delegation_ref),
            contact: Set(dm.contact),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
