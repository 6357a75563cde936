//! Synthetic Coalition-shaped data at a chosen scale, for load tests and benchmarks
//! (`foc-graph generate --states N --seed S`).
//!
//! Everything generated cites one source, `SYNTHETIC-<seed>`, whose title says the data is
//! synthetic, so a generated record is always recognisable by its sources. The records are
//! added beside whatever the database holds: keys start with `syn<seed>-`, state codes are
//! `X` followed by capital letters and skip codes already taken, and conference ordinals
//! continue after the highest one present. `XA` to `XZ` are user-assigned in ISO 3166-1, so
//! no real country has them; past the 25th state (`XK` is skipped, as many use it for
//! Kosovo) the codes grow to three letters and more, which only synthetic states have.
//!
//! The same seed over the same database contents gives the same records: a small local PRNG
//! (splitmix64) drives every choice and nothing reads the clock. All rows go in one
//! transaction, in multi-row `INSERT`s sized to the backend's bind-parameter limit, and the
//! search entries are written alongside rather than by [`crate::search::reindex`], which
//! reloads every record and would dominate the run at large scales.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, TimeDelta};
use entity::enums::*;
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, EntityTrait, Iterable, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, TransactionTrait,
};

use crate::dates::UncertainDate;
use crate::dates::{read_date, write_date};
use crate::progress::Progress;
use crate::search::fold;

/// The most states one run generates: beyond it the endorsements alone pass 50 million rows.
pub const MAX_STATES: u32 = 1_000_000;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenerateOptions {
    /// How many states; every other table scales with it.
    pub states: u32,
    /// Seeds the PRNG and names the run's source and keys.
    pub seed: u64,
}

/// What a run added.
#[derive(Debug, Default)]
pub struct GenerateReport {
    /// (table, rows added), in insertion order.
    pub added: Vec<(&'static str, u64)>,
    /// How long generating took, migrations excluded.
    pub elapsed: Duration,
}

impl GenerateReport {
    /// Rows added in all tables.
    pub fn total(&self) -> u64 {
        self.added.iter().map(|(_, n)| n).sum()
    }
}

/// Why nothing was generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// This seed's data is already in the database; its keys would collide.
    #[error(
        "the database already holds the synthetic data of seed {seed} (source `{key}`): use another --seed"
    )]
    AlreadyGenerated {
        /// The seed asked for.
        seed: u64,
        /// The key of its source.
        key: String,
    },
    /// The scale is outside what a run can generate.
    #[error("--states must be between 1 and {MAX_STATES}, not {0}")]
    Scale(u32),
    /// The database refused the data; the transaction was rolled back.
    #[error("the database refused the synthetic data: {0}")]
    Database(#[from] DbErr),
}

