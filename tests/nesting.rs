//! No request within the body limit stops the process. For every input type of the schema
//! that can hold itself (found by introspection, so a type added later is covered) and for
//! every list argument, nestings of 100, 1,000 and 10,000 levels are sent to the real
//! binary, as literals and as variables: each gets a JSON error and the process answers
//! afterwards. A query at exactly the maximum input nesting and depth is answered.

mod common;

use std::collections::{HashMap, HashSet, VecDeque};

use common::{Backend, ServerProcess};
use foc_graph::graphql::limits::{DEPTH_CEILING, JSON_NESTING_LIMIT, Limits};
use serde_json::{Value, json};

/// The nestings sent, in levels of the recursive type (or of the list).
const LEVELS: [usize; 3] = [100, 1_000, 10_000];

/// The default body limit: nestings whose request would not fit are not sent.
fn body_limit() -> usize {
    foc_graph::http::Settings::default().max_body_bytes
}

const INTROSPECTION: &str = "{ __schema { queryType { name } mutationType { name } types { name kind \
    inputFields { name type { ...Ref } } fields { name args { name type { ...Ref } } } } } } \
    fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// A type reference unwrapped: its named type and whether a list wraps it.
fn named(reference: &Value) -> (String, bool) {
    let (mut reference, mut list) = (reference, false);
    while reference["name"].is_null() {
        list |= reference["kind"] == "LIST";
        reference = &reference["ofType"];
    }
    (
        reference["name"].as_str().unwrap_or_default().to_owned(),
        list,
    )
}

/// One step from an input type into another: the field and whether it is a list.
#[derive(Clone, Debug)]
struct Step {
    field: String,
    list: bool,
}

/// The schema as this test needs it: input types' fields, and the root fields' arguments.
struct Schema {
    /// Input type -> its fields that hold input objects, with their types.
    inputs: HashMap<String, Vec<(Step, String)>>,
    /// (root type, field, argument, argument's named type, whether a list).
    arguments: Vec<(String, String, String, String, bool)>,
}

impl Schema {
    fn read(introspection: &Value) -> Self {
        let schema = &introspection["__schema"];
        let roots: Vec<&str> = [&schema["queryType"], &schema["mutationType"]]
            .iter()
            .filter_map(|root| root["name"].as_str())
            .collect();
        let types = schema["types"].as_array().expect("the schema's types");
        let input_names: HashSet<&str> = types
            .iter()
            .filter(|ty| ty["kind"] == "INPUT_OBJECT")
            .filter_map(|ty| ty["name"].as_str())
            .collect();
        let mut inputs = HashMap::new();
        let mut arguments = Vec::new();
        for ty in types {
            let name = ty["name"].as_str().unwrap_or_default();
            if ty["kind"] == "INPUT_OBJECT" {
                let fields = ty["inputFields"].as_array().into_iter().flatten();
                let steps = fields
                    .filter_map(|field| {
                        let (target, list) = named(&field["type"]);
                        input_names.contains(target.as_str()).then(|| {
                            let field = field["name"].as_str().unwrap_or_default().to_owned();
                            (Step { field, list }, target)
                        })
                    })
                    .collect();
                inputs.insert(name.to_owned(), steps);
            }
            if roots.contains(&name) {
                for field in ty["fields"].as_array().into_iter().flatten() {
                    for argument in field["args"].as_array().into_iter().flatten() {
                        let (target, list) = named(&argument["type"]);
                        arguments.push((
                            name.to_owned(),
                            field["name"].as_str().unwrap_or_default().to_owned(),
                            argument["name"].as_str().unwrap_or_default().to_owned(),
                            target,
                            list,
                        ));
                    }
                }
            }
        }
        Self { inputs, arguments }
    }

    /// The shortest way from `from` to `to` through input fields (empty when equal).
    fn path(&self, from: &str, to: &str) -> Option<Vec<Step>> {
        let mut seen = HashSet::from([from.to_owned()]);
        let mut queue = VecDeque::from([(from.to_owned(), Vec::new())]);
        while let Some((ty, path)) = queue.pop_front() {
            if ty == to {
                return Some(path);
            }
            for (step, target) in self.inputs.get(&ty).into_iter().flatten() {
                if seen.insert(target.clone()) {
                    let mut next = path.clone();
                    next.push(step.clone());
                    queue.push_back((target.clone(), next));
                }
            }
        }
        None
    }

