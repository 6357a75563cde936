use crate::enums::*;
use sea_orm::entity::prelude::*;

/// The Freedom Online Coalition itself (a single row).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coalition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub name: String,
    pub purpose: String,
    pub founding_place: Option<String>,
    pub membership_criteria: Option<String>,
    /// The regions its participants span, in the fact sheet's words, one per line.
    pub participant_regions: String,
    pub participant_regions_text: Option<String>,
    /// Founding date: the date as the source wrote it.
    pub founded_stated: Option<String>,
    /// Founding date: how precisely the source gave it.
    pub founded_precision: Option<Precision>,
    /// Founding date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub founded_earliest: Option<Date>,
    /// Founding date: the latest day it can be.
    #[sea_orm(indexed)]
    pub founded_latest: Option<Date>,
    /// Founding date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub founded_narrowed_by: Option<String>,
    /// Founding date: why the interval is narrower than the stated date.
    pub founded_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}

named!(Key, "coalition");
