//! Storage for Los: one data layer for SQLite (the embedded default) and PostgreSQL (production).
//!
//! The rest of Los talks to [`Store`]. Its methods take and return domain types; SeaORM rows never leave this
//! crate. Methods that touch personal data take the acting [`User`], ask the access policy
//! ([`los_policy::authorize`]) and append an audit record in the same transaction, whether access was allowed
//! or denied. There is no other way to reach personal data.
#![forbid(unsafe_code)]

pub mod audit;
pub mod cases;
pub mod coordination;
pub mod demo;
mod entities;
pub mod error;
pub mod feedback;
mod migration;
pub mod planning;
mod reference;
pub mod reminders;
pub mod rights;
mod store;
pub mod tasks;
pub mod timeline;
mod tx;

pub use audit::{AuditEntry, AuditKey, Outcome, VerifyReport};
pub use cases::{AccessLogLine, AccessReport, BreakGlassLine, CaseSummary, CaseView, NewConsent, NewLegalBasis};
pub use coordination::{CooperationView, NewAssessment, NewAssignment, NewPlanItem};
pub use error::StoreError;
pub use feedback::FeedbackView;
pub use planning::{
    ActionView, ExternalDecisionView, MeetingView, MinutesView, NewAction, NewExternalDecision, NewMeetings,
    PlanRevision, PreparationView,
};
pub use reminders::Digest;
pub use rights::{NewScreening, RightsView, ScreeningView};
pub use store::{Backend, DatabaseUrl, DemoUser, Settings, Store, TokenKind};
pub use tasks::Task;
pub use timeline::TimelineEvent;
