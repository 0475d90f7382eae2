//! Setting up a municipality (issue 11): the pure checks of what an administrator types about services,
//! employees and their memberships. Parse, don't validate: each function turns raw text into a value that is
//! known to be good, or names the field and the rule it breaks. The store finds the rows, asks the access
//! policy, writes and audits; nothing here touches storage.

use crate::ident::Organisasjonsnummer;
use crate::model::{OrganisationKind, OwnerType, Role};

/// The longest name, address or opening-hours text, in characters.
pub const MAX_TEXT: usize = 200;
/// The longest description of a service, in characters.
pub const MAX_DESCRIPTION: usize = 2000;
/// The longest external subject (the identity provider's claim value), in characters.
pub const MAX_SUBJECT: usize = 255;

/// A refused input: a stable code for translation, the request field it is about and an English message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AdminError {
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

impl AdminError {
    pub fn new(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        AdminError { code, field: Some(field), message: message.into() }
    }
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
}

/// A line of text: trimmed, no control characters, at most `max` characters; `None` when blank.
fn line(v: &str, field: &'static str, max: usize) -> Result<Option<String>, AdminError> {
    let v = v.trim();
    if v.chars().count() > max {
        return Err(AdminError::new("admin.too_long", field, format!("at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(AdminError::new("admin.control_characters", field, "the text has characters that cannot be shown"));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

fn required(v: &str, field: &'static str, max: usize, what: &str) -> Result<String, AdminError> {
    line(v, field, max)?.ok_or_else(|| AdminError::new("admin.required", field, format!("give the {what}")))
}

/// Checks an e-mail address well enough to refuse typing mistakes (one `@`, a dot in the domain, no
/// spaces); the mail server has the last word.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && !domain.contains('@')
        && email.chars().count() <= MAX_TEXT
}

fn email(v: &str, field: &'static str) -> Result<Option<String>, AdminError> {
    match line(v, field, MAX_TEXT)? {
        Some(e) if !valid_email(&e) => {
            Err(AdminError::new("admin.email", field, "write the e-mail address as name@example.no"))
        }
        e => Ok(e),
    }
}

/// A telephone number as people write it: digits, spaces, `+`, `-` and parentheses, with 3 to 15 digits.
fn phone(v: &str, field: &'static str) -> Result<Option<String>, AdminError> {
    let Some(p) = line(v, field, 30)? else { return Ok(None) };
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = p.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    if !allowed || !(3..=15).contains(&digits) || p.chars().skip(1).any(|c| c == '+') {
        return Err(AdminError::new(
            "admin.phone",
            field,
            "write the telephone number with digits, e.g. +47 55 56 60 00",
        ));
    }
    Ok(Some(p))
}

fn orgnr(v: &str, field: &'static str) -> Result<Option<Organisasjonsnummer>, AdminError> {
    match v.trim() {
        "" => Ok(None),
        n => Organisasjonsnummer::parse(n)
            .map(Some)
            .map_err(|e| AdminError::new("admin.orgnr", field, format!("the organisation number is not valid: {e}"))),
    }
}

/// How the public reaches a service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
}

/// What an administrator types about a service (create and edit): raw text, field by field.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceText<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// The service's own organisation number (underenhet), optional.
    pub orgnr: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub opening_hours: &'a str,
}

/// A service's details, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDetails {
    pub name: String,
    pub description: String,
    pub orgnr: Option<Organisasjonsnummer>,
    pub contact: Contact,
}

/// Checks a service's name, description, organisation number and contact details. The public needs a way
/// to reach the service: a telephone number or an e-mail address.
pub fn service_details(t: &ServiceText<'_>) -> Result<ServiceDetails, AdminError> {
    let name = required(t.name, "name", MAX_TEXT, "service's name")?;
    let description = line(t.description, "description", MAX_DESCRIPTION)?.unwrap_or_default();
    let orgnr = orgnr(t.orgnr, "orgnr")?;
    let contact = Contact {
        phone: phone(t.phone, "phone")?,
        email: email(t.email, "email")?,
        address: line(t.address, "address", MAX_TEXT)?,
        opening_hours: line(t.opening_hours, "opening_hours", MAX_TEXT)?,
    };
    if contact.phone.is_none() && contact.email.is_none() {
        return Err(AdminError::new(
            "admin.contact_required",
            "phone",
            "give a telephone number or an e-mail address, so families and services can reach the service",
        ));
    }
    Ok(ServiceDetails { name, description, orgnr, contact })
}

/// Who owns a new service, and so answers for its duties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The municipality itself.
    Municipality,
    /// A county authority, state agency or private owner, known by its organisation number.
    Other { kind: OrganisationKind, name: String, orgnr: Organisasjonsnummer },
}

