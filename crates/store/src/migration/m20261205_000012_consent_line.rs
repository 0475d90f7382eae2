//! A consent's line and who stands behind it (issue 10): `confirmed_from` lists the services the
//! information comes from that confirmed the consent (a consent recorded by an employee binds another
//! service only when that service confirms it), and a consent has at most one renewal (`renews` unique).
//! Consents recorded before this migration were relied on as recorded: every service they name stands
//! behind them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("consent").add_column(text("confirmed_from").default("")).to_owned())
            .await?;
        m.get_connection().execute_unprepared("UPDATE consent SET confirmed_from = from_services").await?;
        m.create_index(Index::create().name("ux_consent_renews").table("consent").col("renews").unique().to_owned())
            .await?;
        Ok(())
    }
}
