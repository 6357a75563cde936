//! What every curation mutation shares: who may write (a bearer token), the one transaction
//! a mutation runs in, input checks that collect every problem with the field it concerns,
//! key lookups, citations, and keeping the search index in step.
//!
//! A mutation begins with [`Write::begin`], which authorizes the request and opens the
//! transaction; it checks its input with [`Checks`], refusing with every problem at once;
//! it writes; and it ends with [`Write::commit`]. Returning early drops the transaction,
//! which rolls it back, so a refused or failed mutation changes nothing.
//!
//! Each concept's input, checks and mutations live in its own `curation` module, beside
//! its reads: `graphql/<concept>/curation.rs`.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, ID};
use entity::citation;
use entity::enums::RecordKind;
use sea_orm::sea_query::{Expr, IntoColumnRef};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, ModelTrait, PaginatorTrait, PrimaryKeyTrait, QueryFilter, QuerySelect, SqlErr,
    TransactionTrait, TryIntoModel,
};
use subtle::ConstantTimeEq;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::dates::DateInput;
use super::error::{ApiError, ApiResult, OrGraphql, Problem};
use super::list::Db;
use super::node::parse_global_id;
use crate::changes::{self, Cause, Feed, Operation, RecordChange};
use crate::dataset::DateSpec;
use entity::foreign_keys;
use entity::keys::{KeyInfo, Named, OnDelete};

/// The token that authorizes writes, from the configuration; writes are disabled without one.
#[derive(Clone, Default)]
pub struct AdminToken(pub Option<String>);

/// The bearer token a request presented in its `Authorization` header.
#[derive(Clone, Default)]
pub struct Bearer(pub Option<String>);

/// Serializes writes where the database allows only one writer at a time (SQLite), so
/// concurrent mutations wait their turn instead of failing with "database is locked".
#[derive(Clone, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    /// A gate that lets one write through at a time, or none when the database copes.
    pub fn new(serialize: bool) -> Self {
        Self(serialize.then(Arc::default))
    }
}

/// The dataset version a request's mutations committed, for the HTTP layer to report
/// (`extensions.datasetVersion`), so the client can ask any server to read at least that.
#[derive(Clone, Default)]
pub struct WriteReceipt(Arc<std::sync::atomic::AtomicI64>);

impl WriteReceipt {
    /// The latest version the request's mutations committed, if any did.
    pub fn version(&self) -> Option<i64> {
        let version = self.0.load(std::sync::atomic::Ordering::Acquire);
        (version > 0).then_some(version)
    }
}

/// Checks the request's bearer token against the configured one, in constant time.
fn authorize(ctx: &Context<'_>) -> Result<(), ApiError> {
    let configured = ctx.data_opt::<AdminToken>().and_then(|t| t.0.as_deref());
    let presented = ctx.data_opt::<Bearer>().and_then(|b| b.0.as_deref());
    match (configured, presented) {
        (None, _) => Err(ApiError::WritesDisabled),
        (Some(_), None) => Err(ApiError::Unauthenticated(
            "writes need an `Authorization: Bearer <token>` header",
        )),
        (Some(expected), Some(given)) => {
            if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
                Ok(())
            } else {
                Err(ApiError::Unauthenticated("the bearer token is not valid"))
            }
        }
    }
}

