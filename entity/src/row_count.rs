use sea_orm::entity::prelude::*;

/// How many rows a table holds, kept by the database's own triggers in the transaction of
/// every insert and delete, so a whole table's length is read from one row instead of
/// counted. Bookkeeping, not data: it is not exported, imported or cleared.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "row_counts")]
pub struct Model {
    /// The counted table.
    #[sea_orm(primary_key, auto_increment = false)]
    pub table_name: String,
    /// Its rows.
    pub row_count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
