//! SeaORM entities: one module per table. Private to the store crate: nothing outside storage sees a row
//! type, so every read of personal data goes through the store's policy-checked methods.
#![allow(clippy::all)] // macro-generated code

macro_rules! entity_boilerplate {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod law {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "law")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub short_name: String,
        pub name_nb: String,
        pub name_en: String,
        pub lovdata_ref: Option<String>,
        pub valid_from: Date,
        pub valid_to: Option<Date>,
        pub citation: String,
    }
    entity_boilerplate!();
}

pub mod provision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "provision")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub law_code: String,
        pub section: String,
        pub title_nb: String,
        pub title_en: String,
        pub cooperation_system: bool,
        pub cooperation_individual: bool,
        pub coordination_duty: bool,
        pub child_coordinator: bool,
        pub valid_from: Date,
        pub valid_to: Option<Date>,
        pub citation: String,
    }
    entity_boilerplate!();
}

pub mod service_type {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_type")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_nb: String,
        pub name_nn: String,
        pub name_en: String,
        pub sector: String,
        pub owner_type: String,
        pub law_code: Option<String>,
        pub description_nb: String,
    }
    entity_boilerplate!();
}

pub mod municipality {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "municipality")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kommunenummer: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub valid_from: Date,
        pub name: String,
        pub fylke_nummer: String,
        pub fylke_name: String,
        pub valid_to: Option<Date>,
    }
    entity_boilerplate!();
}

pub mod organisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: String,
        pub name: String,
        pub orgnr: Option<String>,
        pub kommunenummer: Option<String>,
    }
    entity_boilerplate!();
}

pub mod service {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub organisation_id: String,
        pub service_type: String,
        pub name: String,
        pub description: String,
        pub phone: Option<String>,
        pub email: Option<String>,
        pub address: Option<String>,
        pub opening_hours: Option<String>,
    }
    entity_boilerplate!();
}

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "app_user")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub display_name: String,
        pub kind: String,
        pub person_id: Option<String>,
        pub demo_description: Option<String>,
        pub email: Option<String>,
    }
    entity_boilerplate!();
}

pub mod membership {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "membership")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: String,
        pub organisation_id: String,
        pub service_id: Option<String>,
        pub role: String,
    }
    entity_boilerplate!();
}

pub mod person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub fnr: String,
        pub given_name: String,
        pub family_name: String,
        pub birth_date: Date,
        pub protected_address: bool,
        pub registered_kommune: String,
        pub address: Option<String>,
    }
    entity_boilerplate!();
}

pub mod guardianship {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "guardianship")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub adult_person_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub child_person_id: String,
        pub parental_responsibility: bool,
        pub relation: String,
        pub access_granted: bool,
    }
    entity_boilerplate!();
}

pub mod case {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_file")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub child_person_id: String,
        pub title: String,
        pub opened_at: ChronoDateTimeUtc,
        pub health_private_from_parents: bool,
        pub care_kommune: Option<String>,
        pub placement_kommune: Option<String>,
        pub second_residence_kommune: Option<String>,
        pub local_clarification: Option<String>,
    }
    entity_boilerplate!();
}

pub mod participation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "participation")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: String,
        pub service_id: String,
        pub joined_on: Date,
        pub join_reason: String,
        pub left_on: Option<Date>,
        pub leave_reason: Option<String>,
    }
    entity_boilerplate!();
}

pub mod token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_token")]
    pub struct Model {
        /// SHA-256 of the secret, hex. The secret itself is never stored.
        #[sea_orm(primary_key, auto_increment = false)]
        pub hash: String,
        pub user_id: String,
        pub kind: String,
        pub label: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: Option<ChronoDateTimeUtc>,
        pub revoked_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod audit_entry {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub at: ChronoDateTimeUtc,
        pub actor_user_id: Option<String>,
        pub actor_service_id: Option<String>,
        pub actor_role: Option<String>,
        pub action: String,
        pub resource_type: String,
        pub resource_id: Option<String>,
        pub case_id: Option<String>,
        pub category: Option<String>,
        pub outcome: String,
        pub basis: String,
        pub prev_hash: String,
        pub hash: String,
    }
    entity_boilerplate!();
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub seq: i64,
        pub hash: String,
    }
    entity_boilerplate!();
}

