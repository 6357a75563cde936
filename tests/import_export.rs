//! `foc-graph export` and `foc-graph import`: the round trip is exact, a bad file is refused
//! with every problem and its place, and a refused import leaves the database as it was. On
//! SQLite and on PostgreSQL, and through the binary.

mod common;

use std::process::{Command, Output};

use chrono::NaiveDate;
use common::{Backend, DatabaseGuardHandle, export_text};
use entity::enums::{CommitmentKind, Precision, RecordKind};
use entity::{
    chairship, citation, claim, coalition, commitment, conference, conference_host, document,
    endorsement, funding, funding_funder, initiative, membership, organization, person,
    person_role, search_entry, source, state,
};
use foc_graph::dataset::{self, DEFAULT_DATASET, Dataset, DatasetError};
use foc_graph::progress::Silent;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};

/// Runs a check on SQLite and on PostgreSQL (skipped without its URL, outside CI).
macro_rules! on_both_backends {
    ($name:ident, $check:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$check(super::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$check(super::Backend::Postgres).await;
            }
        }
    };
}

/// A fresh, migrated database holding no records; None when the backend is not available.
async fn empty_database(backend: Backend) -> Option<(DatabaseConnection, DatabaseGuardHandle)> {
    let (url, guard) = common::fresh_database(backend).await?;
    let db = foc_graph::db::connect(&url, foc_graph::db::MAINTENANCE_STATEMENT_TIMEOUT)
        .await
        .expect("connect");
    foc_graph::db::migrate(&db).await.expect("migrate");
    Some((db, guard))
}

/// A fresh database seeded with the shipped dataset.
async fn seeded_database(backend: Backend) -> Option<(DatabaseConnection, DatabaseGuardHandle)> {
    let (db, guard) = empty_database(backend).await?;
    foc_graph::db::seed(&db, None).await.expect("seed");
    Some((db, guard))
}

/// The number of rows of every table, search index included.
async fn counts(db: &DatabaseConnection) -> Vec<(&'static str, u64)> {
    macro_rules! count {
        ($($module:ident),*) => {
            vec![$((
                stringify!($module),
                $module::Entity::find().count(db).await.expect("count"),
            )),*]
        };
    }
    count!(
        source,
        coalition,
        state,
        membership,
        conference,
        conference_host,
        chairship,
        document,
        commitment,
        endorsement,
        organization,
        initiative,
        funding,
        funding_funder,
        person,
        person_role,
        claim,
        citation,
        search_entry
    )
}

fn count_of(counts: &[(&str, u64)], table: &str) -> u64 {
    counts
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, n)| *n)
        .expect("a counted table")
}

on_both_backends!(
    the_shipped_dataset_round_trips_exactly,
    shipped_dataset_round_trip
);
async fn shipped_dataset_round_trip(backend: Backend) {
    let Some((seeded, _seeded_guard)) = seeded_database(backend).await else {
        return;
    };
    let first = export_text(&seeded).await;

    let Some((fresh, _fresh_guard)) = empty_database(backend).await else {
        return;
    };
    let report = dataset::import(&fresh, &first, &Silent)
        .await
        .expect("import");
    assert!(report.removed.iter().all(|(_, n)| *n == 0), "{report:?}");
    let second = export_text(&fresh).await;
    assert_eq!(first, second, "export, import, export gives the same bytes");

    // The same facts: every table holds as many rows, the search index included.
    let before = counts(&seeded).await;
    let after = counts(&fresh).await;
    assert_eq!(before, after);
    let shipped = Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset");
    assert_eq!(count_of(&after, "state"), shipped.states.len() as u64);
    assert_eq!(
        count_of(&after, "endorsement"),
        (shipped.memberships.len() * shipped.commitments.len()) as u64,
        "every member endorses every commitment on joining"
    );
    assert!(count_of(&after, "citation") > 1000);
    assert!(count_of(&after, "search_entry") > 0);
    // Only the endorsements with a note of their own are written out.
    let exported = Dataset::parse(&first).expect("the export is a valid data file");
    assert_eq!(exported.endorsements.len(), shipped.endorsements.len());
    assert!(exported.endorsements.iter().all(|e| e.note.is_some()));

    // Importing over the data replaces it: the same export again, though every id changed.
    let report = dataset::import(&seeded, &first, &Silent)
        .await
        .expect("import again");
    assert_eq!(
        report.removed.iter().map(|(_, n)| n).sum::<u64>(),
        before.iter().map(|(_, n)| n).sum::<u64>(),
        "every row was replaced"
    );
    assert_eq!(export_text(&seeded).await, first);
    assert_eq!(counts(&seeded).await, before);
}

