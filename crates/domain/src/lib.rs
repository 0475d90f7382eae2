//! Pure domain of Los: identifiers, reference-data types and the rules of the cooperation duties.
//! No I/O, no async: everything here can be tested with plain values.
#![forbid(unsafe_code)]

pub mod admin;
pub mod anonymise;
pub mod child_coordinator;
pub mod closing;
pub mod consent;
pub mod coordination;
pub mod ident;
pub mod individual_plan;
pub mod intake;
pub mod model;
pub mod planning;
pub mod rights;
pub mod sharing;
