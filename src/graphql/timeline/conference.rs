//! The conference timeline: for each year, the meetings that began in it and the regions of
//! their hosts.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_graphql::SimpleObject;
use chrono::{Datelike, NaiveDate};
use entity::enums::{ConferenceKind, Region};
use entity::{conference, conference_host, state};
use sea_orm::{
    ColumnTrait, EntityTrait, Iterable, JoinType, QueryFilter, QuerySelect, RelationTrait,
};

use super::{check_length, check_order, years};
use crate::graphql::error::{ApiResult, OrGraphql};
use crate::graphql::fields::rows_where;
use crate::graphql::list::Db;

/// The meetings that began in one year, and where their hosts came from.
#[derive(SimpleObject, Clone, Debug)]
pub struct ConferenceYear {
    /// The year.
    pub year: i32,
    /// How many meetings began that year.
    pub conferences: u64,
    /// How many of them have no recorded host.
    pub without_host: u64,
    /// Their hosts by UN M49 region, every region listed.
    pub host_regions: Vec<HostRegion>,
}

/// One region's part in a year's meetings.
#[derive(SimpleObject, Clone, Debug)]
pub struct HostRegion {
    /// The UN M49 region.
    pub region: Region,
    /// How many of the year's meetings a state of the region hosted or co-hosted (a meeting
    /// with hosts in two regions counts in both, as `groupBy(keys: [HOST_REGION])` counts it).
    pub conferences: u64,
    /// How many of the region's states hosted or co-hosted a meeting that year, each once.
    pub hosts: u64,
}

/// Each year from `from` to `to` (by default, the first and last years a meeting began in),
/// with its meetings of `kind` (all by default). Meetings with no start date are in no year.
pub async fn timeline(
    db: &Db,
    from: Option<i32>,
    to: Option<i32>,
    kind: Option<ConferenceKind>,
) -> ApiResult<Vec<ConferenceYear>> {
    if let (Some(from), Some(to)) = (from, to) {
        check_order(from, to)?;
    }
    let started: HashMap<i32, i32> = rows_where(conference::Column::Kind, kind)
        .select_only()
        .column(conference::Column::Id)
        .column(conference::Column::StartDate)
        .filter(conference::Column::StartDate.is_not_null())
        .into_tuple::<(i32, NaiveDate)>()
        .all(&db.conn)
        .await
        .or_gql()?
        .into_iter()
        .map(|(id, start)| (id, start.year()))
        .collect();
    let (Some(from), Some(to)) = (
        from.or_else(|| started.values().min().copied()),
        to.or_else(|| started.values().max().copied()),
    ) else {
        return Ok(Vec::new());
    };
    // No year when one end defaults past the other.
    check_length(years(from, to))?;
    let hostings = conference_host::Entity::find()
        .select_only()
        .column(conference_host::Column::ConferenceId)
        .column(conference_host::Column::StateId)
        .column(state::Column::Region)
        .join(JoinType::InnerJoin, conference_host::Relation::State.def())
        .into_tuple::<(i32, i32, Region)>()
        .all(&db.conn)
        .await
        .or_gql()?;

    let mut by_year: BTreeMap<i32, Year> = (from..=to).map(|y| (y, Year::default())).collect();
    for (id, year) in &started {
        if let Some(entry) = by_year.get_mut(year) {
            entry.conferences.insert(*id);
        }
    }
    for (conference_id, state_id, region) in hostings {
        let Some(entry) = started.get(&conference_id).and_then(|y| by_year.get_mut(y)) else {
            continue;
        };
        entry.hosted.insert(conference_id);
        let (conferences, hosts) = entry.regions.entry(region).or_default();
        conferences.insert(conference_id);
        hosts.insert(state_id);
    }
    Ok(by_year
        .into_iter()
        .map(|(year, entry)| ConferenceYear {
            year,
            conferences: entry.conferences.len() as u64,
            without_host: entry.conferences.difference(&entry.hosted).count() as u64,
            host_regions: Region::iter()
                .map(|region| {
                    let (conferences, hosts) =
                        entry.regions.get(&region).cloned().unwrap_or_default();
                    HostRegion {
                        region,
                        conferences: conferences.len() as u64,
                        hosts: hosts.len() as u64,
                    }
                })
                .collect(),
        })
        .collect())
}

/// One year's meetings, hosted meetings, and meetings and host states by region, by id.
#[derive(Default)]
struct Year {
    conferences: BTreeSet<i32>,
    hosted: BTreeSet<i32>,
    regions: BTreeMap<Region, (BTreeSet<i32>, BTreeSet<i32>)>,
}
