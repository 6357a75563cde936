//! The bibliography of an answer: a request whose `extensions` ask for `citations` (a style:
//! `BIBTEX`, `CSL_JSON` or `APA`) gets, in the answer's `extensions.citations`, the sources
//! of every record the answer names by its global `id`, each once, by key, formatted in that
//! style. Records the answer shows without their `id` are not counted: select `id` to cite.

use async_graphql::{ID, Value};
use entity::source;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::citation::{Style, cite};
use crate::graphql::source::cited_by_any;

/// The style a request's `extensions.citations` names; an error says what is accepted.
pub fn requested(request: &async_graphql::Request) -> Result<Option<Style>, String> {
    let Some(value) = request.extensions.get("citations") else {
        return Ok(None);
    };
    match value {
        Value::String(name) => match name.as_str() {
            "BIBTEX" => Ok(Some(Style::Bibtex)),
            "CSL_JSON" => Ok(Some(Style::CslJson)),
            "APA" => Ok(Some(Style::Apa)),
            other => Err(format!(
                "`extensions.citations` is BIBTEX, CSL_JSON or APA, not `{other}`"
            )),
        },
        _ => Err("`extensions.citations` is BIBTEX, CSL_JSON or APA".to_owned()),
    }
}

/// The global ids an answer holds in fields named `id`.
fn ids(value: &Value, found: &mut Vec<ID>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    Value::String(text) if key.as_str() == "id" => found.push(ID(text.clone())),
                    _ => ids(field, found),
                }
            }
        }
        Value::List(items) => items.iter().for_each(|item| ids(item, found)),
        _ => {}
    }
}

/// The most records an answer's bibliography is drawn from: one statement names them all,
/// within both databases' bind-parameter limits.
const MOST_RECORDS: usize = 20_000;

/// The citations of the sources the records of `data` cite, each once, by key; None when
/// the answer names more records than a bibliography is drawn from.
pub async fn of(
    db: &DatabaseConnection,
    data: &Value,
    style: Style,
) -> Result<Option<Vec<String>>, DbErr> {
    let mut found = Vec::new();
    ids(data, &mut found);
    if found.len() > MOST_RECORDS {
        return Ok(None);
    }
    if found.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let sources = source::Entity::find()
        .filter(cited_by_any(&found))
        .order_by_asc(source::Column::Key)
        .all(db)
        .await?;
    Ok(Some(sources.iter().map(|s| cite(s, style)).collect()))
}
