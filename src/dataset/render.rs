//! Writing a dataset as a data file that reads like the hand-written one: one `[[table]]`
//! block per record, a blank line between records, and each field on one line with dates,
//! hosts, funders and roles as inline tables.
//!
//! `toml::to_string` would put nested values under headers of their own
//! (`[memberships.joined]`, `[[conferences.hosts]]`), so the dataset is turned into TOML values
//! (its tables and fields in the order the structs declare them) and written here block by
//! block, each field's value through the toml crate's inline form, which quotes and escapes.
//! TOML has no null: the toml crate leaves an absent (`None`) field out, so the rows need no
//! rule of their own for it.

use std::fmt::Write as _;

use toml::Value;

use super::{Dataset, DatasetError};

impl Dataset {
    /// The dataset as a data file (`data/README.md` describes the format). Reading the text
    /// back with [`Dataset::parse`] gives the same dataset, and writing it again the same text.
    pub fn to_toml(&self) -> Result<String, DatasetError> {
        let file = match Value::try_from(self) {
            Ok(Value::Table(file)) => file,
            Ok(_) => {
                return Err(DatasetError::Write(
                    "the dataset is not a TOML table".into(),
                ));
            }
            Err(e) => return Err(DatasetError::Write(format!("the dataset is not TOML: {e}"))),
        };
        // A table with no record still needs its key (most are required), and a bare key can
        // only stand before the first table header.
        let mut empty = String::new();
        let mut blocks = String::new();
        for (name, value) in file {
            match value {
                Value::Array(rows) if rows.is_empty() => {
                    let _ = writeln!(empty, "{name} = []");
                }
                Value::Array(rows) => {
                    for row in rows {
                        let _ = write!(blocks, "\n[[{name}]]\n");
                        fields(&mut blocks, row)?;
                    }
                }
                record => {
                    let _ = write!(blocks, "\n[{name}]\n");
                    fields(&mut blocks, record)?;
                }
            }
        }
        let mut out = String::from(
            "# The Freedom Online Coalition (FOC): a dataset exported by `foc-graph export`.\n\
             # Format: see data/README.md. Load it with `foc-graph import FILE`.\n",
        );
        if !empty.is_empty() {
            out.push('\n');
            out.push_str(&empty);
        }
        out.push_str(&blocks);
        Ok(out)
    }
}

/// Writes a record's fields as `key = value` lines, each value inline.
fn fields(out: &mut String, record: Value) -> Result<(), DatasetError> {
    let Value::Table(record) = record else {
        return Err(DatasetError::Write(format!(
            "a record is not a table: {record}"
        )));
    };
    for (key, value) in record {
        // Field names are Rust identifiers, so they are bare keys.
        let _ = writeln!(out, "{key} = {value}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::DEFAULT_DATASET;
    use super::*;

    #[test]
    fn the_written_file_reads_back_the_same() {
        let data = Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset is valid");
        let text = data.to_toml().expect("written");
        let again = Dataset::parse(&text).expect("the written file is valid");
        assert_eq!(again.to_toml().expect("written"), text);
        // Nested values stay inline, as in the hand-written file.
        assert!(!text.contains("[memberships."), "{text}");
        assert!(
            text.contains("hosts = [{ state = \"NL\", role = \"host\" }]"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_table_is_written_as_a_key_before_the_first_header() {
        let mut data = Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset is valid");
        data.people.clear();
        data.claims.clear();
        let text = data.to_toml().expect("written");
        let first_header = text.find("\n[").expect("a header");
        assert_eq!(
            text.find("\npeople = []\n").map(|at| at < first_header),
            Some(true)
        );
        // An optional table with no record is left out.
        assert!(!text.contains("claims ="), "{text}");
        assert!(!text.contains("[[claims]]"), "{text}");
        let again = Dataset::parse(&text).expect("the written file is valid");
        assert!(again.people.is_empty() && again.claims.is_empty());
        assert_eq!(again.to_toml().expect("written"), text);
    }
}
