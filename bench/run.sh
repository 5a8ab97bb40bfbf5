#!/usr/bin/env bash
# bench/run.sh: compare tokn with curl (and curl | jq) fetching a token from a local nginx.
#
# Usage: bash bench/run.sh [--curl-only] [--no-build]
#   --curl-only  measure only curl and curl | jq (no build, no tokn rows)
#   --no-build   use the existing target/release/tokn instead of running cargo build
#   (BENCH_TOKN_BIN=PATH measures that binary instead, and builds nothing)
#
# It installs what it needs from Debian's packages (as root), starts nginx on free ports of
# 127.0.0.1 with a throwaway CA, builds tokn with `cargo build --release --locked`, and prints one
# table: instructions per run (callgrind), median wall time (hyperfine), peak RSS
# (/usr/bin/time -v) and the stripped binary's size, with tokn/curl ratios and the project's
# targets. A missed target prints FAIL but does not fail the script; a broken set-up does.
# See bench/README.md for the knobs (BENCH_* environment variables).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$BENCH_ROOT"

CURL_ONLY=0
BUILD=1
for arg in "$@"; do
    case $arg in
    --curl-only) CURL_ONLY=1 ;;
    --no-build) BUILD=0 ;;
    -h | --help)
        sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) bench_die "unknown argument: $arg (try --help)" ;;
    esac
done

WARMUP=${BENCH_WARMUP:-10}
MIN_RUNS=${BENCH_MIN_RUNS:-50}
CG_RUNS=${BENCH_CG_RUNS:-3}
RSS_RUNS=${BENCH_RSS_RUNS:-5}

bench_init
bench_install_tools
T=$BENCH_TMP

if ((CURL_ONLY == 0)); then
    src_bin=${BENCH_TOKN_BIN:-target/release/tokn}
    if ((BUILD == 1)) && [[ -z ${BENCH_TOKN_BIN:-} ]]; then
        # shellcheck disable=SC2119 # (no extra cargo arguments)
        bench_build_tokn
    fi
    [[ -x $src_bin ]] || bench_die "$src_bin is missing (build it or drop --no-build)"
    mkdir -p "$T/bin"
    cp "$src_bin" "$T/bin/tokn"
    TOKN=$T/bin/tokn
fi

bench_make_certs
bench_make_client_files
bench_start_nginx

# A config file with five profiles; the cached profile run uses the third. Parsing it is part of
# every run that names it, so it belongs in what the cached path costs.
PROFILES=$T/profiles.toml
{
    printf '[defaults]\ntimeout = 10\nmin_ttl = 60\n'
    for i in 1 2 3 4 5; do
        printf '\n[profiles.p%s]\ntoken_url = "%s"\nclient_id = "%s"\nclient_secret_file = "%s"\n' \
            "$i" "$BENCH_HTTP_URL" "$BENCH_CLIENT_ID" "$BENCH_SECRET_FILE"
        printf 'scope = ["read", "write"]\nheader = ["X-Profile: p%s"]\nformat = "raw"\n' "$i"
    done
} >"$PROFILES"

CURL=$(command -v curl)
JQ=$(command -v jq)
HTTP=$BENCH_HTTP_URL
HTTPS=$BENCH_HTTPS_URL
MTLS=$BENCH_MTLS_URL
CA=$BENCH_CA
CERT=$BENCH_CLIENT_CERT
CKEY=$BENCH_CLIENT_KEY
ID=$BENCH_CLIENT_ID
SF=$BENCH_SECRET_FILE

