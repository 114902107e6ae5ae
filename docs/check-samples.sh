#!/usr/bin/env bash
# Every sample output in README.md and docs/*.md comes from a real run of the current code.
#
#   docs/check-samples.sh            check: each marked sample matches a fresh run (numbers may differ)
#   docs/check-samples.sh --update   rewrite each marked sample that differs (beyond numbers) from a fresh run
#
# A sample is the fenced block right after a line "<!-- sample: NAME -->"; sample_NAME below makes it. A check
# compares line by line after turning every number into N (ports, pids, times, attempt counts and versions differ
# from run to run) and the JDK's directory into JDK. Needs what demo.sh needs (Linux, JDK 17+, Maven); builds the
# agent and the demo app first unless --no-build is given. Exits 0 when all samples match, 1 when one does not.
set -uo pipefail
cd "$(dirname "$0")/.."

AGENT=agent/target/selfconnect.jar
DEMO=demo-app/target/demo-app.jar
WORK=/tmp/selfconnect-samples
update=false
build=true
for argument in "$@"; do
    case "$argument" in
        --update) update=true ;;
        --no-build) build=false ;;
        *) echo "usage: docs/check-samples.sh [--update] [--no-build]"; exit 2 ;;
    esac
done

if $build; then
    mvn -q -B -DskipTests -pl agent,demo-app -am package || { echo "the build failed"; exit 1; }
fi
rm -rf "$WORK"
mkdir -p "$WORK/made"

# A free port of the ephemeral range, chosen as the demo chooses it (given with --port, so that the run itself
# binds no probe socket).
port() { java -jar "$DEMO" free-port; }
# Application frames out: they are the same in every sample, and the docs show them where they explain something.
no_frames() { grep -v $'^\tat '; }
show() { printf '$ %s\n' "$*"; }

sample_startup() {
    java "-javaagent:$AGENT" -jar "$DEMO" help 2>&1 >/dev/null
}

sample_version() {
    show java -jar selfconnect.jar --version
    java -jar "$AGENT" --version
    show java -javaagent:selfconnect.jar -jar app.jar
    java "-javaagent:$AGENT" -jar "$DEMO" help 2>&1 >/dev/null
}

sample_bad_setting() {
    show java -javaagent:selfconnect.jar=mode=banana -jar app.jar
    java "-javaagent:$AGENT=mode=banana" -jar "$DEMO" help 2>&1 >/dev/null
    echo "(exit status $?)"
}

sample_bad_audit_file() {
    java "-javaagent:$AGENT=audit.file=/no/such/dir/events.jsonl" -jar "$DEMO" help 2>&1 >/dev/null
}

sample_log_mode() {
    local p
    p=$(port)
    show java -javaagent:selfconnect.jar -jar demo-app.jar reproduce --port "$p"
    java "-javaagent:$AGENT" -jar "$DEMO" reproduce --port "$p" 2>&1 | no_frames
}

sample_log_mode_frames() {
    java "-javaagent:$AGENT" -jar "$DEMO" reproduce --port "$(port)" 2>&1 | grep -A6 '^\[selfconnect\] WARN'
}

sample_throw_mode() {
    local p
    p=$(port)
    show java -javaagent:selfconnect.jar=mode=throw -jar demo-app.jar reproduce --port "$p"
    java "-javaagent:$AGENT=mode=throw" -jar "$DEMO" reproduce --port "$p" 2>&1 | no_frames
}

sample_listen_risk() {
    show java -javaagent:selfconnect.jar -jar demo-app.jar serve --for 1
    java "-javaagent:$AGENT" -jar "$DEMO" serve --for 1 2>&1
}

sample_audit_file() {
    java "-javaagent:$AGENT=audit.file=$WORK/events.jsonl" -jar "$DEMO" reproduce --port "$(port)" >/dev/null 2>&1
    show cat "$WORK/events.jsonl"
    cat "$WORK/events.jsonl"
}

sample_jfr() {
    java "-javaagent:$AGENT" "-XX:StartFlightRecording=filename=$WORK/app.jfr,dumponexit=true" \
        -jar "$DEMO" reproduce --port "$(port)" >/dev/null 2>&1
    show jfr print --events dev.selfconnect.SelfConnection,dev.selfconnect.RiskFinding "$WORK/app.jfr"
    jfr print --events dev.selfconnect.SelfConnection,dev.selfconnect.RiskFinding "$WORK/app.jfr" \
        | sed '/^  stackTrace = \[/,/^  \]/d'
}

