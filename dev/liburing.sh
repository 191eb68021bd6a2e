#!/usr/bin/env bash
# Fetch liburing 2.9-1 from Debian's source archive and build its test suite
# statically. Prints the directory holding the *.t test binaries.
. "$(dirname "$0")/lib.sh"

VER=2.9-1
DIR=$CACHE/liburing
SRC=$DIR/liburing-2.9

fetch_deb_source liburing "$VER" "$DIR" "$SRC"
if [ ! -e "$SRC/.built" ]; then
	log "building liburing $VER tests (static)"
	(cd "$SRC" && ./configure --prefix=/usr >/dev/null &&
		make -s -j"$JOBS" library >/dev/null &&
		make -s -j"$JOBS" -C test LDFLAGS=-static all >/dev/null 2>&1)
	touch "$SRC/.built"
fi
echo "$SRC/test"
