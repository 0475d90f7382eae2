//! Information categories, consent (samtykke) and the other bases for sharing confidential information.
//!
//! Who consents depends on the welfare law that governs the information and on the child's age and
//! situation (spec 02 §2.3, §3.4; spec 05 §3). `required_consent` says who must consent; `validate_givers`
//! refuses a consent record whose givers do not satisfy it, naming the rule.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Sector, coded_enum};

coded_enum!(
    /// What kind of information (the unit of access and of consent).
    InfoCategory {
        /// Who takes part, who coordinates, the shared cooperation plan.
        Overview = "overview",
        /// A service's general notes about the child or family.
        General = "general",
        /// Health information (health personnel's duty of confidentiality, hpl § 21).
        Health = "health",
        /// Child-welfare information (bvl § 13-1).
        ChildWelfare = "child_welfare",
        /// School and kindergarten information.
        Education = "education",
        /// NAV and social-services information (NAV-loven § 7, sotjl § 44).
        Social = "social",
        /// Only the fact that a decision was made and what it concerns (fvl § 13 b første ledd nr. 5 (ii)).
        DecisionFact = "decision_fact",
    }
);

coded_enum!(
    /// Which welfare law's consent rules apply.
    ConsentDomain {
        /// Child welfare: bvl § 15-9 notes in Prop. 100 L (2020–2021).
        ChildWelfare = "child_welfare",
        /// Health and care: pbrl chapter 4, hpl § 22.
        Health = "health",
        /// Other services: under-18s generally cannot consent themselves.
        General = "general",
    }
);

coded_enum!(
    /// In which capacity someone gave consent.
    GiverCapacity {
        /// The child or young person the information is about.
        Child = "child",
        /// A parent or other person with parental responsibility (foreldreansvar).
        Parent = "parent",
        /// The child welfare service, which has taken over care (bvl; pbrl § 4-5).
        ChildWelfareService = "child_welfare_service",
        /// An adult giving consent about themselves (a parent's own needs).
        Adult = "adult",
    }
);

coded_enum!(
    /// How consent was given.
    ConsentForm {
        Written = "written",
        Oral = "oral",
        Digital = "digital",
    }
);

/// The form a consent is recorded in. A family member's own consent, given in Los, is digital whatever
/// the request says. An employee records how it was given to them, written or oral, and must say so:
/// `digital` is the family's own form, and only a family member's own request carries it.
pub fn recorded_form(given_by_citizen: bool, stated: Option<ConsentForm>) -> Result<ConsentForm, ConsentError> {
    match (given_by_citizen, stated) {
        (true, _) => Ok(ConsentForm::Digital),
        (false, Some(ConsentForm::Digital)) => Err(ConsentError::DigitalByFamily),
        (false, Some(form)) => Ok(form),
        (false, None) => Err(ConsentError::NoForm),
    }
}

/// One person (or the child welfare service) giving consent, with capacity and age at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGiver {
    /// The person; `None` when the child welfare service consents in place of the parents.
    pub person_id: Option<String>,
    pub capacity: GiverCapacity,
    /// Age in years when consenting.
    pub age: Option<u32>,
}

/// A consent record: everything spec 02 §3.4 asks the service to explain, and its life cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub id: String,
    pub case_id: String,
    /// The person the information is about.
    pub subject_person_id: String,
    pub domain: ConsentDomain,
    pub givers: Vec<ConsentGiver>,
    /// Services the information may come from.
    pub from_services: Vec<String>,
    /// Services it may go to.
    pub to_services: Vec<String>,
    pub categories: Vec<InfoCategory>,
    pub purpose: String,
    /// The consequences explained to the family (of consenting and of not consenting).
    pub consequences: String,
    pub form: ConsentForm,
    /// The user who recorded it (for oral consent: who heard it).
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
    /// The consent this one renews.
    pub renews: Option<String>,
    /// The services the information comes from that stand behind this consent: the family's own consent
    /// binds every one of them; one recorded by an employee binds their own service at once and each other
    /// service when it confirms (the service that holds the duty of confidentiality must know the consent it
    /// relies on).
    pub confirmed_from: Vec<String>,
}

/// Where a consent is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    NotYetValid,
    Active,
    Expired,
    Withdrawn,
}

impl ConsentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentStatus::NotYetValid => "not_yet_valid",
            ConsentStatus::Active => "active",
            ConsentStatus::Expired => "expired",
            ConsentStatus::Withdrawn => "withdrawn",
        }
    }
}

impl Consent {
    /// The status at `now`. Withdrawal takes effect at once.
    pub fn status(&self, now: DateTime<Utc>) -> ConsentStatus {
        let today = now.date_naive();
        if self.withdrawn_at.is_some_and(|w| w <= now) {
            ConsentStatus::Withdrawn
        } else if today < self.valid_from {
            ConsentStatus::NotYetValid
        } else if today > self.valid_to {
            ConsentStatus::Expired
        } else {
            ConsentStatus::Active
        }
    }

