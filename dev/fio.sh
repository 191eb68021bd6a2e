#!/usr/bin/env bash
# Fetch fio 3.33-3 from Debian's source archive and build its t/io_uring,
# the benchmark the field quotes, statically. Prints the binary's path.
. "$(dirname "$0")/lib.sh"

VER=3.33-3
DIR=$CACHE/fio
SRC=$DIR/fio-3.33

fetch_deb_source fio "$VER" "$DIR" "$SRC"
if [ ! -e "$SRC/.built" ]; then
	log "building fio $VER t/io_uring (static)"
	(cd "$SRC" && ./configure --build-static --disable-native >/dev/null &&
		make -s -j"$JOBS" t/io_uring >/dev/null)
	touch "$SRC/.built"
fi
echo "$SRC/t/io_uring"
