#!/usr/bin/env bash
# Provisions the JDKs the tests run the agent on (8, 11, 17, 21, 25) into a private cache and writes
# jdks.properties there, which the build reads. Debian's own builds: openjdk-8 from sid, openjdk-11 from bullseye,
# openjdk-21 from trixie, fetched with apt-get download through a private sources list and lists directory and
# unpacked with dpkg-deb -x: nothing of the system's packages, sources or caches is touched. JDK 17 and 25 are taken
# from the machine (/usr/lib/jvm, found by the version they report), else fetched the same way (17 from bookworm, 25
# from trixie). Needs network to the Debian archive the first time; later runs use the cache.
#
#   tools/provision-jdks.sh            # fetch what is missing (quick when cached), print the JDKs, write the file
#   tools/provision-jdks.sh --check    # only check the cache and write the file; fetch nothing
#
# Environment: SELFCONNECT_JDKS (the cache, default $HOME/.cache/selfconnect/jdks, as root
# /var/cache/selfconnect/jdks); SELFCONNECT_DEBIAN_MIRROR (the
# Debian archive URI; default: the one this machine's apt sources use for Debian).
#
# JDK 8 and 21 need a newer glibc than Debian 12's 2.36. Both are run by trixie's own dynamic loader with trixie's
# libc6, libgcc-s1, libstdc++6 and zlib1g: each of the JDK's ELF programs is patched (patchelf, also unpacked from
# Debian) to name that loader as its interpreter and those libraries as its search path, so bin/java of these homes
# runs like any other java: no wrapper, no namespace, /proc/self/exe is the JDK's own launcher.
set -euo pipefail

# As root the cache goes where every user can read it: tests run JVMs as other users too.
if [[ $(id -u) == 0 ]]; then
    DEFAULT_CACHE=/var/cache/selfconnect/jdks
else
    DEFAULT_CACHE="$HOME/.cache/selfconnect/jdks"
fi
CACHE="${SELFCONNECT_JDKS:-$DEFAULT_CACHE}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
CHECK_ONLY=false
# Raised whenever the way a JDK is laid out here changes, so that an older cache is redone.
LAYOUT=2
[[ "${1:-}" == "--check" ]] && CHECK_ONLY=true

log() { echo "[jdks] $*" >&2; }
die() { echo "[jdks] ERROR $*" >&2; exit 1; }

mirror() {
    if [[ -n "${SELFCONNECT_DEBIAN_MIRROR:-}" ]]; then echo "$SELFCONNECT_DEBIAN_MIRROR"; return; fi
    local uri
    uri=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n';
            cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
              | sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p') \
           | grep -E '/debian/?$' | head -n 1)
    [[ -n "$uri" ]] || die "no Debian archive in /etc/apt/sources.list*: set SELFCONNECT_DEBIAN_MIRROR"
    echo "${uri%/}"
}

# One JDK per line: name, suite, packages, extra runtime libraries needed (from trixie).
JDK_PACKAGES=(
    "8|sid|openjdk-8-jre-headless openjdk-8-jdk-headless|yes"
    "11|bullseye|openjdk-11-jre-headless openjdk-11-jdk-headless|no"
    "21|trixie|openjdk-21-jre-headless openjdk-21-jdk-headless|yes"
)
# Fetched only where the machine has no such JDK in /usr/lib/jvm.
FALLBACK_PACKAGES=(
    "17|bookworm|openjdk-17-jre-headless openjdk-17-jdk-headless|no"
    "25|trixie|openjdk-25-jre-headless openjdk-25-jdk-headless|yes"
)
LIBC_PACKAGES="libc6 libgcc-s1 libstdc++6 zlib1g"

APT=()
apt_setup() {
    local uri suite; uri=$(mirror)
    mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial" "$CACHE/debs"
    {
        for suite in sid bullseye trixie bookworm; do
            echo "deb [signed-by=$KEYRING] $uri $suite main"
        done
    } > "$CACHE/apt/sources.list"
    APT=(-q -o "Dir::Etc::sourcelist=$CACHE/apt/sources.list" -o Dir::Etc::sourceparts=/dev/null
         -o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt/cache"
         -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Acquire::Languages=none
         -o APT::Get::List-Cleanup=false -o Debug::NoLocking=true -o APT::Sandbox::User=root)
    if [[ -z "$(find "$CACHE/apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]]; then
        log "apt-get update (private lists in $CACHE/apt, mirror $uri)"
        apt-get "${APT[@]}" update >/dev/null || die "apt-get update with the private sources list failed"
    fi
}

