use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A government that is or was a member.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "states")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// ISO 3166-1 alpha-2 code.
    #[sea_orm(unique)]
    pub code: String,
    #[sea_orm(indexed)]
    pub name: String,
    #[sea_orm(indexed)]
    pub region: Region,
    pub subregion: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}

named!(Code, "state");
