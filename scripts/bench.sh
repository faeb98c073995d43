#!/usr/bin/env bash
# Benchmarks a Coffer cluster with `coffer bench`: one run, or a matrix of runs written to
# bench/results/. Starts (and always stops) a fresh local cluster unless given --endpoints. See --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CLUSTER_SH=$SCRIPT_DIR/cluster.sh
CLI_JAR=$REPO_ROOT/store-cli/target/coffer-cli.jar
RESULTS_DIR=$REPO_ROOT/bench/results

# Away from cluster.sh's default (7100) and the examples' 7400 and 7700: clients 7501..7503,
# Raft 7601..7603, admin HTTP 7701..7703.
DEFAULT_BASE_PORT=7500
# The benchmark JVM runs long enough to deserve the optimising compiler (unlike the other CLI calls).
read -r -a BENCH_JAVA_OPTS <<<"${COFFER_BENCH_JAVA_OPTS:--XX:+UseG1GC}"

# Matrix defaults.
DEFAULT_REPEATS=3
DEFAULT_SIZES=1k,64k,1m
DEFAULT_IN_FLIGHT=1,64
DEFAULT_WORKLOADS=put,get
DEFAULT_DURATION=10s
DEFAULT_WARMUP=5s

usage() {
    cat <<EOF
Usage: bench.sh [--endpoints H:P,...] [--base-port P] [--versions on|off] [--tls] [coffer bench options...]
       bench.sh --matrix [--repeats N] [--sizes 1k,64k,1m] [--in-flight 1,64] [--workloads put,get]
                [--duration 10s] [--warmup 5s] [--endpoints H:P,...] [--base-port P]
                [other coffer bench options...]

Runs 'coffer bench' (see 'scripts/coffer bench --help' for its options and report).

Without --endpoints it first starts a fresh local 3-node cluster in a temporary directory
(scripts/cluster.sh up, which waits for a leader), on ports P+1.. (default P=$DEFAULT_BASE_PORT: clients
$((DEFAULT_BASE_PORT + 1))-$((DEFAULT_BASE_PORT + 3)), Raft $((DEFAULT_BASE_PORT + 101))-$((DEFAULT_BASE_PORT + 103)), admin $((DEFAULT_BASE_PORT + 201))-$((DEFAULT_BASE_PORT + 203))), and stops it and deletes the
directory when done, also when interrupted or failing. With --endpoints it only runs the
benchmark against those nodes. --versions off starts that cluster with versions.retention.seconds=0
(no earlier versions kept: compare with the default, on, for what undo costs the write path).
--tls starts it with mutual TLS on every port (cluster.sh up --tls) and benchmarks as the
principal app (read and write on every user).

One run: every other option goes to 'coffer bench'. Its defaults make a quick run: --workload
put, --value-size 1k, --in-flight 16, --duration 10s after --warmup 3s. The report goes to
standard output, progress to standard error. Exit status: that of 'coffer bench' (0 when it
ran, 1 when nothing succeeded or no node answered, 2 for a usage error).

--matrix: runs every combination of
  --workloads LIST   coffer bench workloads (default $DEFAULT_WORKLOADS)
  --sizes LIST       value sizes (default $DEFAULT_SIZES)
  --in-flight LIST   operations in flight (default $DEFAULT_IN_FLIGHT)
each --repeats N times (default $DEFAULT_REPEATS), every run for --duration (default $DEFAULT_DURATION) after
--warmup (default $DEFAULT_WARMUP); other options (--distribution, --users, --keys, --connections,
--rate, --stale-reads, --timeout, ...) go to every run. A fresh cluster is started for each
value size (not for each run): the runs of one size share it, repeats interleaved (repeat 1 of
every cell, then repeat 2, ...). The first run of a size that reads preloads the keys
(users x keys values of that size: mind the disk with 1m values; --users and --keys shrink it);
the runs after it find them there. Writes, under $RESULTS_DIR:
  matrix-<UTC date-time>.csv  one row per run (settings, ops/s, MiB/s, latency percentiles in
                              ms, errors by kind, exit status)
  matrix-<UTC date-time>.md   a Markdown table of the median of each cell's runs
  matrix-<UTC date-time>.log  the runs' progress lines and messages
and prints one line per run. Exits 1 if a run failed to produce a report.

Environment: COFFER_BENCH_JAVA_OPTS (JVM options of the benchmark, default -XX:+UseG1GC),
COFFER_START_TIMEOUT (seconds cluster.sh waits for the nodes, default 60).
Builds the jars with Maven if they are missing.
EOF
}

