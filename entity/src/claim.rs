use crate::enums::*;
use sea_orm::entity::prelude::*;

/// One source's claim on a disputed or reported fact, kept beside the others.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    #[sea_orm(indexed)]
    pub topic: ClaimTopic,
    pub statement: String,
    pub value: Option<String>,
    /// The key or code of the record the claim is about, if any.
    pub subject: Option<String>,
    /// The date the claim describes: the date as the source wrote it.
    pub as_of_stated: Option<String>,
    /// The date the claim describes: how precisely the source gave it.
    pub as_of_precision: Option<Precision>,
    /// The date the claim describes: the earliest day it can be.
    #[sea_orm(indexed)]
    pub as_of_earliest: Option<Date>,
    /// The date the claim describes: the latest day it can be.
    #[sea_orm(indexed)]
    pub as_of_latest: Option<Date>,
    /// The date the claim describes: keys of the sources whose facts narrowed the interval, comma-separated.
    pub as_of_narrowed_by: Option<String>,
    /// The date the claim describes: why the interval is narrower than the stated date.
    pub as_of_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}

named!(Key, "claim");
