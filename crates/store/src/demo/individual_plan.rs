//! The individual plan in the demo (issue 13): Jonas (17) has the plan NAV started when he moved towards
//! adult life; its basis is the health and care act (the GP and the municipal health service follow him
//! too), so from 16 his own consent is enough (pbrl § 4-3), and he let NAV, the county follow-up service
//! and the GP office read it. Before issue 13 this was only a rights-screening row "in place"; now it is
//! the plan itself. Adam's plan is asked for at child welfare and not started: starting it is the journey
//! a caseworker takes in the pages.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::at;
use crate::entities::*;
use crate::error::StoreError;

pub(super) async fn insert(txn: &impl ConnectionTrait) -> Result<(), StoreError> {
    let plan = "iplan-demo-jonas";
    let started = at("2026-06-01");
    ip_plan::Entity::insert(ip_plan::ActiveModel {
        id: Set(plan.into()),
        case_id: Set("sak-overgang".into()),
        child_person_id: Set("person-jonas".into()),
        started_at: Set(started),
        started_by: Set("nav".into()),
        started_by_service: Set("nav-stat-mellomvik".into()),
        care_order: Set(false),
        measures_for_parents: Set(false),
        language: Set("nb".into()),
        interpreter_language: Set(None),
        ended_at: Set(None),
        ended_by: Set(None),
        end_reason: Set(None),
        migrated_from: Set(None),
        updated_at: Set(started),
    })
    .exec_without_returning(txn)
    .await?;
    ip_basis::Entity::insert(ip_basis::ActiveModel {
        id: Set("ipgrunnlag-demo-jonas".into()),
        plan_id: Set(plan.into()),
        basis: Set("hol_7_1".into()),
        recorded_by: Set("nav".into()),
        recorded_by_service: Set("nav-stat-mellomvik".into()),
        recorded_at: Set(started),
        removed_at: Set(None),
        removed_by: Set(None),
        removal_reason: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    ip_responsibility::Entity::insert(ip_responsibility::ActiveModel {
        id: Set("ipansvar-demo-jonas".into()),
        plan_id: Set(plan.into()),
        service_id: Set("nav-stat-mellomvik".into()),
        how: Set("start".into()),
        decided_by: Set("nav".into()),
        reasoning: Set(
            "Jonas trenger langvarige og koordinerte tjenester fra NAV, OT og helse. Planen er laget sammen med ham."
                .into(),
        ),
        decided_by_service: Set(Some("nav-stat-mellomvik".into())),
        from_at: Set(started),
        until_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    for (id, service, role) in [
        ("ipdeltaker-demo-jonas-nav", "nav-stat-mellomvik", "responsible"),
        ("ipdeltaker-demo-jonas-ot", "demofylke-ot", "other"),
    ] {
        ip_participant::Entity::insert(ip_participant::ActiveModel {
            id: Set(id.into()),
            plan_id: Set(plan.into()),
            service_id: Set(service.into()),
            role: Set(role.into()),
            contacted_by: Set("nav".into()),
            law: Set(None),
            note: Set(String::new()),
            contacted_at: Set(started),
            ended_at: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    ip_event::Entity::insert(ip_event::ActiveModel {
        id: Set("iphendelse-demo-jonas".into()),
        case_id: Set("sak-overgang".into()),
        plan_id: Set(Some(plan.into())),
        kind: Set("start".into()),
        service_id: Set(Some("nav-stat-mellomvik".into())),
        text: Set("Jonas ønsker én plan for skole, arbeid, økonomi og helse.".into()),
        recorded_by: Set("nav".into()),
        recorded_at: Set(started),
    })
    .exec_without_returning(txn)
    .await?;
    ip_consent::Entity::insert(ip_consent::ActiveModel {
        id: Set("ipsamtykke-demo-jonas".into()),
        plan_id: Set(plan.into()),
        givers: Set(r#"[{"person_id":"person-jonas","capacity":"child","age":17}]"#.into()),
        access_services: Set(r#"["nav-stat-mellomvik","demofylke-ot"]"#.into()),
        form: Set("written".into()),
        care_order: Set(false),
        measures_for_parents: Set(false),
        recorded_by: Set("nav".into()),
        recorded_at: Set(started),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
        withdrawal_reason: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
