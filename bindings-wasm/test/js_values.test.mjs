// What a front-end developer passes by habit: values JSON.stringify would silently turn into null,
// {} or a rounded integer. Each fails its own unit with the engine's R0005 (R0010 for the unit's
// shape), naming where the value is but never the value; the other units of a batch are decided.
// The codes and wording are the Node binding's (bindings-node/test/js_values.test.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import entitle, { program } from "./entitle.mjs";

const { compile, EvaluationError } = entitle;
const p = compile(program("child_grant.entitle"));
const AS_OF = "2026-03-01";
const household = (id, extra = {}) => ({
  id,
  region: "North",
  monthly_income: "KES 5000",
  members: [{ id: "M1", kind: "head", birthdate: "1990-01-01" }, { id: "M2", kind: "child", birthdate: "2020-05-01" }],
  ...extra,
});

function failureOf(unit) {
  try {
    p.evaluate(unit, AS_OF);
  } catch (e) {
    assert.ok(e instanceof EvaluationError, `expected an EvaluationError, got ${e}`);
    assert.deepEqual(e.result, { unit_id: e.unitId, error: e.details });
    return { code: e.code, message: e.message, field: e.details.field };
  }
  assert.fail("expected an EvaluationError");
}

test("an invalid Date or a boxed NaN is refused, not read as an unknown value", () => {
  // JSON.stringify writes both as null: the household was undetermined without a word.
  assert.deepEqual(failureOf(household("H1", { monthly_income: new Date("not a date") })), {
    code: "R0005",
    message: "unit H1: `monthly_income`: an invalid Date (new Date could not read its text), not an unknown value",
    field: "monthly_income",
  });
  assert.equal(failureOf(household("H1", { monthly_income: new Number(NaN) })).message,
    "unit H1: `monthly_income`: NaN, which is not a number the engine can read; give amounts as numbers or decimal strings");
  // parseFloat('') of an empty form field is NaN: an error for this household, not a TypeError.
  assert.equal(failureOf(household("H1", { monthly_income: parseFloat("") })).code, "R0005");
  assert.equal(failureOf(household("H1", { monthly_income: -Infinity })).field, "monthly_income");
  // A boxed number that is a number is read as the number.
  assert.equal(p.evaluate(household("H1", { monthly_income: new Number(5000) }), AS_OF).cash.total, "2000");
});

test("a Date is refused whatever the time zone (local midnight is the day before in UTC east of Greenwich)", () => {
  // new Date(1990, 0, 1) in Africa/Nairobi is 1989-12-31T21:00Z: JSON would give the wrong day.
  const e = failureOf(household("H1", { members: [{ id: "M1", kind: "head", birthdate: new Date(1990, 0, 1) }] }));
  assert.deepEqual(e, {
    code: "R0005",
    message: 'unit H1: `member M1: birthdate`: a Date object; give dates as ISO strings such as "2026-03-01" (a Date is an instant, and its day depends on the time zone)',
    field: "member M1: birthdate",
  });
});

test("an integer beyond 2^53 is refused: the JS number is no longer what was written", () => {
  // 12345678901234567890 is held as 12345678901234567168: the household was decided on another income.
  const income = failureOf(household("H1", { monthly_income: 12345678901234567890 }));
  assert.equal(income.message,
    "unit H1: `monthly_income`: an integer beyond 2^53, where a JS number is no longer the integer written; give it as a string or a BigInt");
  // An id that lost its last digit would be another unit's id; the message never shows the value.
  const id = failureOf(household(9007199254740993));
  assert.equal(id.field, "id");
  assert.match(id.message, /^`id`: an integer beyond 2\^53/);
  assert.doesNotMatch(id.message, /900719925474099/);
  assert.equal(p.evaluate(household(9007199254740993n), AS_OF).unit_id, "9007199254740993");
  assert.equal(p.evaluate(household(Number.MAX_SAFE_INTEGER), AS_OF).unit_id, "9007199254740991");
  assert.equal(p.evaluate(household(42), AS_OF).unit_id, "42");
});

