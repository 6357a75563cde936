//! Every value of the shipped data file is one its sources state, or is marked as what it is:
//! no record without a source, no narrowed date without the sources that hold its bounds, no
//! title, link or qualifier the format does not mark as stated. The rules are checked over the
//! whole file, then in the database the file is loaded into, on SQLite and on PostgreSQL.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use common::{Backend, export_text};
use entity::enums::{ConferenceFormat, RecordKind};
use entity::{
    chairship, citation, claim, coalition, commitment, conference, document, endorsement, funding,
    initiative, membership, organization, person, state,
};
use foc_graph::dataset::{DEFAULT_DATASET, Dataset, DateSpec, SourceRow};
use foc_graph::dates::parse_interval;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

fn shipped() -> Dataset {
    Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset is valid")
}

/// A record of the data file, as the rules see it: where it is, the sources it cites, its
/// dates, and the plain days it gives (a conference's start and end).
struct Record<'a> {
    at: String,
    sources: &'a [String],
    dates: Vec<(&'static str, &'a DateSpec)>,
    days: Vec<NaiveDate>,
}

impl<'a> Record<'a> {
    fn new(at: String, sources: &'a [String]) -> Self {
        Self {
            at,
            sources,
            dates: Vec::new(),
            days: Vec::new(),
        }
    }

    fn date(mut self, field: &'static str, date: Option<&'a DateSpec>) -> Self {
        self.dates.extend(date.map(|d| (field, d)));
        self
    }
}

/// Every record of every table but the sources themselves.
fn records(data: &Dataset) -> Vec<Record<'_>> {
    let mut all = vec![
        Record::new("coalition".into(), &data.coalition.sources)
            .date("founded", data.coalition.founded.as_ref()),
    ];
    all.extend(
        data.states
            .iter()
            .map(|s| Record::new(format!("state {}", s.code), &s.sources)),
    );
    all.extend(data.memberships.iter().map(|m| {
        Record::new(format!("membership {}", m.state), &m.sources)
            .date("joined", m.joined.as_ref())
            .date("left", m.left.as_ref())
    }));
    all.extend(data.conferences.iter().map(|c| {
        let mut r = Record::new(format!("conference {}", c.key), &c.sources);
        r.days.extend(c.start.iter().chain(&c.end));
        r
    }));
    all.extend(data.chairships.iter().enumerate().map(|(i, c)| {
        Record::new(format!("chairships[{i}]"), &c.sources)
            .date("start", c.start.as_ref())
            .date("end", c.end.as_ref())
    }));
    all.extend(data.documents.iter().map(|d| {
        Record::new(format!("document {}", d.key), &d.sources).date("adopted", d.adopted.as_ref())
    }));
    all.extend(
        data.commitments
            .iter()
            .map(|c| Record::new(format!("commitment {}", c.key), &c.sources)),
    );
    all.extend(data.endorsements.iter().map(|e| {
        Record::new(
            format!("endorsement {} of {}", e.state, e.commitment),
            &e.sources,
        )
        .date("endorsed", e.endorsed.as_ref())
    }));
    all.extend(
        data.organizations
            .iter()
            .map(|o| Record::new(format!("organization {}", o.key), &o.sources)),
    );
    all.extend(data.initiatives.iter().map(|i| {
        Record::new(format!("initiative {}", i.key), &i.sources)
            .date("launched", i.launched.as_ref())
            .date("operating_since", i.operating_since.as_ref())
    }));
    all.extend(data.fundings.iter().map(|f| {
        Record::new(format!("funding {}", f.key), &f.sources)
            .date("period_start", f.period_start.as_ref())
            .date("period_end", f.period_end.as_ref())
    }));
    all.extend(
        data.people
            .iter()
            .map(|p| Record::new(format!("person {}", p.key), &p.sources)),
    );
    all.extend(data.claims.iter().enumerate().map(|(i, c)| {
        Record::new(format!("claims[{i}]"), &c.sources).date("as_of", c.as_of.as_ref())
    }));
    all
}

