//! Confidentiality: consents with their givers, recorded legal bases, services' own case records (notes,
//! kept as versions), break-the-glass grants, the person's address, and the young person's health privacy.

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
        m.alter_table(Table::alter().table("person").add_column(text_null("address")).to_owned()).await?;
        m.alter_table(
            Table::alter()
                .table("case_file")
                .add_column(boolean("health_private_from_parents").default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("consent")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("subject_person_id"))
                .col(string("domain"))
                .col(text("from_services"))
                .col(text("to_services"))
                .col(text("categories"))
                .col(text("purpose"))
                .col(text("consequences"))
                .col(string("form"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(date("valid_from"))
                .col(date("valid_to"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(string_null("withdrawn_by"))
                .col(text_null("withdrawal_reason"))
                .col(string_null("renews"))
                .col(boolean("care_order"))
                .col(boolean("measures_directed_at_parents"))
                .col(boolean("both_required"))
                .foreign_key(&mut fk("consent", "case_id", "case_file", "id"))
                .foreign_key(&mut fk("consent", "subject_person_id", "person", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_consent_case").table("consent").col("case_id").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("consent_giver")
                .col(big_pk_auto("id"))
                .col(string("consent_id"))
                .col(string_null("person_id"))
                .col(string("capacity"))
                .col(integer_null("age"))
                .foreign_key(&mut fk("consent_giver", "consent_id", "consent", "id"))
                .foreign_key(&mut fk("consent_giver", "person_id", "person", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("legal_basis")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("from_service"))
                .col(string("to_service"))
                .col(string("category"))
                .col(text("reference"))
                .col(text("justification"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("legal_basis", "case_id", "case_file", "id"))
                .foreign_key(&mut fk("legal_basis", "from_service", "service", "id"))
                .foreign_key(&mut fk("legal_basis", "to_service", "service", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_note")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("service_id"))
                .col(string("category"))
                .col(text("body"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_null("supersedes"))
                .foreign_key(&mut fk("case_note", "case_id", "case_file", "id"))
                .foreign_key(&mut fk("case_note", "service_id", "service", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_case_note_case").table("case_note").col("case_id").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("break_glass")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("user_id"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("granted_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .col(string_null("reviewed_by"))
                .foreign_key(&mut fk("break_glass", "case_id", "case_file", "id"))
                .foreign_key(&mut fk("break_glass", "user_id", "app_user", "id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
