#!/usr/bin/env bash
# Build liburing 2.9 (the source dev/liburing.sh fetched) a second time as
# 32-bit x86 code (gcc -m32, static), and the tests of TESTS32 with it: they
# exercise the kernel's compat paths (msghdr, iovec, sigset, siginfo and
# cpumask layouts of 32-bit programs). Prints the directory holding their
# *.t binaries, and only those.
. "$(dirname "$0")/lib.sh"

# Tests of liburing 2.9's test/ that read or write user structs whose
# layout differs for 32-bit programs, or that cover the ring's basics.
TESTS32="accept bind-listen connect recv-msgall recv-msgall-stream
recv-multishot recvsend_bundle send_recv send_recvmsg shutdown socket
socket-getsetsock-cmd socket-io-cmd socket-rw
buf-ring file-register file-update fixed-buf-iter fixed-link read-mshot
read-write regbuf-clone ringbuf-read rsrc_tags rw_merge_test
link-timeout min-timeout submit-and-wait timeout timeout-new wait-timeout
files-exit-hang-poll files-exit-hang-timeout io_uring_enter io_uring_register
io_uring_setup probe register-restrictions
eventfd eventfd-reg futex msg-ring nop sigfd-deadlock sq-poll-kthread
sqpoll-sleep statx waitid"

DIR=$CACHE/liburing
SRC32=$DIR/liburing-2.9-m32
OUT32=$DIR/test32

"$REPO/dev/liburing.sh" 2.9 >/dev/null
if [ ! -e "$SRC32/.configured" ]; then
	log "building liburing 2.9 tests, 32-bit (static)"
	rm -rf "$SRC32"
	(cd "$DIR" && dpkg-source -x --no-check liburing_*.dsc "$SRC32" >/dev/null)
	(cd "$SRC32" && ./configure --prefix=/usr --cc="gcc -m32" \
		--cxx="g++ -m32" >/dev/null)
	touch "$SRC32/.configured"
fi
# make is incremental: a no-op once built, and a test added to TESTS32
# is built on the next run.
targets=
for t in $TESTS32; do
	targets="$targets $t.t"
done
# shellcheck disable=SC2086
(cd "$SRC32" && make -s -j"$JOBS" library >/dev/null &&
	make -s -j"$JOBS" -C test LDFLAGS=-static $targets >/dev/null 2>&1) || {
	log "32-bit liburing build failed (is gcc-multilib installed?)"
	exit 1
}
rm -rf "$OUT32"
mkdir -p "$OUT32"
for t in $TESTS32; do
	cp -l "$SRC32/test/$t.t" "$OUT32/"
done
echo "$OUT32"
