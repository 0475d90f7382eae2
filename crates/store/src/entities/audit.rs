//! The audit chain and the reminder log.

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
        /// What else the access read: JSON of `audit::Item`s, hashed with the rest; null when nothing.
        pub items: Option<String>,
    }
    entity_boilerplate!();
}

/// Each entry under every case it touched, with what it did there: the family's access log reads this.
pub mod audit_case {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_case")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub categories: String,
        pub outcome: String,
        pub service_id: Option<String>,
        pub role: Option<String>,
        pub basis: String,
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
