use crate::enums::*;
use sea_orm::entity::prelude::*;

/// One searchable field of a record, with its text folded for matching.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique_key = "record_field", indexed)]
    pub record_kind: RecordKind,
    #[sea_orm(unique_key = "record_field")]
    pub record_id: i32,
    #[sea_orm(unique_key = "record_field")]
    pub field: String,
    /// The field's text as stored.
    pub text: String,
    /// The text lowercased and transliterated to ASCII, so "san jose" finds "San José".
    pub folded: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}
