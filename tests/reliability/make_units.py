#!/usr/bin/env python3
"""Turns a registry made by `entitle generate --format jsonl` into JSON units for the
cross-language determinism test: households.json (each group with its members) and
individuals.json (each member as a person). Numbers with a fraction are written as strings, as
they appear in the files (`"61060.50"`): every language then receives the same exact decimal.

    python3 make_units.py REGISTRY_DIR OUT_DIR
"""
import json
import os
import sys


def read(path):
    """The objects of a JSON Lines file; lines that are not JSON (the generator's deliberate
    defects) are left out: they are the registry reader's business, not the engine's."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                rows.append(json.loads(line, parse_float=str))
            except ValueError:
                pass
    return rows


def main(registry, out):
    groups = read(os.path.join(registry, "groups.jsonl"))
    members = read(os.path.join(registry, "members.jsonl"))
    by_group = {}
    for m in members:
        if isinstance(m, dict):
            by_group.setdefault(str(m.get("group_id")), []).append({k: v for k, v in m.items() if k != "group_id"})
    households = []
    for g in groups:
        if isinstance(g, dict):
            households.append(dict(g, members=by_group.get(str(g.get("id")), [])))
    individuals = [{k: v for k, v in m.items() if k not in ("group_id", "kind", "start_date", "end_date")} for m in members if isinstance(m, dict)]
    os.makedirs(out, exist_ok=True)
    for name, units in (("households.json", households), ("individuals.json", individuals)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(units, f, ensure_ascii=False)
    print(f"{len(households)} households, {len(individuals)} individuals")


if __name__ == "__main__":
    main(*sys.argv[1:3])
