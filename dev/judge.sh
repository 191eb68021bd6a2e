#!/usr/bin/env bash
# judge.sh LIST RAW RESULTS: turn the guest's raw statuses into verdicts with
# dev/expectations.txt, print and save one line per test and the closing
# line, and exit non-zero on any unexpected failure.
. "$(dirname "$0")/lib.sh"
list=$1 raw=$2 results=$3
exp=$REPO/dev/expectations.txt

# Expectations: "suite/test reason...", optionally "[debug]" or "[fast]" first
# in the reason to limit the entry to one config, or "[flaky]" for a test
# whose own race fails it now and then on both kernels (a pass is then a
# plain PASS). No entry excuses a kernel splat (SPLAT). Upstream has none. Prints "suite/test flaky|expected".
expected() {
	[ "$IMPL" = ours ] || return 0
	grep -v '^\s*#' "$exp" 2>/dev/null | awk -v cfg="$CFG" 'NF {
		if ($2 ~ /^\[(fast|debug)\]$/ && $2 != "[" cfg "]") next
		print $1, ($2 == "[flaky]") ? "flaky" : "expected" }'
}

awk -v expfile=<(expected) -v rawfile="$raw" '
BEGIN {
	while ((getline l < expfile) > 0) {
		split(l, f, " "); xf[f[1]] = 1; if (f[2] == "flaky") fl[f[1]] = 1
	}
	while ((getline l < rawfile) > 0) {
		split(l, f, " "); st[f[2]] = f[1]; secs[f[2]] = f[3]
	}
}
{
	t = $1 "/" $2
	s = (t in st) ? st[t] : "NORESULT"
	x = (t in xf)
	if (s == "PASS") v = (x && !(t in fl)) ? "XPASS" : "PASS"
	else if (s == "SKIP") v = "SKIP"
	else if (s == "SPLAT") v = "FAIL"
	else if (x) v = "XFAIL"
	else v = (s == "NORESULT") ? "FAIL" : s
	printf "%s %s %ss%s\n", v, t, (t in secs) ? secs[t] : 0, s == "NORESULT" ? " (no result: the guest stopped early)" : ""
}
END {
	n = split("boot kmemleak boot-lsm kmemleak-lsm", k, " ")
	for (i = 1; i <= n; i++)
		if (("kernel/" k[i]) in st)
			printf "%s kernel/%s 0s\n", st["kernel/" k[i]], k[i]
}' "$list" > "$results.tmp"
mv "$results.tmp" "$results"
cat "$results"

# What the first failures printed, so a CI log says why (the full logs are
# in $OUT/<run>/logs/).
logs=$(dirname "$raw")/logs
{ grep -E '^(FAIL|TIMEOUT) ' "$results" || true; } | head -n 5 |
while read -r _ t _; do
	f=$logs/${t/\//-}.log
	[ -s "$f" ] || continue
	echo "--- $t, last lines of its log:"
	tail -n 20 "$f" | cut -c1-200
done

count() { grep -c "^$1 " "$results" || true; }
pass=$(( $(count PASS) + $(count XPASS) ))
fail=$(( $(count FAIL) + $(count TIMEOUT) ))
skip=$(count SKIP)
xfail=$(count XFAIL)
xpass=$(count XPASS)
# The references' results: a local IMPL=upstream[-7.2] run's when there is
# one, else those committed in dev/reference/ (CI boots no reference).
ref_file() {
	local f=$OUT/results-$1-$CFG.txt
	[ -e "$f" ] || f=$REPO/dev/reference/results-$1-$CFG.txt
	[ -e "$f" ] && echo "$f"
	return 0
}
ref=$(ref_file upstream)
ref72=$(ref_file upstream-7.2)
# passed FILE SUITE: "P/T" of that suite's lines in a results file.
passed() {
	echo "$(grep -cE "^X?PASS $2/" "$1" || true)/$(grep -c " $2/" "$1" || true)"
}
# One line per suite that ran: "liburing 2.9: P/T (reference 6.12: R/T)".
suite_line() {
	local s=$1 title=$2 refs=
	grep -q " $s/" "$results" || return 0
	if [ "$IMPL" = ours ]; then
		[ -n "$ref" ] && refs="reference 6.12: $(passed "$ref" "$s")"
		[ "$s" = liburing215 ] && [ -n "$ref72" ] &&
			refs="${refs:+$refs, }reference 7.2: $(passed "$ref72" "$s")"
	fi
	echo "$title: $(passed "$results" "$s")${refs:+ ($refs)}"
}
suite_line liburing "liburing 2.9"
suite_line liburing32 "liburing 2.9, 32-bit"
suite_line liburing215 "liburing 2.15"
# gap NAME FILE: the tests skipped here that pass on that reference.
gap() {
	local g
	[ "$IMPL" = ours ] && [ -n "$2" ] || return 0
	g=$(join <(grep '^SKIP ' "$results" | awk '{print $2}' | sort) \
		<(grep -E '^X?PASS ' "$2" | awk '{print $2}' | sort) | tr '\n' ' ')
	[ -z "$g" ] || echo "skipped here but passing on reference $1: $g"
}
gap 6.12 "$ref"
gap 7.2 "$ref72"
faulted=$(count FAULTED)
[ "$faulted" -gt 0 ] &&
	echo "$faulted failed under fault injection with the kernel clean (FAULTED: no splat, no stuck task)"
[ "$xfail" -gt 0 ] && echo "$xfail expected failures (dev/expectations.txt)"
[ "$xpass" -gt 0 ] && echo "$xpass unexpected passes: take them out of dev/expectations.txt"
echo "$pass passed, $fail failed, $skip skipped" | tee -a "$results"
[ "$fail" = 0 ]
