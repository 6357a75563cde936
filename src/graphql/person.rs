//! People the sources name, and what they did at conferences.

pub mod curation;

use async_graphql::ID;
use entity::person;
use sea_orm::EntityTrait;

use super::conference::{Conference, ParticipationFields};
use super::fields::object;
use super::list::Loaded;
use super::source::Source;

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
    name: &str [filter StringFilter, order Name, group Name],
}
lists {
    /// The conferences the person took part in; each edge gives the role and the office held.
    conferences: Conference with ParticipationFields = entity::person_role::PARTICIPATIONS;
}
cited Person;

record person, "people", by [Name Asc] "Sort keys, in order; by name when left out.";
}

object! {
/// Root fields for people.
query PersonQuery;
roots {
    /// The people, by name.
    people() -> Person = |_| person::Entity::find();
}
}
