use crate::enums::*;
use crate::keys::Link;
use sea_orm::entity::prelude::*;

/// A state's endorsement of a commitment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "endorsements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique_key = "state_commitment", indexed)]
    pub state_id: i32,
    #[sea_orm(unique_key = "state_commitment", indexed)]
    pub commitment_id: i32,
    pub note: Option<String>,
    /// Endorsement date: the date as the source wrote it.
    pub endorsed_stated: Option<String>,
    /// Endorsement date: how precisely the source gave it.
    pub endorsed_precision: Option<Precision>,
    /// Endorsement date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub endorsed_earliest: Option<Date>,
    /// Endorsement date: the latest day it can be.
    #[sea_orm(indexed)]
    pub endorsed_latest: Option<Date>,
    /// Endorsement date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub endorsed_narrowed_by: Option<String>,
    /// Endorsement date: why the interval is narrower than the stated date.
    pub endorsed_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::state::Entity",
        from = "Column::StateId",
        to = "super::state::Column::Id"
    )]
    State,
    #[sea_orm(
        belongs_to = "super::commitment::Entity",
        from = "Column::CommitmentId",
        to = "super::commitment::Column::Id"
    )]
    Commitment,
}

impl Related<super::commitment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Commitment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// An endorsement's state.
    STATE: StateId -> state, Refuse("endorsements");
    /// An endorsement's commitment: endorsements go with it, with their citations.
    COMMITMENT: CommitmentId -> commitment, Curated;
}

/// The states that endorsed a commitment, each with its endorsement.
pub const ENDORSERS: Link<crate::commitment::Entity, Entity, crate::state::Entity> = COMMITMENT.to(STATE);
/// The commitments a state endorsed, each with its endorsement.
pub const ENDORSED: Link<crate::state::Entity, Entity, crate::commitment::Entity> = STATE.to(COMMITMENT);