test("Maps, Sets, iterators and binary data are named, not sent as {}", () => {
  assert.deepEqual(failureOf(new Map(Object.entries(household("H1")))), {
    code: "R0010",
    message: "the unit's data is malformed: the unit is a Map; give a plain object (Object.fromEntries(map))",
    field: undefined,
  });
  const members = household("H1").members;
  assert.equal(failureOf(household("H1", { members: new Set(members) })).message,
    "unit H1: the unit's data is malformed: `members` is a Set; give an array ([...set])");
  assert.equal(failureOf(household("H1", { members: members.values() })).message,
    "unit H1: the unit's data is malformed: `members` is an iterator; give an array ([...values])");
  assert.equal(failureOf(household("H1", { monthly_income: new TextEncoder().encode("5000") })).message,
    "unit H1: `monthly_income`: binary data (a Buffer or typed array), which is not unit data");
  assert.equal(failureOf(household("H1", { region: new Map() })).field, "region");
});

test("a bad value inside a member, a record or an amount is named by where it is", () => {
  const noMemberId = household("H1", { members: [{ kind: "head", birthdate: "1990-01-01" }, { kind: "child", birthdate: NaN }] });
  assert.equal(failureOf(noMemberId).field, "member #2: birthdate");
  assert.equal(failureOf(household("H1", { monthly_income: { amount: NaN, currency: "KES" } })).field, "monthly_income.amount");
});

test("in a batch, a unit with a bad value fails alone and the others are decided", () => {
  const units = [household("H1"), household("H2", { monthly_income: NaN }), household("H3", { members: [{ id: "M1", birthdate: new Date("x") }] }), household("H4")];
  const results = p.evaluateBatch(units, AS_OF);
  assert.deepEqual(results.map((r) => r.unit_id), ["H1", "H2", "H3", "H4"]);
  assert.deepEqual(results.map((r) => r.decision ?? r.error.code), ["eligible", "R0005", "R0005", "eligible"]);
  assert.deepEqual(results[1].error, {
    code: "R0005",
    field: "monthly_income",
    reason: "NaN, which is not a number the engine can read; give amounts as numbers or decimal strings",
    message: "`monthly_income`: NaN, which is not a number the engine can read; give amounts as numbers or decimal strings",
  });
  assert.equal(results[2].error.field, "member M1: birthdate");
  // A preview over a few thousand households: one bad form value is one error, at its index.
  const many = Array.from({ length: 3000 }, (_, i) => household(`H${i}`, i === 2345 ? { monthly_income: Infinity } : {}));
  const all = p.evaluateBatch(many, AS_OF);
  assert.equal(all.length, 3000);
  assert.deepEqual(all.flatMap((r, i) => (r.error ? [[i, r.unit_id, r.error.code]] : [])), [[2345, "H2345", "R0005"]]);
  // The batch goes to the engine in slices of 2,048 units: the order holds across them, and the
  // decisions are those of the units evaluated one by one.
  assert.deepEqual(all.map((r) => r.unit_id), many.map((u) => u.id));
  for (const i of [0, 2047, 2048, 2999]) assert.deepEqual(all[i], p.evaluate(many[i], AS_OF));
  // Holes stay units (an R0010 each) beside a bad value, and the indexes hold.
  const sparse = p.evaluateBatch([household("H1"), , household("H3", { monthly_income: NaN })], AS_OF); // eslint-disable-line no-sparse-arrays
  assert.deepEqual(sparse.map((r) => r.decision ?? r.error.code), ["eligible", "R0010", "R0005"]);
});

