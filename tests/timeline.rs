//! Timelines: every point of `membershipTimeline` agrees with `memberCount(on:)` and the
//! snapshot of its day (members, uncertain members, and both by region), its joins and
//! departures with the memberships' dates as listed, and `conferenceTimeline` with the
//! conferences' aggregate and their hosts as listed; on the real dataset and on synthetic
//! data beside it, on both databases, in a few SQL statements whatever the length.

mod common;

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde_json::{Value, json};

const TIMELINE: &str = r#"query ($from: Date!, $to: Date!, $interval: TimelineInterval!) {
  coalition {
    membershipTimeline(from: $from, to: $to, interval: $interval, byRegion: true) {
      date members uncertain
      joined { atLeast atMost }
      left { atLeast atMost }
      regions { region members uncertain }
    }
  }
}"#;

/// What the existing fields say of one day.
const DAY: &str = r#"coalition {
    memberCount(on: "DAY")
    snapshot(on: "DAY") {
      memberCount uncertainMemberCount
      members { aggregate { groupBy(keys: [REGION]) { region count } } }
      uncertainMembers { aggregate { groupBy(keys: [REGION]) { region count } } }
    }
  }"#;

/// A membership's dates as listed: (joined earliest, latest; left earliest, latest, and
/// whether it has a leaving date).
struct Dates {
    joined: (Option<String>, Option<String>),
    left: Option<(Option<String>, Option<String>)>,
}

fn bound(interval: &Value, end: &str) -> Option<String> {
    interval[end].as_str().map(str::to_owned)
}

/// Every membership's dates, page by page.
async fn memberships(app: &common::TestApp) -> Vec<Dates> {
    let mut found = Vec::new();
    let mut after = Value::Null;
    loop {
        let answer = app
            .query_with(
                "query ($after: String) { memberships(first: 100, after: $after) {
                   pageInfo { hasNextPage endCursor }
                   nodes { joined { earliest latest } left { earliest latest } } } }",
                json!({ "after": after }),
            )
            .await;
        let page = &answer.data()["memberships"];
        for m in page["nodes"].as_array().expect("memberships") {
            found.push(Dates {
                joined: (
                    bound(&m["joined"], "earliest"),
                    bound(&m["joined"], "latest"),
                ),
                left: (!m["left"].is_null())
                    .then(|| (bound(&m["left"], "earliest"), bound(&m["left"], "latest"))),
            });
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return found;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// How many of `dates` certainly and possibly fall after `start` up to `end` (days as
/// `YYYY-MM-DD`, which sort as the days do).
fn in_step<'a>(
    dates: impl Iterator<Item = &'a (Option<String>, Option<String>)>,
    start: &str,
    end: &str,
) -> (u64, u64) {
    let (mut certain, mut possible) = (0, 0);
    for (earliest, latest) in dates {
        let (earliest, latest) = (earliest.as_deref(), latest.as_deref());
        if earliest.is_some_and(|e| e > start) && latest.is_some_and(|l| l <= end) {
            certain += 1;
        }
        if earliest.is_none_or(|e| e <= end) && latest.is_none_or(|l| l > start) {
            possible += 1;
        }
    }
    (certain, possible)
}

