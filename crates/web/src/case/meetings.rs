//! Meetings in the case: single meetings and series with the child's wish about who attends, minutes,
//! cancelling, the preparation checklist, follow-ups (who does what by when), and the calendar file.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use los_domain::model::User;
use los_domain::planning::{ChildParticipation, MeetingKind};
use los_store::{NewAction, NewMeetings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::consents::date;
use super::{Created, Rejected, after, created, element, user};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, Loose, NotWhole, flag};
use crate::pages::{PageResult, page_err};

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/moter", post(schedule_page))
        .route("/saker/{id}/moter.ics", get(calendar))
        .route("/saker/{id}/moter/{meeting}/referat", post(minutes_page))
        .route("/saker/{id}/moter/{meeting}/avlys", post(cancel_page))
        .route("/saker/{id}/moter/{meeting}/forberedelse/{item}", post(preparation_page))
        .route("/saker/{id}/moter/{meeting}/oppfolging", post(action_page))
        .route("/saker/{id}/moter/{meeting}/invitasjoner", post(invite_page))
        .route("/saker/{id}/oppfolging/{action}/utfort", post(action_done_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(schedule_meetings))
        .routes(routes!(record_minutes))
        .routes(routes!(cancel_meeting))
        .routes(routes!(set_preparation))
        .routes(routes!(add_meeting_action))
        .routes(routes!(complete_meeting_action))
        .routes(routes!(invite))
}

/// A meeting or a series of meetings.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeetingInput {
    /// cooperation | start_up | follow_up | restorative
    #[serde(default)]
    kind: String,
    /// Norwegian local time of the (first) meeting, e.g. 2026-12-10T09:00.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-10T09:00")]
    starts_at: String,
    /// For a series: weeks between meetings (0 for a single meeting).
    #[schema(value_type = Option<u32>)]
    every_weeks: Option<Loose>,
    /// How many meetings (default 1).
    #[schema(value_type = Option<u32>)]
    count: Option<Loose>,
    /// Minutes (default 60).
    #[schema(value_type = Option<u32>)]
    duration_minutes: Option<Loose>,
    #[serde(default)]
    place: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    invited: Vec<String>,
    /// Services the child does not want at the meeting; they contribute outside it.
    #[serde(default, alias = "excluded")]
    excluded_by_child: Vec<String>,
    /// attends | part_of_meeting | through_someone | written_views | not_taking_part
    #[serde(default)]
    child_participation: String,
    /// The preparation checklist: what must be ready before the meeting (at most 20 items of 200
    /// characters; a text is split into lines). Each meeting of a series gets its own copy.
    #[serde(default)]
    preparation: Vec<String>,
}

impl MeetingInput {
    /// The one parse of a meeting or a series.
    pub fn parse(self, case_id: &str) -> Result<NewMeetings, Rejected> {
        let kind = MeetingKind::parse(&self.kind)
            .ok_or_else(|| Rejected::new("meeting-kind", "meeting.kind", "choose the kind of meeting"))?;
        let first = crate::parse_local_time(&self.starts_at).ok_or_else(|| {
            Rejected::new("meeting-starts", "meeting.starts_at", "write the date and time of the meeting")
        })?;
        let whole = |v: &Option<Loose>, default: u32| match Loose::value(v) {
            Ok(None) => Ok(default),
            Ok(Some(n)) => u32::try_from(n).map_err(|_| NotWhole),
            Err(e) => Err(e),
        };
        let numbers = || Rejected::new("meeting-count", "meeting.numbers", "the numbers must be whole numbers");
        let child_participation = ChildParticipation::parse(&self.child_participation).ok_or_else(|| {
            Rejected::new("meeting-child", "meeting.child_participation", "choose how the child takes part")
        })?;
        Ok(NewMeetings {
            case_id: case_id.to_owned(),
            kind,
            first,
            every_weeks: whole(&self.every_weeks, 0).map_err(|_| numbers())?,
            count: whole(&self.count, 1).map_err(|_| numbers())?,
            duration_minutes: whole(&self.duration_minutes, 60).map_err(|_| numbers())?,
            place: self.place,
            agenda: self.agenda,
            invited: self.invited,
            excluded_by_child: self.excluded_by_child,
            child_participation,
            preparation: self.preparation,
        })
    }
}

/// The meeting form's elements for the fields a rule can name.
const MEETING_FORM: &[(&str, &str)] = &[
    ("agenda", "meeting-agenda"),
    ("starts_at", "meeting-starts"),
    ("kind", "meeting-kind"),
    ("preparation", "meeting-preparation"),
    ("count", "meeting-count"),
];

