//! Uncertain dates: a date a source gave to a year, a month or a day, stored as the interval
//! it is known to lie in, and possibly narrowed by facts from other sources.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use entity::enums::Precision;
use sea_orm::{EntityTrait, ModelTrait};

/// A date known to lie between `earliest` and `latest` (both inclusive). An open end means no
/// fact bounds it on that side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UncertainDate {
    /// The date as the source wrote it ("2014-01").
    pub stated: Option<String>,
    /// How precisely the source gave it.
    pub precision: Option<Precision>,
    /// The earliest day it can be.
    pub earliest: Option<NaiveDate>,
    /// The latest day it can be.
    pub latest: Option<NaiveDate>,
    /// Keys of the sources whose facts narrowed the stated interval.
    pub narrowed_by: Vec<String>,
    /// Why the interval is narrower than the stated date.
    pub narrowing_note: Option<String>,
}

/// Where a day lies relative to an uncertain date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The date is certainly on or before the day.
    OnOrBefore,
    /// The date is certainly after the day.
    After,
    /// Either could be true.
    Unknown,
}

impl UncertainDate {
    /// Parses a date as a source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn from_stated(stated: &str) -> Result<Self, String> {
        let (precision, earliest, latest) = parse_interval(stated)?;
        Ok(Self {
            stated: Some(stated.to_owned()),
            precision: Some(precision),
            earliest: Some(earliest),
            latest: Some(latest),
            ..Self::default()
        })
    }

    /// An exact day.
    pub fn day(date: NaiveDate) -> Self {
        Self {
            stated: Some(date.to_string()),
            precision: Some(Precision::Day),
            earliest: Some(date),
            latest: Some(date),
            ..Self::default()
        }
    }

    /// Narrows the interval with bounds that other facts establish. A bound that would empty
    /// the interval is refused, since it contradicts the stated date.
    pub fn narrow(
        mut self,
        not_before: Option<NaiveDate>,
        not_after: Option<NaiveDate>,
    ) -> Result<Self, String> {
        if let Some(bound) = not_before {
            self.earliest = Some(self.earliest.map_or(bound, |e| e.max(bound)));
        }
        if let Some(bound) = not_after {
            self.latest = Some(self.latest.map_or(bound, |l| l.min(bound)));
        }
        if let (Some(e), Some(l)) = (self.earliest, self.latest)
            && e > l
        {
            return Err(format!("the interval {e} to {l} is empty"));
        }
        Ok(self)
    }

    /// Whether this date is certainly on or before `day`, certainly after it, or unknown.
    pub fn relation_to(&self, day: NaiveDate) -> Relation {
        match (self.earliest, self.latest) {
            (_, Some(latest)) if latest <= day => Relation::OnOrBefore,
            (Some(earliest), _) if earliest > day => Relation::After,
            _ => Relation::Unknown,
        }
    }
}

/// The interval a stated date covers and its precision.
pub fn parse_interval(stated: &str) -> Result<(Precision, NaiveDate, NaiveDate), String> {
    let invalid = || format!("`{stated}` is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)");
    let parts: Vec<&str> = stated.split('-').collect();
    let number = |s: &str| s.parse::<u32>().map_err(|_| invalid());
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let year = number(y)? as i32;
            let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(invalid)?;
            let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(invalid)?;
            Ok((Precision::Year, first, last))
        }
        [y, m] if y.len() == 4 && m.len() == 2 => {
            let first =
                NaiveDate::from_ymd_opt(number(y)? as i32, number(m)?, 1).ok_or_else(invalid)?;
            Ok((Precision::Month, first, last_of_month(first)))
        }
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            let day = NaiveDate::parse_from_str(stated, "%Y-%m-%d").map_err(|_| invalid())?;
            Ok((Precision::Day, day, day))
        }
        _ => Err(invalid()),
    }
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(first)
}

/// Reads the six columns of an uncertain date (`<prefix>_stated`, ...) from any row; `None`
/// when the row has no such date.
pub fn read_date<M: ModelTrait>(model: &M, prefix: &str) -> Option<UncertainDate> {
    let date = read_columns(model, prefix);
    (date.stated.is_some() || date.earliest.is_some() || date.latest.is_some()).then_some(date)
}

