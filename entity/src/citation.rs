use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A record's citation of a source.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "citations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique_key = "record_source", indexed)]
    pub record_kind: RecordKind,
    #[sea_orm(unique_key = "record_source", indexed)]
    pub record_id: i32,
    #[sea_orm(unique_key = "record_source", indexed)]
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::source::Entity",
        from = "Column::SourceId",
        to = "super::source::Column::Id"
    )]
    Source,
}

impl Related<super::source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// The source a citation names.
    SOURCE: SourceId -> source, Refuse("citations");
}
