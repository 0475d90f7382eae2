//! Youth sentences and their follow-up team (spec 01 §5.2): the lead service records the sentence, the
//! mandatory team members are named, parents are added under 18; non-compliance reports go to the lead
//! service only; the transition plan after the sentence is prompted before it ends.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::InfoCategory;
use los_domain::coordination::{ReleaseArea, SentenceType, TeamRole, validate_sentence};
use los_domain::model::{Relation, User};
use los_domain::planning::PlanStatus;
use los_policy::{Action, Decision, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit::{NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, load_person, new_id, parse_enum, required};

/// A youth sentence and its follow-up team.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceView {
    pub id: String,
    pub kind: SentenceType,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The service that leads the follow-up and receives non-compliance reports: the youth coordinator
    /// (ungdomsstraff, ungdomsoppfølging) or the correctional service (community sentence, prison).
    pub youth_coordinator_service: String,
    pub team: Vec<(TeamRole, String)>,
    /// Core areas of the transition plan after the sentence with no measure yet (stopped measures do not count).
    pub release_missing: Vec<ReleaseArea>,
    /// The sentence ends soon and core areas are missing: prepare the transition.
    pub release_due: bool,
    /// Non-compliance reports: shown only to the youth coordinator's service (they are routed there).
    pub reports: Vec<(String, String, DateTime<Utc>)>,
}

/// The sentence of a case, if any. Non-compliance reports are filtered by the policy here (they belong to
/// the youth coordinator's service), each read recorded in `entries`. `plan` is the case's current plan, as
/// (status, release area) of each item, for the transition plan after the sentence.
pub(crate) async fn load_sentence(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
    plan: &[(PlanStatus, Option<ReleaseArea>)],
    transition_notice_days: i64,
) -> Result<Option<SentenceView>, StoreError> {
    let case_id = l.case.id.as_str();
    let Some(s) = sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(conn).await? else {
        return Ok(None);
    };
    let team = team_member::Entity::find()
        .filter(team_member::Column::SentenceId.eq(s.id.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| Ok((parse_enum(&m.role, TeamRole::parse, "team role")?, m.name)))
        .collect::<Result<_, StoreError>>()?;
    let reports = load_reports(conn, l, actor, now, entries, &s).await?;
    let release_missing = los_domain::coordination::release_areas_missing_in(plan.iter().copied());
    Ok(Some(SentenceView {
        release_due: los_domain::coordination::release_preparation_due(
            s.ends_on,
            now.date_naive(),
            transition_notice_days,
            &release_missing,
        ),
        release_missing,
        kind: parse_enum(&s.kind, SentenceType::parse, "sentence type")?,
        id: s.id,
        starts_on: s.starts_on,
        ends_on: s.ends_on,
        youth_coordinator_service: s.youth_coordinator_service,
        team,
        reports,
    }))
}

/// The non-compliance reports of a sentence, when the policy lets `actor` read the lead service's
/// information; each read recorded in `entries`.
async fn load_reports(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
    s: &sentence::Model,
) -> Result<Vec<(String, String, DateTime<Utc>)>, StoreError> {
    let d = authorize(
        actor,
        Action::Read,
        &Resource::CaseInfo {
            case: l.facts(),
            owner_service: &s.youth_coordinator_service,
            category: InfoCategory::General,
        },
        now,
    );
    let Decision::Allow(b) = &d else { return Ok(vec![]) };
    let rows = compliance_report::Entity::find()
        .filter(compliance_report::Column::SentenceId.eq(s.id.as_str()))
        .order_by_desc(compliance_report::Column::ReportedAt)
        .all(conn)
        .await?;
    for r in &rows {
        let mut e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "read".into(),
            resource_type: "compliance_report".into(),
            resource_id: Some(r.id.clone()),
            case_id: Some(l.case.id.clone()),
            category: Some("general".into()),
            outcome: Some(Outcome::Allow),
            basis: b.detail.clone(),
            ..Default::default()
        };
        e.actor_service_id = b.via_service.clone();
        entries.push(e);
    }
    Ok(rows.into_iter().map(|r| (r.description, r.reported_by, r.reported_at)).collect())
}

