//! The individual plan's tables (issue 13, migration 000025).

pub mod ip_plan {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_plan")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub child_person_id: String,
        pub started_at: ChronoDateTimeUtc,
        pub started_by: String,
        pub started_by_service: String,
        pub care_order: bool,
        pub measures_for_parents: bool,
        pub language: String,
        pub interpreter_language: Option<String>,
        pub ended_at: Option<ChronoDateTimeUtc>,
        pub ended_by: Option<String>,
        pub end_reason: Option<String>,
        pub migrated_from: Option<String>,
        pub updated_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod ip_basis {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_basis")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub basis: String,
        pub recorded_by: String,
        pub recorded_by_service: String,
        pub recorded_at: ChronoDateTimeUtc,
        pub removed_at: Option<ChronoDateTimeUtc>,
        pub removed_by: Option<String>,
        pub removal_reason: Option<String>,
    }
    entity_boilerplate!();
}

pub mod ip_responsibility {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_responsibility")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub service_id: String,
        pub how: String,
        pub decided_by: String,
        pub reasoning: String,
        pub decided_by_service: Option<String>,
        pub from_at: ChronoDateTimeUtc,
        pub until_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod ip_participant {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_participant")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub service_id: String,
        pub role: String,
        pub contacted_by: String,
        pub law: Option<String>,
        pub note: String,
        pub contacted_at: ChronoDateTimeUtc,
        pub ended_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod ip_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub plan_id: Option<String>,
        pub kind: String,
        pub service_id: Option<String>,
        pub text: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod ip_consent {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_consent")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub givers: String,
        pub access_services: String,
        pub form: String,
        pub care_order: bool,
        pub measures_for_parents: bool,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
        pub withdrawn_at: Option<ChronoDateTimeUtc>,
        pub withdrawn_by: Option<String>,
        pub withdrawal_reason: Option<String>,
    }
    entity_boilerplate!();
}

pub mod ip_complaint {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_complaint")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub route: String,
        pub capacity: String,
        pub complainant_person_id: Option<String>,
        pub description: String,
        pub received_on: Date,
        pub deadline: Date,
        pub state: String,
        pub outcome: Option<String>,
        pub outcome_text: Option<String>,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod ip_version {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_version")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub number: i32,
        pub content: String,
        pub reason: String,
        pub author: String,
        pub author_service: Option<String>,
        pub at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod ip_section {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_section")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub organisation_id: String,
        pub code: String,
        pub title_nb: String,
        pub title_nn: String,
        pub title_en: String,
        pub position: i32,
        pub legacy: bool,
        pub active: bool,
    }
    entity_boilerplate!();
}

pub mod ip_group_member {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ip_group_member")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub plan_id: String,
        pub case_id: String,
        pub user_id: Option<String>,
        pub service_id: Option<String>,
        pub person_id: Option<String>,
        pub function: String,
        pub added_by: String,
        pub added_at: ChronoDateTimeUtc,
        pub removed_at: Option<ChronoDateTimeUtc>,
        pub removed_by: Option<String>,
    }
    entity_boilerplate!();
}

pub mod meeting_invitation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_invitation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub meeting_id: String,
        pub user_id: String,
        pub sent_by: String,
        pub sent_at: ChronoDateTimeUtc,
        pub outcome: String,
    }
    entity_boilerplate!();
}
