use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A Coalition initiative such as the Digital Defenders Partnership.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "initiatives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    #[sea_orm(indexed)]
    pub launched_at_id: Option<i32>,
    #[sea_orm(indexed)]
    pub manager_id: Option<i32>,
    pub url: Option<String>,
    /// Launch date: the date as the source wrote it.
    pub launched_stated: Option<String>,
    /// Launch date: how precisely the source gave it.
    pub launched_precision: Option<Precision>,
    /// Launch date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub launched_earliest: Option<Date>,
    /// Launch date: the latest day it can be.
    #[sea_orm(indexed)]
    pub launched_latest: Option<Date>,
    /// Launch date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub launched_narrowed_by: Option<String>,
    /// Launch date: why the interval is narrower than the stated date.
    pub launched_narrowing_note: Option<String>,
    /// Start of operations: the date as the source wrote it.
    pub operating_since_stated: Option<String>,
    /// Start of operations: how precisely the source gave it.
    pub operating_since_precision: Option<Precision>,
    /// Start of operations: the earliest day it can be.
    #[sea_orm(indexed)]
    pub operating_since_earliest: Option<Date>,
    /// Start of operations: the latest day it can be.
    #[sea_orm(indexed)]
    pub operating_since_latest: Option<Date>,
    /// Start of operations: keys of the sources whose facts narrowed the interval, comma-separated.
    pub operating_since_narrowed_by: Option<String>,
    /// Start of operations: why the interval is narrower than the stated date.
    pub operating_since_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::conference::Entity",
        from = "Column::LaunchedAtId",
        to = "super::conference::Column::Id"
    )]
    LaunchedAt,
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::ManagerId",
        to = "super::organization::Column::Id"
    )]
    Manager,
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// The conference an initiative was launched at.
    LAUNCHED_AT: LaunchedAtId -> conference, Refuse("initiatives");
    /// The organization that manages an initiative.
    MANAGER: ManagerId -> organization, Refuse("initiatives");
}

named!(Key, "initiative");
