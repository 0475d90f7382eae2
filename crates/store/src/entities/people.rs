//! People, users, their memberships and tokens.

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
        /// Who a staff member is at the municipality's identity provider (a configured claim).
        pub external_subject: Option<String>,
        /// Deactivated users cannot log in or use tokens; the row stays for what refers to it.
        pub active: bool,
        pub deactivated_at: Option<ChronoDateTimeUtc>,
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
        /// When the membership ended; ended memberships are kept as history and grant nothing.
        pub ended_at: Option<ChronoDateTimeUtc>,
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
        /// Fødselsnummer or D-number; none yet for an expected child or one whose number is being found.
        #[sea_orm(unique)]
        pub fnr: Option<String>,
        pub given_name: String,
        pub family_name: String,
        pub birth_date: Date,
        pub protected_address: bool,
        pub registered_kommune: String,
        pub address: Option<String>,
        /// An expected child's due date (their `birth_date` holds it until birth).
        pub expected_due_date: Option<Date>,
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
        /// When the token was last used (updated at most once a minute).
        pub last_used_at: Option<ChronoDateTimeUtc>,
        /// The OpenID provider a browser session was logged in with, and its session id (`sid`).
        pub login_provider: Option<String>,
        pub login_sid: Option<String>,
    }
    entity_boilerplate!();
}

pub mod login_attempt {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_attempt")]
    pub struct Model {
        /// SHA-256 of the key in the browser's cookie.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub provider: String,
        pub state: String,
        pub nonce: String,
        pub pkce_verifier: String,
        pub created_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod idempotency_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_key")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub fingerprint: String,
        pub status: Option<i32>,
        pub content_type: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub body: Option<String>,
        pub created_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod join_request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "join_request")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub requested_by: String,
        pub reason: String,
        pub requested_at: ChronoDateTimeUtc,
        pub state: String,
        pub decided_by: Option<String>,
        pub decided_by_service: Option<String>,
        pub decision_text: Option<String>,
        pub decided_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}