test("explain and runCycle refuse a bad value too: explain for the unit, runCycle for the run", () => {
  assert.throws(() => p.explain(household("H1", { monthly_income: NaN }), AS_OF), { name: "EvaluationError", code: "R0005", unitId: "H1" });
  // A run is all or nothing: it never leaves a unit out of the totals.
  assert.throws(() => p.runCycle([household("H1"), household("H2", { monthly_income: NaN })], AS_OF), {
    name: "TypeError",
    code: "ERR_INVALID_ARG_VALUE",
    message: "entitle: units[1]: unit H2: `monthly_income`: NaN, which is not a number the engine can read; give amounts as numbers or decimal strings",
  });
  assert.throws(() => p.runCycle([household("H1")], AS_OF, { top: NaN }), {
    name: "TypeError",
    message: 'entitle: "top" is NaN, which is not a number the engine can read; give amounts as numbers or decimal strings',
  });
});

test("a getter that throws is the caller's own error for one unit, and that unit's R0005 in a batch", () => {
  const boom = new Error("boom: a registrant's value");
  const unit = household("H1");
  Object.defineProperty(unit, "region", { enumerable: true, get() { throw boom; } });
  assert.throws(() => p.evaluate(unit, AS_OF), (e) => e === boom);
  // In a batch it took every other unit with it: it fails alone, named, its message unshown.
  const results = p.evaluateBatch([household("H0"), unit, household("H2")], AS_OF);
  assert.deepEqual(results.map((r) => r.decision ?? r.error.code), ["eligible", "R0005", "eligible"]);
  assert.deepEqual(results[1], {
    unit_id: "H1",
    error: { code: "R0005", field: "region", reason: "a value that could not be read (reading it threw an Error)", message: "`region`: a value that could not be read (reading it threw an Error)" },
  });
});

test("a toJSON, a Proxy trap or a member's getter that throws fails its unit alone in a batch", () => {
  const badToJSON = household("H1", { monthly_income: { toJSON() { throw new TypeError("no"); } } });
  const proxy = new Proxy(household("H2"), { ownKeys() { throw new RangeError("trap"); } });
  const { proxy: revoked, revoke } = Proxy.revocable(household("H3"), {});
  revoke();
  const member = household("H4");
  Object.defineProperty(member.members[1], "birthdate", { enumerable: true, get() { throw "a string"; } });
  const generation = entitle.__testing.generation();
  const results = p.evaluateBatch([household("H0"), badToJSON, proxy, revoked, member, household("H5")], AS_OF);
  assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    "eligible",
    "H1 R0005 `monthly_income`: a value that could not be read (reading it threw a TypeError)",
    "H2 R0010 the unit's data is malformed: the unit is a value that could not be read (reading it threw a RangeError)",
    " R0010 the unit's data is malformed: the unit is a value that could not be read (reading it threw a TypeError)",
    "H4 R0005 `member M2: birthdate`: a value that could not be read (reading it threw a string)",
    "eligible",
  ]);
  // A RangeError of the caller's is not the instance's stack running out: no restart.
  assert.equal(entitle.__testing.generation(), generation);
});