# --- the commands ----------------------------------------------------------------------------------
# Each key names one way to get a token; CMD holds its argv (for callgrind, time and hyperfine -N).
declare -A CMD
CURL_BASE=("$CURL" -q -s -u "$ID:$BENCH_CLIENT_SECRET" -d grant_type=client_credentials)
cmd_set() {
    local k=$1
    shift
    CMD[$k]=$(bench_join_cmd "$@")
}
cmd_set curl_http "${CURL_BASE[@]}" "$HTTP"
cmd_set curl_https "${CURL_BASE[@]}" --cacert "$CA" "$HTTPS"
cmd_set curl_mtls "${CURL_BASE[@]}" --cacert "$CA" --cert "$CERT" --key "$CKEY" "$MTLS"
cmd_set jq "$JQ" -r .access_token
cmd_set floor "$(command -v true)"
PIPE_HTTP="${CMD[curl_http]} | ${CMD[jq]}"
PIPE_HTTPS="${CMD[curl_https]} | ${CMD[jq]}"
PIPE_MTLS="${CMD[curl_mtls]} | ${CMD[jq]}"
if ((CURL_ONLY == 0)); then
    cmd_set tokn_http "$TOKN" -u "$HTTP" -i "$ID" --client-secret-file "$SF" --no-cache
    cmd_set tokn_https "$TOKN" -u "$HTTPS" -i "$ID" --client-secret-file "$SF" --cacert "$CA" --no-cache
    cmd_set tokn_mtls "$TOKN" -u "$MTLS" -i "$ID" --client-secret-file "$SF" --cacert "$CA" \
        --cert "$CERT" --key "$CKEY" --no-cache
    cmd_set tokn_cached_http "$TOKN" -u "$HTTP" -i "$ID" --client-secret-file "$SF"
    cmd_set tokn_cached_https "$TOKN" -u "$HTTPS" -i "$ID" --client-secret-file "$SF" --cacert "$CA"
    cmd_set tokn_cached_profile "$TOKN" --config "$PROFILES" -p p3
fi

# run KEY: run one command once with its environment (word splitting of CMD is safe by construction).
run() {
    local k=$1
    # shellcheck disable=SC2086
    case $k in
    tokn_cached_*) TOKN_CACHE_DIR=$T/cache ${CMD[$k]} ;;
    tokn_*) TOKN_CACHE_DIR=$T/cache-unused ${CMD[$k]} ;;
    *) ${CMD[$k]} ;;
    esac
}
export_env_for() {
    case $1 in
    tokn_cached_*) export TOKN_CACHE_DIR=$T/cache ;;
    tokn_*) export TOKN_CACHE_DIR=$T/cache-unused ;;
    esac
}

# --- sanity checks: a wrong answer is a broken set-up, not a slow tool ---------------------------------
expect() {
    local k=$1 want=$2 got rc=0
    got=$(run "$k" 2>"$T/check.err") || rc=$?
    if ((rc != 0)) || [[ $got != "$want" ]]; then
        cat "$T/check.err" >&2
        bench_die "$k: exit $rc, printed '${got:0:80}', expected '${want:0:80}...'"
    fi
    if [[ -s $T/check.err ]]; then
        bench_log "warning: $k wrote to stderr: $(head -c 300 "$T/check.err")"
    fi
}
expect curl_http "$BENCH_TOKEN_JSON"
expect curl_https "$BENCH_TOKEN_JSON"
expect curl_mtls "$BENCH_TOKEN_JSON"
[[ $(sh -c "$PIPE_HTTP") == "$BENCH_TOKEN" ]] || bench_die "curl | jq over http did not print the token"
[[ $(sh -c "$PIPE_HTTPS") == "$BENCH_TOKEN" ]] || bench_die "curl | jq over https did not print the token"
[[ $(sh -c "$PIPE_MTLS") == "$BENCH_TOKEN" ]] || bench_die "curl | jq with a client certificate did not print the token"

declare -A CACHE_HIT=([http]=n/a [https]=n/a [profile]=n/a)
if ((CURL_ONLY == 0)); then
    expect tokn_http "$BENCH_TOKEN"
    expect tokn_https "$BENCH_TOKEN"
    expect tokn_mtls "$BENCH_TOKEN"
    if [[ -n $(find "$T/cache-unused" -mindepth 1 -print -quit) ]]; then
        bench_log "warning: tokn --no-cache wrote to TOKN_CACHE_DIR: $(find "$T/cache-unused" -mindepth 1 | head -n 5 | tr '\n' ' ')"
    fi
    # Warm the cache, then check that a second run sends nothing to nginx.
    for s in http https profile; do
        expect "tokn_cached_$s" "$BENCH_TOKEN"
        before=$(bench_access_count)
        expect "tokn_cached_$s" "$BENCH_TOKEN"
        if [[ $(bench_access_count) == "$before" ]]; then hit=yes; else hit=no; fi
        CACHE_HIT[$s]=$hit
        [[ $hit == yes ]] || bench_log "warning: tokn's cached $s run still sent a request to nginx"
    done
