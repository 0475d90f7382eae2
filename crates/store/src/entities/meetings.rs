//! Meetings, their minutes, preparation and follow-ups, sector decisions and follow-up outcomes.

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
