#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs (fuzz/seeds/<target>/, not committed) from the example
programs, the conformance corpus, the example registry and the DCI test responses. The same files
give the same seeds, named by their SHA-1. The committed corpora (fuzz/corpus/) hold only the
inputs that add coverage to these seeds (fuzz/README.md); scripts/test-reliability.sh runs this
before replaying both:

    python3 fuzz/seed.py && cd fuzz && cargo +nightly fuzz run evaluate corpus/evaluate seeds/evaluate
"""
import datetime, glob, hashlib, json, os, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "seeds")


def write(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def rel(*p):
    return os.path.join(ROOT, *p)


# The order of entitle_fuzz::PROGRAMS (fuzz/src/lib.rs).
PROGRAMS = (sorted(glob.glob(rel("examples/programs/*.entitle")))
            + sorted(glob.glob(rel("tests/conformance/programs/*.entitle")))
            + sorted(glob.glob(rel("examples/fidelity/*.entitle"))))
CASES = []
for f in sorted(glob.glob(rel("tests/conformance/cases/*.json"))):
    CASES.extend(json.load(open(f))["cases"])

# parse_check: every program file and every program text of the corpus.
for p in PROGRAMS:
    write("parse_check", open(p, encoding="utf-8").read())
for c in CASES:
    if "source" in c:
        s = c["source"]
        write("parse_check", s if isinstance(s, str) else "\n".join(s) + "\n")


# evaluate: units of the corpus for its programs, and units made from each program's inputs.
def days(iso):
    return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days


def eval_input(index, as_of, units):
    d = days(as_of)
    return bytes([index, d & 0xFF, d >> 8]) + json.dumps(units).encode()


for c in CASES:
    if "program" in c and c.get("units") and c.get("as_of"):
        path = os.path.normpath(os.path.join(rel("tests/conformance"), c["program"]))
        if path in PROGRAMS:
            write("evaluate", eval_input(PROGRAMS.index(path), c["as_of"], c["units"]))

INPUT = re.compile(r"^  (household|group|member|person|individual)\.(\w+):\s*(\w+)(.*)$")
SAMPLE = {"text": "North", "date": "1990-01-01", "bool": True, "number": 3, "money": "5000", "list": ["a", "b"]}
ODD = {"text": "", "date": "2030-02-30", "bool": "maybe", "number": "1e3", "money": "USD 5", "list": "a;b"}
for i, p in enumerate(PROGRAMS):
    text = open(p, encoding="utf-8").read()
    unit, member, odd_unit, odd_member = {}, {}, {}, {}
    for line in text.splitlines():
        m = INPUT.match(line)
        if not m:
            continue
        scope, name, ty, rest = m.groups()
        choice = re.search(r'one of \["([^"]*)"', rest)
        value = choice.group(1) if choice else SAMPLE.get(ty, "x")
        (member if scope == "member" else unit)[name] = value
        (odd_member if scope == "member" else odd_unit)[name] = ODD.get(ty, None)
    members = [dict(member, id="M1", kind="head"), dict(member, id="M2", kind="child", birthdate="2020-05-01")]
    units = [
        dict(unit, id="U1", members=members),
        dict(odd_unit, id="U2", members=[dict(odd_member, id="M3", kind=["head", "spouse"], start_date="2030-01-01")]),
        {"id": 3},
    ]
    write("evaluate", eval_input(i, "2026-03-01", units))
    write("evaluate", eval_input(i, "2026-03-01", units[0]))

# registry_files: the first households of the example registry (and its defects), as CSV and JSONL,
# for each program; individuals made from its members.
groups = open(rel("examples/registry/groups.csv"), encoding="utf-8").read().splitlines()
members = open(rel("examples/registry/members.csv"), encoding="utf-8").read().splitlines()


def slice_registry(first, count):
    g = [groups[0]] + groups[first:first + count]
    ids = {l.split(",")[0] for l in g[1:]}
    m = [members[0]] + [l for l in members[1:] if l.split(",")[1] in ids]
    return "\n".join(g) + "\n", "\n".join(m) + "\n"


def jsonl(csv_text):
    lines = csv_text.splitlines()
    head = lines[0].split(",")
    return "".join(json.dumps(dict(zip(head, l.split(",")))) + "\n" for l in lines[1:])


defects = [i for i, l in enumerate(groups) if i > 0 and (l.count(",") != groups[0].count(",") or ",," in l)]
starts = [1, 40] + defects[:3]
for start in starts:
    g, m = slice_registry(start, 6)
    for program in (0, 1):
        write("registry_files", bytes([program << 1]) + g.encode() + b"\0" + m.encode())
        write("registry_files", bytes([program << 1 | 1]) + jsonl(g).encode() + b"\0" + jsonl(m).encode())
    people = [members[0]] + members[1:12]
    write("registry_files", bytes([2 << 1]) + ("\n".join(people) + "\n").encode())
    write("registry_files", bytes([2 << 1 | 1]) + jsonl("\n".join(people)).encode())

# registry_parquet: the small registries `entitle generate --format parquet` wrote into
# fuzz/parquet/ (fuzz/README.md), for each program: the groups file's length (4 bytes, little
# endian), the groups file, the members file; the members file alone as individuals for the
# old-age pension. And the CLI's two broken individuals files (cli/tests/parquet.rs).
for d in sorted(glob.glob(rel("fuzz/parquet/*"))):
    g = open(os.path.join(d, "groups.parquet"), "rb").read()
    m = open(os.path.join(d, "members.parquet"), "rb").read()
    for program in (0, 1):
        write("registry_parquet", bytes([program << 1]) + len(g).to_bytes(4, "little") + g + m)
    write("registry_parquet", bytes([2 << 1]) + m)
for d in ("parquet_panic", "parquet_not_utf8"):
    individuals = open(rel(f"cli/tests/data/{d}/individuals.parquet"), "rb").read()
    write("registry_parquet", bytes([2 << 1]) + individuals)

# dci: every test response, for both programs.
for f in sorted(glob.glob(rel("registry-adapters/tests/data/dci/*.json"))):
    data = open(f, "rb").read()
    for mode in (0, 1):
        write("dci", bytes([mode]) + data)

for t in sorted(os.listdir(OUT)):
    print(t, len(os.listdir(os.path.join(OUT, t))))
