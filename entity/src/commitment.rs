use crate::enums::*;
use sea_orm::entity::prelude::*;

/// A principle or area of action that members endorse, set out in a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub kind: CommitmentKind,
    pub title: String,
    pub description: String,
    #[sea_orm(indexed)]
    pub document_id: Option<i32>,
    /// Every member endorses it on joining.
    pub endorsed_on_joining: bool,
    /// What the dataset adds, such as why a value is left out.
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::document::Entity",
        from = "Column::DocumentId",
        to = "super::document::Column::Id"
    )]
    Document,
    #[sea_orm(has_many = "super::endorsement::Entity")]
    Endorsements,
}

impl Related<super::endorsement::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Endorsements.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// The document a commitment belongs to.
    DOCUMENT: DocumentId -> document, Refuse("commitments");
}

named!(Key, "commitment");
