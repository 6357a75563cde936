//! Ordering: `orderBy: [{ field, direction }]`, several keys, made total by the row id so
//! that paging through a sorted list never skips or repeats an item. Nulls sort last in
//! both directions on both databases.

use async_graphql::{Enum, EnumType, InputType};
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
pub trait OrderField: EnumType + InputType + Copy + std::fmt::Debug {
    /// The sort key input of this field (`StateOrder` for `StateOrderField`).
    type Key: SortKey<Self>;

    /// The column of the node's table.
    fn column(self) -> &'static str;
}

/// One sort key as a client gives it.
pub trait SortKey<F>: InputType {
    /// The field and direction.
    fn key(&self) -> (F, OrderDirection);
}

/// The sort key input of the order field `F`.
pub type OrderBy<F> = <F as OrderField>::Key;

/// A node type's order field enum (`Member = "column"` per member) and its sort key input.
macro_rules! order_by {
    (
        $(#[$doc:meta])*
        $field:ident, $key:ident {
            $( $(#[$mdoc:meta])* $member:ident = $column:expr ),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $field {
            $( $(#[$mdoc])* $member, )*
        }

        impl $crate::graphql::order::OrderField for $field {
            type Key = $key;

            fn column(self) -> &'static str {
                match self {
                    $( Self::$member => $column, )*
                }
            }
        }

        /// One sort key.
        #[derive(async_graphql::InputObject)]
        pub struct $key {
            /// The field to sort by.
            pub field: $field,
            /// The direction; ascending when left out.
            #[graphql(default)]
            pub direction: $crate::graphql::order::OrderDirection,
        }

        impl $crate::graphql::order::SortKey<$field> for $key {
            fn key(&self) -> ($field, $crate::graphql::order::OrderDirection) {
                (self.field, self.direction)
            }
        }
    };
}
pub(crate) use order_by;

/// The sort keys of `order_by`, or `default` when none are given, on the table `table`.
pub fn sort_keys<F: OrderField>(
    table: &str,
    order_by: Option<&[OrderBy<F>]>,
    default: &[(F, OrderDirection)],
) -> Vec<(Expr, Order)> {
    let keys: Vec<(F, OrderDirection)> = match order_by {
        Some(keys) if !keys.is_empty() => keys.iter().map(SortKey::key).collect(),
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