/// The first and last day of a date as its source states it, bounds left aside.
fn stated_days(date: &DateSpec) -> Option<(NaiveDate, NaiveDate)> {
    let stated = match date {
        DateSpec::Stated(stated) => Some(stated),
        DateSpec::Narrowed { stated, .. } => stated.as_ref(),
    }?;
    parse_interval(stated)
        .ok()
        .map(|(_, first, last)| (first, last))
}

/// The days each source gives: its own publication date, and the stated dates and plain
/// days of every record citing it. Bounds are left out, so no bound can hold up another.
fn days_given(data: &Dataset) -> HashMap<&str, BTreeSet<NaiveDate>> {
    let mut given: HashMap<&str, BTreeSet<NaiveDate>> = HashMap::new();
    for s in &data.sources {
        if let Some((first, last)) = s.date.as_ref().and_then(stated_days) {
            given.entry(&s.key).or_default().extend([first, last]);
        }
    }
    for record in records(data) {
        let mut days: Vec<NaiveDate> = record.days.clone();
        for (_, date) in &record.dates {
            days.extend(stated_days(date).into_iter().flat_map(|(f, l)| [f, l]));
        }
        for key in record.sources {
            given.entry(key).or_default().extend(days.iter().copied());
        }
    }
    given
}

/// Records that cite no source or an unknown one, periods that name no one, and sources that
/// nothing cites.
fn unsourced_records(data: &Dataset) -> Vec<String> {
    let keys: HashSet<&str> = data.sources.iter().map(|s| s.key.as_str()).collect();
    let mut used: HashSet<&str> = HashSet::new();
    let mut problems = Vec::new();
    for record in records(data) {
        if record.sources.is_empty() {
            problems.push(format!("{}: cites no source", record.at));
        }
        for key in record.sources {
            if !keys.contains(key.as_str()) {
                problems.push(format!("{}: cites unknown source {key}", record.at));
            }
            used.insert(key);
        }
        for (_, date) in &record.dates {
            used.extend(date.sources().iter().map(String::as_str));
        }
    }
    // A period only the neighbouring rows bound is no record: a chairship names who chaired
    // or who acted instead.
    for (i, c) in data.chairships.iter().enumerate() {
        if c.chair.is_none() && c.interim.is_none() {
            problems.push(format!(
                "chairships[{i}]: names neither a chair nor an interim"
            ));
        }
    }
    for s in &data.sources {
        if !used.contains(s.key.as_str()) {
            problems.push(format!(
                "source {}: neither cited nor narrowing a date",
                s.key
            ));
        }
    }
    problems
}

#[test]
fn every_record_cites_a_known_source() {
    let problems = unsourced_records(&shipped());
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Narrowed dates whose bounds no narrowing source gives, that name no narrowing source or no
/// reason, or that narrow nothing; and the number of bounds checked.
fn unsourced_bounds(data: &Dataset) -> (Vec<String>, usize) {
    let given = days_given(data);
    let day = |n| Days::new(n);
    let mut problems = Vec::new();
    let mut bounds = 0;
    let mut sources_of_dates: Vec<(String, &DateSpec)> = data
        .sources
        .iter()
        .filter_map(|s| s.date.as_ref().map(|d| (format!("source {}", s.key), d)))
        .collect();
    for record in records(data) {
        for (field, date) in &record.dates {
            sources_of_dates.push((format!("{}, {field}", record.at), date));
        }
    }
    for (at, date) in sources_of_dates {
        let DateSpec::Narrowed {
            not_before,
            not_after,
            narrowed_by,
            note,
            ..
        } = date
        else {
            continue;
        };
        if not_before.is_none() && not_after.is_none() {
            if !narrowed_by.is_empty() {
                problems.push(format!(
                    "{at}: narrowed by {narrowed_by:?} but has no bound"
                ));
            }
            continue;
        }
        if narrowed_by.is_empty() {
            problems.push(format!("{at}: a bound with no narrowing source"));
        }
        if note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            problems.push(format!("{at}: a bound with no note saying why"));
        }
        let held: BTreeSet<NaiveDate> = narrowed_by
            .iter()
            .flat_map(|key| given.get(key.as_str()).into_iter().flatten().copied())
            .collect();
        let stated = stated_days(date);
        if let Some(bound) = not_before {
            bounds += 1;
            let before = bound.checked_sub_days(day(1));
            if !held.contains(bound) && !before.is_some_and(|b| held.contains(&b)) {
                problems.push(format!(
                    "{at}: not_before {bound} is no day {narrowed_by:?} give (nor the day after one)"
                ));
            }
            if stated.is_some_and(|(first, _)| *bound <= first) {
                problems.push(format!("{at}: not_before {bound} narrows nothing"));
            }
        }
        if let Some(bound) = not_after {
            bounds += 1;
            let after = bound.checked_add_days(day(1));
            if !held.contains(bound) && !after.is_some_and(|a| held.contains(&a)) {
                problems.push(format!(
                    "{at}: not_after {bound} is no day {narrowed_by:?} give (nor the day before one)"
                ));
            }
            if stated.is_some_and(|(_, last)| *bound >= last) {
                problems.push(format!("{at}: not_after {bound} narrows nothing"));
            }
        }
    }
    (problems, bounds)
}

