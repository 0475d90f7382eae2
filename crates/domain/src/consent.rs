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
mod tests {

    #[test]
    fn a_family_members_own_consent_is_digital_and_an_employee_states_the_form() {
        assert_eq!(recorded_form(true, Some(ConsentForm::Written)), Ok(ConsentForm::Digital));
        assert_eq!(recorded_form(true, None), Ok(ConsentForm::Digital));
        assert_eq!(recorded_form(false, Some(ConsentForm::Oral)), Ok(ConsentForm::Oral));
        assert_eq!(recorded_form(false, None), Err(ConsentError::NoForm));
        assert_eq!(recorded_form(false, Some(ConsentForm::Digital)), Err(ConsentError::DigitalByFamily));
    }

    use super::*;
    use proptest::prelude::*;

    fn sit(domain: ConsentDomain, age: u32) -> ConsentSituation {
        ConsentSituation {
            domain,
            child_age: age,
            care_order: false,
            measures_directed_at_parents: false,
            both_required: false,
        }
    }

    fn giver(c: GiverCapacity) -> ConsentGiver {
        ConsentGiver { person_id: Some(format!("p-{c}")), capacity: c, age: None }
    }

    #[test]
    fn the_regime_follows_the_information_not_the_named_law() {
        use ConsentDomain::*;
        let school = [Sector::Education];
        assert_eq!(regimes(General, &[InfoCategory::Health], &school), vec![Health]);
        assert_eq!(regimes(General, &[InfoCategory::General], &[Sector::Health]), vec![Health]);
        assert_eq!(regimes(Health, &[InfoCategory::Education], &school), vec![Health]);
        assert_eq!(
            regimes(General, &[InfoCategory::General, InfoCategory::ChildWelfare], &[Sector::Education]),
            vec![ChildWelfare, General]
        );
        // Hilde cannot open her 17-year-old son's health information by naming the general rules.
        let s = sit(General, 17);
        let parent = [giver(GiverCapacity::Parent)];
        assert!(
            validate_givers_for(s, &regimes(General, &[InfoCategory::Health], &school), &parent, |_| true).is_err()
        );
        let child = [giver(GiverCapacity::Child)];
        assert!(validate_givers_for(s, &regimes(General, &[InfoCategory::Health], &school), &child, |_| true).is_ok());
    }

    #[test]
    fn a_consent_is_withdrawn_by_its_giver_or_whoever_may_give_it_now() {
        let mut c = Consent {
            id: "c".into(),
            case_id: "k".into(),
            subject_person_id: "child".into(),
            domain: ConsentDomain::Health,
            givers: vec![ConsentGiver {
                person_id: Some("child".into()),
                capacity: GiverCapacity::Child,
                age: Some(17),
            }],
            from_services: vec!["hs".into()],
            to_services: vec!["x".into()],
            categories: vec![InfoCategory::Health],
            purpose: "p".into(),
            consequences: "c".into(),
            form: ConsentForm::Digital,
            recorded_by: "u".into(),
            recorded_at: Utc::now(),
            valid_from: Utc::now().date_naive(),
            valid_to: Utc::now().date_naive(),
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            renews: None,
            confirmed_from: vec!["hs".into()],
        };
        let health = [ConsentDomain::Health];
        assert!(may_withdraw(&c, "child", sit(ConsentDomain::Health, 17), &health, false));
        assert!(!may_withdraw(&c, "mum", sit(ConsentDomain::Health, 17), &health, true));
        // The parents gave it when the child was 12; at 16 the young person may withdraw it, and so may the
        // parent who gave it.
        c.givers = vec![ConsentGiver { person_id: Some("mum".into()), capacity: GiverCapacity::Parent, age: Some(40) }];
        assert!(may_withdraw(&c, "child", sit(ConsentDomain::Health, 16), &health, false));
        assert!(may_withdraw(&c, "mum", sit(ConsentDomain::Health, 16), &health, true));
        assert!(!may_withdraw(&c, "dad", sit(ConsentDomain::Health, 16), &health, true));
        assert!(may_withdraw(&c, "dad", sit(ConsentDomain::Health, 12), &health, true));
        assert!(!may_withdraw(&c, "child", sit(ConsentDomain::Health, 12), &health, false));
    }

