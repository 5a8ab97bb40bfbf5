#!/usr/bin/env bash
# bench/profile.sh: where do tokn's instructions go? callgrind profiles of the paths bench/run.sh
# measures (http and https with --no-cache, and a warm cache over http and https).
#
# Usage: bash bench/profile.sh [--no-build] [N]
#   N           how many functions to list per path (default 25)
#   --no-build  reuse target/bench-profile/release/tokn
#
# The release profile strips symbols, so this builds a copy of the release profile with symbols
# and line tables (same code, same LTO) into target/bench-profile. For each path it prints the
# total, the top N functions by inclusive cost and the top N by self cost, and, with
# BENCH_KEEP=1, keeps the callgrind.out files for callgrind_annotate or kcachegrind.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$BENCH_ROOT"

BUILD=1
TOP=25
for arg in "$@"; do
    case $arg in
    --no-build) BUILD=0 ;;
    [0-9]*) TOP=$arg ;;
    -h | --help)
        sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) bench_die "unknown argument: $arg (try --help)" ;;
    esac
done

bench_init
bench_install_tools
T=$BENCH_TMP

if ((BUILD == 1)); then
    CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
        bench_build_tokn --target-dir target/bench-profile
fi
TOKN=$BENCH_ROOT/target/bench-profile/release/tokn
[[ -x $TOKN ]] || bench_die "$TOKN is missing (drop --no-build)"

bench_make_certs
bench_make_client_files
bench_start_nginx

ARGS_HTTP=(-u "$BENCH_HTTP_URL" -i "$BENCH_CLIENT_ID" --client-secret-file "$BENCH_SECRET_FILE")
ARGS_HTTPS=(-u "$BENCH_HTTPS_URL" -i "$BENCH_CLIENT_ID" --client-secret-file "$BENCH_SECRET_FILE" --cacert "$BENCH_CA")

# top INCLUSIVE(yes|no) FILE: the first $TOP functions of callgrind_annotate's list.
top() {
    # awk reads to the end: an early exit would kill callgrind_annotate with SIGPIPE (pipefail).
    callgrind_annotate --inclusive="$1" --auto=no --threshold=100 "$2" 2>/dev/null |
        sed -e 's| \[/[^]]*/\([^]/]*\)\]$| [\1]|' -e 's|/[^ :]*/registry/src/[^/]*/||g' \
            -e 's|/rustc/[0-9a-f]*/library/|rust:|g' -e "s|$BENCH_ROOT/||g" |
        awk -v n="$TOP" -v skip="$SKIP" '/file:function/ { f = 1; getline; next } f && /^-+$/ { f = 0 }
            f && NF && !(skip != "" && $0 ~ skip) && c++ < n'
}
# Wrappers that every path goes through (loader entry, libc start, std's main shims): with
# --inclusive=yes they fill the top of every list and say nothing. Unset SKIP to see them.
SKIP=${SKIP-'\(below main\)|__libc_start_main|libc_start_call_main|__rust_begin_short_backtrace|ops/function.rs:|\?\?\?:0x[0-9a-f]+ \[ld-linux'}

# profile SLUG LABEL CACHE-DIR TOKN-ARGS...
profile() {
    local slug=$1 label=$2 cache=$3 out=$T/callgrind.out.$1 total
    shift 3
    TOKN_CACHE_DIR=$cache valgrind --tool=callgrind --callgrind-out-file="$out" "$TOKN" "$@" \
        >"$T/$slug.stdout" 2>"$T/$slug.stderr" || {
        cat "$T/$slug.stderr" >&2
        bench_die "tokn failed under callgrind ($label)"
    }
    [[ $(cat "$T/$slug.stdout") == "$BENCH_TOKEN" ]] || bench_die "$label: tokn did not print the token"
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out")
    echo
    echo "=== $label: $(awk -v v="$total" 'BEGIN { printf "%.3f M", v / 1e6 }') instructions ==="
    echo "--- top $TOP functions by inclusive cost ---"
    top yes "$out"
    echo "--- top $TOP functions by self cost ---"
    top no "$out"
}

profile http "http, --no-cache" "$T/cache-unused" "${ARGS_HTTP[@]}" --no-cache
profile https "https, --no-cache" "$T/cache-unused" "${ARGS_HTTPS[@]}" --no-cache
# Warm the cache (outside callgrind), then profile a cache hit.
TOKN_CACHE_DIR=$T/cache "$TOKN" "${ARGS_HTTP[@]}" >/dev/null
TOKN_CACHE_DIR=$T/cache "$TOKN" "${ARGS_HTTPS[@]}" >/dev/null
profile cached-http "cached, http URL" "$T/cache" "${ARGS_HTTP[@]}"
profile cached-https "cached, https URL" "$T/cache" "${ARGS_HTTPS[@]}"
