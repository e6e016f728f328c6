// entitle-wasm: Entitle's rules engine in the browser, compiled to WebAssembly.
//
// This module is the package's public entry point. It wraps the wasm-bindgen output in ./raw/ and
// adds only what JavaScript needs: error classes (`CompileError`, `EvaluationError`, `EntitleError`)
// with `code` and `diagnostics`, and recovery after an internal error. All engine work happens in
// WebAssembly (the Rust crate in bindings-wasm/src/lib.rs); nothing here computes a result.
//
// Internal errors: on wasm32-unknown-unknown a Rust panic aborts the instance (a
// `WebAssembly.RuntimeError` trap) instead of unwinding. The engine is written so that no input can
// panic, but should it happen, the trap becomes an `EntitleError` with code `INTERNAL`, the module is
// instantiated afresh, and existing `Program`s recompile themselves on their next call.

import rawInit, * as raw from "./raw/entitle_wasm.js";

/** Every error this package throws on purpose: `code` is stable, `message` is human text. */
export class EntitleError extends Error {
  constructor(message, { code, diagnostics = [], cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "EntitleError";
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

/** Program text with errors: `code` is the first error's code, `diagnostics` lists them all. */
export class CompileError extends EntitleError {
  constructor(message, options) {
    super(message, options);
    this.name = "CompileError";
  }
}

/**
 * A unit that could not be evaluated: `code` is `R0001`…, `details` the engine's error object and
 * `result` the whole record, `{unit_id, error}`, as `evaluateBatch` gives it.
 */
export class EvaluationError extends EntitleError {
  constructor(message, { unitId, details, result, ...options } = {}) {
    super(message, options);
    this.name = "EvaluationError";
    this.unitId = unitId;
    this.details = details;
    this.result = result;
  }
}

/** A run that could not be carried out as a whole: `code` is `R0101`…, `details` the engine's error. */
export class RunError extends EntitleError {
  constructor(message, { details, result, ...options } = {}) {
    super(message, options);
    this.name = "RunError";
    this.details = details;
    this.result = result;
  }
}

let initialized = false;
// Bumped each time the module is instantiated afresh after an internal error.
let generation = 0;

/**
 * Loads the WebAssembly module. With no argument the `.wasm` file next to this package is fetched
 * (bundlers understand the `new URL(…, import.meta.url)` it uses); otherwise pass a URL, a
 * `Response`, bytes or a `WebAssembly.Module`.
 */
export default async function init(input) {
  await rawInit(input === undefined ? undefined : { module_or_path: input });
  initialized = true;
}

/** Loads the module synchronously from bytes or a `WebAssembly.Module` (Node, workers). */
export function initSync(module) {
  raw.initSync({ module });
  initialized = true;
}

function restart(trap) {
  let detail;
  try {
    // The panic hook kept the message; the trapped instance can still hand it over.
    detail = raw.takePanicMessage();
  } catch {
    detail = undefined;
  }
  try {
    raw.__wbg_reset_state();
    generation += 1;
  } catch {
    initialized = false;
  }
  const why = detail ?? String(trap && trap.message);
  return new EntitleError(`internal error in the Entitle engine (a bug; the engine was restarted): ${why}`, {
    code: "INTERNAL",
    cause: trap,
  });
}

function convert(e) {
  // Only engine calls run inside `call` (the wrapper's own work on the caller's values, which can
  // throw its own RangeError or TypeError, is done before), so a RangeError here is the instance's
  // stack running out: a trap like the others.
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return restart(e);
  // Argument errors (TypeError) and anything that is not ours pass through unchanged.
  if (!(e instanceof Error) || e instanceof TypeError || typeof e.code !== "string") return e;
  const options = { code: e.code, diagnostics: e.diagnostics ?? [] };
  switch (e.name) {
    case "CompileError":
      return new CompileError(e.message, options);
    case "EvaluationError":
      return new EvaluationError(e.message, { ...options, unitId: e.unitId, details: e.details, result: e.result });
    case "RunError":
      return new RunError(e.message, { ...options, details: e.details, result: e.result });
    default:
      return new EntitleError(e.message, options);
  }
}

function call(body) {
  if (!initialized) {
    throw new EntitleError("entitle-wasm is not initialised: call `await init()` (or `initSync`) first", {
      code: "NOT_INITIALIZED",
    });
  }
  try {
    return body();
  } catch (e) {
    throw convert(e);
  }
}

// ---- arguments: the same rules as the Node binding --------------------------------------------

function argError(Kind, code, message) {
  const e = new Kind(`entitle: ${message}`);
  e.code = code;
  return e;
}

// Built-in kinds are told by their tag, which also works for objects from another realm (an
// iframe, a worker's structured clone) where `instanceof` does not.
const tagOf = (value) => Object.prototype.toString.call(value);
const isDate = (value) => value !== null && typeof value === "object" && tagOf(value) === "[object Date]";
const isBinary = (value) =>
  ArrayBuffer.isView(value) || ["[object ArrayBuffer]", "[object SharedArrayBuffer]"].includes(tagOf(value));
const BOXED = ["[object Number]", "[object String]", "[object Boolean]", "[object BigInt]", "[object Symbol]"];

// The primitive inside `new Number(…)`, `new String(…)` …, or undefined for any other object.
function unboxed(value) {
  if (value === null || typeof value !== "object" || !BOXED.includes(tagOf(value))) return undefined;
  const inner = value.valueOf();
  return inner !== null && typeof inner === "object" ? undefined : { inner };
}

function describe(value) {
  if (value === null) return "null";
  if (isDate(value)) return "a Date object";
  // fs.readFileSync(file) or a fetch's arrayBuffer() without decoding: the commonest wrong `source`.
  if (globalThis.Buffer?.isBuffer?.(value)) return "a Buffer (read the file with 'utf8')";
  if (isBinary(value)) return "binary data (decode it with new TextDecoder().decode(bytes))";
  if (Array.isArray(value)) return "an array";
  if (tagOf(value) === "[object Map]") return "a Map";
  if (tagOf(value) === "[object Set]") return "a Set";
  return typeof value;
}

function requireString(value, name) {
  if (typeof value !== "string") {
    const hint = name === "asOf" ? ' (an ISO date such as "2026-03-01")' : "";
    throw argError(TypeError, "ERR_INVALID_ARG_TYPE", `${name} must be a string${hint}, got ${describe(value)}`);
  }
  return value;
}

// Options: unknown keys are refused; an absent option stays undefined so the engine's default applies.
function readOptions(options, spec) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw argError(TypeError, "ERR_INVALID_ARG_TYPE", `options must be an object, got ${describe(options)}`);
  }
  const out = {};
  for (const [key, value] of Object.entries(options)) {
    // Own keys only: `toString` or `constructor` are not options because every object inherits them.
    if (!Object.hasOwn(spec, key)) {
      throw argError(TypeError, "ERR_INVALID_ARG_VALUE", `unknown option \`${key}\` (known: ${Object.keys(spec).join(", ")})`);
    }
    if (value !== undefined && typeof value !== spec[key]) {
      throw argError(TypeError, "ERR_INVALID_ARG_TYPE", `option \`${key}\` must be a ${spec[key]}, got ${describe(value)}`);
    }
    out[key] = value;
  }
  return out;
}

/** Thrown by `encodeValue`: the value under `key` of `holder` cannot be unit data. */
class BadValue extends Error {
  constructor(holder, key, reason) {
    super(reason);
    this.holder = holder;
    this.key = key;
  }
}

const DATE_REASON =
  'a Date object; give dates as ISO strings such as "2026-03-01" (a Date is an instant, and its day depends on the time zone)';

// Why `value` (`original` before its toJSON) cannot be unit data, or null when it can. The
// wording is the Node binding's; no reason shows the value itself (errors show no registrant's values).
function problemOf(original, value) {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) return `${value}, which is not a number the engine can read; give amounts as numbers or decimal strings`;
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return "an integer beyond 2^53, where a JS number is no longer the integer written; give it as a string or a BigInt";
      return null;
    case "string":
      return isDate(original) ? DATE_REASON : null;
    case "function":
    case "symbol":
      return `a ${typeof value}, which is not unit data`;
    case "object": {
      if (value === null) return isDate(original) ? "an invalid Date (new Date could not read its text), not an unknown value" : null;
      const boxed = unboxed(value);
      if (boxed !== undefined) return problemOf(boxed.inner, boxed.inner);
      if (isBinary(original) || isBinary(value)) return "binary data (a Buffer or typed array), which is not unit data";
      if (tagOf(value) === "[object Map]") return "a Map; give a plain object (Object.fromEntries(map))";
      if (tagOf(value) === "[object Set]") return "a Set; give an array ([...set])";
      if (!Array.isArray(value) && typeof value[Symbol.iterator] === "function") return "an iterator; give an array ([...values])";
      return null;
    }
    default:
      return null;
  }
}

