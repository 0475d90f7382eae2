//! Storage for Los: one data layer for SQLite (the embedded default) and PostgreSQL (production).
//!
//! The rest of Los talks to [`Store`]. Its methods take and return domain types; SeaORM rows never leave this
//! crate. Methods that touch personal data take the acting [`User`], ask the access policy
//! ([`los_policy::authorize`]) and append an audit record in the same transaction, whether access was allowed
//! or denied. There is no other way to reach personal data.
#![forbid(unsafe_code)]

mod admin;
pub mod audit;
mod audit_writer;
mod case;
pub mod checkpoint;
pub mod child_coordination;
pub mod demo;
mod directory;
mod entities;
pub mod error;
pub mod idempotency;
pub mod login;
mod migration;
mod reference;
pub mod reminders;
pub mod scale;
pub mod scim;
mod store;
pub mod timeline;
mod tokens;
mod tx;
pub(crate) mod worklist;

pub use admin::employees::NewMembership;
pub use admin::{AdminOrganisation, Directory, EmployeeAdmin, InitReport, MembershipAdmin, NewService, ServiceAdmin};
pub use audit::{AuditEntry, AuditKey, Item as AuditItem, KeyCheck, Outcome, VerifyReport};
pub use case::CooperationView;
pub use case::access::{AccessReport, BreakGlassLine};
pub use case::access_log::{AccessLog, AccessLogLine, LogPage};
pub use case::assessments::NewAssessment;
pub use case::child_coordinator::CcWorkView;
pub use case::child_coordinator::work::{NewEscalation, NewInstruction, NewJournal, NewStartup};
pub use case::child_coordinator::{
    Candidate, CcAppointmentView, CcAssessmentView, CcComplaintView, CcConsentView, CcDecisionView, CcEventView,
    CcHandoverView, CcView, DelegationView, NewCcAppointment, NewCcAssessment, NewCcConsent, NewCcDecision,
    NewCcReport, NewChoice, NewComplaint, NewComplaintStep, NewExtension, NewGuidance, NewHandover,
};
pub use case::closing::StateAct;
pub use case::consents::{NewConsent, NewLegalBasis};
pub use case::coordinator::NewAssignment;
pub use case::decisions::{ExternalDecisionView, NewExternalDecision};
pub use case::feedback::FeedbackView;
pub use case::individual_plan::{
    IpBasisView, IpBehind, IpComparison, IpComplaintView, IpConsentView, IpDetail, IpEventView, IpGroupCandidate,
    IpGroupMemberView, IpHeld, IpLate, IpMay, IpParticipantView, IpResponsibilityView, IpStarted, IpSummary,
    IpVersionView, IpView, NewIpComplaint, NewIpComplaintStep, NewIpConsent, NewIpGroupMember, NewIpNotification,
    NewIpParticipant, NewIpResponsibility, NewIpSettings, NewIpStart,
};
pub use case::intake::{Intake, JoinAnswer, JoinRequestView};
pub use case::invitations::{Invitation, InvitationBatch, InvitationLine, MeetingForMail};
pub use case::meetings::{ActionView, MeetingView, MinutesView, NewAction, NewMeetings, PreparationView};
pub use case::notes::NewNote;
pub use case::plan::{NewPlanItem, PlanRevision};
pub use case::rights::{NewScreening, RightsView, ScreeningView};
pub use case::{CaseSummary, CaseView};
pub use checkpoint::{Checkpoint, CheckpointReport};
pub use error::StoreError;
pub use idempotency::Idempotency;
pub use login::LoginAttempt;
pub use reminders::Digest;
pub use store::{Backend, DatabaseUrl, DemoUser, Settings, Store};
pub use timeline::TimelineEvent;
pub use tokens::{LoginOrigin, TokenInfo, TokenKind};
pub use tx::shared::CASE_CLOSED_PREFIX;
pub use worklist::Task;

/// Compatibility path for the plan item type (the web crate names it `los_store::coordination::PlanItem`).
pub mod coordination {
    pub use crate::case::plan::PlanItem;
}

/// Compatibility path for the meeting clock (the web crate names `los_store::planning::{local_now, TIME_ZONE}`).
pub mod planning {
    pub use crate::case::meetings::{TIME_ZONE, local_now};
}
