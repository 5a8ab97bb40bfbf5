# Shared set-up for bench/run.sh and bench/profile.sh. Source it; do not run it.
# shellcheck shell=bash disable=SC2034 # (variables used by the scripts that source it)
#
# It installs the tools from Debian's packages when they are missing, makes a throwaway CA, a
# server certificate for 127.0.0.1 and a client certificate, and starts nginx on free ports of
# 127.0.0.1 as a fake token endpoint (HTTP, HTTPS, and HTTPS that requires a client certificate). Everything it writes goes to one temporary directory, removed on
# exit; nginx is stopped by its PID on exit.
#
# Knobs (environment):
#   BENCH_KEY=ec|rsa   server key type (default ec: ECDSA P-256; rsa: RSA 2048)
#   BENCH_KEEP=1       keep the temporary directory (its path is printed)

# The fake client and its answer. Nothing here is a real secret.
BENCH_CLIENT_ID=bench-client
BENCH_CLIENT_SECRET=bench-secret-0123456789
# A JWT-shaped token of a realistic length (about 800 characters; only its shape matters).
BENCH_TOKEN="eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJlbmNoLWtleS0xIn0.$(printf 'eyJpc3MiOiJodHRwczovLzEyNy4wLjAuMS9iZW5jaCIsInN1YiI6ImJlbmNoLWNsaWVudCIsImF1ZCI6ImFwaSIsImV4cCI6NDEwMjQ0NDgwMCwiaWF0IjoxNzAwMDAwMDAwLCJzY29wZSI6InJlYWQgd3JpdGUifQ%.0s' 1 2 3 4).$(printf 'c2lnbmF0dXJlLWJ5dGVzLWZvci10aGUtYmVuY2htYXJrLW9ubHk%.0s' 1 2 3 4 5)"
BENCH_TOKEN_JSON="{\"access_token\":\"$BENCH_TOKEN\",\"token_type\":\"Bearer\",\"expires_in\":3600}"

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_TMP=
BENCH_NGINX_PID=
BENCH_POLICY_RC_D=

bench_log() { printf 'bench: %s\n' "$*" >&2; }
bench_die() {
    printf 'bench: error: %s\n' "$*" >&2
    exit 1
}

# --- tools -------------------------------------------------------------------------------------

# command-or-path => Debian package
bench_tool_packages() {
    cat <<'EOF'
nginx nginx-light
hyperfine hyperfine
valgrind valgrind
callgrind_annotate valgrind
jq jq
curl curl
openssl openssl
/usr/bin/time time
strip binutils
ldd libc-bin
EOF
}

