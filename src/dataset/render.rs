//! Writing a dataset as a data file that reads like the hand-written one: one `[[table]]`
//! block per record, a blank line between records, and each field on one line with dates,
//! hosts, funders and roles as inline tables.
//!
//! `toml::to_string` would put nested values under headers of their own
//! (`[memberships.joined]`, `[[conferences.hosts]]`), so records are written field by field
//! here and only the values go through the toml crate's serializer, which quotes and escapes.

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::{Dataset, DatasetError};

impl Dataset {
    /// The dataset as a data file (`data/README.md` describes the format). Reading the text
    /// back with [`Dataset::parse`] gives the same dataset, and writing it again the same text.
    pub fn to_toml(&self) -> Result<String, DatasetError> {
        let mut out = String::from(
            "# The Freedom Online Coalition (FOC): a dataset exported by `foc-graph export`.\n\
             # Format: see data/README.md. Load it with `foc-graph import FILE`.\n",
        );
        // A table with no record still needs its key (most are required), and a bare key can
        // only stand before the first table header.
        let empty: Vec<&str> = [
            ("sources", self.sources.is_empty()),
            ("states", self.states.is_empty()),
            ("memberships", self.memberships.is_empty()),
            ("conferences", self.conferences.is_empty()),
            ("chairships", self.chairships.is_empty()),
            ("documents", self.documents.is_empty()),
            ("commitments", self.commitments.is_empty()),
            ("organizations", self.organizations.is_empty()),
            ("initiatives", self.initiatives.is_empty()),
            ("fundings", self.fundings.is_empty()),
            ("people", self.people.is_empty()),
        ]
        .into_iter()
        .filter_map(|(name, empty)| empty.then_some(name))
        .collect();
        if !empty.is_empty() {
            out.push('\n');
            for name in empty {
                let _ = writeln!(out, "{name} = []");
            }
        }
        table(&mut out, "sources", &self.sources)?;
        out.push_str("\n[coalition]\n");
        record(&mut out, &self.coalition)?;
        table(&mut out, "states", &self.states)?;
        table(&mut out, "memberships", &self.memberships)?;
        table(&mut out, "conferences", &self.conferences)?;
        table(&mut out, "chairships", &self.chairships)?;
        table(&mut out, "documents", &self.documents)?;
        table(&mut out, "commitments", &self.commitments)?;
        table(&mut out, "endorsements", &self.endorsements)?;
        table(&mut out, "organizations", &self.organizations)?;
        table(&mut out, "initiatives", &self.initiatives)?;
        table(&mut out, "fundings", &self.fundings)?;
        table(&mut out, "people", &self.people)?;
        table(&mut out, "claims", &self.claims)?;
        Ok(out)
    }
}

/// Writes each row as a `[[name]]` block.
fn table<T: Serialize>(out: &mut String, name: &str, rows: &[T]) -> Result<(), DatasetError> {
    for row in rows {
        let _ = write!(out, "\n[[{name}]]\n");
        record(out, row)?;
    }
    Ok(())
}

/// Writes a record's fields as `key = value` lines, in the order the struct declares them.
fn record<T: Serialize>(out: &mut String, row: &T) -> Result<(), DatasetError> {
    row.serialize(Record(out))
        .map_err(|e| DatasetError::Write(format!("a record is not TOML: {e}")))
}

/// A serializer that accepts one struct and writes its fields as lines.
struct Record<'a>(&'a mut String);

/// The fields of the struct [`Record`] is writing.
struct Fields<'a>(&'a mut String);

fn not_a_record() -> toml::ser::Error {
    ser::Error::custom("only a struct can be written as a record")
}

impl<'a> ser::SerializeStruct for Fields<'a> {
    type Ok = ();
    type Error = toml::ser::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        let mut text = String::new();
        value.serialize(toml::ser::ValueSerializer::new(&mut text))?;
        // Field names are Rust identifiers, so they are bare keys.
        let _ = writeln!(self.0, "{key} = {text}");
        Ok(())
    }

    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Refuses every kind of value but a struct.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> {
            Err(not_a_record())
        })*
    };
}

impl<'a> ser::Serializer for Record<'a> {
    type Ok = ();
    type Error = toml::ser::Error;
    type SerializeSeq = Impossible<(), Self::Error>;
    type SerializeTuple = Impossible<(), Self::Error>;
    type SerializeTupleStruct = Impossible<(), Self::Error>;
    type SerializeTupleVariant = Impossible<(), Self::Error>;
    type SerializeMap = Impossible<(), Self::Error>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Impossible<(), Self::Error>;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Self::Error> {
        Err(not_a_record())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Self::Error> {
        Err(not_a_record())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Self::Error> {
        Err(not_a_record())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Err(not_a_record())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        Err(not_a_record())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        Err(not_a_record())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        Err(not_a_record())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        Err(not_a_record())
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        Ok(Fields(self.0))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        Err(not_a_record())
    }
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
}
