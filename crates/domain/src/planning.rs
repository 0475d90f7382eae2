//! Planning and carrying out the cooperation (spec 01 §4.2–4.3, §5.2, §8.C item 13, §8.G items 26–27).
//!
//! Pure rules: the guided situation checks of step 2 (which situations the guidance names as needing
//! cooperation, and which not), the order and dependencies of the plan's measures, and the meetings of a
//! case — single meetings, regular series, the start-up meeting and the mediation service's restorative
//! meetings — with the child's say over who attends, their preparation checklists and the follow-ups agreed
//! at them.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::coordination::AssessmentResult;
use crate::model::coded_enum;

coded_enum!(
    /// The situations the guidance names for step 2 (spec 01 §4.2). The first four are its examples where
    /// cooperation may be necessary; the last is its counter-example.
    Situation {
        /// A child in child welfare (foster home or institution) who needs GP, school health service, mental
        /// health care or other health professionals.
        ChildWelfareHealthNeeds = "child_welfare_health_needs",
        /// Extensive, regular health and care needs during the school day (medication, tube feeding,
        /// medical equipment, asthma or epileptic attacks).
        HealthNeedsAtSchool = "health_needs_at_school",
        /// Challenging behaviour at school; the school needs health, PPT or the respite home.
        ChallengingBehaviour = "challenging_behaviour",
        /// The family gets services from many providers, some for the child and some for the parents, and
        /// they pull against each other (the parent's NAV course against the child's appointments).
        ManyProvidersFamily = "many_providers_family",
        /// Only the universal services: kindergarten with health centre and dental service.
        UniversalServicesOnly = "universal_services_only",
    }
);

impl Situation {
    /// Whether the guidance names this situation as one where cooperation may be necessary.
    pub fn points_to_cooperation(self) -> bool {
        !matches!(self, Situation::UniversalServicesOnly)
    }
}

/// What the guidance suggests for the situations a service has ticked, or `None` when none is ticked.
/// It is a suggestion: the service still makes an individual and concrete assessment (spec 01 §4.2 step 2).
pub fn suggested_result(situations: &[Situation]) -> Option<AssessmentResult> {
    if situations.iter().any(|s| s.points_to_cooperation()) {
        Some(AssessmentResult::Necessary)
    } else if situations.is_empty() {
        None
    } else {
        // Kindergarten, health centre and dental alone do not trigger the duty, but the services may always
        // cooperate with consent, and the threshold should be low.
        Some(AssessmentResult::VoluntaryWithConsent)
    }
}

/// Checks a result against the ticked situations: a service that ticks a situation the guidance names as
/// needing cooperation and still finds cooperation not necessary must say why.
pub fn validate_situations(
    result: AssessmentResult,
    situations: &[Situation],
    deviation_reason: Option<&str>,
) -> Result<(), PlanningError> {
    if suggested_result(situations) == Some(AssessmentResult::Necessary)
        && result != AssessmentResult::Necessary
        && deviation_reason.is_none_or(|r| r.trim().is_empty())
    {
        return Err(PlanningError::DeviationUnexplained);
    }
    Ok(())
}

/// A measure or goal as far as ordering goes: its place in the plan and what it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNode<'a> {
    pub id: &'a str,
    pub position: i32,
    pub depends_on: Option<&'a str>,
}

