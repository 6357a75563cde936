//! Conferences: the annual Freedom Online Conferences and other meetings, with their hosts.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::enums::{ConferenceFormat, ConferenceKind, HostRole, PersonRoleKind, RecordKind};
use entity::{conference, conference_host, document, initiative, person, person_role, state};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::connection::{Connection, EdgeFields, PageArgs};
use super::dates::Date;
use super::document::Document;
use super::error::{ApiResult, OrGraphql};
use super::initiative::Initiative;
use super::loader::{Db, Loaded, group, through};
use super::node::global_id;
use super::person::Person;
use super::source::{Source, cited_by};
use super::state::State;

/// What a hosting edge says about the host.
#[derive(SimpleObject)]
pub struct HostingFields {
    /// Whether the state was the host or a co-host.
    pub role: HostRole,
}

impl EdgeFields for HostingFields {
    fn label() -> &'static str {
        "Hosting"
    }
}

/// What a person did at a conference and the office they held then.
pub struct ParticipationFields(pub Loaded<person_role::Model>);

/// What a person did at a conference and the office they held then.
#[Object]
impl ParticipationFields {
    /// What the person did.
    async fn role(&self) -> PersonRoleKind {
        self.0.role
    }

    /// The office the person held at the time, e.g. "Minister of Foreign Affairs of the Netherlands".
    async fn office(&self) -> Option<&str> {
        self.0.office.as_deref()
    }

    /// The conference.
    async fn conference(&self, ctx: &Context<'_>) -> ApiResult<Option<Conference>> {
        Ok(self
            .0
            .related::<conference::Entity>(ctx, |r| Some(r.conference_id), "conference")
            .await?
            .map(Conference))
    }

    /// The state whose office the person held.
    async fn office_state(&self, ctx: &Context<'_>) -> ApiResult<Option<State>> {
        Ok(self
            .0
            .related::<state::Entity>(ctx, |r| r.office_state_id, "office_state")
            .await?
            .map(State))
    }
}

impl EdgeFields for ParticipationFields {
    fn label() -> &'static str {
        "Participation"
    }
}

/// A Coalition meeting.
pub struct Conference(pub Loaded<conference::Model>);

/// A Coalition meeting: an annual Freedom Online Conference, a strategy meeting or a reception.
#[Object]
impl Conference {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Conference", self.0.id)
    }

    /// What kind of meeting it was.
    async fn kind(&self) -> ConferenceKind {
        self.0.kind
    }

    /// Its number among the Freedom Online Conferences; null where no source confirms it.
    async fn ordinal(&self) -> Option<i32> {
        self.0.ordinal
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The city it was held in (or hosted from, when virtual).
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// The venue, where known.
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }

    /// The first day.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }

    /// The last day.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }

    /// The theme, in the source's words.
    async fn theme(&self) -> Option<&str> {
        self.0.theme.as_deref()
    }

    /// Whether it was held in person or virtually; null where no source says.
    async fn format(&self) -> Option<ConferenceFormat> {
        self.0.format
    }

    /// What the sources add, including disagreements between them.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The host state(s); each edge gives the role.
    async fn hosts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State, HostingFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let hosts = self
            .0
            .children::<conference_host::Entity>(ctx, "conference_id")
            .await?;
        let states = through::<_, state::Entity>(ctx, hosts, |h| Some(h.state_id), "state").await?;
        let items = states
            .into_iter()
            .map(|(s, h)| (State(s), HostingFields { role: h.role }))
            .collect();
        Ok(Connection::from_items(items, &args))
    }

    /// The documents adopted at the conference.
    async fn documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Document>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<document::Entity>(ctx, "conference_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Document).collect(),
            &args,
        ))
    }

    /// The people the sources name at the conference; each edge gives their role and office.
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Person, ParticipationFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let roles = self
            .0
            .children::<person_role::Entity>(ctx, "conference_id")
            .await?;
        let people =
            through::<_, person::Entity>(ctx, roles, |r| Some(r.person_id), "person").await?;
        let items = people
            .into_iter()
            .map(|(p, r)| (Person(p), ParticipationFields(r)))
            .collect();
        Ok(Connection::from_items(items, &args))
    }

    /// The initiatives launched at the conference.
    async fn initiatives_launched(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Initiative>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<initiative::Entity>(ctx, "launched_at_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Initiative).collect(),
            &args,
        ))
    }

    /// The sources of this conference.
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
            RecordKind::Conference,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for conferences.
#[derive(Default)]
pub struct ConferenceQuery;

#[Object]
impl ConferenceQuery {
    /// Conferences and other meetings, oldest first.
    async fn conferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only meetings of this kind.")] kind: Option<ConferenceKind>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Conference>> {
        let args = PageArgs::new(after, before, first, last)?;
        let mut select = conference::Entity::find()
            .order_by_asc(conference::Column::StartDate)
            .order_by_asc(conference::Column::Id);
        if let Some(kind) = kind {
            select = select.filter(conference::Column::Kind.eq(kind));
        }
        Connection::from_select(ctx, select, &args, Conference).await
    }

    /// The Freedom Online Conference with this number, or null.
    async fn conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conference's number: 1 for The Hague 2011, 2 for Nairobi 2012, ...")]
        ordinal: i32,
    ) -> ApiResult<Option<Conference>> {
        let db = ctx.data::<Db>()?;
        let found = conference::Entity::find()
            .filter(conference::Column::Ordinal.eq(ordinal))
            .one(&db.conn)
            .await
            .or_gql()?;
        Ok(group(found.into_iter().collect()).pop().map(Conference))
    }
}
