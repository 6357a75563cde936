//! The dataset version: one row whose number every committed write raises, the basis of
//! the change feed and of consistency across servers (see the server's `changes` module).

use entity::dataset_version;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ActiveModelTrait, ActiveValue::Set, Schema};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000001_dataset_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let schema = Schema::new(manager.get_database_backend());
        manager
            .create_table(schema.create_table_from_entity(dataset_version::Entity))
            .await?;
        dataset_version::ActiveModel {
            id: Set(1),
            version: Set(0),
            changed_at: Set(None),
        }
        .insert(manager.get_connection())
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("dataset_version"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
