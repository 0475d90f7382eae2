//! E-mail reminders of the worklist (spec 01 §4.3: continuous evaluation on a cadence, with reminders).
//!
//! Once a day, each employee with an e-mail address and open tasks gets one digest. It is computed as that
//! employee, through the same access policy as the worklist page (each case read audited with the action
//! `reminder`), and it carries counts by kind only: no names, case titles or other personal data travel by
//! e-mail. A row per person and day makes a second run the same day send nothing.

use chrono::{NaiveDate, Utc};
use los_domain::model::UserKind;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::new_id;

/// One employee's reminder for a day. `Debug` prints the user id and the counts, never the name or address.
#[derive(Clone, PartialEq, Eq)]
pub struct Digest {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    /// Task kinds (`evaluate`, `follow_up`, …) with how many of each, most first.
    pub counts: Vec<(&'static str, usize)>,
    /// How many follow-ups are overdue.
    pub overdue: usize,
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digest")
            .field("user_id", &self.user_id)
            .field("counts", &self.counts)
            .field("overdue", &self.overdue)
            .finish_non_exhaustive()
    }
}

impl Digest {
    pub fn total(&self) -> usize {
        self.counts.iter().map(|c| c.1).sum()
    }
}

/// Checks an e-mail address well enough to refuse typing mistakes: the domain's one rule, also used when an
/// administrator records an employee's address.
pub use los_domain::admin::valid_email;

impl Store {
    /// The reminders due on `day`: employees with an e-mail address, not yet reminded that day, with at least
    /// one task.
    pub async fn due_reminders(&self, day: NaiveDate) -> Result<Vec<Digest>, StoreError> {
        let users = user::Entity::find()
            .filter(user::Column::Kind.eq(UserKind::Employee.as_str()))
            .filter(user::Column::Email.is_not_null())
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Id)
            .all(&self.db)
            .await?;
        let sent: Vec<String> = reminder_sent::Entity::find()
            .filter(reminder_sent::Column::Day.eq(day))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.user_id)
            .collect();
        let mut out = Vec::new();
        for u in users.into_iter().filter(|u| !sent.contains(&u.id)) {
            let Some(email) = u.email.clone().filter(|e| valid_email(e)) else { continue };
            let actor = self.user(&u.id).await?;
            let tasks = self.worklist(&actor, "reminder").await?;
            if tasks.is_empty() {
                continue;
            }
            let mut counts: Vec<(&'static str, usize)> = Vec::new();
            for t in &tasks {
                match counts.iter_mut().find(|c| c.0 == t.kind) {
                    Some(c) => c.1 += 1,
                    None => counts.push((t.kind, 1)),
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let overdue = tasks.iter().filter(|t| t.kind == "follow_up" && t.age_days > 0).count();
            out.push(Digest { user_id: u.id, display_name: u.display_name, email, counts, overdue });
        }
        Ok(out)
    }

    /// Records that `user_id` was reminded on `day`. A second record for the same day is refused by the
    /// unique index, so two runs at once cannot both count.
    pub async fn mark_reminded(&self, user_id: &str, day: NaiveDate, task_count: usize) -> Result<(), StoreError> {
        reminder_sent::Entity::insert(reminder_sent::ActiveModel {
            id: Set(new_id("paminnelse")),
            user_id: Set(user_id.into()),
            day: Set(day),
            task_count: Set(task_count as i32),
            sent_at: Set(Utc::now()),
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    /// Sets or clears an employee's e-mail address for reminders (an administrator's task, from the command
    /// line).
    pub async fn set_user_email(&self, user_id: &str, email: Option<&str>) -> Result<(), StoreError> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email
            && !valid_email(e)
        {
            return Err(StoreError::Invalid {
                field: None,
                code: "user.email",
                message: format!("'{e}' is not an e-mail address"),
            });
        }
        let row = user::Entity::find_by_id(user_id.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound { kind: "user", id: user_id.to_owned() })?;
        let mut am: user::ActiveModel = row.into();
        am.email = Set(email.map(str::to_owned));
        user::Entity::update(am).exec(&self.db).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn email_addresses() {
        for ok in ["berit@mellomvik.kommune.no", "a.b+c@demo.los.invalid"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["", "berit", "@mellomvik.no", "berit@", "berit@localhost", "berit @x.no", "a@b@c.no", "a@.no"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
