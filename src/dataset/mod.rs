//! The sourced dataset: the data file's format (`format`; `data/README.md` documents it),
//! its validation (`validate`), and the idempotent seed that loads it into the database
//! (`seed`).
//!
//! Seeding inserts every record whose natural key (a state's code, a conference's key, ...)
//! is not in the database yet, in one transaction. Running it again finds every key present
//! and changes nothing.
//!
//! The way back: [`export`] reads the whole database into the same model and
//! [`Dataset::to_toml`] writes it as a data file; [`import`] replaces the database's data with a
//! file's. Export, import and export again give the same bytes.

mod export;
mod format;
mod import;
mod render;
mod seed;
mod validate;

pub use export::{export, export_snapshot};
pub use format::*;
pub use import::{ImportReport, import};
pub(crate) use seed::set_date;
pub use seed::{SeedReport, load, seed};

use std::collections::{BTreeSet, HashMap, HashSet};
use std::str::FromStr;

use chrono::NaiveDate;
use entity::enums::*;
use entity::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, ModelTrait, TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};

use crate::dates::UncertainDate;

/// The dataset the binary ships with.
pub const DEFAULT_DATASET: &str = include_str!("../../data/foc.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_dataset_is_valid() {
        let data = Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset is valid");
        assert!(data.states.len() >= 22);
    }

    #[test]
    fn unknown_references_are_all_reported() {
        let text = DEFAULT_DATASET.replacen("state = \"KE\"", "state = \"XX\"", 1);
        match Dataset::parse(&text) {
            Err(DatasetError::Invalid(problems)) => {
                assert!(
                    problems.iter().any(|p| p.contains("unknown state `XX`")),
                    "{problems:?}"
                )
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_bound_names_its_sources_and_named_sources_set_a_bound() {
        let date = |text: &str| -> DateSpec {
            toml::from_str::<HashMap<String, DateSpec>>(&format!("d = {text}"))
                .ok()
                .and_then(|mut d| d.remove("d"))
                .unwrap_or_else(|| panic!("a date: {text}"))
        };
        for sourced in [
            r#""2014-01""#,
            "{}",
            r#"{ stated = "2014", note = "as the source gives it" }"#,
            r#"{ stated = "2014-01", not_after = "2014-01-16", narrowed_by = ["FS2014"] }"#,
            r#"{ not_before = "2019-11-01", narrowed_by = ["SWISSPEACE"] }"#,
        ] {
            assert_eq!(date(sourced).narrowing_problem(), None, "{sourced}");
        }
        for (unsourced, problem) in [
            (
                r#"{ stated = "2014-01", not_after = "2014-01-16" }"#,
                "a bound names no source",
            ),
            (
                r#"{ not_before = "2019-11-01", narrowed_by = [] }"#,
                "a bound names no source",
            ),
            (
                r#"{ stated = "2011", narrowed_by = ["LV-MFA"] }"#,
                "no bound is set",
            ),
        ] {
            assert!(
                date(unsourced)
                    .narrowing_problem()
                    .is_some_and(|p| p.contains(problem)),
                "{unsourced}"
            );
        }
    }

    #[test]
    fn a_file_with_an_unsourced_bound_is_refused_where_it_is() {
        let text = DEFAULT_DATASET.replacen(
            r#"narrowed_by = ["FS2014"], note = "listed by the fact sheet"#,
            r#"note = "listed by the fact sheet"#,
            1,
        );
        assert_ne!(
            text, DEFAULT_DATASET,
            "Moldova's narrowed date is in the file"
        );
        let data: Dataset = toml::from_str(&text).expect("valid TOML");
        let at = data
            .memberships
            .iter()
            .position(|m| m.state == "MD")
            .expect("Moldova's membership");
        match data.validate() {
            Err(DatasetError::Invalid(problems)) => assert_eq!(
                problems,
                [format!(
                    "memberships[{at}] (state \"MD\"), joined: a bound names no source whose \
                     facts set it"
                )]
            ),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    /// The first `[[table]]` block of the shipped file, up to the blank line after it.
    fn first_block(table: &str) -> &'static str {
        let header = format!("[[{table}]]\n");
        let start = DEFAULT_DATASET.find(&header).expect("the table");
        let end = DEFAULT_DATASET[start..]
            .find("\n\n")
            .map_or(DEFAULT_DATASET.len(), |n| start + n + 2);
        &DEFAULT_DATASET[start..end]
    }

    #[test]
    fn records_the_loader_would_drop_are_refused_where_they_are() {
        // A second chairship and a second claim with the same derived keys, and a second
        // state with a code already used: the loader inserts by key and would skip them.
        let mut text = DEFAULT_DATASET.to_owned();
        for table in ["chairships", "claims", "states"] {
            let block = first_block(table);
            text = text.replacen(block, &format!("{block}{block}"), 1);
        }
        let data: Dataset = toml::from_str(&text).expect("valid TOML");
        match data.validate() {
            Err(DatasetError::Invalid(problems)) => {
                let code = &data.states[1].code;
                let expected = [
                    format!(
                        "states[1] (code {code:?}): state `{code}` is defined twice \
                         (first at states[0] (code {code:?}))"
                    ),
                    "chairships[1] (".to_owned(),
                    "claims[1] (topic ".to_owned(),
                ];
                for start in expected {
                    assert!(
                        problems.iter().any(|p| p.starts_with(&start)),
                        "{start} in {problems:#?}"
                    );
                }
                assert_eq!(problems.len(), 3, "{problems:#?}");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
