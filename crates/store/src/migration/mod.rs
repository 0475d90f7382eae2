//! Schema migrations, one file per migration, applied on start and by `los migrate`.
//! Never edit a migration that has landed: add a new one.

use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_confidentiality;
mod m20261123_000003_relations;
mod m20261123_000004_cooperation;
mod m20261123_000005_planning_and_municipalities;
mod m20261202_000006_meetings_and_decisions;
mod m20261202_000007_feedback;
mod m20261203_000008_meeting_follow_ups;
mod m20261203_000009_rights_screening;
mod m20261203_000010_release_plan;
mod m20261203_000011_reminders;
mod m20261205_000012_consent_line;
mod m20261205_000013_note_open_to_child;
mod m20261205_000014_lookup_indexes;
mod m20261206_000015_token_last_used;
mod m20261206_000016_idempotency;
mod m20261206_000017_audit_items;
mod m20261206_000018_case_state;
mod m20261206_000019_login_subjects;
mod m20261206_000020_directory_admin;
mod m20261206_000021_intake;
mod m20261206_000022_scim;
mod m20261206_000023_child_coordinator;
mod m20261206_000024_child_coordinator_work;
mod m20261207_000025_individual_plan;
mod m20261207_000026_individual_plan_content;
mod m20261207_000027_responsibility_group;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_confidentiality::Migration),
            Box::new(m20261123_000003_relations::Migration),
            Box::new(m20261123_000004_cooperation::Migration),
            Box::new(m20261123_000005_planning_and_municipalities::Migration),
            Box::new(m20261202_000006_meetings_and_decisions::Migration),
            Box::new(m20261202_000007_feedback::Migration),
            Box::new(m20261203_000008_meeting_follow_ups::Migration),
            Box::new(m20261203_000009_rights_screening::Migration),
            Box::new(m20261203_000010_release_plan::Migration),
            Box::new(m20261203_000011_reminders::Migration),
            Box::new(m20261205_000012_consent_line::Migration),
            Box::new(m20261205_000013_note_open_to_child::Migration),
            Box::new(m20261205_000014_lookup_indexes::Migration),
            Box::new(m20261206_000015_token_last_used::Migration),
            Box::new(m20261206_000016_idempotency::Migration),
            Box::new(m20261206_000017_audit_items::Migration),
            Box::new(m20261206_000018_case_state::Migration),
            Box::new(m20261206_000019_login_subjects::Migration),
            Box::new(m20261206_000020_directory_admin::Migration),
            Box::new(m20261206_000021_intake::Migration),
            Box::new(m20261206_000022_scim::Migration),
            Box::new(m20261206_000023_child_coordinator::Migration),
            Box::new(m20261206_000024_child_coordinator_work::Migration),
            Box::new(m20261207_000025_individual_plan::Migration),
            Box::new(m20261207_000026_individual_plan_content::Migration),
            Box::new(m20261207_000027_responsibility_group::Migration),
        ]
    }
}