    /// Every input type that can hold itself, with its shortest cycle.
    fn recursive_types(&self) -> Vec<(String, Vec<Step>)> {
        let mut found: Vec<(String, Vec<Step>)> = self
            .inputs
            .iter()
            .filter_map(|(ty, steps)| {
                steps
                    .iter()
                    .filter_map(|(step, target)| {
                        let rest = self.path(target, ty)?;
                        Some([vec![step.clone()], rest].concat())
                    })
                    .min_by_key(Vec::len)
                    .map(|cycle| (ty.clone(), cycle))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// A root field argument from which `ty` can be reached, with the way there.
    fn entry(&self, ty: &str) -> Option<(String, String, String, String, Vec<Step>)> {
        self.arguments
            .iter()
            .filter(|(_, _, _, _, list)| !list)
            .filter_map(|(root, field, argument, target, _)| {
                let path = self.path(target, ty)?;
                Some((
                    root.clone(),
                    field.clone(),
                    argument.clone(),
                    target.clone(),
                    path,
                ))
            })
            .min_by_key(|(root, _, _, _, path)| (root != "Query", path.len()))
    }
}

/// A nested value as text: the steps of `way` (from the argument's type to the recursive
/// one), then `steps` repeated `levels` times, around an empty object. Field names are
/// quoted for JSON (a variable), bare for a GraphQL literal. Text, not a
/// `serde_json::Value`: dropping a value this deep would overflow the test's own stack.
fn nested(way: &[Step], steps: &[Step], levels: usize, json: bool) -> String {
    let (mut open, mut close) = (String::new(), String::new());
    let cycles = std::iter::repeat_n(steps, levels).flatten();
    for step in way.iter().chain(cycles) {
        let quote = if json { "\"" } else { "" };
        open.push_str(&format!("{{{quote}{}{quote}: ", step.field));
        // Closers are pushed innermost last, then reversed.
        close.push('}');
        if step.list {
            open.push('[');
            close.push(']');
        }
    }
    let close: String = close.chars().rev().collect();
    format!("{open}{{}}{close}")
}

/// Sends a request body; the answer must be a JSON error, never a dropped connection or a
/// server error. Returns the first error's code and message.
async fn refused(server: &ServerProcess, body: String) -> (Value, String) {
    let response = server
        .app
        .client
        .post(format!("{}/graphql", server.app.url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    assert!(status == 200 || status == 400, "HTTP {status}");
    let answer: Value = response.json().await.expect("a JSON answer");
    let error = &answer["errors"][0];
    assert!(error.is_object(), "no error: {answer}");
    (
        error["extensions"]["code"].clone(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Still serving, and still the same process.
async fn still_serving(server: &mut ServerProcess) {
    assert!(server.is_running(), "the process died");
    let answer = server.app.query("{ coalition { name } }").await;
    assert_eq!(
        answer.data()["coalition"]["name"],
        "Freedom Online Coalition"
    );
}

/// How deep `steps` nest per level: a list and an object each count one.
fn per_level(steps: &[Step]) -> usize {
    steps.iter().map(|step| 1 + usize::from(step.list)).sum()
}

async fn recursive_inputs_are_refused(mut server: ServerProcess) {
    let answer = server.app.query(INTROSPECTION).await;
    let schema = Schema::read(answer.data());
    let recursive = schema.recursive_types();
    // The schema's filters nest (`and`, `or`, `not`, `some`, `every`, `none`): if none were
    // found, the search itself is broken.
    assert!(recursive.len() >= 20, "{recursive:?}");
    let mut sent = 0;
    for (ty, cycle) in &recursive {
        let (root, field, argument, argument_type, way) = schema
            .entry(ty)
            .unwrap_or_else(|| panic!("no argument reaches {ty}"));
        let operation = if root == "Query" { "query" } else { "mutation" };
        for levels in LEVELS {
            let value = nested(&way, cycle, levels, false);
            let query = format!("{operation} {{ {field}({argument}: {value}) {{ __typename }} }}");
            let body = json!({ "query": query }).to_string();
            if body.len() <= body_limit() {
                let (code, message) = refused(&server, body).await;
                assert_eq!(code, "LIMIT_EXCEEDED", "{ty} x{levels} literal: {message}");
                sent += 1;
                still_serving(&mut server).await;
            }
            let query = format!(
                "{operation}($v: {argument_type}) {{ {field}({argument}: $v) {{ __typename }} }}"
            );
            let body = format!(
                "{{\"query\": {}, \"variables\": {{\"v\": {}}}}}",
                json!(query),
                nested(&way, cycle, levels, true)
            );
            if body.len() <= body_limit() {
                let (code, message) = refused(&server, body).await;
                let depth = (levels * per_level(cycle)) + per_level(&way);
                if depth <= JSON_NESTING_LIMIT {
                    assert_eq!(code, "LIMIT_EXCEEDED", "{ty} x{levels} variable: {message}");
                } else {
                    let expected = format!("nests more than {JSON_NESTING_LIMIT} levels");
                    assert!(message.contains(&expected), "{message}");
                }
                sent += 1;
                still_serving(&mut server).await;
            }
        }
    }
    assert!(sent >= recursive.len() * 3, "only {sent} requests fit");
}

async fn nested_list_literals_are_refused(mut server: ServerProcess) {
    let answer = server.app.query(INTROSPECTION).await;
    let schema = Schema::read(answer.data());
    let lists: Vec<_> = schema.arguments.iter().filter(|a| a.4).collect();
    assert!(lists.len() >= 3, "{lists:?}");
    for (root, field, argument, _, _) in lists {
        let operation = if root == "Query" { "query" } else { "mutation" };
        for levels in LEVELS {
            let value = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
            let body = json!({
                "query": format!("{operation} {{ {field}({argument}: {value}) {{ __typename }} }}")
            });
            let (code, message) = refused(&server, body.to_string()).await;
            assert_eq!(
                code, "LIMIT_EXCEEDED",
                "{field}({argument}) x{levels}: {message}"
            );
        }
        still_serving(&mut server).await;
    }
}

/// The deepest query the limits allow, with an argument nested exactly as deep as they
/// allow: answered, by the same binary and threads as any request.
async fn at_the_limits(mut server: ServerProcess, limits: Limits) {
    // Each `and` level is an object and a list; the innermost has an empty list.
    let ands = limits.max_input_nesting / 2;
    let filter = format!("{}{}", "{and: [".repeat(ands), "]}".repeat(ands));
    let hop = "memberships(first: 1) { nodes { state { ";
    // states, nodes: 2 levels; each hop 3; the leaf 1.
    let hops = (limits.max_depth - 3) / 3;
    // Leaves of the innermost state 1, 2, 3 and 4 levels deep.
    let leaves = [
        "code",
        "memberships(first: 1) { totalCount }",
        "memberships(first: 1) { nodes { ordinal } }",
        "memberships(first: 1) { nodes { state { code } } }",
    ];
    let extra = (limits.max_depth - 3) % 3;
    let query_with = |leaf: &str| {
        format!(
            "{{ states(first: 1, filter: {filter}) {{ nodes {{ {}{leaf}{} }} }} }}",
            hop.repeat(hops),
            " } } }".repeat(hops)
        )
    };
    let query = query_with(leaves[extra]);
    let answer = server.app.query(&query).await;
    let mut state = &answer.data()["states"]["nodes"][0];
    for _ in 0..hops {
        state = &state["memberships"]["nodes"][0]["state"];
    }
    assert!(state.is_object(), "{}", answer.body);
    // One more level of either is refused.
    let deeper = query
        .replacen("{and: [", "{and: [{and: [", 1)
        .replacen("]}", "]}]}", 1);
    let (code, message) = refused(&server, json!({ "query": deeper }).to_string()).await;
    assert_eq!(code, "LIMIT_EXCEEDED", "{message}");
    assert!(message.contains("input nesting"), "{message}");
    let deeper = query_with(leaves[extra + 1]);
    let (code, message) = refused(&server, json!({ "query": deeper }).to_string()).await;
    assert_eq!(code, "LIMIT_EXCEEDED", "{message}");
    assert!(message.contains("depth"), "{message}");
    still_serving(&mut server).await;
}

async fn a_query_at_the_default_limits_is_answered(server: ServerProcess) {
    at_the_limits(server, Limits::default()).await;
}

/// The highest limits the flags accept, so the worker stack is sized for them too.
fn ceilings() -> Limits {
    Limits {
        max_depth: DEPTH_CEILING,
        max_input_nesting: JSON_NESTING_LIMIT,
        max_cost: 1_000_000_000,
        max_fields: 10_000,
        ..Limits::default()
    }
}

/// The flags that set [`ceilings`].
fn ceiling_flags() -> Vec<String> {
    let limits = ceilings();
    [
        ("--max-depth", limits.max_depth),
        ("--max-input-nesting", limits.max_input_nesting),
        ("--max-cost", limits.max_cost),
        ("--max-fields", limits.max_fields),
    ]
    .iter()
    .flat_map(|(flag, value)| [flag.to_string(), value.to_string()])
    .collect()
}

async fn a_query_at_the_highest_limits_is_answered(server: ServerProcess) {
    at_the_limits(server, ceilings()).await;
}

macro_rules! on_both_processes {
    ($($name:ident),*) => {
        on_both_processes!(with Vec::<String>::new(); $($name),*);
    };
    (with $args:expr; $($name:ident),*) => {
        $(mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(server) = common::spawn_process(Backend::Sqlite, $args).await {
                    super::$name(server).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(server) = common::spawn_process(Backend::Postgres, $args).await {
                    super::$name(server).await;
                }
            }
        })*
    };
}

on_both_processes!(
    recursive_inputs_are_refused,
    nested_list_literals_are_refused,
    a_query_at_the_default_limits_is_answered
);
on_both_processes!(with ceiling_flags(); a_query_at_the_highest_limits_is_answered);
