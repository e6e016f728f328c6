#!/usr/bin/env python3
"""Seeds for parse_check that mix money, numbers and quantities (the eighth round, fuzz/README.md):
400 programs built without regard to types and 400 built by type, written to fuzz/seeds_arith/
(not committed: the corpus keeps the ones that add coverage). Deterministic (a fixed seed)."""
import hashlib, os, random
random.seed(8)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds_arith")
HEAD = '''program mq "MQ" version "1"
  target household
  currency KES

inputs
  household.income: money "Income"
  household.size: number "Size" default 1
  household.region: text "Region" one of ["North", "South"]
  household.enrolled: date "Enrolled"
  member.birthdate: date "Birth"
  member.earnings: money "Earnings" default KES 0
  member.weight: number "Weight"

params
  base: money "Base" = KES 1500 from 2026-01-01, KES 1800 from 2027-01-01
  rate: number "Rate" = 0.25
  ration: number "Ration" = 3
  cap_amt: money "Cap" = KES 4000

'''
MONEY = ["income", "base", "cap_amt", "KES 10", "KES 0.5", "USD 3", "sum(members, earnings)",
         "max(members, earnings)", "min(members, earnings)", "avg(members, earnings)",
         "head.earnings", "sum(members where age(birthdate) < 18, earnings)"]
NUM = ["size", "rate", "ration", "count(members)", "2", "0", "-1.5", "1000000000000",
       "age(head.birthdate)", "months_between(enrolled, 2026-01-01)",
       "days_between(enrolled, 2026-03-01)", "avg(members, weight)", "sum(members, weight)"]
QTY = ["10 kg", "2.5 kg", "3 litre", "0 kg", "1 bag"]
OPS = ["+", "-", "*", "/"]
CMP = ["<", "<=", ">", ">=", "==", "!="]
FUN1 = ["abs", "floor", "ceil"]

def atom(depth):
    r = random.random()
    if depth <= 0 or r < 0.35:
        return random.choice(random.choice([MONEY, NUM, QTY]))
    k = random.randrange(7)
    a, b = atom(depth - 1), atom(depth - 1)
    if k == 0:
        return f"{a} {random.choice(OPS)} {b}"
    if k == 1:
        return f"({a} {random.choice(OPS)} {b})"
    if k == 2:
        return f"{random.choice(['min', 'max'])}({a}, {b})"
    if k == 3:
        return f"{random.choice(FUN1)}({a})"
    if k == 4:
        return f"if {cond(depth - 1)} then {a} else {b}"
    if k == 5:
        return f"round({a}, {random.choice(['KES 10', '1', 'KES 0.01', '2'])})"
    return f"clamp({a}, {b}, {atom(depth - 1)})"

def cond(depth):
    r = random.random()
    if r < 0.2 and depth > 0:
        return f"{cond(depth - 1)} {random.choice(['and', 'or'])} not {cond(depth - 1)}"
    return f"{atom(depth)} {random.choice(CMP)} {atom(depth)}"

def item_line(kind, i, e, number, condition):
    """An entitlement item, sometimes with `times … up to` and `when` (random draws in order)."""
    if random.random() < 0.4:
        e += f" times {number()} up to {random.choice(['4', 'ration', 'size'])}"
    if random.random() < 0.3:
        e += f" when {condition()}"
    return f"  {kind} i{i} \"Item {i}\" {e}\n"

def cap_and_round(amount):
    """Sometimes a cap, sometimes a rounding: the lines both generators end the entitlement with."""
    lines = []
    if random.random() < 0.5:
        lines.append(f"  cap cash at {amount()}\n")
    if random.random() < 0.5:
        lines.append(f"  round cash to {random.choice(['KES 10', 'KES 0.01', 'KES 5'])} {random.choice(['half up', 'half even', 'down', 'up'])}\n")
    return lines

