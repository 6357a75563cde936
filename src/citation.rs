//! Sources as formatted citations: BibTeX, CSL-JSON (what Zotero and citeproc read) and
//! APA (7th edition), so an analyst can paste the bibliography of a table.
//!
//! A citation holds what the source record holds and nothing more: a missing publisher, date
//! or address is left out, never guessed, and a date is as precise as the source gave it
//! (a year, a month or a day). A title that is the dataset's description of the publication
//! rather than its own title is given in square brackets, as APA does for descriptions.

use chrono::{Datelike, NaiveDate};
use entity::enums::Precision;
use entity::source;

/// A citation style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A BibTeX `@misc` entry keyed by the source's key.
    Bibtex,
    /// A CSL-JSON item.
    CslJson,
    /// An APA 7th edition reference.
    Apa,
}

/// The publication date as precisely as it is known.
enum Published {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

fn published(source: &source::Model) -> Option<Published> {
    let day = source.published_earliest?;
    // An interval wider than its precision says (narrowed by other sources) is still only
    // known to that precision.
    match source.published_precision? {
        Precision::Year => Some(Published::Year(day.year())),
        Precision::Month => Some(Published::Month(day.year(), day.month())),
        Precision::Day => Some(Published::Day(day)),
    }
}

/// The source formatted in `style`.
pub fn cite(source: &source::Model, style: Style) -> String {
    match style {
        Style::Bibtex => bibtex(source),
        Style::CslJson => csl_json(source).to_string(),
        Style::Apa => apa(source),
    }
}

/// The title as cited: a description in square brackets.
fn title(source: &source::Model) -> String {
    if source.title_is_description {
        format!("[{}]", source.title)
    } else {
        source.title.clone()
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: u32) -> &'static str {
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// Text safe inside a BibTeX field: the characters TeX treats specially are escaped.
fn tex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

fn bibtex(source: &source::Model) -> String {
    // A key holds letters, digits and a few marks only.
    let key: String = source
        .key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_:.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    // Double braces keep the title's capitals as written.
    let mut fields = vec![("title", format!("{{{}}}", tex(&title(source))))];
    if let Some(publisher) = &source.publisher {
        fields.push(("publisher", tex(publisher)));
    }
    match published(source) {
        Some(Published::Year(year)) => fields.push(("year", year.to_string())),
        Some(Published::Month(year, month)) => {
            fields.push(("year", year.to_string()));
            fields.push(("month", month_name(month).to_owned()));
        }
        Some(Published::Day(day)) => {
            fields.push(("year", day.year().to_string()));
            fields.push(("month", month_name(day.month()).to_owned()));
            fields.push(("day", day.day().to_string()));
        }
        None => {}
    }
    if let Some(url) = &source.url {
        // URLs keep their characters: \url{} reads them verbatim.
        fields.push(("howpublished", format!("\\url{{{url}}}")));
        fields.push(("url", url.clone()));
    }
    if let Some(note) = &source.note {
        fields.push(("note", tex(note)));
    }
    let body: Vec<String> = fields
        .into_iter()
        .map(|(name, value)| format!("  {name} = {{{value}}}"))
        .collect();
    format!("@misc{{{key},\n{}\n}}", body.join(",\n"))
}

fn csl_json(source: &source::Model) -> serde_json::Value {
    let mut item = serde_json::Map::new();
    item.insert("id".into(), source.key.clone().into());
    let kind = if source.url.is_some() {
        "webpage"
    } else {
        "document"
    };
    item.insert("type".into(), kind.into());
    item.insert("title".into(), title(source).into());
    if let Some(publisher) = &source.publisher {
        item.insert("publisher".into(), publisher.clone().into());
    }
    let parts: Option<Vec<i64>> = published(source).map(|date| match date {
        Published::Year(year) => vec![i64::from(year)],
        Published::Month(year, month) => vec![i64::from(year), i64::from(month)],
        Published::Day(day) => vec![
            i64::from(day.year()),
            i64::from(day.month()),
            i64::from(day.day()),
        ],
    });
    if let Some(parts) = parts {
        item.insert(
            "issued".into(),
            serde_json::json!({ "date-parts": [parts] }),
        );
    }
    if let Some(url) = &source.url {
        item.insert("URL".into(), url.clone().into());
    }
    if let Some(note) = &source.note {
        item.insert("note".into(), note.clone().into());
    }
    serde_json::Value::Object(item)
}

fn apa(source: &source::Model) -> String {
    // APA: Author. (Date). Title. URL; an organization that publishes is the author, and
    // without one the title takes the author's place. "n.d." is APA's mark for no date.
    let date = match published(source) {
        Some(Published::Year(year)) => year.to_string(),
        Some(Published::Month(year, month)) => format!("{year}, {}", month_name(month)),
        Some(Published::Day(day)) => {
            format!("{}, {} {}", day.year(), month_name(day.month()), day.day())
        }
        None => "n.d.".to_owned(),
    };
    let title = title(source);
    let mut parts = match &source.publisher {
        Some(publisher) => vec![
            end_sentence(publisher),
            format!("({date})."),
            end_sentence(&title),
        ],
        None => vec![end_sentence(&title), format!("({date}).")],
    };
    if let Some(url) = &source.url {
        parts.push(url.clone());
    }
    parts.join(" ")
}

/// The text ending with a full stop (or the mark it already ends with).
fn end_sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(precision: Option<Precision>, day: Option<&str>) -> source::Model {
        let day = day.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        source::Model {
            id: 1,
            key: "FS 2014".into(),
            title: "Fact sheet: 100% {free} & open".into(),
            title_is_description: false,
            publisher: Some("Freedom Online Coalition".into()),
            url: Some("https://example.org/fact_sheet".into()),
            note: None,
            published_stated: None,
            published_precision: precision,
            published_earliest: day,
            published_latest: day,
            published_narrowed_by: None,
            published_narrowing_note: None,
        }
    }

    #[test]
    fn each_style_gives_what_the_source_holds_and_nothing_more() {
        let day = source(Some(Precision::Day), Some("2014-01-16"));
        assert_eq!(
            cite(&day, Style::Bibtex),
            "@misc{FS-2014,\n  title = {{Fact sheet: 100\\% \\{free\\} \\& open}},\n  \
             publisher = {Freedom Online Coalition},\n  year = {2014},\n  month = {January},\n  \
             day = {16},\n  howpublished = {\\url{https://example.org/fact_sheet}},\n  \
             url = {https://example.org/fact_sheet}\n}"
        );
        assert_eq!(
            cite(&day, Style::Apa),
            "Freedom Online Coalition. (2014, January 16). Fact sheet: 100% {free} & open. \
             https://example.org/fact_sheet"
        );
        let month = source(Some(Precision::Month), Some("2014-01-01"));
        assert_eq!(
            csl_json(&month)["issued"],
            serde_json::json!({ "date-parts": [[2014, 1]] })
        );
        let mut bare = source(None, None);
        bare.publisher = None;
        bare.url = None;
        bare.title_is_description = true;
        assert_eq!(
            cite(&bare, Style::Apa),
            "[Fact sheet: 100% {free} & open]. (n.d.)."
        );
        assert_eq!(
            csl_json(&bare),
            serde_json::json!({ "id": "FS 2014", "type": "document",
                                "title": "[Fact sheet: 100% {free} & open]" })
        );
        assert!(!cite(&bare, Style::Bibtex).contains("year"));
    }
}
