//! Log-in over OpenID Connect (issue 11): who a staff member is at the municipality's identity provider
//! (`app_user.external_subject`), which provider and provider session (`sid`) a browser session came from
//! (for RP-initiated and front-channel logout), and the per-attempt secrets of a log-in in progress
//! (`login_attempt`: state, nonce and PKCE verifier stay server-side; the browser holds only a random key).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("app_user").add_column(string_null("external_subject")).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("ux_app_user_external_subject")
                .table("app_user")
                .col("external_subject")
                .unique()
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(Table::alter().table("access_token").add_column(string_null("login_provider")).to_owned())
            .await?;
        m.alter_table(Table::alter().table("access_token").add_column(string_null("login_sid")).to_owned()).await?;
        m.create_index(
            Index::create().name("ix_access_token_login_sid").table("access_token").col("login_sid").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_attempt")
                // SHA-256 of the random key in the browser's short-lived cookie.
                .col(string("id").primary_key())
                .col(string("provider"))
                .col(string("state"))
                .col(string("nonce"))
                .col(string("pkce_verifier"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_login_attempt_created_at").table("login_attempt").col("created_at").to_owned(),
        )
        .await?;
        Ok(())
    }
}