pub mod consent {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consent")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub subject_person_id: String,
        pub domain: String,
        /// Service ids, comma separated.
        pub from_services: String,
        pub to_services: String,
        /// Category codes, comma separated.
        pub categories: String,
        pub purpose: String,
        pub consequences: String,
        pub form: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
        pub valid_from: Date,
        pub valid_to: Date,
        pub withdrawn_at: Option<ChronoDateTimeUtc>,
        pub withdrawn_by: Option<String>,
        pub withdrawal_reason: Option<String>,
        pub renews: Option<String>,
        pub care_order: bool,
        pub measures_directed_at_parents: bool,
        pub both_required: bool,
    }
    entity_boilerplate!();
}

pub mod consent_giver {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consent_giver")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub consent_id: String,
        pub person_id: Option<String>,
        pub capacity: String,
        pub age: Option<i32>,
    }
    entity_boilerplate!();
}

pub mod legal_basis {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "legal_basis")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub from_service: String,
        pub to_service: String,
        pub category: String,
        pub reference: String,
        pub justification: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
        pub valid_to: Option<Date>,
    }
    entity_boilerplate!();
}

pub mod case_note {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_note")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub category: String,
        pub body: String,
        pub created_by: String,
        pub created_at: ChronoDateTimeUtc,
        pub supersedes: Option<String>,
    }
    entity_boilerplate!();
}

pub mod break_glass {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "break_glass")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub user_id: String,
        pub reason: String,
        pub granted_at: ChronoDateTimeUtc,
        pub expires_at: ChronoDateTimeUtc,
        pub reviewed_at: Option<ChronoDateTimeUtc>,
        pub reviewed_by: Option<String>,
    }
    entity_boilerplate!();
}

pub mod step_mapping {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "step_mapping")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub other_services: String,
        pub source: String,
        pub guidance: Option<String>,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod assessment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assessment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub result: String,
        pub reasoning: String,
        pub child_voice: String,
        pub child_wishes: String,
        pub needs_of_child: bool,
        pub needs_of_parents: bool,
        pub best_interests_id: Option<String>,
        pub assessed_by: String,
        pub assessed_at: ChronoDateTimeUtc,
        pub cooperate_with: Option<String>,
        pub cooperate_on: Option<String>,
        pub extent_duration: Option<String>,
        pub organisation: Option<String>,
        pub situations: Option<String>,
        pub deviation_reason: Option<String>,
    }
    entity_boilerplate!();
}

pub mod hearing {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "hearing")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub held_on: Date,
        pub direct: bool,
        pub indirect_reason: Option<String>,
        pub place: String,
        pub talked_with: String,
        pub companion: Option<String>,
        pub adaptations: String,
        pub declined: bool,
        pub views: String,
        pub age: i32,
        pub maturity: String,
        pub weight: String,
        pub recorded_by: String,
    }
    entity_boilerplate!();
}

pub mod best_interests {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "best_interests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub elements: String,
        pub conclusion: String,
        pub hearing_id: Option<String>,
        pub not_heard_reason: Option<String>,
        pub finalised: bool,
        pub assessed_by: String,
        pub assessed_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod coordination {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "coordination")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub basis: String,
        pub agreed_by: String,
        pub decided_by: String,
        pub decided_role: Option<String>,
        pub delegation_ref: Option<String>,
        pub child_view: String,
        pub parents_view: String,
        pub reasons: String,
        pub decided_at: ChronoDateTimeUtc,
        pub valid_from: Date,
        pub valid_to: Option<Date>,
        pub communicated_at: Option<ChronoDateTimeUtc>,
        pub communicated_how: Option<String>,
        pub dispute_id: Option<String>,
    }
    entity_boilerplate!();
}

