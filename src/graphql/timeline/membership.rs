//! The membership timeline: at each point of a series of days, the states certainly and
//! possibly members, and the joins and departures since the point before.
//!
//! Every membership is loaded once and judged by the membership rule
//! ([`Period::status_on`], the rule `memberOn` applies in SQL) at the points where its
//! status can change: where a day stops being certainly before the joining or leaving date,
//! and where it becomes certainly after it. Between two such points the rule gives the same
//! answer, so a state costs a few judgements however long the series is.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use async_graphql::SimpleObject;
use chrono::NaiveDate;
use entity::enums::Region;
use entity::{membership, state};
use sea_orm::{EntityTrait, Iterable, QuerySelect};

use super::{CountRange, Tally, TimelineInterval, points};
use crate::dates::Relation;
use crate::graphql::dates::Date;
use crate::graphql::error::{ApiResult, OrGraphql};
use crate::graphql::list::Db;
use crate::graphql::membership::{MembershipStatus, Period, best_status};

/// The Coalition's membership on one day of a timeline, and how it changed during the step
/// that ends that day.
#[derive(SimpleObject, Clone, Debug)]
pub struct MembershipPoint {
    /// The day.
    pub date: Date,
    /// How many states were certainly members that day, as `memberCount(on:)` counts them.
    pub members: u64,
    /// How many more states may have been members that day, as the snapshot's
    /// `uncertainMemberCount` counts them.
    pub uncertain: u64,
    /// How many states joined during the step: after the point before (for the first
    /// point, one interval before it) up to this day.
    pub joined: CountRange,
    /// How many states left during the step.
    pub left: CountRange,
    /// The same day's members by the states' UN M49 regions, every region listed; null
    /// unless asked for with `byRegion`.
    pub regions: Option<Vec<RegionMembers>>,
}

/// The members of one region on a day.
#[derive(SimpleObject, Clone, Debug)]
pub struct RegionMembers {
    /// The UN M49 region.
    pub region: Region,
    /// How many of its states were certainly members.
    pub members: u64,
    /// How many more of its states may have been members.
    pub uncertain: u64,
}

