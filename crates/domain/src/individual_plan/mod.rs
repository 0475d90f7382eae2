//! The individual plan (individuell plan, IP; forskrift om individuell plan ved ytelse av velferdstjenester,
//! "IP-forskriften", in force from 1 August 2022; spec 02 §2, §5 scenarios S-15 and S-16).
//!
//! One plan per child, however many laws give the right (§ 2.1): starting IP work where a plan exists or is
//! pending links to it ([`start`]). The legal bases are recorded, several per plan ([`IpBasis`]); each
//! decides whose consent the plan needs ([`consent_requirements`], IP-forskriften § 5) and where a complaint
//! goes ([`IpComplaintRoute`], § 11). Exactly one service has the main responsibility at every moment
//! (§§ 7–8, [`validate_responsibility`]); specialist health notifies and takes part but never holds it; the
//! services with a duty to take part are contacted and marked as obliged ([`IpRole`]).
//!
//! Where the sources leave a fact open (spec 05 §2–3: the bvl § 12-9 deadline, who is a party under NAV's
//! bases), the value here is a default marked "verify", and the store lets the municipality set it.

pub mod complaint;
pub mod content;
pub mod group;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;

use crate::consent::{
    ConsentDomain, ConsentError, ConsentGiver, ConsentSituation, GiverCapacity, Requirement, required_consent,
    validate_givers,
};
use crate::model::{OwnerType, Participation, Sector, coded_enum};

coded_enum!(
    /// A law that gives the child the right to an individual plan (spec 02 §2.1). Several can apply to one
    /// plan; none gives a second plan.
    IpBasis {
        /// Sosialtjenesteloven § 28 (NAV's social services).
        SotjlS28 = "sotjl_28",
        /// Sosialtjenesteloven § 33 (young people over 18 in the qualification programme).
        SotjlS33 = "sotjl_33",
        /// NAV-loven § 15.
        NavS15 = "navl_15",
        /// Helse- og omsorgstjenesteloven § 7-1 (the municipal health and care service).
        HolS7_1 = "hol_7_1",
        /// Spesialisthelsetjenesteloven § 2-5.
        SphlS2_5 = "sphl_2_5",
        /// Psykisk helsevernloven § 4-1.
        PhvlS4_1 = "phvl_4_1",
        /// Pasient- og brukerrettighetsloven § 2-5 (the patient's and user's right).
        PbrlS2_5 = "pbrl_2_5",
        /// Barnevernsloven § 15-9.
        BvlS15_9 = "bvl_15_9",
    }
);

impl IpBasis {
    /// The provision as it is cited.
    pub fn law(self) -> &'static str {
        match self {
            IpBasis::SotjlS28 => "sosialtjenesteloven § 28",
            IpBasis::SotjlS33 => "sosialtjenesteloven § 33",
            IpBasis::NavS15 => "NAV-loven § 15",
            IpBasis::HolS7_1 => "helse- og omsorgstjenesteloven § 7-1",
            IpBasis::SphlS2_5 => "spesialisthelsetjenesteloven § 2-5",
            IpBasis::PhvlS4_1 => "psykisk helsevernloven § 4-1",
            IpBasis::PbrlS2_5 => "pasient- og brukerrettighetsloven § 2-5",
            IpBasis::BvlS15_9 => "barnevernsloven § 15-9",
        }
    }

    /// Whose consent rules apply (IP-forskriften § 5: "the relevant welfare law"; spec 02 §2.3): NAV's
    /// bases follow the general rule, the health bases pbrl chapter 4, child welfare the notes to bvl § 15-9.
    pub fn consent_domain(self) -> ConsentDomain {
        match self {
            IpBasis::SotjlS28 | IpBasis::SotjlS33 | IpBasis::NavS15 => ConsentDomain::General,
            IpBasis::HolS7_1 | IpBasis::SphlS2_5 | IpBasis::PhvlS4_1 | IpBasis::PbrlS2_5 => ConsentDomain::Health,
            IpBasis::BvlS15_9 => ConsentDomain::ChildWelfare,
        }
    }

    /// Where a complaint about the plan goes under this basis (IP-forskriften § 11, spec 02 §2.5).
    pub fn complaint_route(self) -> IpComplaintRoute {
        match self {
            IpBasis::SotjlS28 | IpBasis::SotjlS33 | IpBasis::NavS15 => IpComplaintRoute::IndividualDecision,
            IpBasis::HolS7_1 | IpBasis::SphlS2_5 | IpBasis::PhvlS4_1 | IpBasis::PbrlS2_5 => {
                IpComplaintRoute::PbrlChapter7
            }
            IpBasis::BvlS15_9 => IpComplaintRoute::BvlS12_9,
        }
    }
}

