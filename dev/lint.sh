#!/usr/bin/env bash
# lint.sh [RAW]: checkpatch --strict and kernel-doc over our tree, with the
# base tree's scripts. A finding not written down in dev/lint-allow.txt
# fails. With RAW, also append "STATUS lint/checkpatch" and "STATUS
# lint/kernel-doc" lines for judge.sh there.
# lint.sh --series DIR: checkpatch --strict over the patches in DIR.
. "$(dirname "$0")/lib.sh"
raw=${1:-}
series=
if [ "$raw" = --series ]; then
	series=$2
	raw=
fi
allow=$REPO/dev/lint-allow.txt
scripts=$BASE/scripts
[ -x "$scripts/checkpatch.pl" ] || { log "no base tree: run make kernel first"; exit 1; }

cd "$REPO"
files=$(ls io_uring/*.[ch] include/linux/io_uring.h include/linux/io_uring_types.h \
	include/linux/io_uring/*.h include/trace/events/io_uring.h \
	tools/testing/selftests/io_uring/*.[ch])
csrc=$(echo "$files" | grep -v '^tools/')

# "file:line: TYPE: message" lines, minus those whose file matches the
# glob and whose type is the type of an entry of the allow file.
unallowed() {
	awk -v allowfile="$allow" '
	BEGIN {
		while ((getline l < allowfile) > 0) {
			if (l ~ /^[ \t]*(#|$)/) continue
			split(l, f, " "); g = f[1]
			gsub(/\./, "\\.", g); gsub(/\*/, ".*", g)
			n++; glob[n] = "^" g "$"; type[n] = f[2]
		}
	}
	{
		split($1, loc, ":"); t = $2; sub(/:$/, "", t); sub(/^[A-Z]+:/, "", t)
		for (i = 1; i <= n; i++)
			if (t == type[i] && loc[1] ~ glob[i]) next
		print
	}'
}

report() {
	local name=$1 out=$2 st=PASS
	[ -s "$out" ] && st=FAIL
	if [ "$st" = PASS ]; then
		log "lint/$name: clean"
	else
		log "lint/$name: $(wc -l < "$out") finding(s) not in dev/lint-allow.txt:"
		cat "$out" >&2
	fi
	[ -z "$raw" ] || echo "$st lint/$name 0 0" >> "$raw"
	[ "$st" = PASS ]
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$series" ]; then
	cd "$series"
	ls | grep -v '^0000-' | grep '\.patch$' |
		xargs -P "$JOBS" -n 4 perl "$scripts/checkpatch.pl" --strict --quiet \
		--show-types --terse --no-summary 2>&1 |
		grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' | unallowed > "$tmp/cp" || true
	report series-checkpatch "$tmp/cp"
	exit
fi
# shellcheck disable=SC2086
printf '%s\n' $files | xargs -P "$JOBS" -n 4 perl "$scripts/checkpatch.pl" \
	--strict --no-tree --quiet --show-types --terse --no-summary -f \
	2>&1 | grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' | unallowed > "$tmp/cp" || true
# shellcheck disable=SC2086
perl "$scripts/kernel-doc" -none -Wall $csrc 2>&1 |
	sed -E 's/^([^:]+:[0-9]+): warning: /\1: KERNEL_DOC: /' | unallowed > "$tmp/kd" || true
rc=0
report checkpatch "$tmp/cp" || rc=1
report kernel-doc "$tmp/kd" || rc=1
exit "$rc"
