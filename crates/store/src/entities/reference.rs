//! Reference data and the service directory: laws, provisions, service types, municipalities, organisations, services.

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
        /// Deactivated services stay for the cases and audit entries that refer to them.
        pub active: bool,
        pub deactivated_at: Option<ChronoDateTimeUtc>,
        /// The service's own organisation number (underenhet), where it has one.
        pub orgnr: Option<String>,
    }
    entity_boilerplate!();
}
