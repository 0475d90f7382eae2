//! The domain's records: reference data, organisations and services, people, users and cases.
//!
//! These are plain values. Storage converts its rows into them; the web renders them. Enums carry their
//! stable storage code (`as_str` / `parse`) so the database holds readable words, not numbers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ident::{Fodselsnummer, Kommunenummer, Organisasjonsnummer};

/// Declares an enum with a stable lowercase storage code for each variant.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        // Serialised as the stable code, so JSON, the database and the API use one spelling
        // (a derived snake_case name would differ for variants such as `Turning18`).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&code).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&code, &[$($code),+])
                })
            }
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code stored in the database and used in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// Parses a stored code.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// Who owns a service and so answers for its duties (spec 01 §2.1).
    OwnerType {
        Municipal = "municipal",
        County = "county",
        State = "state",
        Private = "private",
    }
);

coded_enum!(
    /// The sector a welfare service belongs to (spec 01 §1.4).
    Sector {
        Education = "education",
        Health = "health",
        ChildWelfare = "child_welfare",
        FamilyWelfare = "family_welfare",
        LabourWelfare = "labour_welfare",
        Justice = "justice",
        Other = "other",
    }
);

coded_enum!(
    /// What kind of body an organisation is.
    OrganisationKind {
        Municipality = "municipality",
        County = "county",
        StateAgency = "state_agency",
        PrivateOwner = "private_owner",
    }
);

impl OrganisationKind {
    /// The owner type of services this organisation owns.
    pub fn owner_type(self) -> OwnerType {
        match self {
            OrganisationKind::Municipality => OwnerType::Municipal,
            OrganisationKind::County => OwnerType::County,
            OrganisationKind::StateAgency => OwnerType::State,
            OrganisationKind::PrivateOwner => OwnerType::Private,
        }
    }
}

coded_enum!(
    /// A role an employee holds, in a service or in the organisation as a whole.
    Role {
        /// Case worker in a service (saksbehandler / kontaktperson).
        CaseWorker = "case_worker",
        /// Coordinator (koordinator) under the health and care legislation.
        Coordinator = "coordinator",
        /// Child coordinator (barnekoordinator), hol § 7-2 a.
        ChildCoordinator = "child_coordinator",
        /// Case handler in the coordinating unit (koordinerende enhet).
        CoordinatingUnitHandler = "coordinating_unit_handler",
        /// Leader of a service or of the municipality: sees aggregates, not personal data.
        Leader = "leader",
        /// Configures the system; sees no case data.
        Administrator = "administrator",
    }
);

coded_enum!(
    /// Whether a user is an employee of a service owner or a citizen.
    UserKind {
        Employee = "employee",
        Citizen = "citizen",
    }
);

/// A law in the reference data, versioned by validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Law {
    pub code: String,
    pub short_name: String,
    pub name_nb: String,
    pub name_en: String,
    pub lovdata_ref: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub citation: String,
}

/// A provision (section of a law) holding a duty or right, versioned by validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provision {
    pub code: String,
    pub law_code: String,
    pub section: String,
    pub title_nb: String,
    pub title_en: String,
    pub cooperation_system: bool,
    pub cooperation_individual: bool,
    pub coordination_duty: bool,
    pub child_coordinator: bool,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub citation: String,
}

/// One kind of welfare service in the taxonomy (spec 01 §1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceType {
    pub code: String,
    pub name_nb: String,
    pub name_nn: String,
    pub name_en: String,
    pub sector: Sector,
    pub owner_type: OwnerType,
    pub law_code: Option<String>,
    pub description_nb: String,
}

/// A municipality in a division of Norway, versioned by validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    pub kommunenummer: Kommunenummer,
    pub name: String,
    pub fylke_nummer: String,
    pub fylke_name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Is a record with this validity in force on `day`?
pub fn in_force(valid_from: NaiveDate, valid_to: Option<NaiveDate>, day: NaiveDate) -> bool {
    valid_from <= day && valid_to.is_none_or(|to| day <= to)
}

/// A service owner: municipality, county authority, state agency or private owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub kind: OrganisationKind,
    pub name: String,
    pub orgnr: Option<Organisasjonsnummer>,
    pub kommunenummer: Option<Kommunenummer>,
}

/// A welfare service delivered by an organisation, with how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub owner_type: OwnerType,
    pub service_type: String,
    pub sector: Sector,
    pub name: String,
    pub description: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    /// Deactivated services are kept for the cases they took part in, and listed nowhere.
    pub active: bool,
}

/// A person the services work with: a child, young person or family member.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    /// Fødselsnummer or D-number; none yet for an expected child or one whose number is being found.
    pub fnr: Option<Fodselsnummer>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    /// Strictly confidential address (strengt fortrolig adresse): the address is never shown outside the
    /// services that must know it.
    pub protected_address: bool,
    pub registered_kommune: Kommunenummer,
    /// The address on record. Shown only as the access policy allows (never for a protected address
    /// outside the services that must know it).
    pub address: Option<String>,
    /// An expected child's due date; `birth_date` holds it until the child is born and registered.
    pub expected_due_date: Option<NaiveDate>,
}