pub mod dispute {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dispute")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub positions: String,
        pub child_wishes: String,
        pub family_wishes: String,
        pub raised_by: String,
        pub raised_at: ChronoDateTimeUtc,
        pub resolved_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod review_prompt {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_prompt")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub service_id: Option<String>,
        pub reason: String,
        pub created_at: ChronoDateTimeUtc,
        pub done_at: Option<ChronoDateTimeUtc>,
        pub done_by: Option<String>,
    }
    entity_boilerplate!();
}

pub mod plan_item {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_item")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub title: String,
        pub responsible_service: Option<String>,
        pub for_person: Option<String>,
        pub position: i32,
        pub depends_on: Option<String>,
        pub status: String,
        pub measure_type: Option<String>,
        pub release_area: Option<String>,
        pub created_by: String,
        pub created_at: ChronoDateTimeUtc,
        pub supersedes: Option<String>,
    }
    entity_boilerplate!();
}

pub mod sentence {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sentence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub starts_on: Date,
        pub ends_on: Date,
        pub youth_coordinator_service: String,
        pub recorded_by: String,
    }
    entity_boilerplate!();
}

pub mod team_member {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "team_member")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub sentence_id: String,
        pub role: String,
        pub service_id: Option<String>,
        pub person_id: Option<String>,
        pub name: String,
    }
    entity_boilerplate!();
}

pub mod compliance_report {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "compliance_report")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub sentence_id: String,
        pub measure_id: Option<String>,
        pub description: String,
        pub reported_by: String,
        pub reporter_service: Option<String>,
        pub reported_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod decision_maker {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_maker")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kommunenummer: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub valid_from: Date,
        pub kind: String,
        pub title: String,
        pub decider_role: String,
        pub delegation_ref: String,
        pub contact: String,
    }
    entity_boilerplate!();
}

pub mod external_decision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "external_decision")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub title: String,
        pub reference: Option<String>,
        pub decided_on: Date,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod meeting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub series_id: Option<String>,
        pub kind: String,
        pub starts_at: DateTime,
        pub duration_minutes: i32,
        pub place: String,
        pub agenda: String,
        pub invited: String,
        pub excluded_by_child: String,
        pub child_participation: String,
        pub arranged_by_service: String,
        pub created_by: String,
        pub created_at: ChronoDateTimeUtc,
        pub cancelled_at: Option<ChronoDateTimeUtc>,
        pub cancelled_by: Option<String>,
        pub cancel_reason: Option<String>,
    }
    entity_boilerplate!();
}

pub mod meeting_minutes {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_minutes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub meeting_id: String,
        pub attended: String,
        pub minutes: String,
        pub follow_ups: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod feedback {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "feedback")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub author_person_id: String,
        pub author_user_id: String,
        pub recipient_service: String,
        pub body: String,
        pub sent_at: ChronoDateTimeUtc,
        pub resolution: Option<String>,
        pub resolved_by: Option<String>,
        pub resolved_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod follow_up_outcome {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "follow_up_outcome")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub outcome: String,
        pub detail: String,
        pub achieved_on: Date,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod meeting_preparation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_preparation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub meeting_id: String,
        pub position: i32,
        pub text: String,
        pub done_at: Option<ChronoDateTimeUtc>,
        pub done_by: Option<String>,
    }
    entity_boilerplate!();
}

pub mod meeting_action {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_action")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub meeting_id: String,
        pub description: String,
        pub owner_service: String,
        pub due_on: Date,
        pub created_by: String,
        pub created_at: ChronoDateTimeUtc,
        pub done_at: Option<ChronoDateTimeUtc>,
        pub done_by: Option<String>,
        pub done_note: Option<String>,
    }
    entity_boilerplate!();
}

pub mod rights_screening {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rights_screening")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub outcome: String,
        pub service_id: Option<String>,
        pub person: Option<String>,
        pub reference: Option<String>,
        pub reasoning: String,
        pub assessed_by: String,
        pub assessed_by_service: String,
        pub assessed_at: ChronoDateTimeUtc,
        pub superseded_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod reminder_sent {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reminder_sent")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub day: Date,
        pub task_count: i32,
        pub sent_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}
