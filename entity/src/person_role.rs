use crate::enums::*;
use crate::keys::Link;
use sea_orm::entity::prelude::*;

/// What a person did at a conference, and the office they held then.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_roles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique_key = "person_conference_role", indexed)]
    pub person_id: i32,
    #[sea_orm(unique_key = "person_conference_role", indexed)]
    pub conference_id: i32,
    #[sea_orm(unique_key = "person_conference_role")]
    pub role: PersonRoleKind,
    pub office: Option<String>,
    #[sea_orm(indexed)]
    pub office_state_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::conference::Entity",
        from = "Column::ConferenceId",
        to = "super::conference::Column::Id"
    )]
    Conference,
    #[sea_orm(
        belongs_to = "super::state::Entity",
        from = "Column::OfficeStateId",
        to = "super::state::Column::Id"
    )]
    OfficeState,
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// The state whose office a person held at a conference.
    OFFICE_STATE: OfficeStateId -> state, Refuse("conference roles");
    /// The conference of a person's part.
    CONFERENCE: ConferenceId -> conference, Refuse("people's parts");
    /// The person of a part: a person's parts are facts about the person.
    PERSON: PersonId -> person, Cascade;
}

/// The people the sources name at a conference, each with their part.
pub const PARTICIPANTS: Link<crate::conference::Entity, Entity, crate::person::Entity> = CONFERENCE.to(PERSON);
/// The conferences a person took part in, each with their part.
pub const PARTICIPATIONS: Link<crate::person::Entity, Entity, crate::conference::Entity> = PERSON.to(CONFERENCE);
/// The people who held a state's office at conferences, each with their part.
pub const OFFICE_HOLDERS: Link<crate::state::Entity, Entity, crate::person::Entity> = OFFICE_STATE.to(PERSON);
