//! SeaORM entities of foc-graph: one module per table.
//!
//! Dates that sources give only to a year or a month are stored as the interval they are
//! known to lie in: `<name>_earliest` and `<name>_latest`, with the precision and wording the
//! source gave (`<name>_precision`, `<name>_stated`) and the sources whose facts narrowed it.

pub mod enums;

pub mod chairship;
pub mod citation;
pub mod claim;
pub mod coalition;
pub mod commitment;
pub mod conference;
pub mod conference_host;
pub mod document;
pub mod endorsement;
pub mod funding;
pub mod funding_funder;
pub mod initiative;
pub mod membership;
pub mod organization;
pub mod person;
pub mod person_role;
pub mod search_entry;
pub mod source;
pub mod state;
