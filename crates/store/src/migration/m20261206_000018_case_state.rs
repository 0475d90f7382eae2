//! Case states (issue 11): a case is open, closing or closed. `case_file.state` holds where it is now, for
//! lists and worklists; `case_state_change` keeps every change with its reason, who made it and when, so
//! nothing is lost when a case closes and reopens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("case_file").add_column(string("state").default("open")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table("case_state_change")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_state_change_case_id")
                        .from("case_state_change", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .col(string("from_state"))
                .col(string("to_state"))
                .col(string_null("reason"))
                .col(text("reason_text"))
                .col(string_null("service_id"))
                .col(string("changed_by"))
                .col(timestamp_with_time_zone("changed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_case_state_change_case")
                .table("case_state_change")
                .col("case_id")
                .col("changed_at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
