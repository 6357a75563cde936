//! The search index: one row per searchable field of a record, with its folded text.

use entity::search_entry;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::Schema;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_search_entries"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let schema = Schema::new(manager.get_database_backend());
        manager
            .create_table(schema.create_table_from_entity(search_entry::Entity))
            .await?;
        for index in schema.create_index_from_entity(search_entry::Entity) {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("search_entries"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
