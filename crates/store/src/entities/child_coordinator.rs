//! The child coordinator's tables (issue 12, migration 000023).

pub mod cc_matter {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_matter")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub state: String,
        pub opened_at: ChronoDateTimeUtc,
        pub requested_at: Option<ChronoDateTimeUtc>,
        pub appointed_at: Option<ChronoDateTimeUtc>,
        pub updated_at: ChronoDateTimeUtc,
        pub chosen_right: Option<String>,
        pub extended_until: Option<Date>,
        pub extension_reasons: Option<String>,
    }
    entity_boilerplate!();
}

pub mod cc_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub channel: Option<String>,
        pub report_kind: Option<String>,
        pub situation: Option<String>,
        pub description: String,
        pub wants_assessment: Option<bool>,
        pub recorded_by: String,
        pub recorded_by_service: Option<String>,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_assessment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_assessment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub c1_met: bool,
        pub c2: String,
        pub kinds: String,
        pub themes: String,
        pub c2_reasoning: String,
        pub family_experience: String,
        pub diagnosis: Option<String>,
        pub c3: String,
        pub long_term: String,
        pub complex: String,
        pub health_care: String,
        pub other_welfare: String,
        pub interdisciplinary: bool,
        pub participants: String,
        pub harmful_behaviour: bool,
        pub mapping: String,
        pub also_ordinary: bool,
        pub eligible: bool,
        pub assessed_by: String,
        pub assessed_by_service: String,
        pub assessed_at: ChronoDateTimeUtc,
        pub superseded_at: Option<ChronoDateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod cc_decision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_decision")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub reasons: String,
        pub end_reason: Option<String>,
        pub language: String,
        pub complaint_body: String,
        pub complaint_law: String,
        pub deadline_days: i32,
        pub complaint_deadline: Date,
        pub decided_by: String,
        pub decided_by_service: String,
        pub decided_at: ChronoDateTimeUtc,
        pub letter_text: String,
        pub letter_pdf: Vec<u8>,
    }
    entity_boilerplate!();
}

pub mod cc_consent {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_consent")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub giver_person_id: String,
        pub receiver_person_id: Option<String>,
        pub form: String,
        pub youth_view: Option<String>,
        pub weighing: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
        pub withdrawn_at: Option<ChronoDateTimeUtc>,
        pub withdrawn_by: Option<String>,
    }
    entity_boilerplate!();
}

pub mod cc_appointment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_appointment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub coordinator_user_id: String,
        pub service_id: String,
        pub family_wishes: String,
        pub wishes_met: bool,
        pub wishes_reason: String,
        pub need_weight: i32,
        pub dedicated: bool,
        pub specialist_coordinator: Option<String>,
        pub starts: Date,
        pub ends: Option<Date>,
        pub end_reason: Option<String>,
        pub decision_id: Option<String>,
        pub appointed_by: String,
        pub appointed_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_handover {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_handover")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub service_id: String,
        pub person: String,
        pub overlap_until: Date,
        pub plan: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_complaint {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_complaint")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub decision_id: Option<String>,
        pub text: String,
        pub received_on: Date,
        pub in_time: bool,
        pub channel: String,
        pub complainant_person_id: Option<String>,
        pub registered_by: String,
        pub registered_at: ChronoDateTimeUtc,
        pub state: String,
        pub outcome: Option<String>,
        pub updated_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_complaint_step {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_complaint_step")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub complaint_id: String,
        pub case_id: String,
        pub step: String,
        pub outcome: Option<String>,
        pub note: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_setting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_setting")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: String,
        pub unit_service_id: String,
        pub complaint_body: String,
        pub deadline_days: i32,
        pub caseload_threshold: i32,
        pub transition_lead_months: i32,
        pub updated_by: String,
        pub updated_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_delegation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_delegation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub organisation_id: String,
        pub reference: String,
        pub decided_on: Date,
        pub scope: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_work {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_work")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub case_id: String,
        pub kind: String,
        pub text: String,
        pub important: Option<String>,
        pub good_life: Option<String>,
        pub good_offer: Option<String>,
        pub needs: Option<String>,
        pub contact: Option<String>,
        pub task: Option<String>,
        pub in_scope: Option<bool>,
        pub target_service_id: Option<String>,
        pub escalate_to: Option<String>,
        pub possible_breach: Option<bool>,
        pub delegation_id: Option<String>,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cc_competence {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cc_competence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub organisation_id: String,
        pub user_id: String,
        pub area: String,
        pub completed_on: Date,
        pub note: String,
        pub recorded_by: String,
        pub recorded_at: ChronoDateTimeUtc,
    }
    entity_boilerplate!();
}
