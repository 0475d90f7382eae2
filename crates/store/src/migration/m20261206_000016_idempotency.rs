//! Idempotency keys on API writes (issue 10): a client that retries after a lost answer gets the first
//! answer again instead of writing twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_key")
                // SHA-256 of the caller's credential and the key: the key is the caller's own.
                .col(string("id").primary_key())
                // SHA-256 of method, path and body: the same key with another request is refused.
                .col(string("fingerprint"))
                // Null while the first request is still running.
                .col(integer_null("status"))
                .col(string_null("content_type"))
                .col(text_null("body"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_idempotency_key_created_at").table("idempotency_key").col("created_at").to_owned(),
        )
        .await?;
        Ok(())
    }
}
