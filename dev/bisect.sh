#!/usr/bin/env bash
# bisect.sh: check that the series of `make patches` bisects: apply its
# patches one by one to the base tree with git am and build the kernel
# (fast config) after each. The tree ($CACHE/bisect-src, a git repository
# of the base tree) and its build dir are kept, so after the first run
# every build is incremental. Prints one line per patch; fails on the
# first patch that does not build.
. "$(dirname "$0")/lib.sh"
src=$CACHE/bisect-src
build=$CACHE/build/bisect
series=$OUT/patches
logs=$OUT/bisect
export GIT_AUTHOR_NAME=bisect GIT_AUTHOR_EMAIL=bisect@localhost
export GIT_COMMITTER_NAME=bisect GIT_COMMITTER_EMAIL=bisect@localhost

ls "$series"/0001-*.patch >/dev/null 2>&1 || { log "no series: run make patches first"; exit 1; }
if [ "$(cat "$src/.uring-base" 2>/dev/null)" != "$(cat "$BASE/.uring-base")" ]; then
	log "making $src, a git repository of the base tree (once)"
	rm -rf "$src"
	cp -a "$BASE" "$src"
	git -C "$src" init -q
	git -C "$src" add -A -f
	git -C "$src" commit -q -m base
	git -C "$src" tag base
fi
cd "$src"
git am --abort >/dev/null 2>&1 || true
git reset -q --hard base
git clean -q -fdx -e .uring-base

# The same configuration as the fast test kernel.
mkdir -p "$build" "$logs"
make -s O="$build" tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m -O "$build" "$build/.config" \
	"$REPO/dev/config/base.config" >/dev/null
make -s O="$build" olddefconfig >/dev/null

n=0
for p in "$series"/[0-9]*.patch; do
	case $p in */0000-*) continue ;; esac
	n=$((n + 1))
	git am -q "$p"
	start=$(date +%s)
	# Kconfig may change with the patch: refresh the configuration first.
	if make -s O="$build" olddefconfig >/dev/null 2>"$logs/$n.log" &&
	   make -s -j"$JOBS" O="$build" bzImage >>"$logs/$n.log" 2>&1; then
		printf 'ok   %2d %4ss %s\n' "$n" "$(( $(date +%s) - start ))" "$(basename "$p")"
	else
		printf 'FAIL %2d %4ss %s (log: %s)\n' "$n" "$(( $(date +%s) - start ))" \
			"$(basename "$p")" "$logs/$n.log"
		tail -n 20 "$logs/$n.log" >&2
		exit 1
	fi
done
log "all $n patches build one after another"
