use crate::enums::*;
use crate::keys::Link;
use sea_orm::entity::prelude::*;

/// A state's part in hosting a conference.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conference_hosts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique_key = "conference_state", indexed)]
    pub conference_id: i32,
    #[sea_orm(unique_key = "conference_state", indexed)]
    pub state_id: i32,
    pub role: HostRole,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::conference::Entity",
        from = "Column::ConferenceId",
        to = "super::conference::Column::Id"
    )]
    Conference,
    #[sea_orm(
        belongs_to = "super::state::Entity",
        from = "Column::StateId",
        to = "super::state::Column::Id"
    )]
    State,
}

impl Related<super::conference::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Conference.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// A hosting's state.
    STATE: StateId -> state, Refuse("conference hostings");
    /// A hosting's conference: the hosts are facts of the conference.
    CONFERENCE: ConferenceId -> conference, Cascade;
}

/// The states that hosted a conference, each with its hosting.
pub const HOSTS: Link<crate::conference::Entity, Entity, crate::state::Entity> = CONFERENCE.to(STATE);
/// The conferences a state hosted, each with its hosting.
pub const HOSTED: Link<crate::state::Entity, Entity, crate::conference::Entity> = STATE.to(CONFERENCE);
