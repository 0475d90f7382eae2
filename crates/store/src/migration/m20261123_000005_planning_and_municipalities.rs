//! Each service's four planning assessments (spec 01 §4.3) on its step-2 assessment, and the municipalities
//! tied to a case beside the child's registered one: the care municipality for placed children, the
//! foster-home or institution municipality, and a second residence (spec 01 §5.1, §8.H item 30).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["cooperate_with", "cooperate_on", "extent_duration", "organisation"] {
            m.alter_table(Table::alter().table("assessment").add_column(text_null(col)).to_owned()).await?;
        }
        for col in ["care_kommune", "placement_kommune", "second_residence_kommune"] {
            m.alter_table(Table::alter().table("case_file").add_column(string_len_null(col, 4)).to_owned()).await?;
        }
        m.alter_table(Table::alter().table("case_file").add_column(text_null("local_clarification")).to_owned())
            .await?;
        Ok(())
    }
}
