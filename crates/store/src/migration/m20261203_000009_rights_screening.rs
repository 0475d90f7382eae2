//! Individual-rights screening (spec 01 §8.C item 15): whether the child and family have a right to an
//! individual plan, a coordinator and a child coordinator, with the outcome and, where the right is in
//! place, the service and person the case is anchored to. A new screening of a right supersedes the last
//! one (`superseded_at`), so the history is kept.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rights_screening")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_rights_screening_case_id")
                        .from("rights_screening", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .col(string("kind"))
                .col(string("outcome"))
                .col(string_null("service_id"))
                .col(string_null("person"))
                .col(string_null("reference"))
                .col(text("reasoning"))
                .col(string("assessed_by"))
                .col(string("assessed_by_service"))
                .col(timestamp_with_time_zone("assessed_at"))
                .col(timestamp_with_time_zone_null("superseded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_rights_screening_case").table("rights_screening").col("case_id").to_owned(),
        )
        .await?;
        Ok(())
    }
}