fi

if ((CURL_ONLY == 0)); then
    KEYS=(tokn_http curl_http tokn_https curl_https tokn_mtls curl_mtls tokn_cached_http tokn_cached_https
        tokn_cached_profile)
else
    KEYS=(curl_http curl_https curl_mtls)
fi

# --- instructions per run (callgrind) -------------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# callgrind_count OUT-PREFIX [<stdin] CMD...: prints the instructions of one run.
callgrind_count() {
    local out=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$out.cg" --dump-instr=no "$@" \
        >"$out.stdout" 2>"$out.stderr" || {
        cat "$out.stderr" >&2
        bench_die "under callgrind, '$*' failed"
    }
    awk '/^(summary|totals):/ { print $2; found = 1; exit } END { if (!found) exit 1 }' "$out.cg" ||
        bench_die "no summary/totals line in $out.cg"
}

declare -A INSTR
mkdir -p "$T/cg"
bench_log "counting instructions with callgrind ($CG_RUNS runs each)"
for k in "${KEYS[@]}"; do
    (
        export_env_for "$k"
        # shellcheck disable=SC2086
        for i in $(seq "$CG_RUNS"); do callgrind_count "$T/cg/$k.$i" ${CMD[$k]}; done
    ) >"$T/cg/$k.counts"
    INSTR[$k]=$(median <"$T/cg/$k.counts")
done
# jq reads what curl printed (the same bytes over http and https).
printf '%s' "$BENCH_TOKEN_JSON" >"$T/token.json"
# shellcheck disable=SC2086
for i in $(seq "$CG_RUNS"); do callgrind_count "$T/cg/jq.$i" ${CMD[jq]} <"$T/token.json"; done >"$T/cg/jq.counts"
INSTR[jq]=$(median <"$T/cg/jq.counts")
for s in http https mtls; do INSTR[pipe_$s]=$((${INSTR[curl_$s]%.*} + ${INSTR[jq]%.*})); done

# --- peak RSS (/usr/bin/time -v) ------------------------------------------------------------------------
# rss_kib [<stdin] CMD...: prints the peak RSS of one run in KiB.
rss_kib() {
    /usr/bin/time -v -o "$T/time.txt" "$@" >/dev/null 2>"$T/time.err" || {
        cat "$T/time.err" >&2
        bench_die "'$*' failed under /usr/bin/time"
    }
    awk -F': *' '/Maximum resident set size/ { print $2 }' "$T/time.txt"
}
declare -A RSS
bench_log "measuring peak RSS ($RSS_RUNS runs each)"
for k in "${KEYS[@]}"; do
    RSS[$k]=$(
        export_env_for "$k"
        # shellcheck disable=SC2086
        for i in $(seq "$RSS_RUNS"); do rss_kib ${CMD[$k]}; done | median
    )
done
# shellcheck disable=SC2086
RSS[jq]=$(for i in $(seq "$RSS_RUNS"); do rss_kib ${CMD[jq]} <"$T/token.json"; done | median)
# Both processes of the pipeline are alive at the same time: their peaks add up.
for s in http https mtls; do RSS[pipe_$s]=$((${RSS[curl_$s]%.*} + ${RSS[jq]%.*})); done