#[test]
fn every_narrowed_date_names_the_sources_that_give_its_bounds() {
    let (problems, bounds) = unsourced_bounds(&shipped());
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        bounds > 20,
        "the rule reached the narrowed dates ({bounds} bounds)"
    );
}

/// A title as a web address spells it: lowercase words joined by hyphens.
fn slug(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The last segment of an address's path; None for a site's root or no address.
fn page(url: Option<&str>) -> Option<&str> {
    let rest = url?.split_once("://")?.1;
    let path = rest.split_once('/')?.1.trim_end_matches('/');
    path.rsplit('/').next().filter(|p| !p.is_empty())
}

/// How a source shows that its title is the publication's own, if it does.
fn shows_own_title(s: &SourceRow) -> bool {
    let note = s.note.as_deref().unwrap_or_default();
    let quoted = note.contains(&format!("\"{}\"", s.title));
    let spelled = note.contains("Title as its address gives it")
        && page(s.url.as_deref()).is_some_and(|p| slug(p) == slug(&s.title));
    quoted || spelled
}

/// Titles neither shown to be the publication's own nor marked as descriptions, missing
/// addresses the note does not own up to, links to documents no cited source is the text of,
/// and qualifiers of no amount.
fn unmarked_values(data: &Dataset) -> Vec<String> {
    let mut problems = Vec::new();
    for s in &data.sources {
        if !s.title_is_description && !shows_own_title(s) {
            problems.push(format!(
                "source {}: the title {:?} is neither shown to be its own nor marked as a description",
                s.key, s.title
            ));
        }
        let note = s.note.as_deref().unwrap_or_default();
        if page(s.url.as_deref()).is_none() && !note.contains("address") {
            problems.push(format!(
                "source {}: no page address, and the note does not say so",
                s.key
            ));
        }
    }
    // A commitment names the document that sets it out only when it cites that document's
    // own text: a source whose own title is the document's.
    let sources: HashMap<&str, &SourceRow> =
        data.sources.iter().map(|s| (s.key.as_str(), s)).collect();
    let documents: HashMap<&str, &str> = data
        .documents
        .iter()
        .map(|d| (d.key.as_str(), d.title.as_str()))
        .collect();
    for c in &data.commitments {
        match c.document.as_deref() {
            Some(document) => {
                let title = documents.get(document).copied();
                let cites_text = c.sources.iter().any(|key| {
                    sources
                        .get(key.as_str())
                        .is_some_and(|s| !s.title_is_description && Some(s.title.as_str()) == title)
                });
                if !cites_text {
                    problems.push(format!(
                        "commitment {}: names document {document} but cites no source that is its text",
                        c.key
                    ));
                }
            }
            None if c.note.is_none() => problems.push(format!(
                "commitment {}: names no document and its note does not say why",
                c.key
            )),
            None => {}
        }
    }
    for f in &data.fundings {
        if f.amount.is_none() && (f.qualifier.is_some() || f.currency.is_some()) {
            problems.push(format!(
                "funding {}: a qualifier or currency with no amount",
                f.key
            ));
        }
    }
    for c in &data.conferences {
        if c.end.is_some() && c.start.is_none() {
            problems.push(format!("conference {}: an end with no start", c.key));
        }
    }
    problems
}

#[test]
fn titles_addresses_links_and_qualifiers_are_stated_or_marked() {
    let data = shipped();
    let problems = unmarked_values(&data);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        data.sources.iter().any(|s| s.title_is_description)
            && data.sources.iter().any(|s| !s.title_is_description),
        "both kinds of title are in the file"
    );
}

