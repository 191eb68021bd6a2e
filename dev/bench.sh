#!/usr/bin/env bash
# bench.sh: boot our kernel and the reference (IMPL=upstream: same base tree,
# config and QEMU flags) alternately, ROUNDS times each (default 3), run the
# dev/bench workloads in every boot (dev/guest/run-bench) and print one table:
# per workload the median on each kernel and the ratio ours/reference with its
# min-max over rounds. Under TCG only the ratios mean anything. The table goes
# to out/bench/bench-<date>.txt, each boot's raw lines and console log to
# out/bench/bench-<date>/. BENCH_NOBUILD=1 boots the fast bzImages already
# built instead of building them; BENCH_ONLY=regex runs only the workloads
# (programs of dev/bench, or fio rows) it matches, e.g. BENCH_ONLY=mem.
. "$(dirname "$0")/lib.sh"
# The body is one compound command, read whole before it runs: editing
# this file during a run cannot change the run.
{
rounds=${ROUNDS:-3}
ACCEL=${ACCEL:-tcg}
export ACCEL DEBUG=0
case $rounds in ''|*[!0-9]*|0) echo "ROUNDS must be a positive number" >&2; exit 2;; esac
start=$(date +%s)
stamp=$(date +%Y%m%d-%H%M%S)
dest=$OUT/bench/bench-$stamp
mkdir -p "$dest"

declare -A kernel
if [ "${BENCH_NOBUILD:-0}" = 1 ]; then
	for impl in ours upstream; do
		kernel[$impl]=$CACHE/build/$impl-fast/arch/x86/boot/bzImage
		if [ ! -e "${kernel[$impl]}" ]; then
			log "no ${kernel[$impl]}: build it first (make bench without BENCH_NOBUILD)"
			exit 1
		fi
	done
else
	"$REPO/dev/deps.sh"
	for impl in ours upstream; do
		kernel[$impl]=$(IMPL=$impl "$REPO/dev/kernel.sh" | tail -n1)
	done
fi

# A private copy of each kernel: every round boots the same image even if
# a build replaces the bzImage meanwhile.
for impl in ours upstream; do
	mkdir -p "$CACHE/run/bench"
	cp -p "${kernel[$impl]}" "$CACHE/run/bench/$impl-bzImage"
	kernel[$impl]=$CACHE/run/bench/$impl-bzImage
done

# The workloads: static, built once, the same binaries for both kernels.
bin=$CACHE/run/bench-bin
bench_workloads "$bin"

# One boot: IMPL round. QEMU's scratch disks and initramfs live under a
# cache of their own (URING_CACHE), so a `make check` running meanwhile
# cannot swap them underneath this run.
boot() {
	local impl=$1 r=$2 share=$CACHE/run/bench-$1 t0 rc=0 load
	rm -rf "$share"
	mkdir -p "$share/bin/bench" "$share/out"
	cp "$bin"/* "$share/bin/bench/"
	cp "$REPO/dev/guest/run-bench" "$share/bin/"
	[ -z "${BENCH_ONLY:-}" ] || echo "$BENCH_ONLY" > "$share/bin/only"
	# TCG turns every busy vCPU into a busy host thread: another guest or
	# a build on this machine shows in the numbers. Noted with the table.
	read -r load _ < /proc/loadavg
	loads[$impl]="${loads[$impl]:-}${loads[$impl]:+ }$load"
	awk -v l="$load" 'BEGIN { exit !(l > 1) }' &&
		log "host load $load before this boot: expect noisier ratios"
	t0=$(date +%s)
	URING_CACHE=$CACHE/run/bench IMPL=$impl "$REPO/dev/qemu.sh" \
		"${kernel[$impl]}" bench "$share" 900 |
		grep -a --line-buffered -E '^BENCH|^run-bench|^init:|Kernel panic|BUG:' ||
		rc=$?
	log "$impl round $r: guest run took $(( $(date +%s) - t0 ))s (exit $rc)"
	cp "$share/out/bench.txt" "$dest/$impl-$r.txt" 2>/dev/null ||
		log "$impl round $r: no results (see $dest/$impl-$r.console.log)"
	cp "$share/console.log" "$dest/$impl-$r.console.log"
	for f in bench-err.txt dmesg.txt; do
		[ -e "$share/out/$f" ] && cp "$share/out/$f" "$dest/$impl-$r.$f"
	done
	return 0
}

declare -A loads
for r in $(seq "$rounds"); do
	boot ours "$r"
	boot upstream "$r"
done

wall=$(( $(date +%s) - start ))
table=$OUT/bench/bench-$stamp.txt
{
	echo "make bench, $(date -d "@$start" '+%Y-%m-%d %H:%M'): ours $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?') vs reference (IMPL=upstream),"
	echo "fast config, $ACCEL, 2 vCPUs, $rounds rounds, ${BENCH_SECS:-1.5} s per point, wall time ${wall}s;"
	echo "bzImages built $(date -r "${kernel[ours]}" '+%Y-%m-%d %H:%M') (ours), $(date -r "${kernel[upstream]}" '+%Y-%m-%d %H:%M') (reference)."
	echo "host load (1-min) before each boot: ours ${loads[ours]}, reference ${loads[upstream]}."
	echo "ours and reference: median over rounds; ours/ref: ratio of the medians"
	echo "(better = higher: above 1 is ours faster; better = lower: below 1 is ours"
	echo "smaller); min-max: ratio of round i ours to round i reference."
	echo
	python3 "$REPO/dev/bench/table.py" "$dest" "$rounds"
} > "$table"
echo
cat "$table"
log "table in ${table#"$REPO"/}, raw lines and console logs in ${dest#"$REPO"/}/"
exit
}
