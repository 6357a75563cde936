//! Nested lists, the machinery every list field shares and that knows no concept: page
//! arguments and cursors (`page`), the request's database handle and batching loader (`db`),
//! batch keys and list queries (`keys`), rows loaded together as groups with their shared
//! relationship loads (`group`), pages cut by the database in one windowed statement per
//! level (`window`), the connection types (`connection`), and aggregates and groups over a
//! list's rows (`aggregate`); and each kind of relationship of the model read as a nested
//! list (`relation`).

mod aggregate;
mod connection;
mod db;
mod group;
mod keys;
mod page;
mod relation;
mod window;

pub use aggregate::*;
pub use connection::*;
pub use db::*;
pub use group::*;
pub use keys::*;
pub use page::*;
pub use relation::*;
use window::*;
