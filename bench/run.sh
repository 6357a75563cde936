#!/usr/bin/env bash
# Load test of foc-graph against PostGraphile 4 and PostGraphile 5 on PostgreSQL over synthetic data
# (bench/README.md explains it and holds the results of a full run).
#
#   bench/run.sh [STATES...]        # default: 1000 100000
#
# For each scale: builds nothing twice, creates a throwaway PostgreSQL database, seeds the
# real dataset, generates STATES synthetic states beside it (`foc-graph generate`), then
#   1. foc-graph, response cache off: each query of bench/queries/ by POST;
#   2. PostGraphile 4 + connection-filter over the same database: the equivalent query of
#      bench/postgraphile/queries/ (where one exists);
#   3. PostGraphile 5 (Amber preset, grafserv on node's http) + connection-filter over the same
#      database, on the Node 22 its package installs: the same documents as PostGraphile 4;
#   4. foc-graph with its cache on: the dashboard by GET, and axum serving the same bytes
#      from memory (examples/ceiling.rs), the ceiling for any server on this machine.
# Each is driven with oha for DURATION at CONNECTIONS connections; it reports requests/s,
# p50/p99 latency, SQL statements per request (`extensions.sqlStatements`) and the server's
# peak resident memory (VmHWM), then the ratios of foc-graph to each PostGraphile. Results
# go to stdout and bench/results/.
#
# Settings, from the environment:
#   SEED=42  DURATION=10s  CONNECTIONS=16  PORT=18300 (and the next three)
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres   for CREATE/DROP DATABASE
#   KEEP_DB=1      keep the databases      SKIP_BUILD=1   use the binaries as they are
set -euo pipefail