pub(crate) async fn schedule(
    st: &AppState,
    actor: &User,
    case_id: &str,
    i: MeetingInput,
) -> Result<Vec<String>, Rejected> {
    let new = i.parse(case_id)?;
    st.store.schedule_meetings(actor, new).await.map_err(|e| Rejected::on(MEETING_FORM, "meeting-invited", e))
}

pub async fn schedule_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonOrForm(f): JsonOrForm<MeetingInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = schedule(&st, u, &id, f).await.map(|_| ());
    after(&st, &ctx, &id, "moter", r).await
}

/// The meetings set up.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedMeetings {
    ids: Vec<String>,
}

/// Sets up a meeting or a series of meetings in the case.
#[utoipa::path(post, path = "/cases/{id}/meetings", params(("id" = String, Path)), request_body = MeetingInput, responses((status = 201, body = CreatedMeetings)))]
pub async fn schedule_meetings(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    JsonOrForm(i): JsonOrForm<MeetingInput>,
) -> Result<(StatusCode, Json<CreatedMeetings>), ApiError> {
    let ids = schedule(&st, &user, &id, i).await?;
    Ok((StatusCode::CREATED, Json(CreatedMeetings { ids })))
}

/// The case's meetings as an iCalendar file for the user's own calendar. It is read through the same
/// audited case read as the page; the file names the meeting kind and the case number, not the child.
pub async fn calendar(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    use icalendar::{Component, EventLike};
    let u = user(&ctx)?;
    let view = st.store.case_for(u, &id).await.map_err(|e| page_err(&ctx)(e.into()))?;
    if let Some(reason) = view.location_hidden {
        // Meeting places and times show where a child with a protected address spends the day.
        return Err(page_err(&ctx)(los_store::StoreError::Denied(reason).into()));
    }
    let mut cal = icalendar::Calendar::new();
    cal.name(&format!("Los {}", view.case.id));
    let tz = los_store::planning::TIME_ZONE.name();
    for m in &view.cooperation.meetings {
        let at = |t| icalendar::CalendarDateTime::WithTimezone { date_time: t, tzid: tz.into() };
        let end = m.starts_at + chrono::Duration::minutes(i64::from(m.duration_minutes));
        let status = if m.cancelled_at.is_some() {
            icalendar::EventStatus::Cancelled
        } else {
            icalendar::EventStatus::Confirmed
        };
        let event = icalendar::Event::new()
            .uid(&format!("{}@los", m.id))
            .status(status)
            .summary(&format!("{} ({})", ctx.tr.get(&format!("meeting-kind-{}", m.kind)), view.case.id))
            .location(&m.place)
            .starts(at(m.starts_at))
            .ends(at(end))
            .class(icalendar::Class::Confidential)
            .done();
        cal.push(event);
    }
    let body = with_time_zone(&cal.done().to_string());
    let disposition = format!("attachment; filename=\"{}.ics\"", view.case.id);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The definition of Europe/Oslo that the events' `TZID` refers to (RFC 5545 § 3.6.5): CET, and CEST from the
/// last Sunday of March 02:00 to the last Sunday of October 03:00 (the EU rule Norway follows). A calendar
/// that does not know the zone by name reads the times right from it. Written here because the icalendar
/// crate (0.17) has no time-zone component (its own TODO) and builds only events, to-dos and venues.
const OSLO_VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo\r\n\
BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n\
BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// The calendar with the Europe/Oslo definition before its first component.
pub(crate) fn with_time_zone(ics: &str) -> String {
    let at = ics.find("BEGIN:VEVENT").or_else(|| ics.find("END:VCALENDAR")).unwrap_or(ics.len());
    format!("{}{OSLO_VTIMEZONE}{}", &ics[..at], &ics[at..])
}

/// The minutes of a meeting.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MinutesInput {
    /// The invited services that came.
    #[serde(default)]
    attended: Vec<String>,
    #[serde(default)]
    minutes: String,
    /// Other agreements, as free text. Follow-ups with an owner and a due date are added to the meeting
    /// with `POST /api/v1/cases/{id}/meetings/{meeting}/actions`.
    #[serde(default)]
    follow_ups: String,
}

pub(crate) async fn minutes(
    st: &AppState,
    actor: &User,
    id: &str,
    meeting: &str,
    i: MinutesInput,
) -> Result<String, Rejected> {
    st.store
        .record_minutes(actor, id, meeting, i.attended, &i.minutes, &i.follow_ups)
        .await
        .map_err(|e| Rejected::at(format!("minutes-{meeting}"), e))
}

pub async fn minutes_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<MinutesInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = minutes(&st, u, &id, &meeting, f).await.map(|_| ());
    after(&st, &ctx, &id, "moter", r).await
}

