//! What the plan says, version by version (IP-forskriften § 9; issue 13): every change is checked by the
//! domain (`los_domain::individual_plan::content::apply`) and stored as a new whole version with who and why;
//! any two versions compare item by item. The plan is written only while the family's consent is in force
//! (§ 5: no plan without consent).

use chrono::{DateTime, Utc};
use los_domain::individual_plan::content::{
    Change, Context, Difference, Editor, PlanContent, SectionDef, Voice, apply, default_sections, diff,
};
use los_domain::individual_plan::{IpError, IpState};
use los_domain::model::{User, UserKind};
use los_policy::{Basis, IndividualPlanStep};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::citizen_capacity;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, new_id};

/// A version of the plan's content: who made it, when and why.
#[derive(Debug, Clone, Serialize)]
pub struct IpVersionView {
    pub number: i32,
    pub reason: String,
    pub author: String,
    pub author_service: Option<String>,
    pub at: DateTime<Utc>,
}

/// Two versions side by side, with what changed between them.
#[derive(Debug, Clone, Serialize)]
pub struct IpComparison {
    pub a: IpVersionView,
    pub b: IpVersionView,
    pub content_a: PlanContent,
    pub content_b: PlanContent,
    pub differences: Vec<Difference>,
}

pub(crate) async fn versions(conn: &impl ConnectionTrait, plan_id: &str) -> Result<Vec<ip_version::Model>, StoreError> {
    Ok(ip_version::Entity::find()
        .filter(ip_version::Column::PlanId.eq(plan_id))
        .order_by_asc(ip_version::Column::Number)
        .all(conn)
        .await?)
}

pub(crate) fn parse(v: &ip_version::Model) -> Result<PlanContent, StoreError> {
    serde_json::from_str(&v.content).map_err(|e| StoreError::Integrity(format!("plan content {}: {e}", v.id)))
}

pub(crate) fn meta(v: &ip_version::Model) -> IpVersionView {
    IpVersionView {
        number: v.number,
        reason: v.reason.clone(),
        author: v.author.clone(),
        author_service: v.author_service.clone(),
        at: v.at,
    }
}

/// The sections the child's municipality requires: its own rows, else the defaults.
pub(crate) async fn sections_for(conn: &impl ConnectionTrait, l: &Loaded) -> Result<Vec<SectionDef>, StoreError> {
    let org = organisation::Entity::find()
        .filter(organisation::Column::Kommunenummer.eq(l.child.registered_kommune.as_str()))
        .filter(organisation::Column::Kind.eq(los_domain::model::OrganisationKind::Municipality.as_str()))
        .one(conn)
        .await?;
    let rows = match org {
        Some(o) => {
            ip_section::Entity::find()
                .filter(ip_section::Column::OrganisationId.eq(o.id))
                .filter(ip_section::Column::Active.eq(true))
                .order_by_asc(ip_section::Column::Position)
                .all(conn)
                .await?
        }
        None => vec![],
    };
    if rows.is_empty() {
        return Ok(default_sections());
    }
    Ok(rows
        .into_iter()
        .map(|r| SectionDef {
            code: r.code,
            title_nb: r.title_nb,
            title_nn: r.title_nn,
            title_en: r.title_en,
            position: r.position,
            legacy: r.legacy,
        })
        .collect())
}

