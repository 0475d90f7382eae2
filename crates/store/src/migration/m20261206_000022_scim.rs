//! Provisioning from the municipality's directory over SCIM 2.0 (issue 11): the bearer tokens the directory
//! (Entra ID) uses, only their hashes kept as for `access_token`; the SCIM users, each linked to the staff
//! `app_user` it provisions (deleted over SCIM means deactivated in Los: the rows stay); the directory's
//! groups and their members; and the municipality's mapping of a group to a role in a service (or in an
//! organisation as a whole). `scim_grant` marks the memberships a mapping gave, so that only those are
//! ended when the directory takes a member out, never one an administrator gave by hand.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &'static str, col: &'static str, to: &'static str, to_col: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("scim_token")
                // SHA-256 of the secret, hex; its first 12 characters are the token's id in the CLI and audit.
                .col(string_len("hash", 64).primary_key())
                .col(string("label"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("scim_user")
                // The SCIM resource id the directory keeps.
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string_null("external_id"))
                .col(string("user_name"))
                // userName is unique without regard to case (RFC 7643 §4.1.1: caseExact false).
                .col(string("user_name_key"))
                .col(boolean("active"))
                .col(string_null("given_name"))
                .col(string_null("family_name"))
                .col(string_null("formatted_name"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                // Deleted over SCIM: no longer a SCIM resource (404), the app_user is deactivated and kept.
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut fk("scim_user", "user_id", "app_user", "id"))
                .to_owned(),
        )
        .await?;
        for (name, col) in [("ux_scim_user_user_id", "user_id"), ("ux_scim_user_user_name_key", "user_name_key")] {
            m.create_index(Index::create().name(name).table("scim_user").col(col).unique().to_owned()).await?;
        }
        m.create_index(
            Index::create().name("ix_scim_user_external_id").table("scim_user").col("external_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("scim_group")
                .col(string("id").primary_key())
                .col(string("display_name"))
                .col(string_null("external_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_scim_group_display_name").table("scim_group").col("display_name").to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_scim_group_external_id").table("scim_group").col("external_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("scim_group_member")
                .col(string("group_id"))
                .col(string("scim_user_id"))
                .primary_key(Index::create().col("group_id").col("scim_user_id"))
                .foreign_key(&mut fk("scim_group_member", "group_id", "scim_group", "id"))
                .foreign_key(&mut fk("scim_group_member", "scim_user_id", "scim_user", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_scim_group_member_user").table("scim_group_member").col("scim_user_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("scim_group_role")
                .col(big_pk_auto("id"))
                .col(string("group_id"))
                .col(string("organisation_id"))
                .col(string_null("service_id"))
                .col(string("role"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("scim_group_role", "group_id", "scim_group", "id"))
                .foreign_key(&mut fk("scim_group_role", "organisation_id", "organisation", "id"))
                .foreign_key(&mut fk("scim_group_role", "service_id", "service", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_scim_group_role_group").table("scim_group_role").col("group_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("scim_grant")
                .col(big_integer("membership_id").primary_key())
                .col(string("scim_user_id"))
                .foreign_key(&mut fk("scim_grant", "membership_id", "membership", "id"))
                .foreign_key(&mut fk("scim_grant", "scim_user_id", "scim_user", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_scim_grant_user").table("scim_grant").col("scim_user_id").to_owned())
            .await?;
        Ok(())
    }
}
