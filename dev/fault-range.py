#!/usr/bin/env python3
"""fault-range.py BUILD: where io_uring's code lies in BUILD's kernel, as
"OFFSET LENGTH" in bytes from _stext: from the lowest function defined in
BUILD/io_uring/*.o to the first function after the highest one. The
objects of one directory are linked together, so their .text is one
stretch; names that other code also uses are told apart by keeping only
the symbols near the median of io_uring's, and __init code is left out. FAULT=1 runs limit fault
injection to call chains through this stretch (the stacktrace filter)."""
import glob
import subprocess
import sys

build = sys.argv[1]
objs = sorted(glob.glob(f"{build}/io_uring/*.o"))
nm = subprocess.run(["nm", "--defined-only", *objs], capture_output=True,
                    text=True, check=True).stdout
names = {f[2] for f in (line.split() for line in nm.splitlines())
         if len(f) == 3 and f[1] in "tT" and ".cold" not in f[2]}
text, marks = [], {}
with open(f"{build}/System.map") as smap:
    for line in smap:
        f = line.split()
        if len(f) >= 3 and f[1] in "tT":
            text.append((int(f[0], 16), f[2]))
        if len(f) >= 3 and f[2] in ("_stext", "_etext"):
            marks[f[2]] = int(f[0], 16)
# the kernel's text proper: not __init code, which is freed after boot
text = sorted(t for t in text if marks["_stext"] <= t[0] < marks["_etext"])
ours = [i for i, (_, name) in enumerate(text) if name in names]
if not ours:
    sys.exit("fault-range: no io_uring function in System.map")
mid = text[ours[len(ours) // 2]][0]
near = [i for i in ours if abs(text[i][0] - mid) < (2 << 20)]
first, last = near[0], near[-1]
end = text[last + 1][0] if last + 1 < len(text) else text[last][0] + 4096
print(text[first][0] - marks["_stext"], end - text[first][0])
