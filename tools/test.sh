#!/usr/bin/env bash
# The README's test command: provisions the JDKs the tests run the agent on (tools/provision-jdks.sh: fetched once
# from Debian's archive into a cache, quick afterwards), runs `mvn -B verify` with the arguments given, and ends with
# the summary of the tests this build ran: how many passed, failed and were skipped, and why each was skipped.
#
#   tools/test.sh                          # every test (about 15 minutes)
#   tools/test.sh -pl agent -am            # any Maven arguments narrow it
#   tools/test.sh --no-provision ...       # use the JDKs already in the cache; the rest are skipped (or fail, CI=true)
#
# Needs Linux, a JDK 17 or newer as java, Maven, and network to Debian's archive and Maven Central; `unshare -rn` for
# the tests in a network namespace, a Docker daemon for the container tests: without them those tests are skipped
# with the reason. With CI=true nothing may be skipped: a missing JDK, namespace or daemon fails the build.
# Environment: SELFCONNECT_JDKS (the JDK cache, as in tools/provision-jdks.sh), SELFCONNECT_PROVISION=no (as
# --no-provision).
set -uo pipefail

cd "$(dirname "$0")/.."
ci=false
[[ "${CI:-}" == true ]] && ci=true

provision=true
if [[ "${1:-}" == --no-provision ]]; then
    provision=false
    shift
fi
[[ "${SELFCONNECT_PROVISION:-}" == no ]] && provision=false

if [[ $(id -u) == 0 ]]; then
    cache="${SELFCONNECT_JDKS:-/var/cache/selfconnect/jdks}"
else
    cache="${SELFCONNECT_JDKS:-$HOME/.cache/selfconnect/jdks}"
fi

if $provision; then
    echo "==> provisioning the test JDKs into $cache (tools/provision-jdks.sh)"
    if ! SELFCONNECT_JDKS="$cache" bash tools/provision-jdks.sh; then
        $ci && { echo "==> provisioning failed, and CI=true: stopping"; exit 1; }
        echo "==> provisioning failed: the tests on the JDKs it could not provide are skipped, each saying why"
    fi
else
    echo "==> not provisioning: the JDKs in $cache, where there are any; the tests on others are skipped"
fi

# The agent's unit tests run again on JDK 25 where the file this build reads names one: its profiles are activated
# by the default files' existence, which says nothing of the file used here.
if grep -q '^test\.jdk25=.' "$cache/jdks.properties" 2>/dev/null; then
    jdk25_profiles=-Punit-tests-on-jdk25,!unit-tests-on-jdk25-of-root
else
    jdk25_profiles=-P!unit-tests-on-jdk25,!unit-tests-on-jdk25-of-root
    echo "==> no JDK 25 in $cache/jdks.properties: the agent's unit tests run on the build's JDK only"
fi

since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# The build's own JDK always runs its tests; the file names the others (where it is missing, so are they).
mvn -B verify "-Dselfconnect.jdks.file=$cache/jdks.properties" "$jdk25_profiles" "$@"
status=$?
echo
java .ci/TestSummary.java . "$since"
exit $status
