//! A case and its confidential parts: participation, consents, legal bases, notes, break-the-glass.

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
        /// open | closing | closed (`los_domain::closing::CaseState`); the history is `case_state_change`.
        pub state: String,
    }
    entity_boilerplate!();
}

pub mod case_state_change {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_state_change")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub from_state: String,
        pub to_state: String,
        pub reason: Option<String>,
        pub reason_text: String,
        pub service_id: Option<String>,
        pub changed_by: String,
        pub changed_at: ChronoDateTimeUtc,
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
        /// The services among `from_services` that stand behind the consent, comma separated.
        pub confirmed_from: String,
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
        pub open_to_child: bool,
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
