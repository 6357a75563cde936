//! Provenance columns: `sources.title_is_description` (the title is the dataset's
//! description of the publication, not the title it gives itself) and `commitments.note`
//! (what the dataset adds, such as why a value is left out).
//!
//! The founding migration derives its tables from the entity definitions, so a database it
//! creates from now on has these columns already; only a database created before gains them
//! here.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_provenance"
    }
}

/// The columns this migration adds, each with its table.
fn columns() -> [(&'static str, ColumnDef); 2] {
    [
        (
            "sources",
            ColumnDef::new(Alias::new("title_is_description"))
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ),
        (
            "commitments",
            ColumnDef::new(Alias::new("note"))
                .string()
                .null()
                .to_owned(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in columns() {
            let name = column.get_column_name();
            if manager.has_column(table, &name).await? {
                continue;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in columns() {
            let name = column.get_column_name();
            if !manager.has_column(table, &name).await? {
                continue;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new(name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
