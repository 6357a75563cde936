//! Schema migrations of foc-graph. The data itself is not here: it is loaded from
//! `data/foc.toml` by the seed step.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_tables;
mod m20261129_000002_search_entries;
mod m20261201_000001_provenance;
mod m20261203_000001_dataset_version;
pub mod m20261204_000001_row_counts;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_tables::Migration),
            Box::new(m20261129_000002_search_entries::Migration),
            Box::new(m20261201_000001_provenance::Migration),
            Box::new(m20261203_000001_dataset_version::Migration),
            Box::new(m20261204_000001_row_counts::Migration),
        ]
    }
}