/// One mutation's transaction, opened only for an authorized request.
pub struct Write {
    /// The transaction; dropping it uncommitted rolls it back.
    pub txn: DatabaseTransaction,
    feed: Option<Arc<Feed>>,
    receipt: Option<WriteReceipt>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Write {
    /// Authorizes the request, waits for the write turn where writes are serialized, and
    /// opens the transaction.
    pub async fn begin(ctx: &Context<'_>) -> ApiResult<Self> {
        authorize(ctx).map_err(|e| e.extend())?;
        let turn = match ctx.data_opt::<WriteGate>().and_then(|g| g.0.clone()) {
            Some(gate) => Some(gate.lock_owned().await),
            None => None,
        };
        let db = ctx.data::<Db>()?;
        let txn = db.conn.begin().await.or_gql()?;
        Ok(Self {
            txn,
            feed: ctx.data_opt::<Arc<Feed>>().cloned(),
            receipt: ctx.data_opt::<WriteReceipt>().cloned(),
            _turn: turn,
        })
    }

    /// Announces what the mutation changed and commits it (the announcement goes out with
    /// the commit, never without it); cached responses are stale from then on.
    pub async fn commit(self, kind: &str, id: i32, operation: Operation) -> ApiResult<()> {
        let change = RecordChange {
            kind: kind.to_owned(),
            id,
            operation,
        };
        let announcement = changes::announce(&self.txn, Cause::Mutation, vec![change])
            .await
            .or_gql()?;
        self.txn.commit().await.map_err(write_error)?;
        if let Some(receipt) = &self.receipt {
            receipt
                .0
                .fetch_max(announcement.version, std::sync::atomic::Ordering::AcqRel);
        }
        if let Some(feed) = &self.feed {
            feed.committed(announcement);
        }
        Ok(())
    }
}

/// The refusal of an input for one problem of one field.
pub fn refusal(field: &str, message: impl Into<String>) -> async_graphql::Error {
    ApiError::Problems(vec![Problem::new(field, message)]).extend()
}

/// Maps a database error of a write: a key that another request took meanwhile is the
/// client's problem, anything else the database's.
pub fn write_error(error: DbErr) -> async_graphql::Error {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => refusal(
            "input",
            "a record with this key was created meanwhile; it already exists",
        ),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => refusal(
            "input",
            "a record it refers to was removed meanwhile, or another record still refers to it",
        ),
        _ => ApiError::from(error).extend(),
    }
}

/// Lets `?` turn database errors of writes into GraphQL errors.
pub trait OrWriteError<T> {
    /// Maps the error with [`write_error`].
    fn or_write(self) -> ApiResult<T>;
}

impl<T> OrWriteError<T> for Result<T, DbErr> {
    fn or_write(self) -> ApiResult<T> {
        self.map_err(write_error)
    }
}

/// The row id of a global id of type `kind`.
pub fn row_id(id: &ID, kind: &'static str) -> ApiResult<i32> {
    match parse_global_id(id) {
        Ok((k, row)) if k == kind => Ok(row),
        Ok((k, _)) => {
            Err(ApiError::invalid("id", format!("`{}` is a {k}, not a {kind}", id.0)).extend())
        }
        Err(e) => Err(e.extend()),
    }
}

/// Collects every problem of an input before refusing it, each with the field it concerns,
/// and the ids of the sources the input cites.
#[derive(Default)]
pub struct Checks {
    problems: Vec<Problem>,
    cited: BTreeSet<i32>,
}