bench_have() {
    case $1 in
    /*) [[ -x $1 ]] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

bench_install_tools() {
    # nginx lives in /usr/sbin, which a non-login PATH may lack.
    case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
    local tool pkg missing=()
    while read -r tool pkg; do
        bench_have "$tool" || missing+=("$pkg")
    done < <(bench_tool_packages)
    ((${#missing[@]} == 0)) && return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    if ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then
        bench_die "missing tools; install these Debian packages: ${missing[*]}"
    fi
    bench_log "installing ${missing[*]} (apt-get update first)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
        bench_die "apt-get update failed"
    # Debian 13 has no nginx-light: fall back to nginx there.
    local i
    for i in "${!missing[@]}"; do
        if [[ ${missing[i]} == nginx-light ]] && ! apt-cache show nginx-light >/dev/null 2>&1; then
            missing[i]=nginx
        fi
    done
    # Keep the packages' maintainer scripts from starting a system nginx on port 80.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        BENCH_POLICY_RC_D=/usr/sbin/policy-rc.d
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
        bench_die "apt-get install ${missing[*]} failed"
    if [[ -n $BENCH_POLICY_RC_D ]]; then
        rm -f "$BENCH_POLICY_RC_D"
        BENCH_POLICY_RC_D=
    fi
    while read -r tool pkg; do
        bench_have "$tool" || bench_die "$tool is still missing after installing $pkg"
    done < <(bench_tool_packages)
}

# --- temporary directory and clean-up -----------------------------------------------------------

bench_cleanup() {
    local rc=$?
    if [[ -n $BENCH_NGINX_PID ]]; then
        bench_stop_nginx
    fi
    if [[ -n $BENCH_POLICY_RC_D ]]; then
        rm -f "$BENCH_POLICY_RC_D"
    fi
    if [[ -n $BENCH_TMP && -d $BENCH_TMP ]]; then
        if [[ ${BENCH_KEEP:-} == 1 ]]; then
            bench_log "kept $BENCH_TMP"
        else
            rm -rf "$BENCH_TMP"
        fi
    fi
    return "$rc"
}

bench_init() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokn-bench.XXXXXX")
    chmod 0700 "$BENCH_TMP"
    # Neither curl nor tokn may go through a proxy or read the caller's settings.
    unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
    unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
    local v
    while read -r v; do unset "$v"; done < <(compgen -e | grep '^TOKN_' || true)
    export LC_ALL=C
}

# --- certificates --------------------------------------------------------------------------------

bench_make_certs() {
    local d=$BENCH_TMP/pki key
    mkdir -p "$d"
    case ${BENCH_KEY:-ec} in
    ec) key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
    rsa) key=(-newkey rsa:2048) ;;
    *) bench_die "BENCH_KEY must be ec or rsa, not ${BENCH_KEY}" ;;
    esac
    (
        umask 077
        openssl req -x509 "${key[@]}" -nodes -days 2 -subj '/CN=tokn bench CA' \
            -config "$BENCH_DIR/server-ext.cnf" -extensions ca \
            -keyout "$d/ca.key" -out "$d/ca.pem" 2>"$d/openssl.log"
        openssl req -new "${key[@]}" -nodes -subj '/CN=127.0.0.1' \
            -config "$BENCH_DIR/server-ext.cnf" \
            -keyout "$d/server.key" -out "$d/server.csr" 2>>"$d/openssl.log"
        openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 2 \
            -extfile "$BENCH_DIR/server-ext.cnf" -extensions server \
            -out "$d/server.pem" 2>>"$d/openssl.log"
        openssl req -new "${key[@]}" -nodes -subj '/CN=bench-client' \
            -config "$BENCH_DIR/server-ext.cnf" \
            -keyout "$d/client.key" -out "$d/client.csr" 2>>"$d/openssl.log"
        openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 2 \
            -extfile "$BENCH_DIR/server-ext.cnf" -extensions client \
            -out "$d/client.pem" 2>>"$d/openssl.log"
    ) || {
        cat "$d/openssl.log" >&2
        bench_die "openssl could not make the test certificates"
    }
    chmod 0644 "$d/ca.pem"
    BENCH_CA=$d/ca.pem
    BENCH_CLIENT_CERT=$d/client.pem
    BENCH_CLIENT_KEY=$d/client.key
}

# --- nginx ---------------------------------------------------------------------------------------

bench_free_port() {
    local p _
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 40000))
        # A refused connection means nothing listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    bench_die "found no free port on 127.0.0.1"
}

bench_write_nginx_conf() {
    local prefix=$1 http=$2 https=$3 mtls=$4 user=
    if ((EUID == 0)); then
        if getent group nogroup >/dev/null 2>&1; then user='user nobody nogroup;'; else user='user nobody;'; fi
    fi
    local json=$BENCH_TOKEN_JSON
    # The JSON goes inside a single-quoted nginx string: it must hold neither ' nor \.
    [[ $json != *[\'\\]* ]] || bench_die "the token JSON cannot hold ' or \\"
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@HTTP_PORT@|$http|g" -e "s|@HTTPS_PORT@|$https|g" \
        -e "s|@MTLS_PORT@|$mtls|g" \
        -e "s|@USER_DIRECTIVE@|$user|g" -e "s|@TOKEN_JSON@|$json|g" \
        "$BENCH_DIR/nginx.conf.in" >"$prefix/nginx.conf"
}

# Sets BENCH_HTTP_URL, BENCH_HTTPS_URL, BENCH_MTLS_URL and BENCH_ACCESS_LOG.
bench_start_nginx() {
    local prefix=$BENCH_TMP/nginx attempt http https mtls i code1 code2 code3
    mkdir -p "$prefix"
    cp "$BENCH_TMP/pki/server.pem" "$BENCH_TMP/pki/server.key" "$BENCH_TMP/pki/ca.pem" "$prefix/"
    for attempt in 1 2 3 4 5; do
        http=$(bench_free_port)
        https=$(bench_free_port)
        mtls=$(bench_free_port)
        [[ $http != "$https" && $mtls != "$http" && $mtls != "$https" ]] || continue
        bench_write_nginx_conf "$prefix" "$http" "$https" "$mtls"
        : >"$prefix/error.log"
        nginx -p "$prefix" -e "$prefix/error.log" -c "$prefix/nginx.conf" -g 'daemon off;' \
            </dev/null >"$prefix/stdout.log" 2>&1 &
        BENCH_NGINX_PID=$!
        for i in $(seq 100); do
            if ! kill -0 "$BENCH_NGINX_PID" 2>/dev/null; then
                wait "$BENCH_NGINX_PID" 2>/dev/null || true
                BENCH_NGINX_PID=
                break
            fi
            code1=$(curl -q -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$http/token" || true)
            code2=$(curl -q -s -o /dev/null -w '%{http_code}' -X POST --cacert "$BENCH_CA" \
                "https://127.0.0.1:$https/token" || true)
            code3=$(curl -q -s -o /dev/null -w '%{http_code}' -X POST --cacert "$BENCH_CA" \
                --cert "$BENCH_CLIENT_CERT" --key "$BENCH_CLIENT_KEY" \
                "https://127.0.0.1:$mtls/token" || true)
            if [[ $code1 == 200 && $code2 == 200 && $code3 == 200 ]]; then
                BENCH_HTTP_URL=http://127.0.0.1:$http/token
                BENCH_HTTPS_URL=https://127.0.0.1:$https/token
                BENCH_MTLS_URL=https://127.0.0.1:$mtls/token
                BENCH_ACCESS_LOG=$prefix/access.log
                bench_log "nginx (pid $BENCH_NGINX_PID) answers on $BENCH_HTTP_URL, $BENCH_HTTPS_URL and $BENCH_MTLS_URL (client certificate)"
                return 0
            fi
            sleep 0.05
        done
        if [[ -n $BENCH_NGINX_PID ]]; then
            bench_stop_nginx
        fi
        if grep -q 'Address already in use' "$prefix/error.log" "$prefix/stdout.log" 2>/dev/null; then
            bench_log "port taken, trying others (attempt $attempt)"
            continue
        fi
        cat "$prefix/stdout.log" "$prefix/error.log" >&2 || true
        bench_die "nginx did not start (or did not answer 200 on /token, with a client certificate on the mTLS port)"
    done
    bench_die "nginx could not bind free ports after 5 attempts"
}

bench_stop_nginx() {
    local pid=$BENCH_NGINX_PID i children=
    BENCH_NGINX_PID=
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || {
        wait "$pid" 2>/dev/null || true
        return 0
    }
    children=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        # nginx's workers do not follow a killed master: end them by their PIDs too.
        for i in $children; do kill -KILL "$i" 2>/dev/null || true; done
    fi
    wait "$pid" 2>/dev/null || true
}

# --- tokn --------------------------------------------------------------------------------------

# bench_build_tokn [extra cargo args...]; prints the binary's path.
bench_build_tokn() {
    command -v cargo >/dev/null 2>&1 || bench_die "cargo is not installed"
    bench_log "building tokn: cargo build --release --locked $*"
    (cd "$BENCH_ROOT" && cargo build --release --locked "$@" >&2) ||
        bench_die "cargo build --release --locked failed: tokn does not build"
}

# A client secret file that only we can read, and cache directories of mode 0700.
bench_make_client_files() {
    BENCH_SECRET_FILE=$BENCH_TMP/client-secret
    (umask 077 && printf '%s\n' "$BENCH_CLIENT_SECRET" >"$BENCH_SECRET_FILE")
    mkdir -m 0700 "$BENCH_TMP/cache" "$BENCH_TMP/cache-unused"
}

bench_access_count() {
    if [[ -f $BENCH_ACCESS_LOG ]]; then wc -l <"$BENCH_ACCESS_LOG" | tr -d ' '; else echo 0; fi
}

# Every argument of a command given to hyperfine -N must survive its word splitting as is.
bench_join_cmd() {
    local a out=
    for a in "$@"; do
        [[ $a =~ ^[A-Za-z0-9_./:@=+,%-]+$ ]] || bench_die "argument not safe for hyperfine: $a"
        out+="${out:+ }$a"
    done
    printf '%s\n' "$out"
}
