use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A Coalition document: a declaration, terms of reference, an agenda or a statement.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub title: String,
    pub kind: DocumentKind,
    #[sea_orm(indexed)]
    pub conference_id: Option<i32>,
    pub note: Option<String>,
    /// Adoption date: the date as the source wrote it.
    pub adopted_stated: Option<String>,
    /// Adoption date: how precisely the source gave it.
    pub adopted_precision: Option<Precision>,
    /// Adoption date: the earliest day it can be.
    #[sea_orm(indexed)]
    pub adopted_earliest: Option<Date>,
    /// Adoption date: the latest day it can be.
    #[sea_orm(indexed)]
    pub adopted_latest: Option<Date>,
    /// Adoption date: keys of the sources whose facts narrowed the interval, comma-separated.
    pub adopted_narrowed_by: Option<String>,
    /// Adoption date: why the interval is narrower than the stated date.
    pub adopted_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::conference::Entity",
        from = "Column::ConferenceId",
        to = "super::conference::Column::Id"
    )]
    Conference,
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// The conference a document was adopted at.
    CONFERENCE: ConferenceId -> conference, Refuse("documents");
}

named!(Key, "document");