impl Checks {
    /// Records a problem.
    pub fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(field, message));
    }

    /// Refuses text that is empty or only spaces.
    pub fn not_blank(&mut self, field: &str, text: &str) {
        if text.trim().is_empty() {
            self.problem(field, "must not be blank");
        }
    }

    /// Refuses what is not an ISO 3166-1 alpha-2 code (two capital letters).
    pub fn iso_code(&mut self, field: &str, code: &str) {
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            self.problem(
                field,
                format!("`{code}` is not an ISO 3166-1 alpha-2 code (two capital letters)"),
            );
        }
    }

    /// The id of the record of `E` with this key, or a problem naming the unknown key.
    pub async fn find<E: Named>(
        &mut self,
        txn: &DatabaseTransaction,
        field: &str,
        key: &str,
    ) -> ApiResult<Option<i32>> {
        let found = id_where::<E>(txn, E::KEY, key).await?;
        if found.is_none() {
            self.problem(field, format!("no {} has the key `{key}`", E::NOUN));
        }
        Ok(found)
    }

    /// [`Checks::find`] for an optional reference.
    pub async fn find_opt<E: Named>(
        &mut self,
        txn: &DatabaseTransaction,
        field: &str,
        key: Option<&str>,
    ) -> ApiResult<Option<i32>> {
        match key {
            Some(key) => self.find::<E>(txn, field, key).await,
            None => Ok(None),
        }
    }

    /// Refuses a key that another record of `E` (not `except`) already has.
    pub async fn unique<E: Named>(
        &mut self,
        txn: &DatabaseTransaction,
        field: &str,
        key: &str,
        except: Option<i32>,
    ) -> ApiResult<()> {
        if let Some(id) = id_where::<E>(txn, E::KEY, key).await?
            && Some(id) != except
        {
            self.problem(
                field,
                format!("a {} with the key `{key}` already exists", E::NOUN),
            );
        }
        Ok(())
    }

    /// The cited sources: at least one, each known; [`Checks::finish`] returns their ids.
    pub async fn sources(
        &mut self,
        txn: &DatabaseTransaction,
        field: &str,
        keys: &[String],
    ) -> ApiResult<()> {
        if keys.is_empty() {
            self.problem(field, "every fact must cite at least one source");
        }
        for key in keys {
            if let Some(id) = self.find::<entity::source::Entity>(txn, field, key).await? {
                self.cited.insert(id);
            }
        }
        Ok(())
    }

    /// Cites these sources too (those a record cites because of another record).
    pub fn cite_also(&mut self, ids: impl IntoIterator<Item = i32>) {
        self.cited.extend(ids);
    }

    /// An uncertain date: its stated form must parse, its bounds must leave an interval,
    /// and the sources that narrowed it must exist.
    pub async fn date(
        &mut self,
        txn: &DatabaseTransaction,
        field: &str,
        input: Option<&DateInput>,
    ) -> ApiResult<Option<DateSpec>> {
        let Some(input) = input else {
            return Ok(None);
        };
        if input.stated.is_none() && input.not_before.is_none() && input.not_after.is_none() {
            self.problem(
                field,
                "give the stated date, a bound, or leave the date out",
            );
            return Ok(None);
        }
        let spec = input.to_spec();
        if let Err(reason) = spec.resolve() {
            self.problem(field, reason);
        }
        if let Some(problem) = spec.narrowing_problem() {
            self.problem(field, problem);
        }
        for key in &input.narrowed_by {
            self.find::<entity::source::Entity>(txn, &format!("{field}.narrowedBy"), key)
                .await?;
        }
        Ok(Some(spec))
    }

    /// Refuses an end that falls before the start even at the dates' widest.
    pub fn in_order(
        &mut self,
        field: &str,
        start: Option<&DateSpec>,
        end: Option<&DateSpec>,
        message: &str,
    ) {
        if let (Some(start), Some(end)) = (start, end)
            && let (Ok(start), Ok(end)) = (start.resolve(), end.resolve())
            && let (Some(from), Some(to)) = (start.earliest, end.latest)
            && to < from
        {
            self.problem(field, message);
        }
    }

    /// Refuses the input with every problem found, or lets it through with the ids of the
    /// sources it cites.
    pub fn finish(self) -> ApiResult<Vec<i32>> {
        if self.problems.is_empty() {
            Ok(self.cited.into_iter().collect())
        } else {
            Err(ApiError::Problems(self.problems).extend())
        }
    }
}

/// The id of the row whose `column` equals `key`.
pub async fn id_where<E: EntityTrait>(
    txn: &DatabaseTransaction,
    column: E::Column,
    key: &str,
) -> ApiResult<Option<i32>> {
    E::find()
        .select_only()
        .column_as(Expr::col("id".into_column_ref()), "id")
        .filter(column.eq(key))
        .into_tuple::<i32>()
        .one(txn)
        .await
        .or_gql()
}

/// The row of `E` whose columns hold these ids (a link row: a host, an endorsement), if any.
pub async fn row_with<E: EntityTrait>(
    txn: &DatabaseTransaction,
    columns: &[(E::Column, i32)],
) -> ApiResult<Option<E::Model>> {
    let mut select = E::find();
    for (column, id) in columns {
        select = select.filter(column.eq(*id));
    }
    select.one(txn).await.or_gql()
}

