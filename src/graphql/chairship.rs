//! Chairships: who chaired the Coalition in each period, including periods without a chair.

use async_graphql::{Context, ID, Object};
use entity::chairship;
use entity::enums::RecordKind;
use sea_orm::EntityTrait;

use super::dates::Date;
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{DateFilter, ListFilter, Path, StringFilter, filter_impl, list_query};
use super::list::Cited;
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{Source, SourceFilter};
use super::state::{State, StateFilter};

/// A period of the Coalition's chair.
#[derive(Clone)]
pub struct Chairship(pub Loaded<chairship::Model>);

object! {
/// A period of the Coalition's chair. `chair` is null when no state chaired (then `interim`
/// says who acted instead) or when no source names the chair.
impl Chairship {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Chairship", self.0.id)
    }

    /// Who acted in place of a chair, e.g. the "Friends of the Chair" in 2016-2017.
    async fn interim(&self) -> Option<&str> {
        self.0.interim.as_deref()
    }

    /// When the period began.
    async fn start(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "start").map(Into::into)
    }

    /// When the period ended.
    async fn end(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "end").map(Into::into)
    }

    /// What the sources add, including disagreements between them.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}
parents {
    /// The state that chaired; null when none did or none is confirmed.
    chair: State = entity::chairship::STATE;
}
lists {
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Chairship);
}
}

/// Root fields for chairships.
#[derive(Default)]
pub struct ChairshipQuery;

#[Object]
impl ChairshipQuery {
    /// The chairships, oldest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn chairships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<ChairshipFilter>,
        #[graphql(desc = "Sort keys, in order; by start when left out.")] order_by: Option<
            Vec<OrderBy<ChairshipOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Chairship>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<chairship::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            CHAIRSHIP_ORDER,
        );
        let select = chairship::Entity::find();
        Connection::from_query(ctx, select, &query, &args, Chairship).await
    }
}

/// Conditions on chairships; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct ChairshipFilter {
    /// The state that chaired.
    chair: Option<Box<StateFilter>>,
    /// Who acted in place of a chair.
    interim: Option<StringFilter>,
    /// The earliest day the period can have begun.
    start_earliest: Option<DateFilter>,
    /// The latest day the period can have begun.
    start_latest: Option<DateFilter>,
    /// The earliest day the period can have ended.
    end_earliest: Option<DateFilter>,
    /// The latest day the period can have ended.
    end_latest: Option<DateFilter>,
    /// Only periods that may include this day (the sources give many only to a year).
    possibly_on: Option<Date>,
    /// The sources of the chairship.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<ChairshipFilter>>,
    /// At least one of these holds.
    or: Option<Vec<ChairshipFilter>>,
    /// This does not hold.
    not: Option<Box<ChairshipFilter>>,
}

filter_impl!(ChairshipFilter {
    fields {
        interim: "interim",
        start_earliest: "start_earliest",
        start_latest: "start_latest",
        end_earliest: "end_earliest",
        end_latest: "end_latest",
    }
    lists { sources: Path::Citations { kind: RecordKind::Chairship } }
    parents { chair: entity::chairship::STATE.parent() }
    extra |f, table| match f.possibly_on {
        Some(day) => possibly_on(table, day.0),
        None => sea_orm::Condition::all(),
    }
});

/// Periods that may include `day`: begun by its latest start, not ended before it.
pub fn possibly_on(
    table: &sea_orm::sea_query::Alias,
    day: chrono::NaiveDate,
) -> sea_orm::Condition {
    use super::filter::column;
    use sea_orm::sea_query::ExprTrait;
    sea_orm::Condition::all()
        .add(
            sea_orm::Condition::any()
                .add(column(table, "start_earliest").is_null())
                .add(column(table, "start_earliest").lte(day)),
        )
        .add(
            sea_orm::Condition::any()
                .add(column(table, "end_latest").is_null())
                .add(column(table, "end_latest").gte(day)),
        )
}

/// Fields chairships can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChairshipOrderField {
    /// The earliest day the period can have begun.
    Start,
    /// The latest day the period can have ended.
    End,
}

impl OrderField for ChairshipOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Start => "start_earliest",
            Self::End => "end_latest",
        }
    }
}

/// Chairships sort by start unless asked otherwise.
pub const CHAIRSHIP_ORDER: &[(ChairshipOrderField, OrderDirection)] =
    &[(ChairshipOrderField::Start, OrderDirection::Asc)];

record!(Chairship: chairship, ChairshipFilter, ChairshipOrderField, CHAIRSHIP_ORDER);

aggregate_types!(
    /// Totals over a list of chairships.
    ChairshipAggregate,
    /// A group of chairships sharing the keys asked for.
    ChairshipGroup,
    /// Keys to group chairships by.
    ChairshipGroupKey {
        /// The year the period began; null where the sources leave it open.
        StartYear => start_year: i64 = KeySql::CertainYear("start_earliest", "start_latest"),
        /// The chair's ISO code; null for periods without a confirmed chair.
        Chair => chair: String = KeySql::Related(entity::chairship::STATE.parent(), "code"),
    },
    measures {
        /// The earliest day any period can have begun.
        earliest_start: date = Measure::MinDate("start_earliest"),
        /// The latest day any period can have ended.
        latest_end: date = Measure::MaxDate("end_latest"),
    }
);

impl Aggregated for Chairship {
    type Aggregate = ChairshipAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<ChairshipAggregate> {
        scope.map(ChairshipAggregate::new)
    }
}
