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
import { failureOrR0011, isBinary, isDate, MAX_TEXT, tagOf, TOO_LARGE, unitEncoder, unitNames, UNITS_PER_CALL } from "./units.js";

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

// The options of `evaluate` and `evaluateBatch`: `explain` builds each decision's explanation;
// `strict` makes a key the program does not declare fail its unit (R0011).
const EVALUATE_OPTIONS = { explain: "boolean", strict: "boolean" };

// Options: unknown keys are refused; an absent option stays undefined so the engine's default applies.
function readOptions(options, spec) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
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

// Units as JSON text (units.js); a unit that cannot be sent gets the engine's own error record.
const { encodeUnit, encodeUnits, encodeOptions } = unitEncoder((id, field, reason) =>
  call(() => raw.unitFailure(id, field ?? undefined, reason)));

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
  #locale;
  #meta;

  constructor(token, handle, source, locale) {
    if (token !== CONSTRUCT) throw new TypeError("entitle: use compile(source) to make a Program");
    this.#raw = handle;
    this.#generation = generation;
    this.#source = source;
    this.#locale = locale;
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
      this.#raw = raw.compile(this.#source, this.#locale);
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
          unitsOfMeasure: p.unitsOfMeasure(),
          translations: p.translations(),
          // The names a unit may carry: the others are sent without their values (units.js).
          names: unitNames(p.unitNames()),
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
  /** The eligibility rules: `{id, kind, sentence, line}`. */
  get rules() { return this.#info().rules; }
  /** The entitlement items: `{id, kind, sentence, unit, line}`. */
  get items() { return this.#info().items; }
  /** The units of measure of the in-kind items (`kg` …), in the order totals report them. */
  get unitsOfMeasure() { return this.#info().unitsOfMeasure; }
  /** Translated sentences: locale → identifier → text (`title` for the title). */
  get translations() { return this.#info().translations; }
  /** Warnings found while compiling, in the locale the program was compiled with (else English). */
  get warnings() { return this.#call((p) => p.warnings()); }
  /** The program text it was compiled from. */
  get source() { return this.#source; }

  /**
   * The error of a unit that could not be sent: its record, or, with strict binding, the engine's
   * R0011 for a key the program does not declare (names come before values, as in Python), found
   * from the unit's names alone (`namesText`), in `locale` as `explain` says it.
   */
  #unsent(failure, namesText, asOf, locale) {
    if (namesText === undefined) return evaluationError(failure);
    try {
      this.#call((p) => p.explain(namesText, asOf, locale, true));
    } catch (e) {
      if (e instanceof EvaluationError && failureOrR0011(failure, e.result) === e.result) return e;
    }
    return evaluationError(failure);
  }

  /** Evaluates one unit; throws `EvaluationError` when it cannot be evaluated. */
  evaluate(unit, asOf, options) {
    requireString(asOf, "asOf");
    const { explain, strict } = readOptions(options, EVALUATE_OPTIONS);
    const { text, failure, namesText } = typeof unit === "string" ? { text: requireText(unit, "the unit's JSON text") } : encodeUnit(unit, { ownErrors: true, names: this.#info().names, strict });
    if (failure !== undefined) throw this.#unsent(failure, namesText, asOf);
    return this.#call((p) => p.evaluate(text, asOf, explain, strict));
  }

  /** Evaluates many units: one decision or `{unit_id, error}` per unit, in order. */
  evaluateBatch(units, asOf, options) {
    requireUnits(units);
    requireString(asOf, "asOf");
    const { explain, strict } = readOptions(options, EVALUATE_OPTIONS);
    if (typeof units === "string" || units.length === 0) {
      const text = typeof units === "string" ? requireText(units, "the units' JSON text") : "[]";
      return this.#call((p) => p.evaluateBatch(text, asOf, explain, strict));
    }
    // A call per slice of units (UNITS_PER_CALL), or per part of a slice too long for one text.
    const results = [];
    for (let start = 0; start < units.length; start += UNITS_PER_CALL) {
      const failures = new Map();
      for (const text of encodeUnits(units, start, failures, this.#info().names, strict)) {
        for (const r of this.#call((p) => p.evaluateBatch(text, asOf, explain, strict))) results.push(r);
      }
      // A unit sent with its names only (strict) keeps the engine's R0011 (units.js).
      for (const [i, failure] of failures) results[i] = failureOrR0011(failure, results[i]);
    }
    return results;
  }

  /** The decision for one unit as text, with reasons, in `options.locale`. */
  explain(unit, asOf, options) {
    requireString(asOf, "asOf");
    const { locale, strict } = readOptions(options, { locale: "string", strict: "boolean" });
    const { text, failure, namesText } = typeof unit === "string" ? { text: requireText(unit, "the unit's JSON text") } : encodeUnit(unit, { ownErrors: true, names: this.#info().names, strict });
    if (failure !== undefined) throw this.#unsent(failure, namesText, asOf, locale);
    return this.#call((p) => p.explain(text, asOf, locale, strict));
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
    const texts = typeof units === "string" ? [units] : [];
    for (let start = 0; typeof units !== "string" && start < units.length; start += UNITS_PER_CALL) {
      texts.push(...encodeUnits(units, start, failures));
    }
    for (const [i, failure] of failures) {
      throw argError(TypeError, "ERR_INVALID_ARG_VALUE", `units[${i}]: ${evaluationError(failure).message}`);
    }
    // One run over all units: the texts of the slices become one array (a run over more units
    // than one text holds is refused with the text's size, as units given as text are).
    const text = texts.length === 1 ? texts[0] : `[${texts.map((t) => t.slice(1, -1)).filter((t) => t !== "").join(",")}]`;
    // The run options are checked by the engine (an unknown key is a RunError, R0102).
    const optionsText = options === undefined || options === null ? undefined
      : encodeOptions(options, (message) => argError(TypeError, "ERR_INVALID_ARG_VALUE", message));
    return this.#call((p) => p.runCycle(requireText(text, "the units' JSON text"), asOf, optionsText));
  }

  /**
   * Runs the tests written inside the program; failures in `options.locale`, else in the locale
   * the program was compiled with, else in English (as Node's `runTests` and Python's `run_tests`).
   */
  runTests(options) {
    const { locale } = readOptions(options, { locale: "string" });
    return this.#call((p) => p.runTests(locale));
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
  return call(() => new Program(CONSTRUCT, raw.compile(source, locale, filename), source, locale));
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
 * panic becomes an `EntitleError` with code `INTERNAL` and that the engine keeps working;
 * `setResultTextLimit(bytes)` lowers the longest result text, so that tests reach it.
 */
export const __testing = Object.freeze({
  panic: () => call(() => raw.__testPanic()),
  /** The longest result text handed over as one string, in bytes (`undefined`: the real one). */
  setResultTextLimit: (bytes) => raw.__setResultTextLimit(bytes),
  generation: () => generation,
});
