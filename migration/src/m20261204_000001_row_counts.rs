//! Row counts kept per table by triggers, so the length of a whole table (a root list's
//! `totalCount` without a filter) is read from one row rather than counted over every row.
//! Each insert and delete statement updates its table's count in its own transaction, so a
//! reader sees counts and rows of one moment. Tables created later join with [`track`].

use entity::{
    chairship, claim, commitment, conference, document, funding, initiative, membership,
    organization, person, row_count, source, state,
};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, EntityName, Schema};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000001_row_counts"
    }
}

/// PostgreSQL's trigger functions, shared by every counted table (they name it by
/// `TG_TABLE_NAME`): one update a statement, however many rows it writes.
const POSTGRES_FUNCTIONS: &str = "
CREATE FUNCTION row_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE row_counts SET row_count = row_count + (SELECT count(*) FROM added_rows)
    WHERE table_name = TG_TABLE_NAME;
  RETURN NULL;
END $$;
CREATE FUNCTION row_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE row_counts SET row_count = row_count - (SELECT count(*) FROM removed_rows)
    WHERE table_name = TG_TABLE_NAME;
  RETURN NULL;
END $$;
CREATE FUNCTION row_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE row_counts SET row_count = 0 WHERE table_name = TG_TABLE_NAME;
  RETURN NULL;
END $$;
";

/// Counts the rows of `table` from now on: its count as it stands, and the triggers that
/// keep it.
pub async fn track(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "INSERT INTO row_counts (table_name, row_count) SELECT '{table}', count(*) FROM {table}"
    ))
    .await?;
    let triggers = match manager.get_database_backend() {
        DbBackend::Postgres => format!(
            "CREATE TRIGGER {table}_rows_added AFTER INSERT ON {table}
               REFERENCING NEW TABLE AS added_rows
               FOR EACH STATEMENT EXECUTE FUNCTION row_counts_added();
             CREATE TRIGGER {table}_rows_removed AFTER DELETE ON {table}
               REFERENCING OLD TABLE AS removed_rows
               FOR EACH STATEMENT EXECUTE FUNCTION row_counts_removed();
             CREATE TRIGGER {table}_truncated AFTER TRUNCATE ON {table}
               FOR EACH STATEMENT EXECUTE FUNCTION row_counts_truncated();"
        ),
        // SQLite has no statement triggers: one update a row.
        _ => format!(
            "CREATE TRIGGER {table}_rows_added AFTER INSERT ON {table} BEGIN
               UPDATE row_counts SET row_count = row_count + 1 WHERE table_name = '{table}';
             END;
             CREATE TRIGGER {table}_rows_removed AFTER DELETE ON {table} BEGIN
               UPDATE row_counts SET row_count = row_count - 1 WHERE table_name = '{table}';
             END;"
        ),
    };
    db.execute_unprepared(&triggers).await?;
    Ok(())
}

/// The tables of the root lists, the ones whose whole length a client asks for.
fn counted() -> [&'static str; 12] {
    [
        chairship::Entity.table_name(),
        claim::Entity.table_name(),
        commitment::Entity.table_name(),
        conference::Entity.table_name(),
        document::Entity.table_name(),
        funding::Entity.table_name(),
        initiative::Entity.table_name(),
        membership::Entity.table_name(),
        organization::Entity.table_name(),
        person::Entity.table_name(),
        source::Entity.table_name(),
        state::Entity.table_name(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let schema = Schema::new(manager.get_database_backend());
        manager
            .create_table(schema.create_table_from_entity(row_count::Entity))
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(POSTGRES_FUNCTIONS)
                .await?;
        }
        for table in counted() {
            track(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in counted() {
            for trigger in ["rows_added", "rows_removed", "truncated"] {
                let on = match manager.get_database_backend() {
                    DbBackend::Postgres => format!(" ON {table}"),
                    _ => String::new(),
                };
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_{trigger}{on}"))
                    .await?;
            }
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP FUNCTION IF EXISTS row_counts_added, row_counts_removed, row_counts_truncated",
            )
            .await?;
        }
        manager
            .drop_table(
                Table::drop()
                    .table(row_count::Entity)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
