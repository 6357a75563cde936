use sea_orm::entity::prelude::*;

/// The dataset's version: one row, its number raised by every committed write in the
/// write's own transaction, so every server (and a streaming standby, by replaying it) can
/// tell which writes it has seen.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_version")]
pub struct Model {
    /// Always 1: the table has this one row.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// How many writes have been committed; 0 before the first.
    pub version: i64,
    /// When the latest write was committed.
    pub changed_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}
