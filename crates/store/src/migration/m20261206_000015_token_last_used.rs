//! When a token was last used: a browser session ends after a time without use (the idle timeout, beside
//! the absolute one), and `los token list` shows which API tokens are still in use.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table("access_token").add_column(timestamp_with_time_zone_null("last_used_at")).to_owned(),
        )
        .await?;
        Ok(())
    }
}