/// The id of the record of `E` with this key, if it is given and exists.
pub async fn id_of_key<E: Named>(
    txn: &DatabaseTransaction,
    key: Option<&str>,
) -> ApiResult<Option<i32>> {
    match key {
        Some(key) => id_where::<E>(txn, E::KEY, key).await,
        None => Ok(None),
    }
}

/// Replaces the rows of `E` that belong to a record (`parent` is its id) with `rows`.
pub async fn replace_rows<E: EntityTrait>(
    txn: &DatabaseTransaction,
    parent: E::Column,
    parent_id: i32,
    rows: Vec<E::ActiveModel>,
) -> ApiResult<()>
where
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    E::delete_many()
        .filter(parent.eq(parent_id))
        .exec(txn)
        .await
        .or_write()?;
    if !rows.is_empty() {
        E::insert_many(rows)
            .exec_without_returning(txn)
            .await
            .or_write()?;
    }
    Ok(())
}

/// How many rows of `E` match a condition.
pub async fn count<E: EntityTrait>(
    txn: &DatabaseTransaction,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> ApiResult<u64>
where
    E::Model: Sync,
{
    E::find().filter(condition).count(txn).await.or_gql()
}

/// Makes a record cite exactly `source_ids`.
pub async fn cite(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    record_id: i32,
    source_ids: &[i32],
) -> ApiResult<()> {
    uncite(txn, kind, record_id).await?;
    if source_ids.is_empty() {
        return Ok(());
    }
    let rows = source_ids.iter().map(|source_id| citation::ActiveModel {
        record_kind: sea_orm::ActiveValue::Set(kind),
        record_id: sea_orm::ActiveValue::Set(record_id),
        source_id: sea_orm::ActiveValue::Set(*source_id),
        ..Default::default()
    });
    citation::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await
        .or_write()?;
    Ok(())
}

/// Removes a record's citations (before the record itself goes).
pub async fn uncite(txn: &DatabaseTransaction, kind: RecordKind, record_id: i32) -> ApiResult<()> {
    citation::Entity::delete_many()
        .filter(citation::Column::RecordKind.eq(kind))
        .filter(citation::Column::RecordId.eq(record_id))
        .exec(txn)
        .await
        .or_write()?;
    Ok(())
}

/// The ids of the sources a record cites.
pub async fn citations_of(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    record_id: i32,
) -> ApiResult<BTreeSet<i32>> {
    let rows = citation::Entity::find()
        .filter(citation::Column::RecordKind.eq(kind))
        .filter(citation::Column::RecordId.eq(record_id))
        .all(txn)
        .await
        .or_gql()?;
    Ok(rows.into_iter().map(|c| c.source_id).collect())
}

/// The row of `E` a global id names, or a clear error when there is none.
pub async fn existing<E: EntityTrait>(
    txn: &DatabaseTransaction,
    id: &ID,
    kind: &'static str,
) -> ApiResult<E::Model>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let row = row_id(id, kind)?;
    E::find_by_id(row)
        .one(txn)
        .await
        .or_gql()?
        .ok_or_else(|| ApiError::invalid("id", format!("no {kind} has the id `{}`", id.0)).extend())
}

/// Deletes a record with its citations and search entries.
pub async fn remove<E: EntityTrait>(
    txn: &DatabaseTransaction,
    kind: RecordKind,
    record_id: i32,
) -> ApiResult<()>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    uncite(txn, kind, record_id).await?;
    E::delete_by_id(record_id).exec(txn).await.or_write()?;
    // The search entries of a deleted record go with it.
    crate::search::reindex_record(txn, kind, record_id)
        .await
        .or_write()
}

/// A row of `E` ready to save, with the ids of the sources it cites.
pub struct Checked<A> {
    /// The row; its id is set when it replaces an existing one.
    pub row: A,
    /// The ids of the sources it cites.
    pub sources: Vec<i32>,
}

