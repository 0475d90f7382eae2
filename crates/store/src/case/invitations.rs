//! E-mail invitations to a meeting (issue 13: the responsibility group is invited by e-mail with a calendar
//! attachment). The store decides who is invited and keeps a row per invitation; the web layer composes and
//! sends the message (`los_web::mail`) after the transaction and reports back whether the mail server took
//! it. Invitees are the responsibility group's employee members who sit for a service invited to the
//! meeting; the child and parents follow the meeting in Los.

use chrono::{DateTime, NaiveDateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::User;
use los_domain::planning::MeetingKind;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::case::individual_plan::{group, open_plan};
use crate::case::meetings::{local_now, meeting_to_change};
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::{entry, new_id, parse_enum, split_list as split};

/// One invitation: to whom, and what came of it (queued | sent | failed | no_address).
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// Where it goes; never shown in logs.
    #[serde(skip)]
    pub email: Option<String>,
    pub outcome: String,
}

/// What an invitation says about the meeting: the kind, the time and the case number — nothing about the
/// child, the family or the agenda, which the invitee reads in Los.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingForMail {
    pub meeting_id: String,
    pub case_id: String,
    pub kind: MeetingKind,
    /// Norwegian local time.
    pub starts_at: NaiveDateTime,
    pub duration_minutes: u32,
}

/// The invitations made for one meeting.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationBatch {
    pub meeting: MeetingForMail,
    pub invitations: Vec<Invitation>,
}

/// An invitation as the meeting shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationLine {
    pub user_id: String,
    pub outcome: String,
    pub sent_at: DateTime<Utc>,
}

fn invalid(code: &'static str, message: &str) -> StoreError {
    StoreError::Invalid { field: None, code, message: message.into() }
}

impl Store {
    /// Decides who is invited to a meeting by e-mail and records one invitation each (queued, or
    /// no_address for a member without an e-mail address). The arranging service invites; the meeting must
    /// lie ahead and not be cancelled.
    pub async fn prepare_meeting_invitations(
        &self,
        actor: &User,
        case_id: &str,
        meeting_id: &str,
    ) -> Result<InvitationBatch, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let (m, d) = meeting_to_change(&txn, &l, actor, meeting_id, now).await?;
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_invite", "meeting", meeting_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        los_domain::planning::validate_invitation(m.starts_at, local_now(), m.cancelled_at.is_some())?;
        let invited = split(&m.invited);
        let members = match open_plan(&txn, &l.child.id).await? {
            Some(p) => group::members(&txn, &p.id).await?,
            None => vec![],
        };
        let user_ids: Vec<String> = members
            .iter()
            .filter(|x| x.service_id.as_ref().is_some_and(|s| invited.contains(s)))
            .filter_map(|x| x.user_id.clone())
            .collect();
        if user_ids.is_empty() {
            return Err(invalid(
                "meeting.no_one_to_invite",
                "no member of the responsibility group sits for a service invited to this meeting",
            ));
        }
        let users = user::Entity::find().filter(user::Column::Id.is_in(user_ids.clone())).all(&txn).await?;
        let mut invitations = Vec::new();
        for uid in user_ids {
            let Some(u) = users.iter().find(|u| u.id == uid) else { continue };
            if invitations.iter().any(|i: &Invitation| i.user_id == u.id) {
                continue;
            }
            let email = u.email.clone().filter(|_| u.active);
            let outcome = if email.is_some() { "queued" } else { "no_address" };
            let id = new_id("invitasjon");
            meeting_invitation::Entity::insert(meeting_invitation::ActiveModel {
                id: Set(id.clone()),
                case_id: Set(case_id.into()),
                meeting_id: Set(m.id.clone()),
                user_id: Set(u.id.clone()),
                sent_by: Set(actor.id.clone()),
                sent_at: Set(now),
                outcome: Set(outcome.into()),
            })
            .exec_without_returning(&txn)
            .await?;
            invitations.push(Invitation {
                id,
                user_id: u.id.clone(),
                name: u.display_name.clone(),
                email,
                outcome: outcome.into(),
            });
        }
        txn.commit().await?;
        Ok(InvitationBatch {
            meeting: MeetingForMail {
                meeting_id: m.id,
                case_id: case_id.into(),
                kind: parse_enum(&m.kind, MeetingKind::parse, "meeting kind")?,
                starts_at: m.starts_at,
                duration_minutes: u32::try_from(m.duration_minutes).unwrap_or_default(),
            },
            invitations,
        })
    }

    /// Records whether the mail server took a queued invitation: `sent` or `failed`. Bookkeeping of the
    /// delivery, like a reminder's: it reads and shows no personal data, so it is not a policy decision.
    pub async fn record_invitation_outcome(&self, invitation_id: &str, sent: bool) -> Result<(), StoreError> {
        let Some(row) = meeting_invitation::Entity::find_by_id(invitation_id.to_owned()).one(&self.db).await? else {
            return Err(StoreError::NotFound { kind: "invitation", id: invitation_id.into() });
        };
        let mut am: meeting_invitation::ActiveModel = row.into();
        am.outcome = Set(if sent { "sent" } else { "failed" }.into());
        meeting_invitation::Entity::update(am).exec(&self.db).await?;
        Ok(())
    }
}
