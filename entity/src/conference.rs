use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A Coalition meeting: an annual Freedom Online Conference or another meeting.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conferences")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub kind: ConferenceKind,
    #[sea_orm(unique)]
    pub ordinal: Option<i32>,
    pub name: String,
    pub city: Option<String>,
    pub venue: Option<String>,
    #[sea_orm(indexed)]
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub theme: Option<String>,
    pub format: Option<ConferenceFormat>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::conference_host::Entity")]
    Hosts,
}

impl Related<super::conference_host::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Hosts.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {}

named!(Key, "conference");
