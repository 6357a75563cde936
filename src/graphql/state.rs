//! States: the governments in the Coalition, and the root fields that list them.

use async_graphql::{Context, ID, Object};
use entity::enums::{RecordKind, Region};
use entity::{
    chairship, commitment, conference, conference_host, endorsement, funding, funding_funder,
    membership, organization, person, person_role, state,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::chairship::Chairship;
use super::commitment::{Commitment, EndorsementFields};
use super::conference::{Conference, HostingFields, ParticipationFields};
use super::connection::{Connection, PageArgs};
use super::dates::Date;
use super::error::{ApiResult, OrGraphql};
use super::funding::Funding;
use super::loader::{Loaded, group, through};
use super::membership::{Membership, MembershipStatus, state_is_member, state_status_on};
use super::node::global_id;
use super::organization::Organization;
use super::person::Person;
use super::source::{Source, cited_by};

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
            .children::<membership::Entity>(ctx, "state_id")
            .await?;
        Ok(state_status_on(&memberships, on.0))
    }

    /// The state's periods of membership.
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Membership>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<membership::Entity>(ctx, "state_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Membership).collect(),
            &args,
        ))
    }

    /// The conferences the state hosted or co-hosted; each edge gives its role.
    async fn hosted_conferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Conference, HostingFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let hosts = self
            .0
            .children::<conference_host::Entity>(ctx, "state_id")
            .await?;
        let conferences =
            through::<_, conference::Entity>(ctx, hosts, |h| Some(h.conference_id), "conference")
                .await?;
        let mut items: Vec<_> = conferences
            .into_iter()
            .map(|(c, h)| (Conference(c), HostingFields { role: h.role }))
            .collect();
        items.sort_by_key(|(c, _)| (c.0.start_date, c.0.id));
        Ok(Connection::from_items(items, &args))
    }

    /// The periods in which the state chaired the Coalition.
    async fn chairships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Chairship>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<chairship::Entity>(ctx, "state_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Chairship).collect(),
            &args,
        ))
    }

    /// The commitments the state endorsed; each edge gives the endorsement.
    async fn endorsed_commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Commitment, EndorsementFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let endorsements = self
            .0
            .children::<endorsement::Entity>(ctx, "state_id")
            .await?;
        let commitments = through::<_, commitment::Entity>(
            ctx,
            endorsements,
            |e| Some(e.commitment_id),
            "commitment",
        )
        .await?;
        let items = commitments
            .into_iter()
            .map(|(c, e)| (Commitment(c), EndorsementFields::new(e)))
            .collect();
        Ok(Connection::from_items(items, &args))
    }

    /// The fundings the state contributed to.
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funding>> {
        let args = PageArgs::new(after, before, first, last)?;
        let links = self
            .0
            .children::<funding_funder::Entity>(ctx, "state_id")
            .await?;
        let rows =
            through::<_, funding::Entity>(ctx, links, |l| Some(l.funding_id), "funding").await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(|(f, _)| Funding(f)).collect(),
            &args,
        ))
    }

    /// The organizations based in the state.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Organization>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<organization::Entity>(ctx, "state_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Organization).collect(),
            &args,
        ))
    }

    /// The people the sources name holding an office of this state; each edge gives the
    /// conference, their role there and the office.
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
            .children::<person_role::Entity>(ctx, "office_state_id")
            .await?;
        let people =
            through::<_, person::Entity>(ctx, roles, |r| Some(r.person_id), "person").await?;
        let items = people
            .into_iter()
            .map(|(p, r)| (Person(p), ParticipationFields(r)))
            .collect();
        Ok(Connection::from_items(items, &args))
    }

    /// The sources that name this state and its region.
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
            RecordKind::State,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for states.
#[derive(Default)]
pub struct StateQuery;

#[Object]
impl StateQuery {
    /// States, by name. With `memberOn`, only the states that were certainly members that day
    /// (add `includeUncertain` for those the sources leave undecided).
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
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State>> {
        let args = PageArgs::new(after, before, first, last)?;
        let mut select = state::Entity::find()
            .order_by_asc(state::Column::Name)
            .order_by_asc(state::Column::Id);
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
        Connection::from_select(ctx, select, &args, State).await
    }

    /// The state with this ISO 3166-1 alpha-2 code (case-insensitive), or null.
    async fn state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-2 code, e.g. `KE`.")] code: String,
    ) -> ApiResult<Option<State>> {
        let db = ctx.data::<super::loader::Db>()?;
        let found = state::Entity::find()
            .filter(state::Column::Code.eq(code.trim().to_ascii_uppercase()))
            .one(&db.conn)
            .await
            .or_gql()?;
        Ok(group(found.into_iter().collect()).pop().map(State))
    }
}