sample_attach() {
    java -jar "$DEMO" serve --for 300 >"$WORK/target.out" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do grep -q LISTENING "$WORK/target.out" && break; sleep 0.1; done
    show java -jar selfconnect.jar attach "$pid" mode=throw
    java -jar "$AGENT" attach "$pid" mode=throw
    show java -jar selfconnect.jar status "$pid"
    java -jar "$AGENT" status "$pid"
    show java -jar selfconnect.jar detach "$pid"
    java -jar "$AGENT" detach "$pid"
    kill "$pid"
    wait "$pid" 2>/dev/null
    echo "# what the target JVM printed meanwhile:"
    cat "$WORK/target.out"
}

sample_attach_audit() {
    java -jar "$DEMO" serve --for 300 >"$WORK/target.out" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do grep -q LISTENING "$WORK/target.out" && break; sleep 0.1; done
    show java -jar selfconnect.jar attach "$pid"
    java -jar "$AGENT" attach "$pid"
    show java -jar selfconnect.jar status "$pid"
    java -jar "$AGENT" status "$pid"
    kill "$pid"
    wait "$pid" 2>/dev/null
    echo "# what the target JVM printed meanwhile:"
    cat "$WORK/target.out"
}

docs=(README.md docs/*.md)
names=$(sed -n 's/^<!-- sample: \([a-z0-9-]*\) -->$/\1/p' "${docs[@]}" | sort -u)
for name in $names; do
    function="sample_${name//-/_}"
    if ! declare -F "$function" >/dev/null; then
        echo "no $function in $0 for the sample '$name'"
        exit 1
    fi
    "$function" | sed 's/\x1b\[[0-9;]*m//g' >"$WORK/made/$name"
done

normalize() { sed -E 's#/usr/lib/jvm/[^ )]*#JDK#g; s/[0-9]+/N/g; s/N(\.N)+/N/g; s/-SNAPSHOT//g' "$1"; }

# Extracts each doc's samples ($WORK/doc/DOC.NAME) or writes the doc with them replaced ($WORK/repl/DOC.NAME).
blocks() {
    awk -v extracted="$WORK/doc" -v replacements="$WORK/repl" -v doc="$(basename "$1")" -v update="$2" '
        state == 0 && /^<!-- sample: [a-z0-9-]+ -->$/ { name = $3; print; state = 1; next }
        state == 1 && /^```/ {
            print; state = 2
            if (update == "true") {
                file = replacements "/" doc "." name
                while ((getline line < file) > 0) print line
                close(file)
            } else {
                out = extracted "/" doc "." name; printf "" > out
            }
            next
        }
        state == 1 { print "sample marker for " name " is not followed by a fenced block" > "/dev/stderr"; exit 3 }
        state == 2 && /^```/ { if (update != "true") close(out); print; state = 0; next }
        state == 2 { if (update != "true") print > out; next }
        { print }
    ' "$1"
}

mismatches=0
mkdir -p "$WORK/doc" "$WORK/repl"
for doc in "${docs[@]}"; do
    blocks "$doc" false >/dev/null || exit 1
    for block in "$WORK/doc/$(basename "$doc")".*; do
        [ -e "$block" ] || continue
        name=${block##*.}
        if diff <(normalize "$block") <(normalize "$WORK/made/$name") >"$WORK/diff"; then
            cp "$block" "$WORK/repl/$(basename "$block")"    # the same but for numbers: left as it is
            continue
        fi
        mismatches=$((mismatches + 1))
        if $update; then
            cp "$WORK/made/$name" "$WORK/repl/$(basename "$block")"
        else
            echo "MISMATCH $doc, sample '$name' (< doc, > this run, numbers as N):"
            cat "$WORK/diff"
        fi
    done
    if $update; then
        blocks "$doc" true >"$WORK/rewritten" || exit 1
        cmp -s "$WORK/rewritten" "$doc" || { cp "$WORK/rewritten" "$doc"; echo "updated $doc"; }
    fi
done
if $update; then
    echo "$mismatches sample(s) rewritten; the others differed in numbers only and were left as they are"
    exit 0
fi
if [ "$mismatches" -gt 0 ]; then
    echo "$mismatches sample(s) differ from what the current code prints; docs/check-samples.sh --update rewrites them"
    exit 1
fi
echo "all $(echo "$names" | wc -w) samples match a run of the current code"
