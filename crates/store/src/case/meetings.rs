//! The meetings of a case (spec 01 §8.G items 26–27): one or a series, with the child's say over who
//! attends; the preparation checklist; the minutes, the arranging service's information, read through the
//! policy; and the follow-ups agreed at a meeting, each owned by one service until it marks it done.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::User;
use los_domain::planning::{
    ActionRequest, ChildParticipation, MeetingFacts, MeetingKind, MeetingRequest, PlanningError, action_overdue,
    checklist, series_starts, validate_action, validate_meeting, validate_meeting_ahead, validate_minutes,
};
use los_policy::{Action, Decision, Resource, authorize};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::audit::NewEntry;
use crate::entities::*;
use crate::error::StoreError;
use crate::store::Store;
use crate::tx::shared::{may_read_owned, plan_write};
use crate::tx::{Loaded, entry, new_id, parse_enum, split_list as split};

/// Meeting times are entered and shown in Norwegian local time.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Oslo;

/// Now, on the wall clock in Norway.
pub fn local_now() -> NaiveDateTime {
    Utc::now().with_timezone(&TIME_ZONE).naive_local()
}

/// The minutes of a meeting (the newest version; earlier versions are kept).
#[derive(Debug, Clone, Serialize)]
pub struct MinutesView {
    pub attended: Vec<String>,
    pub minutes: String,
    pub follow_ups: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// How many earlier versions there are.
    pub earlier_versions: usize,
}

/// One thing to have ready before a meeting; the arranging service ticks it off.
#[derive(Debug, Clone, Serialize)]
pub struct PreparationView {
    pub id: String,
    pub text: String,
    pub done_at: Option<DateTime<Utc>>,
}

/// A follow-up agreed at a meeting: who does what by when, open until the owning service marks it done.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub id: String,
    pub meeting_id: String,
    pub description: String,
    pub owner_service: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: Option<String>,
    /// Open and past its due day.
    pub overdue: bool,
}

/// A meeting in the case. Time, agenda, who is invited, the preparation checklist and the follow-ups
/// (who does what by when) belong to the case overview, like the plan's measures, so the family sees them
/// too; the minutes are the arranging service's information and are shown only where the policy allows.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub id: String,
    pub series_id: Option<String>,
    pub kind: MeetingKind,
    /// Norwegian local time.
    pub starts_at: NaiveDateTime,
    pub duration_minutes: u32,
    pub place: String,
    pub agenda: String,
    pub invited: Vec<String>,
    /// Services the child does not want at the meeting; they contribute outside it.
    pub excluded_by_child: Vec<String>,
    pub child_participation: ChildParticipation,
    pub arranged_by_service: String,
    /// Minutes exist (whether or not this reader may see them).
    pub has_minutes: bool,
    /// When and why the meeting was cancelled (the meeting is kept).
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub minutes: Option<MinutesView>,
    pub preparation: Vec<PreparationView>,
    pub actions: Vec<ActionView>,
    /// The e-mail invitations sent for it, newest first.
    pub invitations: Vec<crate::case::invitations::InvitationLine>,
}

/// Meetings to set up: one, or a series `every_weeks` apart.
#[derive(Debug, Clone)]
pub struct NewMeetings {
    pub case_id: String,
    pub kind: MeetingKind,
    /// Norwegian local time of the first meeting.
    pub first: NaiveDateTime,
    pub every_weeks: u32,
    pub count: u32,
    pub duration_minutes: u32,
    pub place: String,
    pub agenda: String,
    pub invited: Vec<String>,
    pub excluded_by_child: Vec<String>,
    pub child_participation: ChildParticipation,
    /// What must be ready before the meeting, one item per entry (lines are split); each meeting of a
    /// series gets its own copy to tick off.
    pub preparation: Vec<String>,
}

/// A follow-up to add to a meeting.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub description: String,
    pub owner_service: String,
    pub due_on: NaiveDate,
}

