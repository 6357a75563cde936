//! Chairships: who chaired the Coalition in each period, including periods without a chair.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{chairship, source, state};
use sea_orm::EntityTrait;

use super::aggregate::{KeySql, Measure, Scope, aggregate_types};
use super::connection::{Aggregated, Connection, PageArgs};
use super::dates::Date;
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::filter::{DateFilter, ListFilter, Path, StringFilter, filter_impl, list_query};
use super::loader::Loaded;
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};
use super::state::{State, StateFilter};

/// A period of the Coalition's chair.
pub struct Chairship(pub Loaded<chairship::Model>);

/// A period of the Coalition's chair. `chair` is null when no state chaired (then `interim`
/// says who acted instead) or when no source names the chair.
#[Object]
impl Chairship {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Chairship", self.0.id)
    }

    /// The state that chaired; null when none did or none is confirmed.
    async fn chair(&self, ctx: &Context<'_>) -> ApiResult<Option<State>> {
        Ok(self
            .0
            .related::<state::Entity>(ctx, |m| m.state_id, "state_id")
            .await?
            .map(State))
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

    /// The sources of this record.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<SourceFilter>,
        #[graphql(desc = "Sort keys, in order; by key when left out.")] order_by: Option<
            Vec<OrderBy<SourceOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        let query =
            list_query::<source::Entity, _, _>(filter.as_ref(), order_by.as_deref(), SOURCE_ORDER);
        cited_by(
            ctx,
            &self.0,
            RecordKind::Chairship,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
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
    parents { chair: Path::Parent { table: "states", foreign_key: "state_id" } }
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
        Chair => chair: String = KeySql::StateText { foreign_key: "state_id", column: "code" },
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

// Curation.

use super::curation::{Checked, Checks, RecordInput, create, delete, update};
use super::dates::DateInput;
use crate::dataset::DateSpec;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

/// A chairship as curators write it: who chaired the Coalition, and when.
#[derive(async_graphql::InputObject)]
pub struct ChairshipInput {
    /// ISO code of the chairing state; leave it out when no state chaired.
    pub chair: Option<String>,
    /// Who acted instead of a chair, as the source words it.
    pub interim: Option<String>,
    /// When it began.
    pub start: Option<DateInput>,
    /// When it ended.
    pub end: Option<DateInput>,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

/// A chairship's natural key: its start as stated and who chaired. Loading the data file
/// identifies chairships the same way.
pub fn chairship_key(
    chair: Option<&str>,
    interim: Option<&str>,
    start: Option<&DateSpec>,
) -> String {
    let start = match start {
        Some(DateSpec::Stated(s)) => s.clone(),
        Some(DateSpec::Narrowed {
            stated, not_before, ..
        }) => stated
            .clone()
            .or_else(|| not_before.map(|d| d.to_string()))
            .unwrap_or_default(),
        None => String::new(),
    };
    format!("{start}:{}", chair.or(interim).unwrap_or("none"))
}

impl RecordInput for ChairshipInput {
    type Entity = chairship::Entity;
    type Model = chairship::Model;
    type Active = chairship::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Chairship);
    const TYPE: &'static str = "Chairship";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&chairship::Model>,
    ) -> ApiResult<Checked<chairship::ActiveModel>> {
        let mut checks = Checks::default();
        if self.chair.is_none() && self.interim.is_none() {
            checks.problem(
                "input.chair",
                "name the chairing state or who acted instead",
            );
        }
        let state_id = checks
            .state_opt(txn, "input.chair", self.chair.as_deref())
            .await?;
        let start = checks.date(txn, "input.start", self.start.as_ref()).await?;
        let end = checks.date(txn, "input.end", self.end.as_ref()).await?;
        if let (Some(s), Some(e)) = (&start, &end)
            && let (Ok(s), Ok(e)) = (s.resolve(), e.resolve())
            && let (Some(from), Some(to)) = (s.earliest, e.latest)
            && to < from
        {
            checks.problem("input.end", "a chairship cannot end before it starts");
        }
        let key = chairship_key(
            self.chair.as_deref(),
            self.interim.as_deref(),
            start.as_ref(),
        );
        checks
            .unique::<chairship::Entity>(
                txn,
                "input.start",
                "chairship",
                chairship::Column::Key,
                &key,
                current.map(|c| c.id),
            )
            .await?;
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let mut row = chairship::ActiveModel {
            key: Set(key),
            state_id: Set(state_id),
            interim: Set(self.interim.clone()),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "start", start.as_ref());
        crate::dataset::set_date(&mut row, "end", end.as_ref());
        Ok(Checked { row, sources })
    }

    async fn before_delete(
        _txn: &DatabaseTransaction,
        _current: &chairship::Model,
    ) -> ApiResult<()> {
        // Nothing refers to a chairship.
        Ok(())
    }
}

/// Curation of chairships: each mutation needs the admin token and runs in one transaction.
#[derive(Default)]
pub struct ChairshipMutation;

#[Object]
impl ChairshipMutation {
    /// Adds a chairship.
    async fn create_chairship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: ChairshipInput,
    ) -> ApiResult<Chairship> {
        Ok(Chairship(super::loader::alone(create(ctx, &input).await?)))
    }

    /// Replaces a chairship's facts and sources with the input.
    async fn update_chairship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The chairship's global id.")] id: ID,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: ChairshipInput,
    ) -> ApiResult<Chairship> {
        Ok(Chairship(super::loader::alone(
            update(ctx, &id, &input).await?,
        )))
    }

    /// Deletes a chairship; returns its id.
    async fn delete_chairship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The chairship's global id.")] id: ID,
    ) -> ApiResult<ID> {
        delete::<ChairshipInput>(ctx, id).await
    }
}
