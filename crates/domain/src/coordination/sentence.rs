//! Sentences served by young people and the transition after them (spec 01 §5.2, §8.H items 31–32): who
//! must be in the team, and the areas a release plan covers.

use chrono::NaiveDate;

use super::CoordinationError;
use crate::model::coded_enum;
use crate::planning::PlanStatus;

coded_enum!(
    /// A sentence served by a young person (spec 01 §5.2, §8.H items 31–32).
    SentenceType {
        /// Ungdomsstraff, led by the mediation service's youth coordinator: police contact and the
        /// correctional service are mandatory in the team.
        Ungdomsstraff = "ungdomsstraff",
        /// Ungdomsoppfølging, led by the youth coordinator.
        Ungdomsoppfolging = "ungdomsoppfolging",
        /// A community sentence (samfunnsstraff) under the correctional service, followed up by the probation
        /// office (friomsorgskontoret) in dialogue with the responsible municipality.
        CommunitySentence = "community_sentence",
        /// Prison, as a rule at one of the correctional service's two youth units, whose multi-agency team
        /// meets needs during the sentence and prepares the release (straffegjennomføringsloven § 10 a).
        Prison = "prison",
    }
);

impl SentenceType {
    /// The service types that lead the follow-up and record the sentence.
    pub fn lead_service_types(self) -> &'static [&'static str] {
        match self {
            SentenceType::Ungdomsstraff | SentenceType::Ungdomsoppfolging => &[YOUTH_COORDINATOR_SERVICE_TYPE],
            SentenceType::CommunitySentence => &["friomsorgskontor", "kriminalomsorgen"],
            SentenceType::Prison => &["ungdomsenhet", "kriminalomsorgen"],
        }
    }

    /// The lead's slot in the team.
    pub fn lead_role(self) -> TeamRole {
        match self {
            SentenceType::Ungdomsstraff | SentenceType::Ungdomsoppfolging => TeamRole::YouthCoordinator,
            SentenceType::CommunitySentence | SentenceType::Prison => TeamRole::CorrectionalService,
        }
    }

    /// Why a service of another type cannot record this sentence.
    pub fn not_lead_error(self) -> CoordinationError {
        match self {
            SentenceType::Ungdomsstraff | SentenceType::Ungdomsoppfolging => CoordinationError::NotYouthCoordinator,
            SentenceType::CommunitySentence => CoordinationError::NotProbationOffice,
            SentenceType::Prison => CoordinationError::NotYouthUnit,
        }
    }

    /// Sanctions of the mediation service (konfliktrådet), with restorative meetings.
    pub fn is_mediation_sanction(self) -> bool {
        matches!(self, SentenceType::Ungdomsstraff | SentenceType::Ungdomsoppfolging)
    }
}

coded_enum!(
    /// The parts of the transition plan for the time after a sentence (spec 01 §8.H item 32: release
    /// preparation; §5.2: an individual plan is an important tool for the transition to activity, education
    /// and work, and a holistic offer helps prevent new crime).
    ReleaseArea {
        Housing = "housing",
        EducationWork = "education_work",
        Health = "health",
        Finances = "finances",
        NetworkLeisure = "network_leisure",
        /// Who follows the young person up once the sentence has ended.
        FollowUpAfter = "follow_up_after",
    }
);

/// The areas Los asks the team to cover before a sentence ends: somewhere to live, something to do
/// (school or work), health, and who follows up afterwards. A checklist the source motivates, not a legal
/// requirement, so it only prompts.
pub const CORE_RELEASE_AREAS: [ReleaseArea; 4] =
    [ReleaseArea::Housing, ReleaseArea::EducationWork, ReleaseArea::Health, ReleaseArea::FollowUpAfter];

/// The core areas with no measure in the transition plan yet.
pub fn release_areas_missing(covered: &[ReleaseArea]) -> Vec<ReleaseArea> {
    CORE_RELEASE_AREAS.iter().copied().filter(|a| !covered.contains(a)).collect()
}