/// Checks the order of the plan (spec 01 §8.G item 26): each dependency is an item of the same plan, and a
/// measure comes strictly after the measure it waits for. That also rules out waiting on oneself and any
/// circle of waiting (positions would have to fall forever), as the property test below shows.
pub fn validate_plan(nodes: &[PlanNode<'_>]) -> Result<(), PlanningError> {
    let by_id: HashMap<&str, &PlanNode<'_>> = nodes.iter().map(|n| (n.id, n)).collect();
    for n in nodes {
        let Some(dep) = n.depends_on else { continue };
        let Some(d) = by_id.get(dep) else {
            return Err(PlanningError::UnknownDependency(dep.to_owned()));
        };
        if d.position >= n.position {
            return Err(PlanningError::OrderAgainstDependency);
        }
    }
    Ok(())
}

coded_enum!(
    /// Where a goal or measure of the plan stands. Every change is a new version of the item.
    PlanStatus {
        Planned = "planned",
        Started = "started",
        Done = "done",
        Stopped = "stopped",
    }
);

impl PlanStatus {
    /// Parses a status given by a user, naming the choices when it is none of them.
    pub fn parse_input(code: &str) -> Result<Self, PlanningError> {
        Self::parse(code).ok_or(PlanningError::Status)
    }

    /// Whether taking this status means the measure is under way, so what it waits for must have started.
    pub fn is_under_way(self) -> bool {
        matches!(self, PlanStatus::Started | PlanStatus::Done)
    }
}

/// Whether a measure may start: what it waits for must be started, done or stopped first.
pub fn may_start(dependency_status: Option<PlanStatus>) -> Result<(), PlanningError> {
    match dependency_status {
        None | Some(PlanStatus::Started | PlanStatus::Done | PlanStatus::Stopped) => Ok(()),
        Some(PlanStatus::Planned) => Err(PlanningError::DependencyNotStarted),
    }
}

/// Whether a measure may take `status`, given the status of what it waits for.
pub fn may_take(status: PlanStatus, dependency_status: Option<PlanStatus>) -> Result<(), PlanningError> {
    if status.is_under_way() { may_start(dependency_status) } else { Ok(()) }
}

/// A sector decision is linked to the case once it is made, never ahead of it.
pub fn validate_decision_date(decided_on: NaiveDate, today: NaiveDate) -> Result<(), PlanningError> {
    if decided_on > today { Err(PlanningError::DecisionInFuture) } else { Ok(()) }
}

/// An outcome of the follow-up is recorded once it is achieved.
pub fn validate_outcome_date(achieved_on: NaiveDate, today: NaiveDate) -> Result<(), PlanningError> {
    if achieved_on > today { Err(PlanningError::OutcomeInFuture) } else { Ok(()) }
}

/// Meetings are set up ahead: the first may be at most a day in the past (Norwegian local time); a past
/// meeting's minutes are recorded on the meeting.
pub fn validate_meeting_ahead(first: NaiveDateTime, now_local: NaiveDateTime) -> Result<(), PlanningError> {
    if first < now_local - Duration::days(1) {
        Err(PlanningError::MeetingInPast)
    } else if first > now_local + Duration::days(MAX_DAYS_AHEAD) {
        Err(PlanningError::MeetingTooFar)
    } else {
        Ok(())
    }
}

/// Whether a meeting's invitations may go out: it is not cancelled and lies ahead.
pub fn validate_invitation(
    starts_at: NaiveDateTime,
    now_local: NaiveDateTime,
    cancelled: bool,
) -> Result<(), PlanningError> {
    if cancelled {
        Err(PlanningError::InviteCancelled)
    } else if starts_at <= now_local {
        Err(PlanningError::InvitePast)
    } else {
        Ok(())
    }
}

/// How far ahead a meeting may be set up: five years (a plan's horizon; anything later is a typing error).
pub const MAX_DAYS_AHEAD: i64 = 5 * 366;

/// Whether the individual-level duty applies: each service's newest assessment counts, and it applies when
/// one of them finds cooperation necessary (spec 01 §4.2 step 2, §6.1). `newest_first` is (service, result).
pub fn cooperation_necessary<'a>(newest_first: impl IntoIterator<Item = (&'a str, AssessmentResult)>) -> bool {
    let mut seen = HashSet::new();
    newest_first.into_iter().filter(|(s, _)| seen.insert(*s)).any(|(_, r)| r == AssessmentResult::Necessary)
}

/// Continuous evaluation (spec 01 §4.3): when cooperation is necessary and nothing has been assessed or
/// changed in the plan for `cadence_days`, it is time to evaluate with the family.
pub fn evaluation_due(
    cooperation_necessary: bool,
    last_change: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
    cadence_days: i64,
) -> bool {
    cooperation_necessary && last_change.is_none_or(|t| (now - t).num_days() > cadence_days)
}

