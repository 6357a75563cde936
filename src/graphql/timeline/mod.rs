//! The Coalition over time, as dashboards chart it: a series of days from one date to
//! another (`membership`: members, uncertain members, joins and departures at each), and a
//! series of years (`conference`: meetings and their hosts' regions). Each series is
//! computed in memory from rows loaded once, so its cost in SQL does not grow with its
//! length; its length is capped.

pub mod conference;
pub mod membership;

use std::ops::Range;

use async_graphql::{Enum, SimpleObject};
use chrono::{Datelike, Days, Months, NaiveDate};

use super::error::{ApiError, ApiResult, OrGraphql};
use super::limits::count_cost;

/// The most points one series may have.
pub const MAX_POINTS: usize = 1_000;

/// The step between two points of a timeline.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineInterval {
    /// A year: each point falls on the first point's month and day (on 28 February, for a
    /// first point on the 29th, in years without one).
    Year,
    /// Three months, each point falling as for a month.
    Quarter,
    /// A month: each point falls on the first point's day of the month, or on the last day
    /// of a shorter month.
    Month,
    /// A day.
    Day,
}

impl TimelineInterval {
    /// The day `n` steps after `from`, counted from `from` itself so that a month end
    /// shortened in February is not carried into March; none past the calendar's end.
    fn nth(self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        match self.months() {
            Some(months) => from.checked_add_months(Months::new(months.checked_mul(n)?)),
            None => from.checked_add_days(Days::new(n.into())),
        }
    }

    /// The day one step before `from`: where the first point's step begins.
    fn before(self, from: NaiveDate) -> NaiveDate {
        match self.months() {
            Some(months) => from.checked_sub_months(Months::new(months)),
            None => from.pred_opt(),
        }
        .unwrap_or(NaiveDate::MIN)
    }

    /// The months in one step; none for a day.
    fn months(self) -> Option<u32> {
        match self {
            Self::Year => Some(12),
            Self::Quarter => Some(3),
            Self::Month => Some(1),
            Self::Day => None,
        }
    }

    /// How many points lie from `from` to `to`, both included; 0 when `to` is before `from`.
    pub fn count(self, from: NaiveDate, to: NaiveDate) -> usize {
        if to < from {
            return 0;
        }
        let Some(months) = self.months() else {
            return usize::try_from((to - from).num_days()).map_or(usize::MAX, |d| d + 1);
        };
        let apart = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
        // Whole months apart, less one when `to` falls earlier in its month: then step it.
        let mut n = u32::try_from(apart).unwrap_or(0) / months;
        while self.nth(from, n + 1).is_some_and(|day| day <= to) {
            n += 1;
        }
        while n > 0 && self.nth(from, n).is_none_or(|day| day > to) {
            n -= 1;
        }
        n as usize + 1
    }
}

/// The days of a series: `from`, then each interval later, up to `to`. Refused when `to` is
/// before `from` or the series would pass [`MAX_POINTS`].
pub fn points(
    from: NaiveDate,
    to: NaiveDate,
    interval: TimelineInterval,
) -> ApiResult<Vec<NaiveDate>> {
    check_order(from, to)?;
    check_length(interval.count(from, to))?;
    Ok((0..)
        .map_while(|n| interval.nth(from, n))
        .take_while(|day| *day <= to)
        .collect())
}

/// Refuses a series that would end before it begins.
pub fn check_order<T: PartialOrd + std::fmt::Display>(from: T, to: T) -> ApiResult<()> {
    if to < from {
        return Err(ApiError::invalid(
            "to",
            format!("{to} is before `from`, {from}"),
        ))
        .or_gql();
    }
    Ok(())
}

/// Refuses a series longer than [`MAX_POINTS`].
pub fn check_length(points: usize) -> ApiResult<()> {
    if points > MAX_POINTS {
        return Err(ApiError::TooLong {
            limit: "timeline points",
            value: points as u64,
            max: MAX_POINTS as u64,
        })
        .or_gql();
    }
    Ok(())
}

/// The most one point of a series can cost: its own values and, by region, five entries of
/// three. (A list's cost counts what its items select; a field written inside `object!`
/// cannot see that count, and a point selects little and nothing nested deeper, so its
/// most is close enough.)
const POINT_COST: usize = 32;

/// The cost of a series of `points` points, as a list of that many items costs.
pub fn cost(points: usize) -> usize {
    count_cost(points.min(MAX_POINTS + 1), POINT_COST)
}

