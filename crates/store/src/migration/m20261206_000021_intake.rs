//! Opening a case for a new child (issue 11). A child may be recorded before they have a number: an expected
//! child (with the due date, `person.expected_due_date`, kept in `birth_date` until birth) or a child known
//! by name and birth date while the number is found; `person.fnr` becomes nullable for them (unique still:
//! several NULLs are allowed in a UNIQUE column by both databases). A service that tries to open a case for
//! a child who already has one records a `join_request` instead, which the services in the case answer.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite cannot drop a NOT NULL constraint in place: the table is rebuilt as SQLite documents it
/// (<https://sqlite.org/lang_altertable.html#otheralter>), with foreign keys off for the rebuild so the
/// rows that refer to people keep pointing at the same ids. This migration runs outside a transaction on
/// SQLite (sea-orm-migration's default there), so the PRAGMA takes effect; the whole rebuild is one call on
/// one connection, in its own transaction, and the foreign keys are checked before it commits.
const SQLITE_REBUILD: &str = r#"
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE "person_new" ( "id" varchar NOT NULL PRIMARY KEY, "fnr" varchar(11) NULL UNIQUE, "given_name" varchar NOT NULL, "family_name" varchar NOT NULL, "birth_date" date_text NOT NULL, "protected_address" boolean NOT NULL, "registered_kommune" varchar(4) NOT NULL , "address" text NULL);
INSERT INTO "person_new" ("id", "fnr", "given_name", "family_name", "birth_date", "protected_address", "registered_kommune", "address")
  SELECT "id", "fnr", "given_name", "family_name", "birth_date", "protected_address", "registered_kommune", "address" FROM "person";
DROP TABLE "person";
ALTER TABLE "person_new" RENAME TO "person";
COMMIT;
PRAGMA foreign_keys = ON;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(SQLITE_REBUILD).await?;
                let broken = db
                    .query_all_raw(sea_orm::Statement::from_string(DbBackend::Sqlite, "PRAGMA foreign_key_check"))
                    .await?;
                if !broken.is_empty() {
                    return Err(DbErr::Migration(format!(
                        "{} rows refer to missing rows after the rebuild",
                        broken.len()
                    )));
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(r#"ALTER TABLE "person" ALTER COLUMN "fnr" DROP NOT NULL"#).await?;
            }
            other => return Err(DbErr::Migration(format!("unsupported database backend {other:?}"))),
        }
        m.alter_table(Table::alter().table("person").add_column(date_null("expected_due_date")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table("join_request")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("service_id"))
                .col(string("requested_by"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("requested_at"))
                // pending | accepted | declined
                .col(string("state"))
                .col(string_null("decided_by"))
                .col(string_null("decided_by_service"))
                .col(text_null("decision_text"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_join_request_case_id")
                        .from("join_request", "case_id")
                        .to("case_file", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_join_request_service_id")
                        .from("join_request", "service_id")
                        .to("service", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_join_request_case").table("join_request").col("case_id").to_owned())
            .await?;
        m.create_index(
            Index::create().name("ix_join_request_service").table("join_request").col("service_id").to_owned(),
        )
        .await?;
        Ok(())
    }
}