/// Records the minutes of a meeting (a new version keeps the earlier ones).
#[utoipa::path(post, path = "/cases/{id}/meetings/{meeting}/minutes", params(("id" = String, Path), ("meeting" = String, Path)), request_body = MinutesInput, responses((status = 201, body = Created)))]
pub async fn record_minutes(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<MinutesInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(minutes(&st, &user, &id, &meeting, i).await?))
}

/// Cancelling a meeting: why, and whether the rest of the series goes too.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelInput {
    /// Why; the family and the services see it.
    #[serde(default)]
    reason: String,
    /// Also cancel the later meetings of the series.
    #[serde(default, deserialize_with = "flag")]
    rest_of_series: bool,
}

async fn cancel(st: &AppState, actor: &User, id: &str, meeting: &str, i: CancelInput) -> Result<usize, Rejected> {
    st.store
        .cancel_meeting(actor, id, meeting, &i.reason, i.rest_of_series)
        .await
        .map_err(|e| Rejected::at(format!("cancel-{meeting}"), e))
}

pub async fn cancel_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<CancelInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = cancel(&st, u, &id, &meeting, f).await.map(|_| ());
    after(&st, &ctx, &id, "moter", r).await
}

/// How many meetings were cancelled.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cancelled {
    cancelled: usize,
}

/// Cancels a meeting (or it and the rest of its series); the meeting is kept, marked cancelled.
#[utoipa::path(post, path = "/cases/{id}/meetings/{meeting}/cancel", params(("id" = String, Path), ("meeting" = String, Path)), request_body = CancelInput, responses((status = 200, body = Cancelled)))]
pub async fn cancel_meeting(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<CancelInput>,
) -> Result<Json<Cancelled>, ApiError> {
    Ok(Json(Cancelled { cancelled: cancel(&st, &user, &id, &meeting, i).await? }))
}

/// An item of the preparation checklist ticked off (true, or the page's "1") or opened again.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PreparationInput {
    #[serde(default, deserialize_with = "flag")]
    done: bool,
}

/// A checklist item or a follow-up and whether it is done.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    id: String,
    done: bool,
}

pub async fn preparation_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting, item)): Path<(String, String, String)>,
    JsonOrForm(f): JsonOrForm<PreparationInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.set_preparation_done(u, &id, &meeting, &item, f.done).await;
    after(&st, &ctx, &id, "moter", r.map_err(|e| Rejected::at(format!("prep-{meeting}"), e))).await
}

/// Ticks an item of a meeting's preparation checklist off, or opens it again (the arranging service).
#[utoipa::path(post, path = "/cases/{id}/meetings/{meeting}/preparation/{item}", params(("id" = String, Path), ("meeting" = String, Path), ("item" = String, Path)), request_body = PreparationInput, responses((status = 200, body = Done)))]
pub async fn set_preparation(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting, item)): Path<(String, String, String)>,
    JsonOrForm(i): JsonOrForm<PreparationInput>,
) -> Result<Json<Done>, ApiError> {
    st.store.set_preparation_done(&user, &id, &meeting, &item, i.done).await?;
    Ok(Json(Done { id: item, done: i.done }))
}

/// A follow-up agreed at a meeting.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionInput {
    /// What is to be done.
    #[serde(default)]
    description: String,
    /// The service that does it; it must take part in the case.
    #[serde(default)]
    owner_service: String,
    /// By when, e.g. 2026-12-15; not before the meeting.
    #[schema(value_type = String, format = Date)]
    #[serde(default)]
    due_on: String,
}

pub(crate) async fn action(
    st: &AppState,
    actor: &User,
    id: &str,
    meeting: &str,
    i: ActionInput,
) -> Result<String, Rejected> {
    let due_on = date(&i.due_on, &format!("action-due-{meeting}"), "meeting.action_due_format")?;
    let new = NewAction { description: i.description, owner_service: i.owner_service, due_on };
    st.store.add_meeting_action(actor, id, meeting, new).await.map_err(|e| {
        let base = element(&e, &[("due_on", "action-due"), ("owner_service", "action-owner")], "action");
        Rejected::at(format!("{base}-{meeting}"), e)
    })
}

pub async fn action_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<ActionInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = action(&st, u, &id, &meeting, f).await.map(|_| ());
    after(&st, &ctx, &id, "moter", r).await
}

/// Adds a follow-up agreed at a meeting: who does what by when (the arranging service, once the meeting
/// has started). The owning service sees it on its worklist.
#[utoipa::path(post, path = "/cases/{id}/meetings/{meeting}/actions", params(("id" = String, Path), ("meeting" = String, Path)), request_body = ActionInput, responses((status = 201, body = Created)))]
pub async fn add_meeting_action(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<ActionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok(created(action(&st, &user, &id, &meeting, i).await?))
}

