use crate::enums::*;
use sea_orm::entity::prelude::*;

/// Who chaired the Coalition in a period; a period may have no chair.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chairships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    #[sea_orm(indexed)]
    pub state_id: Option<i32>,
    /// Who acted in place of a chair, when no state chaired.
    pub interim: Option<String>,
    pub note: Option<String>,
    /// Start of the period: the date as the source wrote it.
    pub start_stated: Option<String>,
    /// Start of the period: how precisely the source gave it.
    pub start_precision: Option<Precision>,
    /// Start of the period: the earliest day it can be.
    #[sea_orm(indexed)]
    pub start_earliest: Option<Date>,
    /// Start of the period: the latest day it can be.
    #[sea_orm(indexed)]
    pub start_latest: Option<Date>,
    /// Start of the period: keys of the sources whose facts narrowed the interval, comma-separated.
    pub start_narrowed_by: Option<String>,
    /// Start of the period: why the interval is narrower than the stated date.
    pub start_narrowing_note: Option<String>,
    /// End of the period: the date as the source wrote it.
    pub end_stated: Option<String>,
    /// End of the period: how precisely the source gave it.
    pub end_precision: Option<Precision>,
    /// End of the period: the earliest day it can be.
    #[sea_orm(indexed)]
    pub end_earliest: Option<Date>,
    /// End of the period: the latest day it can be.
    #[sea_orm(indexed)]
    pub end_latest: Option<Date>,
    /// End of the period: keys of the sources whose facts narrowed the interval, comma-separated.
    pub end_narrowed_by: Option<String>,
    /// End of the period: why the interval is narrower than the stated date.
    pub end_narrowing_note: Option<String>,
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
    /// A chairship's state.
    STATE: StateId -> state, Refuse("chairships");
}

named!(Key, "chairship");
