//! The foundation: reference data, organisations and services, people and users, cases with participants,
//! access tokens and the append-only audit chain.

use sea_orm::DbBackend;
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
                .table("law")
                .col(string("code").primary_key())
                .col(string("short_name"))
                .col(string("name_nb"))
                .col(string("name_en"))
                .col(string_null("lovdata_ref"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(text("citation"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("provision")
                .col(string("code").primary_key())
                .col(string("law_code"))
                .col(string("section"))
                .col(string("title_nb"))
                .col(string("title_en"))
                .col(boolean("cooperation_system"))
                .col(boolean("cooperation_individual"))
                .col(boolean("coordination_duty"))
                .col(boolean("child_coordinator"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(text("citation"))
                .foreign_key(&mut fk("provision", "law_code", "law", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("service_type")
                .col(string("code").primary_key())
                .col(string("name_nb"))
                .col(string("name_nn"))
                .col(string("name_en"))
                .col(string("sector"))
                .col(string("owner_type"))
                .col(string_null("law_code"))
                .col(text("description_nb"))
                .foreign_key(&mut fk("service_type", "law_code", "law", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("municipality")
                .col(string_len("kommunenummer", 4))
                .col(date("valid_from"))
                .col(string("name"))
                .col(string_len("fylke_nummer", 2))
                .col(string("fylke_name"))
                .col(date_null("valid_to"))
                .primary_key(Index::create().col("kommunenummer").col("valid_from"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("organisation")
                .col(string("id").primary_key())
                .col(string("kind"))
                .col(string("name"))
                .col(string_len_null("orgnr", 9))
                .col(string_len_null("kommunenummer", 4))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("service")
                .col(string("id").primary_key())
                .col(string("organisation_id"))
                .col(string("service_type"))
                .col(string("name"))
                .col(text("description"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(text_null("address"))
                .col(text_null("opening_hours"))
                .foreign_key(&mut fk("service", "organisation_id", "organisation", "id"))
                .foreign_key(&mut fk("service", "service_type", "service_type", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("person")
                .col(string("id").primary_key())
                .col(string_len_uniq("fnr", 11))
                .col(string("given_name"))
                .col(string("family_name"))
                .col(date("birth_date"))
                .col(boolean("protected_address"))
                .col(string_len("registered_kommune", 4))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("guardianship")
                .col(string("adult_person_id"))
                .col(string("child_person_id"))
                .col(boolean("parental_responsibility"))
                .primary_key(Index::create().col("adult_person_id").col("child_person_id"))
                .foreign_key(&mut fk("guardianship", "adult_person_id", "person", "id"))
                .foreign_key(&mut fk("guardianship", "child_person_id", "person", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("app_user")
                .col(string("id").primary_key())
                .col(string("display_name"))
                .col(string("kind"))
                .col(string_null("person_id"))
                .col(text_null("demo_description"))
                .foreign_key(&mut fk("app_user", "person_id", "person", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("membership")
                .col(big_pk_auto("id"))
                .col(string("user_id"))
                .col(string("organisation_id"))
                .col(string_null("service_id"))
                .col(string("role"))
                .foreign_key(&mut fk("membership", "user_id", "app_user", "id"))
                .foreign_key(&mut fk("membership", "organisation_id", "organisation", "id"))
                .foreign_key(&mut fk("membership", "service_id", "service", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_file")
                .col(string("id").primary_key())
                .col(string("child_person_id"))
                .col(string("title"))
                .col(timestamp_with_time_zone("opened_at"))
                .foreign_key(&mut fk("case_file", "child_person_id", "person", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("participation")
                .col(big_pk_auto("id"))
                .col(string("case_id"))
                .col(string("service_id"))
                .col(date("joined_on"))
                .col(text("join_reason"))
                .col(date_null("left_on"))
                .col(text_null("leave_reason"))
                .foreign_key(&mut fk("participation", "case_id", "case_file", "id"))
                .foreign_key(&mut fk("participation", "service_id", "service", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_participation_case").table("participation").col("case_id").to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table("access_token")
                .col(string_len("hash", 64).primary_key())
                .col(string("user_id"))
                .col(string("kind"))
                .col(string_null("label"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("access_token", "user_id", "app_user", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_integer("seq").primary_key())
                .col(timestamp_with_time_zone("at"))
                .col(string_null("actor_user_id"))
                .col(string_null("actor_service_id"))
                .col(string_null("actor_role"))
                .col(string("action"))
                .col(string("resource_type"))
                .col(string_null("resource_id"))
                .col(string_null("case_id"))
                .col(string_null("category"))
                .col(string("outcome"))
                .col(text("basis"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audit_case").table("audit_log").col("case_id").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("audit_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("audit_head")
                .columns(["id", "seq", "hash"])
                .values_panic([1.into(), 0i64.into(), crate::audit::GENESIS.into()])
                .to_owned(),
        )
        .await?;

        // The audit log is append-only in the database itself: rows can be inserted, never changed or
        // removed. Trigger syntax differs per backend; this is DDL, not a query, so it is written per dialect.
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
            }
            other => return Err(DbErr::Migration(format!("unsupported database backend {other:?}"))),
        }
        Ok(())
    }
}
