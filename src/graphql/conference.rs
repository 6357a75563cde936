//! Conferences: the annual Freedom Online Conferences and other meetings, with their hosts.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::enums::{ConferenceFormat, ConferenceKind, HostRole, PersonRoleKind, RecordKind};
use entity::{conference, conference_host, person_role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::dates::Date;
use super::document::{Document, DocumentFilter};
use super::error::{ApiResult, OrGraphql};
use super::fields::{object, record};
use super::filter::{
    ConferenceFormatFilter, ConferenceKindFilter, DateFilter, IntFilter, ListFilter, Path,
    StringFilter, filter_impl, list_query,
};
use super::initiative::{Initiative, InitiativeFilter};
use super::list::Cited;
use super::list::{Aggregated, Connection, EdgeFields, EdgeOf, PageArgs};
use super::list::{Db, Loaded, single};
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::person::{Person, PersonFilter};
use super::source::{Source, SourceFilter};
use super::state::{State, StateFilter};

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

impl EdgeOf<Loaded<person_role::Model>> for ParticipationFields {
    fn of(link: Loaded<person_role::Model>) -> Self {
        Self(link)
    }
}

impl EdgeOf<Loaded<conference_host::Model>> for HostingFields {
    fn of(link: Loaded<conference_host::Model>) -> Self {
        Self { role: link.role }
    }
}

object! {
/// What a person did at a conference and the office they held then.
impl ParticipationFields {
    /// What the person did.
    async fn role(&self) -> PersonRoleKind {
        self.0.role
    }

    /// The office the person held at the time, e.g. "Minister of Foreign Affairs of the Netherlands".
    async fn office(&self) -> Option<&str> {
        self.0.office.as_deref()
    }
}
parents {
    /// The conference.
    conference: Conference = entity::person_role::CONFERENCE;
    /// The state whose office the person held.
    office_state: State = entity::person_role::OFFICE_STATE;
}
}

impl EdgeFields for ParticipationFields {
    fn label() -> &'static str {
        "Participation"
    }
}

/// A Coalition meeting.
#[derive(Clone)]
pub struct Conference(pub Loaded<conference::Model>);

object! {
/// A Coalition meeting: an annual Freedom Online Conference, a strategy meeting or a reception.
impl Conference {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Conference", self.0.id)
    }

    /// Short stable key: curation inputs and the data file refer to the conference by it.
    async fn key(&self) -> &str {
        &self.0.key
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
}
lists {
    /// The host state(s); each edge gives the role.
    hosts: State with HostingFields = entity::conference_host::CONFERENCE.to(entity::conference_host::STATE);
    /// The documents adopted at the conference.
    documents: Document = entity::document::CONFERENCE;
    /// The people the sources name at the conference; each edge gives their role and office.
    people: Person with ParticipationFields = entity::person_role::CONFERENCE.to(entity::person_role::PERSON);
    /// The initiatives launched at the conference.
    initiatives_launched: Initiative = entity::initiative::LAUNCHED_AT;
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Conference);
}
}

/// Conditions on conferences; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct ConferenceFilter {
    /// What kind of meeting it was.
    kind: Option<ConferenceKindFilter>,
    /// Its number among the Freedom Online Conferences.
    ordinal: Option<IntFilter>,
    /// Its name.
    name: Option<StringFilter>,
    /// The city.
    city: Option<StringFilter>,
    /// The venue.
    venue: Option<StringFilter>,
    /// The theme.
    theme: Option<StringFilter>,
    /// The first day.
    start_date: Option<DateFilter>,
    /// The last day.
    end_date: Option<DateFilter>,
    /// In person or virtual.
    format: Option<ConferenceFormatFilter>,
    /// The host states.
    hosts: Option<ListFilter<StateFilter>>,
    /// The documents adopted there.
    documents: Option<ListFilter<DocumentFilter>>,
    /// The people the sources name there.
    people: Option<ListFilter<PersonFilter>>,
    /// The initiatives launched there.
    initiatives_launched: Option<ListFilter<InitiativeFilter>>,
    /// The sources of the conference.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<ConferenceFilter>>,
    /// At least one of these holds.
    or: Option<Vec<ConferenceFilter>>,
    /// This does not hold.
    not: Option<Box<ConferenceFilter>>,
}

