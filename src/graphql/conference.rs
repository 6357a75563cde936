//! Conferences: the annual Freedom Online Conferences and other meetings, with their hosts.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::enums::{ConferenceFormat, ConferenceKind, HostRole, PersonRoleKind, RecordKind};
use entity::{
    conference, conference_host, document, initiative, person, person_role, source, state,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::aggregate::{KeySql, Measure, Scope, aggregate_types};
use super::connection::{Aggregated, Connection, EdgeFields, PageArgs};
use super::dates::Date;
use super::document::{DOCUMENT_ORDER, Document, DocumentFilter, DocumentOrderField};
use super::error::{ApiResult, OrGraphql};
use super::filter::{
    ConferenceFormatFilter, ConferenceKindFilter, DateFilter, IntFilter, ListFilter, Path,
    StringFilter, filter_impl, list_query,
};
use super::initiative::{INITIATIVE_ORDER, Initiative, InitiativeFilter, InitiativeOrderField};
use super::loader::{Db, Loaded, single};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::person::{PERSON_ORDER, Person, PersonFilter, PersonOrderField};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};
use super::state::{STATE_ORDER, State, StateFilter, StateOrderField};

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

    /// The host state(s); each edge gives the role.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn hosts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<StateFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<StateOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State, HostingFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<state::Entity, _, _>(filter.as_ref(), order_by.as_deref(), STATE_ORDER);
        let page = self
            .0
            .linked_page::<conference_host::Entity, state::Entity>(
                ctx,
                "conference_id",
                "state_id",
                |l| Some(l.state_id),
                &query,
                &args,
            )
            .await?;
        Ok(Connection::from_page(
            page.map(|(row, link)| (State(row), HostingFields { role: link.role })),
        )
        .with_scope(Scope::through::<state::Entity, _>(
            &self.0,
            "conference_hosts",
            "conference_id",
            "state_id",
            &query,
        )?))
    }

    /// The documents adopted at the conference.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<DocumentFilter>,
        #[graphql(desc = "Sort keys, in order; by adoption date when left out.")] order_by: Option<
            Vec<OrderBy<DocumentOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Document>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<document::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            DOCUMENT_ORDER,
        );
        let page = self
            .0
            .children_page::<document::Entity>(ctx, "conference_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Document)).with_scope(Scope::children::<
                document::Entity,
                _,
            >(
                &self.0,
                "conference_id",
                &query,
            )?),
        )
    }

    /// The people the sources name at the conference; each edge gives their role and office.
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
    ) -> ApiResult<Connection<Person, ParticipationFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<person::Entity, _, _>(filter.as_ref(), order_by.as_deref(), PERSON_ORDER);
        let page = self
            .0
            .linked_page::<person_role::Entity, person::Entity>(
                ctx,
                "conference_id",
                "person_id",
                |l| Some(l.person_id),
                &query,
                &args,
            )
            .await?;
        Ok(
            Connection::from_page(page.map(|(row, link)| (Person(row), ParticipationFields(link))))
                .with_scope(Scope::through::<person::Entity, _>(
                    &self.0,
                    "person_roles",
                    "conference_id",
                    "person_id",
                    &query,
                )?),
        )
    }

    /// The initiatives launched at the conference.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn initiatives_launched(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<InitiativeFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<InitiativeOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Initiative>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<initiative::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            INITIATIVE_ORDER,
        );
        let page = self
            .0
            .children_page::<initiative::Entity>(ctx, "launched_at_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Initiative)).with_scope(Scope::children::<
                initiative::Entity,
                _,
            >(
                &self.0,
                "launched_at_id",
                &query,
            )?),
        )
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
            RecordKind::Conference,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
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
        hosts: Path::Link { link: "conference_hosts", from: "conference_id", to: "state_id", table: "states" },
        documents: Path::Children { table: "documents", foreign_key: "conference_id" },
        people: Path::Link { link: "person_roles", from: "conference_id", to: "person_id", table: "people" },
        initiatives_launched: Path::Children { table: "initiatives", foreign_key: "launched_at_id" },
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
        HostRegion => host_region: entity::enums::Region = KeySql::HostText("region"),
        /// A host's ISO code (a meeting with two hosts is in both groups).
        Host => host: String = KeySql::HostText("code"),
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

// Curation.

use super::curation::{
    Checked, Checks, OrWriteError, RecordInput, Write, citations_of, cite, count, create, delete,
    id_where, refusal, update,
};
use async_graphql::InputObject;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseTransaction};

/// A state's part in hosting, as curators write it.
#[derive(InputObject)]
pub struct HostInput {
    /// ISO code of the hosting state.
    pub state: String,
    /// Host or co-host.
    pub role: HostRole,
}

