//! What an actor may do in a case, for the page to show the right forms: computed from [`authorize`], never
//! re-derived by the web layer (lldap's `ValidationResults`). Each write is still decided again by
//! `authorize` when it is made; this only keeps forms that would be refused off the page.

use chrono::{DateTime, Utc};
use los_domain::consent::InfoCategory;
use los_domain::model::{User, UserKind, may_grant_family_access};
use serde::Serialize;

use crate::{Action, CaseFacts, Resource, authorize, working_memberships};

/// The actor's capabilities in one case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Write to the shared overview: assessments, meetings, goals, hearings, who coordinates.
    pub write: bool,
    /// The services taking part that the actor acts for: their records, meetings, measures and follow-ups.
    pub services: Vec<String>,
    /// Give their own consent, digitally (a family member who may read the case).
    pub own_consent: bool,
    /// Give a relative access to the shared overview, or take it back (the family).
    pub invite_family: bool,
    /// Decide the open dispute about who coordinates.
    pub decide_dispute: bool,
    /// Reopen the case (or keep a closing case open): a service taking part, or one that took part when it
    /// stopped being open.
    pub reopen: bool,
}

impl Capabilities {
    /// Does the actor act for `service` in this case?
    pub fn acts_for(&self, service: &str) -> bool {
        self.services.iter().any(|s| s == service)
    }
}

/// What `actor` may do in `case` at `now`, by the same rules as [`authorize`].
pub fn capabilities(actor: &User, case: &CaseFacts<'_>, now: DateTime<Utc>) -> Capabilities {
    let allowed = |action, resource: &Resource<'_>| authorize(actor, action, resource, now).is_allow();
    let today = now.date_naive();
    let services = case
        .participants
        .iter()
        .filter(|p| p.active_on(today))
        .map(|p| p.service_id.as_str())
        .filter(|s| {
            let info = Resource::CaseInfo { case: *case, owner_service: s, category: InfoCategory::General };
            working_memberships(actor).any(|(m, _)| m == *s) && allowed(Action::Write, &info)
        })
        .map(str::to_owned)
        .collect();
    let own = Resource::OwnConsent { case: *case, actor_gives: true, digital: true };
    let citizen = actor.kind == UserKind::Citizen;
    Capabilities {
        write: allowed(Action::Write, &Resource::Case(*case)),
        services,
        own_consent: citizen && allowed(Action::Write, &own),
        invite_family: citizen
            && actor.person_id.as_deref().is_some_and(|me| {
                may_grant_family_access(me, case.child_person_id, case.child_age, case.guardianships)
            }),
        decide_dispute: allowed(Action::Decide, &Resource::Case(*case)),
        reopen: !citizen && allowed(Action::Write, &Resource::CaseReopening { case: *case }),
    }
}

/// May the actor ask for emergency access (break-the-glass) to a case they cannot read? Only employees who
/// work in a service; leaders and administrators see figures and configure, not cases.
pub fn may_request_break_glass(actor: &User) -> bool {
    actor.kind == UserKind::Employee && working_memberships(actor).next().is_some()
}
