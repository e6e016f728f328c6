// The conformance corpus (tests/conformance/, see its README) run against the WebAssembly package.
//
// Every case file is loaded (unknown keys are an error, as in Rust's deny_unknown_fields); every case
// without `skip` is run: compile, compare diagnostics, evaluate each unit on its own and all units as
// one batch (with explanations), require the two to be identical, then compare with `want` using the
// rules of the Rust runner (tests/src/lib.rs). A second test compares every result with the native
// Rust engine's JSON byte for byte (written by `cargo run -p entitle-wasm --example native_results`).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import entitle, { repoDir } from "./entitle.mjs";

const { compile, CompileError, EvaluationError, RunError } = entitle;

const corpusDir = path.join(repoDir, "tests/conformance");
const FILE_KEYS = new Set(["topic", "cases"]);
const CASE_KEYS = new Set(["name", "note", "program", "source", "as_of", "units", "want", "want_diagnostics", "cycle", "want_cycle", "skip", "options"]);
// The evaluation options a case may set (`options`), each an option of the evaluate methods.
const OPTION_KEYS = new Set(["strict"]);

function loadCorpus() {
  const dir = path.join(corpusDir, "cases");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  return files.map((file) => {
    const data = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    for (const key of Object.keys(data)) if (!FILE_KEYS.has(key)) throw new Error(`${file}: unknown key \`${key}\``);
    if (typeof data.topic !== "string" || !Array.isArray(data.cases)) throw new Error(`${file}: needs \`topic\` and \`cases\``);
    for (const c of data.cases) {
      for (const key of Object.keys(c)) if (!CASE_KEYS.has(key)) throw new Error(`${file}: case ${c.name}: unknown key \`${key}\``);
      for (const key of Object.keys(c.options ?? {})) if (!OPTION_KEYS.has(key)) throw new Error(`${file}: case ${c.name}: unknown option \`${key}\``);
      if (typeof c.name !== "string") throw new Error(`${file}: a case without a name`);
    }
    return { file, cases: data.cases };
  });
}

function sourceText(c) {
  if ((c.program === undefined) === (c.source === undefined)) throw new Error("a case needs exactly one of `program` and `source`");
  if (c.program !== undefined) return readFileSync(path.join(corpusDir, c.program), "utf8");
  return Array.isArray(c.source) ? c.source.join("\n") + "\n" : c.source;
}

// ---- the comparison rules of tests/conformance/README.md ----------------------------------------

// An exact decimal as a canonical string ("2500.00" → "2500", "-0" → "0"), or null.
function decimal(v) {
  let text;
  if (typeof v === "string") text = v.trim();
  else if (typeof v === "number" && Number.isFinite(v)) text = String(v);
  else return null;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const int = m[2].replace(/^0+/, "") || "0";
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const body = frac ? `${int}.${frac}` : int;
  return body === "0" ? "0" : `${m[1] === "-" ? "-" : ""}${body}`;
}

function sameAmount(got, want) {
  const a = decimal(got);
  const b = decimal(want);
  return a !== null && b !== null && a === b;
}

const show = (v) => (v === undefined ? "null" : JSON.stringify(v));
const strList = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
const sameList = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function explainedValue(v) {
  const base = typeof v.value === "string" ? v.value : v.value === null || v.value === undefined ? "unknown" : JSON.stringify(v.value);
  return typeof v.in_force_from === "string" ? `${base} from ${v.in_force_from}` : base;
}