// JSON.stringify replacer for unit data. A JS number is read as the exact decimal JavaScript
// prints for it (the shortest text that reads back as the same number); BigInts are exact
// integers. Values JSON would silently change are refused: NaN and ±Infinity (null, an unknown),
// integers beyond ±2^53 (no longer the integer written), Dates (a UTC instant, or null), Maps,
// Sets, iterators and binary data ({} or bytes), functions and symbols (dropped).
function encodeValue(key, value) {
  const reason = problemOf(this[key], value);
  if (reason !== null) throw new BadValue(this, key, reason);
  if (typeof value === "bigint") return value.toString();
  const boxed = unboxed(value);
  if (boxed !== undefined) return typeof boxed.inner === "bigint" ? boxed.inner.toString() : boxed.inner;
  return value;
}

// The unit's id as the engine reads it, or "" when it has none (or a getter throws).
function idOf(unit) {
  try {
    const id = unit !== null && typeof unit === "object" ? unit.id : undefined;
    if (typeof id === "string") return id;
    if (typeof id === "bigint") return id.toString();
    if (typeof id === "number" && Number.isFinite(id) && Math.abs(id) <= Number.MAX_SAFE_INTEGER) return JSON.stringify(id);
  } catch {
    // The unit is reported without its id.
  }
  return "";
}

