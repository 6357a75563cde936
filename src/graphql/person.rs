//! People the sources name, and what they did at conferences.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{conference, person, person_role, source};
use sea_orm::EntityTrait;

use super::conference::{
    CONFERENCE_ORDER, Conference, ConferenceFilter, ConferenceOrderField, ParticipationFields,
};
use super::error::ApiResult;
use super::filter::{ListFilter, Path, StringFilter, filter_impl, list_query};
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};

/// A person the sources name.
pub struct Person(pub Loaded<person::Model>);

/// A person the sources name, such as a minister who spoke at a conference.
#[Object]
impl Person {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Person", self.0.id)
    }

    /// Short stable key: curation inputs and the data file refer to the person by it.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The conferences the person took part in; each edge gives the role and the office held.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn conferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<ConferenceFilter>,
        #[graphql(desc = "Sort keys, in order; by start date when left out.")] order_by: Option<
            Vec<OrderBy<ConferenceOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Conference, ParticipationFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<conference::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            CONFERENCE_ORDER,
        );
        let page = self
            .0
            .linked_page::<person_role::Entity, conference::Entity>(
                ctx,
                "person_id",
                "conference_id",
                |l| Some(l.conference_id),
                &query,
                &args,
            )
            .await?;
        Ok(Connection::from_page(
            page.map(|(row, link)| (Conference(row), ParticipationFields(link))),
        )
        .with_scope(Scope::through::<conference::Entity, _>(
            &self.0,
            "person_roles",
            "person_id",
            "conference_id",
            &query,
        )?))
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
            RecordKind::Person,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for people.
#[derive(Default)]
pub struct PersonQuery;

#[Object]
impl PersonQuery {
    /// The people, by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<PersonFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<PersonOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Person>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<person::Entity, _, _>(filter.as_ref(), order_by.as_deref(), PERSON_ORDER);
        let select = person::Entity::find();
        Connection::from_query(ctx, select, &query, &args, Person).await
    }
}

/// Conditions on people; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct PersonFilter {
    /// Full name.
    name: Option<StringFilter>,
    /// The conferences the person took part in.
    conferences: Option<ListFilter<ConferenceFilter>>,
    /// The sources that name the person.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<PersonFilter>>,
    /// At least one of these holds.
    or: Option<Vec<PersonFilter>>,
    /// This does not hold.
    not: Option<Box<PersonFilter>>,
}

filter_impl!(PersonFilter {
    fields { name: "name" }
    lists {
        conferences: Path::Link { link: "person_roles", from: "person_id", to: "conference_id", table: "conferences" },
        sources: Path::Citations { kind: RecordKind::Person },
    }
    parents {}
});

/// Fields people can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonOrderField {
    /// Full name.
    Name,
}

impl OrderField for PersonOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
        }
    }
}

/// The default order.
pub const PERSON_ORDER: &[(PersonOrderField, OrderDirection)] =
    &[(PersonOrderField::Name, OrderDirection::Asc)];

aggregate_types!(
    /// Totals over a list of people.
    PersonAggregate,
    /// A group of people sharing the keys asked for.
    PersonGroup,
    /// Keys to group people by.
    PersonGroupKey {
        /// Full name.
        Name => name: String = KeySql::Text("name"),
    },
    measures {}
);

impl Aggregated for Person {
    type Aggregate = PersonAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<PersonAggregate> {
        scope.map(PersonAggregate::new)
    }
}
