//! The order of an answer's fields: each object's keys in the order its selection set asks
//! for them, as the specification's CollectFields gives it (fragments expanded in place,
//! aliases as written, `@skip`/`@include` applied, a key first seen where it first applies).
//!
//! async-graphql resolves an object's fields concurrently and inserts each value when it
//! completes, so a field that waits on the database can come after one asked for later.
//! Its executor cannot be told otherwise, so every answer is put back in order once,
//! before it is written or cached: a cache hit is already ordered.
//!
//! The walk follows the answer, whose depth the query's depth limit bounds, and fragments
//! expand only within async-graphql's own bound on nesting, checked before execution.

use std::collections::{HashMap, HashSet};

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned, Value, Variables};
use async_graphql_value::Value as DocumentValue;

/// What ordering needs of one output type of the schema.
#[derive(Default)]
struct Shape {
    /// Each field's named type (lists unwrapped).
    fields: HashMap<String, String>,
    /// For an object: the interfaces it implements and the unions it belongs to.
    supertypes: HashSet<String>,
    /// For an interface or a union: the object types it can be.
    possible: Vec<String>,
}

/// The schema's output types, as ordering needs them.
pub struct ResponseOrder {
    shapes: HashMap<String, Shape>,
}

/// A response key with the field selections merged under it, in document order.
type Groups<'a> = Vec<(&'a Name, Vec<&'a Field>)>;

/// What every step of one answer's walk shares.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    operation: &'a OperationDefinition,
}

