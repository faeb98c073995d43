#!/usr/bin/env bash
# Shows that a Coffer cluster loses no acknowledged write when its leader is killed and a
# follower loses its disk. See --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CLUSTER_SH=$SCRIPT_DIR/cluster.sh
NODE_JAR=$REPO_ROOT/store-node/target/coffer-node.jar
CLI_JAR=$REPO_ROOT/store-cli/target/coffer-cli.jar
CLI_JAVA_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)

DIR=./data/demo
NODES=3
USERS=20
CONVERGE_TIMEOUT=${COFFER_CONVERGE_TIMEOUT:-120}

usage() {
    cat <<EOF
Usage: demo.sh [--dir DIR]

Builds Coffer if needed, starts a new $NODES-node cluster in DIR (default $DIR; deleted first),
writes blobs for $USERS users, kill -9s the leader and keeps writing, restarts it, wipes a
follower's disk and keeps writing, lets it rejoin, then reads every acknowledged write back
(linearizable, and stale from the rebuilt node alone) and compares the bytes. Always stops
the cluster at the end. Ends with 'acknowledged writes: N, lost: L'; exits 1 if L > 0.

Environment: COFFER_CONVERGE_TIMEOUT (seconds to wait for the replicas to converge, default 120).
EOF
}

die() {
    echo "demo.sh: $*" >&2
    exit 1
}

step() {
    echo
    printf '==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"
}