coded_enum!(
    /// The complaint routes of IP-forskriften § 11 (spec 02 §2.5).
    IpComplaintRoute {
        /// NAV's bases: the decision on the right to a plan is an individual decision (enkeltvedtak);
        /// forvaltningsloven chapter VI, and for sosialtjenesteloven §§ 28 and 33 also its §§ 47–48.
        IndividualDecision = "individual_decision",
        /// The health bases: not an individual decision; pasient- og brukerrettighetsloven chapter 7, to
        /// statsforvalteren.
        PbrlChapter7 = "pbrl_chapter_7",
        /// Child welfare: not an individual decision; to statsforvalteren under barnevernsloven § 12-9.
        BvlS12_9 = "bvl_12_9",
    }
);

impl IpComplaintRoute {
    /// The rules the complaint follows, as cited.
    pub fn law(self) -> &'static str {
        match self {
            IpComplaintRoute::IndividualDecision => {
                "forvaltningsloven kapittel VI (for sosialtjenesteloven §§ 28 og 33 også §§ 47–48)"
            }
            IpComplaintRoute::PbrlChapter7 => "pasient- og brukerrettighetsloven kapittel 7",
            IpComplaintRoute::BvlS12_9 => "barnevernsloven § 12-9",
        }
    }

    /// The default time to complain, in days, where the municipality has set none: fvl § 29 three weeks
    /// and pbrl § 7-5 four weeks (spec 05 §2a–2b, verified); bvl § 12-9 three weeks is inferred (spec 05
    /// §2c: verify the text of § 12-9), so the municipality can change it.
    pub fn default_deadline_days(self) -> i64 {
        match self {
            IpComplaintRoute::IndividualDecision => 21,
            IpComplaintRoute::PbrlChapter7 => 28,
            IpComplaintRoute::BvlS12_9 => 21,
        }
    }

    /// Whether the complaint is about an individual decision (only NAV's bases).
    pub fn is_individual_decision(self) -> bool {
        self == IpComplaintRoute::IndividualDecision
    }
}

/// The routes a plan's complaints can take: one per distinct route of its bases, in a fixed order.
pub fn complaint_routes(bases: &[IpBasis]) -> Vec<IpComplaintRoute> {
    let mut routes: Vec<IpComplaintRoute> = bases.iter().map(|b| b.complaint_route()).collect();
    routes.sort();
    routes.dedup();
    routes
}

