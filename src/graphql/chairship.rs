//! Chairships: who chaired the Coalition in each period, including periods without a chair.

pub mod curation;

use async_graphql::ID;
use entity::chairship;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{Condition, EntityTrait};

use super::dates::Date;
use super::fields::object;
use super::filter::{Custom, column};
use super::list::KeySql;
use super::list::Loaded;
use super::source::Source;
use super::state::State;

/// A period of the Coalition's chair.
#[derive(Clone)]
pub struct Chairship(pub Loaded<chairship::Model>);

object! {
/// A period of the Coalition's chair. `chair` is null when no state chaired (then `interim`
/// says who acted instead) or when no source names the chair.
impl Chairship {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Who acted in place of a chair, e.g. the "Friends of the Chair" in 2016-2017.
    interim: Option<&str> [filter StringFilter],
    /// What the sources add, including disagreements between them.
    note: Option<&str>,
}
dates {
    /// When the period began.
    start [
        filter start_earliest start_latest,
        order Start,
        group StartYear start_year,
        earliest earliest_start
    ],
    /// When the period ended.
    end [filter end_earliest end_latest, latest latest_end],
}
parents {
    /// The state that chaired; null when none did or none is confirmed.
    chair: State = entity::chairship::STATE;
}
cited Chairship;

record chairship, "chairships", by [Start Asc] "Sort keys, in order; by start when left out.";
filter {
    /// Only periods that may include this day (the sources give many only to a year).
    possibly_on: Date = Custom(|table, day: &Date| possibly_on(table, day.0)),
}
order {
    /// The latest day the period can have ended.
    End = "end_latest",
}
groups {
    /// The chair's ISO code; null for periods without a confirmed chair.
    Chair => chair: String = KeySql::Related(entity::chairship::STATE.parent(), "code"),
}
}

object! {
/// Root fields for chairships.
query ChairshipQuery;
roots {
    /// The chairships, oldest first.
    chairships() -> Chairship = |_| chairship::Entity::find();
}
}

/// Periods that may include `day`.
pub fn possibly_on(table: &Alias, day: chrono::NaiveDate) -> Condition {
    possibly_between(table, day, day)
}

/// Periods that may overlap the days from `first` to `last`: begun by `last` at the
/// latest, not ended before `first`.
pub fn possibly_between(table: &Alias, first: impl Into<Expr>, last: impl Into<Expr>) -> Condition {
    let (start, end) = (column(table, "start_earliest"), column(table, "end_latest"));
    Condition::all()
        .add(
            Condition::any()
                .add(start.clone().is_null())
                .add(start.lte(last)),
        )
        .add(
            Condition::any()
                .add(end.clone().is_null())
                .add(end.gte(first)),
        )
}
