#!/usr/bin/env bash
# Runs a local Coffer cluster on 127.0.0.1: one node process per node, each with its own
# directory (DIR/nI: node.properties, data/, node.log, node.pid). See --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
NODE_JAR=$REPO_ROOT/store-node/target/coffer-node.jar
CLI_JAR=$REPO_ROOT/store-cli/target/coffer-cli.jar

DEFAULT_DIR=./data/cluster
DEFAULT_NODES=3
DEFAULT_BASE_PORT=7100
# Written by 'coffer restore' into the directory of the new cluster it prepares.
RESTORE_MARKER=RESTORED
# Bounded waits, in seconds; override for slow machines.
START_TIMEOUT=${COFFER_START_TIMEOUT:-60}
STOP_TIMEOUT=${COFFER_STOP_TIMEOUT:-10}
# Several node JVMs share a small machine: a modest heap and the serial collector. A node that
# cannot allocate exits at once (to be restarted) rather than linger half-alive.
NODE_JAVA_OPTS=(-Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError)
# The CLI is a short-lived JVM: start fast rather than optimise.
CLI_JAVA_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)
# Every start of a node writes this line to its log; "serving" is judged on what follows the last one.
START_MARK="=== cluster.sh: starting node"

usage() {
    cat <<EOF
Usage: cluster.sh COMMAND [ID] [--dir DIR] [options]

Runs a local Coffer cluster on 127.0.0.1, one node process per node.

Commands:
  up [--nodes N] [--base-port P] [--tls]
                                  Create a new cluster in DIR and start it, or start the
                                  stopped nodes of the cluster already in DIR; waits until
                                  there is a leader, then prints each node's client address.
                                  New cluster: N nodes (default $DEFAULT_NODES), client ports P+1..P+N,
                                  Raft ports P+101..P+100+N, admin (HTTP /metrics, /health,
                                  /status) P+201..P+200+N (default P=$DEFAULT_BASE_PORT).
                                  --tls: mutual TLS on every port; the certificates go to
                                  DIR/tls (ca.pem; admin.pem/.key with every permission,
                                  app.pem/.key with read and write on every user), and
                                  scripts/coffer uses them
                                  (COFFER_TLS_DIR=DIR/tls, COFFER_PRINCIPAL=admin|app).
                                  A DIR made by 'coffer restore' (it holds a RESTORED
                                  marker) becomes a new cluster of its restored nodes.
  down                            Stop every node (TERM, then KILL after ${STOP_TIMEOUT}s).
  status                          The cluster's status as its members report it, and each pid.
  endpoints                       Print the members' client addresses: 127.0.0.1:7101,...
  kill ID                         kill -9 node ID (e.g. n2).
  start ID                        Start node ID on its existing data and wait until it serves.
  wipe ID                         kill -9 node ID and delete its whole data directory, as if
                                  its disk were lost; 'start ID' makes it rejoin (with --join
                                  and the leader's client address, when the cluster answers).
  add                             Make and start one more node (the next id), empty, waiting to
                                  be added with 'scripts/coffer member add ID --address H:P'.

Options (before or after the command's other arguments):
  --dir DIR      The cluster's directory (default $DEFAULT_DIR, relative to the current directory).
  -h, --help     Show this help.

The members that status, endpoints, up and add list or name are the cluster's current ones, as
'coffer member list' reports them (a node removed with 'coffer member remove' is left out); only
when no node answers are they the nodes of DIR/cluster.properties. kill, start, wipe and down act
on any node of DIR, member or not.

Environment: COFFER_START_TIMEOUT (seconds, default 60), COFFER_STOP_TIMEOUT (default 10),
COFFER_NODE_SETTINGS (extra node.properties lines, KEY=VALUE separated by spaces, for the nodes
'up' and 'add' configure; e.g. COFFER_NODE_SETTINGS="versions.retention.seconds=0").
Builds the jars with Maven if they are missing.
EOF
}

die() {
    echo "cluster.sh: $*" >&2
    exit 1
}

usage_error() {
    echo "cluster.sh: $*" >&2
    echo "Try 'cluster.sh --help' for more information." >&2
    exit 2
}

# ------------------------------------------------------------------ arguments

COMMAND=""
NODE_ID=""
DIR=$DEFAULT_DIR
NODES=""
BASE_PORT=""
TLS=""

parse_arguments() {
    local positional=()
    while (($# > 0)); do
        case $1 in
            -h | --help) usage; exit 0 ;;
            --dir) (($# >= 2)) || usage_error "--dir needs a directory"; DIR=$2; shift 2 ;;
            --dir=*) DIR=${1#--dir=}; shift ;;
            --nodes) (($# >= 2)) || usage_error "--nodes needs a number"; NODES=$2; shift 2 ;;
            --nodes=*) NODES=${1#--nodes=}; shift ;;
            --base-port) (($# >= 2)) || usage_error "--base-port needs a port"; BASE_PORT=$2; shift 2 ;;
            --base-port=*) BASE_PORT=${1#--base-port=}; shift ;;
            --tls) TLS=yes; shift ;;
            -*) usage_error "unknown option: $1" ;;
            *) positional+=("$1"); shift ;;
        esac
    done
    ((${#positional[@]} > 0)) || usage_error "no command given"
    COMMAND=${positional[0]}
    case $COMMAND in
        up | down | status | endpoints | add) (("${#positional[@]}" == 1)) || usage_error "$COMMAND takes no argument" ;;
        kill | start | wipe)
            (("${#positional[@]}" == 2)) || usage_error "$COMMAND needs exactly one node id (e.g. n1)"
            NODE_ID=${positional[1]}
            ;;
        *) usage_error "unknown command: $COMMAND" ;;
    esac
    if [[ $COMMAND != up && ( -n $NODES || -n $BASE_PORT || -n $TLS ) ]]; then
        usage_error "--nodes, --base-port and --tls only apply to 'up'"
    fi
    [[ -z $NODES || $NODES =~ ^[1-9][0-9]?$ ]] || usage_error "--nodes must be a number from 1 to 99, not '$NODES'"
    if [[ -n $BASE_PORT ]] && ! [[ $BASE_PORT =~ ^[0-9]+$ && $BASE_PORT -ge 1024 && $BASE_PORT -le 65000 ]]; then
        usage_error "--base-port must be a number from 1024 to 65000, not '$BASE_PORT'"
    fi
    return 0
}

# ------------------------------------------------------------------ layout

layout_file() { echo "$DIR/cluster.properties"; }

# A cluster made with 'up --tls' runs mutual TLS on every port, with the certificates in DIR/tls.
tls_dir() { echo "$DIR/tls"; }
is_tls() { [[ -f $(layout_file) ]] && grep -q '^tls=yes$' "$(layout_file)"; }

# The node.properties lines of node $1's TLS.
tls_settings() {
    echo "tls.ca=$(tls_dir)/ca.pem"
    echo "tls.cert=$(tls_dir)/$1.pem"
    echo "tls.key=$(tls_dir)/$1.key"
}

# COFFER_NODE_SETTINGS: extra node.properties lines (KEY=VALUE, separated by spaces or newlines)
# for the nodes that 'up' and 'add' configure, e.g. "versions.retention.seconds=0".
extra_settings() {
    local setting
    for setting in ${COFFER_NODE_SETTINGS:-}; do
        [[ $setting == ?*=* ]] || die "COFFER_NODE_SETTINGS holds '$setting', not KEY=VALUE"
        echo "$setting"
    done
}

# Reads one key of DIR/cluster.properties.
layout() {
    local value
    value=$(grep -m1 "^$1=" "$(layout_file)" | cut -d= -f2-) || die "$(layout_file) has no '$1'"
    echo "$value"
}

node_ids() { layout nodes; }
client_address() { layout "$1.client"; }
raft_address() { layout "$1.raft"; }
# Clusters created before nodes had an admin port have none.
admin_address() { grep -m1 "^$1.admin=" "$(layout_file)" | cut -d= -f2- || true; }

# Every node of the layout, removed ones included: where the CLI looks for the cluster.
layout_endpoints() {
    local id list=""
    for id in $(node_ids); do
        list+="${list:+,}$(client_address "$id")"
    done
    echo "$list"
}

# ------------------------------------------------------------------ members

# The cluster's current members, set by load_members: one "ID CLIENT_ADDRESS RAFT_ADDRESS ROLE"
# line each (ROLE: leader, voter or listener; "-" from the layout). They come from the cluster
# ('coffer member list': a node removed with 'coffer member remove' is gone, one added is there);
# from the layout only when no node answers (MEMBERS_FROM says which). Plain arrays, no
# associative ones: bash 3 has none.
MEMBERS=()
MEMBERS_FROM=""

load_members() {
    local listing="" id role word1 client word2 raft
    MEMBERS=()
    if [[ -f $CLI_JAR ]]; then
        listing=$(coffer_cli --timeout 3 member list 2>/dev/null) || listing=""
    fi
    # 'member list' prints: ID ROLE clients CLIENT_ADDRESS raft RAFT_ADDRESS
    while read -r id role word1 client word2 raft; do
        [[ $word1 == clients && $word2 == raft ]] && MEMBERS+=("$id $client $raft $role")
    done <<<"$listing"
    if ((${#MEMBERS[@]} > 0)); then
        MEMBERS_FROM=cluster
        return 0
    fi
    for id in $(node_ids); do
        MEMBERS+=("$id $(client_address "$id") $(raft_address "$id") -")
    done
    MEMBERS_FROM=layout
}

# Field $1 (1 id, 2 client address, 3 Raft address, 4 role) of each member, one a line.
member_field() {
    local line fields
    for line in ${MEMBERS[@]+"${MEMBERS[@]}"}; do
        read -r -a fields <<<"$line"
        echo "${fields[$1 - 1]}"
    done
}

is_member() {
    local line
    for line in ${MEMBERS[@]+"${MEMBERS[@]}"}; do
        [[ ${line%% *} == "$1" ]] && return 0
    done
    return 1
}

# The leader's client address, when the cluster answered and names one other than node $1.
live_leader_address() {
    local line id client raft role
    [[ -n $MEMBERS_FROM ]] || load_members
    for line in ${MEMBERS[@]+"${MEMBERS[@]}"}; do
        read -r id client raft role <<<"$line"
        [[ $role == leader && $id != "$1" ]] && echo "$client" && return 0
    done
    return 1
}

# The members' client addresses, comma-separated; after load_members.
member_endpoints() {
    local address list=""
    for address in $(member_field 2); do
        list+="${list:+,}$address"
    done
    echo "$list"
}

# Makes DIR absolute; commands other than 'up' need an existing cluster there.
resolve_dir() {
    if [[ $COMMAND == up ]]; then
        mkdir -p "$DIR"
    elif [[ ! -f $DIR/cluster.properties ]]; then
        die "no cluster in $DIR (create one with: cluster.sh up --dir $DIR)"
    fi
    DIR=$(cd "$DIR" && pwd)
}

require_node() {
    local id
    for id in $(node_ids); do
        [[ $id == "$1" ]] && return 0
    done
    die "no node '$1' in $DIR (nodes: $(node_ids))"
}

# Writes the layout and each node's configuration of a new cluster. With "restored" as the
# third argument the nodes keep the data folders 'coffer restore' made and never bootstrap.
create_cluster() {
    local count=$1 base=$2 origin=${3:-new} i id ids=()
    for ((i = 1; i <= count; i++)); do
        ids+=("n$i")
    done
    {
        echo "# Written by cluster.sh up: the layout of this local cluster."
        echo "nodes=${ids[*]}"
        echo "base.port=$base"
        [[ -z $TLS ]] || echo "tls=yes"
        for ((i = 1; i <= count; i++)); do
            echo "n$i.client=127.0.0.1:$((base + i))"
            echo "n$i.raft=127.0.0.1:$((base + 100 + i))"
            echo "n$i.admin=127.0.0.1:$((base + 200 + i))"
        done
    } >"$(layout_file).tmp"
    for ((i = 1; i <= count; i++)); do
        id=n$i
        mkdir -p "$DIR/$id"
        {
            echo "node.id=$id"
            echo "data.dir=$DIR/$id/data"
            echo "client.address=127.0.0.1:$((base + i))"
            echo "raft.address=127.0.0.1:$((base + 100 + i))"
            echo "admin.address=127.0.0.1:$((base + 200 + i))"
            local peer
            for ((peer = 1; peer <= count; peer++)); do
                echo "peer.n$peer=127.0.0.1:$((base + 100 + peer)),127.0.0.1:$((base + peer))"
            done
            [[ -z $TLS ]] || tls_settings "$id"
            extra_settings
        } >"$DIR/$id/node.properties"
        # Until this node has served once, its starts pass --bootstrap (see start_node). A restored
        # node's data holds RESTORE_FROM (written by coffer restore): at its first start it installs
        # the backup's snapshot and Raft term itself, and then runs like a node that was restarted.
        [[ $origin == restored ]] || touch "$DIR/$id/bootstrap-pending"
    done
    # Written last: an existing cluster.properties means the configuration is complete.
    mv "$(layout_file).tmp" "$(layout_file)"
}

# The number of nodes 'coffer restore' made in DIR (n1..nN, each with a data folder).
restored_node_count() {
    local count i
    count=$(grep -m1 '^nodes=' "$DIR/$RESTORE_MARKER" | cut -d= -f2-) || true
    [[ $count =~ ^[1-9][0-9]?$ ]] || die "$DIR/$RESTORE_MARKER names no node count: restore again with coffer restore"
    [[ -z $NODES || $NODES == "$count" ]] \
        || die "$DIR was restored for $count nodes, not $NODES: restore again with coffer restore --nodes $NODES"
    for ((i = 1; i <= count; i++)); do
        [[ -d $DIR/n$i/data ]] || die "$DIR/n$i/data is missing: restore again with coffer restore"
    done
    echo "$count"
}

# ------------------------------------------------------------------ processes

ensure_jars() {
    if [[ ! -f $NODE_JAR || ! -f $CLI_JAR ]]; then
        command -v mvn >/dev/null || die "the jars are not built and mvn is not installed"
        echo "building the jars (mvn package, this takes a minute) ..." >&2
        (cd "$REPO_ROOT" && mvn -B -q -DskipTests package) >&2 || die "the build failed"
    fi
}

# The CLI, pointed at every node of the layout (CLI_ENDPOINTS, if set, instead), as the admin
# principal when the cluster runs TLS.
coffer_cli() {
    local tls=()
    if is_tls; then
        tls=(--tls-dir "$(tls_dir)" --principal admin)
    fi
    java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" --endpoints "${CLI_ENDPOINTS:-$(layout_endpoints)}" "${tls[@]}" "$@"
}

# Writes the CA and the certificates of nodes $@ and of the clients admin and app into DIR/tls.
make_certificates() {
    local nodes
    nodes=$(tr ' ' ',' <<<"$*")
    java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" certs init --dir "$(tls_dir)" --nodes "$nodes" \
        --clients admin,app >/dev/null || die "could not make the TLS certificates in $(tls_dir)"
}

pid_of() {
    local file=$DIR/$1/node.pid
    [[ -f $file ]] && cat "$file"
}

# True if node $1's recorded pid is alive and is still that node's java process (pids get reused).
is_running() {
    local pid
    pid=$(pid_of "$1") || return 1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null \
        && ps -o args= -p "$pid" 2>/dev/null | grep -qF -- "$DIR/$1/node.properties"
}

# True once node $1 logged that it serves clients, since its last start.
is_serving() {
    local log=$DIR/$1/node.log
    [[ -f $log ]] && awk -v mark="$START_MARK" '
        index($0, mark) == 1 { serving = 0 }
        /serving clients on/ { serving = 1 }
        END { exit !serving }' "$log"
}

# Fails if something already listens on node $1's client or Raft port.
require_ports_free() {
    local address port
    for address in "$(client_address "$1")" "$(raft_address "$1")" $(admin_address "$1"); do
        port=${address##*:}
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            die "port $port of node $1 is already in use: is another cluster running? (cluster.sh down --dir ...)"
        fi
    done
}

start_node() {
    local id=$1 dir=$DIR/$1
    if is_running "$id"; then
        echo "$id is already running (pid $(pid_of "$id"))"
        return 0
    fi
    local args=(--config "$dir/node.properties")
    # Only the very first start of a brand-new cluster bootstraps; a node whose disk was lost
    # later must rejoin instead, which the node does on its own when started without it.
    [[ -f $dir/bootstrap-pending ]] && args+=(--bootstrap)
    # A node made by 'add' waits, on its first start, to be added with 'coffer member add'.
    [[ -f $dir/join-pending ]] && args+=(--join)
    # A wiped node rejoins through the leader: the members its file names may all be gone.
    local leader
    if [[ ! -f $dir/bootstrap-pending && ! -f $dir/join-pending && -z $(ls -A "$dir/data/raft" 2>/dev/null) ]] \
        && leader=$(live_leader_address "$id"); then
        args+=(--join "$leader")
    fi
    echo "$START_MARK $id at $(date '+%Y-%m-%d %H:%M:%S'): ${args[*]}" >>"$dir/node.log"
    local launcher=(nohup)
    # A session of its own: the node survives the terminal (and Ctrl-C) of whoever started it.
    command -v setsid >/dev/null && launcher=(setsid nohup)
    # RocksDB unpacks its native library into the temp dir; keep that with the node, not in /tmp.
    mkdir -p "$dir/tmp"
    "${launcher[@]}" java "${NODE_JAVA_OPTS[@]}" -Djava.io.tmpdir="$dir/tmp" -jar "$NODE_JAR" "${args[@]}" \
        >>"$dir/node.log" 2>&1 </dev/null &
    echo $! >"$dir/node.pid"
}

log_tail() {
    echo "--- last lines of $DIR/$1/node.log:" >&2
    tail -n 25 "$DIR/$1/node.log" >&2 || true
}

# Waits until each node in "$@" logs that it serves clients; fails at once if one exits.
wait_until_serving() {
    local deadline=$((SECONDS + START_TIMEOUT)) id pending=("$@") still
    while ((${#pending[@]} > 0)); do
        still=()
        for id in "${pending[@]}"; do
            if is_serving "$id"; then
                rm -f "$DIR/$id/bootstrap-pending" "$DIR/$id/join-pending"
            elif ! is_running "$id"; then
                log_tail "$id"
                die "node $id exited during startup (log: $DIR/$id/node.log)"
            else
                still+=("$id")
            fi
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]} == 0)) && break
        if ((SECONDS >= deadline)); then
            for id in "${pending[@]}"; do log_tail "$id"; done
            die "not serving after ${START_TIMEOUT}s: ${pending[*]}"
        fi
        sleep 0.5
    done
}

wait_for_leader() {
    local deadline=$((SECONDS + START_TIMEOUT)) json
    while true; do
        json=$(coffer_cli --timeout 3 status --output json 2>/dev/null) || true
        [[ $json == *'"leader":"'* ]] && return 0
        if ((SECONDS >= deadline)); then
            local id
            for id in $(node_ids); do log_tail "$id"; done
            die "no leader elected after ${START_TIMEOUT}s (last status: ${json:-none})"
        fi
        sleep 1
    done
}

# Stops node $1's process with the given signal; returns once it is gone or after the timeout.
signal_and_wait() {
    local id=$1 signal=$2 timeout=$3 pid deadline
    pid=$(pid_of "$id")
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while is_running "$id" && ((SECONDS < deadline)); do
        sleep 0.2
    done
    ! is_running "$id"
}

# ------------------------------------------------------------------ commands

cmd_up() {
    local started=() id existing=""
    if [[ -f $(layout_file) ]]; then
        [[ -z $NODES && -z $BASE_PORT ]] \
            || die "$DIR already holds a cluster ($(node_ids)); --nodes and --base-port only apply to a new one"
        echo "starting the stopped nodes of the cluster in $DIR"
        existing=yes
    elif [[ -f $DIR/$RESTORE_MARKER ]]; then
        create_cluster "$(restored_node_count)" "${BASE_PORT:-$DEFAULT_BASE_PORT}" restored
        echo "created a new cluster of $(wc -w <<<"$(node_ids)") nodes in $DIR from the restored backup" \
            "(index $(grep -m1 '^index=' "$DIR/$RESTORE_MARKER" | cut -d= -f2-))"
    else
        [[ -z $(ls -A "$DIR") ]] || die "$DIR is not empty and holds no cluster: give an empty or new --dir"
        create_cluster "${NODES:-$DEFAULT_NODES}" "${BASE_PORT:-$DEFAULT_BASE_PORT}"
        echo "created a new cluster of $(wc -w <<<"$(node_ids)") nodes in $DIR${TLS:+, with mutual TLS (certificates in $(tls_dir))}"
    fi
    ensure_jars
    if [[ -n $TLS && ! -f $(tls_dir)/ca.pem ]]; then
        # shellcheck disable=SC2046
        make_certificates $(node_ids)
    fi
    # A running cluster says who its members are: a node removed from it is not started again.
    [[ -n $existing ]] && load_members
    for id in $(node_ids); do
        if [[ -n $existing ]] && ! is_member "$id"; then
            is_running "$id" || echo "$id is no longer a member of the cluster: not started"
        elif ! is_running "$id"; then
            started+=("$id")
        fi
    done
    # All ports first: a busy one should stop 'up' before it leaves some nodes running.
    for id in "${started[@]+"${started[@]}"}"; do
        require_ports_free "$id"
    done
    for id in "${started[@]+"${started[@]}"}"; do
        start_node "$id"
    done
    ((${#started[@]} > 0)) && wait_until_serving "${started[@]}"
    wait_for_leader
    if [[ -n $TLS && -z $existing ]]; then
        # 'admin' has every permission (the nodes' tls.admins); 'app' may read and write every user.
        coffer_cli access grant app read,write >/dev/null || die "could not grant app read and write"
    fi
    load_members
    local line client
    for line in "${MEMBERS[@]}"; do
        read -r id client _ <<<"$line"
        if [[ -d $DIR/$id ]]; then
            printf '%s  %s  (pid %s, log %s)\n' "$id" "$client" "$(pid_of "$id" || echo -)" "$DIR/$id/node.log"
        else
            printf '%s  %s  (not run from %s)\n' "$id" "$client" "$DIR"
        fi
    done
    echo "endpoints: $(member_endpoints)"
    print_non_members
}

# The processes of the layout that are not members: removed but still running (after 'up' of a
# stopped cluster, which knows only the layout), or waiting to be added.
print_non_members() {
    local id
    for id in $(node_ids); do
        if ! is_member "$id" && is_running "$id"; then
            printf '%s  pid %-8s running  not a member (removed: cluster.sh kill %s; or waiting for coffer member add)\n' \
                "$id" "$(pid_of "$id")" "$id"
        fi
    done
}

cmd_down() {
    local id running=()
    for id in $(node_ids); do
        if is_running "$id"; then
            kill -TERM "$(pid_of "$id")" 2>/dev/null || true
            running+=("$id")
        else
            rm -f "$DIR/$id/node.pid"
        fi
    done
    local deadline=$((SECONDS + STOP_TIMEOUT))
    for id in "${running[@]+"${running[@]}"}"; do
        while is_running "$id" && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if is_running "$id"; then
            signal_and_wait "$id" KILL 5 || die "could not stop $id (pid $(pid_of "$id"))"
            echo "stopped $id (killed: it did not exit within ${STOP_TIMEOUT}s of TERM)"
        else
            echo "stopped $id"
        fi
        rm -f "$DIR/$id/node.pid"
    done
    ((${#running[@]} > 0)) || echo "no node of $DIR was running"
}

cmd_status() {
    ensure_jars
    load_members
    CLI_ENDPOINTS=$(member_endpoints) coffer_cli --timeout 3 status || true
    echo
    [[ $MEMBERS_FROM == cluster ]] || echo "(no node answered: the members below are those of $(layout_file))"
    local id
    for id in $(member_field 1); do
        if [[ ! -d $DIR/$id ]]; then
            printf '%s  %-12s -        not run from %s\n' "$id" "-" "$DIR"
        elif is_running "$id"; then
            printf '%s  pid %-8s running  %s\n' "$id" "$(pid_of "$id")" "$DIR/$id/node.log"
        else
            printf '%s  %-12s stopped  %s\n' "$id" "-" "$DIR/$id/node.log"
        fi
    done
    print_non_members
}

cmd_kill() {
    require_node "$NODE_ID"
    if ! is_running "$NODE_ID"; then
        echo "$NODE_ID is not running"
        return 0
    fi
    local pid
    pid=$(pid_of "$NODE_ID")
    signal_and_wait "$NODE_ID" KILL 5 || die "$NODE_ID (pid $pid) survived kill -9"
    rm -f "$DIR/$NODE_ID/node.pid"
    echo "killed $NODE_ID (pid $pid)"
}

cmd_start() {
    require_node "$NODE_ID"
    ensure_jars
    if is_running "$NODE_ID"; then
        echo "$NODE_ID is already running (pid $(pid_of "$NODE_ID"))"
        return 0
    fi
    require_ports_free "$NODE_ID"
    start_node "$NODE_ID"
    wait_until_serving "$NODE_ID"
    echo "$NODE_ID  $(client_address "$NODE_ID")  (pid $(pid_of "$NODE_ID"))"
}

# Makes and starts one more node for the cluster in DIR; 'coffer member add' then adds it.
cmd_add() {
    [[ -f $(layout_file) ]] || die "no cluster in $DIR: run 'cluster.sh up' first"
    ensure_jars
    local ids base i=0 id n peer_lines="" other
    ids=$(node_ids)
    base=$(layout base.port)
    for id in $ids; do
        n=${id#n}
        ((n > i)) && i=$n
    done
    i=$((i + 1))
    id=n$i
    local client=127.0.0.1:$((base + i)) raft=127.0.0.1:$((base + 100 + i)) admin=127.0.0.1:$((base + 200 + i))
    # Its file names the cluster's current members, not the removed ones the layout still lists.
    load_members
    local line raft_of client_of
    for line in "${MEMBERS[@]}"; do
        read -r other client_of raft_of _ <<<"$line"
        peer_lines+="peer.$other=$raft_of,$client_of"$'\n'
    done
    mkdir -p "$DIR/$id"
    {
        echo "node.id=$id"
        echo "data.dir=$DIR/$id/data"
        echo "client.address=$client"
        echo "raft.address=$raft"
        echo "admin.address=$admin"
        printf '%s' "$peer_lines"
        echo "peer.$id=$raft,$client"
        if is_tls; then
            tls_settings "$id"
        fi
        extra_settings
    } >"$DIR/$id/node.properties"
    if is_tls; then
        java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" certs add --dir "$(tls_dir)" --nodes "$id" >/dev/null \
            || die "could not issue the TLS certificate of $id"
    fi
    touch "$DIR/$id/join-pending"
    {
        grep -v '^nodes=' "$(layout_file)"
        echo "nodes=$ids $id"
        echo "$id.client=$client"
        echo "$id.raft=$raft"
        echo "$id.admin=$admin"
    } >"$(layout_file).tmp"
    mv "$(layout_file).tmp" "$(layout_file)"
    require_ports_free "$id"
    start_node "$id"
    wait_until_serving "$id"
    echo "started $id  $client  (pid $(pid_of "$id")), waiting to be added:"
    echo "  scripts/coffer member add $id --address $client"
}

cmd_wipe() {
    require_node "$NODE_ID"
    cmd_kill
    # A wiped node must never bootstrap: it rejoins the cluster that already exists.
    rm -f "$DIR/$NODE_ID/bootstrap-pending"
    rm -rf "${DIR:?}/$NODE_ID/data"
    echo "wiped $NODE_ID: deleted $DIR/$NODE_ID/data"
}

main() {
    parse_arguments "$@"
    command -v java >/dev/null || die "java is not installed (Java 17 or later is needed)"
    resolve_dir
    case $COMMAND in
        up) cmd_up ;;
        down) cmd_down ;;
        status) cmd_status ;;
        endpoints) load_members; member_endpoints ;;
        kill) cmd_kill ;;
        start) cmd_start ;;
        wipe) cmd_wipe ;;
        add) cmd_add ;;
    esac
}

main "$@"
