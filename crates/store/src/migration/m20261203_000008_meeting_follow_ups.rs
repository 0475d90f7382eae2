//! Meetings get a preparation checklist and follow-ups with owners and due dates (spec 01 §8.G item 27):
//! who does what by when, tracked until done, instead of a free-text line in the minutes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn belongs_to_meeting(t: &mut TableCreateStatement, table: &'static str) {
    t.col(string("case_id"))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_case_id"))
                .from(table, "case_id")
                .to("case_file", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .col(string("meeting_id"))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_meeting_id"))
                .from(table, "meeting_id")
                .to("meeting", "id")
                .on_delete(ForeignKeyAction::Restrict),
        );
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut prep = Table::create();
        prep.table("meeting_preparation").col(string("id").primary_key());
        belongs_to_meeting(&mut prep, "meeting_preparation");
        prep.col(integer("position"))
            .col(text("text"))
            .col(timestamp_with_time_zone_null("done_at"))
            .col(string_null("done_by"));
        m.create_table(prep).await?;
        let mut action = Table::create();
        action.table("meeting_action").col(string("id").primary_key());
        belongs_to_meeting(&mut action, "meeting_action");
        action
            .col(text("description"))
            .col(string("owner_service"))
            .col(date("due_on"))
            .col(string("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("done_at"))
            .col(string_null("done_by"))
            .col(text_null("done_note"));
        m.create_table(action).await?;
        m.create_index(
            Index::create().name("ix_meeting_action_case").table("meeting_action").col("case_id").to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_meeting_preparation_case").table("meeting_preparation").col("case_id").to_owned(),
        )
        .await?;
        Ok(())
    }
}
