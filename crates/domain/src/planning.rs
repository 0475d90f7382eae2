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
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn preparation_checklist_is_short_lines() {
        assert_eq!(
            checklist(["Skolens rapport\n\n  Spør Sofia hvem hun vil snakke med  ", "Tolk bestilt"]),
            Ok(vec!["Skolens rapport".into(), "Spør Sofia hvem hun vil snakke med".into(), "Tolk bestilt".into()])
        );
        assert_eq!(checklist([" \n "]), Ok(vec![]));
        let many = "x\n".repeat(CHECKLIST_MAX_ITEMS + 1);
        assert_eq!(checklist([many.as_str()]), Err(PlanningError::Checklist));
        let long = "x".repeat(CHECKLIST_MAX_CHARS + 1);
        assert_eq!(checklist([long.as_str()]), Err(PlanningError::Checklist));
        let exact = "æ".repeat(CHECKLIST_MAX_CHARS);
        assert_eq!(checklist([exact.as_str()]).map(|v| v.len()), Ok(1), "characters, not bytes");
    }

    #[test]
    fn follow_ups_have_an_owner_taking_part_and_a_due_day() {
        let parts = vec!["skole".to_owned(), "nav".to_owned()];
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let ok = ActionRequest { description: "Søke om tilrettelegging", owner_service: "nav", due_on: day(10) };
        assert_eq!(validate_action(&ok, at(3, 9), at(3, 10), &parts), Ok(()));
        assert_eq!(validate_action(&ok, at(3, 9), at(3, 8), &parts), Err(PlanningError::ActionBeforeMeeting));
        let blank = ActionRequest { description: "  ", ..ok };
        assert_eq!(validate_action(&blank, at(3, 9), at(3, 10), &parts), Err(PlanningError::ActionDescription));
        let outsider = ActionRequest { owner_service: "bup", ..ok };
        assert_eq!(
            validate_action(&outsider, at(3, 9), at(3, 10), &parts),
            Err(PlanningError::ActionOwner("bup".into()))
        );
        let same_day = ActionRequest { due_on: day(3), ..ok };
        assert_eq!(validate_action(&same_day, at(3, 9), at(3, 10), &parts), Ok(()));
        let early = ActionRequest { due_on: day(2), ..ok };
        assert_eq!(validate_action(&early, at(3, 9), at(3, 10), &parts), Err(PlanningError::ActionDue));
        assert!(!action_overdue(day(10), false, day(10)), "due today is not overdue");
        assert!(action_overdue(day(10), false, day(11)));
        assert!(!action_overdue(day(10), true, day(11)), "done is never overdue");
    }

    #[test]
    fn scenario_d_situation_checks() {
        use Situation::*;
        // The four examples where cooperation may be necessary.
        for s in [ChildWelfareHealthNeeds, HealthNeedsAtSchool, ChallengingBehaviour, ManyProvidersFamily] {
            assert_eq!(suggested_result(&[s]), Some(AssessmentResult::Necessary), "{s}");
            assert_eq!(
                validate_situations(AssessmentResult::NotNecessary, &[s], None),
                Err(PlanningError::DeviationUnexplained)
            );
            assert!(validate_situations(AssessmentResult::NotNecessary, &[s], Some("the family declines")).is_ok());
            assert!(validate_situations(AssessmentResult::Necessary, &[s], None).is_ok());
        }
        // The counter-example: not required, but allowed with consent; choosing to cooperate needs no excuse.
        assert_eq!(suggested_result(&[UniversalServicesOnly]), Some(AssessmentResult::VoluntaryWithConsent));
        assert!(validate_situations(AssessmentResult::Necessary, &[UniversalServicesOnly], None).is_ok());
        assert!(validate_situations(AssessmentResult::NotNecessary, &[UniversalServicesOnly], None).is_ok());
        // A necessary situation beside the universal services still points to cooperation.
        assert_eq!(suggested_result(&[UniversalServicesOnly, HealthNeedsAtSchool]), Some(AssessmentResult::Necessary));
        assert_eq!(suggested_result(&[]), None);
    }

    #[test]
    fn plan_order_and_dependencies() {
        let ok = [
            PlanNode { id: "a", position: 1, depends_on: None },
            PlanNode { id: "b", position: 2, depends_on: Some("a") },
            PlanNode { id: "c", position: 3, depends_on: Some("b") },
        ];
        assert!(validate_plan(&ok).is_ok());
        let early = [
            PlanNode { id: "a", position: 2, depends_on: None },
            PlanNode { id: "b", position: 1, depends_on: Some("a") },
        ];
        assert_eq!(validate_plan(&early), Err(PlanningError::OrderAgainstDependency));
        let unknown = [PlanNode { id: "a", position: 1, depends_on: Some("x") }];
        assert_eq!(validate_plan(&unknown), Err(PlanningError::UnknownDependency("x".into())));
        let own = [PlanNode { id: "a", position: 1, depends_on: Some("a") }];
        assert_eq!(validate_plan(&own), Err(PlanningError::OrderAgainstDependency));
        assert!(may_start(Some(PlanStatus::Done)).is_ok());
        assert!(may_start(None).is_ok());
        assert_eq!(may_start(Some(PlanStatus::Planned)), Err(PlanningError::DependencyNotStarted));
        assert_eq!(PlanStatus::parse_input("begun"), Err(PlanningError::Status));
        assert_eq!(PlanningError::Status.code(), "plan.status");
    }

    #[test]
    fn meeting_series_and_the_childs_say() {
        let s = series_starts(at(7, 9), 4, 3).unwrap();
        assert_eq!(s, vec![at(7, 9), at(7, 9) + Duration::weeks(4), at(7, 9) + Duration::weeks(8)]);
        assert_eq!(series_starts(at(7, 9), 0, 3), Err(PlanningError::SeriesInterval));
        assert_eq!(series_starts(at(7, 9), 0, 1).unwrap().len(), 1);
        assert_eq!(series_starts(at(7, 9), 2, 53), Err(PlanningError::SeriesCount));
        let parts = vec!["bv".to_string(), "nav".to_string(), "skole".to_string()];
        let f = MeetingFacts { participants: &parts, sentence: false, arranged_by_youth_coordinator: false };
        let invited = vec!["bv".to_string(), "skole".to_string()];
        let excluded = vec!["nav".to_string()];
        let m = MeetingRequest {
            kind: MeetingKind::Cooperation,
            agenda: "Flytting og ny skole",
            invited: &invited,
            excluded_by_child: &excluded,
            duration_minutes: 60,
        };
        assert!(validate_meeting(&m, &f).is_ok());
        let both = vec!["bv".to_string(), "nav".to_string()];
        assert_eq!(
            validate_meeting(&MeetingRequest { invited: &both, ..m.clone() }, &f),
            Err(PlanningError::InvitedAgainstChildsWish("nav".into()))
        );
        let outsider = vec!["bup".to_string()];
        assert_eq!(
            validate_meeting(&MeetingRequest { invited: &outsider, ..m.clone() }, &f),
            Err(PlanningError::NotParticipant("bup".into()))
        );
        assert_eq!(
            validate_meeting(&MeetingRequest { kind: MeetingKind::Restorative, ..m.clone() }, &f),
            Err(PlanningError::RestorativeByMediationService)
        );
        let uk = MeetingFacts { sentence: true, arranged_by_youth_coordinator: true, ..f.clone() };
        assert!(validate_meeting(&MeetingRequest { kind: MeetingKind::Restorative, ..m.clone() }, &uk).is_ok());
        assert_eq!(
            validate_minutes(at(7, 9), at(7, 8), &invited, &invited, "x"),
            Err(PlanningError::MinutesBeforeMeeting)
        );
        assert_eq!(
            validate_minutes(at(7, 9), at(7, 11), &invited, &excluded, "x"),
            Err(PlanningError::AttendedNotInvited("nav".into()))
        );
        assert!(validate_minutes(at(7, 9), at(7, 11), &invited, &invited[..1], "Avtalt ny skole").is_ok());
        assert_eq!(validate_cancel(at(7, 9), at(6, 9), false, false, " "), Err(PlanningError::CancelReason));
        assert!(validate_cancel(at(7, 9), at(6, 9), false, false, "Sykdom").is_ok());
        assert_eq!(validate_cancel(at(7, 9), at(7, 10), false, false, "Sykdom"), Err(PlanningError::CancelAfterStart));
        assert_eq!(validate_cancel(at(7, 9), at(6, 9), true, false, "Sykdom"), Err(PlanningError::CancelAfterStart));
        assert_eq!(validate_cancel(at(7, 9), at(6, 9), false, true, "Sykdom"), Err(PlanningError::AlreadyCancelled));
    }

    #[test]
    fn each_services_newest_assessment_counts() {
        use AssessmentResult::*;
        assert!(cooperation_necessary([("bv", Necessary), ("bv", NotNecessary)]));
        assert!(!cooperation_necessary([("bv", NotNecessary), ("bv", Necessary)]));
        assert!(cooperation_necessary([("bv", NotNecessary), ("nav", Necessary)]));
        assert!(!cooperation_necessary([]));
        let now = chrono::Utc::now();
        assert!(evaluation_due(true, None, now, 90));
        assert!(!evaluation_due(true, Some(now - Duration::days(30)), now, 90));
        assert!(evaluation_due(true, Some(now - Duration::days(91)), now, 90));
        assert!(!evaluation_due(false, None, now, 90));
    }

    #[test]
    fn coded_enums_travel_as_their_codes() {
        use crate::coordination::Transition;
        for t in Transition::ALL {
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<Transition>(&json).unwrap(), *t);
        }
        for k in ChildParticipation::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert!(serde_json::from_str::<Situation>("\"nonsense\"").is_err());
    }

    #[test]
    fn transitions_are_foreseen_from_the_birth_date() {
        use crate::coordination::Transition;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Born 2009-03-06: turns 18 on 2027-03-06.
        let t = upcoming_transitions(d("2009-03-06"), None, d("2026-12-02"), 120);
        assert_eq!(t, vec![(Transition::Turning18, d("2027-03-06"))]);
        assert!(upcoming_transitions(d("2009-03-06"), None, d("2026-12-02"), 60).is_empty());
        // Born 2020-11-01: starts school in August 2026; upper secondary in August 2036.
        let t = upcoming_transitions(d("2020-11-01"), None, d("2026-06-01"), 90);
        assert_eq!(t, vec![(Transition::KindergartenToSchool, d("2026-08-15"))]);
        let t = upcoming_transitions(d("2010-01-10"), Some(d("2026-07-01")), d("2026-06-01"), 90);
        assert_eq!(
            t,
            vec![(Transition::EndOfSentence, d("2026-07-01")), (Transition::LowerToUpperSecondary, d("2026-08-15"))]
        );
        // Born on 29 February: 18 years later is 28 February.
        let t = upcoming_transitions(d("2008-02-29"), None, d("2026-02-01"), 60);
        assert_eq!(t, vec![(Transition::Turning18, d("2026-02-28"))]);
    }

    #[test]
    fn a_guardian_fills_the_parents_slot_under_18() {
        use crate::coordination::{CoordinationError, SentenceType, TeamRole, validate_sentence};
        let team = [TeamRole::YouthCoordinator, TeamRole::Guardian];
        assert!(validate_sentence(SentenceType::Ungdomsoppfolging, 17, &team).is_ok());
        assert!(matches!(
            validate_sentence(SentenceType::Ungdomsoppfolging, 17, &team[..1]),
            Err(CoordinationError::MandatorySlotMissing(_))
        ));
        assert!(validate_sentence(SentenceType::Ungdomsoppfolging, 18, &team[..1]).is_ok());
    }

    #[test]
    fn decisions_and_outcomes_are_recorded_after_the_fact_and_meetings_ahead() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(validate_decision_date(day(3), day(3)), Ok(()));
        assert_eq!(validate_decision_date(day(4), day(3)), Err(PlanningError::DecisionInFuture));
        assert_eq!(validate_outcome_date(day(1), day(3)), Ok(()));
        assert_eq!(validate_outcome_date(day(4), day(3)), Err(PlanningError::OutcomeInFuture));
        assert_eq!(PlanningError::DecisionInFuture.code(), "decision.future");
        assert_eq!(validate_meeting_ahead(at(2, 11), at(3, 10)), Ok(()), "up to a day back is allowed");
        assert_eq!(validate_meeting_ahead(at(2, 9), at(3, 10)), Err(PlanningError::MeetingInPast));
        assert_eq!(PlanningError::MeetingInPast.code(), "meeting.past");
        assert_eq!(validate_position(1), Ok(1));
        assert_eq!(validate_position(999), Ok(999));
        assert_eq!(validate_position(0), Err(PlanningError::Position));
        assert_eq!(validate_position(1000), Err(PlanningError::Position));
        let far = at(3, 10) + Duration::days(MAX_DAYS_AHEAD + 1);
        assert_eq!(validate_meeting_ahead(far, at(3, 10)), Err(PlanningError::MeetingTooFar));
        // The end of the calendar is a refusal, not a panic.
        let last = NaiveDate::MAX.and_hms_opt(9, 0, 0).unwrap();
        assert_eq!(series_starts(last, 2, 3), Err(PlanningError::MeetingTooFar));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// A measure that is planned or stopped may always take its status; one that starts or is done may
        /// only when what it waits for is not merely planned.
        #[test]
        fn a_measure_starts_only_after_what_it_waits_for(s in 0usize..4, d in proptest::option::of(0usize..4)) {
            let status = PlanStatus::ALL[s];
            let dep = d.map(|i| PlanStatus::ALL[i]);
            let refused = status.is_under_way() && dep == Some(PlanStatus::Planned);
            prop_assert_eq!(may_take(status, dep).is_err(), refused);
            prop_assert_eq!(PlanStatus::parse(status.as_str()), Some(status));
        }

        /// Any plan the rules accept can be carried out in the order of its positions: every measure's
        /// dependency comes strictly earlier, so following the order never waits on a later item.
        #[test]
        fn accepted_plans_follow_their_order(
            items in proptest::collection::vec((0i32..20, proptest::option::of(0usize..12)), 1..12)
        ) {
            let ids: Vec<String> = (0..items.len()).map(|i| format!("m{i}")).collect();
            let nodes: Vec<PlanNode<'_>> = items.iter().enumerate().map(|(i, (pos, dep))| PlanNode {
                id: ids[i].as_str(),
                position: *pos,
                depends_on: dep.map(|d| if d < ids.len() { ids[d].as_str() } else { "elsewhere" }),
            }).collect();
            if validate_plan(&nodes).is_ok() {
                let mut order: Vec<&PlanNode<'_>> = nodes.iter().collect();
                order.sort_by_key(|n| n.position);
                let mut done = HashSet::new();
                for n in order {
                    if let Some(d) = n.depends_on {
                        prop_assert!(done.contains(d), "{} waits for {} which is not earlier", n.id, d);
                    }
                    // Items on the same position are done together after the earlier ones.
                    done.insert(n.id);
                }
            }
        }

        /// A series never has more than the maximum, and its meetings are evenly spaced and increasing.
        #[test]
        fn series_are_evenly_spaced(weeks in 0u32..40, count in 0u32..70) {
            match series_starts(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap().and_hms_opt(9, 0, 0).unwrap(), weeks, count) {
                Ok(s) => {
                    prop_assert!(!s.is_empty() && s.len() as u32 <= MAX_SERIES);
                    for w in s.windows(2) {
                        prop_assert_eq!(w[1] - w[0], Duration::weeks(i64::from(weeks)));
                        prop_assert!(w[1] > w[0]);
                    }
                }
                Err(e) => prop_assert!(count == 0 || count > MAX_SERIES || weeks == 0 || weeks > MAX_INTERVAL_WEEKS, "{e}"),
            }
        }
    }
}