# --- wall time (hyperfine) ------------------------------------------------------------------------------
declare -A WALL
# Other work on the machine spoils wall times: count the CPU time that neither this script's
# children (hyperfine and what it runs) nor nginx used while hyperfine ran.
cpu_ticks() { # busy ticks of all CPUs (steal counts: the host took them), ours, nginx's
    local own pid nginx=0
    own=$(sed 's/.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }')
    for pid in "$BENCH_NGINX_PID" $(cat "/proc/$BENCH_NGINX_PID/task/$BENCH_NGINX_PID/children" 2>/dev/null); do
        nginx=$((nginx + $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')))
    done
    awk -v own="$own" -v nginx="$nginx" '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, own, nginx }' /proc/stat
}
read -r BUSY0 OWN0 NGINX0 < <(cpu_ticks)
WALL_T0=$(date +%s.%N)
bench_log "measuring wall time with hyperfine (warm-up $WARMUP, at least $MIN_RUNS runs each)"
hf_args=()
for k in floor "${KEYS[@]}"; do hf_args+=(-n "$k" "${CMD[$k]}"); done
# TOKN_CACHE_DIR differs between the cached and the --no-cache commands: hyperfine runs each
# command with the one environment, so --no-cache commands get the cache dir too; with
# --no-cache they must not touch it (checked above on cache-unused).
TOKN_CACHE_DIR=$T/cache hyperfine -N --style basic --warmup "$WARMUP" --min-runs "$MIN_RUNS" \
    --export-json "$T/hf-direct.json" "${hf_args[@]}" >"$T/hf-direct.log" 2>&1 || {
    cat "$T/hf-direct.log" >&2
    bench_die "hyperfine failed"
}
# The pipeline needs a shell: hyperfine runs it with sh -c and subtracts sh's start-up time.
hyperfine --shell=sh --style basic --warmup "$WARMUP" --min-runs "$MIN_RUNS" \
    --export-json "$T/hf-pipe.json" -n pipe_http "$PIPE_HTTP" -n pipe_https "$PIPE_HTTPS" \
    -n pipe_mtls "$PIPE_MTLS" \
    >"$T/hf-pipe.log" 2>&1 || {
    cat "$T/hf-pipe.log" >&2
    bench_die "hyperfine failed (pipeline)"
}
read -r BUSY1 OWN1 NGINX1 < <(cpu_ticks)
# Per cent of all CPUs' time over the wall-time runs that went to other processes.
OTHERS=$(awk -v b="$((BUSY1 - BUSY0))" -v o="$((OWN1 - OWN0))" -v x="$((NGINX1 - NGINX0))" \
    -v t0="$WALL_T0" -v t1="$(date +%s.%N)" -v hz="$(getconf CLK_TCK)" -v n="$(nproc)" \
    'BEGIN { v = (b - o - x) / ((t1 - t0) * hz * n) * 100; printf "%.0f", (v < 0) ? 0 : v }')
for f in "$T/hf-direct.json" "$T/hf-pipe.json"; do
    while read -r name med; do WALL[$name]=$med; done < <(jq -r '.results[] | "\(.command) \(.median)"' "$f")
done

# --- binary size --------------------------------------------------------------------------------------
# curl's code is mostly in its shared libraries: count /usr/bin/curl and every library it loads.
closure_bytes() {
    {
        readlink -f "$1"
        ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+ \(/ { print $1 }' | xargs -r readlink -f
    } | sort -u | xargs stat -L -c %s | awk '{ s += $1 } END { print s }'
}
CURL_CLOSURE=$(closure_bytes "$CURL")
if ((CURL_ONLY == 0)); then
    strip -o "$T/tokn.stripped" "$TOKN" 2>"$T/strip.err" || {
        bench_log "warning: strip failed ($(head -c 200 "$T/strip.err")): the size is the unstripped one"
        cp "$TOKN" "$T/tokn.stripped"
    }
    TOKN_SIZE=$(stat -c %s "$T/tokn.stripped")
    TOKN_CLOSURE_EXTRA=$(($(closure_bytes "$TOKN") - $(stat -L -c %s "$TOKN")))
fi

# --- the table ------------------------------------------------------------------------------------------
fmt() { # fmt KIND VALUE
    local kind=$1 v=${2:-}
    [[ -n $v && $v != - ]] || {
        echo -
        return
    }
    case $kind in
    instr) awk -v v="$v" 'BEGIN { printf "%.3f M", v / 1e6 }' ;;
    wall) awk -v v="$v" 'BEGIN { printf "%.3f ms", v * 1000 }' ;;
    rss) awk -v v="$v" 'BEGIN { printf "%.1f MiB", v / 1024 }' ;;
    size) awk -v v="$v" 'BEGIN { printf "%.2f MiB", v / 1048576 }' ;;
    esac
}
ratio() {
    [[ -n ${1:-} && -n ${2:-} && $1 != - && $2 != - ]] || {
        echo -
        return
    }
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'
}
# verdict VALUE LIMIT: PASS when VALUE <= LIMIT.
verdict() {
    [[ -n ${1:-} && $1 != - ]] || {
        echo n/a
        return
    }
    awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "PASS" : "FAIL" }'
}
mul() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a * b }'; }

