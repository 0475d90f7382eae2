//! Step 2 (spec 01 §4.2): each service's assessment of whether cooperation is necessary, with the child's
//! wishes; the record of hearing the child (§4.5) and best-interests assessments with the seven elements
//! (§4.4). The rules are in `los_domain::coordination` and `los_domain::planning`.

use chrono::Utc;
use los_domain::consent::InfoCategory;
use los_domain::coordination::{
    Assessment, AssessmentResult, BestInterests, ChildVoice, Hearing, HearingPlace, PlanningAssessment,
    validate_assessment, validate_best_interests, validate_hearing,
};
use los_domain::model::User;
use los_domain::planning::{Situation, validate_situations};
use los_policy::{Action, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{ByCase, by_case, close_prompts};
use crate::tx::{entry, new_id, parse_enum};

/// A new step-2 assessment.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub case_id: String,
    pub service_id: String,
    pub result: AssessmentResult,
    pub reasoning: String,
    pub child_voice: ChildVoice,
    pub child_wishes: String,
    pub needs_of_child: bool,
    pub needs_of_parents: bool,
    pub best_interests_id: Option<String>,
    pub planning: Option<PlanningAssessment>,
    pub situations: Vec<Situation>,
    pub deviation_reason: Option<String>,
}

/// The step-2 assessments of a case, newest first.
pub(crate) async fn load_assessments(
    conn: &impl ConnectionTrait,
    case_id: &str,
) -> Result<Vec<Assessment>, StoreError> {
    assessment::Entity::find()
        .filter(assessment::Column::CaseId.eq(case_id))
        .order_by_desc(assessment::Column::AssessedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(assessment_from_row)
        .collect()
}

/// The step-2 assessments of many cases, newest first in each: `load_assessments` for a list.
pub(crate) async fn load_assessments_of(
    conn: &impl ConnectionTrait,
    ids: &[String],
) -> Result<ByCase<Assessment>, StoreError> {
    let newest_first = |ids: Vec<String>| {
        assessment::Entity::find()
            .filter(assessment::Column::CaseId.is_in(ids))
            .order_by_desc(assessment::Column::AssessedAt)
    };
    by_case(conn, ids, newest_first, |a| &a.case_id)
        .await?
        .into_iter()
        .map(|(case_id, rows)| Ok((case_id, rows.into_iter().map(assessment_from_row).collect::<Result<_, _>>()?)))
        .collect()
}

fn assessment_from_row(a: assessment::Model) -> Result<Assessment, StoreError> {
    Ok(Assessment {
        result: parse_enum(&a.result, AssessmentResult::parse, "assessment result")?,
        child_voice: parse_enum(&a.child_voice, ChildVoice::parse, "child voice")?,
        id: a.id,
        case_id: a.case_id,
        service_id: a.service_id,
        reasoning: a.reasoning,
        child_wishes: a.child_wishes,
        needs_of_child: a.needs_of_child,
        needs_of_parents: a.needs_of_parents,
        best_interests_id: a.best_interests_id,
        assessed_by: a.assessed_by,
        assessed_at: a.assessed_at,
        planning: match (a.cooperate_with, a.cooperate_on, a.extent_duration, a.organisation) {
            (Some(cooperate_with), Some(cooperate_on), Some(extent_duration), Some(organisation)) => {
                Some(PlanningAssessment { cooperate_with, cooperate_on, extent_duration, organisation })
            }
            _ => None,
        },
        situations: a.situations.as_deref().unwrap_or_default().split(',').filter_map(Situation::parse).collect(),
        deviation_reason: a.deviation_reason,
    })
}

/// The records of hearing the child in a case.
pub(crate) async fn load_hearings(conn: &impl ConnectionTrait, case_id: &str) -> Result<Vec<Hearing>, StoreError> {
    hearing::Entity::find()
        .filter(hearing::Column::CaseId.eq(case_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|h| {
            Ok(Hearing {
                place: parse_enum(&h.place, HearingPlace::parse, "hearing place")?,
                adaptations: h.adaptations.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                id: h.id,
                case_id: h.case_id,
                held_on: h.held_on,
                direct: h.direct,
                indirect_reason: h.indirect_reason,
                talked_with: h.talked_with,
                companion: h.companion,
                declined: h.declined,
                views: h.views,
                age: h.age as u32,
                maturity: h.maturity,
                weight: h.weight,
                recorded_by: h.recorded_by,
            })
        })
        .collect()
}

/// The best-interests assessments of a case.
pub(crate) async fn load_best_interests(
    conn: &impl ConnectionTrait,
    case_id: &str,
) -> Result<Vec<BestInterests>, StoreError> {
    Ok(best_interests::Entity::find()
        .filter(best_interests::Column::CaseId.eq(case_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| BestInterests {
            elements: serde_json::from_str(&b.elements).unwrap_or_default(),
            id: b.id,
            case_id: b.case_id,
            conclusion: b.conclusion,
            hearing_id: b.hearing_id,
            not_heard_reason: b.not_heard_reason,
            finalised: b.finalised,
            assessed_by: b.assessed_by,
            assessed_at: b.assessed_at,
        })
        .collect())
}

impl Store {
    /// Step 2: a service's assessment of whether cooperation is necessary, with the child's wishes.
    pub async fn record_assessment(&self, actor: &User, new: NewAssessment) -> Result<String, StoreError> {
        let id = new_id("vurdering");
        let a = Assessment {
            id: id.clone(),
            case_id: new.case_id.clone(),
            service_id: new.service_id.clone(),
            result: new.result,
            reasoning: new.reasoning.trim().into(),
            child_voice: new.child_voice,
            child_wishes: new.child_wishes.trim().into(),
            needs_of_child: new.needs_of_child,
            needs_of_parents: new.needs_of_parents,
            best_interests_id: new.best_interests_id.clone(),
            assessed_by: actor.id.clone(),
            assessed_at: Utc::now(),
            planning: new.planning.clone(),
            situations: new.situations.clone(),
            deviation_reason: new
                .deviation_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        };
        validate_assessment(&a)?;
        validate_situations(a.result, &a.situations, a.deviation_reason.as_deref())?;
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        let d = authorize(
            actor,
            Action::Write,
            &Resource::CaseInfo { case: l.facts(), owner_service: &new.service_id, category: InfoCategory::General },
            now,
        );
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "step2_assessment", "assessment", &id, &new.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        assessment::Entity::insert(assessment::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(a.case_id),
            service_id: Set(a.service_id.clone()),
            result: Set(a.result.as_str().into()),
            reasoning: Set(a.reasoning),
            child_voice: Set(a.child_voice.as_str().into()),
            child_wishes: Set(a.child_wishes),
            needs_of_child: Set(a.needs_of_child),
            needs_of_parents: Set(a.needs_of_parents),
            best_interests_id: Set(a.best_interests_id),
            assessed_by: Set(a.assessed_by),
            assessed_at: Set(now),
            cooperate_with: Set(a.planning.as_ref().map(|p| p.cooperate_with.trim().to_owned())),
            cooperate_on: Set(a.planning.as_ref().map(|p| p.cooperate_on.trim().to_owned())),
            extent_duration: Set(a.planning.as_ref().map(|p| p.extent_duration.trim().to_owned())),
            organisation: Set(a.planning.as_ref().map(|p| p.organisation.trim().to_owned())),
            situations: Set(Some(a.situations.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","))),
            deviation_reason: Set(a.deviation_reason),
        })
        .exec_without_returning(&txn)
        .await?;
        // The service's open re-assessment prompts are done.
        close_prompts(&txn, &new.case_id, "reassess", Some(&new.service_id), actor, now).await?;
        let _ = l;
        txn.commit().await?;
        Ok(id)
    }

    /// The record of hearing the child.
    pub async fn record_hearing(&self, actor: &User, h: Hearing) -> Result<String, StoreError> {
        let h = validate_hearing(h)?;
        let (txn, l, now) = self.tx_case(&h.case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("samtale");
        let (_, txn) = self
            .decide(txn, d, entry(actor, "hearing", "hearing", &id, &h.case_id), Some(InfoCategory::Overview))
            .await?;
        hearing::Entity::insert(hearing::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(h.case_id),
            held_on: Set(h.held_on),
            direct: Set(h.direct),
            indirect_reason: Set(h.indirect_reason),
            place: Set(h.place.as_str().into()),
            talked_with: Set(h.talked_with),
            companion: Set(h.companion),
            adaptations: Set(h.adaptations.join(",")),
            declined: Set(h.declined),
            views: Set(h.views),
            age: Set(l.child_age as i32),
            maturity: Set(h.maturity),
            weight: Set(h.weight),
            recorded_by: Set(actor.id.clone()),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// A best-interests assessment with the seven elements. Finalising needs a hearing or a stated reason.
    pub async fn record_best_interests(&self, actor: &User, mut b: BestInterests) -> Result<String, StoreError> {
        b.assessed_by = actor.id.clone();
        validate_best_interests(&b)?;
        let (txn, l, now) = self.tx_case(&b.case_id).await?;
        if let Some(h) = &b.hearing_id
            && hearing::Entity::find_by_id(h.clone()).one(&txn).await?.is_none_or(|x| x.case_id != b.case_id)
        {
            return Err(StoreError::Invalid {
                field: None,
                code: "best_interests.hearing",
                message: format!("hearing {h} is not in this case"),
            });
        }
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("barnets-beste");
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "best_interests", "best_interests", &id, &b.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        best_interests::Entity::insert(best_interests::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(b.case_id),
            elements: Set(serde_json::to_string(&b.elements).unwrap_or_default()),
            conclusion: Set(b.conclusion),
            hearing_id: Set(b.hearing_id),
            not_heard_reason: Set(b.not_heard_reason),
            finalised: Set(b.finalised),
            assessed_by: Set(b.assessed_by),
            assessed_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }
}