on_both_backends!(curated_records_round_trip_exactly, curated_round_trip);
/// Records the seed alone would not produce: an endorsement dated apart from the joining
/// date and citing one more source, one with no date at all, and an endorsement of a
/// commitment not endorsed on joining.
async fn curated_round_trip(backend: Backend) {
    let Some((db, _guard)) = seeded_database(backend).await else {
        return;
    };
    let id_of_state = |code: &'static str| {
        let db = db.clone();
        async move {
            state::Entity::find()
                .filter(state::Column::Code.eq(code))
                .one(&db)
                .await
                .expect("query")
                .expect("the state")
                .id
        }
    };
    let (ke, nl) = (id_of_state("KE").await, id_of_state("NL").await);
    let source_id = |key: &'static str| {
        let db = db.clone();
        async move {
            source::Entity::find()
                .filter(source::Column::Key.eq(key))
                .one(&db)
                .await
                .expect("query")
                .expect("the source")
                .id
        }
    };
    let kenyan = endorsement::Entity::find()
        .filter(endorsement::Column::StateId.eq(ke))
        .order_by_asc(endorsement::Column::Id)
        .all(&db)
        .await
        .expect("query");
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");

    // Kenya's first endorsement: May 2013, citing one more source.
    let mut dated = kenyan[0].clone().into_active_model();
    dated.endorsed_stated = Set(Some("2013-05".into()));
    dated.endorsed_precision = Set(Some(Precision::Month));
    dated.endorsed_earliest = Set(Some(day("2013-05-01")));
    dated.endorsed_latest = Set(Some(day("2013-05-31")));
    dated.endorsed_narrowed_by = Set(None);
    dated.endorsed_narrowing_note = Set(None);
    dated.update(&db).await.expect("date the endorsement");
    citation::ActiveModel {
        record_kind: Set(RecordKind::Endorsement),
        record_id: Set(kenyan[0].id),
        source_id: Set(source_id("GOVNL-2013").await),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("cite");
    // Kenya's second endorsement: no date at all.
    let mut undated = kenyan[1].clone().into_active_model();
    undated.endorsed_stated = Set(None);
    undated.endorsed_precision = Set(None);
    undated.endorsed_earliest = Set(None);
    undated.endorsed_latest = Set(None);
    undated.endorsed_narrowed_by = Set(None);
    undated.endorsed_narrowing_note = Set(None);
    undated.update(&db).await.expect("undate the endorsement");
    // A pledge no member makes on joining, endorsed by the Netherlands on a narrowed date.
    let pledge = commitment::ActiveModel {
        key: Set("test-pledge".into()),
        kind: Set(CommitmentKind::AreaOfAction),
        title: Set("A test pledge".into()),
        description: Set("Made by one member only.".into()),
        document_id: Set(None),
        endorsed_on_joining: Set(false),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("a commitment");
    let pledged = endorsement::ActiveModel {
        state_id: Set(nl),
        commitment_id: Set(pledge.id),
        note: Set(Some("Pledged at a test.".into())),
        endorsed_stated: Set(Some("2020".into())),
        endorsed_precision: Set(Some(Precision::Year)),
        endorsed_earliest: Set(Some(day("2020-03-01"))),
        endorsed_latest: Set(Some(day("2020-12-31"))),
        endorsed_narrowed_by: Set(Some("FOC-NEWS".into())),
        endorsed_narrowing_note: Set(Some("after the March meeting".into())),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("an endorsement");
    for (kind, id) in [
        (RecordKind::Commitment, pledge.id),
        (RecordKind::Endorsement, pledged.id),
    ] {
        citation::ActiveModel {
            record_kind: Set(kind),
            record_id: Set(id),
            source_id: Set(source_id("FOC-NEWS").await),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("cite");
    }

    // As the curation mutations do: the new commitment becomes searchable.
    foc_graph::search::reindex(&db).await.expect("reindex");

    let first = export_text(&db).await;
    assert!(first.contains("endorsed = \"2013-05\""), "{first}");
    assert!(first.contains("endorsed = {}"), "{first}");
    assert!(
        first.contains("endorsed = { stated = \"2020\", not_before = \"2020-03-01\", narrowed_by = [\"FOC-NEWS\"], note = \"after the March meeting\" }"),
        "{first}"
    );
    let Some((fresh, _fresh_guard)) = empty_database(backend).await else {
        return;
    };
    dataset::import(&fresh, &first, &Silent)
        .await
        .expect("import");
    assert_eq!(export_text(&fresh).await, first);
    assert_eq!(counts(&fresh).await, counts(&db).await);
}

/// The shipped dataset with three problems: a state whose code is not an ISO code, a record
/// citing an unknown source, and a membership of an unknown state.
fn broken_dataset() -> (String, Vec<String>) {
    let shipped = Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset");
    let kenya = shipped
        .memberships
        .iter()
        .position(|m| m.state == "KE")
        .expect("Kenya's membership");
    let text = DEFAULT_DATASET
        .replacen(
            "[[states]]",
            "[[states]]\ncode = \"Xx\"\nname = \"Nowhere\"\nregion = \"europe\"\n\
             subregion = \"Nowhere\"\nsources = [\"FS2014\"]\n\n[[states]]",
            1,
        )
        .replacen("state = \"KE\"", "state = \"XX\"", 1)
        .replacen(
            "sources = [\"FS2014\", \"STATE-2011\", \"HAGUE-DECL\"]",
            "sources = [\"FS2014\", \"NOPE\", \"HAGUE-DECL\"]",
            1,
        );
    let expected = vec![
        "states[0] (code \"Xx\"): not an ISO 3166-1 alpha-2 code".to_owned(),
        format!("memberships[{kenya}] (state \"XX\"): unknown state `XX`"),
        "coalition: unknown source `NOPE`".to_owned(),
    ];
    (text, expected)
}

on_both_backends!(a_bad_file_changes_nothing, bad_file_changes_nothing);
async fn bad_file_changes_nothing(backend: Backend) {
    let Some((db, _guard)) = seeded_database(backend).await else {
        return;
    };
    let before = export_text(&db).await;
    let counted = counts(&db).await;

    // Every problem, each with its place in the file.
    let (text, expected) = broken_dataset();
    match dataset::import(&db, &text, &Silent).await {
        Err(DatasetError::Invalid(problems)) => {
            for problem in &expected {
                assert!(problems.contains(problem), "{problem} in {problems:#?}");
            }
        }
        other => panic!("expected the problems, got {other:?}"),
    }
    assert_eq!(export_text(&db).await, before);

    // A TOML syntax error, with its line and column.
    let line = DEFAULT_DATASET
        .lines()
        .position(|l| l == "[coalition]")
        .expect("the coalition table")
        + 1;
    let text = DEFAULT_DATASET.replacen("[coalition]", "[coalition", 1);
    match dataset::import(&db, &text, &Silent).await {
        Err(DatasetError::Parse(message)) => {
            assert!(
                message.contains(&format!("line {line}, column")),
                "{message}"
            )
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // A field the format does not have.
    let text = DEFAULT_DATASET.replacen("[coalition]", "[coalition]\ncolour = \"blue\"", 1);
    match dataset::import(&db, &text, &Silent).await {
        Err(DatasetError::Parse(message)) => {
            assert!(
                message.contains("colour") && message.contains(&format!("line {}", line + 1)),
                "{message}"
            )
        }
        other => panic!("expected an unknown field, got {other:?}"),
    }
    assert_eq!(export_text(&db).await, before);

    // A valid file the database refuses halfway, after every old row is deleted: the
    // transaction rolls back and the old rows, search index included, are all there.
    refuse_claims(&db, backend).await;
    match dataset::import(&db, DEFAULT_DATASET, &Silent).await {
        Err(DatasetError::Database(error)) => {
            assert!(error.to_string().contains("refused by the test"), "{error}")
        }
        other => panic!("expected the database to refuse, got {other:?}"),
    }
    assert_eq!(export_text(&db).await, before);
    assert_eq!(counts(&db).await, counted);
}

/// Makes every insert into `claims` fail, as a database fault in the middle of a load.
async fn refuse_claims(db: &DatabaseConnection, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &["CREATE TRIGGER refuse_claims BEFORE INSERT ON claims \
             BEGIN SELECT RAISE(ABORT, 'claims refused by the test'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_claims() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'claims refused by the test'; END $$",
            "CREATE TRIGGER refuse_claims BEFORE INSERT ON claims \
             FOR EACH ROW EXECUTE FUNCTION refuse_claims()",
        ],
    };
    for statement in statements {
        db.execute_unprepared(statement)
            .await
            .expect("create the trigger");
    }
}

fn foc_graph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run foc-graph")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_commands_export_and_import_a_sqlite_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    let seeded = foc_graph(&["--database-url", &url, "seed"]);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));

    let file = dir.path().join("export.toml");
    let file = file.to_str().expect("a UTF-8 path");
    let exported = foc_graph(&["--database-url", &url, "export", "--output", file]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    assert!(exported.stdout.is_empty());
    let written = std::fs::read_to_string(file).expect("the exported file");
    assert!(written.contains("[[states]]\ncode = \"KE\""), "{written}");

    // Into the same database, and into a new one that import migrates first.
    let other_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("other.sqlite").display()
    );
    for url in [&url, &other_url] {
        let imported = foc_graph(&["--database-url", url, "import", file]);
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{}",
            text(&imported.stderr)
        );
        let stdout = text(&imported.stdout);
        assert!(stdout.contains("states: 37\n"), "{stdout}");
        assert!(stdout.contains("records imported, replacing"), "{stdout}");
        // To standard output, byte for byte the file.
        let again = foc_graph(&["--database-url", url, "export"]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert_eq!(text(&again.stdout), written);
    }

    // A bad file: exit 1, every problem listed with its place, nothing changed.
    let (broken, expected) = broken_dataset();
    let bad = dir.path().join("broken.toml");
    std::fs::write(&bad, broken).expect("write the broken file");
    let refused = foc_graph(&[
        "--database-url",
        &url,
        "import",
        bad.to_str().expect("a UTF-8 path"),
    ]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(refused.stdout.is_empty(), "{}", text(&refused.stdout));
    assert!(
        stderr.starts_with("foc-graph: cannot import")
            && stderr.contains("the database is unchanged"),
        "{stderr}"
    );
    for problem in &expected {
        assert!(
            stderr.contains(&format!("\n  {problem}")),
            "{problem} in {stderr}"
        );
    }
    let after = foc_graph(&["--database-url", &url, "export"]);
    assert_eq!(text(&after.stdout), written);

    // A file that is not there: one line.
    let missing = foc_graph(&["--database-url", &url, "import", "/nonexistent/foc.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = text(&missing.stderr);
    assert!(
        stderr.starts_with("foc-graph: cannot read /nonexistent/foc.toml")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
}