function compareExplanation(got, want) {
  if (!got) return ["explanation: none was built"];
  const diffs = [];
  for (const section of ["rules", "items"]) {
    for (const [id, values] of Object.entries(want[section] ?? {})) {
      const entry = (got[section] ?? []).find((r) => r.id === id);
      if (!entry) {
        diffs.push(`explanation ${section} ${id}: missing`);
        continue;
      }
      for (const [name, wv] of Object.entries(values ?? {})) {
        const found = (entry.values ?? []).find((v) => v.name === name);
        const g = found ? explainedValue(found) : undefined;
        if (g !== wv) diffs.push(`explanation ${section} ${id} ${name}: want ${show(wv)}, got ${show(g)}`);
      }
    }
  }
  for (const [key, values] of Object.entries(want.scores ?? {})) {
    const dot = key.indexOf(".");
    const [score, component] = dot < 0 ? [key, ""] : [key.slice(0, dot), key.slice(dot + 1)];
    const entry = ((got.scores ?? []).find((x) => x.id === score)?.components ?? []).find((c) => c.id === component);
    if (!entry) {
      diffs.push(`explanation scores ${key}: missing`);
      continue;
    }
    for (const [name, wv] of Object.entries(values ?? {})) {
      const found = (entry.values ?? []).find((v) => v.name === name);
      const g = found ? explainedValue(found) : undefined;
      if (g !== wv) diffs.push(`explanation scores ${key} ${name}: want ${show(wv)}, got ${show(g)}`);
    }
  }
  if (want.adjustments !== undefined) {
    const g = (got.adjustments ?? []).map((a) => a.kind);
    if (!sameList(g, strList(want.adjustments))) diffs.push(`adjustments: want ${show(want.adjustments)}, got ${show(g)}`);
  }
  return diffs;
}

