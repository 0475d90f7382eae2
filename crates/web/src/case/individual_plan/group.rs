//! The responsibility group on the plan's page and in the API: members with their function, added and
//! removed by the service with the main responsibility. The group's meetings are the case's meetings of kind
//! `responsibility_group` (`case::meetings`), shown on the plan's page with their invitations, attendance,
//! minutes and follow-ups.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use los_domain::model::User;
use los_store::NewIpGroupMember;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::{Created, Rejected, created, user};
use super::after_ip;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ApiError;
use crate::input::{JsonOrForm, non_empty};
use crate::pages::PageResult;

pub(super) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/saker/{id}/individuell-plan/gruppe", post(member_page))
        .route("/saker/{id}/individuell-plan/gruppe/{member}/fjern", post(remove_page))
        .route("/saker/{id}/individuell-plan/moter", post(meeting_page))
        .route("/saker/{id}/individuell-plan/moter/{meeting}/referat", post(minutes_page))
        .route("/saker/{id}/individuell-plan/moter/{meeting}/oppfolging", post(action_page))
}

pub(super) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(add_member)).routes(routes!(remove_member))
}

/// A member of the responsibility group: an employee with the service they sit for (`user_id` and
/// `service_id`), or the child or a parent with parental responsibility (`person_id`). The page sends one
/// `member` value instead: `user:{user_id}:{service_id}` or `person:{person_id}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IpGroupMemberInput {
    member: Option<String>,
    user_id: Option<String>,
    service_id: Option<String>,
    person_id: Option<String>,
    /// What the member does in the group, e.g. "kontaktlærer" (2 to 120 characters).
    #[serde(default)]
    function: String,
}

impl IpGroupMemberInput {
    /// The one parse of a member.
    pub fn parse(self) -> Result<NewIpGroupMember, Rejected> {
        let wrong = || Rejected::new("ip-group-member", "ip.group_member_kind", "choose who joins the group");
        let (user_id, service_id, person_id) = match non_empty(self.member) {
            None => (non_empty(self.user_id), non_empty(self.service_id), non_empty(self.person_id)),
            Some(m) => match m.trim().split(':').collect::<Vec<_>>().as_slice() {
                ["user", u, s] if !u.is_empty() && !s.is_empty() => {
                    (Some((*u).to_owned()), Some((*s).to_owned()), None)
                }
                ["person", p] if !p.is_empty() => (None, None, Some((*p).to_owned())),
                _ => return Err(wrong()),
            },
        };
        Ok(NewIpGroupMember { user_id, service_id, person_id, function: self.function })
    }
}

async fn member_in(st: &AppState, actor: &User, id: &str, i: IpGroupMemberInput) -> Result<String, Rejected> {
    let new = i.parse()?;
    st.store.add_individual_plan_group_member(actor, id, new).await.map_err(|e| {
        let element = if matches!(&e, los_store::StoreError::Invalid { field: Some("function"), .. }) {
            "ip-group-function"
        } else {
            "ip-group-member"
        };
        Rejected::at(element, e)
    })
}

/// Nothing: the path names the member.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct IpNoInput {}

async fn remove_in(st: &AppState, actor: &User, id: &str, member: &str, _: IpNoInput) -> Result<String, Rejected> {
    st.store
        .remove_individual_plan_group_member(actor, id, member)
        .await
        .map(|()| member.to_owned())
        .map_err(|e| Rejected::at("ip-group-member", e))
}

/// A meeting of the group set up from the plan's page: the case's meeting form and rule
/// (`case::meetings::schedule`), back to the plan.
async fn meeting_in(
    st: &AppState,
    actor: &User,
    id: &str,
    i: crate::case::meetings::MeetingInput,
) -> Result<Vec<String>, Rejected> {
    crate::case::meetings::schedule(st, actor, id, i).await
}

page_action!(meeting_page, crate::case::meetings::MeetingInput, meeting_in, "group-meeting");

/// The minutes and the follow-ups of a group meeting, written from the plan's page: the case's inputs and
/// rules (`case::meetings::{minutes, action}`), back to the plan.
async fn minutes_in(
    st: &AppState,
    actor: &User,
    id: &str,
    meeting: &str,
    i: crate::case::meetings::MinutesInput,
) -> Result<String, Rejected> {
    crate::case::meetings::minutes(st, actor, id, meeting, i).await
}

async fn action_in(
    st: &AppState,
    actor: &User,
    id: &str,
    meeting: &str,
    i: crate::case::meetings::ActionInput,
) -> Result<String, Rejected> {
    crate::case::meetings::action(st, actor, id, meeting, i).await
}

page_sub_action!(minutes_page, crate::case::meetings::MinutesInput, minutes_in, "group-minutes");
page_sub_action!(action_page, crate::case::meetings::ActionInput, action_in, "group-action");
page_action!(member_page, IpGroupMemberInput, member_in, "group-member");
page_sub_action!(remove_page, IpNoInput, remove_in, "group-member-removed");

api_action!(
    /// Adds a member to the plan's responsibility group with their function (the service with the main
    /// responsibility): an employee of a service taking part, or the child or a parent.
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/group", params(("id" = String, Path)), request_body = IpGroupMemberInput, responses((status = 201, body = Created)))]
    add_member, IpGroupMemberInput, member_in
);
api_sub_action!(
    /// Takes a member out of the responsibility group (kept as history).
    #[utoipa::path(post, path = "/cases/{id}/individual-plan/group/{member}/remove", params(("id" = String, Path), ("member" = String, Path)), request_body = IpNoInput, responses((status = 201, body = Created)))]
    remove_member, IpNoInput, remove_in
);
