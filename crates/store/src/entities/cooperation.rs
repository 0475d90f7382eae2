//! Cooperation in a case: mappings, assessments, hearings, coordination, disputes, prompts, the plan, sentences, decision-makers, rights screenings, feedback.

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