/// A mutation input for one kind of record: how it is checked, what it writes besides its
/// row, and what deleting such a record must respect. [`create`], [`update`] and
/// [`delete`] run the rest, the same way for every kind.
pub trait RecordInput: Sync {
    /// The table, keyed by a whole number.
    type Entity: EntityTrait<Model = Self::Model, PrimaryKey: PrimaryKeyTrait<ValueType = i32>>;
    /// Its rows.
    type Model: ModelTrait<Entity = Self::Entity>
        + IntoActiveModel<Self::Active>
        + Clone
        + Send
        + Sync;
    /// Its active model.
    type Active: ActiveModelTrait<Entity = Self::Entity>
        + ActiveModelBehavior
        + TryIntoModel<Self::Model>
        + Send;
    /// The record kind its citations and search entries carry; none for records that
    /// cite nothing (sources).
    const KIND: Option<RecordKind>;
    /// The GraphQL type name its global ids carry.
    const TYPE: &'static str;

    /// Checks the input (against `current` when it replaces that record) and turns it
    /// into a row, refusing with every problem found.
    fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&Self::Model>,
    ) -> impl Future<Output = ApiResult<Checked<Self::Active>>> + Send;

    /// Writes what belongs to the saved record besides its row (hosts, funders, ...).
    fn after_save(
        &self,
        _txn: &DatabaseTransaction,
        _saved: &Self::Model,
        _before: Option<&Self::Model>,
    ) -> impl Future<Output = ApiResult<()>> + Send {
        async { Ok(()) }
    }

    /// What refers to the record besides the model's foreign keys, counted by name for the
    /// refusal to delete it.
    fn other_references(
        _txn: &DatabaseTransaction,
        _current: &Self::Model,
    ) -> impl Future<Output = ApiResult<Vec<(&'static str, u64)>>> + Send {
        async { Ok(Vec::new()) }
    }

    /// Removes what belongs only to the record beyond the model's cascades, or refuses for
    /// a reason of its own; runs once the references allow the deletion.
    fn before_delete(
        _txn: &DatabaseTransaction,
        _current: &Self::Model,
    ) -> impl Future<Output = ApiResult<()>> + Send {
        async { Ok(()) }
    }
}

