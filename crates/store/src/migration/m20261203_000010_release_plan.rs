//! The transition plan after a sentence (spec 01 §8.H item 32): a measure in the cooperation plan can be
//! marked as part of it, with the area it covers (housing, education or work, health, finances, network and
//! leisure, follow-up after the sentence). Community sentences and prison need no schema change: the
//! sentence's kind is a code, and its lead service is stored where the youth coordinator's was.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("plan_item").add_column(string_null("release_area")).to_owned()).await
    }
}
