//! Nested lists, the machinery every list field shares and that knows no concept: pages
//! and cursors, batched and windowed loading, connections, aggregates, and each kind of
//! relationship of the model read as a nested list.

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
