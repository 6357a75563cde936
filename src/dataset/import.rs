//! Replacing the whole dataset with a data file's: validate all of the file, then delete
//! every record and load the file, in one transaction.

use entity::dataset_version;
use entity::keys::KeyInfo;
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityName, TransactionTrait,
};

use super::{Dataset, DatasetError, SeedReport, load};
use crate::progress::Progress;

/// What an import replaced, per table.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// (table, rows deleted), children before parents.
    pub removed: Vec<(&'static str, u64)>,
    /// (table, rows loaded), in load order, the rebuilt search index last.
    pub loaded: SeedReport,
}

/// Replaces every record with the file's. The whole file is parsed and validated first, and
/// every problem found is reported with its place in the file; then, in one transaction,
/// every data table is emptied and the file loaded the way `seed` loads it (record ids
/// change), and the search index rebuilt. On any failure the transaction is rolled back and
/// the database is as it was. Validating, removing and each table loaded are stages of
/// `progress`.
pub async fn import(
    db: &DatabaseConnection,
    text: &str,
    progress: &dyn Progress,
) -> Result<ImportReport, DatasetError> {
    progress.stage("validating", None);
    let data = Dataset::parse(text)?;
    let txn = db.begin().await?;
    let replaced = match replace(&txn, &data, progress).await {
        Ok(report) => crate::changes::announce(&txn, crate::changes::Cause::Import, Vec::new())
            .await
            .map(|_| report)
            .map_err(DatasetError::from),
        Err(error) => Err(error),
    };
    match replaced {
        Ok(report) => {
            txn.commit().await?;
            Ok(report)
        }
        Err(error) => {
            // The load's error is the one worth reporting; should the rollback fail too, the
            // transaction is dropped uncommitted, which rolls it back all the same.
            let _ = txn.rollback().await;
            Err(error)
        }
    }
}

/// The dataset's tables, each after every table whose keys refer to it, so no key is left
/// dangling at any point: children before parents, as the entities declare their keys. The
/// dataset's version is not data and stays.
fn clearing_order(keys: &[KeyInfo]) -> Vec<&'static str> {
    let mut left: Vec<&'static str> = entity::tables()
        .into_iter()
        .filter(|table| *table != dataset_version::Entity.table_name())
        .collect();
    let mut order = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let referred = |table: &str| {
            keys.iter()
                .any(|k| k.parent == table && k.child != table && left.contains(&k.child))
        };
        // Keys never form a cycle between tables (a test holds this), so one is free.
        let at = left.iter().position(|t| !referred(t)).unwrap_or(0);
        order.push(left.remove(at));
    }
    order
}

/// Deletes every record, then loads `data`.
async fn replace(
    txn: &DatabaseTransaction,
    data: &Dataset,
    progress: &dyn Progress,
) -> Result<ImportReport, DatasetError> {
    progress.stage("removing", None);
    let keys = entity::foreign_keys();
    // A table that refers to itself (organizations to their parents) is unlinked first, so
    // that no row is deleted before a row that refers to it.
    for key in keys.iter().filter(|k| k.child == k.parent) {
        let unlink = Query::update()
            .table(Alias::new(key.child))
            .value(Alias::new(key.column), Option::<i32>::None)
            .to_owned();
        txn.execute(&unlink).await?;
    }
    let mut removed = Vec::new();
    for table in clearing_order(&keys) {
        let delete = Query::delete().from_table(Alias::new(table)).to_owned();
        let deleted = txn.execute(&delete).await?.rows_affected();
        progress.advance(deleted);
        removed.push((table, deleted));
    }
    let loaded = load(txn, data, progress).await?;
    Ok(ImportReport { removed, loaded })
}

#[cfg(test)]
mod tests {
    #[test]
    fn tables_are_cleared_children_first_and_the_version_kept() {
        let keys = entity::foreign_keys();
        let order = super::clearing_order(&keys);
        assert!(!order.contains(&"dataset_version"));
        assert_eq!(order.len(), entity::tables().len() - 1);
        for key in keys.iter().filter(|k| k.child != k.parent) {
            let child = order.iter().position(|t| *t == key.child);
            let parent = order.iter().position(|t| *t == key.parent);
            assert!(
                child < parent,
                "{} before {}: {order:?}",
                key.child,
                key.parent
            );
        }
    }
}
