//! Replacing the whole dataset with a data file's: validate all of the file, then delete
//! every record and load the file, in one transaction.

use entity::*;
use sea_orm::sea_query::Expr;
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait, TransactionTrait};

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

/// Deletes every record, then loads `data`.
async fn replace(
    txn: &DatabaseTransaction,
    data: &Dataset,
    progress: &dyn Progress,
) -> Result<ImportReport, DatasetError> {
    progress.stage("removing", None);
    let mut removed = Vec::new();
    // Organizations refer to their parents: unlink them so no row is deleted before a row
    // that refers to it, whatever order the database deletes them in.
    organization::Entity::update_many()
        .col_expr(
            organization::Column::ParentId,
            Expr::value(Option::<i32>::None),
        )
        .exec(txn)
        .await?;
    // Children before parents, so no foreign key is left dangling at any point.
    macro_rules! clear {
        ($($module:ident => $table:literal),* $(,)?) => {
            $(
                let deleted = $module::Entity::delete_many().exec(txn).await?.rows_affected;
                progress.advance(deleted);
                removed.push(($table, deleted));
            )*
        };
    }
    clear!(
        citation => "citations",
        search_entry => "search_entries",
        person_role => "person_roles",
        person => "people",
        funding_funder => "funding_funders",
        funding => "fundings",
        initiative => "initiatives",
        organization => "organizations",
        claim => "claims",
        endorsement => "endorsements",
        commitment => "commitments",
        document => "documents",
        chairship => "chairships",
        conference_host => "conference_hosts",
        conference => "conferences",
        membership => "memberships",
        state => "states",
        coalition => "coalition",
        source => "sources",
    );
    let loaded = load(txn, data, progress).await?;
    Ok(ImportReport { removed, loaded })
}
