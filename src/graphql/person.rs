//! People the sources name, and what they did at conferences.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{conference, person, person_role};
use sea_orm::{EntityTrait, QueryOrder};

use super::conference::{Conference, ParticipationFields};
use super::connection::{Connection, PageArgs};
use super::error::ApiResult;
use super::loader::{Loaded, through};
use super::node::global_id;
use super::source::{Source, cited_by};

/// A person the sources name.
pub struct Person(pub Loaded<person::Model>);

/// A person the sources name, such as a minister who spoke at a conference.
#[Object]
impl Person {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Person", self.0.id)
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The conferences the person took part in; each edge gives the role and the office held.
    async fn conferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Conference, ParticipationFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let roles = self
            .0
            .children::<person_role::Entity>(ctx, "person_id")
            .await?;
        let conferences =
            through::<_, conference::Entity>(ctx, roles, |r| Some(r.conference_id), "conference")
                .await?;
        let items = conferences
            .into_iter()
            .map(|(c, r)| (Conference(c), ParticipationFields(r)))
            .collect();
        Ok(Connection::from_items(items, &args))
    }

    /// The sources of this record.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        cited_by(
            ctx,
            &self.0,
            RecordKind::Person,
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
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Person>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = person::Entity::find()
            .order_by_asc(person::Column::Name)
            .order_by_asc(person::Column::Id);
        Connection::from_select(ctx, select, &args, Person).await
    }
}
