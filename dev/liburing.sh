#!/usr/bin/env bash
# Fetch liburing 2.9-1 from Debian's source archive and build its test suite
# statically. Prints the directory holding the *.t test binaries.
. "$(dirname "$0")/lib.sh"

VER=2.9-1
DIR=$CACHE/liburing
SRC=$DIR/liburing-2.9

# deb-src entries for bookworm and trixie, derived from the machine's own
# Debian archive URI (never a hard-coded host).
add_deb_src() {
	local list=/etc/apt/sources.list.d/uring-dev-src.sources uri
	[ -e "$list" ] && return 0
	uri=$(grep -rhoE '^(URIs:\s*|deb\s+(\[[^]]*\]\s+)?)\S+' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '{print $NF}' | grep -v security | grep -m1 '/debian/\?$' || true)
	[ -n "$uri" ] || { log "no Debian archive URI in the apt sources"; exit 1; }
	log "adding deb-src for bookworm and trixie from $uri"
	cat > "$list" <<EOT
Types: deb-src
URIs: $uri
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	apt-get update -qq
}

if [ ! -e "$SRC/.fetched" ]; then
	add_deb_src
	mkdir -p "$DIR"
	(cd "$DIR" && apt-get source -qq --download-only "liburing=$VER" >/dev/null &&
		rm -rf "$SRC" && dpkg-source -x --no-check liburing_*.dsc "$SRC" >/dev/null)
	touch "$SRC/.fetched"
fi
if [ ! -e "$SRC/.built" ]; then
	log "building liburing $VER tests (static)"
	(cd "$SRC" && ./configure --prefix=/usr >/dev/null &&
		make -s -j"$JOBS" library >/dev/null &&
		make -s -j"$JOBS" -C test LDFLAGS=-static all >/dev/null 2>&1)
	touch "$SRC/.built"
fi
echo "$SRC/test"
