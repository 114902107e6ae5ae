#!/usr/bin/env bash
# The selfconnect benchmark suite (issue 5) in one command, from anywhere in the repo:
#
#   bash benchmarks/run.sh                 # build the agent and the suite, run everything on JDK 17 and 25
#
# For each JDK it measures, with and without -javaagent:agent/target/selfconnect.jar (copied at the start, so a
# rebuild during the run changes nothing):
#   - JVM start of a trivial main (also with an empty premain-only agent), 30 runs each, and the main thread's CPU
#     time when main starts (/proc/thread-self/schedstat: premain's own cost, unmoved by the other threads' share);
#   - the first connect+close in a fresh JVM, per connect path, 20 runs each, to a server (in the suite's JVM) on a
#     fixed port below the ephemeral range; also, for information, Socket to a server on an ephemeral port (the
#     agent's audit reports that as a risk) and Socket after 1 s of idling;
#   - classes loaded (-Xlog:class+load, by origin and package) and heap/metaspace used after System.gc();
#   - per connect+close with JMH and its gc profiler (B/op): Socket, SocketChannel blocking and non-blocking,
#     AsynchronousSocketChannel, each to a fixed-port and to an ephemeral-port server, and a Netty 4.2
#     EpollSocketChannel to a Netty epoll server on a fixed port (NETTY_EPOLL, about 1 min per JDK); 3 rounds of one
#     fork per configuration (the order flipped each round), 2 x 1 s warm-up + 5 x 1 s measurement per fork.
# Then it prints medians, p10-p90 spreads, agent-minus-none differences and PASS/FAIL with the margin for each target
# of issue 5. About 11 minutes per JDK. The summary, the raw samples (CSV) and JMH's logs land in
# benchmarks/target/bench-results/. The machine should be quiet (load average < 1): --wait-quiet waits for that.
#
# TIME_WAIT: a loop of connects that the client closes first would park every port it used in TIME_WAIT and run out
# of ephemeral ports within a second. The Socket and SocketChannel paths close with SO_LINGER 0 (a RST, no TIME_WAIT
# anywhere); AsynchronousSocketChannel, which has no SO_LINGER, reads until the server has closed and closes second.
#
# Options:
#   --startup-only | --jmh-only    run one half only
#   --scan-only                    only the scan benchmark: selfconnect scan of a namespace holding 10,000 and 50,000
#                                  TCP sockets (python3 processes in an unshare -rn namespace), quiet and with short-
#                                  lived processes churning at a busy node's rate and a fork storm's, about 4 minutes
#   --jdk17-only | --jdk25-only    one JDK only (the JDKs: $JDK17, $JDK25; defaults below)
#   --quick                        a smoke run with few samples (under 2 min per JDK); its figures mean little
#   --no-build                     use the jars already built
#   --baseline-commit=REV          also build the agent at git revision REV (in a temporary worktree) and time it in
#                                  the same rounds as this one: JVM start and first connects, paired by round, with
#                                  a verdict "no slower than the baseline" (a sign test tells a difference from noise)
#                                  (--baseline=JAR does the same with a jar already built)
#   --wait-quiet[=MINUTES]         before starting, wait until the 1-minute load average is below 1 (default 30 min)
#   --KEY=VALUE                    passed to the suite: --scan-sockets (default 10000,50000), --scan-runs, --runs, --connect-runs, --footprint-runs, --rounds, --warmups,
#                                  --iterations, --iteration-ms, --servers=fixed,ephemeral, --agent, --out,
#                                  --paths=SOCKET,CHANNEL_BLOCKING,CHANNEL_NONBLOCKING,ASYNC,NETTY_EPOLL (JMH cases),
#                                  --jmh-jvm-args="-XX:-DoEscapeAnalysis" (JVM options for the JMH forks)
#
# JMH alone, by hand: java -jar benchmarks/target/benchmarks.jar ConnectBenchmark -prof gc [-p server=fixed] \
#                         [-jvmArgsAppend -javaagent:agent/target/selfconnect.jar]
#                     (NettyConnectBenchmark for the Netty epoll path)
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."

JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdks="$JDK17,$JDK25"
build=true
wait_minutes=0
baseline_commit=""
suite_args=()

for arg in "$@"; do
    case "$arg" in
        --startup-only) suite_args+=(--only=startup) ;;
        --jmh-only) suite_args+=(--only=jmh) ;;
        --scan-only) suite_args+=(--only=scan) ;;
        --jdk17-only) jdks=$JDK17 ;;
        --jdk25-only) jdks=$JDK25 ;;
        --quick) suite_args+=(--runs=5 --connect-runs=3 --footprint-runs=2 --rounds=1 --warmups=1 --iterations=2
                              --iteration-ms=500) ;;
        --no-build) build=false ;;
        --baseline-commit=*) baseline_commit=${arg#--baseline-commit=} ;;
        --wait-quiet) wait_minutes=30 ;;
        --wait-quiet=*) wait_minutes=${arg#--wait-quiet=} ;;
        --*=*) suite_args+=("$arg") ;;
        *) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done

if [ "$wait_minutes" -gt 0 ]; then
    deadline=$(($(date +%s) + wait_minutes * 60))
    until awk '{ exit !($1 < 1) }' /proc/loadavg; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "load average still $(cut -d' ' -f1-3 /proc/loadavg) after $wait_minutes min: measuring anyway"
            break
        fi
        echo "waiting for a quiet machine: load average $(cut -d' ' -f1-3 /proc/loadavg)"
        sleep 30
    done
fi

if $build; then
    echo "building agent/target/selfconnect.jar and benchmarks/target/*.jar"
    mvn -q -B -Pbenchmarks -DskipTests -pl agent,benchmarks -am package
fi

if [ -n "$baseline_commit" ]; then
    baseline_tree=$(mktemp -d "${TMPDIR:-/tmp}/selfconnect-baseline.XXXXXX")
    trap 'git worktree remove --force "$baseline_tree" >/dev/null 2>&1; rm -rf "$baseline_tree"' EXIT
    echo "building the baseline agent at $baseline_commit in $baseline_tree"
    git worktree add --detach "$baseline_tree" "$baseline_commit" >/dev/null
    (cd "$baseline_tree" && mvn -q -B -DskipTests -pl agent -am package)
    mkdir -p benchmarks/target
    cp "$baseline_tree/agent/target/selfconnect.jar" benchmarks/target/baseline-selfconnect.jar
    suite_args+=(--baseline=benchmarks/target/baseline-selfconnect.jar)
fi

"$JDK17/bin/java" -cp benchmarks/target/benchmarks.jar dev.selfconnect.bench.Suite --jdks="$jdks" \
    "${suite_args[@]}"
