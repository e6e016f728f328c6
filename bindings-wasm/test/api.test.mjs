// The package's API from JavaScript: values, codes and spans, not just that something ran.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import entitle, { program, pkgDir, repoDir, wasmFile } from "./entitle.mjs";

const { compile, check, version, locales, CompileError, EvaluationError, EntitleError } = entitle;
const CHILD_GRANT = program("child_grant.entitle");
const AS_OF = "2026-03-01";

const household = {
  id: "H1",
  region: "North",
  monthly_income: "5000",
  members: [
    { id: "M1", kind: "head", birthdate: "1990-01-01" },
    { id: "M2", kind: "child", birthdate: "2020-05-01" },
    { id: "M3", kind: "child", birthdate: "2022-01-01", disabled: true },
  ],
};

test("a compiled program describes itself", () => {
  const p = compile(CHILD_GRANT);
  assert.equal(p.id, "child_grant");
  assert.equal(p.title, "Child Support Grant");
  assert.equal(p.version, "2026.1");
  assert.equal(p.target, "household");
  assert.equal(p.currency, "KES");
  assert.match(p.hash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(p.source, CHILD_GRANT);
  assert.deepEqual(p.inputs[0], {
    scope: "household",
    name: "region",
    type: { type: "text" },
    label: "Region",
    choices: ["North", "East", "South", "West"],
    used: true,
  });
  assert.deepEqual(p.inputs[1].type, { type: "money", currency: "KES" });
  assert.deepEqual(
    p.inputs.map((i) => [i.scope, i.name, i.default ?? null]),
    [
      ["household", "region", null],
      ["household", "monthly_income", null],
      ["household", "enrolled_in_pension", false],
      ["member", "birthdate", null],
      ["member", "disabled", false],
    ],
  );
  assert.deepEqual(p.params[0], {
    name: "base_amount",
    type: { type: "money", currency: "KES" },
    label: "Base amount",
    values: [
      { from: "2026-01-01", value: "KES 1500" },
      { from: "2027-01-01", value: "KES 1800" },
    ],
  });
  assert.deepEqual(p.rules.map((r) => `${r.kind}:${r.id}`), ["when:has_child", "when:poor", "when:covered", "unless:pensioner"]);
  assert.deepEqual(p.items[3], { id: "maize", kind: "in_kind", sentence: "Maize ration", unit: "kg", line: 34 });
  // The lines and units of measure Node's and Python's programs give too.
  assert.deepEqual(p.rules.map((r) => r.line), [25, 26, 27, 28]);
  assert.deepEqual(p.items.map((i) => i.line), [31, 32, 33, 34]);
  assert.deepEqual(p.unitsOfMeasure, ["kg"]);
  assert.equal(p.translations.fr.has_child, "Au moins un enfant de moins de 18 ans");
  assert.ok(Object.isFrozen(p.inputs) && Object.isFrozen(p.inputs[0]));
  assert.deepEqual(p.warnings, []);
});

test("evaluate gives the engine's decision with exact decimal amounts", () => {
  const p = compile(CHILD_GRANT);
  const d = p.evaluate(household, AS_OF);
  assert.equal(d.unit_id, "H1");
  assert.equal(d.decision, "eligible");
  assert.equal(d.as_of, AS_OF);
  assert.deepEqual(d.program, { id: "child_grant", version: "2026.1", hash: p.hash });
  // 1500 base + 2 × 500 per child + 1 × 300 disability top-up = 2800, rounded to KES 10.
  assert.deepEqual(d.cash, { capped: false, currency: "KES", fee: "0", floored: false, items_total: "2800", net: "2800", rounded: false, total: "2800" });
  assert.deepEqual(d.items.map((i) => [i.id, i.applied, i.amount]), [["base", true, "1500"], ["per_child", true, "1000"], ["disabled", true, "300"], ["maize", true, "30"]]);
  assert.deepEqual(d.in_kind, [{ unit: "kg", quantity: "30" }]);
  assert.deepEqual(d.missing, []);
  assert.equal(d.explanation, undefined);
  const explained = p.evaluate(household, AS_OF, { explain: true });
  assert.deepEqual(explained.explanation.rules[1].values, [
    { name: "income_per_person", source: "let", value: "KES 1666.6666666666666666666666667" },
    { name: "ceiling_per_person", source: "param", value: "KES 3000" },
  ]);
  assert.deepEqual(explained.explanation.adjustments, []);
});

test("missing data is unknown, and the decision says which inputs are missing", () => {
  const p = compile(CHILD_GRANT);
  const d = p.evaluate({ id: "H2", region: "East", members: household.members }, AS_OF);
  assert.equal(d.decision, "undetermined");
  assert.deepEqual(d.missing, ["monthly_income"]);
  assert.deepEqual(d.rules.map((r) => r.outcome), ["met", "unknown", "met", "not_met"]);
  assert.equal(d.cash, undefined);
});

test("JSON text keeps numbers exactly as written; JS numbers are read as JavaScript prints them", () => {
  const p = compile(["program t \"T\"", "  target individual", "  currency KES", "inputs", "  person.income: money",
    "eligible when", "  low \"Low income\" income < KES 1000", "entitlement", "  cash c \"C\" KES 1", ""].join("\n"));
  const text = '{"id": 7, "income": 999.50}';
  const fromText = p.evaluate(text, AS_OF, { explain: true });
  assert.equal(fromText.unit_id, "7");
  assert.deepEqual(fromText.explanation.rules[0].values, [{ name: "income", source: "input", value: "KES 999.50" }]);
  const fromObject = p.evaluate(JSON.parse(text), AS_OF, { explain: true });
  assert.equal(fromObject.explanation.rules[0].values[0].value, "KES 999.5");
  const fromString = p.evaluate({ id: 7, income: "KES 999.50" }, AS_OF, { explain: true });
  assert.equal(fromString.explanation.rules[0].values[0].value, "KES 999.50");
  const fromBigInt = p.evaluate({ id: 8, income: 12345678901234567890n }, AS_OF, { explain: true });
  assert.equal(fromBigInt.explanation.rules[0].values[0].value, "KES 12345678901234567890");
  assert.equal(fromBigInt.decision, "not_eligible");
});

test("evaluateBatch gives one result per unit, in order, errors included", () => {
  const p = compile(CHILD_GRANT);
  const units = [
    household,
    { id: "H2", region: "South", monthly_income: "100", members: household.members },
    { id: "H3", members: [{ id: "M1", birthdate: "2030-01-01" }] },
    "not a unit",
  ];
  const results = p.evaluateBatch(units, AS_OF);
  assert.equal(results.length, 4);
  assert.equal(results[0].cash.total, "2800");
  assert.equal(results[1].decision, "not_eligible");
  assert.deepEqual(results[1].rules.find((r) => r.id === "covered").outcome, "not_met");
  assert.equal(results[2].unit_id, "H3");
  assert.equal(results[2].error.code, "R0003");
  assert.equal(results[2].error.at, "children");
  assert.equal(results[3].error.code, "R0010");
  assert.deepEqual(p.evaluateBatch(units.slice(0, 2), AS_OF), results.slice(0, 2));
  assert.deepEqual(p.evaluateBatch(JSON.stringify(units.slice(0, 2)), AS_OF), results.slice(0, 2));
  assert.deepEqual(p.evaluateBatch([], AS_OF), []);
});

test("a unit that cannot be evaluated throws EvaluationError with the engine's code and record", () => {
  const p = compile(CHILD_GRANT);
  const unit = { id: "H3", members: [{ id: "M1", birthdate: "2030-01-01" }] };
  assert.throws(() => p.evaluate(unit, AS_OF), (e) => {
    assert.ok(e instanceof EvaluationError && e instanceof EntitleError && e instanceof Error);
    assert.equal(e.name, "EvaluationError");
    assert.equal(e.code, "R0003");
    assert.equal(e.unitId, "H3");
    assert.deepEqual(e.diagnostics, []);
    assert.equal(e.details.at, "children");
    assert.deepEqual(e.result, p.evaluateBatch([unit], AS_OF)[0]);
    assert.equal(e.message, "unit H3: `children` computes an age from a date after the as-of date");
    return true;
  });
  assert.throws(() => p.evaluate(household, "2026-02-30"), { name: "EvaluationError", code: "R0010" });
  // R0008 names the program's choices and how text is compared, never the value refused.
  assert.throws(() => p.evaluate({ ...household, region: "Mars" }, AS_OF), (e) => {
    assert.equal(e.code, "R0008");
    assert.equal(e.unitId, "H1");
    assert.deepEqual(e.details.choices, ["North", "East", "South", "West"]);
    assert.equal(e.details.choices_total, 4);
    assert.equal(
      e.message,
      "unit H1: `region` is not one of its declared choices: North, East, South, West; written as declared, capitals included (spaces around the value do not count)",
    );
    assert.ok(!JSON.stringify(e.details).includes("Mars"));
    return true;
  });
  assert.throws(() => p.evaluate({ ...household, monthly_income: "lots" }, AS_OF), { code: "R0005" });
  assert.throws(() => p.evaluate([1, 2], AS_OF), { code: "R0010" });
  // A unit without an id: its error says so, with no `unit :` before it.
  assert.throws(() => p.evaluate({ region: "North" }, AS_OF), {
    name: "EvaluationError",
    code: "R0010",
    unitId: "",
    message: "the unit's data is malformed: the unit has no `id` (a string or a number)",
  });
});

test("arguments of the wrong type are TypeErrors, never silent unknowns", () => {
  const p = compile(CHILD_GRANT);
  assert.throws(() => p.evaluate(household, new Date("2026-03-01")), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
  // Unit values JSON cannot carry fail the unit (js_values.test.mjs), not the call.
  assert.throws(() => p.evaluate({ ...household, monthly_income: NaN }, AS_OF), { name: "EvaluationError", code: "R0005" });
  assert.throws(() => p.evaluate({ ...household, monthly_income: Infinity }, AS_OF), EvaluationError);
  assert.throws(() => p.evaluate({ ...household, members: [{ id: "M1", birthdate: new Date(0) }] }, AS_OF), /Date object/);
  assert.throws(() => p.evaluate(household, AS_OF, { explain: "yes" }), { code: "ERR_INVALID_ARG_TYPE" });
  assert.throws(() => p.evaluate(household, AS_OF, { explian: true }), /unknown option `explian`/);
  assert.throws(() => p.evaluateBatch(household, AS_OF), { code: "ERR_INVALID_ARG_TYPE" });
  assert.throws(() => p.evaluateBatch("{not json", AS_OF), { name: "TypeError", code: "ERR_INVALID_ARG_VALUE" });
  assert.throws(() => p.evaluateBatch("{}", AS_OF), /must be a JSON array/);
  assert.throws(() => compile(42), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
  assert.throws(() => check(null), TypeError);
});

test("explain renders the decision in English and in French, with the program's translations", () => {
  const p = compile(CHILD_GRANT);
  const en = p.explain(household, AS_OF);
  assert.equal(en, p.explain(household, AS_OF, { locale: "en" }));
  const enLines = en.split("\n");
  assert.equal(enLines[0], "Child Support Grant — H1 — 2026-03-01");
  assert.ok(enLines.some((l) => l.startsWith("✓ At least one child under 18 — children = 2")), en);
  assert.ok(enLines.includes("Total: KES 2800"), en);
  const fr = p.explain(household, AS_OF, { locale: "fr" });
  const frLines = fr.split("\n");
  assert.equal(frLines[0], "Allocation de soutien à l'enfant — H1 — 2026-03-01");
  assert.equal(frLines[1], "Éligible.");
  assert.ok(frLines.includes("Total : KES 2800"), fr);
  assert.ok(frLines.some((l) => l.startsWith("Montant par enfant : KES 500 × 2 = KES 1000")), fr);
  assert.equal(p.explain(household, AS_OF, { locale: "fr-FR" }), fr);
  // Not French phrases around English rule sentences.
  assert.equal(p.explain(household, AS_OF, { locale: "FR" }), fr);
  assert.equal(p.explain(household, AS_OF, { locale: "fr_FR" }), fr);
  const future = { id: "H3", members: [{ id: "M1", birthdate: "2030-01-01" }] };
  assert.throws(() => p.explain(future, AS_OF, { locale: "fr" }), (e) => {
    assert.equal(e.code, "R0003");
    assert.notEqual(e.message, "unit H3: `children` computes an age from a date after the as-of date");
    assert.match(e.message, /^unit H3: /);
    return true;
  });
  // A malformed as-of date is told in the explanation's language too.
  for (const [locale, words] of [["fr", /la date de référence doit être une date ISO 8601/], ["en", /the as-of date must be an ISO 8601 date/]]) {
    assert.throws(() => p.explain(household, "2026-13-45", { locale }), (e) => {
      assert.equal(e.code, "R0010");
      assert.match(e.message, words);
      return true;
    });
  }
  // So is a value outside the declared choices, with the choices listed.
  assert.throws(() => p.explain({ ...household, region: "Mars" }, AS_OF, { locale: "fr" }), (e) => {
    assert.equal(e.code, "R0008");
    assert.match(e.message, /^unit H1: `region` ne fait pas partie des choix déclarés : North, East, South, West ; /);
    return true;
  });
});

test("program errors are CompileErrors with every diagnostic: code, severity, line, column, byte span, help", () => {
  const broken = CHILD_GRANT.replace("monthly_income / count", "monthly_incme / count");
  assert.throws(() => compile(broken, { filename: "child_grant.entitle" }), (e) => {
    assert.ok(e instanceof CompileError && e instanceof EntitleError);
    assert.equal(e.name, "CompileError");
    assert.equal(e.code, "E0101");
    const error = e.diagnostics.find((d) => d.severity === "error");
    const start = Buffer.from(broken).indexOf("monthly_incme /");
    assert.deepEqual(error, {
      code: "E0101",
      severity: "error",
      message: "unknown name `monthly_incme`",
      help: "did you mean `monthly_income`?",
      line: 22,
      column: 45,
      start,
      end: start + "monthly_incme".length,
    });
    const warning = e.diagnostics.find((d) => d.severity === "warning");
    assert.equal(warning.code, "W0003");
    assert.equal(warning.help, undefined);
    assert.match(e.message, /^the program does not compile \(1 error\)\n/);
    assert.match(e.message, /--> child_grant\.entitle:22:45/);
    assert.ok(!e.message.includes('"code"'), "no JSON inside the message");
    return true;
  });
  assert.throws(() => compile(broken, { locale: "fr" }), (e) => {
    assert.equal(e.diagnostics.find((d) => d.code === "E0101").message, "nom inconnu `monthly_incme`");
    assert.match(e.message, /--> <source>:22:45/);
    return true;
  });
  assert.throws(() => compile(""), { name: "CompileError" });
});

test("check returns every diagnostic, never throws for bad text, and localises", () => {
  assert.deepEqual(check(CHILD_GRANT), []);
  const broken = CHILD_GRANT.replace("monthly_income / count", "monthly_incme / count").replace("region in covered_regions", "regio in covered_regions");
  const diagnostics = check(broken);
  assert.deepEqual(diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.line, d.column]), [["E0101", 22, 45], ["E0101", 27, 59]]);
  assert.deepEqual(check(broken, { locale: "fr" }).map((d) => d.code), diagnostics.map((d) => d.code));
  const syntax = check("program p \"P\"\n  currency KES\neligible when\n  x \"X\" 1 +\n");
  const error = syntax.find((d) => d.severity === "error");
  assert.equal(error.code, "E0001");
  assert.equal(error.line, 4);
});

test("the tests written in every example program pass", () => {
  const dir = path.join(repoDir, "examples/programs");
  const files = readdirSync(dir).filter((f) => f.endsWith(".entitle"));
  assert.ok(files.length >= 5);
  let total = 0;
  for (const f of files) {
    const outcomes = compile(readFileSync(path.join(dir, f), "utf8")).runTests();
    assert.ok(outcomes.length > 0, `${f} has tests`);
    for (const o of outcomes) assert.deepEqual([f, o.name, o.passed, o.failures], [f, o.name, true, []]);
    total += outcomes.length;
  }
  const child = compile(CHILD_GRANT).runTests();
  assert.deepEqual(child.map((o) => [o.name, o.line]), [["Mother with two young children", 49], ["Rich household", 56], ["Income not known", 62], ["Base amount rises in 2027", 68]]);
  assert.ok(total >= 10, `${total} tests`);
});

test("runTests speaks its locale, else the compile locale, else English, as Node and Python", () => {
  const text = CHILD_GRANT.replace("expect eligible, cash KES 2500", "expect eligible, cash KES 9999");
  const failures = (program, options) => program.runTests(options)[0].failures;
  const en = ["cash: expected KES 9999, got KES 2500"];
  const fr = ["cash : attendu KES 9999, obtenu KES 2500"];
  assert.deepEqual(failures(compile(text)), en);
  assert.deepEqual(failures(compile(text), { locale: "fr" }), fr);
  assert.deepEqual(failures(compile(text, { locale: "fr" })), fr);
  assert.deepEqual(failures(compile(text, { locale: "fr" }), { locale: "en" }), en);
  assert.deepEqual(failures(compile(text), { locale: "xx" }), en);
  assert.throws(() => compile(text).runTests({ locale: 1 }), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
  assert.throws(() => compile(text).runTests({ lang: "fr" }), { name: "TypeError", code: "ERR_INVALID_ARG_VALUE" });
  // The warnings follow the compile locale too.
  const noTests = 'program p "P"\n  target individual\n  currency KES\ninputs\n  person.a: number\neligible when\n  r "R" a > 1\n';
  assert.deepEqual(compile(noTests, { locale: "fr" }).warnings.map((d) => d.message), ["le programme n'a pas de tests"]);
  assert.deepEqual(compile(noTests).warnings.map((d) => d.message), ["the program has no tests"]);
});

test("a freed program says so, and is not compiled again behind the caller's back", () => {
  const p = compile(CHILD_GRANT);
  assert.equal(p.id, "child_grant");
  p.free();
  p.free(); // twice is harmless
  for (const use of [() => p.evaluate(household, AS_OF), () => p.evaluateBatch([household], AS_OF), () => p.runTests()]) {
    assert.throws(use, (e) => {
      assert.ok(e instanceof EntitleError);
      assert.equal(e.code, "FREED");
      assert.equal(e.message, "entitle: this program was freed (free()); compile its source again");
      return true;
    });
  }
  // What it declares, once read, stays readable (it is kept in JS); other programs are unaffected.
  assert.equal(p.id, "child_grant");
  assert.equal(compile(CHILD_GRANT).evaluate(household, AS_OF).decision, "eligible");
});

test("an individual program evaluates people", () => {
  const p = compile(program("old_age_pension.entitle"));
  assert.equal(p.target, "individual");
  assert.deepEqual(p.inputs.map((i) => i.scope), ["person", "person", "person"]);
  const d = p.evaluate({ id: "P1", birthdate: "1950-06-01", disabled: true }, "2026-08-01");
  assert.equal(d.decision, "eligible");
  assert.equal(d.cash.total, "2700");
});

test("the package: version, locales, package.json, every export typed, download size", () => {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  assert.equal(version(), pkg.version);
  assert.equal(pkg.name, "entitle-wasm");
  assert.deepEqual(locales(), ["en", "fr"]);
  // Drift: every public export of entitle.js is declared in entitle.d.ts (the test hooks are not public).
  const dts = readFileSync(path.join(pkgDir, "entitle.d.ts"), "utf8");
  const exported = Object.keys(entitle).filter((k) => k !== "__testing");
  assert.deepEqual(exported.sort(), ["CompileError", "EntitleError", "EvaluationError", "Program", "RunError", "check", "compile", "default", "initSync", "locales", "version"]);
  for (const name of exported) {
    const declared = name === "default" ? /export default function init\(/ : new RegExp(`export (declare )?(function|class) ${name}\\b`);
    assert.match(dts, declared, `${name} is declared in entitle.d.ts`);
  }
  // The download: the gzipped .wasm stays under 500 KB.
  const wasm = readFileSync(wasmFile);
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  console.log(`entitle_wasm_bg.wasm: ${wasm.length} bytes, ${gzipped} bytes gzipped`);
  assert.ok(gzipped < 500 * 1024, `${gzipped} bytes gzipped`);
});

test("hostile program text gives diagnostics, never a trap of the 1 MiB WebAssembly stack", () => {
  const head = 'program p "P"\n  target individual\n  currency KES\ninputs\n  person.n: number\n';
  const tail = 'entitlement\n  cash c "C" KES 1\n';
  const generation = entitle.__testing.generation();
  const codes = (source) => {
    try {
      compile(source);
      return [];
    } catch (e) {
      assert.ok(e instanceof CompileError, `${e}`);
      return [...new Set(e.diagnostics.filter((d) => d.severity === "error").map((d) => d.code))];
    }
  };
  const nested = "(".repeat(5000) + "n" + ")".repeat(5000);
  assert.deepEqual(codes(`${head}eligible when\n  a "A" ${nested} > 0\n${tail}`), ["E0003"]);
  const sum = Array.from({ length: 3000 }, () => "n").join(" + ");
  assert.deepEqual(codes(`${head}eligible when\n  a "A" ${sum} > 0\n${tail}`), ["E0003"]);
  assert.deepEqual(codes(`${head}eligible when\n  a "A" ${"not ".repeat(3000)}true\n${tail}`), ["E0003"]);
  // The deepest sum allowed compiles and evaluates.
  const deepest = compile(`${head}eligible when\n  a "A" ${Array.from({ length: 255 }, () => "n").join(" + ")} > 0\n${tail}`);
  assert.equal(deepest.evaluate({ id: 1, n: "2" }, AS_OF).decision, "eligible");
  // A chain of 9,000 lets, each using the one before.
  let chain = `${head}let l0 = n\n`;
  for (let i = 1; i < 9000; i++) chain += `let l${i} = l${i - 1} + 1\n`;
  const long = compile(`${chain}eligible when\n  a "A" l8999 > 9000\n${tail}`);
  assert.deepEqual([long.evaluate({ id: 1, n: "2" }, AS_OF).decision, long.evaluate({ id: 2, n: "1" }, AS_OF).decision], ["eligible", "not_eligible"]);
  assert.equal(entitle.__testing.generation(), generation, "no trap, no restart");
});

test("hostile unit data is an error for that unit, never a trap", () => {
  const p = compile(CHILD_GRANT);
  const generation = entitle.__testing.generation();
  const crowd = { id: "H9", region: "North", monthly_income: "1", members: Array.from({ length: 5000 }, (_, i) => ({ id: `M${i}`, birthdate: "2000-01-01" })) };
  assert.throws(() => p.evaluate(crowd, AS_OF), { code: "R0009", unitId: "H9" });
  let deep = "x";
  for (let i = 0; i < 1000; i++) deep = [deep];
  assert.throws(() => p.evaluate({ id: "H10", region: deep }, AS_OF), { name: "EvaluationError", code: "R0005", message: "unit H10: `region`: nested more than 64 levels deep, which is not unit data" });
  const results = p.evaluateBatch([crowd, household, { id: "H11", region: "x".repeat(1 << 20) }], AS_OF);
  assert.deepEqual(results.map((r) => r.error?.code ?? r.decision), ["R0009", "eligible", "R0008"]);
  assert.equal(entitle.__testing.generation(), generation, "no trap, no restart");
});

test("runCycle runs the program over many units: states, selection, approval against a fund", () => {
  const p = compile(CHILD_GRANT);
  const south = { ...household, id: "H2", region: "South" };
  const run = p.runCycle([household, south], AS_OF);
  assert.deepEqual(run.units.map((u) => [u.unit_id, u.decision, u.state, u.selected, u.cash ?? null]), [
    ["H1", "eligible", "enrolled", true, "2800"],
    ["H2", "not_eligible", "not_eligible", false, null],
  ]);
  assert.deepEqual(run.units[1].state_reason, { code: "not_eligible", rules: ["covered"] });
  assert.deepEqual([run.totals.units, run.totals.selected, run.totals.requested, run.totals.pending], [2, 1, "2800", "2800"]);
  const funded = p.runCycle(JSON.stringify([household]), AS_OF, { fund: { posted: "1000" }, previous: { H1: "enrolled" } });
  assert.deepEqual([funded.units[0].previous_state, funded.units[0].approval, funded.units[0].approval_reason], ["enrolled", "pending_validation", "fund_exhausted"]);
  assert.equal(funded.totals.fund.remaining, "1000");
  assert.throws(() => p.runCycle([household], AS_OF, { tpo: 1 }), (e) => {
    assert.ok(e instanceof entitle.RunError && e instanceof EntitleError);
    assert.equal(e.code, "R0102");
    assert.equal(e.details.option, "tpo");
    assert.deepEqual(e.result, { error: e.details });
    return true;
  });
  assert.throws(() => p.runCycle([household], AS_OF, "top"), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
});
