#!/usr/bin/env bash
# Long fault-injection runs against a real cluster of namespace "hosts" on this machine; see --help.
set -euo pipefail

CALLER_DIR=$PWD
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

usage() {
    cat <<USAGE
Usage: chaos.sh --minutes N [--seed S] [--run-seconds R] [--nodes K] [--faults LIST] [--dir DIR]
       chaos.sh --check PATH...

Runs back-to-back fault-injection runs for N minutes. Each run starts a new K-node cluster, each
node a JVM in its own Linux network namespace, runs register clients (put/get/delete/
put-if-version on a few keys) and set clients (unique adds, then one final read), and injects
every kind of fault on a schedule (kill -9 of the leader or a random node, SIGSTOP pauses,
partitions: one node, the leader, majority/minority, ring, bridge, wiped disks, and membership
changes: leadership transferred and a follower removed, wiped and added back). Afterwards
both histories go through the linearizability checker, every acknowledged add must be there,
and the replicas' digests must agree. Prints each run's faults, operations and verdicts, then
a total with the time to elect a new leader (p50/p99; after any loss of the leader, and after
kill -9 of the leader alone), the time until a put sent at kill -9 of the leader is acknowledged,
and the time until every node has caught up after a healed partition. A failing run's histories are kept under
DIR/failures/ for replay. Needs root (ip netns). Exit status 0 only if every run passed.

  --minutes N       total time (default 20)
  --seed S          seed of the first run (each next run adds 1; default: from the clock)
  --run-seconds R   length of one run's fault phase (default 180)
  --nodes K         nodes per cluster, at least 3 (default 3; with 5 a ring partition really
                    gives each node a different majority)
  --faults LIST     only these fault kinds, comma-separated (default: all): kill_leader,
                    kill_random, pause, partition_one, partition_leader,
                    partition_majority_minority, partition_ring, partition_bridge, wipe_disk,
                    membership_change
  --dir DIR         work directory (default ./data/chaos)
  --check PATH...   check kept histories again, without a cluster (no root needed): each PATH a
                    register.history or set.history file, or a folder holding them, such as
                    DIR/failures/seed-S. Exit status 0 only if every history is OK.
USAGE
}

for arg in "$@"; do
    case $arg in -h | --help) usage; exit 0 ;; esac
done
main=dev.coffer.chaos.run.ChaosMain
if [[ ${1:-} == --check ]]; then
    shift
    main=dev.coffer.chaos.run.HistoryReplay
else
    [[ $(id -u) == 0 ]] || { echo "chaos.sh: needs root to create network namespaces" >&2; exit 2; }
    command -v ip >/dev/null || { echo "chaos.sh: needs iproute2 (the ip command)" >&2; exit 2; }
fi

cd "$REPO_ROOT"
echo "building (mvn test-compile) ..." >&2
mvn -B -q -DskipTests install >&2
mvn -B -q -pl store-node test-compile >&2
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
mvn -B -q -pl store-node dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" >&2
classpath="$REPO_ROOT/store-node/target/test-classes:$REPO_ROOT/store-node/target/classes:$(cat "$classpath_file")"
# --check paths are as the caller typed them; a run's --dir is under the repository unless absolute.
[[ $main == *HistoryReplay ]] && cd "$CALLER_DIR"
# The driver keeps every run's histories for the checker: with the faster data path a 3-minute run
# records ~230,000 operations, and 1 GiB ran out once while checking them.
exec java -Xmx4g -cp "$classpath" "$main" "$@"
