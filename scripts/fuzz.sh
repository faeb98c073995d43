#!/usr/bin/env bash
# Long Jazzer fuzzing of the client port's frame decoder and request handling; see --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

usage() {
    cat <<USAGE
Usage: fuzz.sh [--minutes N] [--test decoder|node]... [--dir DIR] [--offline]

Fuzzes the fuzz tests of store-node's FrameFuzzTest (docs/testing.md, "Fuzzing"), one after the
other, for N minutes each, in Jazzer's fuzzing mode:

  decoder   FrameDecoder + ClientRequestHandler + RequestProcessor on an in-memory channel: bytes
            in arbitrary fragments, budget pressure, frame deadlines, early closes
  node      the same bytes over real sockets to a real single-node cluster in the test's JVM

Each starts from the corpus in the repository (store-node/src/test/resources/dev/coffer/node/net/
FrameFuzzTestInputs) and from what earlier runs kept in DIR/corpus/TEST/, which grows. Prints,
per test, the executions (libFuzzer's count of the fuzzing phase, and every call of the test
including the corpus) and the crashing inputs; a crashing input is kept as DIR/crashes/TEST/crash-*
(replay it by copying it into FrameFuzzTestInputs/TEST/ and running
mvn -pl store-node test -Dtest=FrameFuzzTest). The full output is DIR/TEST.log. Fuzzing stops at
the first finding. Exit status 0 only if no test found anything.

  --minutes N   fuzzing time per test (default 10; at most 1440)
  --test NAME   fuzz only this test (repeatable; default: decoder, then node)
  --dir DIR     work directory (default ./data/fuzz, under the repository unless absolute)
  --offline     run Maven offline (-o), with what is already downloaded
USAGE
}

minutes=10
dir=data/fuzz
tests=()
maven=(mvn -B)
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --minutes) minutes=${2:?--minutes needs a number}; shift 2 ;;
        --test) tests+=("${2:?--test needs decoder or node}"); shift 2 ;;
        --dir) dir=${2:?--dir needs a directory}; shift 2 ;;
        --offline) maven+=(-o); shift ;;
        *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $minutes =~ ^[0-9]+$ && $minutes -ge 1 && $minutes -le 1440 ]] \
    || { echo "fuzz.sh: --minutes must be a whole number from 1 to 1440, got '$minutes'" >&2; exit 2; }
[[ ${#tests[@]} -gt 0 ]] || tests=(decoder node)
for t in "${tests[@]}"; do
    [[ $t == decoder || $t == node ]] || { echo "fuzz.sh: no fuzz test '$t' (decoder or node)" >&2; exit 2; }
done

cd "$REPO_ROOT"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
seconds=$((minutes * 60))

echo "building (mvn test-compile) ..." >&2
"${maven[@]}" -q -pl store-node -am -DskipTests test-compile >&2

status=0
summary=()
for t in "${tests[@]}"; do
    corpus=$dir/corpus/$t
    crashes=$dir/crashes/$t
    log=$dir/$t.log
    stats=$dir/$t.stats
    mkdir -p "$corpus" "$crashes"
    rm -f "$stats"
    found_before=$(find "$crashes" -maxdepth 1 -type f -name 'crash-*' | wc -l)
    started=$dir/.started-$t
    touch "$started"
    echo "fuzzing $t for $minutes min: corpus $corpus, crashes $crashes, log $log" >&2
    # JAZZER_FUZZ switches jazzer-junit 0.24.0 to fuzzing mode. The jazzer.internal.arg.* parameters
    # are libFuzzer's command line as Jazzer's own launcher passes it to JUnit: the first is a
    # program name, a directory is the corpus to grow, and flags given here come last, so they win
    # over the @FuzzTest annotation's maxDuration and Jazzer's crash directory (the source tree).
    result=passed
    if ! JAZZER_FUZZ=1 timeout $((seconds + 900)) "${maven[@]}" -pl store-node -am test \
        -Dtest="FrameFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx1g \
        -Djazzer.internal.arg.0=fuzz \
        -Djazzer.internal.arg.1="$corpus" \
        -Djazzer.internal.arg.2="-max_total_time=$seconds" \
        -Djazzer.internal.arg.3="-artifact_prefix=$crashes/" \
        -Djazzer.reproducer_path="$crashes" \
        -Dcoffer.fuzz.stats="$stats" >"$log" 2>&1; then
        result=FAILED
        status=1
    fi
    runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2 " in " $5 " s"}')
    calls=$(grep -Eo 'executions=[0-9]+' "$stats" 2>/dev/null | cut -d= -f2 || true)
    found=$(( $(find "$crashes" -maxdepth 1 -type f -name 'crash-*' | wc -l) - found_before ))
    line="$t: $result; fuzzing executions ${runs:-unknown}; test calls ${calls:-unknown}; crashes $found"
    summary+=("$line")
    echo "$line" >&2
    if [[ -s $stats ]]; then
        sed 's/^/  /' "$stats" >&2
    fi
    if [[ $result == FAILED ]]; then
        grep -E 'FuzzTestFinding|Caused by|<<< (FAILURE|ERROR)' "$log" | head -5 | sed 's/^/  /' >&2 || true
        find "$crashes" -maxdepth 1 -type f -name 'crash-*' -newer "$started" 2>/dev/null | sed 's/^/  kept /' >&2 || true
    fi
done

echo >&2
printf '%s\n' "${summary[@]}"
exit $status