/// The life transitions that can be foreseen from the child's birth date and the sentence, on the day
/// they happen (spec 01 §8.F item 25): school start in August of the year the child turns 6 (opplæringslova
/// § 2-1), upper secondary in August of the year they turn 16, turning 18, and the end of a sentence. Those
/// from `today` to `today + horizon_days` are returned, soonest first, so the services can review who
/// coordinates before, not after.
pub fn upcoming_transitions(
    birth: NaiveDate,
    sentence_ends: Option<NaiveDate>,
    today: NaiveDate,
    horizon_days: i64,
) -> Vec<(crate::coordination::Transition, NaiveDate)> {
    use crate::coordination::Transition;
    use chrono::Datelike;
    let august = |year: i32| NaiveDate::from_ymd_opt(year, 8, 15);
    let candidates = [
        (Transition::KindergartenToSchool, august(birth.year() + 6)),
        (Transition::LowerToUpperSecondary, august(birth.year() + 16)),
        (Transition::Turning18, birth.checked_add_months(chrono::Months::new(18 * 12))),
        (Transition::EndOfSentence, sentence_ends),
    ];
    let until = today + Duration::days(horizon_days);
    let mut out: Vec<(Transition, NaiveDate)> = candidates
        .into_iter()
        .filter_map(|(t, d)| d.map(|d| (t, d)))
        .filter(|(_, d)| *d >= today && *d <= until)
        .collect();
    out.sort_by_key(|(_, d)| *d);
    out
}

coded_enum!(
    /// The kinds of meeting in a case (spec 01 §4.6 scenario B, §5.2).
    MeetingKind {
        /// A cooperation meeting with the services and the family.
        Cooperation = "cooperation",
        /// The start-up meeting that sets the plan (the youth plan in a youth sentence).
        StartUp = "start_up",
        /// A regular follow-up meeting.
        FollowUp = "follow_up",
        /// A restorative meeting with the victim, arranged by the mediation service (konfliktrådet).
        Restorative = "restorative",
        /// A meeting of the responsibility group (ansvarsgruppe) that carries out the child's individual
        /// plan (spec 02 §2; issue 13): only while the plan is open, arranged by a service with access to it.
        ResponsibilityGroup = "responsibility_group",
    }
);

coded_enum!(
    /// How the child takes part in a meeting (spec 01 §8.G item 27).
    ChildParticipation {
        Attends = "attends",
        PartOfMeeting = "part_of_meeting",
        ThroughSomeone = "through_someone",
        WrittenViews = "written_views",
        NotTakingPart = "not_taking_part",
    }
);

/// A place in the plan's order: 1 to [`MAX_POSITION`].
pub const MAX_POSITION: i64 = 999;

/// Checks a place in the plan's order as typed on the page or sent to the API.
pub fn validate_position(n: i64) -> Result<i32, PlanningError> {
    if (1..=MAX_POSITION).contains(&n) { Ok(n as i32) } else { Err(PlanningError::Position) }
}

/// The most meetings one series may set up at once, and the longest interval, in weeks.
pub const MAX_SERIES: u32 = 52;
pub const MAX_INTERVAL_WEEKS: u32 = 26;

/// The start times of a meeting series: `count` meetings, `every_weeks` apart, from `first`.
pub fn series_starts(first: NaiveDateTime, every_weeks: u32, count: u32) -> Result<Vec<NaiveDateTime>, PlanningError> {
    if count == 0 || count > MAX_SERIES {
        return Err(PlanningError::SeriesCount);
    }
    if count > 1 && (every_weeks == 0 || every_weeks > MAX_INTERVAL_WEEKS) {
        return Err(PlanningError::SeriesInterval);
    }
    (0..count)
        .map(|i| first.checked_add_signed(Duration::weeks(i64::from(i) * i64::from(every_weeks))))
        .collect::<Option<Vec<_>>>()
        .ok_or(PlanningError::MeetingTooFar)
}

