//! `los init --municipality 4601 --admin <subject or e-mail>`: a municipality's organisation from the
//! reference data and its first administrator. Idempotent: what exists is left as it is, and a run that
//! finds everything in place changes nothing and writes no audit entry.

use chrono::Utc;
use los_domain::admin::{EmployeeDetails, StaffIdentity};
use los_domain::ident::Kommunenummer;
use los_domain::model::{OrganisationKind, Role, UserKind, in_force};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::employees::{add_membership, new_employee_id, save_employee, set_user_active};
use crate::audit::{self, NewEntry};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;

/// What `los init` found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub organisation_id: String,
    pub organisation_name: String,
    pub organisation_created: bool,
    pub admin_user_id: String,
    pub admin_created: bool,
    /// The administrator existed but was deactivated, and is active again.
    pub admin_reactivated: bool,
    pub membership_created: bool,
}

impl InitReport {
    /// Did the run change anything?
    pub fn changed(&self) -> bool {
        self.organisation_created || self.admin_created || self.admin_reactivated || self.membership_created
    }
}

impl Store {
    /// Sets up the municipality `knr` (in force today in the reference data) and makes the staff member
    /// known by `admin` its administrator: the municipality's organisation, the employee (created with the
    /// e-mail address or subject as name when unknown, reactivated when deactivated) and an administrator
    /// membership. One transaction and one audit entry (by the command line, no acting user).
    pub async fn init_municipality(
        &self,
        knr: &Kommunenummer,
        admin: &StaffIdentity,
    ) -> Result<InitReport, StoreError> {
        let now = Utc::now();
        let txn = self.begin_audited().await?;
        let muni = municipality::Entity::find()
            .filter(municipality::Column::Kommunenummer.eq(knr.as_str()))
            .all(&txn)
            .await?
            .into_iter()
            .find(|m| in_force(m.valid_from, m.valid_to, now.date_naive()))
            .ok_or_else(|| StoreError::Invalid {
                code: "init.unknown_municipality",
                field: Some("municipality"),
                message: format!("no municipality {knr} is in force in the reference data"),
            })?;
        let existing = organisation::Entity::find()
            .filter(organisation::Column::Kommunenummer.eq(knr.as_str()))
            .filter(organisation::Column::Kind.eq(OrganisationKind::Municipality.as_str()))
            .one(&txn)
            .await?;
        let (org, organisation_created) = match existing {
            Some(o) => (o, false),
            None => {
                let mut id = format!("kommune-{knr}");
                if organisation::Entity::find_by_id(id.clone()).one(&txn).await?.is_some() {
                    id = crate::tx::new_id("kommune");
                }
                let row = organisation::Model {
                    id,
                    kind: OrganisationKind::Municipality.as_str().into(),
                    name: format!("{} kommune", muni.name),
                    orgnr: None,
                    kommunenummer: Some(knr.as_str().to_owned()),
                };
                organisation::Entity::insert(organisation::ActiveModel {
                    id: Set(row.id.clone()),
                    kind: Set(row.kind.clone()),
                    name: Set(row.name.clone()),
                    orgnr: Set(None),
                    kommunenummer: Set(row.kommunenummer.clone()),
                })
                .exec_without_returning(&txn)
                .await?;
                (row, true)
            }
        };
        let found = match admin {
            StaffIdentity::Subject(s) => {
                user::Entity::find().filter(user::Column::ExternalSubject.eq(s.as_str())).all(&txn).await?
            }
            StaffIdentity::Email(e) => {
                let lower = Expr::expr(Func::lower(Expr::col(user::Column::Email))).eq(e.to_lowercase());
                user::Entity::find().filter(lower).all(&txn).await?
            }
        };
        let found: Vec<user::Model> = found.into_iter().filter(|u| u.kind != UserKind::Citizen.as_str()).collect();
        let (admin_user_id, admin_created, admin_reactivated) = match found.as_slice() {
            [one] => {
                let reactivated = set_user_active(&txn, &one.id, true, now).await?.is_some();
                (one.id.clone(), false, reactivated)
            }
            [] => {
                let (email, external_subject, name) = match admin {
                    StaffIdentity::Email(e) => (Some(e.clone()), None, e.clone()),
                    StaffIdentity::Subject(s) => (None, Some(s.clone()), s.clone()),
                };
                let id = new_employee_id();
                save_employee(&txn, &id, &EmployeeDetails { display_name: name, email, external_subject }).await?;
                (id, true, false)
            }
            _ => {
                return Err(StoreError::Invalid {
                    code: "init.admin_ambiguous",
                    field: Some("admin"),
                    message: "more than one employee has this e-mail address; give their subject instead".into(),
                });
            }
        };
        let (_, membership_created) = add_membership(&txn, &admin_user_id, &org.id, None, Role::Administrator).await?;
        let report = InitReport {
            organisation_id: org.id.clone(),
            organisation_name: org.name.clone(),
            organisation_created,
            admin_user_id: admin_user_id.clone(),
            admin_created,
            admin_reactivated,
            membership_created,
        };
        if !report.changed() {
            txn.rollback().await?;
            return Ok(report);
        }
        let mut done = Vec::new();
        if organisation_created {
            done.push(format!("organisation {} created", org.id));
        }
        if admin_created {
            done.push(format!("employee {admin_user_id} created"));
        }
        if admin_reactivated {
            done.push(format!("employee {admin_user_id} reactivated"));
        }
        if membership_created {
            done.push(format!("employee {admin_user_id} made administrator of {}", org.id));
        }
        audit::append(
            &txn,
            self.key(),
            vec![NewEntry {
                action: "init".into(),
                resource_type: "municipality".into(),
                resource_id: Some(knr.as_str().to_owned()),
                basis: format!("los init (command line): {}", done.join("; ")),
                ..Default::default()
            }],
        )
        .await?;
        txn.commit().await?;
        Ok(report)
    }
}
