//! The family's own say over access: a parent with parental responsibility, or the young person from 15,
//! gives a relative access to the shared overview of the case, and takes it back.

use chrono::Utc;
use los_domain::consent::InfoCategory;
use los_domain::ident::Fodselsnummer;
use los_domain::model::{Relation, User};
use los_policy::{Basis, Decision, DenyReason};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::audit::{self, NewEntry, Outcome};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{Loaded, entry, load_person};

/// Adults linked to the child: (person id, name, parental responsibility, relation, access granted).
pub(crate) async fn load_family(
    conn: &impl ConnectionTrait,
    l: &Loaded,
) -> Result<Vec<(String, String, bool, Relation, bool)>, StoreError> {
    let mut family = Vec::new();
    for g in &l.guardianships {
        let p = load_person(conn, &g.adult_person_id).await?;
        family.push((p.id.clone(), p.full_name(), g.parental_responsibility, g.relation, g.access_granted));
    }
    Ok(family)
}

impl Store {
    /// A parent with parental responsibility (or the young person from 15) gives a relative, identified by
    /// fødselsnummer, access to the shared overview of the case. The relative must be known to Los.
    pub async fn invite_relative(
        &self,
        actor: &User,
        case_id: &str,
        fnr: &Fodselsnummer,
    ) -> Result<String, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let me = actor.person_id.as_deref().unwrap_or_default();
        let d = if actor.kind != los_domain::model::UserKind::Citizen {
            Decision::Deny(DenyReason { code: "family_only", detail: "only the family invites relatives".into() })
        } else if los_domain::model::may_grant_family_access(me, &l.child.id, l.child_age, &l.guardianships) {
            Decision::Allow(Basis {
                code: "family_invites",
                detail: format!("{} gives a relative access to the overview of case {case_id}", actor.id),
                via_service: None,
                role: None,
            })
        } else {
            Decision::Deny(DenyReason {
                code: "family_only",
                detail: "only a parent with parental responsibility, or the young person from 15, invites relatives"
                    .into(),
            })
        };
        let (_, txn) = self
            .decide(txn, d, entry(actor, "invite_relative", "case", case_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let Some(relative) = person::Entity::find().filter(person::Column::Fnr.eq(fnr.as_str())).one(&txn).await?
        else {
            return Err(StoreError::Invalid {
                field: None,
                code: "relative.unknown",
                message: "no person with that fødselsnummer is known to Los".into(),
            });
        };
        if relative.id == l.child.id || relative.id == me {
            return Err(StoreError::Invalid {
                field: None,
                code: "relative.self",
                message: "invite someone other than yourself or the child".into(),
            });
        }
        match guardianship::Entity::find_by_id((relative.id.clone(), l.child.id.clone())).one(&txn).await? {
            Some(g) => {
                let mut am: guardianship::ActiveModel = g.into();
                am.access_granted = Set(true);
                guardianship::Entity::update(am).exec(&txn).await?;
            }
            None => {
                guardianship::Entity::insert(guardianship::ActiveModel {
                    adult_person_id: Set(relative.id.clone()),
                    child_person_id: Set(l.child.id.clone()),
                    parental_responsibility: Set(false),
                    relation: Set(Relation::InvitedRelative.as_str().into()),
                    access_granted: Set(true),
                })
                .exec_without_returning(&txn)
                .await?;
            }
        }
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                outcome: Some(Outcome::Allow),
                basis: format!("person {} may see the overview of case {case_id}", relative.id),
                ..entry(actor, "grant_access", "person", &relative.id, case_id)
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(relative.id)
    }

    /// The family takes back a relative's access.
    pub async fn revoke_relative(&self, actor: &User, case_id: &str, person_id: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let l = self.load_case(&txn, case_id, now).await?;
        let me = actor.person_id.as_deref().unwrap_or_default();
        let allowed = actor.kind == los_domain::model::UserKind::Citizen
            && los_domain::model::may_grant_family_access(me, &l.child.id, l.child_age, &l.guardianships);
        let d = if allowed {
            Decision::Allow(Basis {
                code: "family_revokes",
                detail: format!("{} takes back access for {person_id}", actor.id),
                via_service: None,
                role: None,
            })
        } else {
            Decision::Deny(DenyReason {
                code: "family_only",
                detail: "only the family takes back access it gave".into(),
            })
        };
        let (_, txn) = self
            .decide(txn, d, entry(actor, "revoke_access", "person", person_id, case_id), Some(InfoCategory::Overview))
            .await?;
        let Some(g) = guardianship::Entity::find_by_id((person_id.to_owned(), l.child.id.clone())).one(&txn).await?
        else {
            return Err(StoreError::NotFound { kind: "relative", id: person_id.to_owned() });
        };
        let mut am: guardianship::ActiveModel = g.into();
        am.access_granted = Set(false);
        guardianship::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