function compare(got, want) {
  const diffs = [];
  for (const [key, wv] of Object.entries(want)) {
    switch (key) {
      case "unit_id":
        break;
      case "error": {
        const code = got.error?.code;
        if (code !== wv) diffs.push(`error: want ${show(wv)}, got ${code ?? "no error"}`);
        break;
      }
      // The error's own fields, as values: message text is never compared.
      case "error_fields":
        if (wv !== null && typeof wv === "object" && Object.hasOwn(wv, "message")) diffs.push("error_fields: never `message` (text is not compared)");
        diffs.push(...subsetDiff(got.error ?? null, wv, "error"));
        break;
      case "decision":
        if (got.decision !== wv) diffs.push(`decision: want ${show(wv)}, got ${show(got.decision ?? got.error?.code)}`);
        break;
      case "cash":
      case "net":
      case "fee":
      case "items_total": {
        const field = key === "cash" ? "total" : key;
        const g = got.cash?.[field];
        if (wv === null) {
          if (got.cash !== undefined) diffs.push(`${key}: want none, got ${show(g)}`);
        } else if (!sameAmount(g, wv)) diffs.push(`${key}: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case "capped":
      case "floored":
      case "rounded": {
        const g = got.cash?.[key];
        if (g !== wv) diffs.push(`${key}: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case "items":
        for (const [id, amount] of Object.entries(wv ?? {})) {
          const item = (got.items ?? []).find((i) => i.id === id);
          const g = item && item.applied === true ? item.amount : undefined;
          const ok = g !== undefined ? sameAmount(g, amount) : decimal(amount) === "0" && item !== undefined;
          if (!ok) diffs.push(`item ${id}: want ${show(amount)}, got ${show(g)}`);
        }
        break;
      case "values":
        // The `value` of in-kind items with a price, like `items`.
        for (const [id, amount] of Object.entries(wv ?? {})) {
          const item = (got.items ?? []).find((i) => i.id === id);
          const g = item && item.applied === true ? item.value : undefined;
          const ok = g !== undefined ? sameAmount(g, amount) : decimal(amount) === "0" && item !== undefined;
          if (!ok) diffs.push(`value of ${id}: want ${show(amount)}, got ${show(g)}`);
        }
        break;
      case "scores":
        // "score" is the score's value, "score.component" a component's; null means unknown.
        for (const [key, wantValue] of Object.entries(wv ?? {})) {
          const dot = key.indexOf(".");
          const [score, component] = dot < 0 ? [key, undefined] : [key.slice(0, dot), key.slice(dot + 1)];
          const s = (got.scores ?? []).find((x) => x.id === score);
          const g = component === undefined ? s?.value : (s?.components ?? []).find((x) => x.id === component)?.value;
          const ok = wantValue === null ? g === null : sameAmount(g, wantValue);
          if (!ok) diffs.push(`score ${key}: want ${show(wantValue)}, got ${show(g)}`);
        }
        break;
      case "applied": {
        const g = (got.items ?? []).filter((i) => i.applied === true).map((i) => i.id);
        if (!sameList(g, strList(wv))) diffs.push(`applied: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case "in_kind":
        for (const [unit, qty] of Object.entries(wv ?? {})) {
          const g = (got.in_kind ?? []).find((q) => q.unit === unit)?.quantity;
          if (!sameAmount(g, qty)) diffs.push(`in_kind ${unit}: want ${show(qty)}, got ${show(g)}`);
        }
        break;
      case "rules": {
        const g = (got.rules ?? []).map((r) => `${r.id}:${r.outcome}`);
        if (!sameList(g, strList(wv))) diffs.push(`rules: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case "missing": {
        const g = strList(got.missing);
        if (!sameList(g, strList(wv))) diffs.push(`missing: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case "explanation":
        diffs.push(...compareExplanation(got.explanation, wv));
        break;
      case "compliance":
      case "priority": {
        const g = (got[key] ?? []).map((r) => `${r.id ?? ""}:${r.outcome ?? ""}`);
        if (!sameList(g, strList(wv))) diffs.push(`${key}: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case "rank_keys":
        diffs.push(...subsetDiff(got.rank_keys ?? [], wv, "rank_keys"));
        break;
      default:
        diffs.push(`unknown expectation \`${key}\``);
    }
  }
  return diffs;
}

// "Compared as a value": strings (or numbers) that are both decimals compare as exact decimals.
function sameValue(got, want) {
  const numeric = (v) => typeof v === "string" || typeof v === "number";
  if (typeof got === "string" && typeof want === "string") {
    const a = decimal(got);
    const b = decimal(want);
    return a !== null && b !== null ? a === b : got === want;
  }
  if (numeric(got) && numeric(want)) {
    const a = decimal(got);
    return a !== null && a === decimal(want);
  }
  return JSON.stringify(got) === JSON.stringify(want);
}

// `want` is contained in `got`: every key of an object (extra keys allowed; a key wanted as null may
// be absent), every element of an array (same length), equal scalars. Every difference, with its path.
function subsetDiff(got, want, path) {
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(got) && isObject(want)) {
    return Object.entries(want).flatMap(([k, wv]) => {
      if (Object.hasOwn(got, k)) return subsetDiff(got[k], wv, `${path}.${k}`);
      return wv === null ? [] : [`${path}.${k}: want ${show(wv)}, got nothing`];
    });
  }
  if (Array.isArray(got) && Array.isArray(want) && got.length === want.length) {
    return got.flatMap((gv, i) => subsetDiff(gv, want[i], `${path}[${i}]`));
  }
  return sameValue(got, want) ? [] : [`${path}: want ${show(want)}, got ${show(got)}`];
}

function compareCycle(got, want) {
  if (want === null || typeof want !== "object" || Array.isArray(want)) return ["`want_cycle` must be an object"];
  const diffs = [];
  for (const [key, wv] of Object.entries(want)) {
    switch (key) {
      case "error": {
        const code = got.error?.code;
        if (code !== wv) diffs.push(`cycle error: want ${show(wv)}, got ${code ?? "no error"}`);
        break;
      }
      case "units":
        for (const u of Array.isArray(wv) ? wv : []) {
          const id = typeof u.unit_id === "string" ? u.unit_id : "";
          const g = (got.units ?? []).find((x) => x.unit_id === id);
          if (!g) diffs.push(`cycle: no record for unit ${id}`);
          else diffs.push(...subsetDiff(g, u, `unit ${id}`));
        }
        break;
      case "totals":
      case "summary":
      case "comparison":
        diffs.push(...subsetDiff(got[key] ?? null, wv, key));
        break;
      default:
        diffs.push(`unknown cycle expectation \`${key}\``);
    }
  }
  return diffs;
}

// A run through the run model; a RunError carries the same record the engine gives.
function runCycle(program, units, asOf, options) {
  try {
    return program.runCycle(units, asOf, options);
  } catch (e) {
    if (e instanceof RunError) return e.result;
    throw e;
  }
}

// The package's diagnostics are flat ({code, severity, line, column, start, end, …}).
function compareDiagnostics(got, want) {
  const fields = ["code", "severity", "line", "column", "start", "end"];
  const matches = (g, w) => fields.every((k) => w[k] === undefined || g[k] === w[k]);
  const diffs = [];
  for (const w of want) if (!got.some((g) => matches(g, w))) diffs.push(`missing diagnostic ${JSON.stringify(w)}; got ${JSON.stringify(got)}`);
  for (const g of got) if (g.severity === "error" && !want.some((w) => matches(g, w))) diffs.push(`unexpected error ${JSON.stringify(g)}`);
  return diffs;
}

function compileCase(source) {
  try {
    const program = compile(source);
    return { program, diagnostics: program.warnings };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return { program: null, diagnostics: e.diagnostics };
  }
}

// The options of a case's evaluations: an explanation, and the case's own `options`.
function evaluateOptions(c) {
  return { explain: true, ...(c.options ?? {}) };
}

// One unit through `evaluate`; an EvaluationError carries the same record a batch gives.
function evaluateOne(program, unit, asOf, options) {
  try {
    return program.evaluate(unit, asOf, options);
  } catch (e) {
    if (e instanceof EvaluationError) return e.result;
    throw e;
  }
}

function runCase(c) {
  const { program, diagnostics } = compileCase(sourceText(c));
  const diffs = [];
  const wantDiagnostics = c.want_diagnostics ?? [];
  if (wantDiagnostics.length > 0 || program === null) diffs.push(...compareDiagnostics(diagnostics, wantDiagnostics));
  if (program === null) return diffs;
  if (c.want_cycle !== undefined) {
    const got = runCycle(program, c.units ?? [], c.as_of ?? "", c.cycle ?? null);
    diffs.push(...compareCycle(got, c.want_cycle).map((d) => `run: ${d}`));
  }
  const want = c.want ?? [];
  if (want.length === 0) return diffs;
  if (typeof c.as_of !== "string") return [...diffs, "a case with `want` needs `as_of`"];
  const units = c.units ?? [];
  const options = evaluateOptions(c);
  const oneByOne = units.map((u) => evaluateOne(program, u, c.as_of, options));
  const batch = program.evaluateBatch(units, c.as_of, options);
  if (JSON.stringify(oneByOne) !== JSON.stringify(batch)) diffs.push("evaluating one by one and as a batch gave different results");
  if (want.length !== units.length) diffs.push(`${units.length} units but ${want.length} expectations`);
  for (const w of want) {
    const id = typeof w.unit_id === "string" ? w.unit_id : "";
    const got = oneByOne.find((g) => g.unit_id === id);
    if (!got) diffs.push(`no result for unit ${id}`);
    else diffs.push(...compare(got, w).map((d) => `unit ${id}: ${d}`));
  }
  return diffs;
}

// ---- the corpus ---------------------------------------------------------------------------------

const corpus = loadCorpus();
const counts = { run: 0, passed: 0, skipped: 0 };

describe("conformance corpus", () => {
  for (const { file, cases } of corpus) {
    describe(file, () => {
      for (const c of cases) {
        if (c.skip !== undefined) {
          counts.skipped += 1;
          test(c.name, { skip: c.skip }, () => {});
          continue;
        }
        test(c.name, () => {
          counts.run += 1;
          const diffs = runCase(c);
          assert.deepEqual(diffs, [], `${file}: ${c.name}\n  ${diffs.join("\n  ")}`);
          counts.passed += 1;
        });
      }
    });
  }
});

test("the whole corpus ran", () => {
  const total = corpus.reduce((n, f) => n + f.cases.length, 0);
  assert.ok(corpus.length > 0 && total > 0, "no case files found");
  // Registered after the corpus tests, so it runs once they have finished.
  assert.equal(counts.run + counts.skipped, total);
  assert.equal(counts.passed, counts.run, "some cases failed (see above)");
});

after(() => {
  console.log(`conformance (wasm): ${counts.passed} of ${counts.run} cases passed, ${counts.skipped} skipped, ${corpus.length} files`);
});

// ---- byte for byte with the native engine --------------------------------------------------------

const nativeFile = process.env.ENTITLE_NATIVE_RESULTS ?? path.join(repoDir, "target/wasm-native-results.json");

test("every result is byte-identical to the native Rust engine's", () => {
  assert.ok(
    existsSync(nativeFile),
    `${nativeFile} is missing: run \`cargo run -p entitle-wasm --example native_results -- ${nativeFile}\` (scripts/test-wasm.sh does)`,
  );
  const entries = JSON.parse(readFileSync(nativeFile, "utf8"));
  const byKey = new Map(entries.map((e) => [`${e.file}\u0000${e.name}`, e]));
  let units = 0;
  let cases = 0;
  let cycles = 0;
  for (const { file, cases: list } of corpus) {
    for (const c of list) {
      if (c.skip !== undefined) continue;
      const entry = byKey.get(`${file}\u0000${c.name}`);
      const { program, diagnostics } = compileCase(sourceText(c));
      if (program === null) {
        assert.ok(entry && entry.diagnostics, `${file}: ${c.name}: no native diagnostics (stale ${nativeFile}?)`);
        const native = entry.diagnostics.map((d) => {
          const flat = { code: d.code, severity: d.severity, message: d.message, line: d.span.line, column: d.span.column, start: d.span.start, end: d.span.end };
          if (d.help !== undefined) flat.help = d.help;
          return flat;
        });
        assert.deepEqual(diagnostics, native, `${file}: ${c.name}: diagnostics`);
        cases += 1;
        continue;
      }
      if (c.want_cycle !== undefined) {
        assert.ok(entry && typeof entry.cycle === "string", `${file}: ${c.name}: no native run (stale ${nativeFile}?)`);
        const got = JSON.stringify(runCycle(program, `[${entry.units.join(",")}]`, c.as_of ?? "", c.cycle ?? null));
        assert.equal(got, entry.cycle, `${file}: ${c.name}: run`);
        cycles += 1;
      }
      if (typeof c.as_of !== "string" || (c.units ?? []).length === 0) continue;
      assert.ok(entry && entry.results, `${file}: ${c.name}: no native results (stale ${nativeFile}?)`);
      assert.equal(entry.units.length, c.units.length, `${file}: ${c.name}: unit count`);
      // The exact unit text the native engine read, so numbers are the same on both sides.
      const options = evaluateOptions(c);
      const results = entry.units.map((text) => JSON.stringify(evaluateOne(program, text, entry.as_of, options)));
      assert.deepEqual(results, entry.results, `${file}: ${c.name}: one by one`);
      const batch = program.evaluateBatch(`[${entry.units.join(",")}]`, entry.as_of, options).map((r) => JSON.stringify(r));
      assert.deepEqual(batch, entry.batch, `${file}: ${c.name}: batch`);
      const warnings = entry.warnings.map((d) => d.code);
      assert.deepEqual(program.warnings.map((d) => d.code), warnings, `${file}: ${c.name}: warnings`);
      units += results.length;
      cases += 1;
    }
  }
  assert.ok(cases > 0 && units > 0);
  console.log(`native comparison: ${cases} cases, ${units} units and ${cycles} runs byte-identical (${entries.length} native entries)`);
});
