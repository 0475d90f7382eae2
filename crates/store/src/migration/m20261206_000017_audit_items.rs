//! One audit entry per access (issue 15): an entry names everything the access read in `items` (JSON, part
//! of the hashed content), instead of one row per item; `audit_case` indexes each entry under every case it
//! touched, so a family's access log finds the reads of their cases (a list names many cases in one entry).
//! Like `audit_log`, `audit_case` is append-only in the database itself.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("audit_log").add_column(text_null("items")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table("audit_case")
                .col(string("case_id"))
                .col(big_integer("seq"))
                // What the entry did in this case, so the family's log needs no items to be read: the
                // categories read there (comma-separated, the main one first) and the first read's outcome,
                // service, role and basis. Derived from the hashed entry when it is appended.
                .col(text("categories"))
                .col(string("outcome"))
                .col(string_null("service_id"))
                .col(string_null("role"))
                .col(text("basis"))
                .primary_key(Index::create().col("case_id").col("seq"))
                .to_owned(),
        )
        .await?;
        // `audit verify` reads the index by entry, a page of entries at a time.
        m.create_index(Index::create().name("ix_audit_case_seq").table("audit_case").col("seq").to_owned()).await?;
        let db = m.get_connection();
        // Entries written before: each names at most one case.
        db.execute_unprepared(
            "INSERT INTO audit_case (case_id, seq, categories, outcome, service_id, role, basis) \
             SELECT case_id, seq, COALESCE(category, ''), outcome, actor_service_id, actor_role, basis \
             FROM audit_log WHERE case_id IS NOT NULL",
        )
        .await?;
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE TRIGGER audit_case_no_update BEFORE UPDATE ON audit_case \
                     BEGIN SELECT RAISE(ABORT, 'audit_case is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_case_no_delete BEFORE DELETE ON audit_case \
                     BEGIN SELECT RAISE(ABORT, 'audit_case is append-only'); END;",
                )
                .await?;
            }
            DbBackend::Postgres => {
                // The function of the first migration raises for any table it guards.
                db.execute_unprepared(
                    "CREATE TRIGGER audit_case_append_only BEFORE UPDATE OR DELETE ON audit_case \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
            }
            other => return Err(DbErr::Migration(format!("unsupported database backend {other:?}"))),
        }
        Ok(())
    }
}
