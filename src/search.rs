//! The search index: which fields of which records are searchable, how their text is folded
//! (lowercase ASCII, so "san jose" finds "San José" on every database), and keeping the index
//! in step with the records.

use std::collections::HashMap;

use entity::enums::RecordKind;
use entity::{commitment, conference, document, organization, person, search_entry, state};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Folds text for matching: transliterated to ASCII, lowercased, spaces collapsed.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A searchable (kind, id, field, text).
type Entry = (RecordKind, i32, &'static str, String);

/// The searchable entries of the records in the database, or of one record only.
async fn searchable<C: ConnectionTrait>(
    db: &C,
    only: Option<(RecordKind, i32)>,
) -> Result<Vec<Entry>, DbErr> {
    // Every kind's rows, or none of a kind other than the one asked for.
    macro_rules! rows {
        ($kind:ident, $entity:ident) => {
            match only {
                None => $entity::Entity::find().all(db).await?,
                Some((RecordKind::$kind, id)) => $entity::Entity::find_by_id(id).all(db).await?,
                Some(_) => Vec::new(),
            }
        };
    }
    let mut entries = Vec::new();
    for s in rows!(State, state) {
        entries.push((RecordKind::State, s.id, "name", s.name));
        entries.push((RecordKind::State, s.id, "code", s.code));
        entries.push((RecordKind::State, s.id, "subregion", s.subregion));
    }
    for c in rows!(Conference, conference) {
        entries.push((RecordKind::Conference, c.id, "name", c.name));
        for (field, value) in [("city", c.city), ("venue", c.venue), ("theme", c.theme)] {
            if let Some(value) = value {
                entries.push((RecordKind::Conference, c.id, field, value));
            }
        }
    }
    for d in rows!(Document, document) {
        entries.push((RecordKind::Document, d.id, "title", d.title));
    }
    for o in rows!(Organization, organization) {
        entries.push((RecordKind::Organization, o.id, "name", o.name));
    }
    for p in rows!(Person, person) {
        entries.push((RecordKind::Person, p.id, "name", p.name));
    }
    for c in rows!(Commitment, commitment) {
        entries.push((RecordKind::Commitment, c.id, "title", c.title));
        entries.push((RecordKind::Commitment, c.id, "description", c.description));
    }
    Ok(entries)
}

fn entry_model((kind, id, field, text): Entry) -> search_entry::ActiveModel {
    search_entry::ActiveModel {
        record_kind: Set(kind),
        record_id: Set(id),
        field: Set(field.to_owned()),
        folded: Set(fold(&text)),
        text: Set(text),
        ..Default::default()
    }
}

/// Replaces the entries of one record after it changed; a deleted record keeps none.
pub async fn reindex_record<C: ConnectionTrait>(
    db: &C,
    kind: RecordKind,
    id: i32,
) -> Result<(), DbErr> {
    search_entry::Entity::delete_many()
        .filter(search_entry::Column::RecordKind.eq(kind))
        .filter(search_entry::Column::RecordId.eq(id))
        .exec(db)
        .await?;
    let entries: Vec<_> = searchable(db, Some((kind, id)))
        .await?
        .into_iter()
        .map(entry_model)
        .collect();
    if !entries.is_empty() {
        search_entry::Entity::insert_many(entries)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Brings the index in step with the records: adds missing entries, replaces changed ones,
/// removes those of records gone. Returns how many entries it wrote or removed; zero when
/// the index was already current.
pub async fn reindex<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let wanted: HashMap<(RecordKind, i32, &str), String> = searchable(db, None)
        .await?
        .into_iter()
        .map(|(k, id, f, t)| ((k, id, f), t))
        .collect();
    let existing = search_entry::Entity::find().all(db).await?;
    let mut changes = 0;
    let mut present = HashMap::new();
    for entry in existing {
        let current = wanted.get(&(entry.record_kind, entry.record_id, entry.field.as_str()));
        if current == Some(&entry.text) {
            present.insert(
                (entry.record_kind, entry.record_id, entry.field.clone()),
                (),
            );
        } else {
            search_entry::Entity::delete_many()
                .filter(search_entry::Column::Id.eq(entry.id))
                .exec(db)
                .await?;
            changes += 1;
        }
    }
    let missing: Vec<search_entry::ActiveModel> = wanted
        .into_iter()
        .filter(|((kind, id, field), _)| !present.contains_key(&(*kind, *id, (*field).to_owned())))
        .map(|((kind, id, field), text)| entry_model((kind, id, field, text)))
        .collect();
    changes += missing.len() as u64;
    let mut rest = missing;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(200));
        search_entry::Entity::insert_many(rest)
            .exec_without_returning(db)
            .await?;
        rest = tail;
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_ignores_case_accents_and_spacing() {
        assert_eq!(fold("San José"), "san jose");
        assert_eq!(fold("  SAN   jose "), "san jose");
        assert_eq!(fold("Côte d'Ivoire"), "cote d'ivoire");
        assert_eq!(fold("Ulaanbaatar"), "ulaanbaatar");
    }
}