/// A service's place in IP work, from its kind (spec 02 §2.6–2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "law", rename_all = "snake_case")]
pub enum IpRole {
    /// Child welfare, NAV and the municipal health and care service: each has an independent duty to start
    /// IP work (§ 6), and one of them holds the main responsibility (§ 7).
    Responsible,
    /// Specialist health (a health trust or institution): notifies the coordinating unit of the need and
    /// takes part in the municipality's IP work (§ 8), never holds the main responsibility.
    Specialist,
    /// A provider with a duty to take part (plikt til å medvirke, spec 02 §2.8), with the provision.
    DutyToTakePart(&'static str),
    /// Any other service: takes part when the family wishes it.
    Other,
}

/// The place of a service of `service_type` (the directory's code), sector and owner in IP work.
pub fn role_of(service_type: &str, sector: Sector, owner: OwnerType) -> IpRole {
    match service_type {
        "barnevernstjenesten" | "nav-kommune" | "nav-stat" | "koordinerende-enhet" => IpRole::Responsible,
        "barnehage" | "barnehage-privat" => IpRole::DutyToTakePart("barnehageloven § 2 b første ledd"),
        "grunnskole" | "sfo" | "videregaende-skole" => IpRole::DutyToTakePart("opplæringsloven § 24-1 første ledd"),
        "privatskole" => IpRole::DutyToTakePart("privatskoleloven § 3-6 a første ledd"),
        "krisesenter" => IpRole::DutyToTakePart("krisesenterloven § 4 første ledd"),
        "introduksjonsprogram" => IpRole::DutyToTakePart("integreringsloven § 50 første ledd"),
        _ if sector == Sector::Health && owner == OwnerType::Municipal => IpRole::Responsible,
        _ if sector == Sector::Health && owner == OwnerType::State => IpRole::Specialist,
        _ => IpRole::Other,
    }
}

coded_enum!(
    /// Where a plan stands. It follows from the facts ([`plan_state`]): a plan is active only while a consent
    /// that meets every basis's rule is in force (IP-forskriften § 5).
    IpState {
        /// IP work has started; the plan waits for the consent it needs.
        Initiated = "initiated",
        /// Consented to and carried out.
        Active = "active",
        /// The consent was withdrawn: nothing more is done under the plan until a new consent; what it
        /// holds is kept.
        Suspended = "suspended",
        /// Ended, with the reason; kept as history. A new plan may be started after.
        Ended = "ended",
    }
);

/// The plan's state from its facts.
pub fn plan_state(ended: bool, consent_in_force: bool, last_consent_withdrawn: bool) -> IpState {
    if ended {
        IpState::Ended
    } else if consent_in_force {
        IpState::Active
    } else if last_consent_withdrawn {
        IpState::Suspended
    } else {
        IpState::Initiated
    }
}

coded_enum!(
    /// How a service got the main responsibility.
    ResponsibilityHow {
        /// The service started the IP work and holds it until the services agree otherwise.
        Start = "start",
        /// The services agreed (IP-forskriften § 7 første ledd).
        Agreed = "agreed",
        /// The municipality decided, as the services disagreed (§ 7 andre ledd, its coordination duty: hol
        /// § 3-4 andre ledd, sosialtjenesteloven § 13 tredje ledd, barnevernsloven § 15-8 andre ledd).
        MunicipalDecision = "municipal_decision",
    }
);

/// What starting IP work led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartOutcome {
    /// No plan existed or was pending: a new plan, with the starting service holding the main
    /// responsibility.
    New,
    /// The child has a plan (`plan_id`) that is not ended: the start is recorded on it, never a second plan.
    Linked(String),
}

/// Starting IP work (IP-forskriften § 6): child welfare, NAV and the municipal health and care service each
/// may, whether or not they know of the others; where the child has a plan that is not ended, the start is
/// linked to it.
pub fn start(starter: IpRole, existing: Option<(&str, IpState)>) -> Result<StartOutcome, IpError> {
    match starter {
        IpRole::Responsible => {}
        IpRole::Specialist => return Err(IpError::SpecialistNotifies),
        IpRole::DutyToTakePart(_) | IpRole::Other => return Err(IpError::NotStarter),
    }
    Ok(match existing {
        Some((id, state)) if state != IpState::Ended => StartOutcome::Linked(id.to_owned()),
        _ => StartOutcome::New,
    })
}

/// A change of the main responsibility to check.
#[derive(Debug, Clone, Copy)]
pub struct ResponsibilityChange<'a> {
    pub how: ResponsibilityHow,
    /// The service to hold it.
    pub to_service: &'a str,
    pub to_role: IpRole,
    /// The service holding it now.
    pub current: &'a str,
    /// The service the person recording it acts for (for an agreement).
    pub acting_service: Option<&'a str>,
    /// What was agreed with whom, or the municipality's reasons.
    pub reasoning: &'a str,
}