impl std::fmt::Debug for Person {
    // Personal data stays out of logs and panics: only the id is printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Person {
    /// The person's full name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// Age in whole years on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        day.years_since(self.birth_date).unwrap_or(0)
    }
}

/// A membership of an employee in a service (or the organisation as a whole) with a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub organisation_id: String,
    pub service_id: Option<String>,
    pub role: Role,
}

/// A user of Los: an employee with memberships, or a citizen linked to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub kind: UserKind,
    pub person_id: Option<String>,
    pub memberships: Vec<Membership>,
}

/// A service's part in a case over a period (spec 01 §8.C item 29).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    pub service_id: String,
    pub service_name: String,
    pub owner_type: OwnerType,
    pub joined_on: NaiveDate,
    pub join_reason: String,
    pub left_on: Option<NaiveDate>,
    pub leave_reason: Option<String>,
}

impl Participation {
    /// Does the service take part on `day`?
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.joined_on <= day && self.left_on.is_none_or(|l| day < l)
    }
}

/// An individual case (enkeltsak) about a child and, where relevant, the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub child_person_id: String,
    pub title: String,
    pub opened_at: DateTime<Utc>,
    pub participants: Vec<Participation>,
    /// A health service accepted the young person's reasons for keeping health information from the
    /// parents (pbrl § 3-4 second paragraph).
    pub health_private_from_parents: bool,
    /// Open, closing or closed.
    pub state: crate::closing::CaseState,
    /// Every change of state, oldest first.
    pub state_changes: Vec<crate::closing::StateChange>,
}

impl Case {
    /// The day the case stopped being open, while it is closing or closed.
    pub fn closing_since(&self) -> Option<NaiveDate> {
        crate::closing::closing_since(self.state, &self.state_changes)
    }

    /// The services taking part on `day`.
    pub fn active_service_ids(&self, day: NaiveDate) -> Vec<&str> {
        self.participants.iter().filter(|p| p.active_on(day)).map(|p| p.service_id.as_str()).collect()
    }
}

coded_enum!(
    /// How an adult is linked to a child.
    Relation {
        /// A parent (with or without parental responsibility).
        Parent = "parent",
        /// A foster parent; sees the case only when the child welfare service has authorised it.
        FosterParent = "foster_parent",
        /// A relative the family invited; sees the shared overview only.
        InvitedRelative = "invited_relative",
    }
);

/// An adult's link to a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardianship {
    pub adult_person_id: String,
    pub child_person_id: String,
    pub relation: Relation,
    /// Parental responsibility (foreldreansvar).
    pub parental_responsibility: bool,
    /// Access given explicitly: by the family (an invited relative, a parent without responsibility) or by
    /// the child welfare service (a foster parent).
    pub access_granted: bool,
}

/// May this person give (or take back) a relative's access to the child's case? A parent with parental
/// responsibility may, and so may the young person from 15 (the age a young person acts alone in child
/// welfare matters, spec 02 §2.3).
pub fn may_grant_family_access(
    person_id: &str,
    child_id: &str,
    child_age: u32,
    guardianships: &[Guardianship],
) -> bool {
    (person_id == child_id && child_age >= 15)
        || guardianships.iter().any(|g| {
            g.adult_person_id == person_id
                && g.child_person_id == child_id
                && g.relation == Relation::Parent
                && g.parental_responsibility
        })
}

impl Guardianship {
    /// A parent with parental responsibility.
    pub fn parent(adult: &str, child: &str, responsibility: bool) -> Self {
        Guardianship {
            adult_person_id: adult.into(),
            child_person_id: child.into(),
            relation: Relation::Parent,
            parental_responsibility: responsibility,
            access_granted: false,
        }
    }
}

/// A record a service keeps in a case (a note), owned by that service. Changes are new versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub case_id: String,
    pub service_id: String,
    pub service_name: String,
    pub category: crate::consent::InfoCategory,
    pub body: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The earlier version this one replaces.
    pub supersedes: Option<String>,
    /// The owning service opened this record to the child or young person, where the law leaves their
    /// access to the service (policy: `Resource::CaseRecord`).
    pub open_to_child: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_grant_family_access() {
        let mut dad = Guardianship::parent("dad", "child", false);
        let g = [Guardianship::parent("mum", "child", true), dad.clone()];
        assert!(may_grant_family_access("mum", "child", 8, &g));
        assert!(!may_grant_family_access("dad", "child", 8, &g), "no parental responsibility");
        assert!(!may_grant_family_access("child", "child", 14, &g));
        assert!(may_grant_family_access("child", "child", 15, &g));
        dad.relation = Relation::FosterParent;
        dad.parental_responsibility = true;
        assert!(
            !may_grant_family_access("dad", "child", 8, &[dad]),
            "foster parents do not hand out the family's access"
        );
    }
}
