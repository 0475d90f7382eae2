//! Opening a case for a new child (issue 11): who the child is — by fødselsnummer or D-number, an expected
//! child with a due date and a mother, or a child known by name and birth date while the number is found —
//! and the adults linked to them. Pure rules: the store finds or creates the people and the case, and
//! turns a second case for the same child into a request to join the first (one cooperation case per
//! child, spec 01 §4.1).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ident::{Fodselsnummer, Kommunenummer};
use crate::model::{Relation, coded_enum};

/// The oldest a child or young person may be when a service opens a cooperation case for them: the duty to
/// cooperate covers services to children and young people, and child welfare follows young people to 25
/// (barnevernsloven § 3-1, aftercare).
pub const MAX_AGE: u32 = 25;
/// How far ahead a due date may lie: a pregnancy is at most about 42 weeks.
pub const MAX_DAYS_TO_DUE: u64 = 300;
/// How long after the due date a child may still be recorded as expected (births come late, and the number
/// is registered some days after birth).
pub const MAX_DAYS_PAST_DUE: u64 = 60;
/// The longest name part, in characters.
pub const MAX_NAME: usize = 200;

/// Who the child is, as far as the service knows today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildIdentity {
    /// Fødselsnummer or D-number, with the name the service has.
    Number { number: Fodselsnummer, given_name: String, family_name: String, birth_date: NaiveDate },
    /// A child not yet born: the due date; the mother is among the adults.
    Expected { due_date: NaiveDate, given_name: String, family_name: String },
    /// A child known by name and birth date while the number is being found.
    Named { given_name: String, family_name: String, birth_date: NaiveDate },
}

impl ChildIdentity {
    pub fn number(&self) -> Option<&Fodselsnummer> {
        match self {
            ChildIdentity::Number { number, .. } => Some(number),
            _ => None,
        }
    }

    /// The day stored as the child's birth date: the due date for an expected child.
    pub fn birth_date(&self) -> NaiveDate {
        match self {
            ChildIdentity::Number { birth_date, .. } | ChildIdentity::Named { birth_date, .. } => *birth_date,
            ChildIdentity::Expected { due_date, .. } => *due_date,
        }
    }

    pub fn names(&self) -> (&str, &str) {
        match self {
            ChildIdentity::Number { given_name, family_name, .. }
            | ChildIdentity::Expected { given_name, family_name, .. }
            | ChildIdentity::Named { given_name, family_name, .. } => (given_name, family_name),
        }
    }

    pub fn due_date(&self) -> Option<NaiveDate> {
        match self {
            ChildIdentity::Expected { due_date, .. } => Some(*due_date),
            _ => None,
        }
    }
}

/// An adult linked to the child: identified by number, so that they can log in and be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdult {
    pub number: Fodselsnummer,
    pub given_name: String,
    pub family_name: String,
    pub relation: Relation,
    pub parental_responsibility: bool,
    /// Strictly confidential address (strengt fortrolig adresse).
    pub protected_address: bool,
}

/// A new case: the child, the adults, the child's municipality and whether the child's address is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub child: ChildIdentity,
    pub adults: Vec<NewAdult>,
    pub kommune: Kommunenummer,
    pub protected_address: bool,
    /// Why the opening service takes part (its join reason).
    pub reason: String,
}

/// A broken intake rule; `code` is stable for translation, `field` names the request field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IntakeError {
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

impl IntakeError {
    fn new(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        IntakeError { code, field: Some(field), message: message.into() }
    }
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
}

fn name(v: &str, field: &'static str, required: bool) -> Result<String, IntakeError> {
    let v = v.trim();
    if required && v.is_empty() {
        return Err(IntakeError::new("intake.name_required", field, "give the name"));
    }
    if v.chars().count() > MAX_NAME || v.chars().any(char::is_control) {
        return Err(IntakeError::new("intake.name_invalid", field, "the name is too long or has control characters"));
    }
    Ok(v.to_owned())
}

/// The birth date of a child by number: the one the number gives (numbers issued before 2032 hold it),
/// which a given date must match; numbers that hold none need the given date.
fn number_birth_date(number: &Fodselsnummer, given: Option<NaiveDate>) -> Result<NaiveDate, IntakeError> {
    match (number.legacy_birth_date(), given) {
        (Some(from_number), Some(g)) if g != from_number => Err(IntakeError::new(
            "intake.birth_date_mismatch",
            "birth_date",
            "the birth date does not match the number",
        )),
        (Some(d), _) | (None, Some(d)) => Ok(d),
        (None, None) => Err(IntakeError::new("intake.birth_date_required", "birth_date", "give the birth date")),
    }
}

fn check_age(birth: NaiveDate, today: NaiveDate) -> Result<(), IntakeError> {
    if birth > today {
        return Err(IntakeError::new(
            "intake.birth_date_future",
            "birth_date",
            "the birth date is in the future: record an expected child with a due date",
        ));
    }
    if today.years_since(birth).is_some_and(|a| a >= MAX_AGE) {
        return Err(IntakeError::new(
            "intake.too_old",
            "birth_date",
            format!("a cooperation case is for children and young people under {MAX_AGE}"),
        ));
    }
    Ok(())
}