/// The six columns of an uncertain date (`<prefix>_stated`, ...) of any row, as they are.
pub fn read_columns<M: ModelTrait>(model: &M, prefix: &str) -> UncertainDate {
    let get = |suffix: &str| {
        <<M::Entity as EntityTrait>::Column as FromStr>::from_str(&format!("{prefix}_{suffix}"))
            .ok()
            .map(|c| model.get(c))
    };
    let text = |suffix: &str| match get(suffix) {
        Some(sea_orm::Value::String(Some(s))) => Some(s),
        _ => None,
    };
    let day = |suffix: &str| match get(suffix) {
        Some(sea_orm::Value::ChronoDate(Some(d))) => Some(d),
        _ => None,
    };
    UncertainDate {
        stated: text("stated"),
        precision: text("precision").and_then(|p| match p.as_str() {
            "year" => Some(Precision::Year),
            "month" => Some(Precision::Month),
            "day" => Some(Precision::Day),
            _ => None,
        }),
        earliest: day("earliest"),
        latest: day("latest"),
        narrowed_by: text("narrowed_by")
            .map(|s| {
                s.split(',')
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        narrowing_note: text("narrowing_note"),
    }
}

/// Writes the six columns of an uncertain date (`<prefix>_stated`, ...) on any active
/// model; `None` clears them.
pub fn write_date<A: sea_orm::ActiveModelTrait>(
    am: &mut A,
    prefix: &str,
    date: Option<UncertainDate>,
) {
    let date = date.unwrap_or_default();
    let narrowed = (!date.narrowed_by.is_empty()).then(|| date.narrowed_by.join(","));
    let values: [(&str, sea_orm::Value); 6] = [
        ("stated", date.stated.into()),
        (
            "precision",
            date.precision.map(|p| p.as_str().to_owned()).into(),
        ),
        ("earliest", date.earliest.into()),
        ("latest", date.latest.into()),
        ("narrowed_by", narrowed.into()),
        ("narrowing_note", date.narrowing_note.into()),
    ];
    for (suffix, value) in values {
        if let Ok(column) =
            <<A::Entity as EntityTrait>::Column as FromStr>::from_str(&format!("{prefix}_{suffix}"))
        {
            // Every such column is nullable text or date, so setting cannot fail.
            let _ = am.try_set(column, value);
        }
    }
}

/// A day written `YYYY-MM-DD`, for the tests of the modules that read dates.
#[cfg(test)]
pub(crate) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use day as d;

    #[test]
    fn stated_dates_cover_their_interval() {
        let year = UncertainDate::from_stated("2014").expect("year");
        assert_eq!(
            (year.earliest, year.latest),
            (Some(d("2014-01-01")), Some(d("2014-12-31")))
        );
        let feb = UncertainDate::from_stated("2024-02").expect("month");
        assert_eq!(feb.latest, Some(d("2024-02-29")));
        assert_eq!(feb.precision, Some(Precision::Month));
        let dec = UncertainDate::from_stated("2011-12").expect("month");
        assert_eq!(dec.latest, Some(d("2011-12-31")));
        assert!(UncertainDate::from_stated("2014-13").is_err());
        assert!(UncertainDate::from_stated("14").is_err());
        assert!(UncertainDate::from_stated("2014-02-30").is_err());
    }

    #[test]
    fn narrowing_decides_membership_on_the_fact_sheet_date() {
        let sheet = d("2014-01-16");
        let moldova = UncertainDate::from_stated("2014-01").expect("month");
        assert_eq!(moldova.relation_to(sheet), Relation::Unknown);
        let moldova = moldova.narrow(None, Some(sheet)).expect("narrow");
        assert_eq!(moldova.relation_to(sheet), Relation::OnOrBefore);
        let lithuania = UncertainDate::from_stated("2014")
            .expect("year")
            .narrow(Some(d("2014-01-17")), None)
            .expect("narrow");
        assert_eq!(lithuania.relation_to(sheet), Relation::After);
        assert!(
            UncertainDate::from_stated("2014")
                .expect("year")
                .narrow(Some(d("2015-01-01")), None)
                .is_err()
        );
    }
}
