#!/usr/bin/env bash
# Runs the JMH benchmarks of the hot paths (benchmarks/, docs/jmh.md), building their jar when it
# is missing or older than the sources. See --help.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
JAR=$REPO_ROOT/benchmarks/target/benchmarks.jar
# What the jar is built from: a change here rebuilds it.
SOURCES=(pom.xml proto benchmarks store-node/pom.xml store-node/src/main)

usage() {
    cat <<EOF
Usage: jmh.sh [--offline] [--rebuild] [JMH options...] [BENCHMARK REGEXP...]

Runs benchmarks/target/benchmarks.jar (java -jar, JMH's own main class) with the given JMH
options, after building it with Maven (mvn -Pjmh package -pl benchmarks -am, tests skipped) if it is
missing or older than its sources (proto, store-node, benchmarks, the poms). Benchmarks (see
docs/jmh.md):

  FrameCodecBenchmark   a put request to a length-prefixed frame (client) and back (node);
                        valueBytes=1024,65536
  ApplyBenchmark        BlobStore.apply of one log entry of N puts into RocksDB;
                        commands=1,16,64, valueBytes=1024,65536
  RocksBatchBenchmark   a raw RocksDB WriteBatch of N 1 KiB puts, WAL off; commands=1,16,64

Each defaults to 1 fork, 2 warm-up and 3 measured iterations of 2 s, average time per
operation in microseconds: all of them take about 3 minutes. Examples:

  scripts/jmh.sh                                      every benchmark
  scripts/jmh.sh ApplyBenchmark -p commands=16        one benchmark, one parameter value
  scripts/jmh.sh -f 1 -wi 1 -i 2 -w 1 -r 2            shorter iterations
  scripts/jmh.sh -rf json -rff jmh.json               also write the results as JSON
  scripts/jmh.sh -l                                   list the benchmarks
  scripts/jmh.sh -h                                   JMH's options

The storage benchmarks write their databases under java.io.tmpdir (move it with
-jvmArgsAppend -Djava.io.tmpdir=DIR) and delete them when done.

  --offline   build with Maven offline (-o), from what is already downloaded
  --rebuild   build the jar even if it looks up to date
  --help      this help
EOF
}

die() {
    echo "jmh.sh: $*" >&2
    exit 1
}

MAVEN=(mvn -B -q)
REBUILD=0
# Only leading arguments are this script's; everything from the first other one goes to JMH.
while (($# > 0)); do
    case $1 in
        --help) usage; exit 0 ;;
        --offline) MAVEN+=(-o); shift ;;
        --rebuild) REBUILD=1; shift ;;
        *) break ;;
    esac
done

# True if the jar is missing or a source file is newer than it.
jar_outdated() {
    [[ -f $JAR ]] || return 0
    local newer
    newer=$(cd "$REPO_ROOT" && find "${SOURCES[@]}" -path '*/target' -prune -o -type f -newer "$JAR" -print -quit)
    [[ -n $newer ]]
}

command -v java >/dev/null || die "java is not installed (Java 17 or later is needed)"
if ((REBUILD)) || jar_outdated; then
    command -v mvn >/dev/null || die "$JAR is missing or out of date and mvn is not installed"
    echo "jmh.sh: building the benchmarks (mvn -Pjmh package -pl benchmarks -am) ..." >&2
    (cd "$REPO_ROOT" && "${MAVEN[@]}" -Pjmh -DskipTests package -pl benchmarks -am) >&2 || die "the build failed"
fi
exec java -jar "$JAR" "$@"
