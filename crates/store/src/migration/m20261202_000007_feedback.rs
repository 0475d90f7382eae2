//! The family's safe feedback channel (spec 01 §8.G item 28): a report that something is not working, sent
//! to the coordinating service or another contact the family chose, tracked until it is resolved; and the
//! outcomes the county follow-up service records (§8.H item 33).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("feedback")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_feedback_case_id")
                        .from("feedback", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .col(string("author_person_id"))
                .col(string("author_user_id"))
                .col(string("recipient_service"))
                .col(text("body"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(text_null("resolution"))
                .col(string_null("resolved_by"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("follow_up_outcome")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_follow_up_outcome_case_id")
                        .from("follow_up_outcome", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .col(string("service_id"))
                .col(string("outcome"))
                .col(text("detail"))
                .col(date("achieved_on"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