/// The values a check against the sources found no source stating stay out, and the bounds
/// later sources allow stay as tight.
#[test]
fn values_no_source_states_stay_out() {
    let data = shipped();
    for c in data
        .commitments
        .iter()
        .filter(|c| c.kind == entity::enums::CommitmentKind::AreaOfAction)
    {
        assert_eq!(
            c.document, None,
            "{}: the fact sheet gives the areas apart",
            c.key
        );
    }
    for key in ["stockholm-tor", "ottawa-agenda"] {
        assert!(
            data.documents.iter().all(|d| d.key != key),
            "{key}: no source for it"
        );
    }
    for p in &data.people {
        assert_eq!(
            p.sources,
            ["FS2014"],
            "{}: the fact sheet names them",
            p.key
        );
    }
    for c in &data.conferences {
        if c.ordinal.is_some_and(|o| o <= 8) {
            assert_eq!(c.format, None, "{}: no source gives its format", c.key);
        }
    }
    let conference = |key: &str| {
        data.conferences
            .iter()
            .find(|c| c.key == key)
            .expect("the conference")
    };
    assert_eq!(
        conference("foc-helsinki-2021").format,
        Some(ConferenceFormat::Virtual)
    );
    assert_eq!(conference("geneva-2023").end, None);
    let funding = |key: &str| {
        data.fundings
            .iter()
            .find(|f| f.key == key)
            .expect("the funding")
    };
    assert_eq!(funding("se-2020").qualifier, None);
    assert_eq!(funding("se-2020").amount, Some(28_000_000));
    assert_eq!(funding("us-nl-2011").period_start, None);
    let joined = |code: &str| {
        data.memberships
            .iter()
            .find(|m| m.state == code)
            .and_then(|m| m.joined.as_ref())
            .and_then(|j| j.resolve().ok())
            .expect("a joining date")
    };
    for m in data.memberships.iter().filter(|m| m.founding) {
        let date = joined(&m.state);
        assert_eq!(
            date.latest,
            NaiveDate::from_ymd_opt(2011, 12, 31),
            "{}: LV-MFA gives the year only",
            m.state
        );
        assert!(!date.narrowed_by.contains(&"LV-MFA".to_owned()));
    }
    // 42 members in October 2025 (TREND-2025): the 40th had joined by then.
    assert_eq!(joined("SI").latest, NaiveDate::from_ymd_opt(2025, 10, 31));
    // The fact sheet's 22 and Japan are the 23 of April 2014: Lithuania joined after Japan.
    assert_eq!(joined("LT").earliest, NaiveDate::from_ymd_opt(2014, 4, 26));
    // Italy, the 33rd, joined in August 2021: the 34th and 36th did not join before.
    assert_eq!(joined("LU").earliest, NaiveDate::from_ymd_opt(2021, 8, 1));
    assert_eq!(joined("SK").earliest, NaiveDate::from_ymd_opt(2021, 8, 1));
}

/// The shipped file with one change, parsed (and so validated).
fn changed(from: &str, to: &str) -> Dataset {
    let text = DEFAULT_DATASET.replacen(from, to, 1);
    assert_ne!(text, DEFAULT_DATASET, "{from:?} is in the file");
    Dataset::parse(&text).expect("the changed file is still valid")
}