impl Store {
    /// Makes one change to what the plan says, as a new version with the reason. The service with the main
    /// responsibility changes anything; a service the consent names updates its own measures and adds its
    /// notes; the child and the family write in their own voice.
    pub async fn change_individual_plan(
        &self,
        actor: &User,
        case_id: &str,
        change: Change,
        reason: &str,
    ) -> Result<i32, StoreError> {
        let id = new_id("ipversjon");
        let step = if actor.kind == UserKind::Citizen {
            IndividualPlanStep::FamilyAct
        } else {
            IndividualPlanStep::Contribute
        };
        let b = self.ip_begin(actor, case_id, "ip_content", &id, step).await?;
        let rows = b.rows.as_ref().ok_or_else(super::writes::no_plan)?;
        let today = b.now.date_naive();
        if rows.state(b.l.child.age_on(today))? != IpState::Active {
            return Err(IpError::NotActive.into());
        }
        crate::tx::required(reason, "reason", "ip.reason", "say why the plan changes")?;
        let editor = editor(actor, &b.l, &b.basis, rows.responsible().map(|r| r.service_id.as_str()))?;
        let all = versions(&b.txn, &rows.plan.id).await?;
        let (current, number) = match all.last() {
            Some(v) => (parse(v)?, v.number),
            None => (PlanContent::default(), 0),
        };
        let sections = sections_for(&b.txn, &b.l).await?;
        let services: Vec<String> =
            b.l.case.participants.iter().filter(|p| p.active_on(today)).map(|p| p.service_id.clone()).collect();
        let item_id = new_id("ipdel");
        let ctx = Context { sections: &sections, services: &services, today, new_id: &item_id };
        let next = apply(&current, &change, editor, &ctx)?;
        ip_version::Entity::insert(ip_version::ActiveModel {
            id: Set(id),
            plan_id: Set(rows.plan.id.clone()),
            number: Set(number + 1),
            content: Set(serde_json::to_string(&next).map_err(|e| StoreError::Integrity(e.to_string()))?),
            reason: Set(reason.trim().into()),
            author: Set(actor.id.clone()),
            author_service: Set(b.basis.via_service.clone()),
            at: Set(b.now),
        })
        .exec_without_returning(&b.txn)
        .await?;
        super::writes::touch(&b.txn, &rows.plan, b.now).await?;
        b.txn.commit().await?;
        Ok(number + 1)
    }

    /// Two versions of the plan side by side, with what changed (the plan's own readers).
    pub async fn compare_individual_plan_versions(
        &self,
        actor: &User,
        case_id: &str,
        a: i32,
        b: i32,
    ) -> Result<IpComparison, StoreError> {
        let view = self.individual_plan(actor, case_id).await?;
        if view.detail.is_none() {
            return Err(StoreError::Denied(view.detail_denied.unwrap_or(los_policy::DenyReason {
                code: "ip_no_consent",
                detail: "the individual plan is open to its own readers".into(),
            })));
        }
        let plan = view.plan.ok_or_else(super::writes::no_plan)?;
        let txn = self.begin_read().await?;
        let all = versions(&txn, &plan.id).await?;
        txn.commit().await?;
        let find = |n: i32| {
            all.iter()
                .find(|v| v.number == n)
                .ok_or_else(|| StoreError::NotFound { kind: "plan version", id: n.to_string() })
        };
        let (va, vb) = (find(a)?, find(b)?);
        let (ca, cb) = (parse(va)?, parse(vb)?);
        Ok(IpComparison { a: meta(va), b: meta(vb), differences: diff(&ca, &cb), content_a: ca, content_b: cb })
    }
}

/// Who is changing the plan, for the domain's rules.
fn editor<'a>(actor: &User, l: &Loaded, basis: &'a Basis, responsible: Option<&str>) -> Result<Editor<'a>, StoreError> {
    if actor.kind == UserKind::Citizen {
        return Ok(match citizen_capacity(l, actor) {
            Some(los_domain::consent::GiverCapacity::Child) => Editor::Family(Voice::Child),
            Some(_) => Editor::Family(Voice::Family),
            None => return Err(IpError::Consent(los_domain::consent::ConsentError::ParentWithoutResponsibility).into()),
        });
    }
    let service = basis.via_service.as_deref().ok_or(StoreError::Invalid {
        field: None,
        code: "cooperation.no_service",
        message: "this is done by a service taking part in the case".into(),
    })?;
    Ok(if Some(service) == responsible { Editor::Responsible } else { Editor::Participant(service) })
}
