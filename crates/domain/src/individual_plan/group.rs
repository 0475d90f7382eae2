//! The responsibility group (ansvarsgruppe) that carries out the plan: who sits in it and with what function
//! ("kontaktlærer", "helsesykepleier", "mor"). Employees sit for a service taking part in the case; the child
//! and the parents with parental responsibility sit for themselves. The group's meetings are case meetings of
//! kind `responsibility_group` (`crate::planning`).

use super::IpError;

/// The longest function text.
pub const MAX_FUNCTION: usize = 120;

/// Who a new member is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewMember<'a> {
    /// An employee, sitting for the service they work in.
    Employee { user_id: &'a str, service_id: &'a str },
    /// The child or a parent with parental responsibility.
    Family { person_id: &'a str },
}

impl NewMember<'_> {
    /// What makes two memberships the same seat.
    pub fn key(&self) -> String {
        match self {
            NewMember::Employee { user_id, .. } => format!("user:{user_id}"),
            NewMember::Family { person_id } => format!("person:{person_id}"),
        }
    }
}

/// What a new member is checked against.
#[derive(Debug, Clone, Copy)]
pub struct GroupFacts<'a> {
    /// The services taking part in the case today.
    pub services: &'a [String],
    /// The services the employee works in.
    pub employee_services: &'a [String],
    /// The child and the parents with parental responsibility.
    pub family: &'a [String],
    /// The keys ([`NewMember::key`]) of the members today.
    pub members: &'a [String],
}

/// Checks a new member of the responsibility group and returns the function, trimmed.
pub fn validate_member(m: &NewMember<'_>, function: &str, f: &GroupFacts<'_>) -> Result<String, IpError> {
    let function = function.trim();
    if function.chars().count() < 2 || function.chars().count() > MAX_FUNCTION {
        return Err(IpError::GroupFunction);
    }
    match m {
        NewMember::Employee { service_id, .. } => {
            if !f.services.iter().any(|s| s == service_id) {
                return Err(IpError::NotParticipant((*service_id).to_owned()));
            }
            if !f.employee_services.iter().any(|s| s == service_id) {
                return Err(IpError::GroupEmployeeService);
            }
        }
        NewMember::Family { person_id } => {
            if !f.family.iter().any(|p| p == person_id) {
                return Err(IpError::GroupNotFamily);
            }
        }
    }
    if f.members.contains(&m.key()) {
        return Err(IpError::GroupAlreadyMember);
    }
    Ok(function.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn members_sit_for_a_service_of_the_case_or_for_the_family() {
        let services = v(&["skole", "nav"]);
        let family = v(&["barn", "mor"]);
        let members = v(&["user:lærer"]);
        let emp = v(&["skole"]);
        let f = GroupFacts { services: &services, employee_services: &emp, family: &family, members: &members };
        let teacher = NewMember::Employee { user_id: "rektor", service_id: "skole" };
        assert_eq!(validate_member(&teacher, "  Rektor ", &f), Ok("Rektor".into()));
        assert_eq!(validate_member(&teacher, " ", &f), Err(IpError::GroupFunction));
        assert_eq!(validate_member(&teacher, &"x".repeat(121), &f), Err(IpError::GroupFunction));
        let elsewhere = NewMember::Employee { user_id: "rektor", service_id: "nav" };
        assert_eq!(validate_member(&elsewhere, "Veileder", &f), Err(IpError::GroupEmployeeService));
        let outside = NewMember::Employee { user_id: "rektor", service_id: "bup" };
        assert_eq!(validate_member(&outside, "Lege", &f), Err(IpError::NotParticipant("bup".into())));
        let again = NewMember::Employee { user_id: "lærer", service_id: "skole" };
        assert_eq!(validate_member(&again, "Kontaktlærer", &f), Err(IpError::GroupAlreadyMember));
        assert!(validate_member(&NewMember::Family { person_id: "mor" }, "Mor", &f).is_ok());
        assert_eq!(validate_member(&NewMember::Family { person_id: "nabo" }, "Nabo", &f), Err(IpError::GroupNotFamily));
    }
}