/// Checks a change of the main responsibility (IP-forskriften §§ 7–8): to one of the services with an
/// independent responsibility that takes part in the case, never to specialist health; agreed by one of the
/// two services (the holder or the one taking over), or decided by the municipality, always with reasons.
pub fn validate_responsibility(
    c: &ResponsibilityChange<'_>,
    participants: &[Participation],
    today: NaiveDate,
) -> Result<(), IpError> {
    match c.to_role {
        IpRole::Responsible => {}
        IpRole::Specialist => return Err(IpError::SpecialistHolds),
        _ => return Err(IpError::NotResponsibleKind),
    }
    if !participants.iter().any(|p| p.service_id == c.to_service && p.active_on(today)) {
        return Err(IpError::NotParticipant(c.to_service.to_owned()));
    }
    if c.to_service == c.current {
        return Err(IpError::SameHolder);
    }
    if words(c.reasoning) < 3 {
        return Err(IpError::ReasoningMissing);
    }
    match c.how {
        ResponsibilityHow::Start => Err(IpError::HowStart),
        ResponsibilityHow::Agreed => match c.acting_service {
            Some(s) if s == c.current || s == c.to_service => Ok(()),
            _ => Err(IpError::AgreementByParty),
        },
        ResponsibilityHow::MunicipalDecision => Ok(()),
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// The facts whose consent the plan needs.
#[derive(Debug, Clone, Copy)]
pub struct IpConsentSituation<'a> {
    pub bases: &'a [IpBasis],
    pub child_age: u32,
    /// Child welfare has taken over the care of the child.
    pub care_order: bool,
    /// The plan holds measures directed at the parents (bvl § 15-9: from 15 the parents consent as well).
    pub measures_for_parents: bool,
}

/// One rule the plan's consent must meet: the welfare law's consent rules, who must consent, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ConsentRequirement {
    pub domain: ConsentDomain,
    pub requirement: Requirement,
    pub rule: &'static str,
}

/// Who must consent to the plan (IP-forskriften § 5; spec 02 §2.3): each distinct welfare law among the
/// bases brings its own rule, and the consent must meet all of them. Child welfare: under 15 the parents,
/// from 15 the child alone, both when measures are directed at the parents, child welfare after a care
/// order; health: from 16 the young person, the parents below; NAV: the parents under 18.
pub fn consent_requirements(s: &IpConsentSituation<'_>) -> Vec<ConsentRequirement> {
    let mut domains: Vec<ConsentDomain> = s.bases.iter().map(|b| b.consent_domain()).collect();
    domains.sort();
    domains.dedup();
    domains
        .into_iter()
        .map(|domain| {
            let (requirement, rule) = required_consent(ConsentSituation {
                domain,
                child_age: s.child_age,
                care_order: s.care_order,
                measures_directed_at_parents: s.measures_for_parents,
                both_required: false,
            });
            ConsentRequirement { domain, requirement, rule }
        })
        .collect()
}

/// Checks the givers of a consent to the plan against every rule of its bases.
pub fn validate_ip_consent(
    s: &IpConsentSituation<'_>,
    givers: &[ConsentGiver],
    parent_has_responsibility: impl Fn(&str) -> bool,
) -> Result<(), IpError> {
    if s.bases.is_empty() {
        return Err(IpError::NoBasis);
    }
    if givers.is_empty() {
        return Err(IpError::Consent(ConsentError::WrongGivers {
            needed: "someone to consent",
            rule: "IP-forskriften § 5: no plan without consent",
        }));
    }
    for r in consent_requirements(s) {
        validate_givers(
            ConsentSituation {
                domain: r.domain,
                child_age: s.child_age,
                care_order: s.care_order,
                measures_directed_at_parents: s.measures_for_parents,
                both_required: false,
            },
            givers,
            &parent_has_responsibility,
        )
        .map_err(IpError::Consent)?;
    }
    Ok(())
}

/// Checks the givers of one consent record: someone consents; a parent has parental responsibility; the
/// child is the plan's child; child welfare consents as a service, not a person; an adult consenting about
/// themselves has no place in a child's plan. Whether the records together meet the plan's rules is
/// [`consent_still_meets`] (the child's and a parent's consents may be given apart).
pub fn validate_record_givers(
    givers: &[ConsentGiver],
    child_person_id: &str,
    parent_has_responsibility: impl Fn(&str) -> bool,
) -> Result<(), IpError> {
    if givers.is_empty() {
        return Err(IpError::Consent(ConsentError::WrongGivers {
            needed: "someone to consent",
            rule: "IP-forskriften § 5: no plan without consent",
        }));
    }
    for g in givers {
        let ok = match g.capacity {
            GiverCapacity::Parent => g.person_id.as_deref().is_some_and(&parent_has_responsibility),
            GiverCapacity::Child => g.person_id.as_deref().is_none_or(|p| p == child_person_id),
            GiverCapacity::ChildWelfareService => g.person_id.is_none(),
            GiverCapacity::Adult => false,
        };
        if !ok {
            return Err(IpError::Consent(ConsentError::ParentWithoutResponsibility));
        }
    }
    Ok(())
}

