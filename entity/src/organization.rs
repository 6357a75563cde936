use crate::enums::*;
use sea_orm::entity::prelude::*;

/// An organization: an NGO or a government body.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub name: String,
    pub kind: OrganizationKind,
    #[sea_orm(indexed)]
    pub state_id: Option<i32>,
    #[sea_orm(indexed)]
    pub parent_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::state::Entity",
        from = "Column::StateId",
        to = "super::state::Column::Id"
    )]
    State,
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// An organization's home state.
    STATE: StateId -> state, Refuse("organizations");
    /// An organization's parent organization.
    PARENT: ParentId -> organization, Refuse("organizations within it");
}

named!(Key, "organization");