/// Whether any problem contains `what`.
fn reported(problems: &[String], what: &str) -> bool {
    problems.iter().any(|p| p.contains(what))
}

/// The rules catch the kinds of value the check against the sources found.
#[test]
fn the_rules_catch_values_no_source_states() {
    // An area of action tied to the declaration on the fact sheet's word alone.
    let linked = changed(
        "title = \"Diplomatic coordination\"\n",
        "title = \"Diplomatic coordination\"\ndocument = \"hague-declaration\"\n",
    );
    assert!(reported(
        &unmarked_values(&linked),
        "commitment diplomatic-coordination: names document hague-declaration"
    ));
    // A title that is a summary, no longer marked as one.
    let summary = changed(
        "title = \"News items on the Freedom Online Coalition\"\ntitle_is_description = true\n",
        "title = \"News items on the Freedom Online Coalition\"\n",
    );
    assert!(reported(
        &unmarked_values(&summary),
        "source MRA: the title"
    ));
    // A qualifier of no amount.
    let qualified = changed(
        "funders = [{ state = \"US\" }, { state = \"NL\" }]\n",
        "qualifier = \"exactly\"\nfunders = [{ state = \"US\" }, { state = \"NL\" }]\n",
    );
    assert!(reported(
        &unmarked_values(&qualified),
        "funding us-nl-2011: a qualifier"
    ));
    // A period only its neighbours bound, recorded as if a source gave it.
    let gap = changed(
        "[[chairships]]\nchair = \"FI\"\n",
        "[[chairships]]\nstart = \"2020-03\"\nend = \"2020-12\"\nsources = [\"FOC-NEWS\", \"UMFI-2020\"]\n\n[[chairships]]\nchair = \"FI\"\n",
    );
    assert!(reported(
        &unsourced_records(&gap),
        "names neither a chair nor an interim"
    ));
    // A founder's year narrowed to the conference's last day by the source of the year alone.
    let founder = changed(
        "joined = { stated = \"2011\", not_before = \"2011-12-08\", narrowed_by = [\"FS2014\", \"STATE-2011\"],",
        "joined = { stated = \"2011\", not_after = \"2011-12-09\", narrowed_by = [\"LV-MFA\"],",
    );
    assert!(reported(
        &unsourced_bounds(&founder).0,
        "joined: not_after 2011-12-09 is no day [\"LV-MFA\"] give"
    ));
}

on_both_backends!(every_stored_record_cites_a_source, |app| {
    let cited: HashSet<(RecordKind, i32)> = citation::Entity::find()
        .all(&app.db)
        .await
        .expect("citations")
        .into_iter()
        .map(|c| (c.record_kind, c.record_id))
        .collect();
    let mut uncited = Vec::new();
    let mut checked = 0;
    macro_rules! check {
        ($($kind:ident: $entity:ident),* $(,)?) => {$(
            for id in $entity::Entity::find()
                .select_only()
                .column($entity::Column::Id)
                .into_tuple::<i32>()
                .all(&app.db)
                .await
                .expect("ids")
            {
                checked += 1;
                if !cited.contains(&(RecordKind::$kind, id)) {
                    uncited.push(format!("{} {id}", stringify!($entity)));
                }
            }
        )*};
    }
    check!(
        Coalition: coalition,
        State: state,
        Membership: membership,
        Conference: conference,
        Chairship: chairship,
        Document: document,
        Commitment: commitment,
        Endorsement: endorsement,
        Organization: organization,
        Initiative: initiative,
        Funding: funding,
        Person: person,
        Claim: claim,
    );
    assert!(uncited.is_empty(), "records citing nothing: {uncited:?}");
    assert!(checked > 400, "the check reached the records ({checked})");
});

