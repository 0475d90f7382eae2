//! The child coordinator (issue 12): the matter of each case from the first report of a need (`cc_matter`,
//! `cc_event`), the assessments, the written decisions with their letters, the parents' consents, the
//! appointments, the handover at 18, complaints and their steps, and each municipality's settings and
//! delegation decisions. The rights screening no longer screens the child coordinator: its rows of that
//! kind are kept as history (superseded now), never deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn case_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_case_id"))
        .from(Alias::new(table), Alias::new("case_id"))
        .to(Alias::new("case_file"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn case_index(table: &str) -> IndexCreateStatement {
    Index::create().name(format!("ix_{table}_case")).table(Alias::new(table)).col(Alias::new("case_id")).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("cc_matter")
                .col(string("id").primary_key())
                .col(string_uniq("case_id"))
                .col(string("state"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone_null("requested_at"))
                .col(timestamp_with_time_zone_null("appointed_at"))
                .col(timestamp_with_time_zone("updated_at"))
                // child_coordinator | ordinary_coordinator, when the family qualified for both
                .col(string_null("chosen_right"))
                .col(date_null("extended_until"))
                .col(text_null("extension_reasons"))
                .foreign_key(&mut case_fk("cc_matter"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_event")
                .col(string("id").primary_key())
                .col(string("case_id"))
                // report | request | guidance | choice
                .col(string("kind"))
                .col(string_null("channel"))
                .col(string_null("report_kind"))
                .col(string_null("situation"))
                .col(text("description"))
                .col(boolean_null("wants_assessment"))
                .col(string("recorded_by"))
                .col(string_null("recorded_by_service"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut case_fk("cc_event"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_assessment")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(boolean("c1_met"))
                .col(string("c2"))
                .col(string("kinds"))
                .col(string("themes"))
                .col(text("c2_reasoning"))
                .col(text("family_experience"))
                .col(text_null("diagnosis"))
                .col(string("c3"))
                .col(text("long_term"))
                .col(text("complex"))
                .col(text("health_care"))
                .col(text("other_welfare"))
                .col(boolean("interdisciplinary"))
                .col(text("participants"))
                .col(boolean("harmful_behaviour"))
                .col(text("mapping"))
                .col(boolean("also_ordinary"))
                .col(boolean("eligible"))
                .col(string("assessed_by"))
                .col(string("assessed_by_service"))
                .col(timestamp_with_time_zone("assessed_at"))
                .col(timestamp_with_time_zone_null("superseded_at"))
                .foreign_key(&mut case_fk("cc_assessment"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_decision")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("kind"))
                .col(text("reasons"))
                .col(string_null("end_reason"))
                .col(string("language"))
                .col(string("complaint_body"))
                .col(string("complaint_law"))
                .col(integer("deadline_days"))
                .col(date("complaint_deadline"))
                .col(string("decided_by"))
                .col(string("decided_by_service"))
                .col(timestamp_with_time_zone("decided_at"))
                .col(text("letter_text"))
                .col(blob("letter_pdf"))
                .foreign_key(&mut case_fk("cc_decision"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_consent")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("giver_person_id"))
                .col(string_null("receiver_person_id"))
                .col(string("form"))
                .col(string_null("youth_view"))
                .col(text("weighing"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(string_null("withdrawn_by"))
                .foreign_key(&mut case_fk("cc_consent"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_appointment")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("coordinator_user_id"))
                .col(string("service_id"))
                .col(text("family_wishes"))
                .col(boolean("wishes_met"))
                .col(text("wishes_reason"))
                .col(integer("need_weight"))
                .col(boolean("dedicated"))
                .col(text_null("specialist_coordinator"))
                .col(date("starts"))
                .col(date_null("ends"))
                .col(string_null("end_reason"))
                .col(string_null("decision_id"))
                .col(string("appointed_by"))
                .col(timestamp_with_time_zone("appointed_at"))
                .foreign_key(&mut case_fk("cc_appointment"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_handover")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("service_id"))
                .col(string("person"))
                .col(date("overlap_until"))
                .col(text("plan"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut case_fk("cc_handover"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_complaint")
                .col(string("id").primary_key())
                .col(string("case_id"))
                .col(string("kind"))
                .col(string_null("decision_id"))
                .col(text("text"))
                .col(date("received_on"))
                .col(boolean("in_time"))
                .col(string("channel"))
                .col(string_null("complainant_person_id"))
                .col(string("registered_by"))
                .col(timestamp_with_time_zone("registered_at"))
                .col(string("state"))
                .col(string_null("outcome"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut case_fk("cc_complaint"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_complaint_step")
                .col(string("id").primary_key())
                .col(string("complaint_id"))
                .col(string("case_id"))
                .col(string("step"))
                .col(string_null("outcome"))
                .col(text("note"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut case_fk("cc_complaint_step"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_setting")
                .col(string("organisation_id").primary_key())
                .col(string("unit_service_id"))
                .col(string("complaint_body"))
                .col(integer("deadline_days"))
                .col(integer("caseload_threshold"))
                .col(integer("transition_lead_months"))
                .col(string("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cc_delegation")
                .col(string("id").primary_key())
                .col(string("organisation_id"))
                .col(string("reference"))
                .col(date("decided_on"))
                .col(text("scope"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        for t in
            ["cc_event", "cc_assessment", "cc_decision", "cc_consent", "cc_appointment", "cc_handover", "cc_complaint"]
        {
            m.create_index(case_index(t)).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_cc_appointment_user")
                .table("cc_appointment")
                .col("coordinator_user_id")
                .to_owned(),
        )
        .await?;
        // The screening no longer holds the child coordinator: its rows of that kind become history.
        m.get_connection()
            .execute_unprepared(
                "UPDATE rights_screening SET superseded_at = CURRENT_TIMESTAMP \
                 WHERE kind = 'child_coordinator' AND superseded_at IS NULL",
            )
            .await?;
        Ok(())
    }
}