test("nesting deeper than the engine reads (128 levels) fails its unit alone, as objects and as text", () => {
  // 130 levels: JavaScript writes it, but the engine's reader refused the whole slice of 2,048 units.
  const nested = (levels, wrap = (v) => ({ a: v })) => {
    let v = "x";
    for (let i = 0; i < levels; i++) v = wrap(v);
    return v;
  };
  // Under a key the program does not declare (`note`), nothing is read, however deep (H3).
  const units = [household("H0"), household("H1", { region: nested(130) }), household("H2", { region: nested(70, (v) => [v]) }), household("H3", { note: nested(130) })];
  assert.deepEqual(p.evaluateBatch(units, AS_OF).map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    "eligible",
    "H1 R0005 `region`: nested more than 64 levels deep, which is not unit data",
    "H2 R0005 `region`: nested more than 64 levels deep, which is not unit data",
    "eligible",
  ]);
  assert.throws(() => p.evaluate(household("H1", { region: nested(65, (v) => [v]) }), AS_OF), { name: "EvaluationError", code: "R0005" });
  // 64 levels are still data (of the wrong type here), as in Python.
  assert.equal(failureOf(household("H1", { region: nested(64, (v) => [v]) })).message, "unit H1: `region`: expected text, found a list");
  // Units given as JSON text are read one by one when the whole cannot be: the deep one is an R0010.
  const text = `[${JSON.stringify(household("H0"))},${JSON.stringify(household("H1", { note: nested(130) }))},${JSON.stringify(household("H2"))}]`;
  assert.deepEqual(p.evaluateBatch(text, AS_OF).map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    "eligible",
    "H1 R0010 the unit's data is malformed: the unit is nested more than 128 levels deep (objects and arrays), more than the engine's JSON reader takes",
    "eligible",
  ]);
  assert.throws(() => p.runCycle(text, AS_OF), { name: "TypeError", code: "ERR_INVALID_ARG_VALUE", message: /^entitle: units\[1\]: the unit's data is malformed: the unit is nested more than 128 levels/ });
});