    #[test]
    fn confirmations_bind_the_recorders_own_services_or_all_for_the_family() {
        let from = ["bv".to_owned(), "school".to_owned()];
        assert_eq!(confirmed_at_recording(&from, false, &["school"]), vec!["school".to_owned()]);
        assert_eq!(confirmed_at_recording(&from, true, &[]), from.to_vec());
        assert!(confirmed_at_recording(&from, false, &["nav"]).is_empty());
    }

    #[test]
    fn absurd_periods_and_repeated_services_are_refused() {
        let today: NaiveDate = "2026-12-05".parse().unwrap();
        let one = ["a".to_owned()];
        let other = ["b".to_owned()];
        let base = ConsentScope {
            from_services: &one,
            to_services: &other,
            categories: &[InfoCategory::General],
            purpose: "p",
            consequences: "c",
            valid_from: today,
            valid_to: today + chrono::Duration::days(365),
            today,
        };
        assert_eq!(validate_scope(&base), Ok(()));
        let far = ConsentScope { valid_to: NaiveDate::MAX, ..base };
        assert_eq!(validate_scope(&far), Err(ConsentError::PeriodTooLong));
        let past = ConsentScope { valid_from: NaiveDate::MIN, ..base };
        assert_eq!(validate_scope(&past), Err(ConsentError::PeriodTooLong));
        let twice = ["b".to_owned(), "b".to_owned()];
        assert_eq!(validate_scope(&ConsentScope { to_services: &twice, ..base }), Err(ConsentError::DuplicateService));
        let many: Vec<String> = (0..=MAX_SERVICES).map(|i| format!("s{i}")).collect();
        assert_eq!(validate_scope(&ConsentScope { to_services: &many, ..base }), Err(ConsentError::DuplicateService));
    }

    #[test]
    fn child_welfare_table_from_prop_100_l() {
        assert_eq!(required_consent(sit(ConsentDomain::ChildWelfare, 14)).0, Requirement::Parents);
        assert_eq!(required_consent(sit(ConsentDomain::ChildWelfare, 15)).0, Requirement::Child);
        let both = ConsentSituation { measures_directed_at_parents: true, ..sit(ConsentDomain::ChildWelfare, 16) };
        assert_eq!(required_consent(both).0, Requirement::ChildAndParents);
        let care = ConsentSituation { care_order: true, ..sit(ConsentDomain::ChildWelfare, 10) };
        assert_eq!(required_consent(care).0, Requirement::ChildWelfareService);
    }

    #[test]
    fn health_consent_age_is_16() {
        assert_eq!(required_consent(sit(ConsentDomain::Health, 15)).0, Requirement::Parents);
        assert_eq!(required_consent(sit(ConsentDomain::Health, 16)).0, Requirement::Child);
        let both = ConsentSituation { both_required: true, ..sit(ConsentDomain::Health, 13) };
        assert_eq!(required_consent(both).0, Requirement::ChildAndParents);
    }

    #[test]
    fn wrong_givers_name_the_rule() {
        let err =
            validate_givers(sit(ConsentDomain::Health, 17), &[giver(GiverCapacity::Parent)], |_| true).unwrap_err();
        assert_eq!(err.code(), "consent.wrong_givers");
        assert!(err.to_string().contains("pbrl § 4-3"), "{err}");
        let err =
            validate_givers(sit(ConsentDomain::General, 8), &[giver(GiverCapacity::Parent)], |_| false).unwrap_err();
        assert_eq!(err, ConsentError::ParentWithoutResponsibility);
    }

    fn consent(valid_from: &str, valid_to: &str) -> Consent {
        Consent {
            id: "c1".into(),
            case_id: "sak".into(),
            subject_person_id: "p".into(),
            domain: ConsentDomain::General,
            givers: vec![],
            from_services: vec!["a".into()],
            to_services: vec!["b".into()],
            categories: vec![InfoCategory::General],
            purpose: "p".into(),
            consequences: "c".into(),
            form: ConsentForm::Written,
            recorded_by: "u".into(),
            recorded_at: Utc::now(),
            valid_from: valid_from.parse().unwrap(),
            valid_to: valid_to.parse().unwrap(),
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            renews: None,
            confirmed_from: vec!["a".into()],
        }
    }