die() {
    echo "bench.sh: $*" >&2
    exit 1
}

usage_error() {
    echo "bench.sh: $*" >&2
    echo "Try 'bench.sh --help' for more information." >&2
    exit 2
}

# ------------------------------------------------------------------ arguments

MATRIX=0
ENDPOINTS=""
BASE_PORT=$DEFAULT_BASE_PORT
REPEATS=$DEFAULT_REPEATS
SIZES=$DEFAULT_SIZES
IN_FLIGHT=$DEFAULT_IN_FLIGHT
WORKLOADS=$DEFAULT_WORKLOADS
DURATION=$DEFAULT_DURATION
WARMUP=$DEFAULT_WARMUP
BENCH_ARGS=()

# The value of option $1 given as "$1 VALUE" ($2 is the count of arguments left) or "$1=VALUE".
needs_value() {
    (($2 >= 2)) || usage_error "$1 needs a value"
}

TLS=""
TLS_ARGS=()

# --versions on|off: the started cluster keeps superseded versions (the default, 7 days) or none.
set_versions() {
    case $1 in
        on) ;;
        off) export COFFER_NODE_SETTINGS="${COFFER_NODE_SETTINGS:-} versions.retention.seconds=0" ;;
        *) usage_error "--versions must be on or off, not '$1'" ;;
    esac
}

parse_arguments() {
    local arg
    for arg in "$@"; do
        case $arg in
            -h | --help) usage; exit 0 ;;
            --matrix) MATRIX=1 ;;
        esac
    done
    while (($# > 0)); do
        case $1 in
            --matrix) shift ;;
            --endpoints) needs_value "$1" $#; ENDPOINTS=$2; shift 2 ;;
            --endpoints=*) ENDPOINTS=${1#*=}; shift ;;
            --base-port) needs_value "$1" $#; BASE_PORT=$2; shift 2 ;;
            --base-port=*) BASE_PORT=${1#*=}; shift ;;
            --tls) TLS=yes; shift ;;
            --versions) needs_value "$1" $#; set_versions "$2"; shift 2 ;;
            --versions=*) set_versions "${1#*=}"; shift ;;
            *)
                if ((MATRIX)); then
                    parse_matrix_option "$@"
                    shift "$SHIFT"
                else
                    BENCH_ARGS+=("$1")
                    shift
                fi
                ;;
        esac
    done
    [[ -n $ENDPOINTS ]] || [[ $BASE_PORT =~ ^[0-9]+$ && $BASE_PORT -ge 1024 && $BASE_PORT -le 65000 ]] \
        || usage_error "--base-port must be a number from 1024 to 65000, not '$BASE_PORT'"
    if ((MATRIX)); then
        [[ $REPEATS =~ ^[1-9][0-9]*$ ]] || usage_error "--repeats must be a positive number, not '$REPEATS'"
        local list
        for list in "$SIZES" "$IN_FLIGHT" "$WORKLOADS"; do
            [[ $list =~ ^[^,]+(,[^,]+)*$ ]] || usage_error "'$list' is not a comma-separated list"
        done
    fi
    return 0
}

SHIFT=1
# One matrix option at "$1"; sets SHIFT to the number of arguments it took.
parse_matrix_option() {
    SHIFT=2
    case $1 in
        --repeats | --sizes | --in-flight | --workloads | --duration | --warmup) needs_value "$1" $# ;;
    esac
    case $1 in
        --repeats) REPEATS=$2 ;;
        --repeats=*) REPEATS=${1#*=}; SHIFT=1 ;;
        --sizes) SIZES=$2 ;;
        --sizes=*) SIZES=${1#*=}; SHIFT=1 ;;
        --in-flight) IN_FLIGHT=$2 ;;
        --in-flight=*) IN_FLIGHT=${1#*=}; SHIFT=1 ;;
        --workloads) WORKLOADS=$2 ;;
        --workloads=*) WORKLOADS=${1#*=}; SHIFT=1 ;;
        --duration) DURATION=$2 ;;
        --duration=*) DURATION=${1#*=}; SHIFT=1 ;;
        --warmup) WARMUP=$2 ;;
        --warmup=*) WARMUP=${1#*=}; SHIFT=1 ;;
        --workload | --workload=* | --value-size | --value-size=* | --output | --output=* | --progress | --no-progress)
            usage_error "with --matrix, $1 is set per run: use --workloads, --sizes (lists)" ;;
        *) BENCH_ARGS+=("$1"); SHIFT=1 ;;
    esac
}