/// A curation input, each field said once: the `InputObject` with its documented fields and
/// the [`RecordInput`] whose check reads each field by its mark and writes it to the row.
///
/// `StateInput -> State in state, cited { .. }` reads: the input of `State` records, rows of
/// `entity::state`, citing sources (a type without `cited` cites none). The marks:
/// - `[key]`: the record's key: not blank, unique, written to the column of its name;
/// - `[text]`: not blank, written to the column of its name; `[set]`: written as given;
/// - `[date column]`: an uncertain date, checked and written to the date's columns; its
///   checked form is bound by the field's name;
/// - `[refers table => column]`, `[requires table => column]`: the key of a record of
///   `entity::table`, optional or required; its id is written to `column` and bound by
///   that name;
/// - `[sources]`: the keys of the sources it cites; `[own]`: read by its own code only.
///
/// Checks of its own follow as `check |input, checks, txn, current, row| { .. }`, after
/// the fields' and before the refusal; then, where it has them, the [`RecordInput`] hooks
/// in the same form: `after_save |input, txn, saved, before|`,
/// `other_references |txn, current|`, `before_delete |txn, current|`.
macro_rules! record_input {
    (@kind $node:ident cited) => { Some(::entity::enums::RecordKind::$node) };
    (@kind $node:ident) => { None };
    (
        $(#[$attr:meta])*
        $input:ident -> $node:ident in $table:ident $(, $cited:ident)? {
            $( $(#[$fattr:meta])* $field:ident: $ty:ty [$($mark:tt)*], )+
        }
        check |$this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident| $own:block
        $(after_save |$s_this:ident, $s_txn:ident, $saved:ident, $before:ident| $after:block)?
        $(other_references |$r_txn:ident, $r_current:ident| $references:block)?
        $(before_delete |$d_txn:ident, $d_current:ident| $before_delete:block)?
    ) => {
        $(#[$attr])*
        #[derive(async_graphql::InputObject)]
        pub struct $input {
            $( $(#[$fattr])* pub $field: $ty, )+
        }

        impl $crate::graphql::curation::RecordInput for $input {
            type Entity = ::entity::$table::Entity;
            type Model = ::entity::$table::Model;
            type Active = ::entity::$table::ActiveModel;
            const KIND: Option<::entity::enums::RecordKind> =
                $crate::graphql::curation::record_input!(@kind $node $($cited)?);
            const TYPE: &'static str = stringify!($node);

            async fn check(
                &self,
                $txn: &sea_orm::DatabaseTransaction,
                $current: Option<&::entity::$table::Model>,
            ) -> $crate::graphql::error::ApiResult<
                $crate::graphql::curation::Checked<::entity::$table::ActiveModel>,
            > {
                let $this = self;
                let mut $checks = $crate::graphql::curation::Checks::default();
                let mut $row = <::entity::$table::ActiveModel as Default>::default();
                // A problem names the field as GraphQL does: `input.periodStart`.
                $( $crate::graphql::curation::input_field!(
                    ($this, $checks, $txn, $current, $row, $table,
                        pastey::paste!(concat!("input.", stringify!([<$field:lower_camel>]))))
                    $field [$($mark)*]
                ); )+
                $own
                let sources = $checks.finish()?;
                Ok($crate::graphql::curation::Checked { row: $row, sources })
            }

            $(
                async fn after_save(
                    &self,
                    $s_txn: &sea_orm::DatabaseTransaction,
                    $saved: &::entity::$table::Model,
                    $before: Option<&::entity::$table::Model>,
                ) -> $crate::graphql::error::ApiResult<()> {
                    let $s_this = self;
                    $after
                }
            )?

            $(
                async fn other_references(
                    $r_txn: &sea_orm::DatabaseTransaction,
                    $r_current: &::entity::$table::Model,
                ) -> $crate::graphql::error::ApiResult<Vec<(&'static str, u64)>> {
                    $references
                }
            )?

            $(
                async fn before_delete(
                    $d_txn: &sea_orm::DatabaseTransaction,
                    $d_current: &::entity::$table::Model,
                ) -> $crate::graphql::error::ApiResult<()> {
                    $before_delete
                }
            )?
        }
    };
    (
        $(#[$attr:meta])*
        $input:ident -> $node:ident in $table:ident $(, $cited:ident)? { $($fields:tt)+ }
        $($hooks:tt)*
    ) => {
        $crate::graphql::curation::record_input! {
            $(#[$attr])*
            $input -> $node in $table $(, $cited)? { $($fields)+ }
            check |input, checks, txn, current, row| {
                let _ = (input, txn, current);
            }
            $($hooks)*
        }
    };
}
pub(crate) use record_input;

/// One field of a [`record_input!`]: its checks and its column, by its mark; `$at` is the
/// name problems give it.
macro_rules! input_field {
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [key]) => {
        $crate::graphql::curation::input_field!(
            ($this, $checks, $txn, $current, $row, $table, $at) $field [text]
        );
        let id = $current.map(|c| c.id);
        $checks.unique::<::entity::$table::Entity>($txn, $at, &$this.$field, id).await?;
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [text]) => {
        $checks.not_blank($at, &$this.$field);
        $row.$field = sea_orm::ActiveValue::Set($this.$field.clone());
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [set]) => {
        $row.$field = sea_orm::ActiveValue::Set(Clone::clone(&$this.$field));
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [date $column:ident]) => {
        let $field = $checks.date($txn, $at, $this.$field.as_ref()).await?;
        $crate::dataset::set_date(&mut $row, stringify!($column), $field.as_ref());
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [refers $parent:ident => $column:ident]) => {
        let key = $this.$field.as_deref();
        let $column = $checks.find_opt::<::entity::$parent::Entity>($txn, $at, key).await?;
        $row.$column = sea_orm::ActiveValue::Set($column);
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [requires $parent:ident => $column:ident]) => {
        let $column = $checks.find::<::entity::$parent::Entity>($txn, $at, &$this.$field).await?;
        $row.$column = sea_orm::ActiveValue::Set($column.unwrap_or_default());
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [sources]) => {
        $checks.sources($txn, $at, &$this.$field).await?;
    };
    (($this:ident, $checks:ident, $txn:ident, $current:ident, $row:ident, $table:ident, $at:expr)
        $field:ident [own]) => {};
}
pub(crate) use input_field;

/// How a refusal names a record: its type and its key (`state `KE``).
fn label<M: ModelTrait>(type_name: &str, current: &M) -> String {
    let key = ["key", "code"].into_iter().find_map(|name| {
        let column =
            <<M::Entity as EntityTrait>::Column as std::str::FromStr>::from_str(name).ok()?;
        match current.get(column) {
            sea_orm::Value::String(Some(key)) => Some(key),
            _ => None,
        }
    });
    match key {
        Some(key) => format!("{} `{key}`", type_name.to_lowercase()),
        None => type_name.to_lowercase(),
    }
}

/// Applies the model's deletion rules to a row of `table` about to be deleted: refuses while
/// rows refer to it by a key that says so (naming them, with `others`), and deletes the rows
/// of keys that cascade.
async fn follow_keys(
    txn: &DatabaseTransaction,
    what: &str,
    table: &str,
    id: i32,
    others: Vec<(&'static str, u64)>,
) -> ApiResult<()> {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
    let keys: Vec<KeyInfo> = foreign_keys()
        .into_iter()
        .filter(|key| key.parent == table)
        .collect();
    let on = |key: &KeyInfo| Expr::col(Alias::new(key.column)).eq(id);
    let mut references = Vec::new();
    for key in keys.iter() {
        if let OnDelete::Refuse(noun) = key.on_delete {
            let count = Query::select()
                .expr(Expr::col(Asterisk).count())
                .from(Alias::new(key.child))
                .and_where(on(key))
                .to_owned();
            let row = txn.query_one(&count).await.or_gql()?;
            let n: i64 = match row {
                Some(row) => row.try_get_by_index(0).or_gql()?,
                None => 0,
            };
            references.push((noun, u64::try_from(n).unwrap_or(0)));
        }
    }
    references.extend(others);
    references.retain(|(_, count)| *count > 0);
    if !references.is_empty() {
        let named: Vec<String> = references
            .iter()
            .map(|(noun, n)| format!("{n} {noun}"))
            .collect();
        let named = named.join(", ");
        let message =
            format!("{what} is still referred to by {named}; change or delete those first");
        return Err(refusal("id", message));
    }
    for key in keys.iter().filter(|key| key.on_delete == OnDelete::Cascade) {
        let delete = Query::delete()
            .from_table(Alias::new(key.child))
            .and_where(on(key))
            .to_owned();
        txn.execute(&delete).await.or_write()?;
    }
    Ok(())
}

/// The `id` column's value of any row.
fn id_of<M: ModelTrait>(model: &M) -> ApiResult<i32> {
    let column = <<M::Entity as EntityTrait>::Column as std::str::FromStr>::from_str("id")
        .map_err(|_| ApiError::Unavailable.extend())?;
    match model.get(column) {
        sea_orm::Value::Int(Some(id)) => Ok(id),
        _ => Err(ApiError::Unavailable.extend()),
    }
}

/// Saves a checked row with its citations and search entries, then what else belongs to it.
async fn save<I: RecordInput>(
    input: &I,
    txn: &DatabaseTransaction,
    checked: Checked<I::Active>,
    before: Option<&I::Model>,
) -> ApiResult<I::Model> {
    let saved = checked
        .row
        .save(txn)
        .await
        .or_write()?
        .try_into_model()
        .or_gql()?;
    let id = id_of(&saved)?;
    if let Some(kind) = I::KIND {
        cite(txn, kind, id, &checked.sources).await?;
    }
    input.after_save(txn, &saved, before).await?;
    if let Some(kind) = I::KIND {
        crate::search::reindex_record(txn, kind, id)
            .await
            .or_write()?;
    }
    Ok(saved)
}

/// Adds a record: authorize, check, write, commit.
pub async fn create<I: RecordInput>(ctx: &Context<'_>, input: &I) -> ApiResult<I::Model> {
    let write = Write::begin(ctx).await?;
    let checked = input.check(&write.txn, None).await?;
    let saved = save(input, &write.txn, checked, None).await?;
    write
        .commit(I::TYPE, id_of(&saved)?, Operation::Created)
        .await?;
    Ok(saved)
}

/// Replaces the record a global id names with the input.
pub async fn update<I: RecordInput>(ctx: &Context<'_>, id: &ID, input: &I) -> ApiResult<I::Model> {
    let write = Write::begin(ctx).await?;
    let current = existing::<I::Entity>(&write.txn, id, I::TYPE).await?;
    let mut checked = input.check(&write.txn, Some(&current)).await?;
    let column = <<I::Entity as EntityTrait>::Column as std::str::FromStr>::from_str("id")
        .map_err(|_| ApiError::Unavailable.extend())?;
    checked.row.set(column, id_of(&current)?.into());
    let saved = save(input, &write.txn, checked, Some(&current)).await?;
    write
        .commit(I::TYPE, id_of(&saved)?, Operation::Updated)
        .await?;
    Ok(saved)
}

/// Deletes the record a global id names, when nothing refers to it; returns the id.
pub async fn delete<I: RecordInput>(ctx: &Context<'_>, id: ID) -> ApiResult<ID> {
    let write = Write::begin(ctx).await?;
    let current = existing::<I::Entity>(&write.txn, &id, I::TYPE).await?;
    let row = id_of(&current)?;
    let others = I::other_references(&write.txn, &current).await?;
    let table = sea_orm::EntityName::table_name(&I::Entity::default());
    follow_keys(&write.txn, &label(I::TYPE, &current), table, row, others).await?;
    I::before_delete(&write.txn, &current).await?;
    match I::KIND {
        Some(kind) => remove::<I::Entity>(&write.txn, kind, row).await?,
        None => {
            I::Entity::delete_by_id(row)
                .exec(&write.txn)
                .await
                .or_write()?;
        }
    }
    write.commit(I::TYPE, row, Operation::Deleted).await?;
    Ok(id)
}

/// A concept's curation mutations: for each record type it curates, create, update and
/// delete, each with its own description; methods of its own follow in `+ more { ... }`.
macro_rules! crud {
    (
        $(#[$attr:meta])*
        $mutation:ident {
            $(
                $node:ident($input:ident), id $id_doc:literal {
                    $(#[$cdoc:meta])* $create:ident;
                    $(#[$udoc:meta])* $update:ident;
                    $(#[$ddoc:meta])* $delete:ident;
                }
            )+
            $(+ more { $($more:tt)* })?
        }
    ) => {
        $(#[$attr])*
        #[derive(Default)]
        pub struct $mutation;

        #[async_graphql::Object]
        impl $mutation {
            $(
                $(#[$cdoc])*
                async fn $create(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = "The record's facts and the keys of its sources.")]
                    input: $input,
                ) -> $crate::graphql::error::ApiResult<$node> {
                    let row = $crate::graphql::curation::create(ctx, &input).await?;
                    Ok($node($crate::graphql::list::alone(row)))
                }

                $(#[$udoc])*
                async fn $update(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = $id_doc)] id: async_graphql::ID,
                    #[graphql(desc = "The record's facts and the keys of its sources.")]
                    input: $input,
                ) -> $crate::graphql::error::ApiResult<$node> {
                    let row = $crate::graphql::curation::update(ctx, &id, &input).await?;
                    Ok($node($crate::graphql::list::alone(row)))
                }

                $(#[$ddoc])*
                async fn $delete(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = $id_doc)] id: async_graphql::ID,
                ) -> $crate::graphql::error::ApiResult<async_graphql::ID> {
                    $crate::graphql::curation::delete::<$input>(ctx, id).await
                }
            )+

            $($($more)*)?
        }
    };
}
pub(crate) use crud;