/// How many years lie from `from` to `to`, both included; 0 when `to` is before `from`.
pub fn years(from: i32, to: i32) -> usize {
    usize::try_from(i64::from(to) - i64::from(from) + 1).unwrap_or(0)
}

/// The most years a series from `from` to `to` can have when an end may be left to the data.
pub fn years_asked(from: Option<i32>, to: Option<i32>) -> usize {
    from.zip(to)
        .map_or(MAX_POINTS, |(from, to)| years(from, to))
}

/// How many of something a step holds, when the sources date some of them too loosely to
/// tell which step they fall in.
#[derive(SimpleObject, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CountRange {
    /// How many certainly fall in the step.
    pub at_least: u64,
    /// How many may fall in it: those that certainly do and those the sources cannot place.
    pub at_most: u64,
}

/// Counts over ranges of a series' points: each range added at once, all summed at the end,
/// so that a row spanning many points costs no more than one at a single point.
pub(crate) struct Tally(Vec<i64>);

impl Tally {
    /// A tally over `points` points.
    pub fn new(points: usize) -> Self {
        Self(vec![0; points + 1])
    }

    /// Counts one at each point of `range`.
    pub fn add(&mut self, range: Range<usize>) {
        if range.start < range.end {
            self.0[range.start] += 1;
            self.0[range.end] -= 1;
        }
    }

    /// The count at each point.
    pub fn counts(&self) -> Vec<u64> {
        let mut total = 0;
        self.0[..self.0.len() - 1]
            .iter()
            .map(|change| {
                total += change;
                total.max(0) as u64
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::day as d;

    #[test]
    fn steps_count_from_the_first_day_and_keep_month_ends() {
        let days = |from, to, interval| -> Vec<String> {
            points(d(from), d(to), interval)
                .expect("a series")
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            days("2012-01-31", "2012-05-30", TimelineInterval::Month),
            ["2012-01-31", "2012-02-29", "2012-03-31", "2012-04-30"]
        );
        assert_eq!(
            days("2012-02-29", "2016-02-29", TimelineInterval::Year),
            [
                "2012-02-29",
                "2013-02-28",
                "2014-02-28",
                "2015-02-28",
                "2016-02-29"
            ]
        );
        assert_eq!(
            days("2011-12-31", "2012-06-30", TimelineInterval::Quarter),
            ["2011-12-31", "2012-03-31", "2012-06-30"]
        );
        assert_eq!(
            days("2014-01-16", "2014-01-16", TimelineInterval::Day),
            ["2014-01-16"]
        );
        assert_eq!(
            TimelineInterval::Year.before(d("2012-02-29")),
            d("2011-02-28")
        );
    }

    #[test]
    fn the_count_is_the_length_of_the_series() {
        let intervals = [
            TimelineInterval::Year,
            TimelineInterval::Quarter,
            TimelineInterval::Month,
            TimelineInterval::Day,
        ];
        let starts = ["2011-01-01", "2011-01-31", "2012-02-29", "2013-08-15"];
        for interval in intervals {
            for from in starts {
                let from = d(from);
                for days in [
                    0, 1, 27, 28, 29, 30, 31, 59, 89, 90, 364, 365, 366, 730, 999,
                ] {
                    let to = from + chrono::TimeDelta::days(days);
                    let series = points(from, to, interval).expect("a series");
                    assert_eq!(
                        interval.count(from, to),
                        series.len(),
                        "{interval:?} {from} {to}"
                    );
                }
            }
        }
        assert_eq!(
            TimelineInterval::Day.count(d("2011-01-02"), d("2011-01-01")),
            0
        );
    }

    #[test]
    fn a_series_too_long_or_backwards_is_refused() {
        assert!(points(d("2011-01-01"), d("2013-12-31"), TimelineInterval::Day).is_err());
        assert_eq!(
            points(d("2011-01-01"), d("2013-09-26"), TimelineInterval::Day)
                .expect("1,000 days")
                .len(),
            MAX_POINTS
        );
        assert!(points(d("2011-01-02"), d("2011-01-01"), TimelineInterval::Year).is_err());
    }

    #[test]
    fn a_tally_counts_each_point_of_each_range() {
        let mut tally = Tally::new(5);
        tally.add(0..5);
        tally.add(1..3);
        tally.add(4..4);
        tally.add(4..5);
        assert_eq!(tally.counts(), [1, 2, 2, 1, 2]);
    }
}
