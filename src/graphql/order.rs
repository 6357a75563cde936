//! Ordering: `orderBy: [{ field, direction }]`, several keys, made total by the row id so
//! that paging through a sorted list never skips or repeats an item. Nulls sort last in
//! both directions on both databases.

use async_graphql::{Enum, EnumType, InputObject, InputType};
use sea_orm::Order;
use sea_orm::sea_query::{Alias, Expr};

/// Which way to sort.
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest, earliest or A first.
    #[default]
    Asc,
    /// Largest, latest or Z first.
    Desc,
}

/// A field a list can be sorted by: the column it sorts on.
pub trait OrderField: EnumType + Copy + std::fmt::Debug {
    /// The column of the node's table.
    fn column(self) -> &'static str;
}

/// One sort key.
#[derive(InputObject)]
#[graphql(concrete(name = "StateOrder", params(super::state::StateOrderField)))]
#[graphql(concrete(
    name = "MembershipOrder",
    params(super::membership::MembershipOrderField)
))]
#[graphql(concrete(
    name = "ConferenceOrder",
    params(super::conference::ConferenceOrderField)
))]
#[graphql(concrete(name = "ChairshipOrder", params(super::chairship::ChairshipOrderField)))]
#[graphql(concrete(name = "DocumentOrder", params(super::document::DocumentOrderField)))]
#[graphql(concrete(
    name = "CommitmentOrder",
    params(super::commitment::CommitmentOrderField)
))]
#[graphql(concrete(
    name = "OrganizationOrder",
    params(super::organization::OrganizationOrderField)
))]
#[graphql(concrete(
    name = "InitiativeOrder",
    params(super::initiative::InitiativeOrderField)
))]
#[graphql(concrete(name = "FundingOrder", params(super::funding::FundingOrderField)))]
#[graphql(concrete(name = "PersonOrder", params(super::person::PersonOrderField)))]
#[graphql(concrete(name = "SourceOrder", params(super::source::SourceOrderField)))]
#[graphql(concrete(name = "ClaimOrder", params(super::claim::ClaimOrderField)))]
pub struct OrderBy<F: InputType + EnumType> {
    /// The field to sort by.
    pub field: F,
    /// The direction; ascending when left out.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// The sort keys of `order_by`, or `default` when none are given, on the table `table`.
pub fn sort_keys<F: OrderField + InputType>(
    table: &str,
    order_by: Option<&[OrderBy<F>]>,
    default: &[(F, OrderDirection)],
) -> Vec<(Expr, Order)> {
    let keys: Vec<(F, OrderDirection)> = match order_by {
        Some(keys) if !keys.is_empty() => keys.iter().map(|k| (k.field, k.direction)).collect(),
        _ => default.to_vec(),
    };
    keys.into_iter()
        .map(|(field, direction)| {
            let order = match direction {
                OrderDirection::Asc => Order::Asc,
                OrderDirection::Desc => Order::Desc,
            };
            (
                Expr::col((Alias::new(table), Alias::new(field.column()))),
                order,
            )
        })
        .collect()
}