while (($# > 0)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --dir) (($# >= 2)) || die "--dir needs a directory"; DIR=$2; shift 2 ;;
        --dir=*) DIR=${1#--dir=}; shift ;;
        *) echo "demo.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

# ------------------------------------------------------------------ setup

# cluster.sh, without the saved descriptors 3 and 4 (see below): the nodes it starts must not
# hold this script's output open.
cluster() {
    "$CLUSTER_SH" "$@" 3>&- 4>&-
}

# True when a jar is missing or some source or POM changed after it was built.
jars_outdated() {
    local jar
    for jar in "$NODE_JAR" "$CLI_JAR"; do
        [[ -f $jar ]] || return 0
        [[ -z $(find "$REPO_ROOT" \( -name target -o -name data -o -name .git \) -prune -o -type f \
            \( -path '*/src/*' -o -name pom.xml \) -newer "$jar" -print -quit) ]] || return 0
    done
    return 1
}

# Starts from nothing, but deletes DIR only if it is empty or an earlier demo's directory.
fresh_directory() {
    if [[ -f $DIR/cluster.properties ]]; then
        cluster down --dir "$DIR" >/dev/null
    elif [[ -d $DIR && -n $(ls -A "$DIR") && ! -f $DIR/acknowledged.tsv ]]; then
        die "$DIR exists and is not an earlier demo's directory: refusing to delete it (choose another --dir)"
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
}

CLUSTER_STARTED=0

stop_cluster() {
    if ((CLUSTER_STARTED)); then
        CLUSTER_STARTED=0
        # No layout yet means 'up' failed before starting any node.
        [[ ! -f $DIR/cluster.properties ]] || cluster down --dir "$DIR" || true
    fi
}

# The script's own stdout and stderr: a signal may arrive while a command's output is redirected
# (e.g. inside 'cli put ... >/dev/null'), and the clean-up must still be seen.
exec 3>&1 4>&2

on_exit() {
    local code=$?
    if ((CLUSTER_STARTED)); then
        {
            echo
            echo "==> stopping the cluster (node logs stay in $DIR/n*/node.log)"
            stop_cluster
        } >&3 2>&4
    fi
    exit "$code"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ talking to the cluster

cli() {
    java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" --endpoints "$ENDPOINTS" "$@"
}

# The CLI against one node only (no failover to the others).
cli_at() {
    local endpoint=$1
    shift
    java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" --endpoints "$endpoint" "$@"
}

client_address() {
    grep -m1 "^$1.client=" "$DIR/cluster.properties" | cut -d= -f2-
}

status_json() {
    cli --timeout 5 status --output json 2>/dev/null || true
}

# The leader's id, waiting (bounded) for an election to finish.
current_leader() {
    local deadline=$((SECONDS + 60)) leader
    while ((SECONDS < deadline)); do
        leader=$(status_json | sed -n 's/.*"leader":"\([^"]*\)".*/\1/p')
        if [[ -n $leader ]]; then
            echo "$leader"
            return 0
        fi
        sleep 1
    done
    die "no leader after 60s"
}

# ------------------------------------------------------------------ writing, with a ledger

ACKNOWLEDGED=0
UNACKNOWLEDGED=0
LEDGER=""
# Puts run in the background, a few at a time: a CLI call is mostly JVM start-up, which
# overlaps well. Each is settled (counted, recorded) by settle_puts.
PUT_PIDS=()
PUT_NAMES=()

# The file that holds the value about to be written to USER KEY.
pending_file() {
    local file=$DIR/pending/$1/$2
    mkdir -p "$(dirname "$file")"
    echo "$file"
}

# put_random USER KEY SIZE / put_text USER KEY LINE...: start writing such a value.
put_random() {
    head -c "$3" /dev/urandom >"$(pending_file "$1" "$2")"
    start_put "$1" "$2"
}

put_text() {
    local user=$1 key=$2
    shift 2
    printf '%s\n' "$@" >"$(pending_file "$user" "$key")"
    start_put "$user" "$key"
}

start_put() {
    local file=$DIR/pending/$1/$2
    cli put "$1" "$2" --file "$file" >/dev/null 2>"$file.err" &
    PUT_PIDS+=($!)
    PUT_NAMES+=("$1/$2")
}

# Waits for the started puts. Only a put that exited 0 is an acknowledged write: its value
# becomes the expected bytes in DIR/expected/USER/KEY. Every key is written once, so a put
# that failed never leaves an expected value in doubt.
settle_puts() {
    local i name file expected
    for i in "${!PUT_PIDS[@]}"; do
        name=${PUT_NAMES[i]}
        file=$DIR/pending/$name
        expected=$DIR/expected/$name
        if wait "${PUT_PIDS[i]}"; then
            mkdir -p "$(dirname "$expected")"
            mv "$file" "$expected"
            printf '%s\t%s\n' "${name%%/*}" "${name#*/}" >>"$LEDGER"
            ACKNOWLEDGED=$((ACKNOWLEDGED + 1))
        else
            UNACKNOWLEDGED=$((UNACKNOWLEDGED + 1))
            echo "    not acknowledged: ${name%%/*} ${name#*/}: $(head -n 1 "$file.err")"
        fi
    done
    PUT_PIDS=()
    PUT_NAMES=()
}

user_name() {
    printf 'user%02d' "$1"
}

# ------------------------------------------------------------------ the demo

main() {
    step "building the jars if needed"
    if jars_outdated; then
        (cd "$REPO_ROOT" && mvn -B -q -DskipTests package) || die "the build failed"
    else
        echo "up to date"
    fi

    fresh_directory

    step "starting a new $NODES-node cluster in $DIR"
    CLUSTER_STARTED=1
    cluster up --dir "$DIR" --nodes "$NODES"
    ENDPOINTS=$(cluster endpoints --dir "$DIR")
    LEDGER=$DIR/acknowledged.tsv
    : >"$LEDGER"

    local i user
    step "writing 3 blobs for each of $USERS users: a contact card, ~10 KiB and ~1 MiB of random bytes"
    for ((i = 1; i <= USERS; i++)); do
        user=$(user_name "$i")
        put_text "$user" "contacts/zoë.vcf" "BEGIN:VCARD" "FN:Zoë of $user" "END:VCARD"
        put_random "$user" "photos/small.jpg" $((8192 + RANDOM % 4096))
        put_random "$user" "photos/large.raw" $((1048576 + RANDOM))
        settle_puts
    done
    echo "acknowledged so far: $ACKNOWLEDGED"

    local leader
    leader=$(current_leader)
    step "the leader is $leader: kill -9 it"
    cluster kill "$leader" --dir "$DIR"

    step "writing one blob per user while $leader is down (the first waits for a new election)"
    for ((i = 1; i <= USERS; i++)); do
        put_text "$(user_name "$i")" "calendar/while-$leader-down.ics" "event $i, written while $leader was down"
        ((i % 2)) || settle_puts
    done
    settle_puts
    echo "acknowledged so far: $ACKNOWLEDGED"

    step "restarting $leader on its data, and waiting until it has caught up"
    cluster start "$leader" --dir "$DIR"
    # A 3-node cluster survives one failure at a time: the next one waits for this one to heal.
    wait_for_convergence

    local new_leader victim="" id
    new_leader=$(current_leader)
    # A follower, and preferably not the node just restarted: a second failure on another node.
    for id in $(grep -m1 '^nodes=' "$DIR/cluster.properties" | cut -d= -f2-); do
        if [[ $id != "$new_leader" && ( -z $victim || $victim == "$leader" ) ]]; then
            victim=$id
        fi
    done
    step "the leader is $new_leader; wiping follower $victim's disk (kill -9, then rm -rf its data)"
    cluster wipe "$victim" --dir "$DIR"

    step "writing one blob per user while $victim is gone (sizes from 0 bytes to 64 KiB)"
    local sizes=(0 1 300 65536)
    for ((i = 1; i <= USERS; i++)); do
        put_random "$(user_name "$i")" "files/while-$victim-wiped.bin" "${sizes[i % ${#sizes[@]}]}"
        ((i % 2)) || settle_puts
    done
    settle_puts
    echo "acknowledged so far: $ACKNOWLEDGED"

    step "starting $victim on an empty disk: it rejoins and catches up"
    cluster start "$victim" --dir "$DIR"

    step "waiting until all $NODES nodes report the same applied index"
    wait_for_convergence

    step "reading every acknowledged write back: linearizable, and stale from $victim alone"
    verify_all "$victim"

    step "stopping the cluster"
    stop_cluster

    if ((UNACKNOWLEDGED > 0)); then
        echo "writes not acknowledged (client gave up; not counted): $UNACKNOWLEDGED"
    fi
    echo "acknowledged writes: $ACKNOWLEDGED, lost: $LOST"
    ((ACKNOWLEDGED > 0)) || die "no write was acknowledged, so nothing was shown"
    ((LOST == 0 && MISSING_ON_REBUILT == 0)) || exit 1
}

wait_for_convergence() {
    local deadline=$((SECONDS + CONVERGE_TIMEOUT)) json applied
    while true; do
        json=$(status_json)
        applied=$(grep -o '"appliedIndex":[0-9]*' <<<"$json" | cut -d: -f2 || true)
        if [[ $json != *'"reachable":false'* ]] \
            && (($(wc -l <<<"$applied") == NODES)) && (($(sort -u <<<"$applied" | wc -l) == 1)); then
            echo "applied index $(head -n 1 <<<"$applied") on every node"
            return 0
        fi
        if ((SECONDS >= deadline)); then
            cli --timeout 5 status || true
            die "the nodes did not converge within ${CONVERGE_TIMEOUT}s (logs: $DIR/n*/node.log)"
        fi
        sleep 1
    done
}

LOST=0
MISSING_ON_REBUILT=0

# Reads each ledger entry twice at once: linearizably through the cluster, and stale from the
# rebuilt node alone; compares both with the expected bytes.
verify_all() {
    local rebuilt=$1 rebuilt_address user key expected linearizable stale
    rebuilt_address=$(client_address "$rebuilt")
    linearizable=$DIR/readback.linearizable
    stale=$DIR/readback.stale
    while IFS=$'\t' read -r user key; do
        expected=$DIR/expected/$user/$key
        rm -f "$linearizable" "$stale"
        cli get "$user" "$key" --out "$linearizable" 2>"$DIR/get.err" &
        local linearizable_pid=$!
        cli_at "$rebuilt_address" get --stale "$user" "$key" --out "$stale" 2>"$DIR/get-stale.err" &
        local stale_pid=$!
        if ! wait "$linearizable_pid" || ! cmp -s "$expected" "$linearizable"; then
            LOST=$((LOST + 1))
            echo "    LOST: $user $key: $(head -n 1 "$DIR/get.err" 2>/dev/null || true)"
        fi
        if ! wait "$stale_pid" || ! cmp -s "$expected" "$stale"; then
            MISSING_ON_REBUILT=$((MISSING_ON_REBUILT + 1))
            echo "    not on $rebuilt: $user $key: $(head -n 1 "$DIR/get-stale.err" 2>/dev/null || true)"
        fi
    done <"$LEDGER"
    if ((LOST == 0)); then
        echo "every acknowledged write read back intact through the cluster"
    fi
    if ((MISSING_ON_REBUILT == 0)); then
        echo "$rebuilt, rebuilt from nothing, holds every acknowledged write"
    else
        echo "$rebuilt, rebuilt from nothing, is missing or differs on $MISSING_ON_REBUILT acknowledged writes"
    fi
}

main
