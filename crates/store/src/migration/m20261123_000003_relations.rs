//! How an adult is linked to a child (parent, foster parent, invited relative) and whether access was
//! given explicitly.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("guardianship").add_column(string("relation").default("parent")).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table("guardianship").add_column(boolean("access_granted").default(false)).to_owned(),
        )
        .await?;
        Ok(())
    }
}