/// What a meeting request is checked against.
#[derive(Debug, Clone)]
pub struct MeetingFacts<'a> {
    /// The services taking part in the case now.
    pub participants: &'a [String],
    /// The case has a youth sentence, and the service arranging the meeting is its youth coordinator's.
    pub sentence: bool,
    pub arranged_by_youth_coordinator: bool,
    /// The child has an individual plan not ended, and the arranging service may read it (holds the main
    /// responsibility or is named by the consent in force).
    pub plan_open_to_arranger: bool,
}

/// A meeting to set up.
#[derive(Debug, Clone)]
pub struct MeetingRequest<'a> {
    pub kind: MeetingKind,
    pub agenda: &'a str,
    pub invited: &'a [String],
    /// Services the child does not want in the room: they contribute outside the meeting.
    pub excluded_by_child: &'a [String],
    pub duration_minutes: u32,
}

/// Checks a meeting before it is set up.
pub fn validate_meeting(m: &MeetingRequest<'_>, f: &MeetingFacts<'_>) -> Result<(), PlanningError> {
    if m.agenda.trim().is_empty() {
        return Err(PlanningError::AgendaMissing);
    }
    if m.invited.is_empty() {
        return Err(PlanningError::NobodyInvited);
    }
    if m.duration_minutes == 0 || m.duration_minutes > 8 * 60 {
        return Err(PlanningError::Duration);
    }
    if let Some(s) = m.invited.iter().chain(m.excluded_by_child).find(|s| !f.participants.contains(s)) {
        return Err(PlanningError::NotParticipant(s.clone()));
    }
    if let Some(s) = m.excluded_by_child.iter().find(|s| m.invited.contains(s)) {
        return Err(PlanningError::InvitedAgainstChildsWish(s.clone()));
    }
    if m.kind == MeetingKind::Restorative && !(f.sentence && f.arranged_by_youth_coordinator) {
        return Err(PlanningError::RestorativeByMediationService);
    }
    if m.kind == MeetingKind::ResponsibilityGroup && !f.plan_open_to_arranger {
        return Err(PlanningError::ResponsibilityGroupWithoutPlan);
    }
    Ok(())
}

/// Checks the minutes of a meeting: written after it has started, by someone who was invited, naming who came.
pub fn validate_minutes(
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
    invited: &[String],
    attended: &[String],
    minutes: &str,
) -> Result<(), PlanningError> {
    if now < starts_at {
        return Err(PlanningError::MinutesBeforeMeeting);
    }
    if minutes.trim().is_empty() {
        return Err(PlanningError::MinutesMissing);
    }
    if let Some(s) = attended.iter().find(|s| !invited.contains(s)) {
        return Err(PlanningError::AttendedNotInvited(s.clone()));
    }
    Ok(())
}

/// Checks that a meeting can be cancelled: with a reason, before it has started, once, and not after
/// minutes were written.
pub fn validate_cancel(
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
    has_minutes: bool,
    already_cancelled: bool,
    reason: &str,
) -> Result<(), PlanningError> {
    if reason.trim().is_empty() {
        return Err(PlanningError::CancelReason);
    }
    if already_cancelled {
        return Err(PlanningError::AlreadyCancelled);
    }
    if has_minutes || now >= starts_at {
        return Err(PlanningError::CancelAfterStart);
    }
    Ok(())
}

/// How many items a meeting's preparation checklist may have, and how long each may be.
pub const CHECKLIST_MAX_ITEMS: usize = 20;
pub const CHECKLIST_MAX_CHARS: usize = 200;

/// The preparation checklist of a meeting (spec 01 §8.G item 27): what must be ready before it, one item
/// per line. Blank lines are dropped; at most [`CHECKLIST_MAX_ITEMS`] items of [`CHECKLIST_MAX_CHARS`]
/// characters each, so that it stays a checklist and not a second agenda.
pub fn checklist<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, PlanningError> {
    let items: Vec<String> =
        lines.into_iter().flat_map(str::lines).map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if items.len() > CHECKLIST_MAX_ITEMS || items.iter().any(|i| i.chars().count() > CHECKLIST_MAX_CHARS) {
        return Err(PlanningError::Checklist);
    }
    Ok(items)
}

