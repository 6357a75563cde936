//! People the sources name, and what they did at conferences.

pub mod curation;

use async_graphql::ID;
use entity::enums::RecordKind;
use entity::person;
use sea_orm::EntityTrait;

use super::conference::{Conference, ConferenceFilter, ParticipationFields};
use super::fields::{object, record};
use super::filter::{ListFilter, StringFilter};
use super::list::Cited;
use super::list::KeySql;
use super::list::Loaded;
use super::source::{Source, SourceFilter};

/// A person the sources name.
#[derive(Clone)]
pub struct Person(pub Loaded<person::Model>);

object! {
/// A person the sources name, such as a minister who spoke at a conference.
impl Person {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the person by it.
    key: &str,
    /// Full name.
    name: &str,
}
lists {
    /// The conferences the person took part in; each edge gives the role and the office held.
    conferences: Conference with ParticipationFields = entity::person_role::PARTICIPATIONS;
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Person);
}
}

/// Root fields for people.
#[derive(Default)]
pub struct PersonQuery;

object! {
impl PersonQuery {}
roots {
    /// The people, by name.
    people() -> Person = |_| person::Entity::find();
}
}

record! {
    Person: person, "people";
    filter PersonFilter {
        /// Full name.
        name: StringFilter = "name",
        /// The conferences the person took part in.
        conferences: ListFilter<ConferenceFilter> = entity::person_role::PARTICIPATIONS,
        /// The sources that name the person.
        sources: ListFilter<SourceFilter> = Cited(RecordKind::Person),
    }
    order PersonOrderField, PersonOrder by [Name Asc] {
        /// Full name.
        Name = "name",
    }
    groups PersonAggregate, PersonGroup, PersonGroupKey {
        /// Full name.
        Name => name: String = KeySql::Text("name"),
    }
    measures {}
}