/// The membership timeline from `from` to `to`; see [`MembershipPoint`].
pub async fn timeline(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    interval: TimelineInterval,
    by_region: bool,
) -> ApiResult<Vec<MembershipPoint>> {
    let days = points(from, to, interval)?;
    let memberships = membership::Entity::find().all(&db.conn).await.or_gql()?;
    let regions: HashMap<i32, Region> = if by_region {
        state::Entity::find()
            .select_only()
            .column(state::Column::Id)
            .column(state::Column::Region)
            .into_tuple::<(i32, Region)>()
            .all(&db.conn)
            .await
            .or_gql()?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let mut by_state: BTreeMap<i32, Vec<Period>> = BTreeMap::new();
    for m in &memberships {
        by_state.entry(m.state_id).or_default().push(Period::of(m));
    }

    // Members, then uncertain members: in all, and by region.
    let n = days.len();
    let mut totals = [(); 2].map(|()| Tally::new(n));
    let mut in_regions: BTreeMap<Region, [Tally; 2]> = Region::iter()
        .map(|region| (region, [(); 2].map(|()| Tally::new(n))))
        .collect();
    for (state_id, periods) in &by_state {
        let region = regions.get(state_id).copied();
        for (range, status) in statuses(periods, &days) {
            let which = match status {
                MembershipStatus::Member => 0,
                MembershipStatus::Uncertain => 1,
                MembershipStatus::NotMember => continue,
            };
            totals[which].add(range.clone());
            if let Some(tallies) = region.and_then(|r| in_regions.get_mut(&r)) {
                tallies[which].add(range);
            }
        }
    }

    // Step i runs from the day after bounds[i] to bounds[i + 1], which is point i.
    let bounds: Vec<NaiveDate> = std::iter::once(interval.before(from))
        .chain(days.iter().copied())
        .collect();
    let mut events = [(); 4].map(|()| Tally::new(n));
    for period in by_state.values().flatten() {
        let (certain, possible) = steps_of(|day| period.relations_on(day).0, &bounds);
        events[0].add(certain);
        events[1].add(possible);
        if period.left.is_some() {
            let left = |day| period.relations_on(day).1.unwrap_or(Relation::Unknown);
            let (certain, possible) = steps_of(left, &bounds);
            events[2].add(certain);
            events[3].add(possible);
        }
    }

    let [joined_least, joined_most, left_least, left_most] = events.map(|t| t.counts());
    let [members, uncertain] = totals.map(|t| t.counts());
    let region_counts: Vec<(Region, [Vec<u64>; 2])> = in_regions
        .into_iter()
        .map(|(region, tallies)| (region, tallies.map(|t| t.counts())))
        .collect();
    Ok(days
        .iter()
        .enumerate()
        .map(|(i, day)| MembershipPoint {
            date: Date(*day),
            members: members[i],
            uncertain: uncertain[i],
            joined: CountRange {
                at_least: joined_least[i],
                at_most: joined_most[i],
            },
            left: CountRange {
                at_least: left_least[i],
                at_most: left_most[i],
            },
            regions: by_region.then(|| {
                region_counts
                    .iter()
                    .map(|(region, [m, u])| RegionMembers {
                        region: *region,
                        members: m[i],
                        uncertain: u[i],
                    })
                    .collect()
            }),
        })
        .collect())
}

/// A state's status over the points `days` (in order), as ranges of points with one status
/// each. A membership's status changes only where a day's place relative to its joining or
/// leaving date does, and that place only moves forward as the days do (certainly before
/// the date, then unknown, then certainly on or after it): so the points where it changes
/// are found by bisection, and the rule is asked once per range.
fn statuses(periods: &[Period], days: &[NaiveDate]) -> Vec<(Range<usize>, MembershipStatus)> {
    let mut cuts = vec![0, days.len()];
    for period in periods {
        let joined = |day| period.relations_on(day).0;
        let left = |day| period.relations_on(day).1.unwrap_or(Relation::Unknown);
        for relation in [&joined as &dyn Fn(NaiveDate) -> Relation, &left] {
            cuts.push(days.partition_point(|day| relation(*day) == Relation::After));
            cuts.push(days.partition_point(|day| relation(*day) != Relation::OnOrBefore));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let day = days[w[0]];
            let status = best_status(periods.iter().map(|p| p.status_on(day)));
            (w[0]..w[1], status)
        })
        .collect()
}

/// The steps a date certainly and possibly falls in, given where each day lies relative to
/// it; step i holds the days after `bounds[i]` up to `bounds[i + 1]`. It certainly falls in
/// a step when it is certainly after the step's start and certainly on or before its end;
/// possibly, when neither is certainly not so.
fn steps_of(
    relation: impl Fn(NaiveDate) -> Relation,
    bounds: &[NaiveDate],
) -> (Range<usize>, Range<usize>) {
    let steps = bounds.len().saturating_sub(1);
    // Bounds before `after` are certainly before the date; from `on_or_before` on, the date
    // is certainly on or before them.
    let after = bounds.partition_point(|day| relation(*day) == Relation::After);
    let on_or_before = bounds.partition_point(|day| relation(*day) != Relation::OnOrBefore);
    let certain = on_or_before.saturating_sub(1)..after.min(steps);
    let possible = after.saturating_sub(1)..on_or_before.min(steps);
    (certain, possible)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::UncertainDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    /// A date interval from its bounds; none for an open end.
    fn between(earliest: Option<&str>, latest: Option<&str>) -> UncertainDate {
        UncertainDate {
            earliest: earliest.map(d),
            latest: latest.map(d),
            ..UncertainDate::default()
        }
    }

    /// Every kind of date a membership can have: exact, to a month or year, open at either
    /// end, absent.
    fn dates() -> Vec<Option<UncertainDate>> {
        let mut dates = vec![None];
        for stated in ["2012-09-07", "2013-02", "2014", "2011-12-31", "2015-01-01"] {
            dates.push(UncertainDate::from_stated(stated).ok());
        }
        dates.push(Some(between(Some("2013-06-01"), None)));
        dates.push(Some(between(None, Some("2014-03-31"))));
        dates.push(Some(between(None, None)));
        dates
    }

    #[test]
    fn ranges_of_points_agree_with_the_rule_at_every_point() {
        let days: Vec<NaiveDate> =
            points(d("2011-01-01"), d("2016-12-31"), TimelineInterval::Month).expect("a series");
        let periods: Vec<Period> = dates()
            .into_iter()
            .flat_map(|joined| {
                dates().into_iter().map(move |left| Period {
                    joined: joined.clone(),
                    left,
                })
            })
            .collect();
        // One membership, and two of one state (in every pairing of a few).
        let mut states: Vec<Vec<Period>> = periods.iter().map(|p| vec![p.clone()]).collect();
        for a in periods.iter().step_by(7) {
            for b in periods.iter().step_by(5) {
                states.push(vec![a.clone(), b.clone()]);
            }
        }
        for state in &states {
            let mut seen = 0;
            for (range, status) in statuses(state, &days) {
                assert_eq!(range.start, seen);
                seen = range.end;
                for day in &days[range] {
                    let expected = best_status(state.iter().map(|p| p.status_on(*day)));
                    assert_eq!(status, expected, "{state:?} on {day}");
                }
            }
            assert_eq!(seen, days.len());
        }
    }

    #[test]
    fn steps_hold_the_dates_certainly_and_possibly_in_them() {
        let bounds: Vec<NaiveDate> =
            points(d("2010-01-01"), d("2016-01-01"), TimelineInterval::Quarter).expect("a series");
        for date in dates() {
            let relation = |day: NaiveDate| {
                date.as_ref()
                    .map_or(Relation::Unknown, |x| x.relation_to(day))
            };
            let (certain, possible) = steps_of(relation, &bounds);
            for step in 0..bounds.len() - 1 {
                let (start, end) = (relation(bounds[step]), relation(bounds[step + 1]));
                assert_eq!(
                    certain.contains(&step),
                    start == Relation::After && end == Relation::OnOrBefore,
                    "{date:?} in step {step}"
                );
                assert_eq!(
                    possible.contains(&step),
                    start != Relation::OnOrBefore && end != Relation::After,
                    "{date:?} in step {step}"
                );
            }
        }
    }
}