/// The raw description of the child, as a form or API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInput<'a> {
    /// `number` | `expected` | `named`.
    pub kind: &'a str,
    pub number: Option<Fodselsnummer>,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub birth_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
}

/// Checks the child's identity on `today`.
pub fn child_identity(i: &ChildInput<'_>, today: NaiveDate) -> Result<ChildIdentity, IntakeError> {
    match i.kind {
        "number" => {
            let number = i
                .number
                .ok_or_else(|| IntakeError::new("intake.number_required", "number", "give the child's number"))?;
            let birth_date = number_birth_date(&number, i.birth_date)?;
            check_age(birth_date, today)?;
            Ok(ChildIdentity::Number {
                number,
                given_name: name(i.given_name, "given_name", true)?,
                family_name: name(i.family_name, "family_name", true)?,
                birth_date,
            })
        }
        "expected" => {
            let due_date = i
                .due_date
                .ok_or_else(|| IntakeError::new("intake.due_date_required", "due_date", "give the due date"))?;
            let earliest = today.checked_sub_days(Days::new(MAX_DAYS_PAST_DUE)).unwrap_or(today);
            let latest = today.checked_add_days(Days::new(MAX_DAYS_TO_DUE)).unwrap_or(today);
            if due_date < earliest || due_date > latest {
                return Err(IntakeError::new(
                    "intake.due_date_range",
                    "due_date",
                    format!(
                        "the due date must lie between {MAX_DAYS_PAST_DUE} days ago and {MAX_DAYS_TO_DUE} days ahead"
                    ),
                ));
            }
            Ok(ChildIdentity::Expected {
                due_date,
                given_name: name(i.given_name, "given_name", false)?,
                family_name: name(i.family_name, "family_name", false)?,
            })
        }
        "named" => {
            let birth_date = i
                .birth_date
                .ok_or_else(|| IntakeError::new("intake.birth_date_required", "birth_date", "give the birth date"))?;
            check_age(birth_date, today)?;
            Ok(ChildIdentity::Named {
                given_name: name(i.given_name, "given_name", true)?,
                family_name: name(i.family_name, "family_name", true)?,
                birth_date,
            })
        }
        _ => Err(IntakeError::new(
            "intake.child_kind",
            "child_kind",
            "say how the child is identified: number, expected or named",
        )),
    }
}

/// Checks the adults against the child: no one twice, not the child themself, adults of age by their number
/// when it holds a birth date, and an expected child's mother among them.
pub fn check_adults(child: &ChildIdentity, adults: &[NewAdult], today: NaiveDate) -> Result<(), IntakeError> {
    for (i, a) in adults.iter().enumerate() {
        if adults[..i].iter().any(|b| b.number == a.number) || child.number() == Some(&a.number) {
            return Err(IntakeError::new("intake.adult_twice", "adults", "each person is named once"));
        }
        if a.number.legacy_birth_date().is_some_and(|b| today.years_since(b).is_none_or(|age| age < 12)) {
            return Err(IntakeError::new("intake.adult_age", "adults", "the number of an adult belongs to a child"));
        }
        if a.parental_responsibility && a.relation != Relation::Parent {
            return Err(IntakeError::new(
                "intake.responsibility_relation",
                "adults",
                "parental responsibility is recorded for a parent",
            ));
        }
    }
    if matches!(child, ChildIdentity::Expected { .. }) && !adults.iter().any(|a| a.relation == Relation::Parent) {
        return Err(IntakeError::new(
            "intake.expected_mother",
            "adults",
            "an expected child is recorded with the mother: give her number",
        ));
    }
    Ok(())
}

/// Checks the whole of a new case.
pub fn check_new_case(c: &NewCase, today: NaiveDate) -> Result<(), IntakeError> {
    check_adults(&c.child, &c.adults, today)?;
    if c.reason.trim().is_empty() {
        return Err(IntakeError::new("intake.reason", "reason", "give the reason your service takes part"));
    }
    Ok(())
}

coded_enum!(
    /// Where a request to join an existing case stands.
    JoinState {
        /// Waiting for a service in the case to answer.
        Pending = "pending",
        /// A service in the case took the requester in (through the consent rules of step 3).
        Accepted = "accepted",
        /// A service in the case declined, with a reason.
        Declined = "declined",
    }
);

/// The title a new case gets: the child's name, or "expected child" with the due date.
pub fn case_title(child: &ChildIdentity) -> String {
    match child {
        ChildIdentity::Expected { due_date, given_name, family_name } if given_name.is_empty() => {
            let family = if family_name.is_empty() { String::new() } else { format!(" {family_name}") };
            format!("Ventet barn{family}, termin {}", due_date.format("%d.%m.%Y"))
        }
        _ => {
            let (g, f) = child.names();
            format!("{g} {f}").trim().to_owned()
        }
    }
}

#[cfg(test)]
mod tests;
