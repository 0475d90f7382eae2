//! The words of the access decision: actions, resources and the facts about a case, and the decision with
//! its basis or reason.

use chrono::{DateTime, NaiveDate, Utc};
use los_domain::consent::{Consent, InfoCategory, LegalBasis};
use los_domain::model::{Guardianship, Participation, Role};
use serde::{Deserialize, Serialize};

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Write,
    /// Open a case outside normal access, giving a reason.
    BreakGlass,
    /// Decide a dispute about who coordinates, as the municipality's decision-maker.
    Decide,
}

impl Action {
    /// Stable code for the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Write => "write",
            Action::BreakGlass => "break_glass",
            Action::Decide => "decide",
        }
    }
}

/// A time-limited emergency access to one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlassGrant {
    pub id: String,
    pub case_id: String,
    pub user_id: String,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The facts about a case the decision needs.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    pub case_id: &'a str,
    pub child_person_id: &'a str,
    /// The child's age today.
    pub child_age: u32,
    pub participants: &'a [Participation],
    pub guardianships: &'a [Guardianship],
    pub consents: &'a [Consent],
    pub legal_bases: &'a [LegalBasis],
    pub grants: &'a [BreakGlassGrant],
    /// A health service accepted the child's reasons (age 12–16) for keeping health information from the
    /// parents (pbrl § 3-4 second paragraph).
    pub health_private_from_parents: bool,
    /// When a dispute about who coordinates is open: the role that decides it (spec 01 §6.3), who may then
    /// read the shared overview of the case and decide.
    pub dispute_decider: Option<Decider<'a>>,
    /// While the case is closing or closed: the day it stopped being open. The services taking part from
    /// that day on keep reading the shared overview after they have left (issue 11).
    pub closing_since: Option<NaiveDate>,
    /// While the case has an open child-coordinator matter (issue 12): the service the child's municipality
    /// authorised to assess the right (the coordinating unit, spec 02 §1.8), whose employees then read the
    /// shared overview.
    pub coordinating_unit: Option<&'a str>,
}

/// Who decides an open dispute about who coordinates: a role in the organisation of the child's
/// municipality, as that municipality has configured it (spec 01 §6.3). The same role in another
/// municipality opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decider<'a> {
    pub role: Role,
    pub organisation_id: &'a str,
}

