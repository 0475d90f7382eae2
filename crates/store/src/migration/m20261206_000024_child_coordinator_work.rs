//! The child coordinator's work (issue 12): the start-up conversation, the coordination journal,
//! requirements to cooperate better and escalations (`cc_work`, one row each, kept), and the coordinators'
//! competence record of the nine areas (`cc_competence`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("cc_work")
                .col(string("id").primary_key())
                .col(string("case_id"))
                // startup | journal | instruction | escalation
                .col(string("kind"))
                .col(text("text"))
                .col(text_null("important"))
                .col(text_null("good_life"))
                .col(text_null("good_offer"))
                .col(text_null("needs"))
                .col(text_null("contact"))
                .col(string_null("task"))
                .col(boolean_null("in_scope"))
                .col(string_null("target_service_id"))
                .col(string_null("escalate_to"))
                .col(boolean_null("possible_breach"))
                .col(string_null("delegation_id"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cc_work_case_id")
                        .from("cc_work", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_cc_work_case").table("cc_work").col("case_id").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("cc_competence")
                .col(string("id").primary_key())
                .col(string("organisation_id"))
                .col(string("user_id"))
                .col(string("area"))
                .col(date("completed_on"))
                .col(text("note"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_cc_competence_user").table("cc_competence").col("user_id").to_owned())
            .await?;
        Ok(())
    }
}
