//! Indexes for every lookup by case, person, user, consent and meeting (issue 15): reads and lists should
//! cost what the user sees, not what the municipality holds. Measured with `bench` before and after
//! (docs/PERFORMANCE.md).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column) pairs looked up by equality.
const LOOKUPS: &[(&str, &str)] = &[
    ("legal_basis", "case_id"),
    ("break_glass", "case_id"),
    ("break_glass", "user_id"),
    ("external_decision", "case_id"),
    ("meeting_minutes", "case_id"),
    ("meeting_minutes", "meeting_id"),
    ("follow_up_outcome", "case_id"),
    ("step_mapping", "case_id"),
    ("assessment", "case_id"),
    ("hearing", "case_id"),
    ("best_interests", "case_id"),
    ("coordination", "case_id"),
    ("dispute", "case_id"),
    ("review_prompt", "case_id"),
    ("plan_item", "case_id"),
    ("sentence", "case_id"),
    ("team_member", "case_id"),
    ("compliance_report", "case_id"),
    ("feedback", "case_id"),
    ("case_file", "child_person_id"),
    ("consent_giver", "consent_id"),
    ("guardianship", "child_person_id"),
    ("guardianship", "adult_person_id"),
    ("membership", "user_id"),
    ("membership", "service_id"),
    ("participation", "service_id"),
    ("audit_log", "actor_user_id"),
    ("access_token", "user_id"),
    ("app_user", "person_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in LOOKUPS {
            m.create_index(
                Index::create()
                    .name(format!("ix_{table}_{column}"))
                    .table(*table)
                    .col(*column)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