/// Counts by region from a `groupBy(keys: [REGION])`, and the same from a point's regions.
fn by_region(groups: &Value, count: &str) -> BTreeMap<String, u64> {
    groups
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let region = g["region"].as_str().expect("a region").to_owned();
            (region, g[count].as_u64().expect("a count"))
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Checks every point of the timeline from `from` to `to` against the day's own counts and
/// the memberships' dates; `before` is the day one interval before `from`. Returns the
/// points checked and the SQL statements the timeline ran.
async fn check(
    app: &common::TestApp,
    from: &str,
    to: &str,
    interval: &str,
    before: &str,
) -> (usize, u64) {
    let answer = app
        .query_with(
            TIMELINE,
            json!({ "from": from, "to": to, "interval": interval }),
        )
        .await;
    let statements = answer.sql_statements();
    let points = answer.data()["coalition"]["membershipTimeline"]
        .as_array()
        .expect("points")
        .clone();
    assert!(!points.is_empty());
    assert_eq!(points[0]["date"], from);
    let dates = memberships(app).await;

    for chunk in points.chunks(20) {
        let fields: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let day = p["date"].as_str().expect("a date");
                format!("p{i}: {}", DAY.replace("DAY", day))
            })
            .collect();
        let days = app.query(&format!("{{ {} }}", fields.join("\n"))).await;
        for (i, point) in chunk.iter().enumerate() {
            let day = &days.data()[format!("p{i}")];
            let snapshot = &day["snapshot"];
            let date = &point["date"];
            assert_eq!(point["members"], day["memberCount"], "members on {date}");
            assert_eq!(
                point["members"], snapshot["memberCount"],
                "members on {date}"
            );
            assert_eq!(
                point["uncertain"], snapshot["uncertainMemberCount"],
                "uncertain on {date}"
            );
            let regions = &point["regions"];
            assert_eq!(regions.as_array().map(Vec::len), Some(5), "every region");
            assert_eq!(
                by_region(regions, "members"),
                by_region(&snapshot["members"]["aggregate"]["groupBy"], "count"),
                "members by region on {date}"
            );
            assert_eq!(
                by_region(regions, "uncertain"),
                by_region(
                    &snapshot["uncertainMembers"]["aggregate"]["groupBy"],
                    "count"
                ),
                "uncertain members by region on {date}"
            );
        }
    }

    let mut start = before.to_owned();
    for point in &points {
        let end = point["date"].as_str().expect("a date").to_owned();
        let joined = in_step(dates.iter().map(|d| &d.joined), &start, &end);
        let left = in_step(dates.iter().filter_map(|d| d.left.as_ref()), &start, &end);
        let range = |r: &Value| (r["atLeast"].as_u64(), r["atMost"].as_u64());
        assert_eq!(
            range(&point["joined"]),
            (Some(joined.0), Some(joined.1)),
            "joined after {start} up to {end}"
        );
        assert_eq!(
            range(&point["left"]),
            (Some(left.0), Some(left.1)),
            "left after {start} up to {end}"
        );
        start = end;
    }
    (points.len(), statements)
}

/// The ranges checked: every year end and year start from 2011 to 2026, a stretch of month
/// ends and one of quarters, and the days around the fact sheet.
const RANGES: [(&str, &str, &str, &str); 5] = [
    ("2011-01-01", "2026-12-31", "YEAR", "2010-01-01"),
    ("2011-12-31", "2026-12-31", "YEAR", "2010-12-31"),
    ("2013-10-31", "2016-09-30", "MONTH", "2013-09-30"),
    ("2019-01-01", "2024-12-31", "QUARTER", "2018-10-01"),
    ("2014-01-10", "2014-01-20", "DAY", "2014-01-09"),
];

async fn check_ranges(app: &common::TestApp) -> usize {
    let mut checked = 0;
    let mut statements = Vec::new();
    for (from, to, interval, before) in RANGES {
        let (points, ran) = check(app, from, to, interval, before).await;
        checked += points;
        statements.push(ran);
    }
    // The coalition, the memberships and the states' regions: the same however many points.
    assert_eq!(statements, [3; RANGES.len()], "statements per timeline");
    checked
}

on_both_backends!(each_point_agrees_with_the_counts_of_its_day, |app| {
    assert_eq!(check_ranges(&app).await, 16 + 16 + 36 + 24 + 11);
});

on_both_backends!(each_point_agrees_on_synthetic_data_too, |app| {
    // Loose dates of every precision, departures dated to a year, on many more states.
    foc_graph::generate::generate(
        &app.db,
        foc_graph::generate::GenerateOptions {
            states: 300,
            seed: 11,
        },
        &foc_graph::progress::Silent,
    )
    .await
    .expect("generate synthetic data");
    check_ranges(&app).await;
});

