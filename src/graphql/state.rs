//! States: the governments in the Coalition, and the root fields that list them.

pub mod curation;

use async_graphql::{Context, ID};
use entity::enums::Region;
use entity::{membership, state};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::chairship::Chairship;
use super::commitment::{Commitment, EndorsementFields};
use super::conference::{Conference, HostingFields, ParticipationFields};
use super::dates::Date;
use super::error::ApiResult;
use super::fields::object;
use super::filter::Custom;
use super::funding::Funding;
use super::list::{ListQuery, Loaded};
use super::membership::{Membership, MembershipStatus, state_is_member, state_status_on};
use super::organization::Organization;
use super::person::Person;
use super::plan::Answer;
use super::source::Source;

/// A government that is or was a member of the Coalition.
#[derive(Clone)]
pub struct State(pub Loaded<state::Model>);

object! {
/// A government that is or was a member of the Coalition.
impl State {

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
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// ISO 3166-1 alpha-2 code, e.g. `KE`.
    code: &str [filter StringFilter, order Code],
    /// Short English name.
    name: &str [filter StringFilter, order Name],
    /// UN M49 region.
    region: Region [filter RegionFilter, order Region, group Region],
    /// UN M49 subregion, e.g. "Sub-Saharan Africa".
    subregion: &str [filter StringFilter, order Subregion, group Subregion],
}
lists {
    /// The state's periods of membership.
    memberships: Membership = entity::membership::STATE;
    /// The conferences the state hosted or co-hosted; each edge gives its role.
    hosted_conferences: Conference with HostingFields = entity::conference_host::HOSTED;
    /// The periods in which the state chaired the Coalition.
    chairships: Chairship = entity::chairship::STATE;
    /// The commitments the state endorsed; each edge gives the endorsement.
    endorsed_commitments: Commitment with EndorsementFields = entity::endorsement::ENDORSED;
    /// The fundings the state contributed to.
    fundings: Funding = entity::funding_funder::FUNDED_BY_STATE;
    /// The organizations based in the state.
    organizations: Organization = entity::organization::STATE;
    /// The people the sources name holding an office of this state; each edge gives the
    /// conference, their role there and the office.
    people: Person with ParticipationFields = entity::person_role::OFFICE_HOLDERS;
}
cited State;

record state, "states", by [Name Asc] "Sort keys, in order; by name when left out.";
filter {
    /// Only states that were certainly members on this day.
    member_on: Date = Custom(|table, day: &Date| super::membership::state_is_member_at(table, day.0, false)),
}
}

object! {
/// Root fields for states.
query StateQuery {
    /// The state with this ISO 3166-1 alpha-2 code (case-insensitive), or null.
    async fn state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-2 code, e.g. `KE`.")] code: String,
    ) -> ApiResult<Answer<Option<State>>> {
        let select =
            state::Entity::find().filter(state::Column::Code.eq(code.trim().to_ascii_uppercase()));
        super::plan::one(ctx, select).await
    }
}
roots {
    /// States, by name. With `memberOn`, only the states that were certainly members that day
    /// (add `includeUncertain` for those the sources leave undecided).
    states(
        #[graphql(desc = "Only states that were members on this day.")] member_on: Option<Date>,
        #[graphql(
            desc = "With `memberOn`, also states whose membership that day is uncertain.",
            default = false
        )]
        include_uncertain: bool,
        #[graphql(desc = "Only states of this UN M49 region.")] region: Option<Region>,
        #[graphql(desc = "Only founding members (true) or only later members (false).")]
        founding: Option<bool>,
    ) -> State = |_| {
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
    select
    };
}
}
