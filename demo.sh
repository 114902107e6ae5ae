#!/usr/bin/env bash
# The selfconnect demo in one command: builds the agent and the demo app, then shows a TCP self-connection
# three times on this machine: without the agent, with the agent in mode=log, and with it in mode=throw.
# Needs Linux, a JDK 17+ as `java` and Maven as `mvn`. No root, no namespace, nothing but loopback.
# Exits 0 when all three runs behaved as expected, 1 when one did not, 2 when the machine lacks something or an
# option is unknown (--help lists them).
# Each run targets its own free, unreserved even port of the ephemeral range, and the demo app closes its
# self-connection with a reset, so no run leaves a TIME_WAIT behind that could keep a later run from reproducing.
set -uo pipefail
cd "$(dirname "$0")"

usage() {
    cat <<'USAGE'
usage: ./demo.sh [--no-build] [--help]

Shows a TCP self-connection on this machine three times: without the agent, with the agent in mode=log, and
with it in mode=throw. About a minute; needs Linux, a JDK 17+ as `java` and Maven as `mvn`; no root.

  --no-build   use the jars already built (agent/target/selfconnect.jar, demo-app/target/demo-app.jar)
  --help       print this and exit

Exit: 0 all three runs behaved as expected, 1 one did not, 2 the machine lacks something or a bad option.
USAGE
}

build=true
for arg in "$@"; do
    case "$arg" in
        --help|-h) usage; exit 0 ;;
        --no-build) build=false ;;
        *) printf 'error: unknown option %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
    esac
done

AGENT=agent/target/selfconnect.jar
DEMO=demo-app/target/demo-app.jar
OUTPUT=$(mktemp -d)
trap 'rm -rf "$OUTPUT"' EXIT
failures=0

section() { printf '\n======== %s ========\n' "$*"; }
ok() { printf '  ok: %s\n' "$*"; }
not_ok() { printf '  NOT OK: %s\n' "$*"; failures=$((failures + 1)); }

# Runs the demo with the given JVM options, shows its output and keeps it in $OUTPUT/$1.
run_demo() {
    local name=$1
    shift
    printf '$ java %s\n' "$*"
    java "$@" 2>&1 | tee "$OUTPUT/$name"
    return "${PIPESTATUS[0]}"
}

section "Checking the machine"
for tool in java mvn; do
    command -v "$tool" >/dev/null || { echo "$tool is not on the PATH: this demo needs a JDK 17+ and Maven"; exit 2; }
done
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${java_major:-0}" -lt 17 ] 2>/dev/null; then
    echo "java is version ${java_major:-unknown}; the demo app needs 17 or newer"
    exit 2
fi
if [ ! -r /proc/sys/net/ipv4/ip_local_port_range ]; then
    echo "/proc/sys/net/ipv4/ip_local_port_range is missing: this demo needs Linux"
    exit 2
fi
echo "java $java_major, $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "ephemeral port range: $(cat /proc/sys/net/ipv4/ip_local_port_range)"

if $build; then
    section "Building the agent and the demo app (mvn package, tests skipped)"
    mvn -q -B -DskipTests -pl agent,demo-app -am package >"$OUTPUT/build" 2>&1
    status=$?
    sed 's/\x1b\[[0-9;]*m//g' "$OUTPUT/build"
    if [ "$status" -ne 0 ]; then
        echo "the build failed (mvn exit $status)"
        exit 1
    fi
    for jar in "$AGENT" "$DEMO"; do
        [ -f "$jar" ] || { echo "the build did not produce $jar"; exit 1; }
    done
    echo "built $AGENT and $DEMO"
else
    for jar in "$AGENT" "$DEMO"; do
        [ -f "$jar" ] || { echo "--no-build: $jar is missing; run ./demo.sh without --no-build"; exit 2; }
    done
    echo "using $AGENT and $DEMO as built (--no-build)"
fi

# A fresh port for each run: even, inside the ephemeral range (where Linux hands out source ports first), not
# reserved, and free at that moment. The demo app says why when it cannot choose one.
choose_port() {
    PORT=$(java -jar "$DEMO" free-port 2>"$OUTPUT/free-port")
    if [ $? -ne 0 ]; then
        sed -n 's/^\(error\|ERROR\): //p' "$OUTPUT/free-port" | head -n 1
        echo "the demo cannot reproduce on this machine as it is set up; see the line above for what to do"
        exit 2
    fi
    echo "target: 127.0.0.1:$PORT, where nothing listens"
}

# When a run did not reproduce, the demo app printed why (its "why:" line); this says what that means here.
explain_not_reproduced() {
    if grep -qx 'NOT-REPRODUCED' "$OUTPUT/$1"; then
        echo "  the run gave up: every attempt was refused; its \"why:\" line above says why and what to do"
    fi
}

section "1/3 Without the agent: the bug"
choose_port
echo "The demo connects to 127.0.0.1:$PORT again and again; \"Connection refused\" means try again."
echo "Sooner or later Linux picks $PORT as the source port too, and the client is connected to itself."
run_demo plain -jar "$DEMO" reproduce --port "$PORT"
status=$?
if [ "$status" -eq 0 ] && grep -qx 'SELF-CONNECTED' "$OUTPUT/plain" \
        && grep -q "local=127.0.0.1:$PORT remote=127.0.0.1:$PORT" "$OUTPUT/plain"; then
    ok "exit 0, SELF-CONNECTED: local and remote address are both 127.0.0.1:$PORT"
else
    not_ok "expected exit 0 and SELF-CONNECTED, got exit $status"
    explain_not_reproduced plain
fi

section "2/3 With the agent, mode=log (the default): it warns"
choose_port
run_demo log "-javaagent:$AGENT" -jar "$DEMO" reproduce --port "$PORT"
status=$?
if [ "$status" -eq 0 ] && grep -q 'WARN.*self-connection' "$OUTPUT/log"; then
    ok "exit 0: the application goes on as before, and the agent wrote a WARN record"
else
    not_ok "expected exit 0 and a WARN record of the agent, got exit $status"
    explain_not_reproduced log
fi

section "3/3 With the agent, mode=throw: the application gets an exception instead"
choose_port
run_demo throw "-javaagent:$AGENT=mode=throw" -jar "$DEMO" reproduce --port "$PORT"
status=$?
if [ "$status" -eq 4 ] && grep -q '^REJECTED: dev.selfconnect.SelfConnectException' "$OUTPUT/throw"; then
    ok "exit 4: the demo's connect threw dev.selfconnect.SelfConnectException, a java.net.ConnectException"
else
    not_ok "expected exit 4 and REJECTED: dev.selfconnect.SelfConnectException, got exit $status"
    explain_not_reproduced throw
fi

section "Result"
if [ "$failures" -eq 0 ]; then
    echo "All three runs behaved as expected."
    echo "More: java -jar $DEMO port-steal   (what a self-connection does to a restarting server)"
    echo "      java -jar $DEMO help"
    exit 0
fi
echo "$failures of the 3 runs did not behave as expected (see NOT OK above)."
exit 1