# ------------------------------------------------------------------ the jars

# Builds the CLI when its jar is missing or predates 'coffer bench'. The node jar, if missing,
# is built by cluster.sh up.
ensure_cli_jar() {
    # A jar's file names are stored uncompressed: grep finds the class without unzipping.
    if [[ ! -f $CLI_JAR ]] || ! grep -qa 'dev/coffer/cli/BenchCommand.class' "$CLI_JAR"; then
        command -v mvn >/dev/null || die "$CLI_JAR is missing or too old and mvn is not installed"
        echo "building the CLI (mvn package) ..." >&2
        (cd "$REPO_ROOT" && mvn -B -q -DskipTests package -pl store-cli -am) >&2 || die "the build failed"
    fi
}

# ------------------------------------------------------------------ the cluster

# 1 when this script starts the cluster(s), i.e. no --endpoints were given.
OWN_CLUSTER=0
WORK_DIR=""
CLUSTER_DIR=""

# The cluster's commands, without the saved descriptors 3 and 4: the nodes must not hold this
# script's output open.
cluster() {
    "$CLUSTER_SH" "$@" 3>&- 4>&-
}

start_cluster() {
    CLUSTER_DIR=$WORK_DIR/cluster-$1
    echo "bench.sh: starting a 3-node cluster in $CLUSTER_DIR (base port $BASE_PORT) ..." >&2
    # 'up' returns once every node serves and a leader is elected.
    cluster up --dir "$CLUSTER_DIR" --base-port "$BASE_PORT" ${TLS:+--tls} >&2 || die "the cluster did not start"
    ENDPOINTS=$(cluster endpoints --dir "$CLUSTER_DIR")
    [[ -z $TLS ]] || TLS_ARGS=(--tls-dir "$CLUSTER_DIR/tls" --principal app)
}

# Prints the end of every node's log: after a failed run they say why.
show_node_logs() {
    local log
    [[ -n $CLUSTER_DIR ]] || return 0
    for log in "$CLUSTER_DIR"/n*/node.log; do
        [[ -f $log ]] || continue
        echo "--- last lines of ${log#"$CLUSTER_DIR"/}:" >&2
        tail -n 5 "$log" >&2 || true
    done
}

stop_cluster() {
    if [[ -n $CLUSTER_DIR && -f $CLUSTER_DIR/cluster.properties ]]; then
        cluster down --dir "$CLUSTER_DIR" >&2 || true
    fi
    [[ -z $CLUSTER_DIR ]] || rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=""
}

# Keep the script's own stdout and stderr: the trap must be heard even while a command's output
# is redirected.
exec 3>&1 4>&2

on_exit() {
    local code=$?
    trap - EXIT
    {
        stop_bench
        if [[ -n $CLUSTER_DIR ]]; then
            ((code != 1)) || show_node_logs
            echo "bench.sh: stopping the cluster and deleting $CLUSTER_DIR" >&2
            stop_cluster
        fi
        [[ -z $WORK_DIR ]] || rm -rf "$WORK_DIR"
    } 1>&3 2>&4
    exit "$code"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ benchmark runs

BENCH_PID=""

# Runs coffer bench in the background and waits for it: a signal to this script is then handled
# at once (on_exit stops the run) instead of after the run.
coffer_bench() {
    java "${BENCH_JAVA_OPTS[@]}" -jar "$CLI_JAR" --endpoints "$ENDPOINTS" "${TLS_ARGS[@]+"${TLS_ARGS[@]}"}" bench "$@" &
    BENCH_PID=$!
    local code=0
    wait "$BENCH_PID" || code=$?
    BENCH_PID=""
    return "$code"
}

# Stops a benchmark still running (TERM, then KILL after 5 s).
stop_bench() {
    [[ -n $BENCH_PID ]] || return 0
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 5))
    while kill -0 "$BENCH_PID" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.2
    done
    kill -KILL "$BENCH_PID" 2>/dev/null || true
    BENCH_PID=""
}