    /// Does this consent, at `now`, let information of `category` go from `from_service` to `to_service`?
    pub fn covers(&self, from_service: &str, to_service: &str, category: InfoCategory, now: DateTime<Utc>) -> bool {
        self.status(now) == ConsentStatus::Active
            && self.from_services.iter().any(|s| s == from_service)
            && self.confirmed_from.iter().any(|s| s == from_service)
            && self.to_services.iter().any(|s| s == to_service)
            && self.categories.contains(&category)
    }

    /// The services the information comes from that have not yet confirmed this consent: it opens nothing
    /// of theirs until they do.
    pub fn awaiting_confirmation(&self) -> Vec<String> {
        self.from_services.iter().filter(|s| !self.confirmed_from.contains(s)).cloned().collect()
    }

    /// Active, and ends within `days` days of `now`: time to warn.
    pub fn expires_within(&self, now: DateTime<Utc>, days: i64) -> bool {
        self.status(now) == ConsentStatus::Active && (self.valid_to - now.date_naive()).num_days() < days
    }
}

/// A recorded legal basis for sharing without consent (spec 02 §3.6): law, section and justification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    pub id: String,
    pub case_id: String,
    pub from_service: String,
    pub to_service: String,
    pub category: InfoCategory,
    /// E.g. "forvaltningsloven § 13 b første ledd nr. 5 (ii)".
    pub reference: String,
    pub justification: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub valid_to: Option<NaiveDate>,
}

impl LegalBasis {
    pub fn covers(&self, from_service: &str, to_service: &str, category: InfoCategory, now: DateTime<Utc>) -> bool {
        self.from_service == from_service
            && self.to_service == to_service
            && self.category == category
            && self.valid_to.is_none_or(|t| now.date_naive() <= t)
    }
}

/// The facts that decide who must consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentSituation {
    pub domain: ConsentDomain,
    /// The child's age in whole years on the day of consent.
    pub child_age: u32,
    /// Child welfare has taken over care (omsorgsovertakelse).
    pub care_order: bool,
    /// The plan contains measures directed at the parents.
    pub measures_directed_at_parents: bool,
    /// Both the child and the parents must consent (the "sometimes both" cases).
    pub both_required: bool,
}

/// Who must consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The child or young person alone.
    Child,
    /// A parent (or other person) with parental responsibility.
    Parents,
    /// Both the child and a parent with parental responsibility.
    ChildAndParents,
    /// The child welfare service, in place of the parents.
    ChildWelfareService,
    /// The child welfare service and the young person.
    ChildWelfareServiceAndChild,
}

/// Who must consent in this situation, and the rule that says so.
pub fn required_consent(s: ConsentSituation) -> (Requirement, &'static str) {
    use Requirement::*;
    match s.domain {
        ConsentDomain::ChildWelfare => {
            if s.care_order && s.child_age < 15 {
                (
                    ChildWelfareService,
                    "bvl § 15-9 (Prop. 100 L (2020–2021)): after a care order child welfare consents in place of the parents",
                )
            } else if s.child_age >= 15 && s.measures_directed_at_parents {
                (
                    ChildAndParents,
                    "bvl § 15-9 (Prop. 100 L (2020–2021)): from 15, measures directed at the parents need both the young person and the parents",
                )
            } else if s.child_age >= 15 {
                (Child, "bvl § 15-9 (Prop. 100 L (2020–2021)): from 15 the young person consents alone")
            } else {
                (Parents, "bvl § 15-9 (Prop. 100 L (2020–2021)): under 15, those with parental responsibility consent")
            }
        }
        ConsentDomain::Health => {
            if s.child_age >= 16 {
                (Child, "pbrl § 4-3 and hpl § 22: from 16 the young person consents")
            } else if s.care_order {
                if s.both_required {
                    (
                        ChildWelfareServiceAndChild,
                        "pbrl § 4-5: child welfare consents after a care order; here the child must consent too",
                    )
                } else {
                    (ChildWelfareService, "pbrl § 4-5: child welfare consents after a care order")
                }
            } else if s.both_required {
                (ChildAndParents, "pbrl § 4-4: parents consent under 16; here the child must consent too")
            } else {
                (Parents, "pbrl § 4-4: under 16, those with parental responsibility consent")
            }
        }
        ConsentDomain::General => {
            if s.child_age >= 18 {
                (Child, "adults consent for themselves")
            } else if s.care_order {
                (ChildWelfareService, "after a care order child welfare has the parents' competence")
            } else if s.both_required {
                (ChildAndParents, "under 18 the parents consent; here the child must consent too (spec 02 §3.4)")
            } else {
                (Parents, "under 18 the parents consent unless a special rule says otherwise (spec 02 §3.4)")
            }
        }
    }
}

