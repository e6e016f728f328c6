#!/usr/bin/env python3
"""Where did a fuzz run's new edges fall? (Is coverage still growing in Entitle's own code?)

    python3 new_edges.py LOG BINARY [-v]

LOG is the output of a run made in one process (no -fork) with `-print_pcs=1` under
`setarch x86_64 -R` (no address randomisation, so that the printed addresses are the binary's);
BINARY is the target it ran (target/x86_64-unknown-linux-gnu/release/TARGET). The edges found
after INITED (the seeds and corpus loaded) are symbolised with llvm-symbolizer and counted by
crate, over the whole run and its last half, quarter and tenth of executions. Standard-library
code inlined into a caller counts as the caller's; hashbrown's probing is counted apart (its
paths depend on the process's random hash seed, not on the input alone). -v lists the edges in
Entitle's code found in the last quarter.
"""
import collections
import json
import re
import subprocess
import sys

BASE = 0x555555554000  # where a position-independent binary loads without randomisation


def crate(path):
    m = re.search(r"/registry/src/[^/]+/([^/]+?)-\d[^/]*/", path)
    if m:
        return m.group(1)
    if "hashbrown" in path:
        return "hashbrown"
    if "/rustc/" in path or "/library/" in path:
        return "std"
    m = re.search(r"/([a-z0-9_-]+)/src/[^/]+", path)
    return "entitle:" + m.group(1) if m else "?"


def main():
    log, binary = sys.argv[1], sys.argv[2]
    lines = open(log, errors="replace").read().splitlines()
    inited = next(i for i, l in enumerate(lines) if "INITED" in l)
    start_cov = int(re.search(r"cov: (\d+)", lines[inited]).group(1))
    pcs, pending, last_exec, total = [], [], 0, None
    for l in lines[inited + 1 :]:
        if "NEW_PC:" in l:
            pending.append(int(l.split()[1], 16))
            continue
        s = re.match(r"#(\d+)\s", l)
        if s:
            last_exec = int(s.group(1))
            pcs += [(last_exec, p) for p in pending]
            pending = []
        t = re.match(r"stat::number_of_executed_units: (\d+)", l)
        if t:
            total = int(t.group(1))
    total = total or last_exec
    final_cov = max(int(x) for x in re.findall(r"cov: (\d+)", "\n".join(lines)))
    addresses = "\n".join(hex(p - BASE) for _, p in pcs)
    out = subprocess.run(
        ["llvm-symbolizer", "--output-style=JSON", "--obj=" + binary],
        input=addresses, capture_output=True, text=True, check=True,
    ).stdout
    where = []
    for line in out.splitlines():
        frames = json.loads(line).get("Symbol") or [{}]
        f = frames[0]
        if "hashbrown" not in f.get("FileName", ""):
            f = next((g for g in frames if not re.search(r"/rustc/|/library/", g.get("FileName", ""))), f)
        where.append((f.get("FileName", "?"), f.get("Line", 0), f.get("FunctionName", "?")))
    print(f"{log}: {total:,} executions; edges at INITED {start_cov}, at the end {final_cov}; "
          f"{len(pcs)} new after INITED")
    for label, after in (("whole run", 0), ("last half", total // 2),
                         ("last quarter", total * 3 // 4), ("last tenth", total * 9 // 10)):
        c = collections.Counter(crate(w[0]) for (n, _), w in zip(pcs, where) if n > after)
        print(f"  {label:12}: {sum(c.values()):4}  " + ", ".join(f"{k} {v}" for k, v in c.most_common(8)))
    if "-v" in sys.argv:
        for (n, _), w in zip(pcs, where):
            if n > total * 3 // 4 and crate(w[0]).startswith("entitle"):
                print(f"    at {n:,}: {w[0]}:{w[1]} {w[2][:80]}")


if __name__ == "__main__":
    main()