// The keys from `root` down to `target` (breadth first, own enumerable keys), or null.
function pathTo(root, target) {
  const queue = [[root, []]];
  const seen = new Set();
  while (queue.length > 0) {
    const [node, keys] = queue.shift();
    if (node === target) return keys;
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    for (const k of Object.keys(node)) queue.push([node[k], [...keys, k]]);
  }
  return null;
}

// The engine's name for the value under `key` of `holder` in `unit` (`income`,
// `member M1: birthdate`, `visits #2: visit_date`); `name: null`, with `what`, when the unit,
// its `members` or a member is itself not data (an R0010).
function fieldOf(unit, holder, key) {
  const keys = key === "" ? [] : [...(pathTo(unit, holder) ?? []), key];
  if (keys.length === 0) return { name: null, what: "the unit" };
  if (keys[0] === "members" && keys.length <= 2) {
    return { name: null, what: keys.length === 1 ? "`members`" : `member ${Number(keys[1]) + 1}` };
  }
  if (keys[0] === "members") {
    const m = unit.members[keys[1]];
    const id = typeof m.id === "string" || typeof m.id === "number" ? String(m.id) : `#${Number(keys[1]) + 1}`;
    return { name: `member ${id}: ${keys.slice(2).join(".")}` };
  }
  if (keys.length >= 3 && Array.isArray(unit[keys[0]])) {
    return { name: `${keys[0]} #${Number(keys[1]) + 1}: ${keys.slice(2).join(".")}` };
  }
  return { name: keys.join(".") };
}

/** Levels of objects and arrays below a unit that it may have (real units have four at most). */
const MAX_DEPTH = 64;
/**
 * The longest JSON text (in UTF-16 code units) sent to the engine in one call: the WebAssembly
 * instance has at most 4 GiB of memory, and a text it cannot allocate aborts it (an INTERNAL error
 * for what is the caller's data).
 */
const MAX_TEXT = 2 ** 27;
const TOO_LARGE = `larger than ${MAX_TEXT / 2 ** 20} Mi characters of JSON, more than one call into the engine takes`;