impl ResponseOrder {
    /// Reads the output types from the schema's SDL.
    pub fn new(sdl: &str) -> Self {
        let mut shapes: HashMap<String, Shape> = HashMap::new();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return Self { shapes };
        };
        let mut memberships = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let name = definition.node.name.node.to_string();
            let (fields, implements) = match definition.node.kind {
                TypeKind::Object(object) => (object.fields, object.implements),
                TypeKind::Interface(interface) => (interface.fields, interface.implements),
                TypeKind::Union(union) => {
                    for member in union.members {
                        memberships.push((member.node.to_string(), name.clone()));
                    }
                    (Vec::new(), Vec::new())
                }
                _ => continue,
            };
            for interface in implements {
                memberships.push((name.clone(), interface.node.to_string()));
            }
            let shape = shapes.entry(name).or_default();
            for field in fields {
                let mut ty = &field.node.ty.node;
                while let BaseType::List(inner) = &ty.base {
                    ty = inner;
                }
                if let BaseType::Named(named) = &ty.base {
                    shape
                        .fields
                        .insert(field.node.name.node.to_string(), named.to_string());
                }
            }
        }
        for (object, supertype) in memberships {
            shapes
                .entry(supertype.clone())
                .or_default()
                .possible
                .push(object.clone());
            shapes
                .entry(object)
                .or_default()
                .supertypes
                .insert(supertype);
        }
        Self { shapes }
    }

    /// Puts every object of `data` in the order the operation asks for its fields.
    pub fn order(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
        data: &mut Value,
    ) {
        let operation = document.operations.iter().find(|(name, _)| {
            operation_name.is_none_or(|wanted| name.is_some_and(|name| name.as_str() == wanted))
        });
        let Some((_, operation)) = operation else {
            return;
        };
        let root = match operation.node.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        let walk = Walk {
            document,
            variables,
            operation: &operation.node,
        };
        self.order_value(&walk, root, &[&operation.node.selection_set.node], data);
    }

    /// Orders a value of declared type `declared` selected by `sets`: each item of a list,
    /// the keys of an object. Objects of one concrete type share their field groups.
    fn order_value(&self, walk: &Walk, declared: &str, sets: &[&SelectionSet], value: &mut Value) {
        match value {
            Value::List(items) => {
                let groups =
                    (!self.is_abstract(declared)).then(|| self.collect(walk, declared, sets));
                for item in items {
                    match (&groups, item) {
                        (Some(groups), Value::Object(object)) => {
                            self.order_object(walk, declared, groups, object)
                        }
                        (_, item) => self.order_value(walk, declared, sets, item),
                    }
                }
            }
            Value::Object(object) => {
                let concrete = self.runtime_type(walk, declared, sets, object);
                let groups = self.collect(walk, concrete, sets);
                self.order_object(walk, concrete, &groups, object);
            }
            _ => {}
        }
    }

    /// Rebuilds an object's keys in the order of `groups` (when they are not in it already)
    /// and orders each field's value by its own selections.
    fn order_object(
        &self,
        walk: &Walk,
        concrete: &str,
        groups: &Groups,
        object: &mut IndexMap<Name, Value>,
    ) {
        let in_order = groups
            .iter()
            .filter(|(key, _)| object.contains_key(*key))
            .map(|(key, _)| *key)
            .eq(object.keys());
        if !in_order {
            let mut ordered = IndexMap::with_capacity(object.len());
            for (key, _) in groups {
                if let Some((key, value)) = object.swap_remove_entry(*key) {
                    ordered.insert(key, value);
                }
            }
            // Nothing is dropped: a key the groups do not name keeps a place at the end.
            ordered.extend(object.drain(..));
            *object = ordered;
        }
        let Some(shape) = self.shapes.get(concrete) else {
            return;
        };
        for (key, fields) in groups {
            let (Some(value), Some(first)) = (object.get_mut(*key), fields.first()) else {
                continue;
            };
            let Some(field_type) = shape.fields.get(first.name.node.as_str()) else {
                continue;
            };
            let child_sets: Vec<&SelectionSet> = fields
                .iter()
                .map(|field| &field.selection_set.node)
                .filter(|set| !set.items.is_empty())
                .collect();
            if !child_sets.is_empty() {
                self.order_value(walk, field_type, &child_sets, value);
            }
        }
    }

    fn is_abstract(&self, name: &str) -> bool {
        self.shapes
            .get(name)
            .is_some_and(|shape| !shape.possible.is_empty())
    }

    /// The object type an object of an interface or union type is: the first possible type
    /// whose selections give exactly the object's keys.
    fn runtime_type<'s>(
        &'s self,
        walk: &Walk,
        declared: &'s str,
        sets: &[&SelectionSet],
        object: &IndexMap<Name, Value>,
    ) -> &'s str {
        let Some(shape) = self.shapes.get(declared) else {
            return declared;
        };
        shape
            .possible
            .iter()
            .find(|candidate| {
                let groups = self.collect(walk, candidate, sets);
                groups.len() == object.len()
                    && groups.iter().all(|(key, _)| object.contains_key(*key))
            })
            .map_or(declared, String::as_str)
    }

    /// CollectFields: the response keys `sets` select on an object of type `concrete`, in
    /// order, each with the field selections merged under it.
    fn collect<'d>(
        &self,
        walk: &Walk<'d>,
        concrete: &str,
        sets: &[&'d SelectionSet],
    ) -> Groups<'d> {
        let mut groups: Groups<'d> = Vec::new();
        let mut visited = HashSet::new();
        for set in sets {
            self.collect_set(walk, concrete, set, &mut groups, &mut visited);
        }
        groups
    }

    fn collect_set<'d>(
        &self,
        walk: &Walk<'d>,
        concrete: &str,
        set: &'d SelectionSet,
        groups: &mut Groups<'d>,
        visited: &mut HashSet<&'d Name>,
    ) {
        for selection in &set.items {
            if skipped(walk, selection.node.directives()) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => {
                    let key = &field.node.response_key().node;
                    match groups.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(&field.node),
                        None => groups.push((key, vec![&field.node])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let Some(fragment) = walk.document.fragments.get(name) else {
                        continue;
                    };
                    if visited.insert(name)
                        && self.applies(concrete, &fragment.node.type_condition.node.on.node)
                    {
                        let set = &fragment.node.selection_set.node;
                        self.collect_set(walk, concrete, set, groups, visited);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let applies = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .is_none_or(|condition| self.applies(concrete, &condition.node.on.node));
                    if applies {
                        let set = &fragment.node.selection_set.node;
                        self.collect_set(walk, concrete, set, groups, visited);
                    }
                }
            }
        }
    }

    /// Whether a fragment on `condition` applies to an object of type `concrete`.
    fn applies(&self, concrete: &str, condition: &str) -> bool {
        concrete == condition
            || self
                .shapes
                .get(concrete)
                .is_some_and(|shape| shape.supertypes.contains(condition))
    }
}

/// Whether `@skip(if: true)` or `@include(if: false)` leaves a selection out.
fn skipped(
    walk: &Walk,
    directives: &[Positioned<async_graphql::parser::types::Directive>],
) -> bool {
    directives.iter().any(|directive| {
        let include = match directive.node.name.node.as_str() {
            "skip" => false,
            "include" => true,
            _ => return false,
        };
        let condition = directive
            .node
            .get_argument("if")
            .map(|value| match &value.node {
                DocumentValue::Boolean(b) => *b,
                DocumentValue::Variable(name) => variable_is_true(walk, name),
                _ => false,
            });
        condition.is_some_and(|condition| condition != include)
    })
}

/// A Boolean variable's value: the request's, or else the operation's default.
fn variable_is_true(walk: &Walk, name: &Name) -> bool {
    let given = walk.variables.get(name).cloned().or_else(|| {
        walk.operation
            .variable_definitions
            .iter()
            .find(|definition| definition.node.name.node == *name)
            .and_then(|definition| definition.node.default_value.as_ref())
            .map(|default| default.node.clone())
    });
    matches!(given, Some(Value::Boolean(true)))
}
