//! The `Date` scalar and the uncertain-date interval as the API shows it.

use async_graphql::{
    InputObject, InputValueError, InputValueResult, Object, Scalar, ScalarType, Value,
};
use chrono::NaiveDate;
use entity::enums::Precision;

use crate::dataset::DateSpec;
use crate::dates::UncertainDate;
// The columns of a date are read and written below both the dataset and the API.
pub use crate::dates::{read_date, write_date};

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar day in ISO 8601 form, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("`{s}` is not a date: use YYYY-MM-DD"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An uncertain date as the API shows it.
pub struct DateInterval(pub UncertainDate);

/// A date that sources may give only to a year or a month: the interval it is known to lie
/// in, with the precision and wording of the source, and what narrowed it.
#[Object]
impl DateInterval {
    /// The date as the source wrote it (`2014`, `2014-01`, `2014-04-25`); null when no source
    /// gives it and only other facts bound it.
    async fn stated(&self) -> Option<&str> {
        self.0.stated.as_deref()
    }

    /// How precisely the source gave the date.
    async fn precision(&self) -> Option<Precision> {
        self.0.precision
    }

    /// The earliest day the date can be; null when unbounded.
    async fn earliest(&self) -> Option<Date> {
        self.0.earliest.map(Date)
    }

    /// The latest day the date can be; null when unbounded.
    async fn latest(&self) -> Option<Date> {
        self.0.latest.map(Date)
    }

    /// Keys of the sources whose facts narrowed the interval beyond the stated date.
    async fn narrowed_by(&self) -> &[String] {
        &self.0.narrowed_by
    }

    /// Why the interval is narrower than the stated date.
    async fn narrowing_note(&self) -> Option<&str> {
        self.0.narrowing_note.as_deref()
    }
}

/// A date as a source gives it, for curation: the stated date (`2014`, `2014-01` or
/// `2014-01-16`) and, where facts from other sources narrow it, the bounds they set.
#[derive(InputObject, Clone, Debug, Default)]
pub struct DateInput {
    /// The date as the source wrote it: `2014`, `2014-01` or `2014-01-16`. Leave it out when
    /// no source gives the date but other facts bound it.
    pub stated: Option<String>,
    /// The earliest day other facts allow.
    pub not_before: Option<Date>,
    /// The latest day other facts allow.
    pub not_after: Option<Date>,
    /// Keys of the sources whose facts set the bounds: needed with a bound, and only with one.
    #[graphql(default)]
    pub narrowed_by: Vec<String>,
    /// Why the date is narrower than the stated one.
    pub note: Option<String>,
}

impl DateInput {
    /// The data file's form of the date.
    pub fn to_spec(&self) -> DateSpec {
        match self {
            DateInput {
                stated: Some(stated),
                not_before: None,
                not_after: None,
                narrowed_by,
                note: None,
            } if narrowed_by.is_empty() => DateSpec::Stated(stated.clone()),
            _ => DateSpec::Narrowed {
                stated: self.stated.clone(),
                not_before: self.not_before.map(|d| d.0),
                not_after: self.not_after.map(|d| d.0),
                narrowed_by: self.narrowed_by.clone(),
                note: self.note.clone(),
            },
        }
    }
}
