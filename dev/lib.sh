# Shared settings for the dev scripts; sourced, never run.
# Everything big lives under $CACHE, outside the repo, and is reused when present.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${URING_CACHE:-$HOME/.cache/uring}
IMPL=${IMPL:-ours}
DEBUG=${DEBUG:-0}
CFG=fast
[ "$DEBUG" = 1 ] && CFG=debug
BASE=$CACHE/linux-source-6.12
# The newer reference (IMPL=upstream-7.2): Debian's linux 7.2.x from sid.
BASE72=$CACHE/linux-7.2
BUILD=$CACHE/build/$IMPL-$CFG
OUT=$REPO/out
JOBS=${JOBS:-$(nproc)}

# Paths of the original io_uring that our overlay replaces.
URING_PATHS="io_uring include/linux/io_uring.h include/linux/io_uring_types.h
include/linux/io_uring include/trace/events/io_uring.h"

case $IMPL in ours|upstream|upstream-7.2) ;;
*) echo "IMPL must be ours, upstream or upstream-7.2" >&2; exit 2;; esac

log() { printf '==> %s\n' "$*" >&2; }

# The source tree a build of $IMPL uses.
src_tree() {
	case $IMPL in
	upstream) echo "$BASE";;
	upstream-7.2) echo "$BASE72";;
	*) echo "$CACHE/src-ours";;
	esac
}

# bench_workloads DEST: build dev/bench's workloads (static, with liburing
# 2.9) into DEST, for make bench and make profile, with fio's t/io_uring
# as DEST/fio-io_uring.
bench_workloads() {
	local dest=$1 lib fio c
	log "building the benchmark workloads"
	lib=$("$REPO/dev/liburing.sh" 2.9 | tail -n1)
	fio=$("$REPO/dev/fio.sh" | tail -n1)
	rm -rf "$dest"
	mkdir -p "$dest"
	for c in "$REPO"/dev/bench/*.c; do
		gcc -O2 -Wall -static -I"$lib/../src/include" -I"$REPO/dev/bench" \
			-o "$dest/$(basename "$c" .c)" "$c" "$lib/../src/liburing.a" -lpthread
	done
	cp "$fio" "$dest/fio-io_uring"
}

# deb-src entries for bookworm and trixie (liburing 2.9, fio) and for
# forky and sid (liburing 2.15, linux 7.2), derived from the machine's own
# Debian archive URI (never a hard-coded host). Rewritten when the suites
# it names change.
DEB_SRC_SUITES="bookworm trixie forky sid"
add_deb_src() {
	local list=/etc/apt/sources.list.d/uring-dev-src.sources uri
	grep -qxF "Suites: $DEB_SRC_SUITES" "$list" 2>/dev/null && return 0
	uri=$(grep -rhoE '^(URIs:\s*|deb\s+(\[[^]]*\]\s+)?)\S+' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '{print $NF}' | grep -v security | grep -m1 '/debian/\?$' || true)
	[ -n "$uri" ] || { log "no Debian archive URI in the apt sources"; exit 1; }
	log "adding deb-src for $DEB_SRC_SUITES from $uri"
	cat > "$list" <<EOT
Types: deb-src
URIs: $uri
Suites: $DEB_SRC_SUITES
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	apt-get update -qq
}

# fetch_deb_source PACKAGE VERSION DIR SRC: Debian's source package of that
# version, downloaded into DIR and unpacked into SRC, once (SRC/.fetched
# holds the version). Returns non-zero if the archive does not serve it.
fetch_deb_source() {
	local pkg=$1 ver=$2 dir=$3 src=$4
	[ -e "$src/.fetched" ] && return 0
	add_deb_src
	mkdir -p "$dir"
	(cd "$dir" && apt-get source -qq --download-only "$pkg=$ver" >/dev/null &&
		rm -rf "$src" && dpkg-source -x --no-check "${pkg}_$ver.dsc" "$src" >/dev/null) ||
		return 1
	echo "$ver" > "$src/.fetched"
}
