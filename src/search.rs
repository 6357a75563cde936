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

/// Every searchable (kind, id, field, text) of the records in the database.
async fn searchable<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(RecordKind, i32, &'static str, String)>, DbErr> {
    let mut entries = Vec::new();
    for s in state::Entity::find().all(db).await? {
        entries.push((RecordKind::State, s.id, "name", s.name));
        entries.push((RecordKind::State, s.id, "code", s.code));
        entries.push((RecordKind::State, s.id, "subregion", s.subregion));
    }
    for c in conference::Entity::find().all(db).await? {
        entries.push((RecordKind::Conference, c.id, "name", c.name));
        for (field, value) in [("city", c.city), ("venue", c.venue), ("theme", c.theme)] {
            if let Some(value) = value {
                entries.push((RecordKind::Conference, c.id, field, value));
            }
        }
    }
    for d in document::Entity::find().all(db).await? {
        entries.push((RecordKind::Document, d.id, "title", d.title));
    }
    for o in organization::Entity::find().all(db).await? {
        entries.push((RecordKind::Organization, o.id, "name", o.name));
    }
    for p in person::Entity::find().all(db).await? {
        entries.push((RecordKind::Person, p.id, "name", p.name));
    }
    for c in commitment::Entity::find().all(db).await? {
        entries.push((RecordKind::Commitment, c.id, "title", c.title));
        entries.push((RecordKind::Commitment, c.id, "description", c.description));
    }
    Ok(entries)
}

/// Brings the index in step with the records: adds missing entries, replaces changed ones,
/// removes those of records gone. Returns how many entries it wrote or removed; zero when
/// the index was already current.
pub async fn reindex<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let wanted: HashMap<(RecordKind, i32, &str), String> = searchable(db)
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
        .map(|((kind, id, field), text)| search_entry::ActiveModel {
            record_kind: Set(kind),
            record_id: Set(id),
            field: Set(field.to_owned()),
            folded: Set(fold(&text)),
            text: Set(text),
            ..Default::default()
        })
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
