//! List fields from the model: a concept's object type names its relationships, and
//! [`object!`] writes each list field (its six arguments, its cost and its body) from the
//! relationship's declaration in `entity::keys` and the listed type's [`Record`].

use async_graphql::Context;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::error::ApiResult;
use super::filter::list_query;
use super::list::{Connection, EdgeOf, Loaded, PageArgs, Row, ToMany};
use super::model::Record;
use super::order::OrderBy;
use super::plan::Answer;

/// The column of an uncertain date's part: `date_column!(joined, earliest)` is
/// `"joined_earliest"` (see `crate::dates`).
macro_rules! date_column {
    ($date:ident, $part:ident) => {
        concat!(stringify!($date), "_", stringify!($part))
    };
}
pub(crate) use date_column;

/// The node-type half of [`object!`], from its trailing `record` section
/// (`record entity, "plural noun", by [default order] "its description";`, the description
/// every list of the type gives its `orderBy`; then, where needed, `filter`,
/// `order`, `groups` and `measures`, each with `{ members }`): the filter input (a member
/// for each column and date marked `filter`, each parent and each list, then the section's
/// own, as [`filter!`] takes them), the sort fields (each column and date marked `order`,
/// then the section's own, as [`order_by!`] takes them), the group keys (each column marked
/// `group`, then the section's own) and measures (as [`aggregate_types!`] takes them), and
/// the [`Record`] facts. Each derived member carries its field's description; the types'
/// own are written from the plural noun, their names from the node type's.
///
/// [`filter!`]: crate::graphql::filter::filter
/// [`order_by!`]: crate::graphql::order::order_by
/// [`aggregate_types!`]: crate::graphql::list::aggregate_types
macro_rules! record {
    // An object type that is no node type.
    (@derive [] $($rest:tt)*) => {};
    // The generated types take their names from the node type's: `State` has `StateFilter`,
    // `StateOrderField`, `StateOrder`, `StateAggregate`, `StateGroup` and `StateGroupKey`.
    (@derive [
        $entity:ident, $noun:literal, by [$( $default:ident $direction:ident ),*] $order_doc:literal;
        $(filter { $($members:tt)* })?
        $(order { $($orders:tt)* })?
        $(groups { $($keys:tt)* })?
        $(measures { $($measures:tt)* })?
    ] $ty:ident [$($fields:tt)*]) => { pastey::paste! {
        $crate::graphql::fields::record!(@member {
            $ty [<$ty Filter>] [$($($members)*)?] [<$ty OrderField>] [<$ty Order>]
            [$($($orders)*)?] $noun [<$ty Aggregate>] [<$ty Group>] [<$ty GroupKey>]
            [$($($keys)*)?] [$($($measures)*)?]
        } [] [] [] [] $($fields)*);

        impl $crate::graphql::model::Record for $ty {
            const TYPE: &'static str = stringify!($ty);
            type Entity = $entity::Entity;
            type Filter = [<$ty Filter>];
            type OrderField = [<$ty OrderField>];
            const ORDER: &'static [([<$ty OrderField>], $crate::graphql::order::OrderDirection)] = &[$(
                ([<$ty OrderField>]::$default, $crate::graphql::order::OrderDirection::$direction)
            ),*];

            fn wrap(row: $crate::graphql::list::Loaded<$entity::Model>) -> Self {
                Self(row)
            }

            fn aggregate_model() -> $crate::graphql::model::AggregateModel {
                $ty::aggregate_model()
            }
        }
    }};
    // The description of the `orderBy` argument of every list of the type, which names its
    // default order: a macro in the type's module, which `object!` asks for it where a type
    // lists this one, since an attribute's argument must be a literal. It is written before
    // anything else of the type, as types list each other. (`$d` is a `$` for the macro.)
    (@order_doc $ty:ident []) => {};
    (@order_doc $ty:ident [$entity:ident, $noun:literal, by [$($default:tt)*] $doc:literal; $($rest:tt)*]) => {
        pastey::paste! {
            $crate::graphql::fields::record!(@order_doc_macro [<$ty:snake _order_doc>] $doc $);
        }
    };
    (@order_doc_macro $name:ident $doc:literal $d:tt) => {
        macro_rules! $name {
            ($d($d item:tt)*) => { $crate::graphql::fields::object!(@got $doc $d($d item)*); };
        }
        pub(crate) use $name;
    };
    // Each field in turn adds its filter member, sort field, group key and measures, if it
    // is marked with them: as `(docs [more docs] name: type = what it checks)`, `(docs
    // [more docs] Variant = column)`, `(docs [more docs] Variant field: type = key)` and
    // `(docs [more docs] field: kind = measure)`.
    (@member $head:tt [$($f:tt)*] [$($o:tt)*] [$($g:tt)*] $m:tt
        (column $doc:tt $name:ident ($ty:ty) $(, filter $filter:ident)? $(, order $order:ident)?
            $(, group $group:ident)? $(,)?)
        $($rest:tt)*) => {
        $crate::graphql::fields::record!(@member $head
            [$($f)* $( ($doc [] $name: $crate::graphql::filter::$filter = stringify!($name)) )?]
            [$($o)* $( ($doc [] $order = stringify!($name)) )?]
            [$($g)* $( ($doc [] $group $name: <$ty as $crate::graphql::list::GroupColumn>::Key
                = <$ty as $crate::graphql::list::GroupColumn>::key_sql(stringify!($name))) )?]
            $m $($rest)*);
    };
    (@member $head:tt [$($f:tt)*] [$($o:tt)*] [$($g:tt)*] [$($m:tt)*]
        (date $doc:tt $name:ident $(, filter $earliest:ident $latest:ident)? $(, order $order:ident)?
            $(, group $group:ident $year:ident)? $(, earliest $min:ident)? $(, latest $max:ident)?
            $(,)?)
        $($rest:tt)*) => {
        $crate::graphql::fields::record!(@member $head
            [$($f)* $(
                ($doc [#[doc = "Its earliest possible day."]]
                    $earliest: $crate::graphql::filter::DateFilter
                        = $crate::graphql::fields::date_column!($name, earliest))
                ($doc [#[doc = "Its latest possible day."]]
                    $latest: $crate::graphql::filter::DateFilter
                        = $crate::graphql::fields::date_column!($name, latest))
            )?]
            [$($o)* $( ($doc [#[doc = "Its earliest possible day."]]
                $order = $crate::graphql::fields::date_column!($name, earliest)) )?]
            [$($g)* $( ($doc [#[doc = "By its year; null where the sources leave the year open."]]
                $group $year: i64 = $crate::graphql::list::KeySql::CertainYear(
                    $crate::graphql::fields::date_column!($name, earliest),
                    $crate::graphql::fields::date_column!($name, latest))) )?]
            [$($m)*
                $( ($doc [#[doc = "Over the list: the earliest day it can be."]]
                    $min: date = $crate::graphql::list::Measure::MinDate(
                        $crate::graphql::fields::date_column!($name, earliest))) )?
                $( ($doc [#[doc = "Over the list: the latest day it can be."]]
                    $max: date = $crate::graphql::list::Measure::MaxDate(
                        $crate::graphql::fields::date_column!($name, latest))) )?
            ] $($rest)*);
        // The filter members are named as the columns they check.
        $(const _: () = assert!(
            $crate::graphql::fields::same(
                stringify!($earliest), $crate::graphql::fields::date_column!($name, earliest))
                && $crate::graphql::fields::same(
                    stringify!($latest), $crate::graphql::fields::date_column!($name, latest)),
            "a date's filter members are <date>_earliest and <date>_latest",
        );)?
    };
    (@member $head:tt [$($f:tt)*] $o:tt $g:tt $m:tt (parent $doc:tt $name:ident $node:ident ($key:expr))
        $($rest:tt)*) => {
        $crate::graphql::fields::record!(@member $head [$($f)*
            ($doc [] $name: Box<<$node as $crate::graphql::model::Record>::Filter> = $key)
        ] $o $g $m $($rest)*);
    };
    (@member $head:tt [$($f:tt)*] $o:tt $g:tt $m:tt (list $doc:tt $name:ident $node:ident ($source:expr))
        $($rest:tt)*) => {
        $crate::graphql::fields::record!(@member $head [$($f)*
            ($doc [] $name: $crate::graphql::filter::ListFilter<
                <$node as $crate::graphql::model::Record>::Filter> = $source)
        ] $o $g $m $($rest)*);
    };
    (@member $head:tt $f:tt $o:tt $g:tt $m:tt (root $($skip:tt)*) $($rest:tt)*) => {
        $crate::graphql::fields::record!(@member $head $f $o $g $m $($rest)*);
    };
    (@member $head:tt $f:tt $o:tt $g:tt $m:tt (paged $($skip:tt)*) $($rest:tt)*) => {
        $crate::graphql::fields::record!(@member $head $f $o $g $m $($rest)*);
    };
    (@member {
            $ty:ident $filter:ident [$($members:tt)*] $field:ident $key:ident [$($orders:tt)*] $noun:literal
            $agg:ident $group:ident $keyenum:ident [$($keys:tt)*] [$($measures:tt)*]
        }
        [$( ([$(#[$fdoc:meta])*] [$(#[$fmore:meta])*] $fname:ident : $fty:ty = $on:expr) )*]
        [$( ([$(#[$odoc:meta])*] [$(#[$omore:meta])*] $variant:ident = $column:expr) )*]
        [$( ([$(#[$gdoc:meta])*] [$(#[$gmore:meta])*] $gvariant:ident $gname:ident : $gty:ty = $gsql:expr) )*]
        [$( ([$(#[$mdoc:meta])*] [$(#[$mmore:meta])*] $mname:ident : $mkind:ident = $msql:expr) )*]) => {
        $crate::graphql::filter::filter! {
            #[doc = concat!("Conditions on ", $noun, "; every condition given must hold.")]
            $filter { $( $(#[$fdoc])* $(#[$fmore])* $fname: $fty = $on, )* $($members)* }
        }

        $crate::graphql::order::order_by! {
            #[doc = concat!("Fields ", $noun, " can be sorted by.")]
            $field, $key { $( $(#[$odoc])* $(#[$omore])* $variant = $column, )* $($orders)* }
        }

        $crate::graphql::list::aggregate_types!(
            for $ty;
            #[doc = concat!("Totals over a list of ", $noun, ".")]
            $agg,
            #[doc = concat!("A group of ", $noun, " sharing the keys asked for.")]
            $group,
            #[doc = concat!("Keys to group ", $noun, " by.")]
            $keyenum {
                $( $(#[$gdoc])* $(#[$gmore])* $gvariant => $gname: $gty = $gsql, )*
                $($keys)*
            },
            measures { $( $(#[$mdoc])* $(#[$mmore])* $mname: $mkind = $msql, )* $($measures)* }
        );
    };
}
pub(crate) use record;

/// Whether two texts are the same, for checks at compile time.
pub const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The page of a relationship of `parent`, filtered and sorted as asked, as a connection with
/// the relationship's rows as its aggregates' scope.
pub async fn nested<N, X, M, R>(
    ctx: &Context<'_>,
    parent: &Loaded<M>,
    relationship: R,
    filter: Option<&N::Filter>,
    order_by: Option<&[OrderBy<N::OrderField>]>,
    args: PageArgs,
) -> ApiResult<Answer<Connection<N, X>>>
where
    N: Record,
    <N::Entity as EntityTrait>::Model: Row,
    X: EdgeOf<R::Link>,
    M: Row,
    R: ToMany<M, Target = N::Entity>,
{
    let query = list_query::<N::Entity, _, _>(filter, order_by, N::ORDER);
    let page = relationship.page(parent, ctx, &query, &args).await?;
    Ok(Answer::Resolved(
        Connection::from_page(page.map(|(row, link)| (N::wrap(row), X::of(link))))
            .with_scope(relationship.scope(parent, &query)?),
    ))
}

/// How a column's value answers its field: text borrowed, other values copied, a row's id as
/// the global id of its type.
pub trait AsField<'a, Out> {
    /// The field's value; `type_name` is the object type's.
    fn as_field(&'a self, type_name: &'static str) -> Out;
}

impl<'a> AsField<'a, &'a str> for String {
    fn as_field(&'a self, _: &'static str) -> &'a str {
        self
    }
}

impl<'a> AsField<'a, Option<&'a str>> for Option<String> {
    fn as_field(&'a self, _: &'static str) -> Option<&'a str> {
        self.as_deref()
    }
}

impl<T: Copy> AsField<'_, T> for T {
    fn as_field(&self, _: &'static str) -> T {
        *self
    }
}

impl AsField<'_, Option<super::dates::Date>> for Option<chrono::NaiveDate> {
    fn as_field(&self, _: &'static str) -> Option<super::dates::Date> {
        self.map(super::dates::Date)
    }
}

impl AsField<'_, async_graphql::ID> for i32 {
    fn as_field(&self, type_name: &'static str) -> async_graphql::ID {
        super::node::global_id(type_name, *self)
    }
}

/// The rows of `column`'s table; only those whose `column` equals `value` when one is given
/// (a root list's optional `kind` or `topic`).
pub fn rows_where<C>(
    column: C,
    value: Option<impl Into<sea_orm::Value>>,
) -> sea_orm::Select<C::EntityName>
where
    C: ColumnTrait,
    C::EntityName: EntityTrait,
{
    C::EntityName::find().apply_if(value, |select, value| select.filter(column.eq(value)))
}

/// A concept's object type (or a root type, declared with `query Name;` in place of `impl`,
/// whose `roots` are the root fields). Its own fields are written out in `impl`; then, each
/// section optional and in this order: the fields that answer a column as it is (`columns`,
/// `name: Type`, `id: ID` for the global id) or a date read from its interval columns
/// (`dates`); the rows its foreign keys point to (`parents`, `name: Type = KEY;`); lists the
/// model cannot describe, with their loader (`paged`, `name(extra arguments) -> Type =
/// loader;`: the macro adds the page arguments and the cost); its list fields (`lists`, one
/// line each: `name: Type = relationship;` or `name: Type with EdgeFields = link;`); its
/// `sources` list, for a record that cites them (`cited Kind;`, its kind of citing record); lists
/// of rows chosen by the object itself or by the field's arguments (`roots`,
/// `name(extra arguments) -> Type = |object| select;`), as root fields are; and, for a node
/// type, its `record` section (see [`record!`]), which reads the marks a column or date
/// carries after its type: `[filter StringFilter, order Name, group Name]` for a column,
/// `[filter joined_earliest joined_latest, order Joined]` for a date.
///
/// ```text
/// object! {
///     /// A government that is or was a member of the Coalition.
///     impl State { /* membershipStatus(on:), ... */ }
///     columns {
///         /// Short English name.
///         name: &str [filter StringFilter, order Name],
///     }
///     lists {
///         /// The state's periods of membership.
///         memberships: Membership = entity::membership::STATE;
///         /// The conferences the state hosted; each edge gives its role.
///         hosted_conferences: Conference with HostingFields = entity::conference_host::HOSTED;
///     }
///     cited State;
///     record state, "states", by [Name Asc] "Sort keys, in order; by name when left out.";
///     filter { /* members with rules of their own */ }
/// }
/// ```
macro_rules! object {
    // A root type: `query PersonQuery;` (or `query ConferenceQuery { fields of its own }`)
    // declares the type, then its roots follow as any object's do.
    ($(#[$attr:meta])* query $ty:ident; $($rest:tt)*) => {
        $crate::graphql::fields::object!($(#[$attr])* query $ty {} $($rest)*);
    };
    ($(#[$attr:meta])* query $ty:ident { $($body:tt)* } $($rest:tt)*) => {
        $(#[$attr])*
        #[derive(Default)]
        pub struct $ty;

        $crate::graphql::fields::object!(impl $ty { $($body)* } $($rest)*);
    };
    (
        $(#[$attr:meta])*
        impl $ty:ident { $($body:tt)* }
        $(columns {
            $( $(#[$cdoc:meta])* $cfield:ident : $cty:ty $([$($cmark:tt)*])? ),* $(,)?
        })?
        $(dates {
            $( $(#[$ddoc:meta])* $dfield:ident $([$($dmark:tt)*])? ),* $(,)?
        })?
        $(parents {
            $( $(#[$pdoc:meta])* $pfield:ident : $pnode:ident = $fk:expr; )*
        })?
        $(paged {
            $( $(#[$gdoc:meta])* $gfield:ident ( $( $(#[$am:meta])* $an:ident : $at:ty ),* $(,)? )
                -> $gnode:ident = $gfn:path; )*
        })?
        $(lists {
            $( $(#[$doc:meta])* $field:ident : $node:ident $(with $edge:ty)? = $rel:expr; )*
        })?
        $(cited $cited:ident;)?
        $(roots {
            $( $(#[$rdoc:meta])* $rfield:ident ( $( $(#[$ram:meta])* $ran:ident : $rat:ty ),* $(,)? )
                -> $rnode:ident = $select:expr; )*
        })?
        $(record $($record:tt)*)?
    ) => {
        $crate::graphql::fields::record!(@order_doc $ty [$($($record)*)?]);
        $crate::graphql::fields::object!(@next [
            [$(#[$attr])* impl $ty { $($body)* }]
            [$($( [$(#[$cdoc])* $cfield ($cty) [$($($cmark)*)?]] )*)?]
            [$($( [$(#[$ddoc])* $dfield [$($($dmark)*)?]] )*)?]
            [$($( [$(#[$pdoc])* $pfield $pnode ($fk)] )*)?]
            [$($($record)*)?]
        ] []
            $($( [$gnode paged $(#[$gdoc])* $gfield ($( [$(#[$am])* $an ($at)] )*) [] ($gfn)] )*)?
            $($( [$node list $(#[$doc])* $field () [$($edge)?] ($rel)] )*)?
            $( [Source list
                /// The sources of this record.
                sources () [] ($crate::graphql::list::Cited(entity::enums::RecordKind::$cited))] )?
            $($( [$rnode root $(#[$rdoc])* $rfield ($( [$(#[$ram])* $ran ($rat)] )*) [] ($select)] )*)?);
    };
    // Looks up the next list's `orderBy` description, and files the list with it; a list
    // with its own loader takes no filter or order.
    (@next $head:tt [$($lists:tt)*] [$node:ident paged $($item:tt)*] $($rest:tt)*) => {
        $crate::graphql::fields::object!(@next $head [$($lists)* [[] $node paged $($item)*]] $($rest)*);
    };
    (@next $head:tt $lists:tt [$node:ident $($item:tt)*] $($rest:tt)*) => {
        pastey::paste! {
            $crate::graphql::[<$node:snake>]::[<$node:snake _order_doc>]!(
                $head $lists [$node $($item)*] $($rest)*);
        }
    };
    (@got $order_doc:literal $head:tt [$($lists:tt)*] [$($item:tt)*] $($rest:tt)*) => {
        $crate::graphql::fields::object!(@next $head [$($lists)* [[$order_doc] $($item)*]] $($rest)*);
    };
    // The relationship of a list field, for the planner; a root list and one with its own
    // loader have none.
    (@relation list $name:ident $field:ident $node:ident [$($edge:ty)?] ($source:expr)) => {
        if $name == stringify!($field) {
            return Some($crate::graphql::model::Relation {
                path: $crate::graphql::list::Many::path($source),
                target: $crate::graphql::model::Target::of::<$node>(),
                connection: Some(<$crate::graphql::list::Connection<$node $(, $edge)?>
                    as async_graphql::OutputType>::type_name),
            });
        }
    };
    (@relation $($skip:tt)*) => {};
    // A list's page: of a relationship of the object's row, of the rows a root chooses, or
    // of the list's own loader.
    (@page list $node:ident $this:ident $ctx:ident ($source:expr) [$filter:ident $order:ident $doc:literal] ($($an:ident)*) $args:ident) => {
        $crate::graphql::fields::nested($ctx, &$this.0, $source, $filter.as_ref(), $order.as_deref(), $args)
    };
    (@page root $node:ident $this:ident $ctx:ident ($source:expr) [$filter:ident $order:ident $doc:literal] ($($an:ident)*) $args:ident) => {
        $crate::graphql::plan::root::<$node, Self>($ctx, $this, $source, $filter.as_ref(), $order.as_deref(), $args)
    };
    (@page paged $node:ident $this:ident $ctx:ident ($source:expr) [] ($($an:ident)*) $args:ident) => {
        async { Ok($crate::graphql::plan::Answer::Resolved(($source)($this, $ctx, $($an,)* $args).await?)) }
    };
    // Every list has its description: writes the type. Every field that declares a cost
    // is written here, in the expansion that writes `#[Object]`: the cost's names resolve
    // only there.
    (@next [
        [$(#[$attr:meta])* impl $ty:ident { $($body:tt)* }]
        [$( [$(#[$cdoc:meta])* $cfield:ident ($cty:ty) [$($cmark:tt)*]] )*]
        [$( [$(#[$ddoc:meta])* $dfield:ident [$($dmark:tt)*]] )*]
        [$( [$(#[$pdoc:meta])* $pfield:ident $pnode:ident ($fk:expr)] )*]
        [$($record:tt)*]
    ]
        [$( [[$($order_doc:literal)?] $node:ident $kind:ident $(#[$doc:meta])* $field:ident
            ($( [$(#[$am2:meta])* $an2:ident ($at2:ty)] )*) [$($edge:ty)?] ($source:expr)] )*]) => {
        impl $crate::graphql::model::Planned for $ty {
            const COLUMNS: &'static [(&'static str, $crate::graphql::model::Leaf)] = &[
                $( (stringify!($cfield), <$cty as $crate::graphql::model::PlanLeaf>::LEAF), )*
            ];

            const DATES: &'static [$crate::graphql::model::DateColumns] = &[
                $( $crate::graphql::model::DateColumns {
                    field: stringify!($dfield),
                    stated: $crate::graphql::fields::date_column!($dfield, stated),
                    precision: $crate::graphql::fields::date_column!($dfield, precision),
                    earliest: $crate::graphql::fields::date_column!($dfield, earliest),
                    latest: $crate::graphql::fields::date_column!($dfield, latest),
                    narrowed_by: $crate::graphql::fields::date_column!($dfield, narrowed_by),
                    narrowing_note: $crate::graphql::fields::date_column!($dfield, narrowing_note),
                }, )*
            ];

            #[allow(unused_variables)]
            fn relation(name: &str) -> Option<$crate::graphql::model::Relation> {
                $(
                    if name == stringify!($pfield) {
                        return Some($crate::graphql::model::Relation {
                            path: $fk.parent(),
                            target: $crate::graphql::model::Target::of::<$pnode>(),
                            connection: None,
                        });
                    }
                )*
                $( $crate::graphql::fields::object!(@relation $kind name $field $node [$($edge)?] ($source)); )*
                None
            }
        }

        $(#[$attr])*
        #[async_graphql::Object]
        impl $ty {
            $(
                $(#[$cdoc])*
                pub async fn $cfield(&self) -> $cty {
                    $crate::graphql::fields::AsField::as_field(&self.0.$cfield, stringify!($ty))
                }
            )*

            $(
                $(#[$ddoc])*
                pub async fn $dfield(&self) -> Option<$crate::graphql::dates::DateInterval> {
                    $crate::graphql::dates::read_date(&self.0.model, stringify!($dfield)).map($crate::graphql::dates::DateInterval)
                }
            )*

            $($body)*

            $(
                $(#[$pdoc])*
                async fn $pfield(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                ) -> $crate::graphql::error::ApiResult<Option<$pnode>> {
                    Ok(self
                        .0
                        .related(ctx, $fk)
                        .await?
                        .map(<$pnode as $crate::graphql::model::Record>::wrap))
                }
            )*

            $(
                $(#[$doc])*
                #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
                async fn $field(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    $( $(#[$am2])* $an2: $at2, )*
                    $(
                        #[graphql(desc = "Only items matching this filter.")]
                        filter: Option<<$node as $crate::graphql::model::Record>::Filter>,
                        #[graphql(desc = $order_doc)]
                        order_by: Option<Vec<$crate::graphql::order::OrderBy<
                            <$node as $crate::graphql::model::Record>::OrderField,
                        >>>,
                    )?
                    #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
                    #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
                    #[graphql(desc = "Return the first n items (1 to 100; up to 10,000 when the answer is a table, CSV or NDJSON).")] first: Option<i32>,
                    #[graphql(desc = "Return the last n items (1 to 100; up to 10,000 when the answer is a table, CSV or NDJSON).")] last: Option<i32>,
                ) -> $crate::graphql::error::ApiResult<$crate::graphql::plan::Answer<
                    $crate::graphql::list::Connection<$node $(, $edge)?>,
                >> {
                    let args = $crate::graphql::list::PageArgs::new(ctx, after, before, first, last)?;
                    $crate::graphql::fields::object!(@page $kind $node self ctx ($source)
                        [$(filter order_by $order_doc)?] ($($an2)*) args).await
                }
            )*
        }

        $crate::graphql::fields::record!(@derive [$($record)*] $ty [
            $( (column [$(#[$cdoc])*] $cfield ($cty), $($cmark)*) )*
            $( (date [$(#[$ddoc])*] $dfield, $($dmark)*) )*
            $( (parent [$(#[$pdoc])*] $pfield $pnode ($fk)) )*
            $( ($kind [$(#[$doc])*] $field $node ($source)) )*
        ]);
    };
}
pub(crate) use object;
