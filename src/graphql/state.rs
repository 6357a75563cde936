//! States: the governments in the Coalition, and the root fields that list them.

use async_graphql::{Context, ID, Object};
use entity::enums::{RecordKind, Region};
use entity::{membership, state};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::chairship::{Chairship, ChairshipFilter};
use super::commitment::{Commitment, CommitmentFilter, EndorsementFields};
use super::conference::{Conference, ConferenceFilter, HostingFields, ParticipationFields};
use super::dates::Date;
use super::error::{ApiResult, OrGraphql};
use super::fields::{object, record};
use super::filter::{ListFilter, Path, RegionFilter, StringFilter, filter_impl, list_query};
use super::funding::{Funding, FundingFilter};
use super::list::{Aggregated, Cited, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::list::{ListQuery, Loaded, single};
use super::membership::{
    Membership, MembershipFilter, MembershipStatus, state_is_member, state_status_on,
};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::organization::{Organization, OrganizationFilter};
use super::person::Person;
use super::source::{Source, SourceFilter};

/// A government that is or was a member of the Coalition.
#[derive(Clone)]
pub struct State(pub Loaded<state::Model>);

object! {
/// A government that is or was a member of the Coalition.
impl State {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("State", self.0.id)
    }

    /// ISO 3166-1 alpha-2 code, e.g. `KE`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Short English name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// UN M49 region.
    async fn region(&self) -> Region {
        self.0.region
    }

    /// UN M49 subregion, e.g. "Sub-Saharan Africa".
    async fn subregion(&self) -> &str {
        &self.0.subregion
    }

    /// Whether the state was a member on a day: MEMBER, NOT_MEMBER, or UNCERTAIN where the
    /// day falls inside a joining or leaving date the sources give only approximately.
    async fn membership_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to ask about.")] on: Date,
    ) -> ApiResult<MembershipStatus> {
        let memberships = self
            .0
            .children(ctx, entity::membership::STATE, &ListQuery::all())
            .await?;
        Ok(state_status_on(&memberships, on.0))
    }
}
lists {
    /// The state's periods of membership.
    memberships: Membership = entity::membership::STATE;
    /// The conferences the state hosted or co-hosted; each edge gives its role.
    hosted_conferences: Conference with HostingFields = entity::conference_host::STATE.to(entity::conference_host::CONFERENCE);
    /// The periods in which the state chaired the Coalition.
    chairships: Chairship = entity::chairship::STATE;
    /// The commitments the state endorsed; each edge gives the endorsement.
    endorsed_commitments: Commitment with EndorsementFields = entity::endorsement::STATE.to(entity::endorsement::COMMITMENT);
    /// The fundings the state contributed to.
    fundings: Funding = entity::funding_funder::STATE.to(entity::funding_funder::FUNDING);
    /// The organizations based in the state.
    organizations: Organization = entity::organization::STATE;
    /// The people the sources name holding an office of this state; each edge gives the
    /// conference, their role there and the office.
    people: Person with ParticipationFields = entity::person_role::OFFICE_STATE.to(entity::person_role::PERSON);
    /// The sources of this record.
    sources: Source = Cited(RecordKind::State);
}
}

record!(State: state, StateFilter, StateOrderField, STATE_ORDER);

/// Conditions on states; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct StateFilter {
    /// ISO 3166-1 alpha-2 code.
    code: Option<StringFilter>,
    /// Short English name.
    name: Option<StringFilter>,
    /// UN M49 region.
    region: Option<RegionFilter>,
    /// UN M49 subregion.
    subregion: Option<StringFilter>,
    /// Only states that were certainly members on this day.
    member_on: Option<Date>,
    /// The state's periods of membership.
    memberships: Option<ListFilter<MembershipFilter>>,
    /// The conferences the state hosted or co-hosted.
    hosted_conferences: Option<ListFilter<ConferenceFilter>>,
    /// The periods in which the state chaired the Coalition.
    chairships: Option<ListFilter<ChairshipFilter>>,
    /// The commitments the state endorsed.
    endorsed_commitments: Option<ListFilter<CommitmentFilter>>,
    /// The fundings the state contributed to.
    fundings: Option<ListFilter<FundingFilter>>,
    /// The organizations based in the state.
    organizations: Option<ListFilter<OrganizationFilter>>,
    /// The sources that name the state.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<StateFilter>>,
    /// At least one of these holds.
    or: Option<Vec<StateFilter>>,
    /// This does not hold.
    not: Option<Box<StateFilter>>,
}

