//! Access beyond the ordinary: break-the-glass in an emergency, the protected address, the young person's
//! health privacy from the parents (pbrl § 3-4), leaders' internal-control report (the family's access log is in
//! `access_log`),
//! and anonymising a case summary for an anonymous consultation (spec 02 §3.5).

use chrono::{DateTime, Utc};
use los_domain::anonymise::{AnonymisationSettings, Anonymised, KnownIdentifiers, anonymise};
use los_domain::consent::InfoCategory;
use los_domain::model::User;
use los_policy::{Action, BreakGlassGrant, Decision, DenyReason, Resource, authorize};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, load_person, new_id, with_decision};

/// A leader's internal-control report on access.
#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    pub since: DateTime<Utc>,
    pub reads_allowed: usize,
    pub denials: usize,
    pub break_glass: Vec<BreakGlassLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakGlassLine {
    pub id: String,
    pub case_id: String,
    pub user_id: String,
    pub user_name: String,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
}

impl Store {
    /// The child's address as `actor` may see it: shown unless protected; a protected address only to the
    /// services that must know it, the read recorded in `entries`. The second value says why it is hidden.
    pub(crate) fn read_address(
        &self,
        l: &Loaded,
        actor: &User,
        now: DateTime<Utc>,
        services: &[service::Model],
        entries: &mut Vec<NewEntry>,
    ) -> (Option<String>, Option<DenyReason>) {
        match &l.child.address {
            None => (None, None),
            Some(a) if !l.child.protected_address => (Some(a.clone()), None),
            Some(a) => {
                let must = self.must_know_services(services);
                let d = authorize(
                    actor,
                    Action::Read,
                    &Resource::ProtectedAddress {
                        case: l.facts(),
                        person_id: &l.child.id,
                        must_know: &must,
                        household: &l.household,
                    },
                    now,
                );
                match &d {
                    Decision::Allow(_) => {
                        entries.push(with_decision(
                            entry(actor, "read", "protected_address", &l.child.id, &l.case.id),
                            &d,
                            None,
                        ));
                        (Some(a.clone()), None)
                    }
                    Decision::Deny(r) => (None, Some(r.clone())),
                }
            }
        }
    }

    fn must_know_services(&self, services: &[service::Model]) -> Vec<String> {
        services
            .iter()
            .filter(|s| self.settings.address_must_know_types.contains(&s.service_type))
            .map(|s| s.id.clone())
            .collect()
    }

