//! Administration of the municipality's directory (issue 11): employees and services are deactivated, never
//! deleted, since cases and the audit log refer to them; a membership that ends is kept with the time it
//! ended, so who held which role when stays answerable; a service carries its own organisation number
//! (underenhet) beside its owner's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(Table::alter().table("app_user").add_column(boolean("active").default(true)).to_owned()).await?;
        m.alter_table(
            Table::alter().table("app_user").add_column(timestamp_with_time_zone_null("deactivated_at")).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table("service").add_column(boolean("active").default(true)).to_owned()).await?;
        m.alter_table(
            Table::alter().table("service").add_column(timestamp_with_time_zone_null("deactivated_at")).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table("service").add_column(string_len_null("orgnr", 9)).to_owned()).await?;
        m.alter_table(
            Table::alter().table("membership").add_column(timestamp_with_time_zone_null("ended_at")).to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_membership_user").table("membership").col("user_id").to_owned())
            .await?;
        Ok(())
    }
}