/// A follow-up agreed at a meeting: who does what by when (spec 01 §8.G item 27).
#[derive(Debug, Clone, Copy)]
pub struct ActionRequest<'a> {
    pub description: &'a str,
    /// The service that does it. It must take part in the case, but need not have been at the meeting: a
    /// service the child did not want present still contributes outside it.
    pub owner_service: &'a str,
    pub due_on: NaiveDate,
}

/// Checks a follow-up: agreed at a meeting that has started, with a text, owned by a service taking part
/// in the case, and due on or after the meeting's day.
pub fn validate_action(
    req: &ActionRequest<'_>,
    meeting_starts: NaiveDateTime,
    now: NaiveDateTime,
    participants: &[String],
) -> Result<(), PlanningError> {
    if now < meeting_starts {
        return Err(PlanningError::ActionBeforeMeeting);
    }
    if req.description.trim().is_empty() {
        return Err(PlanningError::ActionDescription);
    }
    if !participants.iter().any(|p| p == req.owner_service) {
        return Err(PlanningError::ActionOwner(req.owner_service.to_owned()));
    }
    if req.due_on < meeting_starts.date() {
        return Err(PlanningError::ActionDue);
    }
    Ok(())
}

/// Whether an open follow-up is past its due day.
pub fn action_overdue(due_on: NaiveDate, done: bool, today: NaiveDate) -> bool {
    !done && today > due_on
}

/// Why a plan change, an assessment's situations, a meeting or its minutes are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanningError {
    #[error("the order is a number from 1 to 999")]
    Position,
    #[error(
        "you ticked a situation the guidance names as needing cooperation: say why cooperation is still not necessary here (spec 01 §4.2 step 2; the threshold should be low)"
    )]
    DeviationUnexplained,
    #[error("the measure waits for an item that is not in this plan ({0})")]
    UnknownDependency(String),
    #[error("a measure must come after the measure it waits for: give it a later place in the order")]
    OrderAgainstDependency,
    #[error("this measure waits for another that has not started yet")]
    DependencyNotStarted,
    #[error("a series has from 1 to 52 meetings")]
    SeriesCount,
    #[error("meetings in a series are 1 to 26 weeks apart")]
    SeriesInterval,
    #[error("the meeting needs an agenda")]
    AgendaMissing,
    #[error("invite at least one service")]
    NobodyInvited,
    #[error("a meeting lasts from 1 minute to 8 hours")]
    Duration,
    #[error("only services taking part in the case can be invited ({0} does not)")]
    NotParticipant(String),
    #[error("the child does not want {0} at the meeting: that service contributes outside the meeting")]
    InvitedAgainstChildsWish(String),
    #[error(
        "restorative meetings are arranged by the mediation service's youth coordinator in a youth sentence (spec 01 §5.2)"
    )]
    RestorativeByMediationService,
    #[error(
        "a responsibility group meets to carry out an individual plan: the child needs a plan that is not ended, and your service needs access to it (IP-forskriften § 9; spec 02 §2)"
    )]
    ResponsibilityGroupWithoutPlan,
    #[error("the meeting is cancelled")]
    InviteCancelled,
    #[error("the meeting has already started")]
    InvitePast,
    #[error("minutes are written after the meeting has started")]
    MinutesBeforeMeeting,
    #[error("the minutes are empty")]
    MinutesMissing,
    #[error("{0} was not invited to this meeting")]
    AttendedNotInvited(String),
    #[error("say why the meeting is cancelled; the family and the services see it")]
    CancelReason,
    #[error("the meeting is already cancelled")]
    AlreadyCancelled,
    #[error("a meeting that has started or has minutes cannot be cancelled")]
    CancelAfterStart,
    #[error("a cancelled meeting has no minutes and no follow-ups")]
    MinutesForCancelled,
    #[error("the preparation checklist has at most 20 items of at most 200 characters each")]
    Checklist,
    #[error("follow-ups are agreed at the meeting: add them once it has started")]
    ActionBeforeMeeting,
    #[error("say what is to be done")]
    ActionDescription,
    #[error("only a service taking part in the case can own a follow-up ({0} does not)")]
    ActionOwner(String),
    #[error("the due date cannot be before the meeting")]
    ActionDue,
    #[error("the follow-up is already done")]
    ActionDone,
    #[error("status is planned, started, done or stopped")]
    Status,
    #[error("a decision is recorded once it is made")]
    DecisionInFuture,
    #[error("record an outcome once it is achieved")]
    OutcomeInFuture,
    #[error("meetings are set up ahead; record a past meeting's minutes on the meeting")]
    MeetingInPast,
    #[error("meetings are set up at most five years ahead")]
    MeetingTooFar,
}

