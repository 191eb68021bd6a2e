#!/usr/bin/env bash
# patches.sh: write out/patches/, a git format-patch series (cover letter,
# Signed-off-by) that turns the pristine base tree into ours: remove the
# original io_uring, apply patches/*.patch (new uapi), then add ours concern
# by concern (dev/series.txt). VERIFY=1 also git-am's it onto a fresh unpack.
. "$(dirname "$0")/lib.sh"
work=$CACHE/series
dest=$OUT/patches
name=$(git -C "$REPO" config user.name || echo "io_uring clean-room team")
email=$(git -C "$REPO" config user.email || echo "io-uring-cleanroom@localhost")
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
export GIT_AUTHOR_DATE="$(git -C "$REPO" log -1 --format=%cI 2>/dev/null || date -R)"
export GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE

[ -e "$BASE/.uring-base" ] || { log "no base tree: run make kernel first"; exit 1; }
# Only the files the series touches: enough for format-patch, and cheap.
rm -rf "$work"
mkdir -p "$work"
touched="$URING_PATHS Kbuild init/Kconfig"
for p in "$REPO"/patches/*.patch; do
	[ -e "$p" ] || continue
	touched="$touched $(grep -E '^\+\+\+ b/' "$p" | sed 's|^+++ b/||')"
done
# shellcheck disable=SC2086
(cd "$BASE" && tar cf - $(for t in $touched; do [ -e "$t" ] && echo "$t"; done)) |
	tar xf - -C "$work"
cd "$work"
git init -q
git add -A -f
git commit -q -m "base: Debian linux-source-6.12 $(cat "$BASE/.uring-base")"
base=$(git rev-parse HEAD)

# The code goes, and with it the IO_URING symbol and the io_uring/ build
# hook, so that every patch until the one that builds ours again leaves
# a kernel that builds (without io_uring: the header stubs stand in). The
# in-kernel API headers, and io-wq.h that the scheduler includes, stay
# until ours replace them.
git rm -q -r io_uring include/trace/events/io_uring.h
# kernel/sched/core.c includes io_uring/io-wq.h (its stubs without IO_WQ)
git checkout -q "$base" -- io_uring/io-wq.h
sed -i '/^obj-\$(CONFIG_IO_URING)/d' Kbuild
awk '/^config (IO_URING|GCOV_PROFILE_URING)$/ { skip = 1; next }
     skip && /^(config|menuconfig|menu|endmenu|comment|source|if|endif)( |$)/ { skip = 0 }
     !skip' init/Kconfig > init/Kconfig.new
mv init/Kconfig.new init/Kconfig
git add -A
git commit -q -s -F - <<MSG
io_uring: remove the original implementation

Make room for a new, independently written io_uring that serves the same
user ABI (include/uapi/linux/io_uring.h is kept as it is). The following
patches add it back piece by piece; the IO_URING option and the build of
io_uring/ come back once all of it is there, so that every step of the
series builds.
MSG
# New user ABI first: the code that follows uses it. (Patches that
# dev/series.txt names as patch:NAME go where it says instead.)
for p in "$REPO"/patches/*.patch; do
	[ -e "$p" ] || continue
	grep -q "patch:$(basename "$p")" "$REPO/dev/series.txt" && continue
	git am -q --committer-date-is-author-date "$p" 2>/dev/null ||
		{ git am --abort; git apply "$p"; git add -A; git commit -q -s -m "$(basename "$p" .patch)"; }
done

grep -v '^\s*#' "$REPO/dev/series.txt" | while IFS='|' read -r subject paths body; do
	subject=$(echo "$subject" | sed 's/ *$//')
	added=
	for p in $paths; do
		# base:FILE brings back the base tree's FILE; patch:NAME applies
		# patches/NAME (a change to a file outside our tree)
		if [ "${p#base:}" != "$p" ]; then
			git checkout -q "$base" -- "${p#base:}"
			added=1
			continue
		fi
		if [ "${p#patch:}" != "$p" ]; then
			git apply "$REPO/patches/${p#patch:}"
			git add -A
			added=1
			continue
		fi
		[ -e "$REPO/$p" ] || continue
		mkdir -p "$(dirname "$p")"
		rm -rf "$p"
		cp -r "$REPO/$p" "$p"
		git add "$p"
		added=1
	done
	[ -n "$added" ] || continue
	git commit -q -s -m "$subject" -m "$(echo "$body" | sed 's/^ *//' | fold -s -w 72 | sed 's/ *$//')"
done
# Anything of ours the series file forgot still has to be in the series.
for p in $URING_PATHS tools/testing/selftests/io_uring Documentation/io_uring; do
	[ -e "$REPO/$p" ] || continue
	mkdir -p "$(dirname "$p")"
	rm -rf "$p"
	cp -r "$REPO/$p" "$p"
done
git add -A
if ! git diff --cached --quiet; then
	log "warning: files missing from dev/series.txt: $(git diff --cached --name-only | tr '\n' ' ')"
	git commit -q -s -m "io_uring: add the remaining files" -m "Files not yet assigned a patch in dev/series.txt."
fi

rm -rf "$dest"
mkdir -p "$dest"
git format-patch -q --cover-letter -o "$dest" "$base"..HEAD
n=$(ls "$dest" | grep -vc '^0000')
sed -i "s/\*\*\* SUBJECT HERE \*\*\*/io_uring: a clean-room reimplementation/" "$dest"/0000-cover-letter.patch
# The pass counts of the last full runs, ours and the reference.
passes() {
	local f=$OUT/results-$1-fast.txt total
	[ -e "$f" ] || return 0
	total=$(grep -c ' liburing/' "$f" || true)
	[ "$total" -gt 0 ] || return 0
	echo "$(grep -cE '^X?PASS liburing/' "$f" || true) of $total"
}
results="liburing passes $(passes ours) runs on this series and $(passes upstream) on the original."
[ -n "$(passes ours)" ] && [ -n "$(passes upstream)" ] ||
	results="see the README of the repository (no full runs of both in out/)."
sed "s|@RESULTS@|$results|" "$REPO/dev/cover-letter.txt" | fold -s -w 72 |
	sed 's/ *$//' > "$work/blurb"
sed -i "s/\*\*\* BLURB HERE \*\*\*/$(sed 's/[\/&]/\\&/g' "$work/blurb" | sed ':a;N;$!ba;s/\n/\\n/g')/" \
	"$dest"/0000-cover-letter.patch
log "wrote $n patches and a cover letter to $dest"
"$REPO/dev/lint.sh" --series "$dest"

if [ "${VERIFY:-0}" = 1 ]; then
	check=$(mktemp -d)
	trap 'rm -rf "$check"' EXIT
	log "verifying: git am onto a fresh unpack of the base tree"
	tar xf /usr/src/linux-source-6.12.tar.* -C "$check"
	cd "$check"/linux-source-6.12
	git init -q && git add -A -f && git commit -q -m base
	git am -q $(ls "$dest"/*.patch | grep -v /0000-)
	log "series applies: $(git log --oneline | wc -l) commits"
fi