    /// Opens a case in an emergency: a time-limited grant with a reason, flagged to leaders and visible to
    /// the family in their access log.
    pub async fn break_glass(&self, actor: &User, case_id: &str, reason: &str) -> Result<BreakGlassGrant, StoreError> {
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(StoreError::Invalid {
                field: None,
                code: "break_glass.reason",
                message: "give a reason of at least 10 characters".into(),
            });
        }
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(actor, Action::BreakGlass, &Resource::Case(l.facts()), now);
        let id = new_id("nodtilgang");
        let (_, txn) = self
            .decide(
                txn,
                d,
                NewEntry { ..entry(actor, "break_glass", "case", case_id, case_id) },
                Some(InfoCategory::Overview),
            )
            .await?;
        let grant = BreakGlassGrant {
            id: id.clone(),
            case_id: case_id.to_owned(),
            user_id: actor.id.clone(),
            reason: reason.to_owned(),
            granted_at: now,
            expires_at: now + chrono::Duration::hours(self.settings.break_glass_hours),
        };
        break_glass::Entity::insert(break_glass::ActiveModel {
            id: Set(id),
            case_id: Set(grant.case_id.clone()),
            user_id: Set(grant.user_id.clone()),
            reason: Set(grant.reason.clone()),
            granted_at: Set(grant.granted_at),
            expires_at: Set(grant.expires_at),
            reviewed_at: Set(None),
            reviewed_by: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        tracing::warn!(user.id = %actor.id, case.id = %case_id, "break-the-glass access granted");
        Ok(grant)
    }

    /// Records that a health service accepted (or no longer accepts) the young person's reasons for keeping
    /// health information from the parents (pbrl § 3-4). Only a health service in the case may do it.
    pub async fn set_health_privacy(
        &self,
        actor: &User,
        case_id: &str,
        service_id: &str,
        private: bool,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let svc = service::Entity::find_by_id(service_id.to_owned()).one(&txn).await?;
        let st = match svc {
            Some(s) => service_type::Entity::find_by_id(s.service_type).one(&txn).await?,
            None => None,
        };
        let health_service = st.is_some_and(|t| t.sector == los_domain::model::Sector::Health.as_str());
        let d = authorize(
            actor,
            Action::Write,
            &Resource::HealthPrivacy { case: l.facts(), service_id, health_service },
            now,
        );
        let (_, txn) = self
            .decide(txn, d, entry(actor, "health_privacy", "case", case_id, case_id), Some(InfoCategory::Health))
            .await?;
        let row = case::Entity::find_by_id(case_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "case", id: case_id.into() })?;
        let mut am: case::ActiveModel = row.into();
        am.health_private_from_parents = Set(private);
        case::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Leaders' internal-control report: counts and every break-the-glass access since `since`.
    pub async fn access_report(&self, actor: &User, since: DateTime<Utc>) -> Result<AccessReport, StoreError> {
        let now = Utc::now();
        let txn = self.begin_read().await?;
        let d = authorize(actor, Action::Read, &Resource::AuditReport, now);
        let e = NewEntry {
            actor_user_id: Some(actor.id.clone()),
            action: "report".into(),
            resource_type: "access_report".into(),
            ..Default::default()
        };
        let mut read = Vec::new();
        let (_, txn) = self.decide_read(txn, d, e, None, &mut read).await?;
        // Internal control is the leader's own organisation's: its employees' accesses and emergency access.
        let staff = || {
            sea_orm::sea_query::Query::select()
                .column(membership::Column::UserId)
                .from(membership::Entity)
                .and_where(
                    membership::Column::OrganisationId
                        .is_in(los_policy::leader_organisations(actor).into_iter().map(str::to_owned)),
                )
                .to_owned()
        };
        let entries = audit_entry::Entity::find()
            .filter(audit_entry::Column::At.gte(since))
            .filter(audit_entry::Column::ActorUserId.in_subquery(staff()))
            .all(&txn)
            .await?;
        let reads_allowed =
            entries.iter().filter(|e| e.outcome == "allow" && (e.action == "read" || e.action == "list")).count();
        let denials = entries.iter().filter(|e| e.outcome == "deny").count();
        let users = user::Entity::find().all(&txn).await?;
        let grants = break_glass::Entity::find()
            .filter(break_glass::Column::GrantedAt.gte(since))
            .filter(break_glass::Column::UserId.in_subquery(staff()))
            .order_by_desc(break_glass::Column::GrantedAt)
            .all(&txn)
            .await?;
        txn.commit().await?;
        self.record_reads(read).await?;
        Ok(AccessReport {
            since,
            reads_allowed,
            denials,
            break_glass: grants
                .into_iter()
                .map(|g| BreakGlassLine {
                    user_name: users
                        .iter()
                        .find(|u| u.id == g.user_id)
                        .map_or_else(|| g.user_id.clone(), |u| u.display_name.clone()),
                    id: g.id,
                    case_id: g.case_id,
                    user_id: g.user_id,
                    reason: g.reason,
                    granted_at: g.granted_at,
                    expires_at: g.expires_at,
                    reviewed_by: g.reviewed_by,
                })
                .collect(),
        })
    }

    /// A leader marks a break-the-glass access as reviewed.
    pub async fn review_break_glass(&self, actor: &User, grant_id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let row = break_glass::Entity::find_by_id(grant_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "break-the-glass access", id: grant_id.into() })?;
        let employee_organisations: Vec<String> = membership::Entity::find()
            .filter(membership::Column::UserId.eq(row.user_id.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| m.organisation_id)
            .collect();
        let d = authorize(
            actor,
            Action::Read,
            &Resource::AccessReview { employee_organisations: &employee_organisations },
            now,
        );
        let case_id = row.case_id.clone();
        let (_, txn) =
            self.decide(txn, d, entry(actor, "break_glass_review", "break_glass", grant_id, &case_id), None).await?;
        let mut am: break_glass::ActiveModel = row.into();
        am.reviewed_at = Set(Some(now));
        am.reviewed_by = Set(Some(actor.id.clone()));
        break_glass::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Anonymises a case summary for an anonymous consultation with another service (spec 02 §3.5).
    pub async fn anonymise_summary(&self, actor: &User, case_id: &str, text: &str) -> Result<Anonymised, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let (_, txn) = self.decide(txn, d, entry(actor, "anonymise", "case", case_id, case_id), None).await?;
        let mut people = vec![l.child.clone()];
        for g in &l.guardianships {
            people.push(load_person(&txn, &g.adult_person_id).await?);
        }
        let municipality = municipality::Entity::find()
            .filter(municipality::Column::Kommunenummer.eq(l.child.registered_kommune.as_str()))
            .one(&txn)
            .await?;
        txn.commit().await?;
        let mut ids = KnownIdentifiers::default();
        for p in &people {
            ids.names.extend([p.full_name(), p.given_name.clone(), p.family_name.clone()]);
            ids.birth_dates.push(p.birth_date);
            ids.addresses.extend(p.address.clone());
        }
        if let Some(m) = municipality {
            ids.places.push(m.name.split(" (").next().unwrap_or(&m.name).to_owned());
        }
        let settings = AnonymisationSettings {
            small_municipality: self
                .settings
                .small_municipalities
                .iter()
                .any(|k| k == l.child.registered_kommune.as_str()),
            rare_terms: self.settings.rare_terms.clone(),
        };
        Ok(anonymise(text, &ids, &settings))
    }
}
