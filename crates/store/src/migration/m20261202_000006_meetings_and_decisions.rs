//! The guided situation checks on a step-2 assessment (spec 01 §4.2), sector decisions linked to a case as
//! external decisions (a service granting a new service prompts everyone to assess again, §8.C items 13–14),
//! and the meetings of a case with their minutes (§8.G item 27; meeting series, start-up and restorative
//! meetings, §4.6 and §5.2).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn case_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(string("id").primary_key())
        .col(string("case_id"))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{name}_case_id"))
                .from(name, "case_id")
                .to("case_file", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["situations", "deviation_reason"] {
            m.alter_table(Table::alter().table("assessment").add_column(text_null(col)).to_owned()).await?;
        }
        m.create_table(
            case_table("external_decision")
                .col(string("service_id"))
                .col(text("title"))
                .col(string_null("reference"))
                .col(date("decided_on"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("meeting")
                .col(string_null("series_id"))
                .col(string("kind"))
                .col(date_time("starts_at"))
                .col(integer("duration_minutes"))
                .col(text("place"))
                .col(text("agenda"))
                .col(text("invited"))
                .col(text("excluded_by_child"))
                .col(string("child_participation"))
                .col(string("arranged_by_service"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                .col(string_null("cancelled_by"))
                .col(text_null("cancel_reason"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_meeting_case").table("meeting").col("case_id").to_owned()).await?;
        m.create_table(
            case_table("meeting_minutes")
                .col(string("meeting_id"))
                .col(text("attended"))
                .col(text("minutes"))
                .col(text("follow_ups"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
