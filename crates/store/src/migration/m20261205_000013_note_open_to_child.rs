//! A service opens one of its records to the child or young person it is about (issue 10, defect 7):
//! where the law leaves the young person's access to the service, the service decides per record, and
//! the default is the overview only.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("case_note").add_column(boolean("open_to_child").default(false)).to_owned())
            .await?;
        Ok(())
    }
}