/// Whether a recorded consent (its givers) still meets the plan's rules today: after a basis is added, the
/// child grows older or measures for the parents come in, the plan may need a new consent.
pub fn consent_still_meets(s: &IpConsentSituation<'_>, givers: &[ConsentGiver]) -> bool {
    // Parental responsibility was checked when the consent was recorded.
    validate_ip_consent(s, givers, |_| true).is_ok()
}

/// Why an act on an individual plan is refused. Each has a stable code and the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpError {
    #[error(
        "IP work is started by child welfare, NAV or the municipal health and care service (IP-forskriften § 6); ask one of them"
    )]
    NotStarter,
    #[error(
        "specialist health notifies the coordinating unit of the need for a plan and takes part in the municipality's work (IP-forskriften § 8)"
    )]
    SpecialistNotifies,
    #[error("only specialist health notifies the coordinating unit under IP-forskriften § 8")]
    NotSpecialist,
    #[error(
        "the municipality has no authority over specialist health: a municipal service holds the main responsibility and specialist health takes part (IP-forskriften § 8)"
    )]
    SpecialistHolds,
    #[error("the main responsibility is held by child welfare, NAV or the municipal health and care service (§ 7)")]
    NotResponsibleKind,
    #[error("{0} does not take part in the case: add it to the case first")]
    NotParticipant(String),
    #[error("that service already holds the main responsibility")]
    SameHolder,
    #[error("say what was agreed and with whom, or the municipality's reasons (at least three words)")]
    ReasoningMissing,
    #[error("the main responsibility changes by agreement or by the municipality's decision")]
    HowStart,
    #[error(
        "an agreement is recorded by the service holding the main responsibility or the one taking it over; if they disagree the municipality decides"
    )]
    AgreementByParty,
    #[error("record at least one legal basis for the plan")]
    NoBasis,
    #[error("this basis is already recorded on the plan")]
    BasisRecorded,
    #[error("the plan needs at least one legal basis: add the new one before removing this")]
    LastBasis,
    #[error("{0}")]
    Consent(ConsentError),
    #[error("name at least one service, and each service taking part at most once")]
    AccessServices,
    #[error("{0} is not a service taking part in the case")]
    AccessNotParticipant(String),
    #[error("the plan has ended: start IP work again for a new plan")]
    Ended,
    #[error("there is no consent in force to withdraw")]
    NoConsent,
    #[error("say why the plan ends (at least three words)")]
    EndReason,
    #[error("{0} already takes part in the plan")]
    AlreadyParticipant(String),
    #[error("describe the need the health trust sees (at least three words)")]
    NotificationText,
    #[error("{0}")]
    Complaint(complaint::ComplaintError),
    #[error("the plan is prepared and changed only while the family's consent is in force (IP-forskriften § 5)")]
    NotActive,
    #[error("{0}")]
    Content(content::ContentError),
    #[error("say what the member does in the group, e.g. \"kontaktlærer\" (2 to 120 characters)")]
    GroupFunction,
    #[error("an employee sits in the group for a service they work in")]
    GroupEmployeeService,
    #[error("the child and the parents with parental responsibility sit in the group for the family")]
    GroupNotFamily,
    #[error("already a member of the responsibility group")]
    GroupAlreadyMember,
    #[error("not a member of the responsibility group")]
    GroupNotMember,
}

