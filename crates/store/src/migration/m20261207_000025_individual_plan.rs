//! The individual plan as its own object (issue 13; IP-forskriften): one plan per child (`ip_plan`, at most
//! one not ended per child, by a partial unique index), its legal bases (`ip_basis`), the starts, the § 8
//! notifications and other events (`ip_event`), the consents with the services they give access
//! (`ip_consent`), the main responsibility over time (`ip_responsibility`), the participants with their
//! duty (`ip_participant`) and complaints (`ip_complaint`).
//!
//! Before this, a plan was only a rights-screening row "in place". Each such current row becomes a plan
//! (waiting for its consent, as none was recorded for it) with the main responsibility at the service that
//! recorded it; the screening row is kept as history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(Alias::new(table), Alias::new(col))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &str, col: &str) -> IndexCreateStatement {
    Index::create().name(format!("ix_{table}_{col}")).table(Alias::new(table)).col(Alias::new(col)).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("ip_plan")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("child_person_id"))
                .col(timestamp_with_time_zone("started_at"))
                .col(string("started_by"))
                .col(string("started_by_service"))
                .col(boolean("care_order").default(false))
                .col(boolean("measures_for_parents").default(false))
                // nb | nn: the language of the plan and its PDF
                .col(string("language").default("nb"))
                .col(string_null("interpreter_language"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(string_null("ended_by"))
                .col(text_null("end_reason"))
                .col(string_null("migrated_from"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("ip_plan", "case_id", "case_file"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ip_plan", "case_id")).await?;
        // One plan per child, however many laws give the right (spec 02 §2.1): the database holds the rule
        // too, so two services starting at the same moment cannot make two.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_ip_plan_open_child ON ip_plan (child_person_id) WHERE ended_at IS NULL",
            )
            .await?;
        for (table, cols) in [
            ("ip_basis", vec!["basis", "recorded_by", "recorded_by_service"]),
            ("ip_responsibility", vec!["service_id", "how", "decided_by"]),
            ("ip_participant", vec!["service_id", "role", "contacted_by"]),
        ] {
            let mut t = Table::create();
            t.table(Alias::new(table)).col(string("id").primary_key()).col(string("plan_id"));
            for c in cols {
                t.col(string(c));
            }
            match table {
                "ip_basis" => {
                    t.col(timestamp_with_time_zone("recorded_at"))
                        .col(timestamp_with_time_zone_null("removed_at"))
                        .col(string_null("removed_by"))
                        .col(text_null("removal_reason"));
                }
                "ip_responsibility" => {
                    t.col(text("reasoning"))
                        .col(string_null("decided_by_service"))
                        .col(timestamp_with_time_zone("from_at"))
                        .col(timestamp_with_time_zone_null("until_at"));
                }
                _ => {
                    t.col(string_null("law"))
                        .col(text("note"))
                        .col(timestamp_with_time_zone("contacted_at"))
                        .col(timestamp_with_time_zone_null("ended_at"));
                }
            }
            t.foreign_key(&mut fk(table, "plan_id", "ip_plan"));
            m.create_table(t.to_owned()).await?;
            m.create_index(index(table, "plan_id")).await?;
        }
        m.create_table(
            Table::create()
                .table("ip_event")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string_null("plan_id"))
                // start | linked_start | notification | end
                .col(string("kind"))
                .col(string_null("service_id"))
                .col(text("text"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut fk("ip_event", "case_id", "case_file"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ip_event", "case_id")).await?;
        m.create_table(
            Table::create()
                .table("ip_consent")
                .col(string("id").primary_key())
                .col(string("plan_id"))
                // JSON: [{person_id, capacity, age}]
                .col(text("givers"))
                // JSON: the services the consent gives access to the plan
                .col(text("access_services"))
                .col(string("form"))
                .col(boolean("care_order"))
                .col(boolean("measures_for_parents"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(string_null("withdrawn_by"))
                .col(text_null("withdrawal_reason"))
                .foreign_key(&mut fk("ip_consent", "plan_id", "ip_plan"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ip_consent", "plan_id")).await?;
        m.create_table(
            Table::create()
                .table("ip_complaint")
                .col(string("id").primary_key())
                .col(string("plan_id"))
                .col(string("route"))
                .col(string("capacity"))
                .col(string_null("complainant_person_id"))
                .col(text("description"))
                .col(date("received_on"))
                .col(date("deadline"))
                .col(string("state"))
                .col(string_null("outcome"))
                .col(text_null("outcome_text"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("ip_complaint", "plan_id", "ip_plan"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ip_complaint", "plan_id")).await?;
        // The plans that were only a screening row "in place" become plans, waiting for their consent.
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO ip_plan (id, case_id, child_person_id, started_at, started_by, started_by_service, \
             care_order, measures_for_parents, language, interpreter_language, ended_at, ended_by, end_reason, \
             migrated_from, updated_at) \
             SELECT 'iplan-' || r.id, r.case_id, c.child_person_id, r.assessed_at, r.assessed_by, r.service_id, \
             false, false, 'nb', NULL, NULL, NULL, NULL, r.id, r.assessed_at \
             FROM rights_screening r JOIN case_file c ON c.id = r.case_id \
             WHERE r.kind = 'individual_plan' AND r.outcome = 'in_place' AND r.superseded_at IS NULL \
             AND r.service_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO ip_responsibility (id, plan_id, service_id, how, decided_by, reasoning, decided_by_service, \
             from_at, until_at) \
             SELECT 'ipans-' || r.id, 'iplan-' || r.id, r.service_id, 'start', r.assessed_by, r.reasoning, \
             r.assessed_by_service, r.assessed_at, NULL \
             FROM rights_screening r \
             WHERE r.kind = 'individual_plan' AND r.outcome = 'in_place' AND r.superseded_at IS NULL \
             AND r.service_id IS NOT NULL",
        )
        .await?;
        Ok(())
    }
}