/// Why a set of givers does not make a valid consent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("this consent needs {needed}; {rule}")]
    WrongGivers { needed: &'static str, rule: &'static str },
    #[error("a parent who consents must have parental responsibility")]
    ParentWithoutResponsibility,
    #[error(
        "the consent must name at least one service the information comes from, one it goes to and one kind of information"
    )]
    EmptyScope,
    #[error("the purpose and the consequences explained must be recorded (spec 02 §3.4)")]
    NotInformed,
    #[error("the consent must end after it starts")]
    BadPeriod,
    #[error("consent to share information about a child with its own service is meaningless: from and to must differ")]
    SameService,
    #[error("a consent names each service once, and at most {MAX_SERVICES} services")]
    DuplicateService,
    #[error(
        "digital consent is the family's own, given in Los; record how the consent was given to you (written or oral)"
    )]
    DigitalByFamily,
    #[error("choose how consent was given")]
    NoForm,
    #[error("a consent starts within a year of today and lasts at most {MAX_CONSENT_DAYS} days")]
    PeriodTooLong,
}

/// At most this many services on either side of a consent: a municipality's services in one case.
pub const MAX_SERVICES: usize = 50;

/// The longest a consent may last. The sources set no limit (spec 05, verify): a consent must be clear about
/// what it covers, and a consent for more than three years is not informed about a future nobody knows.
pub const MAX_CONSENT_DAYS: i64 = 3 * 366;

impl ConsentError {
    /// The field of the request this rule is about (the input's own name), for the page to point at.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            ConsentError::WrongGivers { .. } | ConsentError::ParentWithoutResponsibility => "givers",
            ConsentError::EmptyScope | ConsentError::SameService | ConsentError::DuplicateService => "from_services",
            ConsentError::NotInformed => "purpose",
            ConsentError::BadPeriod | ConsentError::PeriodTooLong => "valid_to",
            ConsentError::DigitalByFamily | ConsentError::NoForm => "form",
        })
    }

    /// Stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            ConsentError::WrongGivers { .. } => "consent.wrong_givers",
            ConsentError::ParentWithoutResponsibility => "consent.parent_without_responsibility",
            ConsentError::EmptyScope => "consent.empty_scope",
            ConsentError::NotInformed => "consent.not_informed",
            ConsentError::BadPeriod => "consent.bad_period",
            ConsentError::SameService => "consent.same_service",
            ConsentError::DuplicateService => "consent.duplicate_service",
            ConsentError::DigitalByFamily => "consent.digital_by_family",
            ConsentError::NoForm => "consent.form",
            ConsentError::PeriodTooLong => "consent.bad_period",
        }
    }
}

/// What a consent covers and what the family was told, as it is to be recorded.
#[derive(Debug, Clone, Copy)]
pub struct ConsentScope<'a> {
    pub from_services: &'a [String],
    pub to_services: &'a [String],
    pub categories: &'a [InfoCategory],
    pub purpose: &'a str,
    pub consequences: &'a str,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// The day it is recorded.
    pub today: NaiveDate,
}

/// Checks what a consent covers before it is recorded: at least one service the information comes from,
/// one it goes to and one kind of information; the purpose and the consequences explained (spec 02 §3.4);
/// a period that ends after it starts; and not a single service sharing with itself.
pub fn validate_scope(s: &ConsentScope<'_>) -> Result<(), ConsentError> {
    if s.from_services.is_empty() || s.to_services.is_empty() || s.categories.is_empty() {
        return Err(ConsentError::EmptyScope);
    }
    if s.purpose.trim().is_empty() || s.consequences.trim().is_empty() {
        return Err(ConsentError::NotInformed);
    }
    if s.valid_to < s.valid_from {
        return Err(ConsentError::BadPeriod);
    }
    if (s.valid_from - s.today).num_days().abs() > 366 || (s.valid_to - s.valid_from).num_days() > MAX_CONSENT_DAYS {
        return Err(ConsentError::PeriodTooLong);
    }
    for list in [s.from_services, s.to_services] {
        let distinct: std::collections::BTreeSet<&String> = list.iter().collect();
        if list.len() > MAX_SERVICES || distinct.len() != list.len() {
            return Err(ConsentError::DuplicateService);
        }
    }
    if s.from_services.len() == 1 && s.from_services == s.to_services {
        return Err(ConsentError::SameService);
    }
    Ok(())
}