filter_impl!(StateFilter {
    fields { code: "code", name: "name", region: "region", subregion: "subregion" }
    lists {
        memberships: entity::membership::STATE.children(),
        hosted_conferences: entity::conference_host::STATE.to(entity::conference_host::CONFERENCE).path(),
        chairships: entity::chairship::STATE.children(),
        endorsed_commitments: entity::endorsement::STATE.to(entity::endorsement::COMMITMENT).path(),
        fundings: entity::funding_funder::STATE.to(entity::funding_funder::FUNDING).path(),
        organizations: entity::organization::STATE.children(),
        sources: Path::Citations { kind: RecordKind::State },
    }
    parents {}
    extra |f, table| match f.member_on {
        Some(day) => super::membership::state_is_member_at(table, day.0, false),
        None => sea_orm::Condition::all(),
    }
});

/// Fields states can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateOrderField {
    /// Short English name.
    Name,
    /// ISO 3166-1 alpha-2 code.
    Code,
    /// UN M49 region.
    Region,
    /// UN M49 subregion.
    Subregion,
}

impl OrderField for StateOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Code => "code",
            Self::Region => "region",
            Self::Subregion => "subregion",
        }
    }
}

/// States sort by name unless asked otherwise.
pub const STATE_ORDER: &[(StateOrderField, OrderDirection)] =
    &[(StateOrderField::Name, OrderDirection::Asc)];

/// Root fields for states.
#[derive(Default)]
pub struct StateQuery;

#[Object]
impl StateQuery {
    /// States, by name. With `memberOn`, only the states that were certainly members that day
    /// (add `includeUncertain` for those the sources leave undecided).
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn states(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only states that were members on this day.")] member_on: Option<Date>,
        #[graphql(
            desc = "With `memberOn`, also states whose membership that day is uncertain.",
            default = false
        )]
        include_uncertain: bool,
        #[graphql(desc = "Only states of this UN M49 region.")] region: Option<Region>,
        #[graphql(desc = "Only founding members (true) or only later members (false).")]
        founding: Option<bool>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<StateFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<StateOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<state::Entity, _, _>(filter.as_ref(), order_by.as_deref(), STATE_ORDER);
        let mut select = state::Entity::find();
        if let Some(day) = member_on {
            select = select.filter(state_is_member(day.0, include_uncertain));
        }
        if let Some(region) = region {
            select = select.filter(state::Column::Region.eq(region));
        }
        if let Some(founding) = founding {
            select = select.filter(
                state::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(membership::Column::StateId)
                        .from(membership::Entity)
                        .and_where(membership::Column::Founding.eq(founding))
                        .to_owned(),
                ),
            );
        }
        Connection::from_query(ctx, select, &query, &args, State).await
    }

    /// The state with this ISO 3166-1 alpha-2 code (case-insensitive), or null.
    async fn state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-2 code, e.g. `KE`.")] code: String,
    ) -> ApiResult<Option<State>> {
        let db = ctx.data::<super::list::Db>()?;
        let found = state::Entity::find()
            .filter(state::Column::Code.eq(code.trim().to_ascii_uppercase()))
            .one(&db.conn)
            .await
            .or_gql()?;
        Ok(single(found).map(State))
    }
}

aggregate_types!(
    /// Totals over a list of states.
    StateAggregate,
    /// A group of states sharing the keys asked for.
    StateGroup,
    /// Keys to group states by.
    StateGroupKey {
        /// UN M49 region.
        Region => region: Region = KeySql::Text("region"),
        /// UN M49 subregion.
        Subregion => subregion: String = KeySql::Text("subregion"),
    },
    measures {}
);

impl Aggregated for State {
    type Aggregate = StateAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<StateAggregate> {
        scope.map(StateAggregate::new)
    }
}
