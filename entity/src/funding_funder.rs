use crate::keys::Link;
use sea_orm::entity::prelude::*;

/// A funder of a funding: a state or an organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_funders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique_key = "funding_funder", indexed)]
    pub funding_id: i32,
    #[sea_orm(unique_key = "funding_funder", indexed)]
    pub state_id: Option<i32>,
    #[sea_orm(unique_key = "funding_funder", indexed)]
    pub organization_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::funding::Entity",
        from = "Column::FundingId",
        to = "super::funding::Column::Id"
    )]
    Funding,
    #[sea_orm(
        belongs_to = "super::state::Entity",
        from = "Column::StateId",
        to = "super::state::Column::Id"
    )]
    State,
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
}

impl Related<super::funding::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Funding.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// A funder that is a state.
    STATE: StateId -> state, Refuse("fundings");
    /// A funder that is an organization.
    ORGANIZATION: OrganizationId -> organization, Refuse("fundings");
    /// A funder's funding: the funders are facts of the funding.
    FUNDING: FundingId -> funding, Cascade;
}

/// The states that contributed to a funding.
pub const STATE_FUNDERS: Link<crate::funding::Entity, Entity, crate::state::Entity> = FUNDING.to(STATE);
/// The organizations that contributed to a funding.
pub const ORGANIZATION_FUNDERS: Link<crate::funding::Entity, Entity, crate::organization::Entity> = FUNDING.to(ORGANIZATION);
/// The fundings a state contributed to.
pub const FUNDED_BY_STATE: Link<crate::state::Entity, Entity, crate::funding::Entity> = STATE.to(FUNDING);
/// The fundings an organization contributed to.
pub const FUNDED_BY_ORGANIZATION: Link<crate::organization::Entity, Entity, crate::funding::Entity> = ORGANIZATION.to(FUNDING);
