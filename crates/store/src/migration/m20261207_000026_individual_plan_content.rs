//! What the individual plan says (issue 13, IP-forskriften § 9): every version of its content, whole, with
//! who changed it and why (`ip_version`, numbered per plan), and the sections a municipality requires
//! (`ip_section`: configuration data; without rows of its own a municipality uses the nine sections of the
//! earlier regulations, `los_domain::individual_plan::content::default_sections`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("ip_version")
                .col(string("id").primary_key())
                .col(string("plan_id"))
                .col(integer("number"))
                // JSON: los_domain::individual_plan::content::PlanContent
                .col(text("content"))
                .col(text("reason"))
                .col(string("author"))
                .col(string_null("author_service"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_ip_version_plan_id")
                        .from("ip_version", "plan_id")
                        .to("ip_plan", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // Two writers never make the same version: the second fails and changes nothing.
        m.create_index(
            Index::create()
                .name("ux_ip_version_plan_number")
                .table("ip_version")
                .col("plan_id")
                .col("number")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("ip_section")
                .col(string("id").primary_key())
                .col(string("organisation_id"))
                .col(string("code"))
                .col(string("title_nb"))
                .col(string("title_nn"))
                .col(string("title_en"))
                .col(integer("position"))
                .col(boolean("legacy"))
                .col(boolean("active"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_ip_section_org").table("ip_section").col("organisation_id").to_owned())
            .await?;
        Ok(())
    }
}
