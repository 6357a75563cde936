//! People the sources name, and what they did at conferences.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::person;
use sea_orm::EntityTrait;

use super::conference::{Conference, ConferenceFilter, ParticipationFields};
use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{ListFilter, Path, StringFilter, filter_impl, list_query};
use super::list::Cited;
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{Source, SourceFilter};

/// A person the sources name.
#[derive(Clone)]
pub struct Person(pub Loaded<person::Model>);

object! {
/// A person the sources name, such as a minister who spoke at a conference.
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
}
lists {
    /// The conferences the person took part in; each edge gives the role and the office held.
    conferences: Conference with ParticipationFields = entity::person_role::PERSON.to(entity::person_role::CONFERENCE);
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Person);
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
        conferences: entity::person_role::PERSON.to(entity::person_role::CONFERENCE).path(),
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

record!(Person: person, PersonFilter, PersonOrderField, PERSON_ORDER);

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