on_both_backends!(
    titles_that_are_descriptions_are_marked_and_exported,
    |app| {
        let data = shipped();
        let answer = app
        .query(
            r#"{
            described: sources(first: 100, filter: { titleIsDescription: { eq: true } }) { totalCount nodes { key } }
            own: sources(first: 100, filter: { titleIsDescription: { eq: false } }) { totalCount }
            sheet: sources(filter: { key: { eq: "FS2014" } }) { nodes { title titleIsDescription } }
            areas: commitments(kind: AREA_OF_ACTION) { nodes { key document { key } note } }
        }"#,
        )
        .await;
        let answer = answer.data();
        let described: BTreeSet<&str> = data
            .sources
            .iter()
            .filter(|s| s.title_is_description)
            .map(|s| s.key.as_str())
            .collect();
        let served: BTreeSet<&str> = answer["described"]["nodes"]
            .as_array()
            .expect("sources")
            .iter()
            .filter_map(|s| s["key"].as_str())
            .collect();
        assert_eq!(served, described);
        assert_eq!(
            answer["own"]["totalCount"],
            json!(data.sources.len() - described.len())
        );
        assert_eq!(
            answer["sheet"]["nodes"][0],
            json!({ "title": "Fact Sheet: Freedom Online Coalition", "titleIsDescription": false })
        );
        let areas = answer["areas"]["nodes"].as_array().expect("areas");
        assert_eq!(areas.len(), 3);
        for area in areas {
            assert!(area["document"].is_null(), "{area}");
            assert!(
                area["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("no source ties them to a document")),
                "{area}"
            );
        }

        // The export keeps the marks and the notes that say why a value is left out.
        let exported = Dataset::parse(&export_text(&app.db).await).expect("the export parses");
        let flags = |d: &Dataset| -> Vec<(String, bool)> {
            d.sources
                .iter()
                .map(|s| (s.key.clone(), s.title_is_description))
                .collect()
        };
        assert_eq!(flags(&exported), flags(&data));
        let notes = |d: &Dataset| -> Vec<Option<String>> {
            let commitments = d.commitments.iter().map(|c| c.note.clone());
            let conferences = d.conferences.iter().map(|c| c.note.clone());
            let fundings = d.fundings.iter().map(|f| f.note.clone());
            commitments.chain(conferences).chain(fundings).collect()
        };
        assert_eq!(notes(&exported), notes(&data));
    }
);

/// A database migrated before the provenance columns existed gains them, and then takes the
/// dataset.
async fn upgrade(backend: Backend) {
    let Some((url, _guard)) = common::fresh_database(backend).await else {
        return;
    };
    let db = foc_graph::db::connect(&url, foc_graph::db::MAINTENANCE_STATEMENT_TIMEOUT)
        .await
        .expect("connect");
    foc_graph::db::migrate(&db).await.expect("migrate");
    // Back to the schema of before: the columns and the record of their migration gone.
    for statement in [
        "ALTER TABLE sources DROP COLUMN title_is_description",
        "ALTER TABLE commitments DROP COLUMN note",
        "DELETE FROM seaql_migrations WHERE version = 'm20261201_000001_provenance'",
    ] {
        db.execute_unprepared(statement).await.expect(statement);
    }
    foc_graph::db::migrate(&db).await.expect("migrate again");
    foc_graph::db::seed(&db, None).await.expect("seed");
    let exported = Dataset::parse(&export_text(&db).await).expect("the export parses");
    assert!(exported.sources.iter().any(|s| s.title_is_description));
    assert!(exported.commitments.iter().any(|c| c.note.is_some()));
    let flagged = entity::source::Entity::find()
        .filter(sea_orm::ColumnTrait::eq(
            &entity::source::Column::TitleIsDescription,
            true,
        ))
        .all(&db)
        .await
        .expect("sources");
    assert_eq!(
        flagged.len(),
        shipped()
            .sources
            .iter()
            .filter(|s| s.title_is_description)
            .count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_before_gains_the_provenance_columns_sqlite() {
    upgrade(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_before_gains_the_provenance_columns_postgres() {
    upgrade(Backend::Postgres).await;
}