SCALES=("$@")
[[ ${#SCALES[@]} -gt 0 ]] || SCALES=(1000 100000)
SEED="${SEED:-42}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-16}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PORT="${PORT:-18300}"
PGL_PORT=$((PORT + 1))
CEILING_PORT=$((PORT + 2))
PG5_PORT=$((PORT + 3))

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The deployment build: optimized across crates (Cargo.toml's `deploy` profile).
bin="$root/target/deploy/foc-graph"
ceiling="$root/target/deploy/examples/ceiling"
results="$root/bench/results"
# PostGraphile 5 needs Node 22 or later: the one its package.json installs (the `node` package).
pg5_node="$root/bench/postgraphile5/node_modules/.bin/node"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

for scale in "${SCALES[@]}"; do
    case "$scale" in '' | *[!0-9]*) die "a scale is a number of states, not '$scale'" ;; esac
done
for tool in cargo psql curl jq node npm; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"
done
command -v oha >/dev/null 2>&1 || die "the load generator is missing: cargo install oha --locked"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    say "building the deployment binaries"
    cargo build --profile deploy --bin foc-graph --example ceiling --manifest-path "$root/Cargo.toml"
fi
[[ -x "$bin" && -x "$ceiling" ]] || die "no deployment binaries in $root/target/deploy"
if [[ ! -d "$root/bench/postgraphile/node_modules" ]]; then
    say "installing PostGraphile (npm ci)"
    (cd "$root/bench/postgraphile" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ ! -d "$root/bench/postgraphile5/node_modules" ]]; then
    say "installing PostGraphile 5 and its Node (npm ci)"
    (cd "$root/bench/postgraphile5" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The node package puts its binary in place by an install script; without it (scripts
# skipped), PostGraphile 5 would have no Node to run on.
"$pg5_node" -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)' 2>/dev/null ||
    die "no Node 22 in bench/postgraphile5/node_modules: remove that folder and run again"

# A server left on one of the ports would silently answer in place of the one under test.
for port in "$PORT" "$PGL_PORT" "$CEILING_PORT" "$PG5_PORT"; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        die "port $port is already in use: stop what listens there, or set PORT"
    fi
done

work="$(mktemp -d)"
pids=()
databases=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for db in "${databases[@]}"; do
        if [[ "${KEEP_DB:-0}" == 1 ]]; then
            say "kept the database $db"
        else
            psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until $1 answers (a GraphQL POST where it ends in /graphql); $2 is the pid to watch.
wait_for() {
    local probe=(curl -sf -o /dev/null "$1")
    [[ "$1" == */graphql ]] && probe+=(-H 'content-type: application/json' -d '{"query":"{__typename}"}')
    for _ in $(seq 1 600); do
        "${probe[@]}" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || die "the server for $1 stopped: $(tail -5 "$work/server.log")"
        sleep 0.1
    done
    die "$1 did not answer"
}

stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Peak resident memory of a process so far, in MiB.
peak_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# Drives a request with oha: prints "req/s p50-ms p99-ms success-%".
drive() { # url body-file|"" method
    local url="$1" body="$2" method="$3" out="$work/oha.json"
    if [[ "$method" == POST ]]; then
        oha -z "$DURATION" -c "$CONNECTIONS" -m POST -H 'content-type: application/json' \
            -D "$body" --no-tui --output-format json "$url" >"$out"
    else
        oha -z "$DURATION" -c "$CONNECTIONS" --no-tui --output-format json "$url" >"$out"
    fi
    jq -r '[(.summary.requestsPerSec | floor),
            (.latencyPercentiles.p50 * 1000 * 100 | round / 100),
            (.latencyPercentiles.p99 * 1000 * 100 | round / 100),
            (.summary.successRate * 100 | round)] | @tsv' "$out"
}

# One checked request: the answer, which must have data and no errors.
ask() { # url body-file
    local json
    json="$(curl -s -H 'content-type: application/json' --data-binary "@$2" "$1")"
    [[ "$(jq 'has("data") and (has("errors") | not)' <<<"$json")" == true ]] || die "failed: $json"
    printf '%s' "$json"
}

# Measures one PostGraphile over the scale's database ($url, $db, $states): its server on
# `port` run by `node`, each query of bench/postgraphile/queries checked, then driven; the
# results go to the associative array named `into`, the peak memory to the variable named
# `peak`.
peer() { # label node server.js port into peak
    local label="$1" node_bin="$2" server="$3" port="$4" file name pid
    local -n into="$5" peak="$6"
    DATABASE_URL="$url" PORT="$port" "$node_bin" "$server" >"$work/server.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_for "http://127.0.0.1:$port/graphql" "$pid"
    for file in "$root"/bench/postgraphile/queries/*.graphql; do
        name="$(basename "$file" .graphql)"
        jq -Rs '{query: .}' "$file" >"$work/peer-$name.json"
        ask "http://127.0.0.1:$port/graphql" "$work/peer-$name.json" >/dev/null
        say "[$states] $label $name"
        into[$name]="$(drive "http://127.0.0.1:$port/graphql" "$work/peer-$name.json" POST)"
    done
    plain_connections "$db"
    peak="$(peak_mib "$pid")"
    stop "$pid"
}

# The servers under test must reach PostgreSQL alike: no connection to the database in TLS.
plain_connections() { # database
    local tls
    tls="$(psql "$PG_ADMIN_URL" -tAc "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)
        WHERE datname = '$1' AND ssl")"
    [[ "$tls" == 0 ]] || die "$tls connections to $1 use TLS"
}

mkdir -p "$results"
stamp="$(date -u +%Y-%m-%dT%H%MZ)"
report="$results/$stamp.md"
{
    printf '# Benchmark run %s\n\n' "$stamp"
    printf 'Machine: %s cores, %s; PostgreSQL %s; oha %s; node %s (PostGraphile 4), %s (PostGraphile 5). Each cell: %s at %s connections.\n\n' \
        "$(nproc)" "$(uname -m)" "$(psql "$PG_ADMIN_URL" -tAc 'show server_version' | cut -d' ' -f1)" \
        "$(oha --version | awk '{print $2}')" "$(node --version)" "$("$pg5_node" --version)" "$DURATION" "$CONNECTIONS"
    echo 'Ratios are foc-graph to the PostGraphile of the columns before them: throughput (higher is better for foc-graph) and p99 (lower is).'
    echo
    echo '| states | query | foc-graph req/s | p50 ms | p99 ms | SQL/req | PostGraphile 4 req/s | p50 ms | p99 ms | throughput ratio | p99 ratio | PostGraphile 5 req/s | p50 ms | p99 ms | throughput ratio | p99 ratio |'
    echo '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
} >"$report"
cached_rows=()
memory_rows=()
declare -A p50_at=() pgl_p50_at=() pg5_p50_at=()

for states in "${SCALES[@]}"; do
    db="foc_bench_${states}_$$"
    url="${PG_ADMIN_URL%%\?*}"
    # Without TLS, for every server: over loopback it only costs CPU, and PostGraphile's
    # driver would not use it unless asked.
    url="${url%/*}/$db?sslmode=disable"
    databases+=("$db")
    say "[$states] creating $db, seeding, generating $states states"
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$db\"" >/dev/null
    RUST_LOG=warn "$bin" --database-url "$url" seed >/dev/null
    RUST_LOG=warn "$bin" --database-url "$url" generate --states "$states" --seed "$SEED" | tail -n 1 >&2
    # Statistics fresh, and the generated rows written out now rather than by a checkpoint
    # during the first server's cells.
    psql "$url" -qc "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null

    # 1. foc-graph, every request running its SQL.
    FOC_CACHE_MAX_AGE=0 RUST_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$PORT" \
        >"$work/server.log" 2>&1 &
    foc=$!
    pids+=("$foc")
    wait_for "http://127.0.0.1:$PORT/ready" "$foc"
    declare -A foc_result=() foc_sql=()
    for file in "$root"/bench/queries/*.graphql; do
        name="$(basename "$file" .graphql)"
        jq -Rs '{query: .}' "$file" >"$work/$name.json"
        foc_sql[$name]="$(ask "http://127.0.0.1:$PORT/graphql" "$work/$name.json" | jq '.extensions.sqlStatements')"
        say "[$states] foc-graph $name"
        foc_result[$name]="$(drive "http://127.0.0.1:$PORT/graphql" "$work/$name.json" POST)"
    done
    plain_connections "$db"
    foc_peak="$(peak_mib "$foc")"
    stop "$foc"

    # 2. and 3. PostGraphile 4, then PostGraphile 5 on its own Node, over the same database
    # and with the same documents (PostGraphile 5's Amber preset names these fields alike).
    declare -A pgl_result=() pg5_result=()
    peer "PostGraphile 4" node "$root/bench/postgraphile/server.js" "$PGL_PORT" pgl_result pgl_peak
    peer "PostGraphile 5" "$pg5_node" "$root/bench/postgraphile5/server.js" "$PG5_PORT" pg5_result pg5_peak

    for file in "$root"/bench/queries/*.graphql; do
        name="$(basename "$file" .graphql)"
        read -r rps p50 p99 ok <<<"${foc_result[$name]}"
        [[ "$ok" == 100 ]] || say "[$states] foc-graph $name: only $ok% succeeded"
        row="| $states | $name | $rps | $p50 | $p99 | ${foc_sql[$name]} |"
        peer_p50=()
        for peer in 4 5; do
            if [[ "$peer" == 4 ]]; then result="${pgl_result[$name]:-}"; else result="${pg5_result[$name]:-}"; fi
            if [[ -n "$result" ]]; then
                read -r prps pp50 pp99 pok <<<"$result"
                [[ "$pok" == 100 ]] || say "[$states] PostGraphile $peer $name: only $pok% succeeded"
                ratio="$(awk -v a="$rps" -v b="$prps" 'BEGIN { printf "%.2fx", a / b }')"
                p99ratio="$(awk -v a="$p99" -v b="$pp99" 'BEGIN { printf "%.2f", a / b }')"
            else
                prps="n/a"; pp50="n/a"; pp99="n/a"; ratio="n/a"; p99ratio="n/a"
            fi
            row+=" $prps | $pp50 | $pp99 | $ratio | $p99ratio |"
            peer_p50+=("$pp50")
        done
        echo "$row" >>"$report"
        p50_at[$states/$name]="$p50"
        pgl_p50_at[$states/$name]="${peer_p50[0]}"
        pg5_p50_at[$states/$name]="${peer_p50[1]}"
    done

    # 4. Cached GETs against the ceiling: axum serving the same bytes from memory.
    FOC_CACHE_MAX_AGE=300 RUST_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$PORT" \
        >"$work/server.log" 2>&1 &
    foc=$!
    pids+=("$foc")
    wait_for "http://127.0.0.1:$PORT/ready" "$foc"
    query="$(jq -Rrs @uri "$root/bench/queries/dashboard.graphql")"
    get_url="http://127.0.0.1:$PORT/graphql?query=$query"
    curl -sf "$get_url" -o "$work/dashboard.body"
    curl -sf "$get_url" -o "$work/dashboard.body"
    "$ceiling" "$work/dashboard.body" "127.0.0.1:$CEILING_PORT" &
    ceil=$!
    pids+=("$ceil")
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$CEILING_PORT/graphql" && break
        sleep 0.1
    done
    say "[$states] cached GET and ceiling"
    read -r crps cp50 cp99 _ <<<"$(drive "$get_url" "" GET)"
    read -r xrps xp50 xp99 _ <<<"$(drive "http://127.0.0.1:$CEILING_PORT/graphql" "" GET)"
    cached_rows+=("| $states | $crps | $cp50 | $cp99 | $xrps | $xp50 | $xp99 | $(awk -v a="$crps" -v b="$xrps" 'BEGIN { printf "%.2f", a / b }') |")
    memory_rows+=("| $states | $foc_peak | $pgl_peak | $pg5_peak |")
    stop "$ceil"
    stop "$foc"
    # Dropped now rather than at the end, so scales do not share the machine's memory
    # (KEEP_DB=1 keeps it, for profiling after the run).
    if [[ "${KEEP_DB:-0}" != 1 ]]; then
        psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
done

{
    echo
    echo '| states | cached GET req/s | p50 ms | p99 ms | axum from memory req/s | p50 ms | p99 ms | share of the ceiling |'
    echo '|---:|---:|---:|---:|---:|---:|---:|---:|'
    printf '%s\n' "${cached_rows[@]}"
    echo
    echo '| states | foc-graph peak MiB | PostGraphile 4 peak MiB | PostGraphile 5 peak MiB |'
    echo '|---:|---:|---:|---:|'
    printf '%s\n' "${memory_rows[@]}"
    if [[ ${#SCALES[@]} -gt 1 ]]; then
        small="${SCALES[0]}"
        large="${SCALES[${#SCALES[@]}-1]}"
        growth() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }
        echo
        echo "| query | foc-graph p50 ms at $small | at $large | growth | PostGraphile 4 p50 ms at $small | at $large | growth | PostGraphile 5 p50 ms at $small | at $large | growth |"
        echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
        for file in "$root"/bench/queries/*.graphql; do
            name="$(basename "$file" .graphql)"
            a="${p50_at[$small/$name]}" b="${p50_at[$large/$name]}"
            pa="${pgl_p50_at[$small/$name]}" pb="${pgl_p50_at[$large/$name]}"
            qa="${pg5_p50_at[$small/$name]}" qb="${pg5_p50_at[$large/$name]}"
            echo "| $name | $a | $b | $(growth "$b" "$a") | $pa | $pb | $(growth "$pb" "$pa") | $qa | $qb | $(growth "$qb" "$qa") |"
        done
    fi
} >>"$report"
cat "$report"
say "written to ${report#"$root"/}"
