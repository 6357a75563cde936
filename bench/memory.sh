#!/usr/bin/env bash
# Peak memory of foc-graph against the nesting of a request (bench/README.md, "Memory and
# nesting"): over a throwaway PostgreSQL database with the dataset and STATES synthetic
# states, a query nested 1 to 7 list levels deep (conferences, their hosts, the conferences
# each of those hosted, ...; FIRST rows a level) is sent REQUESTS times, one at a time, to a
# server started for it alone, planner on and then off. For each it prints the answer's size
# and how far the server's peak resident memory (VmHWM) rose above where it stood after one
# trivial request.
#
#   bench/memory.sh [STATES]     # default: 1000
#
# Settings, from the environment: FIRST=3  REQUESTS=200  SEED=42  PORT=18310
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres   SKIP_BUILD=1 (as bench/run.sh)
set -euo pipefail

STATES="${1:-1000}"
FIRST="${FIRST:-3}"
REQUESTS="${REQUESTS:-200}"
SEED="${SEED:-42}"
PORT="${PORT:-18310}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/target/deploy/foc-graph"

say() { printf 'memory: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
for tool in cargo psql curl jq oha; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (oha: cargo install oha --locked)"
done
case "$STATES" in '' | *[!0-9]*) die "STATES is a number, not '$STATES'" ;; esac
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    cargo build --profile deploy --bin foc-graph --manifest-path "$root/Cargo.toml"
fi
[[ -x "$bin" ]] || die "no deployment binary at $bin"

db="foc_memory_${STATES}_$$"
url="${PG_ADMIN_URL%%\?*}"
url="${url%/*}/$db?sslmode=disable"
work="$(mktemp -d)"
server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null
    wait 2>/dev/null || true
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The selection under a list of `kind` (state or conference), `levels` lists deep.
nest() { # levels kind
    local levels="$1" kind="$2"
    if [[ "$kind" == state ]]; then
        if ((levels == 1)); then echo "nodes { code }"; else
            echo "nodes { code hostedConferences(first: $FIRST) { $(nest $((levels - 1)) conference) } }"
        fi
    else
        if ((levels == 1)); then echo "nodes { name }"; else
            echo "nodes { name hosts(first: $FIRST) { $(nest $((levels - 1)) state) } }"
        fi
    fi
}

hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

say "creating $db, seeding, generating $STATES states"
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$db\"" >/dev/null
RUST_LOG=warn "$bin" --database-url "$url" seed >/dev/null
RUST_LOG=warn "$bin" --database-url "$url" generate --states "$STATES" --seed "$SEED" >/dev/null
psql "$url" -qc "VACUUM ANALYZE" >/dev/null

echo "| planner | list levels | answer bytes | peak rise KiB over $REQUESTS requests |"
echo "|---|---:|---:|---:|"
for planner in on off; do
    for levels in 1 2 3 4 5 6 7; do
        jq -n --arg q "{ conferences(first: $FIRST) { $(nest "$levels" conference) } }" '{query: $q}' >"$work/query.json"
        FOC_PLANNER="$planner" FOC_CACHE_MAX_AGE=0 RUST_LOG=warn "$bin" --database-url "$url" \
            serve --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
        server=$!
        for _ in $(seq 1 300); do
            curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready" && break
            kill -0 "$server" 2>/dev/null || die "the server stopped: $(tail -5 "$work/server.log")"
            sleep 0.1
        done
        curl -sf -o /dev/null -H 'content-type: application/json' -d '{"query":"{__typename}"}' \
            "http://127.0.0.1:$PORT/graphql"
        before="$(hwm_kib "$server")"
        answer="$(curl -s -H 'content-type: application/json' --data-binary "@$work/query.json" \
            "http://127.0.0.1:$PORT/graphql")"
        [[ "$(jq 'has("data") and (has("errors") | not)' <<<"$answer")" == true ]] ||
            die "levels $levels failed: $answer"
        bytes="$(jq -c .data <<<"$answer" | wc -c)"
        oha -n "$REQUESTS" -c 1 -m POST -H 'content-type: application/json' -D "$work/query.json" \
            --no-tui --output-format json "http://127.0.0.1:$PORT/graphql" >/dev/null
        after="$(hwm_kib "$server")"
        echo "| $planner | $levels | $bytes | $((after - before)) |"
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    done
done