filter_impl!(ConferenceFilter {
    fields {
        kind: "kind",
        ordinal: "ordinal",
        name: "name",
        city: "city",
        venue: "venue",
        theme: "theme",
        start_date: "start_date",
        end_date: "end_date",
        format: "format",
    }
    lists {
        hosts: entity::conference_host::CONFERENCE.to(entity::conference_host::STATE).path(),
        documents: entity::document::CONFERENCE.children(),
        people: entity::person_role::CONFERENCE.to(entity::person_role::PERSON).path(),
        initiatives_launched: entity::initiative::LAUNCHED_AT.children(),
        sources: Path::Citations { kind: RecordKind::Conference },
    }
    parents {}
});

/// Fields conferences can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConferenceOrderField {
    /// The first day.
    StartDate,
    /// Its number among the Freedom Online Conferences.
    Ordinal,
    /// Its name.
    Name,
    /// The city.
    City,
}

impl OrderField for ConferenceOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::StartDate => "start_date",
            Self::Ordinal => "ordinal",
            Self::Name => "name",
            Self::City => "city",
        }
    }
}

/// Conferences sort by start date unless asked otherwise.
pub const CONFERENCE_ORDER: &[(ConferenceOrderField, OrderDirection)] =
    &[(ConferenceOrderField::StartDate, OrderDirection::Asc)];

record!(Conference: conference, ConferenceFilter, ConferenceOrderField, CONFERENCE_ORDER);

/// Root fields for conferences.
#[derive(Default)]
pub struct ConferenceQuery;

#[Object]
impl ConferenceQuery {
    /// Conferences and other meetings, oldest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn conferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only meetings of this kind.")] kind: Option<ConferenceKind>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<ConferenceFilter>,
        #[graphql(desc = "Sort keys, in order; by start date when left out.")] order_by: Option<
            Vec<OrderBy<ConferenceOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Conference>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<conference::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            CONFERENCE_ORDER,
        );
        let select = conference::Entity::find()
            .apply_if(kind, |s, kind| s.filter(conference::Column::Kind.eq(kind)));
        Connection::from_query(ctx, select, &query, &args, Conference).await
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
        Ok(single(found).map(Conference))
    }
}

aggregate_types!(
    /// Totals over a list of conferences.
    ConferenceAggregate,
    /// A group of conferences sharing the keys asked for.
    ConferenceGroup,
    /// Keys to group conferences by.
    ConferenceGroupKey {
        /// The year it began.
        Year => year: i64 = KeySql::Year("start_date"),
        /// What kind of meeting it was.
        Kind => kind: ConferenceKind = KeySql::Text("kind"),
        /// In person or virtual.
        Format => format: ConferenceFormat = KeySql::Text("format"),
        /// A host's UN M49 region (a meeting with hosts in two regions is in both groups).
        HostRegion => host_region: entity::enums::Region = KeySql::Related(entity::conference_host::CONFERENCE.to(entity::conference_host::STATE).path(), "region"),
        /// A host's ISO code (a meeting with two hosts is in both groups).
        Host => host: String = KeySql::Related(entity::conference_host::CONFERENCE.to(entity::conference_host::STATE).path(), "code"),
        /// The city.
        City => city: String = KeySql::Text("city"),
    },
    measures {
        /// The earliest start date.
        earliest_start_date: date = Measure::MinDate("start_date"),
        /// The latest start date.
        latest_start_date: date = Measure::MaxDate("start_date"),
    }
);

impl Aggregated for Conference {
    type Aggregate = ConferenceAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<ConferenceAggregate> {
        scope.map(ConferenceAggregate::new)
    }
}
