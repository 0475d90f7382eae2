//! Cooperation in a single case: step-1 mappings, step-2 assessments, hearings of the child, best-interests
//! assessments, who coordinates (with history), disputes and who decides them, prompts to review, the
//! cooperation plan (goals and measures with history) and youth sentences with their follow-up team.

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

fn case_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(string("id").primary_key())
        .col(string("case_id"))
        .foreign_key(&mut fk(name, "case_id", "case_file", "id"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            case_table("step_mapping")
                .col(string("service_id"))
                .col(text("other_services"))
                .col(string("source"))
                .col(text_null("guidance"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("assessment")
                .col(string("service_id"))
                .col(string("result"))
                .col(text("reasoning"))
                .col(string("child_voice"))
                .col(text("child_wishes"))
                .col(boolean("needs_of_child"))
                .col(boolean("needs_of_parents"))
                .col(string_null("best_interests_id"))
                .col(string("assessed_by"))
                .col(timestamp_with_time_zone("assessed_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("hearing")
                .col(date("held_on"))
                .col(boolean("direct"))
                .col(text_null("indirect_reason"))
                .col(string("place"))
                .col(string("talked_with"))
                .col(string_null("companion"))
                .col(text("adaptations"))
                .col(boolean("declined"))
                .col(text("views"))
                .col(integer("age"))
                .col(text("maturity"))
                .col(text("weight"))
                .col(string("recorded_by"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("best_interests")
                .col(text("elements"))
                .col(text("conclusion"))
                .col(string_null("hearing_id"))
                .col(text_null("not_heard_reason"))
                .col(boolean("finalised"))
                .col(string("assessed_by"))
                .col(timestamp_with_time_zone("assessed_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("coordination")
                .col(string("service_id"))
                .col(string("basis"))
                .col(text("agreed_by"))
                .col(string("decided_by"))
                .col(string_null("decided_role"))
                .col(text_null("delegation_ref"))
                .col(text("child_view"))
                .col(text("parents_view"))
                .col(text("reasons"))
                .col(timestamp_with_time_zone("decided_at"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(timestamp_with_time_zone_null("communicated_at"))
                .col(text_null("communicated_how"))
                .col(string_null("dispute_id"))
                .foreign_key(&mut fk("coordination", "service_id", "service", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("dispute")
                .col(text("positions"))
                .col(text("child_wishes"))
                .col(text("family_wishes"))
                .col(string("raised_by"))
                .col(timestamp_with_time_zone("raised_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("decision_maker")
                .col(string_len("kommunenummer", 4))
                .col(date("valid_from"))
                .col(string("kind"))
                .col(string("title"))
                .col(string("decider_role"))
                .col(text("delegation_ref"))
                .col(text("contact"))
                .primary_key(Index::create().col("kommunenummer").col("valid_from"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("review_prompt")
                .col(string("kind"))
                .col(string_null("service_id"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(string_null("done_by"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("plan_item")
                .col(string("kind"))
                .col(text("title"))
                .col(string_null("responsible_service"))
                .col(string_null("for_person"))
                .col(integer("position"))
                .col(string_null("depends_on"))
                .col(string("status"))
                .col(string_null("measure_type"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_null("supersedes"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("sentence")
                .col(string("kind"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string("youth_coordinator_service"))
                .col(string("recorded_by"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("team_member")
                .col(string("sentence_id"))
                .col(string("role"))
                .col(string_null("service_id"))
                .col(string_null("person_id"))
                .col(string("name"))
                .foreign_key(&mut fk("team_member", "sentence_id", "sentence", "id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            case_table("compliance_report")
                .col(string("sentence_id"))
                .col(string_null("measure_id"))
                .col(text("description"))
                .col(string("reported_by"))
                .col(string_null("reporter_service"))
                .col(timestamp_with_time_zone("reported_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