/// What came of a follow-up (optional).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionDoneInput {
    #[serde(default)]
    note: String,
}

pub async fn action_done_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    JsonOrForm(f): JsonOrForm<ActionDoneInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = st.store.complete_meeting_action(u, &id, &action, &f.note).await;
    after(&st, &ctx, &id, "moter", r.map_err(|e| Rejected::at(format!("done-{action}"), e))).await
}

/// Marks a follow-up done. Only the owning service can.
#[utoipa::path(post, path = "/cases/{id}/actions/{action}/done", params(("id" = String, Path), ("action" = String, Path)), request_body = ActionDoneInput, responses((status = 200, body = Done)))]
pub async fn complete_meeting_action(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(String, String)>,
    JsonOrForm(i): JsonOrForm<ActionDoneInput>,
) -> Result<Json<Done>, ApiError> {
    st.store.complete_meeting_action(&user, &id, &action, &i.note).await?;
    Ok(Json(Done { id: action, done: true }))
}

/// One invitation and what came of it: sent (the mail server took it), failed, or no_address (the member
/// has no e-mail address in Los).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationOutcome {
    user_id: String,
    name: String,
    outcome: String,
}

/// The invitations of a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationsSent {
    invitations: Vec<InvitationOutcome>,
}

/// Decides who is invited (the store, through the policy and audited), sends the messages after the
/// transaction, and records what the mail server said.
/// Invitations are written in bokmål: Los keeps no language per employee, and bokmål is the default.
async fn send_invitations(st: &AppState, actor: &User, id: &str, meeting: &str) -> Result<InvitationsSent, Rejected> {
    let element = format!("invite-{meeting}");
    let Some(mailer) = st.mail.clone() else {
        let e = los_store::StoreError::Invalid {
            field: None,
            code: "meeting.mail_not_configured",
            message: "Los has no mail server configured ([mail] transport): the invitations cannot be sent".into(),
        };
        return Err(Rejected::at(element, e));
    };
    let batch = st.store.prepare_meeting_invitations(actor, id, meeting).await.map_err(|e| Rejected::at(element, e))?;
    let results = mailer.send_invitations(&batch.meeting, &batch.invitations, crate::i18n::Lang::Nb).await;
    let mut invitations = Vec::new();
    for inv in batch.invitations {
        let outcome = match results.iter().find(|(i, _)| *i == inv.id) {
            Some((_, sent)) => {
                if let Err(e) = st.store.record_invitation_outcome(&inv.id, *sent).await {
                    tracing::error!(error = %e, invitation = %inv.id, "recording an invitation's outcome");
                }
                if *sent { "sent" } else { "failed" }.to_owned()
            }
            None => inv.outcome.clone(),
        };
        invitations.push(InvitationOutcome { user_id: inv.user_id, name: inv.name, outcome });
    }
    Ok(InvitationsSent { invitations })
}

/// Nothing: the path names the meeting.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct InviteInput {}

pub async fn invite_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(_): JsonOrForm<InviteInput>,
) -> PageResult {
    let u = user(&ctx)?;
    let r = send_invitations(&st, u, &id, &meeting).await;
    super::individual_plan::after_ip(&st, &ctx, &id, "invitations", r).await
}

/// E-mails the meeting's invitation, with an iCalendar attachment, to the members of the child's
/// responsibility group who sit for an invited service (the arranging service; the meeting lies ahead).
/// The message names the meeting's kind, time and case number and links to Los; nothing about the child.
#[utoipa::path(post, path = "/cases/{id}/meetings/{meeting}/invitations", params(("id" = String, Path), ("meeting" = String, Path)), request_body = InviteInput, responses((status = 200, body = InvitationsSent)))]
pub async fn invite(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, meeting)): Path<(String, String)>,
    JsonOrForm(_): JsonOrForm<InviteInput>,
) -> Result<Json<InvitationsSent>, ApiError> {
    Ok(Json(send_invitations(&st, &user, &id, &meeting).await?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_calendar_defines_the_time_zone_its_events_use() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Oslo:20261207T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let out = super::with_time_zone(ics);
        let tz = out.find("BEGIN:VTIMEZONE").unwrap();
        assert!(tz < out.find("BEGIN:VEVENT").unwrap());
        assert!(out.contains("TZID:Europe/Oslo\r\n") && out.contains("TZOFFSETTO:+0200") && out.contains("BYDAY=-1SU"));
        assert_eq!(out.matches("BEGIN:").count(), out.matches("END:").count());
        let empty = super::with_time_zone("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        assert!(empty.ends_with("END:VTIMEZONE\r\nEND:VCALENDAR\r\n"));
    }
}