single_run() {
    ((!OWN_CLUSTER)) || start_cluster run
    local code=0
    coffer_bench "${BENCH_ARGS[@]+"${BENCH_ARGS[@]}"}" || code=$?
    return "$code"
}

# The value of a number field of a one-line JSON object ($1 the JSON, $2 the name, unique in
# it); empty if absent.
json_field() {
    sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1" | tr -d '"'
}

# errorsByKind as KIND:COUNT;KIND:COUNT (no commas, for the CSV).
json_errors_by_kind() {
    sed -n 's/.*"errorsByKind":{\([^}]*\)}.*/\1/p' <<<"$1" | tr -d '"' | tr ',' ';'
}

# True if the extra options already say whether to preload.
preload_given() {
    local arg
    for arg in "${BENCH_ARGS[@]+"${BENCH_ARGS[@]}"}"; do
        [[ $arg == --preload || $arg == --no-preload ]] && return 0
    done
    return 1
}

CSV_HEADER=run,started_utc,value_size,workload,in_flight,repeat,exit_status,ops,seconds,ops_per_s,mib_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,errors_by_kind,unsent

matrix() {
    local stamp sizes in_flights workloads
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    IFS=, read -r -a sizes <<<"$SIZES"
    IFS=, read -r -a in_flights <<<"$IN_FLIGHT"
    IFS=, read -r -a workloads <<<"$WORKLOADS"
    mkdir -p "$RESULTS_DIR"
    local csv=$RESULTS_DIR/matrix-$stamp.csv md=$RESULTS_DIR/matrix-$stamp.md log=$RESULTS_DIR/matrix-$stamp.log
    local total=$((${#sizes[@]} * ${#in_flights[@]} * ${#workloads[@]} * REPEATS)) run=0 failed=0
    echo "$CSV_HEADER" >"$csv"
    : >"$log"
    echo "bench.sh: $total runs of $DURATION after $WARMUP of warm-up; results in $csv" >&2
    local size repeat workload in_flight preloaded json code started preload_arg
    for size in "${sizes[@]}"; do
        if ((OWN_CLUSTER)); then
            stop_cluster
            start_cluster "$size"
        fi
        preloaded=0
        for ((repeat = 1; repeat <= REPEATS; repeat++)); do
            for workload in "${workloads[@]}"; do
                for in_flight in "${in_flights[@]}"; do
                    run=$((run + 1))
                    preload_arg=()
                    if ! preload_given && [[ $workload != put ]]; then
                        if ((preloaded)); then preload_arg=(--no-preload); else preload_arg=(--preload); preloaded=1; fi
                    fi
                    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
                    echo "=== run $run/$total: $workload, $size, $in_flight in flight, repeat $repeat ($started)" >>"$log"
                    code=0
                    coffer_bench --workload "$workload" --value-size "$size" --in-flight "$in_flight" \
                        --duration "$DURATION" --warmup "$WARMUP" --output json \
                        "${preload_arg[@]+"${preload_arg[@]}"}" "${BENCH_ARGS[@]+"${BENCH_ARGS[@]}"}" \
                        >"$WORK_DIR/report.json" 2>>"$log" || code=$?
                    json=$(grep -m1 '^{' "$WORK_DIR/report.json" || true)
                    if [[ -z $json ]]; then
                        failed=$((failed + 1))
                        echo "$run,$started,$size,$workload,$in_flight,$repeat,$code,,,,,,,,,,,," >>"$csv"
                        printf '[%d/%d] %-8s %5s %4s in flight, repeat %d: FAILED (exit %d, see %s)\n' \
                            "$run" "$total" "$workload" "$size" "$in_flight" "$repeat" "$code" "$log" >&2
                        ((code != 2)) || die "coffer bench rejected its options (see $log)"
                        continue
                    fi
                    printf '%s\n' "$run,$started,$size,$workload,$in_flight,$repeat,$code,$(json_field "$json" ops),$(json_field "$json" seconds),$(json_field "$json" opsPerSecond),$(json_field "$json" mibPerSecond),$(json_field "$json" p50),$(json_field "$json" p90),$(json_field "$json" p99),$(json_field "$json" p999),$(json_field "$json" max),$(json_field "$json" errors),$(json_errors_by_kind "$json"),$(json_field "$json" unsent)" >>"$csv"
                    printf '[%d/%d] %-8s %5s %4s in flight, repeat %d: %10s ops/s %9s MiB/s  p50 %8s ms  p99 %8s ms  errors %s\n' \
                        "$run" "$total" "$workload" "$size" "$in_flight" "$repeat" "$(json_field "$json" opsPerSecond)" \
                        "$(json_field "$json" mibPerSecond)" "$(json_field "$json" p50)" "$(json_field "$json" p99)" \
                        "$(json_field "$json" errors)" >&2
                done
            done
        done
    done
    medians_markdown "$csv" "$stamp" >"$md"
    echo "bench.sh: wrote $csv" >&2
    echo "bench.sh: wrote $md" >&2
    cat "$md"
    ((failed == 0)) || die "$failed of $total runs produced no report (see $log)"
}

# The Markdown table of the CSV's medians per cell (value size, workload, in flight), in the
# order the cells first appear. Plain awk (no gawk extensions): runs on a bare machine.
medians_markdown() {
    local csv=$1 stamp=$2 extra="${BENCH_ARGS[*]+"${BENCH_ARGS[*]}"}"
    echo "# coffer bench matrix $stamp"
    echo
    echo "Median of each cell's runs (${REPEATS} per cell); $DURATION measured after $WARMUP of warm-up${extra:+; options: \`$extra\`}."
    echo "Latencies in ms. One row per run: \`$(basename "$csv")\`."
    echo
    awk -F, '
        function median(list,    n, values, i, j, v) {
            n = split(list, values, " ")
            for (i = 2; i <= n; i++) {          # insertion sort, numeric
                v = values[i] + 0
                for (j = i - 1; j >= 1 && values[j] + 0 > v; j--) values[j + 1] = values[j]
                values[j + 1] = v
            }
            if (n == 0) return ""
            if (n % 2) return values[(n + 1) / 2]
            return (values[n / 2] + values[n / 2 + 1]) / 2
        }
        # A median in the given format, or "-" when the cell has no report.
        function show(list, format,    m) {
            m = median(list)
            return m == "" ? "-" : sprintf(format, m)
        }
        NR == 1 { next }
        {
            cell = $3 SUBSEP $4 SUBSEP $5
            if (!(cell in runs)) { order[++cells] = cell; runs[cell] = 0; ok[cell] = 0 }
            runs[cell]++
            if ($8 == "") next                  # no report
            ok[cell]++
            ops[cell] = ops[cell] " " $10; mib[cell] = mib[cell] " " $11
            p50[cell] = p50[cell] " " $12; p99[cell] = p99[cell] " " $14; p999[cell] = p999[cell] " " $15
            errors[cell] = errors[cell] " " $17
        }
        END {
            print "| value size | workload | in flight | runs | ops/s | MiB/s | p50 | p99 | p99.9 | errors |"
            print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
            for (i = 1; i <= cells; i++) {
                c = order[i]
                split(c, key, SUBSEP)
                printf "| %s | %s | %s | %d/%d | %s | %s | %s | %s | %s | %s |\n", key[1], key[2], key[3], ok[c], runs[c],
                    show(ops[c], "%.1f"), show(mib[c], "%.2f"), show(p50[c], "%.3f"), show(p99[c], "%.3f"),
                    show(p999[c], "%.3f"), show(errors[c], "%.1f")
            }
        }' "$csv"
}

main() {
    parse_arguments "$@"
    [[ -n $ENDPOINTS ]] || OWN_CLUSTER=1
    command -v java >/dev/null || die "java is not installed (Java 17 or later is needed)"
    ensure_cli_jar
    # The clusters' directories and the runs' scratch files; deleted on exit.
    WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coffer-bench.XXXXXX")
    if ((MATRIX)); then
        matrix
    else
        single_run
    fi
}

main "$@"
