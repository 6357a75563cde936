//! States: the governments in the Coalition, and the root fields that list them.

use async_graphql::{Context, ID, Object};
use entity::enums::{RecordKind, Region};
use entity::{
    chairship, commitment, conference, conference_host, endorsement, funding, funding_funder,
    membership, organization, person, person_role, source, state,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::chairship::{CHAIRSHIP_ORDER, Chairship, ChairshipFilter, ChairshipOrderField};
use super::commitment::{
    COMMITMENT_ORDER, Commitment, CommitmentFilter, CommitmentOrderField, EndorsementFields,
};
use super::conference::{
    CONFERENCE_ORDER, Conference, ConferenceFilter, ConferenceOrderField, HostingFields,
    ParticipationFields,
};
use super::dates::Date;
use super::error::{ApiResult, OrGraphql};
use super::filter::{ListFilter, Path, RegionFilter, StringFilter, filter_impl, list_query};
use super::funding::{FUNDING_ORDER, Funding, FundingFilter, FundingOrderField};
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::list::{ListQuery, Loaded, single};
use super::membership::{
    MEMBERSHIP_ORDER, Membership, MembershipFilter, MembershipOrderField, MembershipStatus,
    state_is_member, state_status_on,
};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::organization::{
    ORGANIZATION_ORDER, Organization, OrganizationFilter, OrganizationOrderField,
};
use super::person::{PERSON_ORDER, Person, PersonFilter, PersonOrderField};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};

/// A government that is or was a member of the Coalition.
pub struct State(pub Loaded<state::Model>);

/// A government that is or was a member of the Coalition.
#[Object]
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
            .children::<membership::Entity>(ctx, "state_id", &ListQuery::all())
            .await?;
        Ok(state_status_on(&memberships, on.0))
    }

    /// The state's periods of membership.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<MembershipFilter>,
        #[graphql(desc = "Sort keys, in order; by joining date when left out.")] order_by: Option<
            Vec<OrderBy<MembershipOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Membership>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<membership::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            MEMBERSHIP_ORDER,
        );
        let page = self
            .0
            .children_page::<membership::Entity>(ctx, "state_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Membership)).with_scope(Scope::children::<
                membership::Entity,
                _,
            >(
                &self.0, "state_id", &query,
            )?),
        )
    }

    /// The conferences the state hosted or co-hosted; each edge gives its role.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn hosted_conferences(
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
    ) -> ApiResult<Connection<Conference, HostingFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<conference::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            CONFERENCE_ORDER,
        );
        let page = self
            .0
            .linked_page::<conference_host::Entity, conference::Entity>(
                ctx,
                "state_id",
                "conference_id",
                |l| Some(l.conference_id),
                &query,
                &args,
            )
            .await?;
        Ok(Connection::from_page(
            page.map(|(row, link)| (Conference(row), HostingFields { role: link.role })),
        )
        .with_scope(Scope::through::<conference::Entity, _>(
            &self.0,
            "conference_hosts",
            "state_id",
            "conference_id",
            &query,
        )?))
    }

    /// The periods in which the state chaired the Coalition.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn chairships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<ChairshipFilter>,
        #[graphql(desc = "Sort keys, in order; by start when left out.")] order_by: Option<
            Vec<OrderBy<ChairshipOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Chairship>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<chairship::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            CHAIRSHIP_ORDER,
        );
        let page = self
            .0
            .children_page::<chairship::Entity>(ctx, "state_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Chairship)).with_scope(Scope::children::<
                chairship::Entity,
                _,
            >(
                &self.0, "state_id", &query,
            )?),
        )
    }

    /// The commitments the state endorsed; each edge gives the endorsement.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn endorsed_commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<CommitmentFilter>,
        #[graphql(desc = "Sort keys, in order; principles first when left out.")] order_by: Option<
            Vec<OrderBy<CommitmentOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Commitment, EndorsementFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<commitment::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            COMMITMENT_ORDER,
        );
        let page = self
            .0
            .linked_page::<endorsement::Entity, commitment::Entity>(
                ctx,
                "state_id",
                "commitment_id",
                |l| Some(l.commitment_id),
                &query,
                &args,
            )
            .await?;
        Ok(Connection::from_page(
            page.map(|(row, link)| (Commitment(row), EndorsementFields::new(link))),
        )
        .with_scope(Scope::through::<commitment::Entity, _>(
            &self.0,
            "endorsements",
            "state_id",
            "commitment_id",
            &query,
        )?))
    }

    /// The fundings the state contributed to.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<FundingFilter>,
        #[graphql(desc = "Sort keys, in order; by period when left out.")] order_by: Option<
            Vec<OrderBy<FundingOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funding>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<funding::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            FUNDING_ORDER,
        );
        let page = self
            .0
            .linked_page::<funding_funder::Entity, funding::Entity>(
                ctx,
                "state_id",
                "funding_id",
                |l| Some(l.funding_id),
                &query,
                &args,
            )
            .await?;
        Ok(
            Connection::from_node_page(page.map(|(row, _)| Funding(row))).with_scope(
                Scope::through::<funding::Entity, _>(
                    &self.0,
                    "funding_funders",
                    "state_id",
                    "funding_id",
                    &query,
                )?,
            ),
        )
    }

    /// The organizations based in the state.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<OrganizationFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<OrganizationOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Organization>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<organization::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            ORGANIZATION_ORDER,
        );
        let page = self
            .0
            .children_page::<organization::Entity>(ctx, "state_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Organization)).with_scope(Scope::children::<
                organization::Entity,
                _,
            >(
                &self.0, "state_id", &query,
            )?),
        )
    }

    /// The people the sources name holding an office of this state; each edge gives the
    /// conference, their role there and the office.
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
                "office_state_id",
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
                    "office_state_id",
                    "person_id",
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
            RecordKind::State,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

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
        memberships: Path::Children { table: "memberships", foreign_key: "state_id" },
        hosted_conferences: Path::Link { link: "conference_hosts", from: "state_id", to: "conference_id", table: "conferences" },
        chairships: Path::Children { table: "chairships", foreign_key: "state_id" },
        endorsed_commitments: Path::Link { link: "endorsements", from: "state_id", to: "commitment_id", table: "commitments" },
        fundings: Path::Link { link: "funding_funders", from: "state_id", to: "funding_id", table: "fundings" },
        organizations: Path::Children { table: "organizations", foreign_key: "state_id" },
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
