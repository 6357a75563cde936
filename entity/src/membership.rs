use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A state's period of membership.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    #[sea_orm(indexed)]
    pub state_id: i32,
    pub founding: bool,
    pub ordinal: Option<i32>,
    pub note: Option<String>,
    /// Joining date: the date as the source wrote it.
    pub joined_stated: Option<String>,
    /// Joining date: how precisely the source gave it.
    pub joined_precision: Option<Precision>,
    /// Joining date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub joined_earliest: Option<Date>,
    /// Joining date: the latest day it can be.
    #[sea_orm(indexed)]
    pub joined_latest: Option<Date>,
    /// Joining date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub joined_narrowed_by: Option<String>,
    /// Joining date: why the interval is narrower than the stated date.
    pub joined_narrowing_note: Option<String>,
    /// Leaving date: the date as the source wrote it.
    pub left_stated: Option<String>,
    /// Leaving date: how precisely the source gave it.
    pub left_precision: Option<Precision>,
    /// Leaving date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub left_earliest: Option<Date>,
    /// Leaving date: the latest day it can be.
    #[sea_orm(indexed)]
    pub left_latest: Option<Date>,
    /// Leaving date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub left_narrowed_by: Option<String>,
    /// Leaving date: why the interval is narrower than the stated date.
    pub left_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::state::Entity",
        from = "Column::StateId",
        to = "super::state::Column::Id"
    )]
    State,
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// A membership's state.
    STATE: StateId -> state, Refuse("memberships");
}

named!(Key, "membership");