impl IpError {
    /// A stable code for translations and API problems.
    pub fn code(&self) -> &'static str {
        match self {
            IpError::NotStarter => "ip.not_starter",
            IpError::SpecialistNotifies => "ip.specialist_notifies",
            IpError::NotSpecialist => "ip.not_specialist",
            IpError::SpecialistHolds => "ip.specialist_holds",
            IpError::NotResponsibleKind => "ip.not_responsible_kind",
            IpError::NotParticipant(_) => "ip.not_participant",
            IpError::SameHolder => "ip.same_holder",
            IpError::ReasoningMissing => "ip.reasoning",
            IpError::HowStart => "ip.how",
            IpError::AgreementByParty => "ip.agreement_by_party",
            IpError::NoBasis => "ip.no_basis",
            IpError::BasisRecorded => "ip.basis_recorded",
            IpError::LastBasis => "ip.last_basis",
            IpError::Consent(e) => e.code(),
            IpError::AccessServices => "ip.access_services",
            IpError::AccessNotParticipant(_) => "ip.access_not_participant",
            IpError::Ended => "ip.ended",
            IpError::NoConsent => "ip.no_consent",
            IpError::EndReason => "ip.end_reason",
            IpError::AlreadyParticipant(_) => "ip.already_participant",
            IpError::NotificationText => "ip.notification_text",
            IpError::Complaint(e) => e.code(),
            IpError::NotActive => "ip.not_active",
            IpError::Content(e) => e.code(),
            IpError::GroupFunction => "ip.group_function",
            IpError::GroupEmployeeService => "ip.group_employee_service",
            IpError::GroupNotFamily => "ip.group_not_family",
            IpError::GroupAlreadyMember => "ip.group_already_member",
            IpError::GroupNotMember => "ip.group_not_member",
        }
    }

    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            IpError::NotStarter | IpError::SpecialistNotifies | IpError::NotSpecialist => Some("service_id"),
            IpError::SpecialistHolds
            | IpError::NotResponsibleKind
            | IpError::NotParticipant(_)
            | IpError::SameHolder
            | IpError::AlreadyParticipant(_) => Some("service_id"),
            IpError::ReasoningMissing => Some("reasoning"),
            IpError::HowStart | IpError::AgreementByParty => Some("how"),
            IpError::NoBasis | IpError::BasisRecorded | IpError::LastBasis => Some("basis"),
            IpError::Consent(e) => e.field(),
            IpError::AccessServices | IpError::AccessNotParticipant(_) => Some("access_services"),
            IpError::EndReason => Some("reason"),
            IpError::NotificationText => Some("description"),
            IpError::Complaint(e) => e.field(),
            IpError::Content(e) => e.field(),
            IpError::GroupFunction => Some("function"),
            IpError::GroupEmployeeService => Some("user_id"),
            IpError::GroupNotFamily => Some("person_id"),
            IpError::GroupAlreadyMember | IpError::GroupNotMember => Some("member"),
            IpError::NotActive | IpError::Ended | IpError::NoConsent => None,
        }
    }
}

impl From<content::ContentError> for IpError {
    fn from(e: content::ContentError) -> Self {
        IpError::Content(e)
    }
}

impl From<complaint::ComplaintError> for IpError {
    fn from(e: complaint::ComplaintError) -> Self {
        IpError::Complaint(e)
    }
}

/// Checks the services a consent gives access to the plan (IP-forskriften § 9: the consent to give the
/// participants access to confidential information): each takes part in the case, once.
pub fn validate_access_services(
    services: &[String],
    participants: &[Participation],
    today: NaiveDate,
) -> Result<(), IpError> {
    let mut seen = std::collections::BTreeSet::new();
    if services.is_empty() || services.len() > crate::consent::MAX_SERVICES {
        return Err(IpError::AccessServices);
    }
    for s in services {
        if !seen.insert(s) {
            return Err(IpError::AccessServices);
        }
        if !participants.iter().any(|p| &p.service_id == s && p.active_on(today)) {
            return Err(IpError::AccessNotParticipant(s.clone()));
        }
    }
    Ok(())
}

/// Checks the reason a plan ends.
pub fn validate_end(state: IpState, reason: &str) -> Result<(), IpError> {
    if state == IpState::Ended {
        return Err(IpError::Ended);
    }
    if words(reason) < 3 {
        return Err(IpError::EndReason);
    }
    Ok(())
}

/// Checks a notification from specialist health to the coordinating unit (IP-forskriften § 8 andre ledd).
pub fn validate_notification(notifier: IpRole, description: &str) -> Result<(), IpError> {
    if notifier != IpRole::Specialist {
        return Err(IpError::NotSpecialist);
    }
    if words(description) < 3 {
        return Err(IpError::NotificationText);
    }
    Ok(())
}

/// Requirement in words, for the page and the API.
pub fn describe_requirement(r: Requirement) -> &'static str {
    match r {
        Requirement::Child => "child",
        Requirement::Parents => "parents",
        Requirement::ChildAndParents => "child_and_parents",
        Requirement::ChildWelfareService => "child_welfare_service",
        Requirement::ChildWelfareServiceAndChild => "child_welfare_service_and_child",
    }
}
