use crate::enums::*;
use sea_orm::entity::prelude::*;

/// Money given to an initiative or a programme.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fundings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub description: String,
    /// In whole units of the currency.
    pub amount: Option<i64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    pub qualifier: Option<FundingQualifier>,
    #[sea_orm(indexed)]
    pub recipient_initiative_id: Option<i32>,
    pub recipient_programme: Option<String>,
    /// Whether the funders listed are all of them.
    pub funders_complete: bool,
    pub note: Option<String>,
    /// Start of the funding period: the date as the source wrote it.
    pub period_start_stated: Option<String>,
    /// Start of the funding period: how precisely the source gave it.
    pub period_start_precision: Option<Precision>,
    /// Start of the funding period: the earliest day it can be.
    #[sea_orm(indexed)]
    pub period_start_earliest: Option<Date>,
    /// Start of the funding period: the latest day it can be.
    #[sea_orm(indexed)]
    pub period_start_latest: Option<Date>,
    /// Start of the funding period: keys of the sources whose facts narrowed the interval, comma-separated.
    pub period_start_narrowed_by: Option<String>,
    /// Start of the funding period: why the interval is narrower than the stated date.
    pub period_start_narrowing_note: Option<String>,
    /// End of the funding period: the date as the source wrote it.
    pub period_end_stated: Option<String>,
    /// End of the funding period: how precisely the source gave it.
    pub period_end_precision: Option<Precision>,
    /// End of the funding period: the earliest day it can be.
    #[sea_orm(indexed)]
    pub period_end_earliest: Option<Date>,
    /// End of the funding period: the latest day it can be.
    #[sea_orm(indexed)]
    pub period_end_latest: Option<Date>,
    /// End of the funding period: keys of the sources whose facts narrowed the interval, comma-separated.
    pub period_end_narrowed_by: Option<String>,
    /// End of the funding period: why the interval is narrower than the stated date.
    pub period_end_narrowing_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::initiative::Entity",
        from = "Column::RecipientInitiativeId",
        to = "super::initiative::Column::Id"
    )]
    RecipientInitiative,
}

impl ActiveModelBehavior for ActiveModel {}

foreign_keys! {
    /// The initiative a funding went to.
    RECIPIENT: RecipientInitiativeId -> initiative, Refuse("fundings");
}

named!(Key, "funding");
