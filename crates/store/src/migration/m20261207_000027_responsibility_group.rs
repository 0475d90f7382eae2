//! The responsibility group that carries out the individual plan (issue 13): its members with their function
//! (`ip_group_member`; kept when they leave), and the e-mail invitations sent to a meeting's invitees
//! (`meeting_invitation`: who was invited when, and whether the mail server took the message).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("ip_group_member")
                .col(string("id").primary_key())
                .col(string("plan_id"))
                .col(string("case_id"))
                // An employee sitting for a service, or the child or a parent (person_id).
                .col(string_null("user_id"))
                .col(string_null("service_id"))
                .col(string_null("person_id"))
                .col(string("function"))
                .col(string("added_by"))
                .col(timestamp_with_time_zone("added_at"))
                .col(timestamp_with_time_zone_null("removed_at"))
                .col(string_null("removed_by"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_ip_group_member_plan_id")
                        .from("ip_group_member", "plan_id")
                        .to("ip_plan", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_ip_group_member_plan").table("ip_group_member").col("plan_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meeting_invitation")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("meeting_id"))
                .col(string("user_id"))
                .col(string("sent_by"))
                .col(timestamp_with_time_zone("sent_at"))
                // sent | failed | no_address
                .col(string("outcome"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_meeting_invitation_meeting_id")
                        .from("meeting_invitation", "meeting_id")
                        .to("meeting", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_meeting_invitation_meeting")
                .table("meeting_invitation")
                .col("meeting_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