/// The meetings of a case, oldest first, for a reader already allowed the case overview. Minutes are read
/// through the policy, one audit record per minutes shown.
pub(crate) async fn load_meetings(
    conn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    now: DateTime<Utc>,
    entries: &mut Vec<NewEntry>,
) -> Result<Vec<MeetingView>, StoreError> {
    let case_id = l.case.id.as_str();
    let all_minutes = meeting_minutes::Entity::find()
        .filter(meeting_minutes::Column::CaseId.eq(case_id))
        .order_by_desc(meeting_minutes::Column::RecordedAt)
        .all(conn)
        .await?;
    let preparation = meeting_preparation::Entity::find()
        .filter(meeting_preparation::Column::CaseId.eq(case_id))
        .order_by_asc(meeting_preparation::Column::Position)
        .all(conn)
        .await?;
    let actions = meeting_action::Entity::find()
        .filter(meeting_action::Column::CaseId.eq(case_id))
        .order_by_asc(meeting_action::Column::DueOn)
        .all(conn)
        .await?;
    let invitations = meeting_invitation::Entity::find()
        .filter(meeting_invitation::Column::CaseId.eq(case_id))
        .order_by_desc(meeting_invitation::Column::SentAt)
        .all(conn)
        .await?;
    let today = local_now().date();
    let mut meetings = Vec::new();
    for m in meeting::Entity::find()
        .filter(meeting::Column::CaseId.eq(case_id))
        .order_by_asc(meeting::Column::StartsAt)
        .all(conn)
        .await?
    {
        let versions: Vec<&meeting_minutes::Model> = all_minutes.iter().filter(|x| x.meeting_id == m.id).collect();
        let minutes = versions
            .first()
            .filter(|newest| {
                may_read_owned(
                    l,
                    actor,
                    now,
                    entries,
                    &m.arranged_by_service,
                    InfoCategory::General,
                    ("meeting_minutes", &newest.id),
                )
            })
            .map(|newest| MinutesView {
                attended: split(&newest.attended),
                minutes: newest.minutes.clone(),
                follow_ups: newest.follow_ups.clone(),
                recorded_by: newest.recorded_by.clone(),
                recorded_at: newest.recorded_at,
                earlier_versions: versions.len() - 1,
            });
        meetings.push(MeetingView {
            kind: parse_enum(&m.kind, MeetingKind::parse, "meeting kind")?,
            child_participation: parse_enum(&m.child_participation, ChildParticipation::parse, "child participation")?,
            invited: split(&m.invited),
            excluded_by_child: split(&m.excluded_by_child),
            duration_minutes: u32::try_from(m.duration_minutes).unwrap_or_default(),
            has_minutes: !versions.is_empty(),
            minutes,
            cancelled_at: m.cancelled_at,
            cancel_reason: m.cancel_reason,
            preparation: preparation
                .iter()
                .filter(|p| p.meeting_id == m.id)
                .map(|p| PreparationView { id: p.id.clone(), text: p.text.clone(), done_at: p.done_at })
                .collect(),
            actions: actions.iter().filter(|a| a.meeting_id == m.id).map(|a| action_view(a, today)).collect(),
            invitations: invitations
                .iter()
                .filter(|i| i.meeting_id == m.id)
                .map(|i| crate::case::invitations::InvitationLine {
                    user_id: i.user_id.clone(),
                    outcome: i.outcome.clone(),
                    sent_at: i.sent_at,
                })
                .collect(),
            id: m.id,
            series_id: m.series_id,
            starts_at: m.starts_at,
            place: m.place,
            agenda: m.agenda,
            arranged_by_service: m.arranged_by_service,
        });
    }
    Ok(meetings)
}

pub(crate) fn action_view(a: &meeting_action::Model, today: NaiveDate) -> ActionView {
    ActionView {
        id: a.id.clone(),
        meeting_id: a.meeting_id.clone(),
        description: a.description.clone(),
        owner_service: a.owner_service.clone(),
        due_on: a.due_on,
        done_at: a.done_at,
        done_note: a.done_note.clone(),
        overdue: action_overdue(a.due_on, a.done_at.is_some(), today),
    }
}