ROWS=()
row() { ROWS+=("$(printf '%s\t' "$@")"); }
row "path" "metric" "tokn" "curl" "curl|jq" "tokn/curl" "tokn/(curl|jq)" "target" "result"

PASSES=0
FAILS=0
count() { case $1 in PASS) PASSES=$((PASSES + 1)) ;; FAIL) FAILS=$((FAILS + 1)) ;; esac }

# scenario_rows LABEL TOKN-KEY CURL-KEY PIPE-KEY INSTR-FACTOR WALL-FACTOR
scenario_rows() {
    local label=$1 tk=$2 ck=$3 pk=$4 fi=$5 fw=$6 v
    local ti=- tw=- tr=-
    if ((CURL_ONLY == 0)); then ti=${INSTR[$tk]} tw=${WALL[$tk]} tr=${RSS[$tk]}; fi
    v=$(verdict "$ti" "$(mul "${INSTR[$ck]}" "$fi")") && count "$v"
    row "$label" "instructions" "$(fmt instr "$ti")" "$(fmt instr "${INSTR[$ck]}")" "$(fmt instr "${INSTR[$pk]}")" \
        "$(ratio "$ti" "${INSTR[$ck]}")" "$(ratio "$ti" "${INSTR[$pk]}")" "<= ${fi}x curl" "$v"
    v=$(verdict "$tw" "$(mul "${WALL[$ck]}" "$fw")") && count "$v"
    row "$label" "wall median" "$(fmt wall "$tw")" "$(fmt wall "${WALL[$ck]}")" "$(fmt wall "${WALL[$pk]}")" \
        "$(ratio "$tw" "${WALL[$ck]}")" "$(ratio "$tw" "${WALL[$pk]}")" "<= ${fw}x curl" "$v"
    v=$(verdict "$tr" "${RSS[$ck]}") && count "$v"
    row "$label" "peak RSS" "$(fmt rss "$tr")" "$(fmt rss "${RSS[$ck]}")" "$(fmt rss "${RSS[$pk]}")" \
        "$(ratio "$tr" "${RSS[$ck]}")" "$(ratio "$tr" "${RSS[$pk]}")" "<= 1.0x curl" "$v"
}
scenario_rows "http" tokn_http curl_http pipe_http 0.5 1.0
scenario_rows "https" tokn_https curl_https pipe_https 1.0 1.0
scenario_rows "https, client cert" tokn_mtls curl_mtls pipe_mtls 1.0 1.0

# cached_rows LABEL TOKN-KEY CURL-KEY PIPE-KEY CACHE-HIT [INSTR-LIMIT INSTR-TARGET]
cached_rows() {
    local label=$1 tk=$2 ck=$3 pk=$4 hit=$5 limit=${6:-2000000} target=${7:-"<= 2 M"} v
    local ti=- tw=- tr=-
    if ((CURL_ONLY == 0)); then ti=${INSTR[$tk]} tw=${WALL[$tk]} tr=${RSS[$tk]}; fi
    v=$(verdict "$ti" "$limit") && count "$v"
    row "$label" "instructions" "$(fmt instr "$ti")" "$(fmt instr "${INSTR[$ck]}")" "$(fmt instr "${INSTR[$pk]}")" \
        "$(ratio "$ti" "${INSTR[$ck]}")" "$(ratio "$ti" "${INSTR[$pk]}")" "$target" "$v"
    v=$(verdict "$tw" 0.0015) && count "$v"
    row "$label" "wall median" "$(fmt wall "$tw")" "$(fmt wall "${WALL[$ck]}")" "$(fmt wall "${WALL[$pk]}")" \
        "$(ratio "$tw" "${WALL[$ck]}")" "$(ratio "$tw" "${WALL[$pk]}")" "<= 1.5 ms" "$v"
    v=$(verdict "$tr" "${RSS[$ck]}") && count "$v"
    row "$label" "peak RSS" "$(fmt rss "$tr")" "$(fmt rss "${RSS[$ck]}")" "$(fmt rss "${RSS[$pk]}")" \
        "$(ratio "$tr" "${RSS[$ck]}")" "$(ratio "$tr" "${RSS[$pk]}")" "<= 1.0x curl" "$v"
    case $hit in yes) v=PASS ;; no) v=FAIL ;; *) v=n/a ;; esac
    count "$v"
    row "$label" "no request sent" "$hit" "-" "-" "-" "-" "cache hit" "$v"
}
cached_rows "cached http" tokn_cached_http curl_http pipe_http "${CACHE_HIT[http]}"
cached_rows "cached https" tokn_cached_https curl_https pipe_https "${CACHE_HIT[https]}"

