'use strict';
// The conformance corpus (tests/conformance/, see its README), run from Node with the same
// comparison rules as the Rust runner (tests/src/lib.rs): loading, diagnostics, decisions and
// runs of the run model.

const fs = require('node:fs');
const path = require('node:path');
const { compile, CompileError, EvaluationError, RunError } = require('..');

const CORPUS = path.join(__dirname, '..', '..', 'tests', 'conformance');
const FILE_KEYS = new Set(['topic', 'cases']);
const CASE_KEYS = new Set(['name', 'note', 'program', 'source', 'as_of', 'units', 'want', 'want_diagnostics', 'cycle', 'want_cycle', 'skip', 'options']);
/** The evaluation options a case may set (`options`), each an option of the evaluate methods. */
const OPTION_KEYS = new Set(['strict']);

/** Every case file, sorted by name: `{file, topic, cases}`; unknown keys are an error. */
function loadAll() {
  const dir = path.join(CORPUS, 'cases');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return files.map((file) => {
    const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const problems = [];
    for (const k of Object.keys(data)) if (!FILE_KEYS.has(k)) problems.push(`unknown key \`${k}\``);
    if (typeof data.topic !== 'string') problems.push('`topic` must be a string');
    if (!Array.isArray(data.cases)) problems.push('`cases` must be an array');
    for (const [i, c] of (data.cases ?? []).entries()) {
      for (const k of Object.keys(c)) if (!CASE_KEYS.has(k)) problems.push(`case ${i}: unknown key \`${k}\``);
      for (const k of Object.keys(c.options ?? {})) if (!OPTION_KEYS.has(k)) problems.push(`case ${i}: unknown option \`${k}\``);
      if (typeof c.name !== 'string') problems.push(`case ${i}: \`name\` must be a string`);
    }
    if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
    return { file, topic: data.topic, cases: data.cases };
  });
}

/** The program text of a case: a file relative to the corpus folder, or inline text or lines. */
function sourceText(c) {
  const hasProgram = c.program !== undefined;
  const hasSource = c.source !== undefined;
  if (hasProgram === hasSource) throw new Error('a case needs exactly one of `program` and `source`');
  if (hasProgram) return fs.readFileSync(path.join(CORPUS, c.program), 'utf8');
  if (typeof c.source === 'string') return c.source;
  return c.source.join('\n') + '\n';
}

/** An exact decimal as a canonical string (`"2500.00"` → `"2500"`), or null. */
function dec(v) {
  let t;
  if (typeof v === 'string') t = v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) t = String(v);
  else return null;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const int = m[2].replace(/^0+/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' ? '0' : `${m[1] === '-' ? '-' : ''}${body}`;
}

function sameAmount(got, want) {
  const a = got === undefined ? null : dec(got);
  const b = dec(want);
  return a !== null && b !== null && a === b;
}

function strList(v) {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
}

/** JSON with object keys sorted: equal texts mean equal values, as the Rust runner compares. */
function canonical(v) {
  return JSON.stringify(v, (_k, x) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]]))
      : x,
  );
}