def program():
    lines = [HEAD]
    lets = []
    for i in range(random.randrange(1, 4)):
        name = f"v{i}"
        lines.append(f"let {name} = {atom(2)}\n")
        lets.append(name)
    MONEY.extend(lets); NUM.extend(lets)
    lines.append("\neligible when\n")
    for i in range(random.randrange(1, 3)):
        lines.append(f"  r{i} \"Rule {i}\" {cond(2)}\n")
    lines.append("\nentitlement\n")
    for i in range(random.randrange(1, 4)):
        kind = random.choice(["cash", "cash", "in_kind"])
        e = atom(2)
        lines.append(item_line(kind, i, e, lambda: atom(1), lambda: cond(1)))
    lines.extend(cap_and_round(lambda: random.choice(MONEY)))
    for n in lets:
        MONEY.remove(n); NUM.remove(n)
    return "".join(lines)

os.makedirs(OUT, exist_ok=True)
for _ in range(400):
    s = program().encode()
    open(os.path.join(OUT, hashlib.sha1(s).hexdigest()), "wb").write(s)

# Well-typed programs: expressions built by type, so the checker's later passes (folding,
# contradictions, use-def, plan) see them.
TM = ["income", "base", "cap_amt", "KES 10", "KES 0.5", "sum(members, earnings)",
      "max(members, earnings)", "min(members, earnings)", "head.earnings"]
TN = ["size", "rate", "ration", "count(members)", "2", "0", "-1.5", "age(head.birthdate)",
      "sum(members, weight)", "count(members where age(birthdate) < 18)"]
TQ = ["10 kg", "2.5 kg", "0 kg"]

def typed(t, depth):
    pool = {"m": TM, "n": TN, "q": TQ}[t]
    if depth <= 0 or random.random() < 0.3:
        return random.choice(pool)
    k = random.randrange(6)
    d = depth - 1
    if k == 0 and t in "mq":
        return f"{typed(t, d)} {random.choice('+-')} {typed(t, d)}"
    if k == 0:
        return f"{typed('n', d)} {random.choice(OPS)} {typed('n', d)}"
    if k == 1:
        if t == "n" and random.random() < 0.5:
            return f"({typed('m', d)} / {typed('m', d)})"
        return f"({typed(t, d)} {random.choice('*/')} {typed('n', d)})" if t != "n" else f"({typed('n', d)} * {typed('n', d)})"
    if k == 2:
        return f"{random.choice(['min', 'max'])}({typed(t, d)}, {typed(t, d)})"
    if k == 3:
        return f"(if {tcond(d)} then {typed(t, d)} else {typed(t, d)})"
    if k == 4 and t == "n":
        return f"{typed('n', d)} * {typed('n', d)} - {typed('n', d)}"
    return f"abs({typed(t, d)})"

def tcond(depth):
    t = random.choice("mmnq")
    c = f"{typed(t, depth)} {random.choice(CMP)} {typed(t, depth)}"
    if depth > 0 and random.random() < 0.3:
        c = f"{c} {random.choice(['and', 'or'])} not ({tcond(depth - 1)})"
    return c

def typed_program():
    lines = [HEAD]
    for i in range(random.randrange(1, 4)):
        t = random.choice("mn")
        name = f"v{i}"
        lines.append(f"let {name} = {typed(t, 2)}\n")
        {"m": TM, "n": TN}[t].append(name)
    lines.append("\neligible when\n")
    for i in range(random.randrange(1, 3)):
        lines.append(f"  r{i} \"Rule {i}\" {tcond(2)}\n")
    if random.random() < 0.3:
        lines.append(f"  unless u0 \"Unless\" {tcond(1)}\n")
    lines.append("\nentitlement\n")
    for i in range(random.randrange(1, 4)):
        if random.random() < 0.7:
            e = typed("m", 2)
            kind = "cash"
        else:
            e = typed("q", 2)
            kind = "in_kind"
        lines.append(item_line(kind, i, e, lambda: typed("n", 1), lambda: tcond(1)))
    lines.extend(cap_and_round(lambda: typed("m", 1)))
    for p in (TM, TN):
        while p and p[-1].startswith("v"):
            p.pop()
    return "".join(lines)

for _ in range(400):
    s = typed_program().encode()
    open(os.path.join(OUT, "t" + hashlib.sha1(s).hexdigest()), "wb").write(s)
