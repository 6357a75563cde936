//! Conferences: the annual Freedom Online Conferences and other meetings, with their hosts.

pub mod curation;

use async_graphql::{Context, ID, SimpleObject};
use entity::enums::{ConferenceFormat, ConferenceKind, HostRole, PersonRoleKind};
use entity::{conference, conference_host, person_role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::dates::Date;
use super::document::Document;
use super::error::ApiResult;
use super::fields::object;
use super::fields::rows_where;
use super::initiative::Initiative;
use super::list::Loaded;
use super::list::{EdgeFields, EdgeOf};
use super::list::{KeySql, Measure};
use super::person::Person;
use super::plan::Answer;
use super::source::Source;
use super::state::State;

/// What a hosting edge says about the host.
#[derive(SimpleObject)]
pub struct HostingFields {
    /// Whether the state was the host or a co-host.
    pub role: HostRole,
}

impl EdgeFields for HostingFields {}

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
impl ParticipationFields {}
columns {
    /// What the person did.
    role: PersonRoleKind,
    /// The office the person held at the time, e.g. "Minister of Foreign Affairs of the Netherlands".
    office: Option<&str>,
}
parents {
    /// The conference.
    conference: Conference = entity::person_role::CONFERENCE;
    /// The state whose office the person held.
    office_state: State = entity::person_role::OFFICE_STATE;
}
}

impl EdgeFields for ParticipationFields {}

/// A Coalition meeting.
#[derive(Clone)]
pub struct Conference(pub Loaded<conference::Model>);

object! {
/// A Coalition meeting: an annual Freedom Online Conference, a strategy meeting or a reception.
impl Conference {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the conference by it.
    key: &str,
    /// What kind of meeting it was.
    kind: ConferenceKind [filter ConferenceKindFilter, group Kind],
    /// Its number among the Freedom Online Conferences; null where no source confirms it.
    ordinal: Option<i32> [filter IntFilter, order Ordinal],
    /// Its name.
    name: &str [filter StringFilter, order Name],
    /// The city it was held in (or hosted from, when virtual).
    city: Option<&str> [filter StringFilter, order City, group City],
    /// The venue, where known.
    venue: Option<&str> [filter StringFilter],
    /// The theme, in the source's words.
    theme: Option<&str> [filter StringFilter],
    /// Whether it was held in person or virtually; null where no source says.
    format: Option<ConferenceFormat> [filter ConferenceFormatFilter, group Format],
    /// What the sources add, including disagreements between them.
    note: Option<&str>,
    /// The first day.
    start_date: Option<Date> [filter DateFilter, order StartDate],
    /// The last day.
    end_date: Option<Date> [filter DateFilter],
}
lists {
    /// The host state(s); each edge gives the role.
    hosts: State with HostingFields = entity::conference_host::HOSTS;
    /// The documents adopted at the conference.
    documents: Document = entity::document::CONFERENCE;
    /// The people the sources name at the conference; each edge gives their role and office.
    people: Person with ParticipationFields = entity::person_role::PARTICIPANTS;
    /// The initiatives launched at the conference.
    initiatives_launched: Initiative = entity::initiative::LAUNCHED_AT;
}
cited Conference;

record conference, "conferences",
    by [StartDate Asc] "Sort keys, in order; by start date when left out.";
groups {
    /// The year it began.
    Year => year: i64 = KeySql::Year("start_date"),
    /// A host's UN M49 region (a meeting with hosts in two regions is in both groups).
    HostRegion => host_region: entity::enums::Region = KeySql::Related(entity::conference_host::HOSTS.path(), "region"),
    /// A host's ISO code (a meeting with two hosts is in both groups).
    Host => host: String = KeySql::Related(entity::conference_host::HOSTS.path(), "code"),
}
measures {
    /// The earliest start date.
    earliest_start_date: date = Measure::MinDate("start_date"),
    /// The latest start date.
    latest_start_date: date = Measure::MaxDate("start_date"),
}
}

object! {
/// Root fields for conferences.
query ConferenceQuery {
    /// The Freedom Online Conference with this number, or null.
    async fn conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conference's number: 1 for The Hague 2011, 2 for Nairobi 2012, ...")]
        ordinal: i32,
    ) -> ApiResult<Answer<Option<Conference>>> {
        let select = conference::Entity::find().filter(conference::Column::Ordinal.eq(ordinal));
        super::plan::one(ctx, select).await
    }
}
roots {
    /// Conferences and other meetings, oldest first.
    conferences(#[graphql(desc = "Only meetings of this kind.")] kind: Option<ConferenceKind>)
        -> Conference = |_| rows_where(conference::Column::Kind, kind);
}
}