# download SUITE PACKAGE... : the .deb files into $CACHE/debs, printing their paths
download() {
    local suite=$1; shift
    local pkg file
    for pkg in "$@"; do
        file=$(ls "$CACHE/debs/${pkg}_"*"_${suite}.deb" 2>/dev/null | head -n 1 || true)
        if [[ -z "$file" ]]; then
            [[ ${#APT[@]} -gt 0 ]] || apt_setup
            local tmp; tmp=$(mktemp -d "$CACHE/debs/dl.XXXXXX")
            (cd "$tmp" && apt-get "${APT[@]}" download "$pkg/$suite" >/dev/null) \
                || die "apt-get download $pkg/$suite failed"
            local got; got=$(ls "$tmp"/*.deb)
            file="$CACHE/debs/$(basename "${got%.deb}")_${suite}.deb"
            mv "$got" "$file"
            rmdir "$tmp"
        fi
        echo "$file"
    done
}

extract() { # extract DIR DEB...
    local dir=$1; shift
    local deb
    for deb in "$@"; do dpkg-deb -x "$deb" "$dir"; done
}

patchelf_bin() {
    local dir="$CACHE/patchelf"
    if [[ ! -x "$dir/usr/bin/patchelf" ]]; then
        rm -rf "$dir"; mkdir -p "$dir"
        local debs; debs=$(download bookworm patchelf)
        extract "$dir" $debs
    fi
    echo "$dir/usr/bin/patchelf"
}

# Points the JDK's /etc/java-N-openjdk links (security, management, ...) into the extracted tree. cacerts stays a link
# to the system's /etc/ssl/certs/java/cacerts, as in an installed Debian JDK.
fix_etc_links() {
    local root=$1 link target
    while IFS= read -r link; do
        target=$(readlink "$link")
        if [[ "$target" == /etc/java-* ]]; then
            ln -sfn "$root$target" "$link"
        fi
    done < <(find "$root/usr/lib/jvm" -type l)
}

# Makes every ELF program and library of the JDK use trixie's loader and libraries.
relink() {
    local root=$1 libc=$2 patchelf file
    patchelf=$(patchelf_bin)
    local loader="$libc/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
    [[ -e "$loader" ]] || loader="$libc/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
    local libs="$libc/usr/lib/x86_64-linux-gnu:$libc/lib/x86_64-linux-gnu"
    while IFS= read -r file; do
        head -c 4 "$file" | grep -q $'\x7fELF' || continue
        if "$patchelf" --print-interpreter "$file" >/dev/null 2>&1; then
            "$patchelf" --set-interpreter "$loader" "$file"
        fi
        local own; own=$("$patchelf" --print-rpath "$file")
        "$patchelf" --force-rpath --set-rpath "${own:+$own:}$libs" "$file"
    done < <(find "$root/usr/lib/jvm" -type f \( -perm -u+x -o -name '*.so' \))
}

provision() { # provision NAME SUITE PACKAGES NEEDS_LIBC
    local name=$1 suite=$2 packages=$3 libc=$4
    local dir="$CACHE/jdk$name"
    if [[ "$(cat "$dir/.complete" 2>/dev/null)" == "$LAYOUT" ]]; then return; fi
    $CHECK_ONLY && die "JDK $name is not provisioned in $dir (run tools/provision-jdks.sh)"
    log "JDK $name: fetching $packages from $suite"
    rm -rf "$dir"; mkdir -p "$dir/root"
    local debs
    # shellcheck disable=SC2086
    debs=$(download "$suite" $packages)
    # shellcheck disable=SC2086
    extract "$dir/root" $debs
    fix_etc_links "$dir/root"
    if [[ "$libc" == yes ]]; then
        if [[ ! -f "$CACHE/libc-trixie/.complete" ]]; then
            rm -rf "$CACHE/libc-trixie"; mkdir -p "$CACHE/libc-trixie"
            # shellcheck disable=SC2086
            debs=$(download trixie $LIBC_PACKAGES)
            # shellcheck disable=SC2086
            extract "$CACHE/libc-trixie" $debs
            touch "$CACHE/libc-trixie/.complete"
        fi
        relink "$dir/root" "$CACHE/libc-trixie"
    fi
    local home; home=$(ls -d "$dir/root/usr/lib/jvm/"*/ | head -n 1)
    ln -sfn "${home%/}" "$dir/home"
    "$dir/home/bin/java" -version >/dev/null 2>&1 || { "$dir/home/bin/java" -version; die "JDK $name does not run"; }
    echo "$LAYOUT" > "$dir/.complete"
}

# The system's JDK of this feature version, if any.
system_jdk() {
    local version=$1 home v
    for home in /usr/lib/jvm/*/; do
        home=${home%/}
        [[ -L "$home" ]] && continue
        [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || continue
        v=$(java_version "$home")
        [[ "$v" == "$version" || "$v" == "$version".* ]] && { echo "$home"; return; }
    done
}

java_version() { # the java.version the home reports
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p'
}

mkdir -p "$CACHE"
declare -A HOMES
for line in "${JDK_PACKAGES[@]}"; do
    IFS='|' read -r name suite packages libc <<<"$line"
    provision "$name" "$suite" "$packages" "$libc"
    HOMES[$name]=$(readlink -f "$CACHE/jdk$name/home")
done
for line in "${FALLBACK_PACKAGES[@]}"; do
    IFS='|' read -r name suite packages libc <<<"$line"
    home=$(system_jdk "$name")
    if [[ -z "$home" ]]; then
        log "JDK $name: none in /usr/lib/jvm, taking Debian's"
        provision "$name" "$suite" "$packages" "$libc"
        home=$(readlink -f "$CACHE/jdk$name/home")
    fi
    HOMES[$name]=$home
done

properties="$CACHE/jdks.properties"
{
    echo "# Written by tools/provision-jdks.sh: the JDK homes the tests run the agent on."
    for name in 8 11 17 21 25; do
        echo "test.jdk$name=${HOMES[$name]}"
    done
} > "$properties.tmp"
mv "$properties.tmp" "$properties"
for name in 8 11 17 21 25; do
    log "JDK $name: $(java_version "${HOMES[$name]}") $("${HOMES[$name]}/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.vm\.vendor = //p') at ${HOMES[$name]}"
done
log "wrote $properties"