const show = (v) => (v === undefined ? 'null' : JSON.stringify(v));
const sameList = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Compares one result (decision or failure) with its expectation; returns the differences. */
function compare(got, want) {
  const diffs = [];
  if (want === null || typeof want !== 'object' || Array.isArray(want)) return ['`want` entries must be objects'];
  for (const [key, wv] of Object.entries(want)) {
    switch (key) {
      case 'unit_id':
        break;
      case 'error': {
        const code = got.error?.code;
        if (code !== wv) diffs.push(`error: want ${show(wv)}, got ${code ?? 'no error'}`);
        break;
      }
      // The error's own fields, as values: message text is never compared.
      case 'error_fields':
        if (isObject(wv) && Object.hasOwn(wv, 'message')) diffs.push('error_fields: never `message` (text is not compared)');
        diffs.push(...subsetDiff(got.error ?? null, wv, 'error'));
        break;
      case 'decision':
        if (got.decision !== wv) diffs.push(`decision: want ${show(wv)}, got ${show(got.decision ?? got.error?.code)}`);
        break;
      case 'cash':
      case 'net':
      case 'fee':
      case 'items_total': {
        const field = key === 'cash' ? 'total' : key;
        const g = got.cash?.[field];
        if (wv === null) {
          if (got.cash !== undefined) diffs.push(`${key}: want none, got ${show(g)}`);
        } else if (!sameAmount(g, wv)) {
          diffs.push(`${key}: want ${show(wv)}, got ${show(g)}`);
        }
        break;
      }
      case 'capped':
      case 'floored':
      case 'rounded': {
        const g = got.cash?.[key];
        if (g !== wv) diffs.push(`${key}: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case 'items':
        for (const [id, amount] of Object.entries(wv ?? {})) {
          const item = (got.items ?? []).find((i) => i.id === id);
          const g = item && item.applied === true ? item.amount : undefined;
          const z = dec(amount);
          const ok = g !== undefined ? sameAmount(g, amount) : z === '0' && item !== undefined;
          if (!ok) diffs.push(`item ${id}: want ${show(amount)}, got ${show(g)}`);
        }
        break;
      case 'applied': {
        const g = (got.items ?? []).filter((i) => i.applied === true).map((i) => i.id);
        if (!sameList(g, strList(wv))) diffs.push(`applied: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case 'in_kind':
        for (const [unit, qty] of Object.entries(wv ?? {})) {
          const g = (got.in_kind ?? []).find((q) => q.unit === unit)?.quantity;
          if (!sameAmount(g, qty)) diffs.push(`in_kind ${unit}: want ${show(qty)}, got ${show(g)}`);
        }
        break;
      case 'rules': {
        const g = (got.rules ?? []).map((r) => `${r.id ?? ''}:${r.outcome ?? ''}`);
        if (!sameList(g, strList(wv))) diffs.push(`rules: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case 'missing': {
        const g = strList(got.missing);
        if (!sameList(g, strList(wv))) diffs.push(`missing: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case 'values':
        for (const [id, amount] of Object.entries(wv ?? {})) {
          const item = (got.items ?? []).find((i) => i.id === id);
          const g = item && item.applied === true ? item.value : undefined;
          const z = dec(amount);
          const ok = g !== undefined ? sameAmount(g, amount) : z === '0' && item !== undefined;
          if (!ok) diffs.push(`value of ${id}: want ${show(amount)}, got ${show(g)}`);
        }
        break;
      case 'scores':
        for (const [key, wantValue] of Object.entries(wv ?? {})) {
          const dot = key.indexOf('.');
          const [score, component] = dot < 0 ? [key, undefined] : [key.slice(0, dot), key.slice(dot + 1)];
          const s = (got.scores ?? []).find((x) => x.id === score);
          const g = component === undefined ? s?.value : (s?.components ?? []).find((x) => x.id === component)?.value;
          const ok = wantValue === null ? g === null : sameAmount(g, wantValue);
          if (!ok) diffs.push(`score ${key}: want ${show(wantValue)}, got ${show(g)}`);
        }
        break;
      case 'explanation':
        diffs.push(...compareExplanation(got.explanation, wv));
        break;
      case 'compliance':
      case 'priority': {
        const g = (got[key] ?? []).map((r) => `${r.id ?? ''}:${r.outcome ?? ''}`);
        if (!sameList(g, strList(wv))) diffs.push(`${key}: want ${show(wv)}, got ${show(g)}`);
        break;
      }
      case 'rank_keys':
        diffs.push(...subsetDiff(got.rank_keys ?? [], wv, 'rank_keys'));
        break;
      default:
        diffs.push(`unknown expectation \`${key}\``);
    }
  }
  return diffs;
}

/** A value in an explanation as text: `"KES 1500"`, `"2"`, `"unknown"`, plus ` from DATE`. */
function explainedValue(v) {
  const value = v.value;
  let base;
  if (typeof value === 'string') base = value;
  else if (value === null || value === undefined) base = 'unknown';
  else base = JSON.stringify(value);
  return typeof v.in_force_from === 'string' ? `${base} from ${v.in_force_from}` : base;
}

function compareExplanation(got, want) {
  if (got === undefined) return ['explanation: none was built'];
  const diffs = [];
  for (const section of ['rules', 'items']) {
    for (const [id, values] of Object.entries(want?.[section] ?? {})) {
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
  for (const [key, values] of Object.entries(want?.scores ?? {})) {
    const dot = key.indexOf('.');
    const [score, component] = dot < 0 ? [key, ''] : [key.slice(0, dot), key.slice(dot + 1)];
    const entry = (got.scores ?? []).find((s) => s.id === score)?.components?.find((c) => c.id === component);
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
  if (want?.adjustments !== undefined) {
    const g = (got.adjustments ?? []).map((a) => a.kind).filter((k) => typeof k === 'string');
    if (!sameList(g, strList(want.adjustments))) diffs.push(`adjustments: want ${show(want.adjustments)}, got ${show(g)}`);
  }
  return diffs;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Two values agree: strings or numbers that are decimal numbers as exact decimals. */
function sameValue(got, want) {
  const numeric = (v) => typeof v === 'number' || (typeof v === 'string' && dec(v) !== null);
  if (typeof got === 'string' && typeof want === 'string') {
    const [a, b] = [dec(got), dec(want)];
    return a !== null && b !== null ? a === b : got === want;
  }
  if ((typeof got === 'number' || typeof want === 'number') && numeric(got) && numeric(want)) {
    return dec(typeof got === 'number' ? String(got) : got) === dec(typeof want === 'number' ? String(want) : want);
  }
  return canonical(got) === canonical(want);
}

/**
 * `want` is contained in `got`, as the Rust runner's `subset_diff`: every key of a wanted object
 * (extra keys allowed; a key wanted as null may be absent), arrays of the same length element by
 * element, equal values. Every difference, with its path.
 */
function subsetDiff(got, want, where) {
  if (isObject(got) && isObject(want)) {
    const diffs = [];
    for (const [k, wv] of Object.entries(want)) {
      if (Object.hasOwn(got, k)) diffs.push(...subsetDiff(got[k], wv, `${where}.${k}`));
      else if (wv !== null) diffs.push(`${where}.${k}: want ${show(wv)}, got nothing`);
    }
    return diffs;
  }
  if (Array.isArray(got) && Array.isArray(want) && got.length === want.length) {
    return want.flatMap((wv, i) => subsetDiff(got[i], wv, `${where}[${i}]`));
  }
  return sameValue(got, want) ? [] : [`${where}: want ${show(want)}, got ${show(got)}`];
}

/** A run (`Program.runCycle`) against `want_cycle`: `error`, `units`, `totals`, `summary`, `comparison`. */
function compareCycle(got, want) {
  if (!isObject(want)) return ['`want_cycle` must be an object'];
  const diffs = [];
  for (const [key, wv] of Object.entries(want)) {
    switch (key) {
      case 'error': {
        const code = got.error?.code;
        if (code !== wv) diffs.push(`cycle error: want ${show(wv)}, got ${code ?? 'no error'}`);
        break;
      }
      case 'units':
        for (const u of Array.isArray(wv) ? wv : []) {
          const id = u.unit_id ?? '';
          const g = (got.units ?? []).find((x) => x.unit_id === id);
          if (g === undefined) diffs.push(`cycle: no record for unit ${id}`);
          else diffs.push(...subsetDiff(g, u, `unit ${id}`));
        }
        break;
      case 'totals':
      case 'summary':
      case 'comparison':
        diffs.push(...subsetDiff(got[key] ?? null, wv, key));
        break;
      default:
        diffs.push(`unknown cycle expectation \`${key}\``);
    }
  }
  return diffs;
}

const DIAGNOSTIC_FIELDS = ['code', 'severity', 'line', 'column', 'start', 'end'];

/**
 * Every wanted diagnostic must be produced (code and whichever of severity, line, column, start,
 * end are given), and every produced error must be wanted; unlisted warnings are allowed.
 */
function compareDiagnostics(got, want) {
  const matches = (g, w) => DIAGNOSTIC_FIELDS.every((k) => w[k] === undefined || g[k] === w[k]);
  const diffs = [];
  for (const w of want) {
    if (!got.some((g) => matches(g, w))) diffs.push(`missing diagnostic ${JSON.stringify(w)}; got ${JSON.stringify(got)}`);
  }
  for (const g of got) {
    if (g.severity === 'error' && !want.some((w) => matches(g, w))) diffs.push(`unexpected error ${JSON.stringify(g)}`);
  }
  return diffs;
}

/** The options of a case's evaluations: an explanation, and the case's own `options`. */
function evaluateOptions(c) {
  return { explain: true, ...(c.options ?? {}) };
}

/** A unit's result from `evaluate`, with an `EvaluationError` put back in the batch's shape. */
function evaluateOne(program, unit, asOf, options) {
  try {
    return program.evaluate(unit, asOf, options);
  } catch (e) {
    if (e instanceof EvaluationError) return { unit_id: e.unitId, error: e.details };
    throw e;
  }
}

/** A case's run through the run model; a `RunError` carries the same record the engine gives. */
function runCycle(program, c) {
  try {
    return program.runCycle(c.units ?? [], c.as_of ?? '', c.cycle ?? null);
  } catch (e) {
    if (e instanceof RunError) return e.result;
    throw e;
  }
}

/** Compiles a case's program: `{program, diagnostics}` (program null when it does not compile). */
function compileCase(c) {
  const source = sourceText(c);
  try {
    const program = compile(source);
    return { program, diagnostics: program.warnings };
  } catch (e) {
    if (e instanceof CompileError) return { program: null, diagnostics: e.diagnostics };
    throw e;
  }
}

/**
 * Runs one case: compile, compare diagnostics, run the run model when `want_cycle` is given, then
 * evaluate each unit on its own, as a batch and as an async batch (all three must give identical
 * JSON), and compare with `want`.
 * Returns `{diffs, results}` (results: one per unit, from the one-by-one evaluation).
 */
async function runCase(c) {
  const diffs = [];
  const { program, diagnostics } = compileCase(c);
  const wantDiagnostics = c.want_diagnostics ?? [];
  if (wantDiagnostics.length > 0 || program === null) diffs.push(...compareDiagnostics(diagnostics, wantDiagnostics));
  if (program !== null && c.want_cycle !== undefined) {
    diffs.push(...compareCycle(runCycle(program, c), c.want_cycle));
  }
  const want = c.want ?? [];
  if (program === null || want.length === 0) return { diffs, results: null };
  if (typeof c.as_of !== 'string') return { diffs: [...diffs, 'a case with `want` needs `as_of`'], results: null };
  const units = c.units ?? [];
  const options = evaluateOptions(c);
  const oneByOne = units.map((u) => evaluateOne(program, u, c.as_of, options));
  const batch = program.evaluateBatch(units, c.as_of, options);
  const asyncBatch = await program.evaluateBatchAsync(units, c.as_of, options);
  const text = canonical(oneByOne);
  if (text !== canonical(batch)) diffs.push('evaluating one by one and as a batch gave different results');
  if (text !== canonical(asyncBatch)) diffs.push('evaluating one by one and as an async batch gave different results');
  if (want.length !== units.length) diffs.push(`${units.length} units but ${want.length} expectations`);
  for (const w of want) {
    const id = typeof w.unit_id === 'number' ? String(w.unit_id) : w.unit_id;
    const got = oneByOne.find((g) => g.unit_id === id);
    if (!got) diffs.push(`no result for unit ${id}`);
    else diffs.push(...compare(got, w).map((d) => `unit ${id}: ${d}`));
  }
  return { diffs, results: oneByOne, batch };
}

module.exports = { CORPUS, canonical, loadAll, sourceText, compare, compareCycle, compareDiagnostics, compileCase, evaluateOptions, runCase, dec };