fn describe(r: Requirement) -> &'static str {
    match r {
        Requirement::Child => "the child or young person's own consent",
        Requirement::Parents => "consent from a parent with parental responsibility",
        Requirement::ChildAndParents => "consent from both the young person and a parent with parental responsibility",
        Requirement::ChildWelfareService => "consent from the child welfare service",
        Requirement::ChildWelfareServiceAndChild => "consent from the child welfare service and the child",
    }
}

/// Checks that the givers satisfy the requirement. `parent_has_responsibility` tells, for a giving
/// parent's person id, whether they have parental responsibility.
pub fn validate_givers(
    s: ConsentSituation,
    givers: &[ConsentGiver],
    parent_has_responsibility: impl Fn(&str) -> bool,
) -> Result<Requirement, ConsentError> {
    let (req, rule) = required_consent(s);
    for g in givers {
        if g.capacity == GiverCapacity::Parent && !g.person_id.as_deref().is_some_and(&parent_has_responsibility) {
            return Err(ConsentError::ParentWithoutResponsibility);
        }
    }
    let has = |c: GiverCapacity| givers.iter().any(|g| g.capacity == c);
    let ok = match req {
        Requirement::Child => has(GiverCapacity::Child),
        Requirement::Parents => has(GiverCapacity::Parent),
        Requirement::ChildAndParents => has(GiverCapacity::Child) && has(GiverCapacity::Parent),
        Requirement::ChildWelfareService => has(GiverCapacity::ChildWelfareService),
        Requirement::ChildWelfareServiceAndChild => {
            has(GiverCapacity::ChildWelfareService) && has(GiverCapacity::Child)
        }
    };
    if ok { Ok(req) } else { Err(ConsentError::WrongGivers { needed: describe(req), rule }) }
}

/// The consent regimes the information a consent opens falls under, which decide who consents: health
/// information, and what a health service holds, falls under the health rules (pbrl chapter 4, hpl § 22);
/// child-welfare information, and what child welfare holds, under the child welfare rules (bvl § 15-9
/// notes); the rest under the law the request names. The givers must satisfy every one, so naming a looser
/// law opens nothing a stricter one keeps closed (spec 02 §2.3, §3.4).
pub fn regimes(named: ConsentDomain, categories: &[InfoCategory], from_sectors: &[Sector]) -> Vec<ConsentDomain> {
    let mut out = Vec::new();
    for c in categories {
        match c {
            InfoCategory::Health => out.push(ConsentDomain::Health),
            InfoCategory::ChildWelfare => out.push(ConsentDomain::ChildWelfare),
            InfoCategory::Overview | InfoCategory::DecisionFact => out.push(named),
            _ => out.extend(from_sectors.iter().map(|s| match s {
                Sector::Health => ConsentDomain::Health,
                Sector::ChildWelfare => ConsentDomain::ChildWelfare,
                _ => named,
            })),
        }
    }
    if out.is_empty() {
        out.push(named);
    }
    out.sort_by_key(|d| d.as_str());
    out.dedup();
    out
}

/// Checks the givers against every regime the information falls under (`regimes`).
pub fn validate_givers_for(
    situation: ConsentSituation,
    regimes: &[ConsentDomain],
    givers: &[ConsentGiver],
    parent_has_responsibility: impl Fn(&str) -> bool,
) -> Result<(), ConsentError> {
    for domain in regimes {
        validate_givers(ConsentSituation { domain: *domain, ..situation }, givers, &parent_has_responsibility)?;
    }
    Ok(())
}

/// The services a new consent binds at once: every one when the family gives it themselves; otherwise the
/// recording employee's own services among those the information comes from. The others confirm it.
pub fn confirmed_at_recording(
    from_services: &[String],
    given_by_citizen: bool,
    recorder_services: &[&str],
) -> Vec<String> {
    from_services.iter().filter(|s| given_by_citizen || recorder_services.contains(&s.as_str())).cloned().collect()
}

/// Who may withdraw a consent: whoever gave it, or whoever may give it for the child now under every regime
/// it falls under (a parent with parental responsibility while the parents consent; the young person once
/// the law lets them). Where both must consent, either one withdrawing ends it.
pub fn may_withdraw(
    c: &Consent,
    person: &str,
    situation_now: ConsentSituation,
    regimes: &[ConsentDomain],
    responsible_parent: bool,
) -> bool {
    if c.givers.iter().any(|g| g.person_id.as_deref() == Some(person)) {
        return true;
    }
    let may = |domain: ConsentDomain| {
        let (req, _) = required_consent(ConsentSituation { domain, ..situation_now });
        let child =
            matches!(req, Requirement::Child | Requirement::ChildAndParents | Requirement::ChildWelfareServiceAndChild);
        let parents = matches!(req, Requirement::Parents | Requirement::ChildAndParents);
        (person == c.subject_person_id && child) || (responsible_parent && parents)
    };
    regimes.iter().all(|d| may(*d))
}

#[cfg(test)]
mod tests;
