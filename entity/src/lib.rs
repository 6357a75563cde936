//! SeaORM entities of foc-graph: one module per table.
//!
//! Dates that sources give only to a year or a month are stored as the interval they are
//! known to lie in: `<name>_earliest` and `<name>_latest`, with the precision and wording the
//! source gave (`<name>_precision`, `<name>_stated`) and the sources whose facts narrowed it.

pub mod enums;
/// Kept beside the tables, not among them: see its own documentation.
pub mod row_count;

#[macro_use]
pub mod keys;

/// Declares the entity modules once, and lists the foreign keys they declare.
macro_rules! entities {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every table, in declaration order.
        pub fn tables() -> Vec<&'static str> {
            use sea_orm::EntityName;
            vec![$($module::Entity.table_name()),*]
        }

        /// Every uncertain date that names the sources that narrowed it, as (table, column
        /// of those source keys): the columns named `<date>_narrowed_by`.
        pub fn narrowed_dates() -> Vec<(&'static str, &'static str)> {
            use sea_orm::{EntityName, IdenStatic, Iterable};
            let mut all = Vec::new();
            $(
                for column in $module::Column::iter() {
                    if column.as_str().ends_with("_narrowed_by") {
                        all.push(($module::Entity.table_name(), column.as_str()));
                    }
                }
            )*
            all
        }

        /// Every foreign key the entities declare, entity by entity, in declaration order.
        pub fn foreign_keys() -> Vec<keys::KeyInfo> {
            let mut all = Vec::new();
            $(all.extend($module::foreign_keys());)*
            all
        }

        /// The keys the entities' SeaORM `Relation` enums declare, as (child table, column,
        /// parent table): what [`foreign_keys`] must equal.
        #[cfg(test)]
        fn declared_relations() -> std::collections::BTreeSet<(String, String, String)> {
            use sea_orm::{Identity, Iterable, RelationTrait, RelationType};
            let mut all = std::collections::BTreeSet::new();
            $(
                for relation in $module::Relation::iter() {
                    let def = relation.def();
                    if let (RelationType::HasOne, Identity::Unary(column)) =
                        (def.rel_type, &def.from_col)
                    {
                        all.insert((
                            def.from_tbl.sea_orm_table().to_string(),
                            column.to_string(),
                            def.to_tbl.sea_orm_table().to_string(),
                        ));
                    }
                }
            )*
            all
        }
    };
}

entities!(
    chairship,
    citation,
    claim,
    coalition,
    commitment,
    conference,
    conference_host,
    dataset_version,
    document,
    endorsement,
    funding,
    funding_funder,
    initiative,
    membership,
    organization,
    person,
    person_role,
    search_entry,
    source,
    state,
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn the_keys_declared_are_the_keys_the_relations_declare() {
        let keys: BTreeSet<(String, String, String)> = super::foreign_keys()
            .into_iter()
            .map(|k| (k.child.to_owned(), k.column.to_owned(), k.parent.to_owned()))
            .collect();
        assert!(keys.len() >= 20, "{keys:?}");
        assert_eq!(keys, super::declared_relations());
    }

    #[test]
    fn every_foreign_key_is_declared_once() {
        let keys = super::foreign_keys();
        let distinct: BTreeSet<(&str, &str)> = keys.iter().map(|k| (k.child, k.column)).collect();
        assert_eq!(distinct.len(), keys.len());
    }
}
