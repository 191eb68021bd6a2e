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
# plain PASS). Upstream has none. Prints "suite/test flaky|expected".
expected() {
	[ "$IMPL" = upstream ] && return 0
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
ref=$OUT/results-upstream-$CFG.txt
# "SUITE: P/T passed (reference run: R/T)" for liburing and, when it ran,
# its 32-bit subset (liburing32).
suite_line() {
	local s=$1 lp lt rp rt line
	lp=$(grep -cE "^X?PASS $s/" "$results" || true)
	lt=$(grep -c " $s/" "$results" || true)
	[ "$s" = liburing ] || [ "$lt" -gt 0 ] || return 0
	line="$s: $lp/$lt passed"
	if [ "$IMPL" = ours ] && [ -e "$ref" ]; then
		rp=$(grep -cE "^X?PASS $s/" "$ref" || true)
		rt=$(grep -c " $s/" "$ref" || true)
		line="$line (reference run: $rp/$rt)"
	fi
	echo "$line"
}
suite_line liburing
suite_line liburing32
if [ "$IMPL" = ours ] && [ -e "$ref" ]; then
	gap=$(join <(grep '^SKIP ' "$results" | awk '{print $2}' | sort) \
		<(grep -E '^X?PASS ' "$ref" | awk '{print $2}' | sort) | tr '\n' ' ')
	[ -z "$gap" ] || echo "skipped here but passing on the reference: $gap"
fi
faulted=$(count FAULTED)
[ "$faulted" -gt 0 ] &&
	echo "$faulted failed under fault injection with the kernel clean (FAULTED: no splat, no stuck task)"
[ "$xfail" -gt 0 ] && echo "$xfail expected failures (dev/expectations.txt)"
[ "$xpass" -gt 0 ] && echo "$xpass unexpected passes: take them out of dev/expectations.txt"
echo "$pass passed, $fail failed, $skip skipped" | tee -a "$results"
[ "$fail" = 0 ]