impl Owner {
    pub fn owner_type(&self) -> OwnerType {
        match self {
            Owner::Municipality => OwnerType::Municipal,
            Owner::Other { kind, .. } => kind.owner_type(),
        }
    }
}

/// The kind of organisation that owns services of an owner type.
pub fn organisation_kind(o: OwnerType) -> OrganisationKind {
    match o {
        OwnerType::Municipal => OrganisationKind::Municipality,
        OwnerType::County => OrganisationKind::County,
        OwnerType::State => OrganisationKind::StateAgency,
        OwnerType::Private => OrganisationKind::PrivateOwner,
    }
}

/// Checks the owner of a new service of a type whose owner the welfare-service taxonomy gives
/// (`taxonomy`): `owner_type` may be left empty (the taxonomy's), and may not differ from it (a private
/// school is `privatskole`, not a private `grunnskole`: the duties follow the owner). A county, state or
/// private owner is named with its organisation number.
pub fn owner(taxonomy: OwnerType, owner_type: &str, owner_name: &str, owner_orgnr: &str) -> Result<Owner, AdminError> {
    let chosen = match owner_type.trim() {
        "" => taxonomy,
        o => OwnerType::parse(o).ok_or_else(|| {
            AdminError::new("admin.owner_type", "owner_type", "choose municipal, county, state or private")
        })?,
    };
    if chosen != taxonomy {
        return Err(AdminError::new(
            "admin.owner_mismatch",
            "owner_type",
            format!("a service of this type is {taxonomy}; choose the type that matches the owner"),
        ));
    }
    if chosen == OwnerType::Municipal {
        return Ok(Owner::Municipality);
    }
    let name = required(owner_name, "owner_name", MAX_TEXT, "owner's name")?;
    let orgnr = orgnr(owner_orgnr, "owner_orgnr")?.ok_or_else(|| {
        AdminError::new("admin.owner_orgnr_required", "owner_orgnr", "give the owner's organisation number")
    })?;
    Ok(Owner::Other { kind: organisation_kind(chosen), name, orgnr })
}

/// How a staff member is recognised when they log in: an e-mail address (matched without case) or the
/// identity provider's subject (the configured claim: employee id, object id, `hpr:NUMBER`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffIdentity {
    Email(String),
    Subject(String),
}

impl StaffIdentity {
    /// A value with an `@` is an e-mail address; anything else is a subject.
    pub fn parse(v: &str) -> Result<StaffIdentity, AdminError> {
        let v = v.trim();
        if v.contains('@') {
            return email(v, "admin")?
                .map(StaffIdentity::Email)
                .ok_or_else(|| AdminError::new("admin.identity", "admin", "give an e-mail address or a subject"));
        }
        subject(v, "admin")?
            .map(StaffIdentity::Subject)
            .ok_or_else(|| AdminError::new("admin.identity", "admin", "give an e-mail address or a subject"))
    }
}

