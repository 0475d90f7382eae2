//! SeaORM entities: one module per table. Private to the store crate: nothing outside storage sees a row
//! type, so every read of personal data goes through the store's policy-checked methods.

macro_rules! entity_boilerplate {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

#[allow(clippy::all)] // macro-generated code
mod audit;
#[allow(clippy::all)]
mod child_coordinator;
#[allow(clippy::all)]
mod confidential;
#[allow(clippy::all)]
mod cooperation;
#[allow(clippy::all)]
mod individual_plan;
#[allow(clippy::all)]
mod meetings;
#[allow(clippy::all)]
mod people;
#[allow(clippy::all)]
mod reference;
#[allow(clippy::all)]
mod scim;

pub use audit::*;
pub use child_coordinator::*;
pub use confidential::*;
pub use cooperation::*;
pub use individual_plan::*;
pub use meetings::*;
pub use people::*;
pub use reference::*;
pub use scim::*;