on_both_backends!(the_members_per_year_as_the_readme_shows_them, |app| {
    let answer = app
        .query(
            r#"{ coalition { membershipTimeline(from: "2011-12-31", to: "2026-12-31") {
                   date members uncertain joined { atLeast atMost } left { atLeast atMost } } } }"#,
        )
        .await;
    let points = &answer.data()["coalition"]["membershipTimeline"];
    let line = |i: usize| {
        let p = &points[i];
        (
            p["date"].as_str().map(str::to_owned),
            p["members"].as_u64(),
            p["uncertain"].as_u64(),
            p["joined"]["atLeast"].as_u64(),
            p["joined"]["atMost"].as_u64(),
            p["left"]["atLeast"].as_u64(),
        )
    };
    let year = |day: &str, members, uncertain, least, most, left| {
        (
            Some(day.to_owned()),
            Some(members),
            Some(uncertain),
            Some(least),
            Some(most),
            Some(left),
        )
    };
    assert_eq!(points.as_array().map(Vec::len), Some(16));
    assert_eq!(line(0), year("2011-12-31", 15, 0, 15, 15, 0));
    assert_eq!(line(3), year("2014-12-31", 24, 0, 3, 3, 0));
    // Switzerland joined in November 2019; Denmark, the 32nd, between then and August 2021.
    assert_eq!(line(8), year("2019-12-31", 31, 1, 1, 2, 0));
    // The United States left on 2026-02-10.
    assert_eq!(line(15), year("2026-12-31", 36, 0, 0, 0, 1));
});