test("a string with half of a character fails its unit alone, as objects and as text; a whole emoji is text", () => {
  const cut = "\u{1F600}".slice(0, 1);
  // Under a key the program does not declare (`name`), nothing is read (H2), as in Python.
  const units = [household("H0", { region: "North \u{1F600}" }), household("H1", { members: [{ id: "M1", kind: "head", birthdate: `1990-01-01${cut}` }] }), household("H2", { members: [{ id: "M1", kind: "head", birthdate: "1990-01-01", name: `Ann ${cut}` }, { id: "M2", kind: "child", birthdate: "2020-05-01" }] })];
  const results = p.evaluateBatch(units, AS_OF);
  assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.field}`), ["H0 R0008 region", "H1 R0005 member M1: birthdate", "eligible"]);
  assert.equal(results[1].error.reason, "text with half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which is not unit data");
  // JSON text with a \ud83d escape is refused by the engine's reader, wherever it is (as Python's evaluate_batch_json).
  assert.deepEqual(p.evaluateBatch(JSON.stringify(units), AS_OF).map((r) => r.decision ?? `${r.unit_id} ${r.error.code}`), ["H0 R0008", "H1 R0010", "H2 R0010"]);
});

test("a unit whose JSON is longer than a string holds fails alone (R0010), quickly", () => {
  // 40 references to one 16 Mi string: 640 Mi characters, past V8's longest string (about 512 Mi),
  // on which JSON.stringify threw a bare RangeError; the encoder stops at 128 Mi.
  const big = "x".repeat(2 ** 24);
  const started = Date.now();
  const generation = entitle.__testing.generation();
  const results = p.evaluateBatch([household("H0"), household("H1", { region: Array(40).fill(big) }), household("H2")], AS_OF);
  assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    "eligible",
    "H1 R0010 the unit's data is malformed: the unit is larger than 128 Mi characters of JSON, more than one call into the engine takes",
    "eligible",
  ]);
  // Units that each fit but together pass the limit go to the engine in several calls.
  const many = p.evaluateBatch(Array.from({ length: 10 }, (_, i) => household(`H${i}`, { members: [{ id: "M1", kind: ["head", big], birthdate: "1990-01-01" }, { id: "M2", kind: "child", birthdate: "2020-05-01" }] })), AS_OF);
  assert.deepEqual(many.map((r) => r.decision), Array(10).fill("eligible"));
  // A key the program does not declare is not sent: its text counts for nothing.
  assert.deepEqual(p.evaluateBatch([household("H0", { notes: Array(40).fill(big) })], AS_OF).map((r) => r.decision), ["eligible"]);
  assert.equal(entitle.__testing.generation(), generation);
  assert.ok(Date.now() - started < 10000, `${Date.now() - started} ms`);
});

test("a result longer than the engine hands back in one string is its unit's R0010, never null", () => {
  // Two rules read the note, so the explanation holds it twice: 2 × 66 Mi characters, past 128 MiB.
  const echo = compile('program echo "Echo"\n  target individual\ninputs\n  person.note: text\neligible when\n  n "Has a note" note != ""\n  m "Not y" note != "y"\n');
  const note = "x".repeat(66 * 2 ** 20);
  const results = echo.evaluateBatch([{ id: "P0", note: "a" }, { id: "P1", note }, { id: "P2", note: "b" }], AS_OF, { explain: true });
  assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    "eligible",
    "P1 R0010 the unit's data is malformed: its result is longer than 128 MiB of JSON, more than one JavaScript string is given to hold; the unit's data is too large",
    "eligible",
  ]);
});

test("mistakes with the arguments are TypeErrors that say what was given", () => {
  // Options given as an array (`[]` was read as no options, `["explain"]` as an unknown option `0`).
  for (const call of [() => p.evaluate(household("H1"), AS_OF, []), () => p.runTests(["fr"]), () => compile("program p", [])]) {
    assert.throws(call, { name: "TypeError", code: "ERR_INVALID_ARG_TYPE", message: "entitle: options must be an object, got an array" });
  }
  assert.throws(() => compile(new TextEncoder().encode("program p")), {
    name: "TypeError",
    code: "ERR_INVALID_ARG_TYPE",
    message: "entitle: source must be a string, got binary data (decode it with new TextDecoder().decode(bytes))",
  });
  assert.throws(() => p.evaluateBatch(household("H1"), AS_OF), {
    name: "TypeError",
    code: "ERR_INVALID_ARG_TYPE",
    message: "entitle: units must be an array of units (or its JSON text), got object (one unit? evaluate it, or pass [unit])",
  });
  assert.throws(() => p.evaluateBatch(new Set([household("H1")]), AS_OF), { message: "entitle: units must be an array of units (or its JSON text), got a Set" });
  // Inherited names are not options.
  assert.throws(() => p.evaluate(household("H1"), AS_OF, { toString: true }), {
    code: "ERR_INVALID_ARG_VALUE",
    message: "entitle: unknown option `toString` (known: explain, strict)",
  });
  // A method taken off its program fails with JavaScript's own TypeError, not an engine error.
  const { evaluate } = p;
  assert.throws(() => evaluate(household("H1"), AS_OF), (e) => e instanceof TypeError && e.code === undefined);
});

test("a cycle or nesting too deep for JSON fails its unit with R0005 naming the field, never INTERNAL", () => {
  const cycle = household("H1");
  cycle.region = cycle;
  assert.deepEqual(failureOf(cycle), {
    code: "R0005",
    message: "unit H1: `region`: a reference to an object that contains it (a cycle), which is not unit data",
    field: "region",
  });
  const inMember = household("H1");
  inMember.members[1].birthdate = inMember;
  assert.equal(failureOf(inMember).field, "member M2: birthdate");
  // Under keys the program does not declare, nothing is read: no cycle is met (as in Python).
  const ignored = household("H1");
  ignored.self = ignored;
  ignored.members[1].home = ignored;
  assert.equal(p.evaluate(ignored, AS_OF).decision, "eligible");
  const asMember = household("H1");
  asMember.members.push(asMember);
  assert.deepEqual(failureOf(asMember), {
    code: "R0010",
    message: "unit H1: the unit's data is malformed: member 3 is a reference to an object that contains it (a cycle), which is not unit data",
    field: undefined,
  });
  // JSON.stringify runs out of call stack (a RangeError) on this: it was thrown bare.
  let deep = {};
  for (let i = 0; i < 100000; i++) deep = { a: deep };
  assert.deepEqual(failureOf(household("H1", { region: deep })), {
    code: "R0005",
    message: "unit H1: `region`: nested more than 64 levels deep, which is not unit data",
    field: "region",
  });
  const units = [household("H0"), cycle, household("H2", { members: [{ id: "M1", kind: "head", birthdate: deep }] }), household("H3")];
  assert.deepEqual(p.evaluateBatch(units, AS_OF).map((r) => r.decision ?? `${r.error.code} ${r.error.field}`), [
    "eligible", "R0005 region", "R0005 member M1: birthdate", "eligible",
  ]);
  // A run converts its units whole, as Python's run_cycle does: any cycle refuses it.
  assert.throws(() => p.runCycle([household("H0"), ignored], AS_OF), {
    name: "TypeError",
    code: "ERR_INVALID_ARG_VALUE",
    message: "entitle: units[1]: unit H1: `member M2: home`: a reference to an object that contains it (a cycle), which is not unit data",
  });
  const cycleOptions = { previous: {} };
  cycleOptions.previous.self = cycleOptions;
  assert.throws(() => p.runCycle([household("H0")], AS_OF, cycleOptions), {
    name: "TypeError",
    code: "ERR_INVALID_ARG_VALUE",
    message: 'entitle: "previous" is a reference to an object that contains it (a cycle), which is not unit data',
  });
  // A getter's own RangeError is still the caller's for one unit (not an engine restart), and in a
  // batch not a depth problem.
  const own = new RangeError("mine");
  const unit = household("H1");
  Object.defineProperty(unit, "region", { enumerable: true, get() { throw own; } });
  assert.throws(() => p.evaluate(unit, AS_OF), (e) => e === own);
  assert.equal(p.evaluateBatch([household("H0"), unit], AS_OF)[1].error.message, "`region`: a value that could not be read (reading it threw a RangeError)");
});

test("a unit too large for one call is refused before the engine, not an INTERNAL error and a restart", () => {
  // 2^27 characters of JSON and more: sent as it was, an allocation the instance cannot make aborted it.
  const big = "é".repeat(2 ** 27);
  const generation = entitle.__testing.generation();
  assert.deepEqual(failureOf(household("H1", { region: big })), {
    code: "R0010",
    message: "unit H1: the unit's data is malformed: the unit is larger than 128 Mi characters of JSON, more than one call into the engine takes",
    field: undefined,
  });
  assert.deepEqual(p.evaluateBatch([household("H0"), household("H1", { region: big })], AS_OF).map((r) => r.decision ?? r.error.code), ["eligible", "R0010"]);
  const text = JSON.stringify(household("H1", { region: big }));
  assert.throws(() => p.evaluate(text, AS_OF), {
    name: "TypeError",
    code: "ERR_INVALID_ARG_VALUE",
    message: "entitle: the unit's JSON text is larger than 128 Mi characters of JSON, more than one call into the engine takes",
  });
  assert.throws(() => p.evaluateBatch(`[${text}]`, AS_OF), { code: "ERR_INVALID_ARG_VALUE" });
  assert.equal(entitle.__testing.generation(), generation, "the engine was not restarted");
});

test('a truth value is true/false, 1/0, or text such as "yes", "on" or "0"; another number is R0005', () => {
  const flags = compile('program flags "Flags"\n  target individual\ninputs\n  person.flag: bool\neligible when\n  f "F" flag\n');
  const decide = (flag) => {
    try {
      return flags.evaluate({ id: "P1", flag }, AS_OF).decision;
    } catch (e) {
      return `${e.code} ${e.message}`;
    }
  };
  const cases = [
    [true, "eligible"], [false, "not_eligible"], [1, "eligible"], [0, "not_eligible"], [1n, "eligible"], [0n, "not_eligible"],
    ["TRUE", "eligible"], ["no", "not_eligible"], ["1", "eligible"], ["0", "not_eligible"],
    // new FormData(form).get("flag") is "on" for a ticked checkbox.
    ["on", "eligible"], ["Off", "not_eligible"], ["", "undetermined"], [null, "undetermined"], [undefined, "undetermined"],
  ];
  assert.deepEqual(cases.map(([flag]) => decide(flag)), cases.map(([, want]) => want));
  for (const flag of [2, 0.5, -1, 2n, "2", "maybe"]) {
    assert.equal(decide(flag), "R0005 unit P1: `flag`: expected a truth value (true/false, yes/no, on/off, 1/0)", String(flag));
  }
});

test("a small number JavaScript prints with an exponent is that decimal exactly, as in Python", () => {
  // String(1e-7) is "1e-7": it was refused, while Python's Decimal("1E-7") was read as 0.0000001.
  const explained = (income) => p.evaluate(household("H1", { monthly_income: income }), AS_OF, { explain: true });
  // The income shared by two members.
  const perPerson = (d) => d.explanation.rules.find((r) => r.id === "poor").values.find((v) => v.name === "income_per_person").value;
  assert.equal(perPerson(explained(1e-7)), "KES 0.00000005");
  assert.equal(perPerson(explained(2.5e-7)), "KES 0.000000125");
  assert.deepEqual(failureOf(household("H1", { monthly_income: 5e-324 })), {
    code: "R0005",
    message: "unit H1: `monthly_income`: the number is out of range or not exact",
    field: "monthly_income",
  });
});

test("results and runs longer than one string holds come back whole, in several texts, in order", () => {
  const units = Array.from({ length: 40 }, (_, i) => household(`H${i}`, i % 3 === 0 ? { monthly_income: "KES 50000" } : {}));
  const options = { fund: { posted: "30000" }, previous: { H1: "enrolled" } };
  const whole = p.runCycle(units, AS_OF, options);
  const batch = p.evaluateBatch(units, AS_OF);
  // The real limit is 128 MiB; at 1,200 bytes the 40 results take several texts (each fits one).
  const limit = 1200;
  assert.ok(Math.max(...whole.units.map((u) => JSON.stringify(u).length), ...batch.map((r) => JSON.stringify(r).length)) < limit - 2);
  assert.ok(JSON.stringify(batch).length > 4 * limit, "the results need several texts at this limit");
  entitle.__testing.setResultTextLimit(limit);
  let split;
  let splitBatch;
  let explained;
  try {
    split = p.runCycle(units, AS_OF, options);
    splitBatch = p.evaluateBatch(units, AS_OF);
    explained = p.evaluateBatch(units.slice(0, 3), AS_OF, { explain: true });
  } finally {
    entitle.__testing.setResultTextLimit(undefined);
  }
  // The same run and results, keys in the same order.
  assert.equal(JSON.stringify(split), JSON.stringify(whole));
  assert.equal(JSON.stringify(splitBatch), JSON.stringify(batch));
  assert.equal(whole.totals.units, 40);
  // An eligible unit's explained decision is longer than the limit alone: its unit's R0010; the
  // refused H0's fits and is kept.
  assert.deepEqual(explained.map((r) => [r.unit_id, r.error?.code ?? r.decision]), [["H0", "not_eligible"], ["H1", "R0010"], ["H2", "R0010"]]);
  assert.match(explained[1].error.message, /its result is longer than 1200 bytes of JSON/);
});

test("a key with half of a character is ignored as any key the program does not declare, and R0011 with strict, as in Python", () => {
  // JSON.stringify writes the key as a \ud800 escape, which the engine's reader refuses for the
  // whole text. The key is not declared, so it is not read (Python ignores it too); with strict
  // binding it is named with U+FFFD in its place, as Python names it.
  const unit = household("H1", { ["x\ud800"]: "y\udc00" });
  const [good, batched] = p.evaluateBatch([household("H0"), unit], AS_OF);
  assert.deepEqual([good.decision, batched.decision], ["eligible", "eligible"]);
  assert.equal(p.evaluate(unit, AS_OF).decision, "eligible");
  assert.match(p.explain(unit, AS_OF), /^Child Support Grant — H1 — 2026-03-01/);
  const [, strict] = p.evaluateBatch([household("H0"), unit], AS_OF, { strict: true });
  assert.deepEqual([strict.unit_id, strict.error.code, strict.error.field], ["H1", "R0011", "x\ufffd"]);
  for (const call of [() => p.evaluate(unit, AS_OF, { strict: true }), () => p.explain(unit, AS_OF, { strict: true })]) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof EvaluationError, `expected an EvaluationError, got ${e}`);
      assert.deepEqual([e.code, e.unitId, e.details.field], ["R0011", "H1", "x\ufffd"]);
      return true;
    });
  }
  // A member's key is named with the member; a bad value of a declared input beside it is named.
  const member = household("H2", { members: [{ id: "M1", kind: "head", birthdate: "1990-01-01", ["\udc00"]: 2 }, { id: "M2", kind: "child", birthdate: "2020-05-01" }] });
  assert.equal(p.evaluate(member, AS_OF).decision, "eligible");
  assert.throws(() => p.evaluate(member, AS_OF, { strict: true }), { code: "R0011", details: { code: "R0011", field: "member M1: \ufffd", message: "`member M1: \ufffd` is not an input of this program" } });
  member.members[1].birthdate = NaN;
  assert.equal(failureOf(member).field, "member M2: birthdate");
  // A key with half of a character inside a value is that value's problem.
  assert.equal(failureOf(household("H3", { monthly_income: { amount: "5000", currency: "KES", ["\ud800"]: 1 } })).field, "monthly_income.\ufffd");
});

test("a key the program does not declare is ignored whatever its value (as in Python), and R0011 with strict", () => {
  const extra = { note: NaN, seen: new Date("2026-01-01"), big: 2n ** 80n, tags: new Set(["a"]), raw: new Uint8Array(2), f: () => 1 };
  const unit = household("H1", { ...extra, members: [{ id: "M1", kind: "head", birthdate: "1990-01-01", ...extra }, { id: "M2", kind: "child", birthdate: "2020-05-01", score: Infinity }] });
  assert.equal(p.evaluate(unit, AS_OF).decision, "eligible");
  assert.equal(p.evaluateBatch([unit], AS_OF)[0].decision, "eligible");
  // The names come first with strict, in byte order, before any value: as Python and the engine.
  assert.throws(() => p.evaluate(unit, AS_OF, { strict: true }), { code: "R0011", details: { code: "R0011", field: "big", message: "`big` is not an input of this program" } });
  // A declared input's bad value still fails its unit.
  assert.equal(failureOf({ ...unit, region: NaN }).field, "region");
});

test("unit text the engine's reader refuses is that unit's R0010 in evaluate and explain, as in a batch", () => {
  // Valid JSON that serde_json refuses: a \ud800 escape with no pair, nesting over 128 levels.
  for (const text of ['{"id": "H1", "region": "\\ud800"}', `{"id": "H1", "region": ${"[".repeat(200)}${"]".repeat(200)}}`]) {
    const [batched] = p.evaluateBatch(`[${text}]`, AS_OF);
    assert.deepEqual([batched.unit_id, batched.error.code], ["H1", "R0010"]);
    for (const call of [() => p.evaluate(text, AS_OF), () => p.explain(text, AS_OF)]) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof EvaluationError, `expected an EvaluationError, got ${e}`);
        assert.deepEqual([e.code, e.unitId, e.result], ["R0010", "H1", batched]);
        return true;
      });
    }
  }
  // Text that is not one JSON value is still the caller's TypeError.
  for (const text of ['{"id": "H1"}, {"id": "H2"}', "{"]) {
    assert.throws(() => p.evaluate(text, AS_OF), (e) => e instanceof TypeError && e.code === "ERR_INVALID_ARG_VALUE");
  }
});