// Why a unit's shape cannot be written as JSON, once JSON.stringify threw something other than a
// BadValue: a value that contains itself (a cycle: TypeError) or nesting deeper than MAX_DEPTH
// (the call stack ran out: RangeError). The BadValue is placed at the attribute (of the unit, a
// member or a record) that holds the problem, as the engine names fields. Null when there is no
// such problem: the error was the caller's own (a getter that threw) and passes on unchanged.
function shapeProblem(unit) {
  const trail = [];
  const inside = new Set();
  function visit(holder, key) {
    let value = holder[key];
    if (value !== null && typeof value === "object" && typeof value.toJSON === "function") value = value.toJSON(key);
    if (trail.length > 0) trail[trail.length - 1].value = value;
    if (value === null || typeof value !== "object") return null;
    let reason = null;
    if (inside.has(value)) reason = "a reference to an object that contains it (a cycle), which is not unit data";
    else if (trail.length > MAX_DEPTH) reason = `nested more than ${MAX_DEPTH} levels deep, which is not unit data`;
    if (reason !== null) {
      // `members` and record collections name the field one level down (`member M1: x`, `visits #2: x`).
      const at = trail[Math.min(trail.length - 1, Array.isArray(trail[0]?.value) ? 2 : 0)] ?? { holder, key };
      return new BadValue(at.holder, at.key, reason);
    }
    inside.add(value);
    for (const k of Object.keys(value)) {
      trail.push({ holder: value, key: k });
      const found = visit(value, k);
      trail.pop();
      if (found !== null) return found;
    }
    inside.delete(value);
    return null;
  }
  try {
    return visit({ "": unit }, "");
  } catch {
    return null;
  }
}

// The unit's error record for a BadValue: R0005 naming the field, or R0010 for the unit's shape.
function failureOf(unit, bad) {
  const field = fieldOf(unit, bad.holder, bad.key);
  const reason = field.name === null ? `${field.what} is ${bad.message}` : bad.message;
  const id = idOf(unit);
  return call(() => raw.unitFailure(id, field.name ?? undefined, reason));
}

// A unit as JSON text, or the engine's error record for it when it cannot be sent: such a unit
// fails alone (R0005 naming the value, R0010 for the unit's shape), as a value the engine refuses
// would, and never takes a batch with it.
function encodeUnit(unit) {
  let text;
  try {
    text = JSON.stringify(unit, encodeValue) ?? "null";
  } catch (e) {
    const bad = e instanceof BadValue ? e : shapeProblem(unit);
    if (bad === null) throw e;
    return { failure: failureOf(unit, bad) };
  }
  if (text.length > MAX_TEXT) return { failure: failureOf(unit, new BadValue({ "": unit }, "", TOO_LARGE)) };
  return { text };
}

// Unit data given as JSON text, checked for size as encoded units are.
function requireText(text, what) {
  if (text.length > MAX_TEXT) throw argError(TypeError, "ERR_INVALID_ARG_VALUE", `${what} is ${TOO_LARGE}`);
  return text;
}

function requireUnits(units) {
  if (typeof units === "string") return;
  if (!Array.isArray(units)) {
    const one = units !== null && typeof units === "object" && describe(units) === "object";
    const hint = one ? " (one unit? evaluate it, or pass [unit])" : "";
    throw argError(TypeError, "ERR_INVALID_ARG_TYPE", `units must be an array of units (or its JSON text), got ${describe(units)}${hint}`);
  }
}

// Units as one JSON array; a unit that cannot be sent is `null` there, and its error record goes
// into `failures` (by index) to replace the engine's result for it. Text is passed on as it is.
/** Units per call into the engine in `evaluateBatch`. */
const UNITS_PER_CALL = 2048;

function encodeUnits(units, failures) {
  if (typeof units === "string") return requireText(units, "the units' JSON text");
  try {
    const text = JSON.stringify(units, encodeValue);
    if (text.length <= MAX_TEXT) return text;
  } catch {
    // Unit by unit: each one that cannot be sent fails alone (or its own error passes on).
  }
  // Array.from, not map: a hole in the array is a unit too (null, an R0010), as JSON writes it.
  const parts = Array.from(units, (unit, i) => {
    const { text, failure } = encodeUnit(unit);
    if (failure === undefined) return text;
    failures.set(i, failure);
    return "null";
  });
  return `[${parts.join(",")}]`;
}

