#!/usr/bin/env bash
# liburing.sh [2.9|2.15]: fetch that liburing from Debian's source archive
# (2.9-1 from bookworm/trixie, 2.15-1 from forky/sid) and build its test
# suite statically. Prints the directory holding the *.t test binaries.
. "$(dirname "$0")/lib.sh"

case ${1:-2.9} in
2.9) VER=2.9-1 DIR=$CACHE/liburing ;;
2.15) VER=2.15-1 DIR=$CACHE/liburing215 ;;
*) echo "liburing.sh: version 2.9 or 2.15" >&2; exit 2 ;;
esac
SRC=$DIR/liburing-${VER%-*}

fetch_deb_source liburing "$VER" "$DIR" "$SRC"
if [ ! -e "$SRC/.built" ]; then
	log "building liburing $VER tests (static)"
	(cd "$SRC" && ./configure --prefix=/usr >/dev/null &&
		make -s -j"$JOBS" library >/dev/null &&
		make -s -j"$JOBS" -C test LDFLAGS=-static all >/dev/null 2>&1)
	touch "$SRC/.built"
fi
echo "$SRC/test"
