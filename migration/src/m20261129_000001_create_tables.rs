//! The first schema: every table of the entity crate, with its foreign keys, unique keys and
//! indexes. The founding schema is derived from the entity definitions so the two cannot
//! drift; every later change gets an explicit migration of its own.

use entity::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{EntityTrait, Schema};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_create_tables"
    }
}

/// Creates one entity's table and its indexes.
async fn create<E: EntityTrait>(
    manager: &SchemaManager<'_>,
    schema: &Schema,
    entity: E,
) -> Result<(), DbErr> {
    manager
        .create_table(schema.create_table_from_entity(entity))
        .await?;
    for index in schema.create_index_from_entity(entity) {
        manager.create_index(index).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let schema = Schema::new(manager.get_database_backend());
        // Parents before children, so every foreign key has its table.
        create(manager, &schema, source::Entity).await?;
        create(manager, &schema, coalition::Entity).await?;
        create(manager, &schema, state::Entity).await?;
        create(manager, &schema, membership::Entity).await?;
        create(manager, &schema, conference::Entity).await?;
        create(manager, &schema, conference_host::Entity).await?;
        create(manager, &schema, chairship::Entity).await?;
        create(manager, &schema, document::Entity).await?;
        create(manager, &schema, commitment::Entity).await?;
        create(manager, &schema, endorsement::Entity).await?;
        create(manager, &schema, organization::Entity).await?;
        create(manager, &schema, initiative::Entity).await?;
        create(manager, &schema, funding::Entity).await?;
        create(manager, &schema, funding_funder::Entity).await?;
        create(manager, &schema, person::Entity).await?;
        create(manager, &schema, person_role::Entity).await?;
        create(manager, &schema, claim::Entity).await?;
        create(manager, &schema, citation::Entity).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children before parents, so no foreign key is left dangling.
        for table in [
            "citations",
            "claims",
            "person_roles",
            "people",
            "funding_funders",
            "fundings",
            "initiatives",
            "organizations",
            "endorsements",
            "commitments",
            "documents",
            "chairships",
            "conference_hosts",
            "conferences",
            "memberships",
            "states",
            "coalition",
            "sources",
        ] {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
