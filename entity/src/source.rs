use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A publication a record cites.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub title: String,
    /// The title is the dataset's description of the publication, not the title it gives
    /// itself (no source the dataset holds gives that).
    #[sea_orm(default_value = false)]
    pub title_is_description: bool,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
    /// Publication date: the date as the source wrote it.
    pub published_stated: Option<String>,
    /// Publication date: how precisely the source gave it.
    pub published_precision: Option<Precision>,
    /// Publication date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub published_earliest: Option<Date>,
    /// Publication date: the latest day it can be.
    #[sea_orm(indexed)]
    pub published_latest: Option<Date>,
    /// Publication date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub published_narrowed_by: Option<String>,
    /// Publication date: why the interval is narrower than the stated date.
    pub published_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}

named!(Key, "source");