on_both_backends!(a_long_or_backward_series_is_refused, |app| {
    let answer = app
        .query(r#"{ coalition { membershipTimeline(from: "2011-01-01", to: "2026-12-31", interval: DAY) { date } } }"#)
        .await;
    let error = &answer.body["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "LIMIT_EXCEEDED",
        "{}",
        answer.body
    );
    assert_eq!(error["extensions"]["limit"], "timeline points");
    assert_eq!(error["extensions"]["value"], 5844);
    assert_eq!(error["extensions"]["max"], 1000);

    let answer = app
        .query(r#"{ coalition { membershipTimeline(from: "2014-01-02", to: "2014-01-01") { date } } }"#)
        .await;
    let error = &answer.body["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "BAD_USER_INPUT",
        "{}",
        answer.body
    );
    assert_eq!(error["extensions"]["field"], "to");

    let answer = app
        .query("{ coalition { conferenceTimeline(from: 1, to: 2026) { year } } }")
        .await;
    assert_eq!(
        answer.body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{}",
        answer.body
    );
});

/// The conference timeline of `arguments`, as (year, conferences, without host, and by
/// region: conferences and hosts).
type Years = Vec<(i64, u64, u64, BTreeMap<String, (u64, u64)>)>;

fn years(timeline: &Value) -> Years {
    timeline
        .as_array()
        .expect("years")
        .iter()
        .map(|y| {
            let regions = y["hostRegions"]
                .as_array()
                .expect("regions")
                .iter()
                .filter(|r| r["conferences"] != 0 || r["hosts"] != 0)
                .map(|r| {
                    let count = |f: &str| r[f].as_u64().expect("a count");
                    let region = r["region"].as_str().expect("a region").to_owned();
                    (region, (count("conferences"), count("hosts")))
                })
                .collect();
            let count = |f: &str| y[f].as_u64().expect("a count");
            let year = y["year"].as_i64().expect("a year");
            (year, count("conferences"), count("withoutHost"), regions)
        })
        .collect()
}

/// A year's meetings as listed: how many, how many without a host, and by region the
/// meetings hosted there and the codes of their hosts.
type ListedYear = (u64, u64, BTreeMap<String, (u64, Vec<String>)>);

on_both_backends!(the_conference_timeline_agrees_with_the_conferences, |app| {
    let listed = app
        .query(
            "{ conferences(first: 100) { nodes { startDate kind hosts { nodes { code region } } } }
               all: conferences { aggregate { groupBy(keys: [YEAR, HOST_REGION]) { year hostRegion count } } } }",
        )
        .await;
    let conferences = listed.data()["conferences"]["nodes"]
        .as_array()
        .expect("conferences")
        .clone();
    for (arguments, kind, from, to) in [
        ("", None, None, None),
        (
            "(kind: FREEDOM_ONLINE_CONFERENCE)",
            Some("FREEDOM_ONLINE_CONFERENCE"),
            None,
            None,
        ),
        ("(from: 2009, to: 2030)", None, Some(2009), Some(2030)),
    ] {
        let answer = app
            .query(&format!(
                "{{ coalition {{ conferenceTimeline{arguments} {{ year conferences withoutHost hostRegions {{ region conferences hosts }} }} }} }}"
            ))
            .await;
        let found = years(&answer.data()["coalition"]["conferenceTimeline"]);
        // The same figures from the conferences as listed.
        let mut expected: BTreeMap<i64, ListedYear> = BTreeMap::new();
        for c in &conferences {
            let Some(start) = c["startDate"].as_str() else {
                continue;
            };
            if kind.is_some_and(|k| c["kind"] != k) {
                continue;
            }
            let entry = expected
                .entry(start[..4].parse().expect("a year"))
                .or_default();
            entry.0 += 1;
            let hosts = c["hosts"]["nodes"].as_array().expect("hosts");
            if hosts.is_empty() {
                entry.1 += 1;
            }
            let mut regions: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for h in hosts {
                let region = h["region"].as_str().expect("a region");
                regions
                    .entry(region)
                    .or_default()
                    .push(h["code"].as_str().expect("a code").to_owned());
            }
            for (region, codes) in regions {
                let (count, states) = entry.2.entry(region.to_owned()).or_default();
                *count += 1;
                states.extend(codes);
            }
        }
        let first = from
            .or_else(|| expected.keys().next().copied())
            .expect("a first year");
        let last = to
            .or_else(|| expected.keys().last().copied())
            .expect("a last year");
        let expected: Years = (first..=last)
            .map(|year| {
                let (n, without, regions) = expected.remove(&year).unwrap_or_default();
                let regions = regions
                    .into_iter()
                    .map(|(region, (count, mut states))| {
                        states.sort();
                        states.dedup();
                        (region, (count, states.len() as u64))
                    })
                    .collect();
                (year, n, without, regions)
            })
            .collect();
        assert_eq!(found, expected, "{arguments}");
    }

    // Conferences per year and host region, as the aggregate groups them.
    let answer = app
        .query("{ coalition { conferenceTimeline { year hostRegions { region conferences } } } }")
        .await;
    let mut from_timeline = BTreeMap::new();
    for y in answer.data()["coalition"]["conferenceTimeline"]
        .as_array()
        .expect("years")
    {
        for r in y["hostRegions"].as_array().expect("regions") {
            if r["conferences"] != 0 {
                from_timeline.insert(
                    (y["year"].as_i64(), r["region"].as_str().map(str::to_owned)),
                    r["conferences"].as_u64(),
                );
            }
        }
    }
    let grouped: BTreeMap<_, _> = listed.data()["all"]["aggregate"]["groupBy"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| !g["hostRegion"].is_null() && !g["year"].is_null())
        .map(|g| {
            (
                (
                    g["year"].as_i64(),
                    g["hostRegion"].as_str().map(str::to_owned),
                ),
                g["count"].as_u64(),
            )
        })
        .collect();
    assert_eq!(from_timeline, grouped);
    assert!(from_timeline.len() >= 9, "{from_timeline:?}");
});

#[test]
fn the_days_before_the_ranges_are_one_interval_back() {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day");
    for (from, _, interval, before) in RANGES {
        let months = match interval {
            "YEAR" => 12,
            "QUARTER" => 3,
            "MONTH" => 1,
            _ => 0,
        };
        let expected = if months == 0 {
            day(from).pred_opt()
        } else {
            day(from).checked_sub_months(Months::new(months))
        };
        assert_eq!(expected, Some(day(before)), "{from} {interval}");
    }
}