/// A conference as curators write it.
#[derive(InputObject)]
pub struct ConferenceInput {
    /// Short stable key, unique, e.g. `foc-2011-the-hague`.
    pub key: String,
    /// What kind of meeting it was.
    pub kind: ConferenceKind,
    /// Its number in the series, where the sources number it.
    pub ordinal: Option<i32>,
    /// Its name.
    pub name: String,
    /// Where it took place.
    pub city: Option<String>,
    /// The venue.
    pub venue: Option<String>,
    /// First day.
    pub start: Option<Date>,
    /// Last day.
    pub end: Option<Date>,
    /// Its theme.
    pub theme: Option<String>,
    /// In person or virtual.
    pub format: Option<ConferenceFormat>,
    /// The hosting states; they replace the ones recorded. Left out, the hosts stay as
    /// they are.
    pub hosts: Option<Vec<HostInput>>,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts, hosts included; at least one.
    pub sources: Vec<String>,
}

/// Checks hosts: known states, each once.
async fn check_hosts(
    checks: &mut Checks,
    txn: &DatabaseTransaction,
    field: &str,
    hosts: &[HostInput],
) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, host) in hosts.iter().enumerate() {
        let at = format!("{field}[{i}].state");
        checks.state(txn, &at, &host.state).await?;
        if !seen.insert(host.state.as_str()) {
            checks.problem(at, format!("`{}` is listed twice", host.state));
        }
    }
    Ok(())
}

impl RecordInput for ConferenceInput {
    type Entity = conference::Entity;
    type Model = conference::Model;
    type Active = conference::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Conference);
    const TYPE: &'static str = "Conference";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&conference::Model>,
    ) -> ApiResult<Checked<conference::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.name", &self.name);
        checks
            .unique::<conference::Entity>(
                txn,
                "input.key",
                "conference",
                conference::Column::Key,
                &self.key,
                current.map(|c| c.id),
            )
            .await?;
        if let (Some(start), Some(end)) = (self.start, self.end)
            && end < start
        {
            checks.problem("input.end", "a conference cannot end before it starts");
        }
        if self.ordinal.is_some_and(|o| o < 1) {
            checks.problem("input.ordinal", "an ordinal counts from 1");
        }
        if let Some(hosts) = &self.hosts {
            check_hosts(&mut checks, txn, "input.hosts", hosts).await?;
        }
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let row = conference::ActiveModel {
            key: Set(self.key.clone()),
            kind: Set(self.kind),
            ordinal: Set(self.ordinal),
            name: Set(self.name.clone()),
            city: Set(self.city.clone()),
            venue: Set(self.venue.clone()),
            start_date: Set(self.start.map(|d| d.0)),
            end_date: Set(self.end.map(|d| d.0)),
            theme: Set(self.theme.clone()),
            format: Set(self.format),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        Ok(Checked { row, sources })
    }

    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &conference::Model,
        _before: Option<&conference::Model>,
    ) -> ApiResult<()> {
        let Some(hosts) = &self.hosts else {
            return Ok(());
        };
        conference_host::Entity::delete_many()
            .filter(conference_host::Column::ConferenceId.eq(saved.id))
            .exec(txn)
            .await
            .or_write()?;
        for host in hosts {
            let state_id = id_where::<state::Entity>(txn, state::Column::Code, &host.state).await?;
            conference_host::ActiveModel {
                conference_id: Set(saved.id),
                state_id: Set(state_id.unwrap_or_default()),
                role: Set(host.role),
                ..Default::default()
            }
            .insert(txn)
            .await
            .or_write()?;
        }
        Ok(())
    }

    async fn before_delete(
        txn: &DatabaseTransaction,
        current: &conference::Model,
    ) -> ApiResult<()> {
        let id = current.id;
        super::curation::refuse_if_referenced(
            &format!("conference `{}`", current.key),
            vec![
                (
                    "documents",
                    count::<document::Entity>(txn, document::Column::ConferenceId.eq(id)).await?,
                ),
                (
                    "initiatives",
                    count::<initiative::Entity>(txn, initiative::Column::LaunchedAtId.eq(id))
                        .await?,
                ),
                (
                    "people's parts",
                    count::<person_role::Entity>(txn, person_role::Column::ConferenceId.eq(id))
                        .await?,
                ),
            ],
        )?;
        // Its hosts are facts of the conference: they go with it.
        conference_host::Entity::delete_many()
            .filter(conference_host::Column::ConferenceId.eq(id))
            .exec(txn)
            .await
            .or_write()?;
        Ok(())
    }
}

/// A state's part in hosting one conference, as curators write it.
#[derive(InputObject)]
pub struct ConferenceHostInput {
    /// Key of the conference.
    pub conference: String,
    /// ISO code of the hosting state.
    pub state: String,
    /// Host or co-host.
    pub role: HostRole,
    /// Keys of the sources that say so; the conference cites them from then on.
    pub sources: Vec<String>,
}

