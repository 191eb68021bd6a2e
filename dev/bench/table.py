#!/usr/bin/env python3
"""table.py DIR ROUNDS: the benchmark table from DIR/{ours,upstream}-<round>.txt.

Each file holds one boot's "BENCH <name> <value> <unit> <higher|lower>"
lines. Per workload: the median over rounds on each kernel, their ratio
ours/reference, and the min-max of the per-round ratios (round i of ours
against round i of the reference, booted one after the other).
"""
import statistics
import sys


def load(path):
    rows = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                w = line.split()
                if len(w) == 5 and w[0] == "BENCH":
                    rows[w[1]] = (w[2], w[3], w[4])
    except FileNotFoundError:
        pass
    return rows


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def fmt(v):
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}"


def main():
    d, rounds = sys.argv[1], int(sys.argv[2])
    runs = {k: [load(f"{d}/{k}-{r}.txt") for r in range(1, rounds + 1)]
            for k in ("ours", "upstream")}
    names, meta = [], {}
    for k in ("upstream", "ours"):
        for rows in runs[k]:
            for n, (v, unit, better) in rows.items():
                if n not in meta:
                    names.append(n)
                if unit != "-":
                    meta[n] = (unit, better)
                else:
                    meta.setdefault(n, ("-", "-"))

    def column(k, n):
        vals = [rows[n][0] if n in rows else "missing" for rows in runs[k]]
        nums = [num(v) for v in vals]
        good = [x for x in nums if x is not None]
        if good:
            return statistics.median(good), nums, ""
        # Nothing measured: say why (unsupported beats failed beats missing).
        for why in ("unsupported", "failed", "missing"):
            if why in vals:
                return None, nums, why
        return None, nums, "missing"

    head = ["workload", "unit", "better", "ours", "reference", "ours/ref",
            "min-max"]
    table = []
    for n in names:
        unit, better = meta[n]
        o, onums, owhy = column("ours", n)
        u, unums, uwhy = column("upstream", n)
        ratio = rng = "-"
        if o is not None and u:
            ratio = f"{o / u:.2f}"
            pairs = [a / b for a, b in zip(onums, unums)
                     if a is not None and b]
            if pairs:
                rng = f"{min(pairs):.2f}-{max(pairs):.2f}"
        table.append([n, unit, better,
                      fmt(o) if o is not None else owhy,
                      fmt(u) if u is not None else uwhy, ratio, rng])
    width = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
    right = {3, 4, 5, 6}

    def line(r):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(r, width))]
        return "| " + " | ".join(cells) + " |"

    print(line(head))
    print("|" + "|".join(("-" * (w + 1)) + (":" if i in right else "-")
                         for i, w in enumerate(width)) + "|")
    for r in table:
        print(line(r))


if __name__ == "__main__":
    main()