    #[test]
    fn a_consent_scope_names_services_information_purpose_and_a_period() {
        let (a, b) = (vec!["skole".to_owned()], vec!["bup".to_owned()]);
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ok = ConsentScope {
            from_services: &a,
            to_services: &b,
            categories: &[InfoCategory::General],
            purpose: "Samarbeid om skolehverdagen",
            consequences: "BUP får vite om fravær",
            valid_from: day("2026-01-01"),
            valid_to: day("2026-12-31"),
            today: day("2026-01-01"),
        };
        assert_eq!(validate_scope(&ok), Ok(()));
        assert_eq!(validate_scope(&ConsentScope { to_services: &[], ..ok }), Err(ConsentError::EmptyScope));
        assert_eq!(validate_scope(&ConsentScope { categories: &[], ..ok }), Err(ConsentError::EmptyScope));
        assert_eq!(validate_scope(&ConsentScope { purpose: "  ", ..ok }), Err(ConsentError::NotInformed));
        assert_eq!(validate_scope(&ConsentScope { consequences: "", ..ok }), Err(ConsentError::NotInformed));
        assert_eq!(validate_scope(&ConsentScope { to_services: &a, ..ok }), Err(ConsentError::SameService));
        let both = vec!["skole".to_owned(), "bup".to_owned()];
        assert_eq!(validate_scope(&ConsentScope { from_services: &both, to_services: &both, ..ok }), Ok(()));
    }

    proptest! {
        /// A period is accepted exactly when it does not end before it starts.
        #[test]
        fn a_consent_period_ends_after_it_starts(start in -1000i64..1000, length in -400i64..400) {
            let (a, b) = (vec!["skole".to_owned()], vec!["bup".to_owned()]);
            let from = "2026-01-01".parse::<NaiveDate>().unwrap() + chrono::Duration::days(start);
            let s = ConsentScope {
                from_services: &a,
                to_services: &b,
                categories: &[InfoCategory::General],
                purpose: "p",
                consequences: "c",
                valid_from: from,
                valid_to: from + chrono::Duration::days(length),
                today: from,
            };
            prop_assert_eq!(validate_scope(&s).is_ok(), length >= 0);
        }

        /// The requirement is never satisfied by a set of givers that lacks the required capacity, and a
        /// parent never consents for a young person who has reached the domain's age of consent alone.
        #[test]
        fn givers_satisfy_exactly_the_requirement(age in 0u32..20, d in 0usize..3, care in any::<bool>(), meas in any::<bool>(), both in any::<bool>(), mask in 0u8..16) {
            let domain = ConsentDomain::ALL[d];
            let s = ConsentSituation { domain, child_age: age, care_order: care, measures_directed_at_parents: meas, both_required: both };
            let caps = [GiverCapacity::Child, GiverCapacity::Parent, GiverCapacity::ChildWelfareService, GiverCapacity::Adult];
            let givers: Vec<ConsentGiver> = caps.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| giver(*c)).collect();
            let result = validate_givers(s, &givers, |_| true);
            let (req, _) = required_consent(s);
            let has = |c| givers.iter().any(|g| g.capacity == c);
            let expected = match req {
                Requirement::Child => has(GiverCapacity::Child),
                Requirement::Parents => has(GiverCapacity::Parent),
                Requirement::ChildAndParents => has(GiverCapacity::Child) && has(GiverCapacity::Parent),
                Requirement::ChildWelfareService => has(GiverCapacity::ChildWelfareService),
                Requirement::ChildWelfareServiceAndChild => has(GiverCapacity::ChildWelfareService) && has(GiverCapacity::Child),
            };
            prop_assert_eq!(result.is_ok(), expected);
            let alone_age = match domain { ConsentDomain::ChildWelfare => 15, ConsentDomain::Health => 16, ConsentDomain::General => 18 };
            if age >= alone_age && !(domain == ConsentDomain::ChildWelfare && meas) {
                prop_assert_eq!(req, Requirement::Child);
            }
        }

        /// A consent covers nothing outside its period or after withdrawal.
        #[test]
        fn expired_or_withdrawn_consent_covers_nothing(offset in -400i64..400, withdrawn in any::<bool>()) {
            let mut c = consent("2026-01-01", "2026-12-31");
            let now: DateTime<Utc> = "2026-06-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::days(offset);
            if withdrawn { c.withdrawn_at = Some(now - chrono::Duration::seconds(1)); }
            let in_period = c.valid_from <= now.date_naive() && now.date_naive() <= c.valid_to;
            prop_assert_eq!(c.covers("a", "b", InfoCategory::General, now), in_period && !withdrawn);
            prop_assert!(!c.covers("b", "a", InfoCategory::General, now));
            prop_assert!(!c.covers("a", "b", InfoCategory::Health, now));
        }
    }
}