impl Store {
    /// Starts a youth sentence: the youth coordinator's service records it; mandatory team members must be
    /// named; parents are added automatically under 18.
    pub async fn start_sentence(
        &self,
        actor: &User,
        case_id: &str,
        kind: SentenceType,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        team: Vec<(TeamRole, Option<String>, String)>,
    ) -> Result<String, StoreError> {
        if ends_on <= starts_on {
            return Err(StoreError::Invalid {
                field: None,
                code: "sentence.period",
                message: "the sentence must end after it starts".into(),
            });
        }
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("straff");
        let (basis, txn) = self
            .decide(txn, d, entry(actor, "sentence_start", "sentence", &id, case_id), Some(InfoCategory::Overview))
            .await?;
        let uk = Self::acting_service(&basis)?;
        let lead_type = service::Entity::find_by_id(uk.clone()).one(&txn).await?.map(|s| s.service_type);
        if !lead_type.as_deref().is_some_and(|t| kind.lead_service_types().contains(&t)) {
            return Err(kind.not_lead_error().into());
        }
        let mut members = team;
        members.push((kind.lead_role(), Some(uk.clone()), actor.display_name.clone()));
        let age = l.child.age_on(starts_on);
        if age < 18 {
            for g in l.guardianships.iter().filter(|g| g.relation == Relation::Parent && g.parental_responsibility) {
                let p = load_person(&txn, &g.adult_person_id).await?;
                members.push((TeamRole::Parent, None, p.full_name()));
            }
        }
        let roles: Vec<TeamRole> = members.iter().map(|m| m.0).collect();
        validate_sentence(kind, age, &roles)?;
        if sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(&txn).await?.is_some() {
            return Err(StoreError::Invalid {
                field: None,
                code: "sentence.exists",
                message: "a sentence is already recorded in this case".into(),
            });
        }
        sentence::Entity::insert(sentence::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            kind: Set(kind.as_str().into()),
            starts_on: Set(starts_on),
            ends_on: Set(ends_on),
            youth_coordinator_service: Set(uk),
            recorded_by: Set(actor.id.clone()),
        })
        .exec_without_returning(&txn)
        .await?;
        for (role, service, name) in members {
            team_member::Entity::insert(team_member::ActiveModel {
                id: Set(new_id("team")),
                case_id: Set(case_id.into()),
                sentence_id: Set(id.clone()),
                role: Set(role.as_str().into()),
                service_id: Set(service),
                person_id: Set(None),
                name: Set(name),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(id)
    }

    /// A team member reports that the youth did not follow a measure; the report goes to the youth
    /// coordinator's service.
    pub async fn report_non_compliance(
        &self,
        actor: &User,
        case_id: &str,
        description: &str,
    ) -> Result<(), StoreError> {
        required(description, "description", "sentence.report", "describe what was not followed")?;
        let (txn, l, now) = self.tx_case(case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let id = new_id("avvik");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "non_compliance", "compliance_report", &id, case_id),
                Some(InfoCategory::General),
            )
            .await?;
        let s = sentence::Entity::find().filter(sentence::Column::CaseId.eq(case_id)).one(&txn).await?.ok_or_else(
            || StoreError::Invalid {
                field: None,
                code: "sentence.none",
                message: "no sentence is recorded in this case".into(),
            },
        )?;
        compliance_report::Entity::insert(compliance_report::ActiveModel {
            id: Set(id),
            case_id: Set(case_id.into()),
            sentence_id: Set(s.id),
            measure_id: Set(None),
            description: Set(description.trim().into()),
            reported_by: Set(actor.id.clone()),
            reporter_service: Set(basis.via_service),
            reported_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