/// A meeting of the case, and whether `actor` may change it (write its minutes, cancel it): the meeting is
/// the arranging service's, so only that service may — the overview category would let every participant.
pub(crate) async fn meeting_to_change(
    txn: &impl ConnectionTrait,
    l: &Loaded,
    actor: &User,
    meeting_id: &str,
    now: DateTime<Utc>,
) -> Result<(meeting::Model, Decision), StoreError> {
    let m = meeting::Entity::find_by_id(meeting_id.to_owned())
        .one(txn)
        .await?
        .filter(|m| m.case_id == l.case.id)
        .ok_or_else(|| StoreError::NotFound { kind: "meeting", id: meeting_id.into() })?;
    let d = authorize(
        actor,
        Action::Write,
        &Resource::CaseInfo { case: l.facts(), owner_service: &m.arranged_by_service, category: InfoCategory::General },
        now,
    );
    Ok((m, d))
}

/// The series and the service a new meeting belongs to.
struct Arranged<'a> {
    series_id: Option<&'a str>,
    first_id: &'a str,
    service: &'a str,
}

/// Inserts the meetings of a series, each with its own copy of the preparation checklist.
async fn insert_meetings(
    txn: &DatabaseTransaction,
    actor: &User,
    new: &NewMeetings,
    arranged: &Arranged<'_>,
    starts: Vec<NaiveDateTime>,
    preparation: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let mut ids = Vec::new();
    for (i, at) in starts.into_iter().enumerate() {
        let id = if i == 0 { arranged.first_id.to_owned() } else { new_id("mote") };
        meeting::Entity::insert(meeting::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(new.case_id.clone()),
            series_id: Set(arranged.series_id.map(str::to_owned)),
            kind: Set(new.kind.as_str().into()),
            starts_at: Set(at),
            duration_minutes: Set(new.duration_minutes as i32),
            place: Set(new.place.trim().into()),
            agenda: Set(new.agenda.trim().into()),
            invited: Set(new.invited.join(",")),
            excluded_by_child: Set(new.excluded_by_child.join(",")),
            child_participation: Set(new.child_participation.as_str().into()),
            arranged_by_service: Set(arranged.service.to_owned()),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            cancelled_at: Set(None),
            cancelled_by: Set(None),
            cancel_reason: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
        for (position, text) in preparation.iter().enumerate() {
            meeting_preparation::Entity::insert(meeting_preparation::ActiveModel {
                id: Set(new_id("forb")),
                case_id: Set(new.case_id.clone()),
                meeting_id: Set(id.clone()),
                position: Set(position as i32),
                text: Set(text.clone()),
                done_at: Set(None),
                done_by: Set(None),
            })
            .exec_without_returning(txn)
            .await?;
        }
        ids.push(id);
    }
    Ok(ids)
}

impl Store {
    /// Sets up one meeting or a series. The service arranging it is the one the actor works through;
    /// restorative meetings are the mediation service's (spec 01 §5.2).
    pub async fn schedule_meetings(&self, actor: &User, new: NewMeetings) -> Result<Vec<String>, StoreError> {
        let starts = series_starts(new.first, new.every_weeks, new.count)?;
        let (txn, l, now) = self.tx_case(&new.case_id).await?;
        let d = authorize(actor, Action::Write, &Resource::Case(l.facts()), now);
        let series_id = (starts.len() > 1).then(|| new_id("serie"));
        let first_id = new_id("mote");
        let (basis, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_schedule", "meeting", series_id.as_deref().unwrap_or(&first_id), &new.case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let arranging = Self::acting_service(&basis)?;
        let today = now.date_naive();
        let participants: Vec<String> =
            l.case.participants.iter().filter(|p| p.active_on(today)).map(|p| p.service_id.clone()).collect();
        let sentence =
            sentence::Entity::find().filter(sentence::Column::CaseId.eq(new.case_id.as_str())).one(&txn).await?;
        let plan_open_to_arranger = if new.kind == MeetingKind::ResponsibilityGroup {
            match crate::case::individual_plan::open_plan(&txn, &l.child.id).await? {
                Some(p) => {
                    let rows = crate::case::individual_plan::rows_of(&txn, p).await?;
                    rows.responsible().is_some_and(|r| r.service_id == arranging)
                        || rows.access(l.child.age_on(today))?.contains(&arranging)
                }
                None => false,
            }
        } else {
            false
        };
        let facts = MeetingFacts {
            participants: &participants,
            sentence: sentence.is_some(),
            arranged_by_youth_coordinator: sentence.is_some_and(|s| s.youth_coordinator_service == arranging),
            plan_open_to_arranger,
        };
        let req = MeetingRequest {
            kind: new.kind,
            agenda: &new.agenda,
            invited: &new.invited,
            excluded_by_child: &new.excluded_by_child,
            duration_minutes: new.duration_minutes,
        };
        validate_meeting(&req, &facts)?;
        let preparation = checklist(new.preparation.iter().map(String::as_str))?;
        validate_meeting_ahead(starts[0], local_now())?;
        let arranged = Arranged { series_id: series_id.as_deref(), first_id: &first_id, service: &arranging };
        let ids = insert_meetings(&txn, actor, &new, &arranged, starts, &preparation, now).await?;
        txn.commit().await?;
        Ok(ids)
    }

    /// Records the minutes of a meeting: who came, what was said and agreed, follow-ups with owners and due
    /// dates. A new version keeps the earlier ones. Written by the arranging service or an invited one.
    pub async fn record_minutes(
        &self,
        actor: &User,
        case_id: &str,
        meeting_id: &str,
        attended: Vec<String>,
        minutes: &str,
        follow_ups: &str,
    ) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let (m, d) = meeting_to_change(&txn, &l, actor, meeting_id, now).await?;
        let id = new_id("referat");
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_minutes", "meeting_minutes", &id, case_id),
                Some(InfoCategory::General),
            )
            .await?;
        if m.cancelled_at.is_some() {
            return Err(los_domain::planning::PlanningError::MinutesForCancelled.into());
        }
        let invited = split(&m.invited);
        validate_minutes(m.starts_at, local_now(), &invited, &attended, minutes)?;
        meeting_minutes::Entity::insert(meeting_minutes::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            meeting_id: Set(m.id),
            attended: Set(attended.join(",")),
            minutes: Set(minutes.trim().into()),
            follow_ups: Set(follow_ups.trim().into()),
            recorded_by: Set(actor.id.clone()),
            recorded_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Cancels a meeting, or it and the rest of its series, with a reason. The meeting is kept, marked
    /// cancelled; only the arranging service cancels. Returns how many meetings were cancelled.
    pub async fn cancel_meeting(
        &self,
        actor: &User,
        case_id: &str,
        meeting_id: &str,
        reason: &str,
        rest_of_series: bool,
    ) -> Result<usize, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let (m, d) = meeting_to_change(&txn, &l, actor, meeting_id, now).await?;
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_cancel", "meeting", meeting_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let mut targets = vec![m.clone()];
        if rest_of_series && let Some(series) = &m.series_id {
            // Compared here, not in SQL: SQLite stores the local time as text.
            targets = meeting::Entity::find()
                .filter(meeting::Column::SeriesId.eq(series.as_str()))
                .filter(meeting::Column::CancelledAt.is_null())
                .all(&txn)
                .await?
                .into_iter()
                .filter(|x| x.starts_at >= m.starts_at)
                .collect();
        }
        let local = local_now();
        let with_minutes: Vec<String> = meeting_minutes::Entity::find()
            .filter(meeting_minutes::Column::CaseId.eq(case_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|x| x.meeting_id)
            .collect();
        let n = targets.len();
        for t in targets {
            los_domain::planning::validate_cancel(
                t.starts_at,
                local,
                with_minutes.contains(&t.id),
                t.cancelled_at.is_some(),
                reason,
            )?;
            let mut am: meeting::ActiveModel = t.into();
            am.cancelled_at = Set(Some(now));
            am.cancelled_by = Set(Some(actor.id.clone()));
            am.cancel_reason = Set(Some(reason.trim().into()));
            meeting::Entity::update(am).exec(&txn).await?;
        }
        txn.commit().await?;
        Ok(n)
    }

    /// Ticks an item of a meeting's preparation checklist off, or on again. The checklist is the arranging
    /// service's to keep; a cancelled meeting's is closed.
    pub async fn set_preparation_done(
        &self,
        actor: &User,
        case_id: &str,
        meeting_id: &str,
        item_id: &str,
        done: bool,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let (m, d) = meeting_to_change(&txn, &l, actor, meeting_id, now).await?;
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_preparation", "meeting_preparation", item_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        let item = meeting_preparation::Entity::find_by_id(item_id.to_owned())
            .one(&txn)
            .await?
            .filter(|p| p.meeting_id == m.id)
            .ok_or_else(|| StoreError::NotFound { kind: "preparation item", id: item_id.into() })?;
        if m.cancelled_at.is_some() {
            return Err(PlanningError::MinutesForCancelled.into());
        }
        let mut am: meeting_preparation::ActiveModel = item.into();
        am.done_at = Set(done.then_some(now));
        am.done_by = Set(done.then(|| actor.id.clone()));
        meeting_preparation::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds a follow-up agreed at a meeting: what, which service does it, by when (spec 01 §8.G item 27).
    /// The arranging service writes it down, as it writes the minutes; the owner sees it on its worklist.
    pub async fn add_meeting_action(
        &self,
        actor: &User,
        case_id: &str,
        meeting_id: &str,
        new: NewAction,
    ) -> Result<String, StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let (m, d) = meeting_to_change(&txn, &l, actor, meeting_id, now).await?;
        let id = new_id("oppf");
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_action", "meeting_action", &id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        if m.cancelled_at.is_some() {
            return Err(PlanningError::MinutesForCancelled.into());
        }
        let today = now.date_naive();
        let participants: Vec<String> =
            l.case.participants.iter().filter(|p| p.active_on(today)).map(|p| p.service_id.clone()).collect();
        let req =
            ActionRequest { description: &new.description, owner_service: &new.owner_service, due_on: new.due_on };
        validate_action(&req, m.starts_at, local_now(), &participants)?;
        meeting_action::Entity::insert(meeting_action::ActiveModel {
            id: Set(id.clone()),
            case_id: Set(case_id.into()),
            meeting_id: Set(m.id),
            description: Set(new.description.trim().into()),
            owner_service: Set(new.owner_service),
            due_on: Set(new.due_on),
            created_by: Set(actor.id.clone()),
            created_at: Set(now),
            done_at: Set(None),
            done_by: Set(None),
            done_note: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The owning service marks a follow-up done, with what came of it. Nobody else can: the coordinator
    /// may ask for updates but does not act for another service (spec 01 §8.F item 22 f).
    pub async fn complete_meeting_action(
        &self,
        actor: &User,
        case_id: &str,
        action_id: &str,
        note: &str,
    ) -> Result<(), StoreError> {
        let (txn, l, now) = self.tx_case(case_id).await?;
        let a = meeting_action::Entity::find_by_id(action_id.to_owned())
            .one(&txn)
            .await?
            .filter(|a| a.case_id == l.case.id)
            .ok_or_else(|| StoreError::NotFound { kind: "follow-up", id: action_id.into() })?;
        let d = plan_write(actor, &l, Some(&a.owner_service), now);
        let (_, txn) = self
            .decide(
                txn,
                d,
                entry(actor, "meeting_action_done", "meeting_action", action_id, case_id),
                Some(InfoCategory::Overview),
            )
            .await?;
        if a.done_at.is_some() {
            return Err(PlanningError::ActionDone.into());
        }
        let note = note.trim();
        let mut am: meeting_action::ActiveModel = a.into();
        am.done_at = Set(Some(now));
        am.done_by = Set(Some(actor.id.clone()));
        am.done_note = Set((!note.is_empty()).then(|| note.to_owned()));
        meeting_action::Entity::update(am).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