fn subject(v: &str, field: &'static str) -> Result<Option<String>, AdminError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > MAX_SUBJECT || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AdminError::new(
            "admin.subject",
            field,
            format!("the subject is the identity provider's value: no spaces, at most {MAX_SUBJECT} characters"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// What an administrator types about an employee.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmployeeText<'a> {
    pub display_name: &'a str,
    pub email: &'a str,
    pub external_subject: &'a str,
}

/// An employee's details, checked: a name, and an e-mail address and/or an external subject so they can
/// log in and be reminded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeDetails {
    pub display_name: String,
    pub email: Option<String>,
    pub external_subject: Option<String>,
}

pub fn employee_details(t: &EmployeeText<'_>) -> Result<EmployeeDetails, AdminError> {
    let display_name = required(t.display_name, "display_name", MAX_TEXT, "employee's name")?;
    let email = email(t.email, "email")?;
    let external_subject = subject(t.external_subject, "external_subject")?;
    if email.is_none() && external_subject.is_none() {
        return Err(AdminError::new(
            "admin.login_required",
            "email",
            "give an e-mail address or the subject at the identity provider, so the employee can log in",
        ));
    }
    Ok(EmployeeDetails { display_name, email, external_subject })
}

/// The roles an administrator gives, in the order a form lists them.
pub const ROLES: &[Role] = &[
    Role::CaseWorker,
    Role::Coordinator,
    Role::ChildCoordinator,
    Role::CoordinatingUnitHandler,
    Role::Leader,
    Role::Administrator,
];

/// Roles that do case work, and so are held in a service.
pub fn works_in_a_service(role: Role) -> bool {
    !matches!(role, Role::Leader | Role::Administrator)
}

