#!/usr/bin/env bash
# fuzz.sh: build the $IMPL/$DEBUG kernel and dev/fuzz/uring-fuzz, boot them
# (uring.mode=fuzz) and fuzz for SECS seconds (default 600) with SEED
# (default: today's date), half as root and half as uid 65534
# (dev/guest/run-fuzz). Prints one verdict line and exits non-zero on a
# kernel splat, an io_uring thread or request left over, a kmemleak report,
# an unkillable process or a fuzzer that did not finish. The console log,
# the fuzzer's output and the splats are kept in out/fuzz-$IMPL-$CFG/.
. "$(dirname "$0")/lib.sh"
# The body is one compound command, read whole before it runs: editing
# this file during a run cannot change the run.
{
secs=${SECS:-600}
seed=${SEED:-$(date +%Y%m%d)}
case $secs in ''|*[!0-9]*|0) echo "SECS must be a positive number" >&2; exit 2;; esac
case $seed in ''|*[!0-9]*) echo "SEED must be a number" >&2; exit 2;; esac

"$REPO/dev/deps.sh"
kernel=$("$REPO/dev/kernel.sh" | tail -n1)
src=$(src_tree)
share=$CACHE/run/fuzz-$IMPL-$CFG
rm -rf "$share"
mkdir -p "$share/bin" "$share/out"

log "building uring-fuzz"
make -s -C "$src" O="$BUILD" headers >/dev/null
gcc -O2 -Wall -static -isystem "$BUILD/usr/include" -o "$share/bin/uring-fuzz" \
	"$REPO/dev/fuzz/uring-fuzz.c" -lpthread
# run-tests comes along for its splat regex.
cp "$REPO/dev/guest/run-fuzz" "$REPO/dev/guest/run-tests" "$share/bin/"
echo "secs=$secs seed=$seed" > "$share/fuzz.conf"

# The fuzzer stops itself after SECS; boot, the leftover checks and (debug)
# the kmemleak scans get a generous margin on top.
wall=$((secs + 600))
[ "$DEBUG" = 1 ] && wall=$((secs + 1800))
log "fuzzing $IMPL-$CFG for ${secs}s with seed $seed (again: make fuzz SEED=$seed)"
start=$(date +%s)
"$REPO/dev/qemu.sh" "$kernel" fuzz "$share" "$wall" |
	grep -a --line-buffered -E '^run-fuzz|^uring-fuzz|^init:|Kernel panic|BUG:' || true
log "guest run took $(( $(date +%s) - start ))s"

dest=$OUT/fuzz-$IMPL-$CFG
mkdir -p "$OUT"
rm -rf "$dest"
cp -r "$share/out" "$dest"
cp "$share/console.log" "$dest/"
res=$dest/result.txt
get() { awk -v k="$1" '$1 == k { print $2 }' "$res" 2>/dev/null; }
if [ ! -s "$res" ] || [ -z "$(get kmemleak)" ]; then
	echo "fuzz: seed $seed: no result, the guest stopped early (see $dest/console.log)" |
		tee "$dest/verdict.txt"
	exit 1
fi
half() {
	printf '%s: seed %s, %s episodes, %s ops' "$1" "$(get "$1_seed")" \
		"$(get "$1_episodes")" "$(get "$1_ops")"
	[ "$(get "$1_timeouts")" = 0 ] || printf ', %s timed out' "$(get "$1_timeouts")"
	[ "$(get "$1_crashes")" = 0 ] || printf ', %s crashed' "$(get "$1_crashes")"
}
line="fuzz: $(half root); $(half nobody); splats $(get splats);"
line="$line leftover threads $(get threads); leftover requests $(get requests);"
line="$line kmemleak $(get kmemleak)"
why=
for k in splats threads requests kmemleak root_unkillable nobody_unkillable; do
	v=$(get "$k")
	case $v in n/a) ;; 0) ;; *) why="$why $k=$v" ;; esac
done
for k in root_rc nobody_rc; do
	[ "$(get "$k")" = 0 ] || why="$why $k=$(get "$k")"
done
{
	echo "$line"
	if [ -z "$why" ]; then
		echo "fuzz: PASS ($IMPL-$CFG, ${secs}s, seed $seed)"
	else
		echo "fuzz: FAIL ($IMPL-$CFG, ${secs}s, seed $seed):$why; see $dest/"
	fi
} | tee "$dest/verdict.txt"
[ -z "$why" ]
exit
}