/// What the actor wants to act on.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// Public reference data: laws, provisions, the service directory, municipalities.
    PublicReference,
    /// The shared part of a case: who takes part, who coordinates, the shared plan, consents.
    Case(CaseFacts<'a>),
    /// Information a service owns in a case, of a category.
    CaseInfo { case: CaseFacts<'a>, owner_service: &'a str, category: InfoCategory },
    /// One of a service's own records (a note). As `CaseInfo`, and for the child or young person it is
    /// about: their own access by age and the law of the information, or where the law leaves it to the
    /// service, `open_to_child` (the service opened this record to them).
    CaseRecord { case: CaseFacts<'a>, owner_service: &'a str, category: InfoCategory, open_to_child: bool },
    /// A person's strictly confidential address, shown only to services in `must_know` and to the people
    /// registered at that address with them (`household`).
    ProtectedAddress { case: CaseFacts<'a>, person_id: &'a str, must_know: &'a [String], household: &'a [String] },
    /// Where the child of a case lives or spends the day: the services' names, meeting places and times,
    /// the case's title and records. When the child has a strictly confidential address (`protected`), only
    /// the services taking part (bound by confidentiality, and told why), an emergency grant, the child and
    /// the people registered at the address with them (`household`) see it; a parent with parental
    /// responsibility who does not live there does not (spec issue 10, defect 6).
    CaseLocation { case: CaseFacts<'a>, protected: bool, household: &'a [String] },
    /// A consent a family member gives in Los themselves (spec 04: digital consent by the family).
    OwnConsent { case: CaseFacts<'a>, actor_gives: bool, digital: bool },
    /// Withdrawing a consent. `entitled`: the citizen acting gave it, or may give it for the child now under
    /// every regime it falls under (`los_domain::consent::may_withdraw`). Employees record a withdrawal the
    /// family tells them of.
    ConsentWithdrawal { case: CaseFacts<'a>, entitled: bool },
    /// The family ends the cooperation about the child (issue 11). `entitled`: the citizen acting is one
    /// whose consent the cooperation needs now (`los_domain::closing::may_end_cooperation`). Employees record
    /// it when the family tells them, as a write to the case.
    CooperationEnd { case: CaseFacts<'a>, entitled: bool },
    /// Reopening a closing or closed case: a service taking part, or one that took part when it stopped
    /// being open. The family asks a service.
    CaseReopening { case: CaseFacts<'a> },
    /// A report from the child, young person or parent that something is not working (spec 01 §8.G item
    /// 28), sent to the coordinating service or another contact they chose. Only the author and the
    /// recipient service read it; that is what makes it safe to send.
    Feedback { case: CaseFacts<'a>, recipient_service: &'a str, author_person_id: &'a str },
    /// Whether a young person's health information is kept from the parents (pbrl § 3-4): decided by a
    /// health service taking part, and only by one.
    HealthPrivacy { case: CaseFacts<'a>, service_id: &'a str, health_service: bool },
    /// Opening a case for a child through a service (issue 11), or asking to join the child's existing case:
    /// an employee working in that service (not as leader or administrator). Nothing of any existing case
    /// is shown by this; the services in that case decide whether the requester joins.
    CaseOpening { service_id: &'a str },
    /// A request from another service to join a case, answered by a service taking part (as a write to the
    /// case). `requester` is the service asking.
    JoinRequestAnswer { case: CaseFacts<'a>, requester: &'a str },
    /// The child-coordinator matter of a case (pbrl § 2-5 c, hol § 7-2 a; issue 12). `unit`: the service
    /// the child's municipality authorised to assess the right, whether or not a matter is open yet.
    /// `coordinator`: the user id of the child coordinator in force, who does the coordinator's work.
    ChildCoordination {
        case: CaseFacts<'a>,
        step: ChildCoordinationStep,
        unit: Option<&'a str>,
        coordinator: Option<&'a str>,
    },
    /// The individual plan of a case (IP-forskriften; issue 13): `step` is what is done, `plan` who holds the
    /// main responsibility, whom the consent in force gives access, and who decides for the municipality.
    IndividualPlan { case: CaseFacts<'a>, step: IndividualPlanStep<'a>, plan: crate::individual_plan::PlanFacts<'a> },
    /// The caseload of the child coordinators of an organisation: its leaders and the authorised unit
    /// (`unit`) read it; the unit writes the coordinators' competence record. Figures and staff names only,
    /// never a family.
    Caseload { organisation_id: &'a str, unit: Option<&'a str> },
    /// Aggregate access reports for internal control.
    AuditReport,
    /// One employee's emergency access, reviewed by a leader of an organisation the employee works in
    /// (`employee_organisations`): internal control is each organisation's own.
    AccessReview { employee_organisations: &'a [String] },
    /// The audit chain as a whole (verification).
    AuditChain,
    /// System configuration (organisations, services, users, tokens).
    Configuration,
    /// One municipality's own configuration, such as who decides disputes about who coordinates: an
    /// administrator of that municipality's organisation.
    MunicipalConfiguration { organisation_id: &'a str },
    /// The directory an organisation administers (issue 11): its services, its employees and their
    /// memberships and roles — an administrator of that organisation. A municipality administers its own
    /// services and those of other owners it has listed; the rows are never personal data of a case.
    Directory { organisation_id: &'a str },
}

/// What is done in a child-coordinator matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildCoordinationStep {
    /// Read the matter: whoever reads the case, and the unit.
    Read,
    /// Report a possible need (a service taking part), or record a request the family made in writing or
    /// orally (the unit, or a service taking part that received it).
    Report,
    /// The family's own acts: ask for a child coordinator, consent, complain (a family member who may read
    /// the case; the domain decides who may consent).
    FamilyAct,
    /// Guide, assess, decide, appoint, hand over, record consents and complaints and their handling: the
    /// authorised unit only (spec 02 §1.8, §6.F item 48).
    Manage,
    /// The coordinator's work: the start-up conversation, the journal, requirements to cooperate better and
    /// escalations — the child coordinator in force, and the unit.
    Work,
}

/// What is done with an individual plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndividualPlanStep<'a> {
    /// Read the plan: the family, the service with the main responsibility, the services the consent names.
    Read,
    /// Start IP work, or notify the coordinating unit of a need (specialist health, § 8): a service taking
    /// part in the case (the domain decides which kinds may).
    Start,
    /// Keep the plan up to date (spec 02 §2.10: every participant has a duty to): the service with the
    /// main responsibility, and the services the consent in force names (the domain limits what each
    /// changes).
    Contribute,
    /// Manage the plan: its bases, participants, consents and complaints the family gives the service, its
    /// end — the service with the main responsibility.
    Manage,
    /// Record the services' agreement on the main responsibility: the holder or the service taking over.
    Agree { to_service: &'a str },
    /// Decide the main responsibility when the services disagree: the municipality's decision-maker.
    Decide,
    /// The family's own acts: consent, withdraw, complain.
    FamilyAct,
}

/// Why access was allowed. Stored in the audit log and shown to the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// Stable code, e.g. `participant`, `consent`, `legal_basis`, `break_glass`.
    pub code: &'static str,
    /// Human-readable basis with ids and the legal reference.
    pub detail: String,
    /// The service through which the actor acts, if any.
    pub via_service: Option<String>,
    /// The role in which the actor acts, if any.
    pub role: Option<Role>,
}

/// Why access was denied. Shown to the actor and logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenyReason {
    /// Stable code for translation, e.g. `not_participant`.
    pub code: &'static str,
    /// English explanation with the rule.
    pub detail: String,
}

/// The outcome of an access decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow(Basis),
    Deny(DenyReason),
}

impl Decision {
    pub fn is_allow(&self) -> bool {
        matches!(self, Decision::Allow(_))
    }

    pub(crate) fn allow(code: &'static str, detail: impl Into<String>) -> Self {
        Decision::Allow(Basis { code, detail: detail.into(), via_service: None, role: None })
    }

    pub(crate) fn deny(code: &'static str, detail: impl Into<String>) -> Self {
        Decision::Deny(DenyReason { code, detail: detail.into() })
    }
}