impl PlanningError {
    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        use PlanningError::*;
        Some(match self {
            Position => "position",
            DeviationUnexplained => "deviation_reason",
            UnknownDependency(_) | OrderAgainstDependency | DependencyNotStarted => "depends_on",
            SeriesCount | SeriesInterval => "count",
            AgendaMissing => "agenda",
            NobodyInvited | NotParticipant(_) | InvitedAgainstChildsWish(_) => "invited",
            Duration => "duration_minutes",
            RestorativeByMediationService | ResponsibilityGroupWithoutPlan => "kind",
            InviteCancelled | InvitePast => "starts_at",
            MinutesBeforeMeeting | MinutesMissing | MinutesForCancelled => "minutes",
            AttendedNotInvited(_) => "attended",
            CancelReason | AlreadyCancelled | CancelAfterStart => "reason",
            Checklist => "preparation",
            ActionBeforeMeeting | ActionDescription => "description",
            ActionOwner(_) => "owner_service",
            ActionDue => "due_on",
            ActionDone => "note",
            Status => "status",
            DecisionInFuture => "decided_on",
            OutcomeInFuture => "achieved_on",
            MeetingInPast | MeetingTooFar => "starts_at",
        })
    }

    /// Stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            PlanningError::DeviationUnexplained => "assessment.situation_deviation",
            PlanningError::UnknownDependency(_) => "plan.unknown_dependency",
            PlanningError::OrderAgainstDependency => "plan.order",
            PlanningError::Position => "plan.position",
            PlanningError::DependencyNotStarted => "plan.dependency_not_started",
            PlanningError::SeriesCount => "meeting.series_count",
            PlanningError::SeriesInterval => "meeting.series_interval",
            PlanningError::AgendaMissing => "meeting.agenda",
            PlanningError::NobodyInvited => "meeting.invited",
            PlanningError::Duration => "meeting.duration",
            PlanningError::NotParticipant(_) => "meeting.not_participant",
            PlanningError::InvitedAgainstChildsWish(_) => "meeting.excluded_by_child",
            PlanningError::RestorativeByMediationService => "meeting.restorative",
            PlanningError::ResponsibilityGroupWithoutPlan => "meeting.responsibility_group_without_plan",
            PlanningError::InviteCancelled => "meeting.invite_cancelled",
            PlanningError::InvitePast => "meeting.invite_past",
            PlanningError::MinutesBeforeMeeting => "meeting.minutes_early",
            PlanningError::MinutesMissing => "meeting.minutes_missing",
            PlanningError::AttendedNotInvited(_) => "meeting.attended_not_invited",
            PlanningError::CancelReason => "meeting.cancel_reason",
            PlanningError::AlreadyCancelled => "meeting.already_cancelled",
            PlanningError::CancelAfterStart => "meeting.cancel_after_start",
            PlanningError::MinutesForCancelled => "meeting.cancelled",
            PlanningError::Checklist => "meeting.checklist",
            PlanningError::ActionBeforeMeeting => "meeting.action_early",
            PlanningError::ActionDescription => "meeting.action_description",
            PlanningError::ActionOwner(_) => "meeting.action_owner",
            PlanningError::ActionDue => "meeting.action_due",
            PlanningError::ActionDone => "meeting.action_done",
            PlanningError::Status => "plan.status",
            PlanningError::DecisionInFuture => "decision.future",
            PlanningError::OutcomeInFuture => "outcome.future",
            PlanningError::MeetingInPast => "meeting.past",
            PlanningError::MeetingTooFar => "meeting.too_far",
        }
    }
}

#[cfg(test)]
mod tests;
