#!/usr/bin/env bash
# profile.sh: kernel instructions per operation of one `make bench` row,
# function by function, ours against the reference (IMPL=upstream), with
# insn-prof, the QEMU TCG plugin of ../shared/tools/insn-prof.
#   WORKLOAD  the row (nop-b32, nop-b1-dt-regfd, blk-fixed-qd1, ...)
#   OPS       operations in the first window (the second runs twice as
#             many); the difference cancels every fixed cost
#   TOP       functions listed (default 25)
# Each kernel boots once (fast config, built as make check builds it) and
# runs the row twice between window markers (dev/guest/run-profile). The
# table goes to out/profile/<row>-<date>.txt; the raw windows and each
# kernel's System.map to out/profile/<row>-<date>/.
. "$(dirname "$0")/lib.sh"
{
row=${WORKLOAD:-nop-b32}
top=${TOP:-25}
prof=${INSN_PROF:-$REPO/../shared/tools/insn-prof}
export DEBUG=0 ACCEL=tcg
case $row in
nop-*)	prog=nop ops=${OPS:-16384} ;;
blk-*)	prog="blkread /dev/nullb0" ops=${OPS:-4096} ;;
sqpoll-nop) prog=sqpoll ops=${OPS:-65536} ;;
rings-*) prog=rings ops=${OPS:-16384} ;;
echo-*)	prog=echo ops=${OPS:-2048} ;;
bufio-*) prog=bufio ops=${OPS:-2048} ;;
*)	echo "WORKLOAD: $row is not a row make profile knows (nop-*, blk-*, sqpoll-nop, rings-*, echo-*, bufio-*)" >&2
	exit 2 ;;
esac
case $ops in ''|*[!0-9]*|0) echo "OPS must be a positive number" >&2; exit 2;; esac
[ -x "$prof/build" ] || { log "no insn-prof in $prof (set INSN_PROF)"; exit 1; }
plugin=$("$prof/build" "$CACHE/insn-prof" | tail -n1)
stamp=$(date +%Y%m%d-%H%M%S)
dest=$OUT/profile/$row-$stamp
mkdir -p "$dest"

"$REPO/dev/deps.sh"
bin=$CACHE/run/profile-bin
bench_workloads "$bin"
n2=$((2 * ops))
for impl in ours upstream; do
	kernel=$(IMPL=$impl "$REPO/dev/kernel.sh" | tail -n1)
	cp "$CACHE/build/$impl-fast/System.map" "$dest/$impl.System.map"
	share=$CACHE/run/profile-$impl
	rm -rf "$share"
	mkdir -p "$share/bin/bench" "$share/out" "$dest/$impl"
	cp "$bin"/* "$share/bin/bench/"
	cp "$REPO/dev/guest/run-profile" "$share/bin/"
	printf 'ROW=%s\nPROG="%s"\nN1=%s\nN2=%s\n' "$row" "$prog" "$ops" "$n2" \
		> "$share/profile.conf"
	URING_CACHE=$CACHE/run/profile IMPL=$impl \
		QEMU_PLUGIN="file=$plugin,out=$dest/$impl/prof" \
		"$REPO/dev/qemu.sh" "$kernel" profile "$share" 1200 |
		grep -a --line-buffered -E '^run-profile|^init:|Kernel panic|BUG:' || true
	cp "$share/out/profile.txt" "$dest/$impl.profile.txt" 2>/dev/null || true
	for w in 1 2; do
		[ -s "$dest/$impl/prof.$w" ] && continue
		log "$impl: no window $w (see $dest/$impl.profile.txt)"
		exit 1
	done
done

table=$OUT/profile/$row-$stamp.txt
{
	echo "make profile, $(date "+%Y-%m-%d %H:%M"): $row, ours $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?') vs reference (IMPL=upstream)"
	echo "kernel instructions per operation: (window of $n2 - window of $ops) / $ops"
	echo
	python3 "$prof/symbolize.py" compare --labels ours reference -n "$top" \
		--sort max \
		--a "$dest/ours.System.map" "$dest/ours/prof.2@$n2" "$dest/ours/prof.1@$ops" \
		--b "$dest/upstream.System.map" "$dest/upstream/prof.2@$n2" "$dest/upstream/prof.1@$ops"
} > "$table"
cat "$table"
log "table in ${table#"$REPO"/}"
exit
}