function evaluationError(record) {
  const prefix = record.unit_id ? `unit ${record.unit_id}: ` : "";
  return new EvaluationError(`${prefix}${record.error.message}`, {
    code: record.error.code,
    unitId: record.unit_id,
    details: record.error,
    result: record,
  });
}
function deepFreeze(value) {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const CONSTRUCT = Symbol("entitle.Program");

/** A compiled program: compile once, evaluate many. Create one with `compile`. */
export class Program {
  #raw;
  #generation;
  #source;
  #meta;

  constructor(token, handle, source) {
    if (token !== CONSTRUCT) throw new TypeError("entitle: use compile(source) to make a Program");
    this.#raw = handle;
    this.#generation = generation;
    this.#source = source;
    this.#meta = undefined;
  }

  // The compiled program in the current instance (recompiled after a restart).
  #handle() {
    // A freed program stays freed: compiling it again behind the caller's back would hide the
    // use after free() and keep the memory free() was called to release.
    if (this.#raw === undefined) {
      throw new EntitleError("entitle: this program was freed (free()); compile its source again", { code: "FREED" });
    }
    if (this.#generation !== generation) {
      this.#raw = raw.compile(this.#source);
      this.#generation = generation;
    }
    return this.#raw;
  }

  #call(body) {
    return call(() => body(this.#handle()));
  }

  // What a program declares never changes: read once, then frozen.
  #info() {
    if (this.#meta === undefined) {
      this.#meta = deepFreeze(
        this.#call((p) => ({
          id: p.id,
          title: p.title ?? null,
          version: p.version ?? null,
          hash: p.hash,
          target: p.target,
          currency: p.currency ?? null,
          inputs: p.inputs(),
          params: p.params(),
          rules: p.rules(),
          items: p.items(),
          translations: p.translations(),
        })),
      );
    }
    return this.#meta;
  }

  /** The program identifier (`child_grant`). */
  get id() { return this.#info().id; }
  /** The human title, or null. */
  get title() { return this.#info().title; }
  /** The declared version, or null. */
  get version() { return this.#info().version; }
  /** `sha256:` and the hex digest of the program text; part of every decision. */
  get hash() { return this.#info().hash; }
  /** `household` or `individual`. */
  get target() { return this.#info().target; }
  /** The ISO 4217 currency code, or null. */
  get currency() { return this.#info().currency; }
  /** The declared inputs (what a form asks for), each marked with whether a rule reads it. */
  get inputs() { return this.#info().inputs; }
  /** The parameters with their effective-dated values. */
  get params() { return this.#info().params; }
  /** The eligibility rules: `{id, kind, sentence}`. */
  get rules() { return this.#info().rules; }
  /** The entitlement items: `{id, kind, sentence, unit}`. */
  get items() { return this.#info().items; }
  /** Translated sentences: locale → identifier → text (`title` for the title). */
  get translations() { return this.#info().translations; }
  /** Warnings found while compiling (English). */
  get warnings() { return this.#call((p) => p.warnings()); }
  /** The program text it was compiled from. */
  get source() { return this.#source; }

  /** Evaluates one unit; throws `EvaluationError` when it cannot be evaluated. */
  evaluate(unit, asOf, options) {
    requireString(asOf, "asOf");
    const { explain } = readOptions(options, { explain: "boolean" });
    const { text, failure } = typeof unit === "string" ? { text: requireText(unit, "the unit's JSON text") } : encodeUnit(unit);
    if (failure !== undefined) throw evaluationError(failure);
    return this.#call((p) => p.evaluate(text, asOf, explain));
  }

  /** Evaluates many units: one decision or `{unit_id, error}` per unit, in order. */
  evaluateBatch(units, asOf, options) {
    requireUnits(units);
    requireString(asOf, "asOf");
    const { explain } = readOptions(options, { explain: "boolean" });
    if (typeof units === "string" || units.length === 0) {
      const text = typeof units === "string" ? requireText(units, "the units' JSON text") : "[]";
      return this.#call((p) => p.evaluateBatch(text, asOf, explain));
    }
    // A call per slice of units: a whole large batch held in WebAssembly memory at once (its
    // explanations are kilobytes a unit) made it slower than linear (16,000 explained households
    // took 6.5 s in one call, 2.3 s in slices).
    const results = [];
    for (let start = 0; start < units.length; start += UNITS_PER_CALL) {
      const failures = new Map();
      const text = encodeUnits(units.slice(start, start + UNITS_PER_CALL), failures);
      const part = this.#call((p) => p.evaluateBatch(text, asOf, explain));
      for (const [i, failure] of failures) part[i] = failure;
      for (const r of part) results.push(r);
    }
    return results;
  }

  /** The decision for one unit as text, with reasons, in `options.locale`. */
  explain(unit, asOf, options) {
    requireString(asOf, "asOf");
    const { locale } = readOptions(options, { locale: "string" });
    const { text, failure } = typeof unit === "string" ? { text: requireText(unit, "the unit's JSON text") } : encodeUnit(unit);
    if (failure !== undefined) throw evaluationError(failure);
    return this.#call((p) => p.explain(text, asOf, locale));
  }

  /**
   * Runs the program over many units through the run model (enrolment states, compliance, ranking
   * and selection within a budget, approval, summary): `{units, totals, summary?, comparison?}`.
   * Throws `RunError` when the run cannot be carried out.
   */
  runCycle(units, asOf, options) {
    requireUnits(units);
    requireString(asOf, "asOf");
    if (options !== undefined && options !== null && (typeof options !== "object" || Array.isArray(options))) {
      throw argError(TypeError, "ERR_INVALID_ARG_TYPE", `options must be an object, got ${describe(options)}`);
    }
    // A run is carried out for the whole cycle or not at all: a unit that cannot be sent refuses
    // the run, naming it, rather than being left out of the totals.
    const failures = new Map();
    const text = encodeUnits(units, failures);
    for (const [i, failure] of failures) {
      throw argError(TypeError, "ERR_INVALID_ARG_VALUE", `units[${i}]: ${evaluationError(failure).message}`);
    }
    // The run options are checked by the engine (an unknown key is a RunError, R0102).
    let optionsText;
    try {
      optionsText = options === undefined || options === null ? undefined : JSON.stringify(options, encodeValue);
    } catch (e) {
      const bad = e instanceof BadValue ? e : shapeProblem(options);
      throw bad === null ? e : argError(TypeError, "ERR_INVALID_ARG_VALUE", `"${bad.key}" is ${bad.message}`);
    }
    return this.#call((p) => p.runCycle(text, asOf, optionsText));
  }

  /** Runs the tests written inside the program. */
  runTests() {
    return this.#call((p) => p.runTests());
  }

  /** Releases the compiled program's memory now (otherwise the garbage collector does). */
  free() {
    // A handle from before a restart belongs to the old instance: there is nothing to free.
    if (this.#generation === generation && this.#raw !== undefined) this.#raw.free();
    this.#raw = undefined;
    this.#generation = -1;
  }
}

/** Compiles program text; throws `CompileError` with every diagnostic when it has errors. */
export function compile(source, options) {
  requireString(source, "source");
  const { locale, filename } = readOptions(options, { locale: "string", filename: "string" });
  return call(() => new Program(CONSTRUCT, raw.compile(source, locale, filename), source));
}

/** Every diagnostic of program text (errors and warnings); never throws for bad text. */
export function check(source, options) {
  requireString(source, "source");
  const { locale } = readOptions(options, { locale: "string" });
  return call(() => raw.check(source, locale));
}

/** The package version. */
export function version() {
  return call(() => raw.version());
}

/** The locales with built-in message catalogues. */
export function locales() {
  return call(() => raw.locales());
}

/**
 * Test-only hooks, not public API: `panic()` makes the engine panic, so tests can check that a
 * panic becomes an `EntitleError` with code `INTERNAL` and that the engine keeps working.
 */
export const __testing = Object.freeze({
  panic: () => call(() => raw.__testPanic()),
  generation: () => generation,
});