/// The core areas missing from a plan, given each current item's status and area: stopped measures do not
/// count as covering an area.
pub fn release_areas_missing_in(
    items: impl IntoIterator<Item = (PlanStatus, Option<ReleaseArea>)>,
) -> Vec<ReleaseArea> {
    let covered: Vec<ReleaseArea> =
        items.into_iter().filter(|(status, _)| *status != PlanStatus::Stopped).filter_map(|(_, area)| area).collect();
    release_areas_missing(&covered)
}

/// A measure may be part of the transition plan only in a case with a sentence; a goal never is.
pub fn validate_release_area(
    kind: &str,
    area: Option<ReleaseArea>,
    has_sentence: bool,
) -> Result<(), CoordinationError> {
    if area.is_some() && (kind != "measure" || !has_sentence) {
        return Err(CoordinationError::ReleaseAreaWithoutSentence);
    }
    Ok(())
}

/// Whether the transition plan should be prompted now: the sentence ends within `horizon_days` and core
/// areas have no measure yet.
pub fn release_preparation_due(
    ends_on: NaiveDate,
    today: NaiveDate,
    horizon_days: i64,
    missing: &[ReleaseArea],
) -> bool {
    !missing.is_empty() && ends_on >= today && (ends_on - today).num_days() <= horizon_days
}

coded_enum!(
    /// Roles in the follow-up team (oppfølgingsteam).
    TeamRole {
        YouthCoordinator = "youth_coordinator",
        PoliceContact = "police_contact",
        CorrectionalService = "correctional_service",
        Parent = "parent",
        Guardian = "guardian",
        Service = "service",
        Network = "network",
    }
);

/// The mandatory team roles for a sanction, and whether parents join (under 18).
pub fn mandatory_team_roles(kind: SentenceType, youth_age: u32) -> Vec<TeamRole> {
    let mut roles = vec![kind.lead_role()];
    if kind == SentenceType::Ungdomsstraff {
        roles.extend([TeamRole::PoliceContact, TeamRole::CorrectionalService]);
    }
    if youth_age < 18 {
        roles.push(TeamRole::Parent);
    }
    roles
}

coded_enum!(
    /// What the county follow-up service (OT) achieved with the young person (spec 01 §8.H item 33).
    FollowUpOutcome {
        /// Back in upper secondary education or training.
        Education = "education",
        /// In work.
        Work = "work",
        /// Other competence-building measures.
        CompetenceBuilding = "competence_building",
        /// A combination of school and work.
        Combination = "combination",
    }
);

/// The service type of the county follow-up service (oppfølgingstjenesten, opplæringslova), who records
/// the outcome of its follow-up.
pub const FOLLOW_UP_SERVICE_TYPE: &str = "oppfolgingstjenesten";

/// The service type of the mediation service's youth coordinator (konfliktrådet), who leads the follow-up
/// team of a youth sentence or youth follow-up.
pub const YOUTH_COORDINATOR_SERVICE_TYPE: &str = "ungdomskoordinator";

/// Checks that a youth sentence can start with this team. Under 18 the parents' slot is filled by the
/// parents with parental responsibility or, where there are none, by a guardian (verge).
pub fn validate_sentence(kind: SentenceType, youth_age: u32, team: &[TeamRole]) -> Result<(), CoordinationError> {
    if youth_age < 15 {
        return Err(CoordinationError::TooYoungForSentence);
    }
    for role in mandatory_team_roles(kind, youth_age) {
        let filled = team.contains(&role) || (role == TeamRole::Parent && team.contains(&TeamRole::Guardian));
        if !filled {
            return Err(CoordinationError::MandatorySlotMissing(match role {
                TeamRole::YouthCoordinator => "the youth coordinator",
                TeamRole::PoliceContact => "the police contact",
                TeamRole::CorrectionalService => "the correctional service",
                TeamRole::Parent => "the parents or a guardian, because the youth is under 18",
                _ => "a required member",
            }));
        }
    }
    Ok(())
}