/// Checks a new membership's role: case work (case worker, coordinator, child coordinator, coordinating-unit
/// handler) is done in a service, so it needs one; a leader or administrator may hold the role in the
/// organisation as a whole.
pub fn membership_role(role: &str, has_service: bool) -> Result<Role, AdminError> {
    let role = Role::parse(role.trim()).ok_or_else(|| {
        AdminError::new(
            "admin.role",
            "role",
            "choose case worker, coordinator, child coordinator, coordinating-unit handler, leader or administrator",
        )
    })?;
    if works_in_a_service(role) && !has_service {
        return Err(AdminError::new(
            "admin.service_required",
            "service_id",
            "case work is done in a service: choose one",
        ));
    }
    Ok(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERGEN: &str = "964338531";

    fn svc<'a>(name: &'a str, phone: &'a str, email: &'a str, orgnr: &'a str) -> ServiceText<'a> {
        ServiceText { name, phone, email, orgnr, ..Default::default() }
    }

    #[test]
    fn a_service_needs_a_name_and_a_way_to_reach_it() {
        let ok = service_details(&svc(" PPT ", "+47 55 56 60 00", "", BERGEN)).unwrap();
        assert_eq!(ok.name, "PPT");
        assert_eq!(ok.orgnr.map(|o| o.as_str().to_owned()).as_deref(), Some(BERGEN));
        assert_eq!(ok.contact.phone.as_deref(), Some("+47 55 56 60 00"));
        let e = service_details(&svc("  ", "1234", "", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.required", Some("name")));
        let e = service_details(&svc("PPT", "", "", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.contact_required", Some("phone")));
        assert!(service_details(&svc("PPT", "", "ppt@bergen.kommune.no", "")).is_ok());
    }

    #[test]
    fn bad_numbers_and_addresses_are_refused_on_their_field() {
        let e = service_details(&svc("PPT", "1234", "", "964338532")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.orgnr", Some("orgnr")));
        let e = service_details(&svc("PPT", "ring oss", "", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.phone", Some("phone")));
        let e = service_details(&svc("PPT", "12", "", "")).unwrap_err();
        assert_eq!(e.code, "admin.phone", "too few digits");
        let e = service_details(&svc("PPT", "55+1234", "", "")).unwrap_err();
        assert_eq!(e.code, "admin.phone", "a plus only first");
        let e = service_details(&svc("PPT", "", "ppt@bergen", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.email", Some("email")));
        let long = "x".repeat(MAX_TEXT + 1);
        let e = service_details(&svc(&long, "1234", "", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.too_long", Some("name")));
        let e = service_details(&svc("P\u{7}PT", "1234", "", "")).unwrap_err();
        assert_eq!(e.code, "admin.control_characters");
    }

    #[test]
    fn the_owner_follows_the_taxonomy() {
        assert_eq!(owner(OwnerType::Municipal, "", "", "").unwrap(), Owner::Municipality);
        assert_eq!(owner(OwnerType::Municipal, "municipal", "", "").unwrap(), Owner::Municipality);
        let e = owner(OwnerType::Municipal, "private", "Solsikken AS", BERGEN).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.owner_mismatch", Some("owner_type")));
        let e = owner(OwnerType::Municipal, "kommunal", "", "").unwrap_err();
        assert_eq!(e.code, "admin.owner_type");
        let e = owner(OwnerType::Private, "", "", BERGEN).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.required", Some("owner_name")));
        let e = owner(OwnerType::Private, "", "Solsikken AS", "").unwrap_err();
        assert_eq!((e.code, e.field), ("admin.owner_orgnr_required", Some("owner_orgnr")));
        match owner(OwnerType::State, "state", "Bufetat", BERGEN).unwrap() {
            Owner::Other { kind, name, .. } => {
                assert_eq!((kind, name.as_str()), (OrganisationKind::StateAgency, "Bufetat"))
            }
            o => panic!("{o:?}"),
        }
        for o in OwnerType::ALL {
            assert_eq!(organisation_kind(*o).owner_type(), *o, "the kinds and owner types agree");
        }
    }

    #[test]
    fn an_employee_can_log_in_by_e_mail_or_subject() {
        let t = |n, e, s| EmployeeText { display_name: n, email: e, external_subject: s };
        let d = employee_details(&t("Kari", "kari@bergen.kommune.no", "")).unwrap();
        assert_eq!((d.email.as_deref(), d.external_subject), (Some("kari@bergen.kommune.no"), None));
        assert!(employee_details(&t("Kari", "", "hpr:123456")).is_ok());
        let e = employee_details(&t("Kari", "", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.login_required", Some("email")));
        let e = employee_details(&t("", "kari@bergen.kommune.no", "")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.required", Some("display_name")));
        let e = employee_details(&t("Kari", "", "two words")).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.subject", Some("external_subject")));
    }

    #[test]
    fn the_first_administrator_is_an_e_mail_address_or_a_subject() {
        assert_eq!(StaffIdentity::parse(" a@b.no ").unwrap(), StaffIdentity::Email("a@b.no".into()));
        assert_eq!(StaffIdentity::parse("00u1abc").unwrap(), StaffIdentity::Subject("00u1abc".into()));
        assert_eq!(StaffIdentity::parse("a@b").unwrap_err().code, "admin.email");
        assert_eq!(StaffIdentity::parse("  ").unwrap_err().code, "admin.identity");
        assert_eq!(StaffIdentity::parse("a b").unwrap_err().code, "admin.subject");
    }

    #[test]
    fn case_work_is_done_in_a_service() {
        assert_eq!(membership_role("case_worker", true).unwrap(), Role::CaseWorker);
        let e = membership_role("case_worker", false).unwrap_err();
        assert_eq!((e.code, e.field), ("admin.service_required", Some("service_id")));
        assert_eq!(membership_role("leader", false).unwrap(), Role::Leader);
        assert_eq!(membership_role("administrator", false).unwrap(), Role::Administrator);
        assert_eq!(membership_role("boss", true).unwrap_err().code, "admin.role");
        for r in Role::ALL {
            assert!(ROLES.contains(r), "every role can be given: {r}");
        }
    }
}