impl ConferenceHostInput {
    /// Checks the keys; the conference, the state's id and the sources' ids.
    async fn check(
        &self,
        txn: &DatabaseTransaction,
        sources_needed: bool,
    ) -> ApiResult<(conference::Model, i32, Vec<i32>)> {
        let mut checks = Checks::default();
        let conference_id = checks
            .find::<conference::Entity>(
                txn,
                "input.conference",
                "conference",
                conference::Column::Key,
                &self.conference,
            )
            .await?;
        let state_id = checks.state(txn, "input.state", &self.state).await?;
        let sources = if sources_needed || !self.sources.is_empty() {
            checks.sources(txn, "input.sources", &self.sources).await?
        } else {
            Vec::new()
        };
        checks.finish()?;
        let conference = conference::Entity::find_by_id(conference_id.unwrap_or_default())
            .one(txn)
            .await
            .or_gql()?
            .ok_or("the conference was removed meanwhile")?;
        Ok((conference, state_id.unwrap_or_default(), sources))
    }
}

/// Adds sources to what a conference cites.
async fn cite_more(txn: &DatabaseTransaction, conference_id: i32, more: &[i32]) -> ApiResult<()> {
    let mut all = citations_of(txn, RecordKind::Conference, conference_id).await?;
    all.extend(more.iter().copied());
    cite(
        txn,
        RecordKind::Conference,
        conference_id,
        &all.into_iter().collect::<Vec<_>>(),
    )
    .await
}

/// The hosting row of a conference and a state.
async fn hosting(
    txn: &DatabaseTransaction,
    conference_id: i32,
    state_id: i32,
) -> ApiResult<Option<conference_host::Model>> {
    conference_host::Entity::find()
        .filter(conference_host::Column::ConferenceId.eq(conference_id))
        .filter(conference_host::Column::StateId.eq(state_id))
        .one(txn)
        .await
        .or_gql()
}

/// Curation of conferences and their hosts: each mutation needs the admin token and runs
/// in one transaction.
#[derive(Default)]
pub struct ConferenceMutation;

#[Object]
impl ConferenceMutation {
    /// Adds a conference, with its hosts.
    async fn create_conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: ConferenceInput,
    ) -> ApiResult<Conference> {
        Ok(Conference(super::loader::alone(create(ctx, &input).await?)))
    }

    /// Replaces a conference's facts and sources (and hosts, when given) with the input.
    async fn update_conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conference's global id.")] id: ID,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: ConferenceInput,
    ) -> ApiResult<Conference> {
        Ok(Conference(super::loader::alone(
            update(ctx, &id, &input).await?,
        )))
    }

    /// Deletes a conference that no document, initiative or person refers to, with its
    /// hosts; returns its id.
    async fn delete_conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conference's global id.")] id: ID,
    ) -> ApiResult<ID> {
        delete::<ConferenceInput>(ctx, id).await
    }

    /// Adds a hosting state to a conference; returns the conference.
    async fn create_conference_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")]
        input: ConferenceHostInput,
    ) -> ApiResult<Conference> {
        let write = Write::begin(ctx).await?;
        let (conference, state_id, sources) = input.check(&write.txn, true).await?;
        if hosting(&write.txn, conference.id, state_id)
            .await?
            .is_some()
        {
            return Err(refusal(
                "input.state",
                format!("`{}` already hosts `{}`", input.state, input.conference),
            ));
        }
        conference_host::ActiveModel {
            conference_id: Set(conference.id),
            state_id: Set(state_id),
            role: Set(input.role),
            ..Default::default()
        }
        .insert(&write.txn)
        .await
        .or_write()?;
        cite_more(&write.txn, conference.id, &sources).await?;
        write.commit().await?;
        Ok(Conference(super::loader::alone(conference)))
    }

    /// Changes a hosting state's role; returns the conference.
    async fn update_conference_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")]
        input: ConferenceHostInput,
    ) -> ApiResult<Conference> {
        let write = Write::begin(ctx).await?;
        let (conference, state_id, sources) = input.check(&write.txn, true).await?;
        let Some(host) = hosting(&write.txn, conference.id, state_id).await? else {
            return Err(refusal(
                "input.state",
                format!("`{}` does not host `{}`", input.state, input.conference),
            ));
        };
        let mut row: conference_host::ActiveModel = host.into();
        row.role = Set(input.role);
        row.update(&write.txn).await.or_write()?;
        cite_more(&write.txn, conference.id, &sources).await?;
        write.commit().await?;
        Ok(Conference(super::loader::alone(conference)))
    }

    /// Removes a hosting state from a conference; returns the conference.
    async fn delete_conference_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Key of the conference.")] conference: String,
        #[graphql(desc = "ISO code of the hosting state.")] state: String,
    ) -> ApiResult<Conference> {
        let write = Write::begin(ctx).await?;
        let input = ConferenceHostInput {
            conference,
            state,
            role: HostRole::Host,
            sources: Vec::new(),
        };
        let (current, state_id, _) = input.check(&write.txn, false).await?;
        let Some(host) = hosting(&write.txn, current.id, state_id).await? else {
            return Err(refusal(
                "state",
                format!("`{}` does not host `{}`", input.state, current.key),
            ));
        };
        conference_host::Entity::delete_by_id(host.id)
            .exec(&write.txn)
            .await
            .or_write()?;
        write.commit().await?;
        Ok(Conference(super::loader::alone(current)))
    }
}
