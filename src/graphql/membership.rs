//! Memberships: when each state joined and left, and whether it was a member on a date.

pub mod curation;

use async_graphql::{Enum, ID};
use chrono::NaiveDate;
use entity::membership;
use sea_orm::sea_query::{Alias, ExprTrait, Query};
use sea_orm::{Condition, EntityTrait};

use super::filter::{Custom, column};

use super::dates::{Date, read_date};
use super::fields::object;
use super::list::KeySql;
use super::list::Loaded;
use super::source::Source;
use super::state::State;
use crate::dates::{Relation, UncertainDate};

/// Whether a state was a member on a given day, as far as the sources tell.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MembershipStatus {
    /// The sources show it was not a member that day.
    NotMember,
    /// The sources do not decide: the day falls inside an uncertain joining or leaving date.
    Uncertain,
    /// The sources show it was a member that day.
    Member,
}

/// The status one membership gives on `day` (see [`Period::status_on`]).
pub fn status_on(m: &membership::Model, day: NaiveDate) -> MembershipStatus {
    Period::of(m).status_on(day)
}

/// The best status among a state's memberships.
pub fn state_status_on(
    memberships: &[Loaded<membership::Model>],
    day: NaiveDate,
) -> MembershipStatus {
    best_status(memberships.iter().map(|m| status_on(m, day)))
}

/// A state's status from its memberships' statuses: the best of them; not a member without
/// any.
pub fn best_status(statuses: impl Iterator<Item = MembershipStatus>) -> MembershipStatus {
    statuses.max().unwrap_or(MembershipStatus::NotMember)
}

/// A membership's joining and leaving dates, read once to be asked about many days.
#[derive(Clone, Debug)]
pub struct Period {
    /// When the state joined; none when no source bounds it.
    pub joined: Option<UncertainDate>,
    /// When it left; none while it is a member.
    pub left: Option<UncertainDate>,
}

impl Period {
    /// The dates of a membership row.
    pub fn of(m: &membership::Model) -> Self {
        Self {
            joined: read_date(m, "joined"),
            left: read_date(m, "left"),
        }
    }

    /// Where `day` lies relative to the joining date and, if there is one, the leaving date.
    /// A joining date no source bounds could be any day.
    pub fn relations_on(&self, day: NaiveDate) -> (Relation, Option<Relation>) {
        (
            self.joined
                .as_ref()
                .map_or(Relation::Unknown, |d| d.relation_to(day)),
            self.left.as_ref().map(|d| d.relation_to(day)),
        )
    }

    /// The membership rule: the status the membership gives on `day`, from where the day
    /// lies relative to its dates. A leaving date is the first day out.
    pub fn status_on(&self, day: NaiveDate) -> MembershipStatus {
        match self.relations_on(day) {
            (Relation::After, _) | (_, Some(Relation::OnOrBefore)) => MembershipStatus::NotMember,
            (Relation::OnOrBefore, None | Some(Relation::After)) => MembershipStatus::Member,
            _ => MembershipStatus::Uncertain,
        }
    }
}

/// The same rule as [`status_on`] in SQL, on the membership row of `table`: certainly in
/// force on `day`, or, with `include_uncertain`, possibly in force.
pub fn in_force_on_at(table: &Alias, day: NaiveDate, include_uncertain: bool) -> Condition {
    let col = |name: &str| column(table, name);
    if include_uncertain {
        Condition::all()
            .add(
                Condition::any()
                    .add(col("joined_earliest").is_null())
                    .add(col("joined_earliest").lte(day)),
            )
            .add(
                Condition::any()
                    .add(col("left_latest").is_null())
                    .add(col("left_latest").gt(day)),
            )
    } else {
        // Every comparison is guarded by IS NOT NULL, so the condition is true or false,
        // never unknown, and stays exact under `not`, `every` and `none`.
        Condition::all()
            .add(col("joined_latest").is_not_null())
            .add(col("joined_latest").lte(day))
            .add(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(col("left_earliest").is_null())
                            .add(col("left_latest").is_null()),
                    )
                    .add(
                        Condition::all()
                            .add(col("left_earliest").is_not_null())
                            .add(col("left_earliest").gt(day)),
                    ),
            )
    }
}

/// The condition "the state's id is among the states with a membership in force on `day`".
pub fn state_is_member(day: NaiveDate, include_uncertain: bool) -> Condition {
    state_is_member_at(&Alias::new("states"), day, include_uncertain)
}

/// The same, on the state row of `table`.
pub fn state_is_member_at(table: &Alias, day: NaiveDate, include_uncertain: bool) -> Condition {
    let members = Query::select()
        .column(membership::Column::StateId)
        .from(membership::Entity)
        .cond_where(in_force_on_at(
            &Alias::new("memberships"),
            day,
            include_uncertain,
        ))
        .to_owned();
    Condition::all().add(column(table, "id").in_subquery(members))
}

/// A state's period in the Coalition.
#[derive(Clone)]
pub struct Membership(pub Loaded<membership::Model>);

object! {
/// A state's period in the Coalition: when it joined and, if it did, when it left.
impl Membership {

    /// Whether this membership was in force on a day.
    async fn status(
        &self,
        #[graphql(desc = "The day to ask about.")] on: Date,
    ) -> MembershipStatus {
        status_on(&self.0.model, on.0)
    }
}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Whether the state founded the Coalition (endorsed the founding declaration at The
    /// Hague, December 2011).
    founding: bool [filter BooleanFilter, group Founding],
    /// Its place in the order of joining ("31st member"), where a source gives one.
    ordinal: Option<i32> [filter IntFilter, order Ordinal],
    /// What the sources add, including disagreements between them.
    note: Option<&str>,
}
dates {
    /// When the state joined, as an interval with the precision the source gave.
    joined [
        filter joined_earliest joined_latest,
        order Joined,
        group JoinYear join_year,
        earliest earliest_joined,
        latest latest_joined
    ],
    /// When the state left; null while it is a member.
    left [filter left_earliest left_latest, order Left],
}
parents {
    /// The member state.
    state: State = entity::membership::STATE;
}
cited Membership;

record membership, "memberships",
    by [Joined Asc] "Sort keys, in order; by joining date when left out.";
filter {
    /// Only memberships certainly in force on this day.
    in_force_on: Date = Custom(|table, day: &Date| in_force_on_at(table, day.0, false)),
}
groups {
    /// The member state's UN M49 region.
    Region => region: entity::enums::Region = KeySql::Related(entity::membership::STATE.parent(), "region"),
    /// The member state's UN M49 subregion.
    Subregion => subregion: String = KeySql::Related(entity::membership::STATE.parent(), "subregion"),
    /// The member state's ISO code.
    State => state: String = KeySql::Related(entity::membership::STATE.parent(), "code"),
}
}

object! {
/// Root fields for memberships.
query MembershipQuery;
roots {
    /// Every state's periods of membership, by joining date.
    memberships() -> Membership = |_| membership::Entity::find();
}
}
