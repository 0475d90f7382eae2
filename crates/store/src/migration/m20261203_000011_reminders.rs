//! E-mail reminders of the worklist (spec 01 §4.3: continuous evaluation with reminders): an employee's
//! e-mail address, and one row per person and day a reminder went out, so a second run the same day sends
//! nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("app_user").add_column(string_null("email")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table("reminder_sent")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reminder_sent_user_id")
                        .from("reminder_sent", "user_id")
                        .to("app_user", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .col(date("day"))
                .col(integer("task_count"))
                .col(timestamp_with_time_zone("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_reminder_sent_user_day")
                .table("reminder_sent")
                .col("user_id")
                .col("day")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
