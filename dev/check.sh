#!/usr/bin/env bash
# check.sh [check|demo|shell]: build the $IMPL/$DEBUG kernel and the tests,
# boot them under QEMU and, for check, judge the results against
# dev/expectations.txt. Results land in out/results-$IMPL-$CFG.txt.
. "$(dirname "$0")/lib.sh"
# The body is one compound command, read whole before it runs: editing
# this file during a run cannot change the run.
{
mode=${1:-check}
if [ "${FAULT:-0}" = 1 ] && [ "$DEBUG" != 1 ]; then
	echo "FAULT=1 needs DEBUG=1 (fault injection is in the debug config)" >&2
	exit 2
fi

"$REPO/dev/deps.sh"
kernel=$("$REPO/dev/kernel.sh" | tail -n1)
src=$(src_tree)
share=$CACHE/run/$IMPL-$CFG
rm -rf "$share"
mkdir -p "$share/bin" "$share/out"

# Static test binaries, reached by the guest over 9p.
log "building tests"
make -s -C "$src" O="$BUILD" headers >/dev/null
hdr="-isystem $BUILD/usr/include -I$src/tools/testing/selftests"
cc_static() { gcc -O2 -Wall -static $hdr "$@"; }
cp "$REPO/dev/guest/run-tests" "$share/bin/"
shopt -s nullglob
lib=$("$REPO/dev/liburing.sh" 2.9 | tail -n1)
cc_static -I"$lib/../src/include" -o "$share/bin/uring-demo" \
	"$REPO/dev/guest/demo.c" "$lib/../src/liburing.a"
mkdir -p "$share/bin/liburing" "$share/bin/selftests"
cp -l "$lib"/*.t "$share/bin/liburing/"
# The newer judge, liburing 2.15's suite, as the suite liburing215.
lib215=$("$REPO/dev/liburing.sh" 2.15 | tail -n1)
mkdir -p "$share/bin/liburing215"
cp -l "$lib215"/*.t "$share/bin/liburing215/"
# A subset built as 32-bit programs (dev/liburing32.sh): the compat paths.
lib32=$("$REPO/dev/liburing32.sh" | tail -n1)
mkdir -p "$share/bin/liburing32"
cp -l "$lib32"/*.t "$share/bin/liburing32/"
# The selftests' helpers are built once and linked into each of them.
kst=$REPO/tools/testing/selftests/io_uring
gcc -O2 -Wall $hdr -c -o "$share/uring_helpers.o" "$kst/uring_helpers.c"
for t in "$kst"/*.c; do
	[ "$t" = "$kst/uring_helpers.c" ] && continue
	cc_static -o "$share/bin/selftests/$(basename "$t" .c)" "$t" \
		"$share/uring_helpers.o" -lpthread
done
cc_static -o "$share/bin/uring-fuzz" "$REPO/dev/fuzz/uring-fuzz.c" -lpthread
# FAULT=1: where io_uring's code is, for the guest's stacktrace filter.
[ "${FAULT:-0}" = 1 ] && python3 "$REPO/dev/fault-range.py" "$BUILD" > "$share/fault.conf"

if [ "$mode" != check ]; then
	"$REPO/dev/qemu.sh" "$kernel" "$mode" "$share" 900
	exit
fi

# One line per test: suite name timeout command. Debug kernels under TCG are
# several times slower, so they get a longer per-test limit. A test that is
# expected to fail (often by hanging) gets half the time: that is still more
# than any test needs on the reference kernel, so an unexpected pass shows.
limit=60
[ "$DEBUG" = 1 ] && limit=240
# Under fault injection a test whose peer thread failed may wait for ever:
# a time-out is then FAULTED like any other failure, so it is cut shorter.
[ "${FAULT:-0}" = 1 ] && limit=120
# (Only the entries of this config: a [debug] one must not halve a fast
# run's limit.)
xfails=$(grep -v '^\s*#' "$REPO/dev/expectations.txt" |
	awk -v dbg="${DEBUG:-0}" 'NF && $2 != "[flaky]" &&
		!($2 == "[debug]" && dbg != 1) && !($2 == "[fast]" && dbg == 1) {
		print $1 }')
[ "$IMPL" = ours ] || xfails=
dev_tests="cmd-discard d4ae271dfaae defer-taskrun defer-tw-timeout fadvise
	fdinfo file-verify fixed-hugepage fsnotify iopoll-leak iopoll-overflow
	iopoll madvise open-close openat2 poll-v-poll read-write ringbuf-read
	sq-poll-dup sq-poll-share sqwait statx submit-reuse thread-exit"
# 2.15 adds one test that takes a device (fixed-seg) and one more for the
# NVMe char device (sqe-mixed-uring_cmd).
dev_tests215="$dev_tests fixed-seg"
ng_tests215="io_uring_passthrough sqe-mixed-uring_cmd"
declare -A dev_path=([nvme]=uring-nvme [nullb]=nullb0)
test_line() {
	local t=$limit
	echo "$xfails" | grep -qxF "$1/$2" && t=$((limit / 2))
	echo "$1 $2 $t $3"
}
# suite_lines SUITE DEVICE_TESTS NG_TESTS: a liburing suite's tests, then
# those that take a device (liburing's TEST_FILES) once more on the raw
# NVMe namespace and on null_blk, and the passthrough ones on the NVMe
# char device.
suite_lines() {
	local s=$1 t d
	for t in "$share/bin/$s"/*.t; do
		test_line "$s" "$(basename "$t" .t)" "/host/bin/$s/$(basename "$t")"
	done
	for t in $2; do
		for d in nvme nullb; do
			test_line "$s" "$t@$d" "/host/bin/$s/$t.t /dev/${dev_path[$d]}"
		done
	done
	for t in $3; do
		test_line "$s" "$t@ng" "/host/bin/$s/$t.t /dev/uring-ng"
	done
}
{
	suite_lines liburing "$dev_tests" io_uring_passthrough
	suite_lines liburing32 "" ""
	# liburing 2.15, after 2.9, the same way.
	suite_lines liburing215 "$dev_tests215" "$ng_tests215"
	# The selftests that take a block device (dio, security, lsm_smack)
	# find it in the environment; run-tests word-splits the command and
	# execs it without a shell, so env(1) sets the variable.
	for t in "$share"/bin/selftests/*; do
		test_line selftests "$(basename "$t")" \
			"env IO_URING_TEST_BLKDEV=/dev/uring-nvme /host/bin/selftests/$(basename "$t")"
	done
	# A short seeded fuzzing round (make fuzz runs longer ones): half as
	# root, half as nobody, then the io-wq/SQPOLL threads and requests
	# must be gone (-C). Its own time limit covers the fuzzer's grace
	# periods.
	fz=50
	echo "fuzz short $((fz + limit + 40)) /host/bin/uring-fuzz -s 1 -t $fz -U -C"
} > "$share/tests.list"
# Our tree must stay checkpatch --strict and kernel-doc clean: two
# pseudo-tests, judged with the rest.
if [ "$IMPL" = ours ]; then
	echo "lint checkpatch 0 -" >> "$share/tests.list"
	echo "lint kernel-doc 0 -" >> "$share/tests.list"
fi
# TESTS=regex: run only the matching suite/name lines (a development aid).
if [ -n "${TESTS:-}" ]; then
	awk -v re="$TESTS" '($1 "/" $2) ~ re' "$share/tests.list" > "$share/tests.tmp"
	mv "$share/tests.tmp" "$share/tests.list"
fi
# REPEAT=N: each test N times, as NAME.1 ... NAME.N (hunting a flaky test).
if [ "${REPEAT:-1}" -gt 1 ]; then
	awk -v n="$REPEAT" '$1 == "lint" { print; next }
		{ for (i = 1; i <= n; i++) {
		l = $0; sub(/^[^ ]+ [^ ]+/, $1 " " $2 "." i, l); print l } }' \
		"$share/tests.list" > "$share/tests.tmp"
	mv "$share/tests.tmp" "$share/tests.list"
fi
: > "$share/lint-raw.txt"
if grep -q '^lint ' "$share/tests.list"; then
	"$REPO/dev/lint.sh" "$share/lint-raw.txt" || true
	sed -i '/^lint /d' "$share/tests.list"
	grep -o 'lint/[a-z-]*' "$share/lint-raw.txt" | tr '/' ' ' |
		sed 's/$/ 0 -/' > "$share/lint.list"
fi
# The tests of the LSM hooks (selftests/lsm_*) need Smack, which refuses
# SQ threads to unprivileged tasks and so would change what the other
# tests see: they run in a second, short boot with lsm=smack. The guest
# runs $share/tests.list; the judge reads the whole list.
mv "$share/tests.list" "$share/judged.list"
grep -E '^selftests lsm_' "$share/judged.list" > "$share/lsm.list" || true
grep -vE '^selftests lsm_' "$share/judged.list" > "$share/main.list" || true
# guest_run NAME LIST WALL [KERNEL ARGS]: one boot running LIST; its
# results land in $share/out-NAME.
guest_run() {
	local start
	[ -s "$2" ] || return 0
	rm -rf "$share/out"
	mkdir -p "$share/out"
	cp "$2" "$share/tests.list"
	start=$(date +%s)
	GUEST_APPEND=${4:-} "$REPO/dev/qemu.sh" "$kernel" check "$share" "$3" |
		grep -a --line-buffered -E '^\[|^run-tests|^init:|Kernel panic|BUG:' || true
	log "guest run ($1) took $(( $(date +%s) - start ))s"
	cp "$share/console.log" "$share/out/"
	mv "$share/out" "$share/out-$1"
}
# Each boot stops after its limit, whatever hangs: the main one's is
# $wall (a fast run takes about 20 minutes with both liburing suites, a
# debug run about 80), the lsm one's a sixth of it.
wall=2400
[ "$DEBUG" = 1 ] && wall=7200
guest_run main "$share/main.list" "$wall"
guest_run lsm "$share/lsm.list" $((wall / 6)) lsm=smack

# A fault-injection run keeps its results apart from the plain run's.
run=$IMPL-$CFG
[ "${FAULT:-0}" = 1 ] && run=$run-fault
mkdir -p "$OUT"
rm -rf "${OUT:?}/$run"
mkdir -p "$OUT/$run"
[ -d "$share/out-main" ] && cp -r "$share/out-main/." "$OUT/$run/"
touch "$OUT/$run/raw.txt"
[ -d "$share/out-lsm" ] && cp -r "$share/out-lsm" "$OUT/$run/lsm"
# its boot and kmemleak checks under their own names (no raw.txt: the
# guest stopped early, and the judge says so)
if [ -f "$share/out-lsm/raw.txt" ]; then
	sed 's# kernel/\([a-z]*\) # kernel/\1-lsm #' "$share/out-lsm/raw.txt" \
		>> "$OUT/$run/raw.txt"
fi
cat "$share/lint-raw.txt" >> "$OUT/$run/raw.txt"
[ -s "$share/lint-raw.txt" ] && cat "$share/lint.list" >> "$share/judged.list"
# A TESTS subset does not replace the results of the last full run.
results=$OUT/results-$run.txt
[ -z "${TESTS:-}" ] || results=$OUT/results-$run-subset.txt
exec "$REPO/dev/judge.sh" "$share/judged.list" "$OUT/$run/raw.txt" "$results"
exit
}