/// splitmix64: tiny, fast and good enough to spread synthetic values; not for anything secret.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift: no modulo bias worth noting.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// True with probability `percent`/100.
    fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items`; None when there are none.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// `k` distinct items of `pool`, by a partial Fisher-Yates shuffle of it in place; the pool
    /// stays a permutation, so it can be reused for the next draw without resetting.
    fn distinct<T: Copy>(&mut self, pool: &mut [T], k: usize) -> Vec<T> {
        let k = k.min(pool.len());
        for i in 0..k {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool[..k].to_vec()
    }
}

/// 2011-01-01: the Coalition was founded in December 2011, so generated dates start that year.
const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2011, 1, 1) {
    Some(day) => day,
    None => panic!("a valid constant date"),
};
/// The years generated dates fall in.
const FIRST_YEAR: i32 = 2011;
const LAST_YEAR: i32 = 2026;

/// A day between 1 January of `from` and 31 December of `to`.
fn random_day(rng: &mut Rng, from: i32, to: i32) -> NaiveDate {
    let start = FIRST_DAY.with_year(from).unwrap_or(FIRST_DAY);
    let end = FIRST_DAY.with_year(to + 1).unwrap_or(FIRST_DAY);
    let span = (end - start).num_days().max(1) as usize;
    start + TimeDelta::days(rng.below(span) as i64)
}

/// A day as a source might state it: mostly to the day, sometimes to the month or the year,
/// so the interval columns hold all three precisions.
fn stated(rng: &mut Rng, day: NaiveDate) -> UncertainDate {
    let format = match rng.below(100) {
        0..60 => "%Y-%m-%d",
        60..85 => "%Y-%m",
        _ => "%Y",
    };
    // Any formatted valid day parses; the exact day is the same date should it not.
    UncertainDate::from_stated(&day.format(format).to_string())
        .unwrap_or_else(|_| UncertainDate::day(day))
}

/// A year as a source states it.
fn year(year: i32) -> UncertainDate {
    UncertainDate::from_stated(&format!("{year:04}")).unwrap_or_default()
}

/// `X` and the `n`th string of capital letters in bijective base 26 (A, B, ..., Z, AA, ...).
fn state_code(n: u64) -> String {
    let mut n = n + 1;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    std::iter::once('X')
        .chain(letters.into_iter().rev())
        .collect()
}

/// The regions and the UN M49 subregions of each, spelled as the real dataset spells them.
const REGIONS: [(Region, &[&str]); 5] = [
    (Region::Africa, &["Northern Africa", "Sub-Saharan Africa"]),
    (
        Region::Americas,
        &["Latin America and the Caribbean", "Northern America"],
    ),
    (
        Region::Asia,
        &[
            "Central Asia",
            "Eastern Asia",
            "South-eastern Asia",
            "Southern Asia",
            "Western Asia",
        ],
    ),
    (
        Region::Europe,
        &[
            "Eastern Europe",
            "Northern Europe",
            "Southern Europe",
            "Western Europe",
        ],
    ),
    (
        Region::Oceania,
        &[
            "Australia and New Zealand",
            "Melanesia",
            "Micronesia",
            "Polynesia",
        ],
    ),
];

/// Host cities, some with accents so searches exercise the folding.
const CITIES: &[&str] = &[
    "The Hague",
    "Nairobi",
    "Tunis",
    "Tallinn",
    "Ulaanbaatar",
    "San José",
    "Berlin",
    "Accra",
    "Ottawa",
    "Helsinki",
    "Wellington",
    "Montevideo",
    "Reykjavík",
    "Tbilisi",
    "Seoul",
    "Bogotá",
    "Kraków",
    "Lomé",
];

/// What conference themes, commitments and fundings are about.
const TOPICS: &[&str] = &[
    "freedom of expression online",
    "privacy in the digital age",
    "an open and interoperable internet",
    "digital inclusion",
    "the safety of human rights defenders online",
    "multi-stakeholder internet governance",
    "transparency in content moderation",
    "rights-respecting artificial intelligence",
    "the prevention of internet shutdowns",
    "access to information",
    "cybersecurity that respects human rights",
    "the fight against online gender-based violence",
];

/// Documents whose first commitment every member endorses on joining; few, since each one
/// adds an endorsement for every member.
const ON_JOINING_DOCUMENTS: usize = 5;

/// How many endorsements a state makes, on joining and otherwise.
const ENDORSEMENTS_PER_STATE: usize = 50;

/// One document per this many states.
const STATES_PER_DOCUMENT: usize = 100;

/// The commitments each document sets out.
const COMMITMENTS_PER_DOCUMENT: usize = 5;

/// The rows a state brings besides its endorsements and their citations: its own, its share
/// of the other records, their search entries and citations (measured: 7.5 at 20,000 states).
const OTHER_ROWS_PER_STATE: u64 = 8;

/// About how many rows a run of `states` states writes, for the time left. Most are
/// endorsements, each with its citation: a state endorses as many commitments as there
/// are, up to [`ENDORSEMENTS_PER_STATE`].
fn expected_rows(states: u32) -> u64 {
    let states = states as usize;
    let commitments =
        states / STATES_PER_DOCUMENT * COMMITMENTS_PER_DOCUMENT + ON_JOINING_DOCUMENTS;
    let endorsements = states * commitments.min(ENDORSEMENTS_PER_STATE);
    states as u64 * OTHER_ROWS_PER_STATE + 2 * endorsements as u64
}

/// How many bind parameters one statement may carry: well under SQLite's 32766 and
/// PostgreSQL's 65535, and large enough that round trips do not dominate.
fn parameter_budget(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Postgres => 30_000,
        _ => 15_000,
    }
}

/// Rows of one table, inserted as they come in statements of as many rows as the parameter
/// budget allows, so a run's memory does not grow with its largest table.
struct Batch<A: ActiveModelTrait> {
    table: &'static str,
    /// The text column whose value each inserted row reports back with its id.
    key_column: Option<&'static str>,
    rows: Vec<A>,
    rows_per_statement: usize,
    inserted: u64,
    /// The ids of the inserted rows, in no particular order.
    ids: Vec<i32>,
    /// The ids by `key_column`.
    by_key: HashMap<String, i32>,
    /// Whether the caller needs the ids back.
    returning: bool,
}

impl<A> Batch<A>
where
    A: ActiveModelTrait + Send,
{
    /// A batch that reports nothing back.
    fn new(table: &'static str) -> Self {
        Self {
            table,
            key_column: None,
            rows: Vec::new(),
            rows_per_statement: 0,
            inserted: 0,
            ids: Vec::new(),
            by_key: HashMap::new(),
            returning: false,
        }
    }

    /// A batch that collects the ids of its rows.
    fn returning_ids(table: &'static str) -> Self {
        Self {
            returning: true,
            ..Self::new(table)
        }
    }

    /// A batch that collects the ids of its rows by the value of `column`.
    fn returning_keys(table: &'static str, column: &'static str) -> Self {
        Self {
            returning: true,
            key_column: Some(column),
            ..Self::new(table)
        }
    }

    async fn push(&mut self, out: Out<'_>, row: A) -> Result<(), DbErr> {
        if self.rows_per_statement == 0 {
            // Every row of a batch sets the same columns, so the first one tells.
            let columns = <A::Entity as EntityTrait>::Column::iter()
                .filter(|c| !row.is_not_set(*c))
                .count()
                .max(1);
            self.rows_per_statement =
                (parameter_budget(out.txn.get_database_backend()) / columns).max(1);
        }
        self.rows.push(row);
        if self.rows.len() >= self.rows_per_statement {
            self.flush(out).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, out: Out<'_>) -> Result<(), DbErr> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let count = rows.len() as u64;
        self.inserted += count;
        let mut insert = <A::Entity as EntityTrait>::insert_many(rows).into_query();
        if !self.returning {
            out.txn.execute(&insert).await?;
            out.progress.advance(count);
            return Ok(());
        }
        // RETURNING on both backends (SQLite has it since 3.35): the ids come back with the
        // rows instead of by a second query, which could not tell this run's rows from those
        // another writer adds meanwhile.
        let columns = std::iter::once("id").chain(self.key_column);
        insert.returning(Query::returning().columns(columns.map(Alias::new)));
        let inserted = out.txn.query_all(&insert).await?;
        out.progress.advance(count);
        for row in inserted {
            let id: i32 = row.try_get("", "id")?;
            self.ids.push(id);
            if let Some(column) = self.key_column {
                self.by_key.insert(row.try_get("", column)?, id);
            }
        }
        Ok(())
    }

    /// Inserts what is left and records the count.
    async fn finish(mut self, out: Out<'_>, report: &mut GenerateReport) -> Result<Self, DbErr> {
        self.flush(out).await?;
        report.added.push((self.table, self.inserted));
        Ok(self)
    }

    /// The id of the row inserted with `key`.
    fn id_of(&self, key: &str) -> Result<i32, DbErr> {
        self.by_key.get(key).copied().ok_or_else(|| {
            DbErr::RecordNotFound(format!("{} `{key}` was not reported back", self.table))
        })
    }
}

/// A generated state, as later tables need it.
struct StateInfo {
    id: i32,
    code: String,
    /// Its joining date, for members.
    joined: Option<UncertainDate>,
}

/// A generated conference, as hosts and documents need it.
struct ConferenceInfo {
    id: i32,
    start: NaiveDate,
}

/// The new commitments, split by whether members endorse them on joining.
struct CommitmentIds {
    on_joining: Vec<i32>,
    others: Vec<i32>,
}

/// Where a run writes: its transaction, and whoever watches its progress.
#[derive(Clone, Copy)]
struct Out<'a> {
    txn: &'a DatabaseTransaction,
    progress: &'a dyn Progress,
}

/// Fills the database with synthetic data at the scale of `options.states`, in one
/// transaction; the database must be migrated. Each stage (a table, mostly) and the rows
/// written are told to `progress`.
pub async fn generate(
    db: &DatabaseConnection,
    options: GenerateOptions,
    progress: &dyn Progress,
) -> Result<GenerateReport, GenerateError> {
    if options.states == 0 || options.states > MAX_STATES {
        return Err(GenerateError::Scale(options.states));
    }
    let started = Instant::now();
    let source_key = format!("SYNTHETIC-{}", options.seed);
    let taken = source::Entity::find()
        .filter(source::Column::Key.eq(source_key.as_str()))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(GenerateError::AlreadyGenerated {
            seed: options.seed,
            key: source_key,
        });
    }
    progress.expect(expected_rows(options.states));
    let txn = db.begin().await?;
    let mut run = Run {
        out: Out {
            txn: &txn,
            progress,
        },
        rng: Rng(options.seed),
        prefix: format!("syn{}-", options.seed),
        scale: options.states as usize,
        report: GenerateReport::default(),
        search: Batch::new("search_entries"),
        citations: Vec::new(),
    };
    run.all(options.seed, &source_key).await?;
    let mut report = run.report;
    crate::changes::announce(&txn, crate::changes::Cause::Generate, Vec::new()).await?;
    // Dropping the transaction unfinished, on any error above, rolls everything back.
    txn.commit().await?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// One run of the generator inside its transaction.
struct Run<'a> {
    out: Out<'a>,
    rng: Rng,
    /// `syn<seed>-`, the start of every key.
    prefix: String,
    /// The number of states.
    scale: usize,
    report: GenerateReport,
    /// The search entries of the records inserted so far.
    search: Batch<search_entry::ActiveModel>,
    /// The ids of the records inserted so far, by kind: each will cite the source.
    citations: Vec<(RecordKind, Vec<i32>)>,
}

impl Run<'_> {
    /// Generates every table, parents before children.
    async fn all(&mut self, seed: u64, source_key: &str) -> Result<(), DbErr> {
        let txn = self.out.txn;
        // What is there already, read before anything is added.
        let taken_codes: HashSet<String> = state::Entity::find()
            .select_only()
            .column(state::Column::Code)
            .into_tuple::<String>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        let max_ordinal: Option<i32> = conference::Entity::find()
            .select_only()
            .column_as(conference::Column::Ordinal.max(), "max_ordinal")
            .into_tuple::<Option<i32>>()
            .one(txn)
            .await?
            .flatten();
        let existing_memberships = membership::Entity::find()
            .order_by_asc(membership::Column::Id)
            .all(txn)
            .await?;
        let existing_on_joining: Vec<i32> = commitment::Entity::find()
            .select_only()
            .column(commitment::Column::Id)
            .filter(commitment::Column::EndorsedOnJoining.eq(true))
            .order_by_asc(commitment::Column::Id)
            .into_tuple::<i32>()
            .all(txn)
            .await?;

        // The stages, as progress names them; search entries are written along the way.
        let stage = |name| self.out.progress.stage(name, None);
        stage("states");
        let source_id = self.source(seed, source_key).await?;
        let mut states = self.states(&taken_codes).await?;
        let state_ids: Vec<i32> = states.iter().map(|s| s.id).collect();
        stage("memberships");
        self.memberships(&mut states).await?;
        stage("conferences");
        let conferences = self.conferences(max_ordinal.unwrap_or(0)).await?;
        self.hosts(&conferences, &state_ids).await?;
        stage("chairships");
        self.chairships(&state_ids).await?;
        stage("documents");
        let commitments = self.documents(&conferences).await?;
        stage("endorsements");
        self.endorsements(
            &states,
            &existing_memberships,
            &existing_on_joining,
            commitments,
        )
        .await?;
        stage("organizations");
        let organization_ids = self.organizations(&state_ids).await?;
        stage("fundings");
        self.fundings(&state_ids, &organization_ids).await?;
        stage("citations");
        self.cite(source_id).await?;
        stage("search index");
        let search = std::mem::replace(&mut self.search, Batch::new("search_entries"));
        search.finish(self.out, &mut self.report).await?;
        Ok(())
    }

    /// Adds one searchable field of a record to the index, folded as [`crate::search`] folds
    /// it; [`crate::search::reindex`] finds nothing to change afterwards.
    async fn index(
        &mut self,
        kind: RecordKind,
        id: i32,
        field: &'static str,
        text: &str,
    ) -> Result<(), DbErr> {
        let entry = search_entry::ActiveModel {
            record_kind: Set(kind),
            record_id: Set(id),
            field: Set(field.to_owned()),
            text: Set(text.to_owned()),
            folded: Set(fold(text)),
            ..Default::default()
        };
        self.search.push(self.out, entry).await
    }

    /// The source every generated record cites; its id.
    async fn source(&mut self, seed: u64, key: &str) -> Result<i32, DbErr> {
        let mut source = source::ActiveModel {
            key: Set(key.to_owned()),
            title: Set(format!(
                "Synthetic data generated by `foc-graph generate --seed {seed}`: not a real publication"
            )),
            title_is_description: Set(true),
            publisher: Set(Some("foc-graph generate".to_owned())),
            url: Set(None),
            note: Set(Some(
                "Every record citing this source is synthetic test data; none of it is true."
                    .to_owned(),
            )),
            ..Default::default()
        };
        // Undated: a date from the clock would make two runs differ.
        write_date(&mut source, "published", None);
        let mut sources = Batch::returning_ids("sources");
        sources.push(self.out, source).await?;
        let sources = sources.finish(self.out, &mut self.report).await?;
        sources.ids.first().copied().ok_or(DbErr::RecordNotInserted)
    }

    /// The states, with codes `X...` that are not taken; `XK` is skipped too.
    async fn states(&mut self, taken_codes: &HashSet<String>) -> Result<Vec<StateInfo>, DbErr> {
        let mut codes = Vec::with_capacity(self.scale);
        let mut candidate = 0u64;
        while codes.len() < self.scale {
            let code = state_code(candidate);
            candidate += 1;
            if code != "XK" && !taken_codes.contains(&code) {
                codes.push(code);
            }
        }
        let mut batch = Batch::returning_keys("states", "code");
        let mut rows = Vec::with_capacity(self.scale);
        for (i, code) in codes.into_iter().enumerate() {
            let (region, subregions) = REGIONS[self.rng.below(REGIONS.len())];
            let subregion = self.rng.pick(subregions).copied().unwrap_or_default();
            let name = format!("Synthetic State {}", i + 1);
            let am = state::ActiveModel {
                code: Set(code.clone()),
                name: Set(name.clone()),
                region: Set(region),
                subregion: Set(subregion.to_owned()),
                ..Default::default()
            };
            rows.push((code, name, subregion));
            batch.push(self.out, am).await?;
        }
        let batch = batch.finish(self.out, &mut self.report).await?;
        let mut states = Vec::with_capacity(self.scale);
        for (code, name, subregion) in &rows {
            let id = batch.id_of(code)?;
            self.index(RecordKind::State, id, "name", name).await?;
            self.index(RecordKind::State, id, "code", code).await?;
            self.index(RecordKind::State, id, "subregion", subregion)
                .await?;
            states.push(StateInfo {
                id,
                code: code.clone(),
                joined: None,
            });
        }
        self.citations.push((RecordKind::State, batch.ids));
        Ok(states)
    }

    /// Memberships of about nine states in ten, joined between 2011 and 2026; a few have
    /// left since.
    async fn memberships(&mut self, states: &mut [StateInfo]) -> Result<(), DbErr> {
        let mut batch = Batch::returning_ids("memberships");
        for state in states.iter_mut() {
            if !self.rng.percent(90) {
                continue;
            }
            let day = random_day(&mut self.rng, FIRST_YEAR, LAST_YEAR);
            let joined = stated(&mut self.rng, day);
            let left_year = day.year() + 1 + self.rng.below(4) as i32;
            let left = (self.rng.percent(5) && left_year <= LAST_YEAR).then(|| year(left_year));
            let mut am = membership::ActiveModel {
                // As the loader and curation key them: by the state's code.
                key: Set(state.code.clone()),
                state_id: Set(state.id),
                founding: Set(day.year() == FIRST_YEAR),
                ordinal: Set(None),
                note: Set(None),
                ..Default::default()
            };
            write_date(&mut am, "joined", Some(joined.clone()));
            write_date(&mut am, "left", left);
            state.joined = Some(joined);
            batch.push(self.out, am).await?;
        }
        let batch = batch.finish(self.out, &mut self.report).await?;
        self.citations.push((RecordKind::Membership, batch.ids));
        Ok(())
    }

    /// One conference per 20 states: half are annual conferences, numbered on from
    /// `last_ordinal`, the rest strategy meetings and receptions.
    async fn conferences(&mut self, last_ordinal: i32) -> Result<Vec<ConferenceInfo>, DbErr> {
        let count = self.scale / 20;
        let mut batch = Batch::returning_keys("conferences", "key");
        let mut rows = Vec::with_capacity(count);
        let mut ordinal = last_ordinal;
        for i in 1..=count {
            let key = format!("{}conference-{i}", self.prefix);
            let (kind, name) = match self.rng.below(100) {
                0..50 => {
                    ordinal += 1;
                    (
                        ConferenceKind::FreedomOnlineConference,
                        format!("Synthetic Freedom Online Conference {ordinal}"),
                    )
                }
                50..85 => (
                    ConferenceKind::StrategyMeeting,
                    format!("Synthetic Strategy and Coordination Meeting {i}"),
                ),
                _ => (
                    ConferenceKind::Reception,
                    format!("Synthetic Reception {i}"),
                ),
            };
            let start = random_day(&mut self.rng, FIRST_YEAR, LAST_YEAR);
            let end = start + TimeDelta::days(self.rng.below(3) as i64);
            let online = self.rng.percent(15);
            let city = self.rng.pick(CITIES).map(|c| (*c).to_owned());
            let venue = (!online).then(|| format!("Synthetic Convention Centre {i}"));
            let theme = if self.rng.percent(70) {
                self.rng.pick(TOPICS).map(|t| format!("Advancing {t}"))
            } else {
                None
            };
            let am = conference::ActiveModel {
                key: Set(key.clone()),
                kind: Set(kind),
                ordinal: Set((kind == ConferenceKind::FreedomOnlineConference).then_some(ordinal)),
                name: Set(name.clone()),
                city: Set(city.clone()),
                venue: Set(venue.clone()),
                start_date: Set(Some(start)),
                end_date: Set(Some(end)),
                theme: Set(theme.clone()),
                format: Set(Some(if online {
                    ConferenceFormat::Virtual
                } else {
                    ConferenceFormat::InPerson
                })),
                note: Set(None),
                ..Default::default()
            };
            rows.push((
                key,
                name,
                [("city", city), ("venue", venue), ("theme", theme)],
                start,
            ));
            batch.push(self.out, am).await?;
        }
        let batch = batch.finish(self.out, &mut self.report).await?;
        let mut conferences = Vec::with_capacity(count);
        for (key, name, optional, start) in &rows {
            let id = batch.id_of(key)?;
            self.index(RecordKind::Conference, id, "name", name).await?;
            for (field, value) in optional {
                if let Some(value) = value {
                    self.index(RecordKind::Conference, id, field, value).await?;
                }
            }
            conferences.push(ConferenceInfo { id, start: *start });
        }
        self.citations.push((RecordKind::Conference, batch.ids));
        Ok(conferences)
    }

    /// One to three hosts per conference; with several, the first hosts and the others
    /// co-host.
    async fn hosts(
        &mut self,
        conferences: &[ConferenceInfo],
        state_ids: &[i32],
    ) -> Result<(), DbErr> {
        let mut batch = Batch::new("conference_hosts");
        let mut pool = state_ids.to_vec();
        for conference in conferences {
            let count = 1 + self.rng.below(3);
            let hosts = self.rng.distinct(&mut pool, count);
            for (j, state_id) in hosts.into_iter().enumerate() {
                let am = conference_host::ActiveModel {
                    conference_id: Set(conference.id),
                    state_id: Set(state_id),
                    role: Set(if j == 0 {
                        HostRole::Host
                    } else {
                        HostRole::CoHost
                    }),
                    ..Default::default()
                };
                batch.push(self.out, am).await?;
            }
        }
        batch.finish(self.out, &mut self.report).await?;
        Ok(())
    }

    /// One chairship per 50 states, each a year long.
    async fn chairships(&mut self, state_ids: &[i32]) -> Result<(), DbErr> {
        let mut batch = Batch::returning_ids("chairships");
        for i in 1..=self.scale / 50 {
            let start = FIRST_YEAR + self.rng.below((LAST_YEAR - FIRST_YEAR + 1) as usize) as i32;
            let mut am = chairship::ActiveModel {
                key: Set(format!("{}chairship-{i}", self.prefix)),
                state_id: Set(self.rng.pick(state_ids).copied()),
                interim: Set(None),
                note: Set(None),
                ..Default::default()
            };
            write_date(&mut am, "start", Some(year(start)));
            write_date(&mut am, "end", Some(year(start + 1)));
            batch.push(self.out, am).await?;
        }
        let batch = batch.finish(self.out, &mut self.report).await?;
        self.citations.push((RecordKind::Chairship, batch.ids));
        Ok(())
    }

    /// One document per 100 states, most adopted at a conference, with five commitments
    /// each; the first commitment of the first few documents is endorsed on joining.
    async fn documents(&mut self, conferences: &[ConferenceInfo]) -> Result<CommitmentIds, DbErr> {
        const KINDS: [(DocumentKind, &str); 5] = [
            (DocumentKind::Declaration, "Declaration"),
            (DocumentKind::TermsOfReference, "Terms of Reference"),
            (DocumentKind::Agenda, "Agenda"),
            (DocumentKind::Statement, "Statement"),
            (DocumentKind::ChairsSummary, "Chair's Summary"),
        ];
        let count = self.scale / STATES_PER_DOCUMENT;
        let mut batch = Batch::returning_keys("documents", "key");
        let mut rows = Vec::with_capacity(count);
        for i in 1..=count {
            let key = format!("{}document-{i}", self.prefix);
            let (kind, label) = KINDS[self.rng.below(KINDS.len())];
            let title = format!("Synthetic {label} {i}");
            let conference = if self.rng.percent(70) {
                self.rng.pick(conferences)
            } else {
                None
            };
            let adopted = match conference {
                Some(c) => UncertainDate::day(c.start),
                None => {
                    let day = random_day(&mut self.rng, FIRST_YEAR, LAST_YEAR);
                    stated(&mut self.rng, day)
                }
            };
            let mut am = document::ActiveModel {
                key: Set(key.clone()),
                title: Set(title.clone()),
                kind: Set(kind),
                conference_id: Set(conference.map(|c| c.id)),
                note: Set(None),
                ..Default::default()
            };
            write_date(&mut am, "adopted", Some(adopted));
            rows.push((key, title));
            batch.push(self.out, am).await?;
        }
        let documents = batch.finish(self.out, &mut self.report).await?;

        let mut batch = Batch::returning_keys("commitments", "key");
        let mut commitment_rows = Vec::with_capacity(count * COMMITMENTS_PER_DOCUMENT);
        for (d, (key, title)) in rows.iter().enumerate() {
            let document_id = documents.id_of(key)?;
            self.index(RecordKind::Document, document_id, "title", title)
                .await?;
            for j in 1..=COMMITMENTS_PER_DOCUMENT {
                let key = format!("{}commitment-{}-{j}", self.prefix, d + 1);
                let topic = self.rng.pick(TOPICS).copied().unwrap_or_default();
                let (kind, title) = if self.rng.percent(60) {
                    (CommitmentKind::Principle, format!("Respect for {topic}"))
                } else {
                    (CommitmentKind::AreaOfAction, format!("Action on {topic}"))
                };
                let description = format!(
                    "A synthetic commitment to {topic}, set out in synthetic document {}.",
                    d + 1
                );
                let on_joining = j == 1 && d < ON_JOINING_DOCUMENTS;
                let am = commitment::ActiveModel {
                    key: Set(key.clone()),
                    kind: Set(kind),
                    title: Set(title.clone()),
                    description: Set(description.clone()),
                    document_id: Set(Some(document_id)),
                    endorsed_on_joining: Set(on_joining),
                    ..Default::default()
                };
                commitment_rows.push((key, title, description, on_joining));
                batch.push(self.out, am).await?;
            }
        }
        self.citations.push((RecordKind::Document, documents.ids));
        let batch = batch.finish(self.out, &mut self.report).await?;
        let mut ids = CommitmentIds {
            on_joining: Vec::new(),
            others: Vec::new(),
        };
        for (key, title, description, on_joining) in &commitment_rows {
            let id = batch.id_of(key)?;
            self.index(RecordKind::Commitment, id, "title", title)
                .await?;
            self.index(RecordKind::Commitment, id, "description", description)
                .await?;
            if *on_joining {
                ids.on_joining.push(id);
            } else {
                ids.others.push(id);
            }
        }
        self.citations.push((RecordKind::Commitment, batch.ids));
        Ok(ids)
    }

    /// About 50 endorsements per state. Every member endorses each commitment marked
    /// endorsed on joining, dated with its joining date, as the loader and curation keep it:
    /// the new members endorse those already there and the new ones, and the members already
    /// there endorse the new ones. The rest of a state's 50 are distinct commitments drawn
    /// from the other new ones, with dates of their own.
    async fn endorsements(
        &mut self,
        states: &[StateInfo],
        existing_memberships: &[membership::Model],
        existing_on_joining: &[i32],
        mut commitments: CommitmentIds,
    ) -> Result<(), DbErr> {
        fn endorsement(
            state_id: i32,
            commitment_id: i32,
            date: Option<UncertainDate>,
        ) -> endorsement::ActiveModel {
            let mut am = endorsement::ActiveModel {
                state_id: Set(state_id),
                commitment_id: Set(commitment_id),
                note: Set(None),
                ..Default::default()
            };
            write_date(&mut am, "endorsed", date);
            am
        }
        let mut batch = Batch::returning_ids("endorsements");
        for m in existing_memberships {
            let joined = read_date(m, "joined");
            for &commitment_id in &commitments.on_joining {
                batch
                    .push(
                        self.out,
                        endorsement(m.state_id, commitment_id, joined.clone()),
                    )
                    .await?;
            }
        }
        let on_joining: Vec<i32> = existing_on_joining
            .iter()
            .chain(&commitments.on_joining)
            .copied()
            .collect();
        for state in states {
            let mut made = 0;
            if let Some(joined) = &state.joined {
                for &commitment_id in &on_joining {
                    batch
                        .push(
                            self.out,
                            endorsement(state.id, commitment_id, Some(joined.clone())),
                        )
                        .await?;
                    made += 1;
                }
            }
            let wanted = ENDORSEMENTS_PER_STATE.saturating_sub(made);
            for commitment_id in self.rng.distinct(&mut commitments.others, wanted) {
                let day = random_day(&mut self.rng, FIRST_YEAR, LAST_YEAR);
                let date = stated(&mut self.rng, day);
                batch
                    .push(self.out, endorsement(state.id, commitment_id, Some(date)))
                    .await?;
            }
        }
        let batch = batch.finish(self.out, &mut self.report).await?;
        self.citations.push((RecordKind::Endorsement, batch.ids));
        Ok(())
    }

    /// One organization per 100 states: NGOs, departments and agencies, then bureaus and
    /// offices under a department (and in its state). Returns their ids.
    async fn organizations(&mut self, state_ids: &[i32]) -> Result<Vec<i32>, DbErr> {
        let count = self.scale / 100;
        let mut batch = Batch::returning_keys("organizations", "key");
        let mut rows = Vec::with_capacity(count);
        let mut children = Vec::new();
        for i in 1..=count {
            let key = format!("{}organization-{i}", self.prefix);
            let (kind, label) = match self.rng.below(100) {
                0..30 => (OrganizationKind::Ngo, "Digital Rights Foundation"),
                30..55 => (
                    OrganizationKind::GovernmentDepartment,
                    "Ministry of Digital Affairs",
                ),
                55..70 => (
                    OrganizationKind::GovernmentAgency,
                    "Agency for Internet Freedom",
                ),
                70..85 => (OrganizationKind::GovernmentBureau, "Bureau of Cyber Policy"),
                _ => (
                    OrganizationKind::GovernmentOffice,
                    "Office of Online Rights",
                ),
            };
            let state_id = match kind {
                OrganizationKind::Ngo => None,
                _ => self.rng.pick(state_ids).copied(),
            };
            let name = format!("Synthetic {label} {i}");
            let am = organization::ActiveModel {
                key: Set(key.clone()),
                name: Set(name.clone()),
                kind: Set(kind),
                state_id: Set(state_id),
                parent_id: Set(None),
                ..Default::default()
            };
            rows.push((key, name, kind, state_id));
            if matches!(
                kind,
                OrganizationKind::GovernmentBureau | OrganizationKind::GovernmentOffice
            ) {
                children.push(am);
            } else {
                batch.push(self.out, am).await?;
            }
        }
        // The departments need ids before the bureaus and offices can name them as parents.
        batch.flush(self.out).await?;
        let mut departments = Vec::new();
        for (key, _, kind, state_id) in &rows {
            if *kind == OrganizationKind::GovernmentDepartment {
                departments.push((batch.id_of(key)?, *state_id));
            }
        }
        for mut am in children {
            // Without a department to belong to, a bureau or office stands alone.
            if let Some((parent, state_id)) = self.rng.pick(&departments).copied() {
                am.parent_id = Set(Some(parent));
                am.state_id = Set(state_id);
            }
            batch.push(self.out, am).await?;
        }
        let batch = batch.finish(self.out, &mut self.report).await?;
        let mut ids = Vec::with_capacity(count);
        for (key, name, _, _) in &rows {
            let id = batch.id_of(key)?;
            self.index(RecordKind::Organization, id, "name", name)
                .await?;
            ids.push(id);
        }
        self.citations.push((RecordKind::Organization, batch.ids));
        Ok(ids)
    }

    /// One funding per 50 states, each with one to three distinct funders, mostly states.
    async fn fundings(&mut self, state_ids: &[i32], organization_ids: &[i32]) -> Result<(), DbErr> {
        const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "CAD", "SEK", "NOK", "CHF"];
        const QUALIFIERS: &[FundingQualifier] = &[
            FundingQualifier::Exactly,
            FundingQualifier::About,
            FundingQualifier::MoreThan,
        ];
        let count = self.scale / 50;
        let mut batch = Batch::returning_keys("fundings", "key");
        let mut keys = Vec::with_capacity(count);
        for i in 1..=count {
            let key = format!("{}funding-{i}", self.prefix);
            let topic = self.rng.pick(TOPICS).copied().unwrap_or_default();
            let amount = if self.rng.percent(90) {
                Some((10 + self.rng.below(5_000)) as i64 * 1_000)
            } else {
                None
            };
            let (currency, qualifier) = match amount {
                Some(_) => (
                    self.rng.pick(CURRENCIES).map(|c| (*c).to_owned()),
                    self.rng.pick(QUALIFIERS).copied(),
                ),
                None => (None, None),
            };
            let start = FIRST_YEAR + self.rng.below((LAST_YEAR - FIRST_YEAR + 1) as usize) as i32;
            let end = start + 1 + self.rng.below(3) as i32;
            let mut am = funding::ActiveModel {
                key: Set(key.clone()),
                description: Set(format!("Synthetic funding {i} for work on {topic}")),
                amount: Set(amount),
                currency: Set(currency),
                qualifier: Set(qualifier),
                recipient_initiative_id: Set(None),
                recipient_programme: Set(Some(format!(
                    "Synthetic Programme {}",
                    1 + self.rng.below(20)
                ))),
                funders_complete: Set(self.rng.percent(50)),
                note: Set(None),
                ..Default::default()
            };
            write_date(&mut am, "period_start", Some(year(start)));
            write_date(&mut am, "period_end", Some(year(end)));
            keys.push(key);
            batch.push(self.out, am).await?;
        }
        let fundings = batch.finish(self.out, &mut self.report).await?;

        let mut batch = Batch::new("funding_funders");
        let mut state_pool = state_ids.to_vec();
        let mut organization_pool = organization_ids.to_vec();
        for key in &keys {
            let funding_id = fundings.id_of(key)?;
            let count = 1 + self.rng.below(3);
            let from_organizations = if organization_pool.is_empty() {
                0
            } else {
                (0..count).filter(|_| self.rng.percent(30)).count()
            };
            let states = self
                .rng
                .distinct(&mut state_pool, count - from_organizations);
            let organizations = self
                .rng
                .distinct(&mut organization_pool, from_organizations);
            let funders = states
                .into_iter()
                .map(|s| (Some(s), None))
                .chain(organizations.into_iter().map(|o| (None, Some(o))));
            for (state_id, organization_id) in funders {
                let am = funding_funder::ActiveModel {
                    funding_id: Set(funding_id),
                    state_id: Set(state_id),
                    organization_id: Set(organization_id),
                    ..Default::default()
                };
                batch.push(self.out, am).await?;
            }
        }
        batch.finish(self.out, &mut self.report).await?;
        self.citations.push((RecordKind::Funding, fundings.ids));
        Ok(())
    }

    /// Every generated record cites the synthetic source: in id order per kind, so the table
    /// reads the same whatever order RETURNING gave the ids in.
    async fn cite(&mut self, source_id: i32) -> Result<(), DbErr> {
        let mut batch = Batch::new("citations");
        for (kind, mut ids) in std::mem::take(&mut self.citations) {
            ids.sort_unstable();
            for record_id in ids {
                let am = citation::ActiveModel {
                    record_kind: Set(kind),
                    record_id: Set(record_id),
                    source_id: Set(source_id),
                    ..Default::default()
                };
                batch.push(self.out, am).await?;
            }
        }
        batch.finish(self.out, &mut self.report).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_x_and_letters_without_gaps() {
        assert_eq!(state_code(0), "XA");
        assert_eq!(state_code(25), "XZ");
        assert_eq!(state_code(26), "XAA");
        assert_eq!(state_code(26 + 26 * 26 - 1), "XZZ");
        assert_eq!(state_code(26 + 26 * 26), "XAAA");
        let codes: HashSet<String> = (0..20_000).map(state_code).collect();
        assert_eq!(codes.len(), 20_000);
    }

    #[test]
    fn the_generator_repeats_itself_and_draws_distinct_items() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        let first: Vec<u64> = (0..10).map(|_| a.next()).collect();
        let second: Vec<u64> = (0..10).map(|_| b.next()).collect();
        assert_eq!(first, second);
        let mut pool: Vec<u32> = (0..100).collect();
        for _ in 0..50 {
            let mut drawn = a.distinct(&mut pool, 40);
            drawn.sort_unstable();
            drawn.dedup();
            assert_eq!(drawn.len(), 40);
        }
        assert_eq!(a.distinct(&mut pool, 500).len(), 100);
        assert!((0..1000).all(|_| a.below(7) < 7));
        assert_eq!(a.below(0), 0);
    }

    #[test]
    fn stated_dates_keep_the_day_inside_their_interval() {
        let mut rng = Rng(1);
        for _ in 0..1000 {
            let day = random_day(&mut rng, FIRST_YEAR, LAST_YEAR);
            assert!((FIRST_YEAR..=LAST_YEAR).contains(&day.year()));
            let date = stated(&mut rng, day);
            assert!(date.earliest <= Some(day) && Some(day) <= date.latest);
        }
    }
}
