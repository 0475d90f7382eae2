//! Provisioning over SCIM: the directory's tokens, users, groups, members and the group → role mapping.

pub mod scim_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_token")]
    pub struct Model {
        /// SHA-256 of the secret, hex. The secret itself is never stored.
        #[sea_orm(primary_key, auto_increment = false)]
        pub hash: String,
        pub label: String,
        pub created_at: ChronoDateTimeUtc,
        pub last_used_at: Option<ChronoDateTimeUtc>,
        pub revoked_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod scim_user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_user")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub external_id: Option<String>,
        pub user_name: String,
        /// `user_name` in lower case: userName is unique without regard to case.
        pub user_name_key: String,
        pub active: bool,
        pub given_name: Option<String>,
        pub family_name: Option<String>,
        pub formatted_name: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        pub deleted_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod scim_group {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_group")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub display_name: String,
        pub external_id: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        pub deleted_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod scim_group_member {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_group_member")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub group_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub scim_user_id: String,
    }
    entity_boilerplate!();
}

pub mod scim_group_role {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_group_role")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub group_id: String,
        pub organisation_id: String,
        pub service_id: Option<String>,
        pub role: String,
        pub created_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod scim_grant {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scim_grant")]
    pub struct Model {
        /// The membership a group mapping gave.
        #[sea_orm(primary_key, auto_increment = false)]
        pub membership_id: i64,
        pub scim_user_id: String,
    }
    entity_boilerplate!();
}