# The cached run through a profile of a five-profile config file: within 10% of the plain
# cached run's instructions, and under 1 M.
if ((CURL_ONLY == 0)); then
    limit=$(awk -v c="${INSTR[tokn_cached_http]:-0}" 'BEGIN { l = c * 1.1; print (l < 1000000) ? l : 1000000 }')
    cached_rows "cached, profile" tokn_cached_profile curl_http pipe_http "${CACHE_HIT[profile]}" \
        "$limit" "<= 1.1x cached, 1 M"
fi

if ((CURL_ONLY == 0)); then
    v=$(verdict "$TOKN_SIZE" 4194304) && count "$v"
    row "binary" "stripped size" "$(fmt size "$TOKN_SIZE")" "$(fmt size "$CURL_CLOSURE")" "-" \
        "$(ratio "$TOKN_SIZE" "$CURL_CLOSURE")" "-" "<= 4 MiB" "$v"
else
    row "binary" "stripped size" "-" "$(fmt size "$CURL_CLOSURE")" "-" "-" "-" "<= 4 MiB" "n/a"
fi

# --- print ----------------------------------------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo
echo "tokn benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), ${cpu:-unknown CPU}, $(nproc) CPUs"
if ((CURL_ONLY == 0)); then
    echo "tokn:  $("$TOKN" --version 2>/dev/null | head -n 1 || echo '?') ($(git -C "$BENCH_ROOT" describe --always --dirty 2>/dev/null || echo 'no commit'))"
fi
echo "curl:  $("$CURL" --version | head -n 1)"
echo "jq:    $("$JQ" --version), nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //'), server key: ${BENCH_KEY:-ec}"
echo "tools: $(hyperfine --version), $(valgrind --version), GNU time"
echo "floor: starting a process (hyperfine -N true) takes $(fmt wall "${WALL[floor]}") median here;" \
    "other processes used ${OTHERS}% of the CPUs' time during the wall-time runs"
if ((OTHERS > 10)); then
    echo "WARNING: the machine was busy during the wall-time runs: wall times (and their PASS/FAIL) are unreliable"
fi
echo
printf '%s\n' "${ROWS[@]}" | awk -F'\t' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; if (NF > nf) nf = NF }
    END {
        for (r = 1; r <= n; r++) {
            line = ""
            for (i = 1; i <= nf; i++) {
                # text columns left-aligned, numbers right-aligned
                if (i <= 2 || i >= nf - 1) line = line sprintf("%-" w[i] "s", cell[r, i])
                else line = line sprintf("%" w[i] "s", cell[r, i])
                if (i < nf) line = line "  "
            }
            sub(/ +$/, "", line)
            print line
            if (r == 1) { gsub(/./, "-", line); print line }
        }
    }'
echo
echo "instructions: callgrind, median of $CG_RUNS runs, whole process incl. dynamic loading; curl|jq = curl + jq."
echo "wall median: hyperfine, $WARMUP warm-up runs, >= $MIN_RUNS runs; tokn and curl run without a shell (-N);"
echo "  curl|jq runs with sh -c, hyperfine subtracting sh's start-up."
echo "peak RSS: /usr/bin/time -v maximum resident set size, median of $RSS_RUNS runs; curl|jq = curl + jq (both alive at once)."
echo "https, client cert: mutual TLS, nginx requiring a client certificate from the bench CA (tokn --cert/--key, curl --cert/--key)."
echo "cached: tokn with a warm cache (TOKN_CACHE_DIR in a temp dir), compared with a curl fetch on the same scheme."
echo "binary: tokn's stripped release binary; curl column = /usr/bin/curl plus every shared library it loads$(
    ((CURL_ONLY == 0)) && printf ' (tokn loads %s of shared libraries besides)' "$(fmt size "$TOKN_CLOSURE_EXTRA")"
)."
if ((CURL_ONLY == 0)); then
    echo "targets: $PASSES met, $FAILS missed."
fi
