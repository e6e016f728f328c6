'use strict';
/**
 * Entitle for Node: compile a social-protection program once, evaluate households and
 * individuals many times, with reasons.
 *
 *     const { compile } = require('entitle');
 *     const program = compile(fs.readFileSync('child_grant.entitle', 'utf8'));
 *     const decision = program.evaluate(household, '2026-03-01');
 *
 * This file and units.js are the whole JavaScript layer: it converts arguments (units to JSON
 * text in units.js, which states the number rule), calls the native addon once, and turns what comes back into
 * plain objects or `Error` subclasses. Every rule of the language, every default and the result
 * shape live in the Rust engine (`entitle-core`); `index.d.ts` types this API.
 */

const path = require('node:path');
const { types } = require('node:util');

function loadNative() {
  const file = path.join(__dirname, 'entitle.node');
  try {
    return require(file);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      throw new Error(`entitle: the native addon ${file} is not built; run \`npm run build\` in ${__dirname}`, { cause: e });
    }
    throw e;
  }
}

const native = loadNative();

const { unitEncoder, unitNames, failureOrR0011, UNITS_PER_CHUNK, MAX_TEXT, TOO_LARGE } = require('./units');

// Units as JSON text (units.js); a unit that cannot be sent gets the engine's own error record.
const { encodeUnit, encodeChunk, encodeOptions } = unitEncoder((id, field, reason) =>
  JSON.parse(call(() => native.unitFailure(id, field ?? undefined, reason))));

// ---------------------------------------------------------------------------------------------
// Errors

/** Base class of every error the engine reports: `code` and `diagnostics` are always set. */
class EntitleError extends Error {
  constructor(message, { code, diagnostics, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EntitleError';
    this.code = code;
    this.diagnostics = diagnostics ?? [];
  }
}

/** The program text has errors; `diagnostics` lists all of them (and the warnings). */
class CompileError extends EntitleError {
  constructor(failure) {
    const errors = failure.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? failure.diagnostics[0];
    super(failure.message, {
      code: first ? first.code : undefined,
      diagnostics: failure.diagnostics,
    });
    this.name = 'CompileError';
  }
}

/** One unit could not be evaluated (division by zero, invalid data …): `code` is `R0001` …. */
class EvaluationError extends EntitleError {
  constructor(failure) {
    // A unit that came without an id has no `unit …:` before its error (which says so).
    const prefix = failure.unit_id ? `unit ${failure.unit_id}: ` : '';
    super(`${prefix}${failure.error.message}`, { code: failure.error.code });
    this.name = 'EvaluationError';
    /** The unit's identifier. */
    this.unitId = failure.unit_id;
    /** The engine's error object: `code`, `message` and the code's own fields (`at`, `field` …). */
    this.details = failure.error;
  }
}

/** A run of the run model could not be carried out as a whole (`R0101` …): bad options, … */
class RunError extends EntitleError {
  constructor(result) {
    super(result.error.message, { code: result.error.code });
    this.name = 'RunError';
    /** The engine's error object: `code`, `message` and the code's own fields (`option`, `reason` …). */
    this.details = result.error;
    /** The engine's whole result, `{error}`. */
    this.result = result;
  }
}

function invalidArg(message) {
  const e = new TypeError(`entitle: ${message}`);
  e.code = 'ERR_INVALID_ARG_VALUE';
  return e;
}

/**
 * An error thrown by the native layer: bad unit text (a TypeError) or an internal failure. An
 * error JavaScript itself raised (a method called without its program, `const f = p.evaluate`)
 * is passed on unchanged: it is the caller's, not the engine's.
 */
function fromNative(e) {
  if (e && e.code === 'InvalidArg') {
    return invalidArg(e.message);
  }
  if (!(e && e.code === 'GenericFailure')) return e;
  return new EntitleError(String(e.message), { code: 'INTERNAL', cause: e });
}

function call(f) {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments

function requireString(value, name) {
  if (typeof value !== 'string') {
    const e = new TypeError(`entitle: ${name} must be a string${name === 'asOf' ? ' (an ISO date such as "2026-03-01")' : ''}, got ${describe(value)}`);
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }
}

function describe(value) {
  if (value === null) return 'null';
  if (types.isDate(value)) return 'a Date object';
  // fs.readFileSync(file) without an encoding: the commonest wrong `source`.
  if (Buffer.isBuffer(value)) return "a Buffer (read the file with 'utf8')";
  if (Array.isArray(value)) return 'an array';
  if (types.isMap(value)) return 'a Map';
  if (types.isSet(value)) return 'a Set';
  return typeof value;
}

/** Reads an options object; absent options stay `undefined`, so the engine's defaults apply. */
function readOptions(options, spec) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    const e = new TypeError(`entitle: options must be an object, got ${describe(options)}`);
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }
  const out = {};
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(spec, key)) throw invalidArg(`unknown option \`${key}\` (known: ${Object.keys(spec).join(', ')})`);
    const value = options[key];
    if (value !== undefined && typeof value !== spec[key]) {
      const e = new TypeError(`entitle: option \`${key}\` must be a ${spec[key]}, got ${describe(value)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    out[key] = value;
  }
  return out;
}

/** Unit data given as JSON text, checked for size as encoded units are (as in WebAssembly). */
function requireText(text, what) {
  if (text.length > MAX_TEXT) throw invalidArg(`${what} is ${TOO_LARGE}`);
  return text;
}

function requireUnits(units) {
  if (typeof units === 'string') return;
  if (!Array.isArray(units)) {
    const one = units !== null && typeof units === 'object' && describe(units) === 'object';
    const hint = one ? ' (one unit? evaluate it, or pass [unit])' : '';
    const e = new TypeError(`entitle: units must be an array of units (or its JSON text), got ${describe(units)}${hint}`);
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }
}

function decodeResults(texts, failures) {
  const out = [];
  for (const text of texts) {
    const part = JSON.parse(text);
    for (let i = 0; i < part.length; i++) out.push(part[i]);
  }
  return withFailures(out, failures);
}

function withFailures(results, failures) {
  // A unit sent with its names only (strict) keeps the engine's R0011 (units.js).
  for (const [i, failure] of failures) results[i] = failureOrR0011(failure, results[i]);
  return results;
}

function isFailure(result) {
  return result.error !== undefined && result.decision === undefined;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function deepFreeze(value) {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The API

const CONSTRUCT = Symbol('entitle.Program');

/**
 * The options of `evaluate`, `evaluateBatch` and `evaluateBatchAsync`: `explain` builds each
 * decision's explanation; `strict` makes a key the program does not declare fail its unit (R0011).
 */
const EVALUATE_OPTIONS = { explain: 'boolean', strict: 'boolean' };

/** A compiled program: immutable, cheap to share, evaluated as often as needed. */
class Program {
  #native;
  #meta;
  #names;

  /** Programs come from `compile(source)`. */
  constructor(token, nativeProgram) {
    if (token !== CONSTRUCT) {
      throw new TypeError('entitle: use compile(source) to make a Program');
    }
    this.#native = nativeProgram;
    const { names, ...meta } = JSON.parse(call(() => nativeProgram.metadata()));
    this.#meta = deepFreeze(meta);
    // The names a unit may carry: the others are sent without their values (units.js).
    this.#names = unitNames(names);
  }

  /** The program identifier (`child_grant`). */
  get id() { return this.#meta.id; }
  /** The human title, or null. */
  get title() { return this.#meta.title; }
  /** The declared version, or null. */
  get version() { return this.#meta.version; }
  /** `sha256:` and the hex digest of the program text; part of every decision. */
  get hash() { return this.#meta.hash; }
  /** `household` or `individual`. */
  get target() { return this.#meta.target; }
  /** The ISO 4217 currency code, or null. */
  get currency() { return this.#meta.currency; }
  /** The declared inputs, each marked with whether a rule reads it (`used`). */
  get inputs() { return this.#meta.inputs; }
  /** The parameters with their effective-dated values. */
  get params() { return this.#meta.params; }
  /** The eligibility rules: `{id, kind, sentence, line}`. */
  get rules() { return this.#meta.rules; }
  /** The entitlement items: `{id, kind, sentence, unit, line}`. */
  get items() { return this.#meta.items; }
  /** The units of measure of the in-kind items (`kg` …), in the order totals report them. */
  get unitsOfMeasure() { return this.#meta.units_of_measure; }
  /** Translated sentences: locale → identifier → text (`title` for the title). */
  get translations() { return this.#meta.translations; }
  /** Warnings found while compiling. */
  get warnings() { return call(() => this.#native.warnings()); }

  /** One unit as JSON text: its own text (as WebAssembly takes it), or an object encoded (units.js). */
  #encodeUnit(unit, strict) {
    if (typeof unit === 'string') return { text: requireText(unit, "the unit's JSON text") };
    return encodeUnit(unit, { ownErrors: true, names: this.#names, strict });
  }

  /** Units as JSON arrays of at most UNITS_PER_CHUNK units, or the caller's own JSON text. */
  #encodeUnits(units, failures, strict) {
    if (typeof units === 'string') return [requireText(units, "the units' JSON text")];
    const chunks = [];
    for (let i = 0; i < units.length; i += UNITS_PER_CHUNK) chunks.push(...encodeChunk(units, i, failures, this.#names, strict));
    return chunks;
  }

  /**
   * The error of a unit that could not be sent: its record, or, with strict binding, the engine's
   * R0011 for a key the program does not declare (names come before values, as in Python), found
   * from the unit's names alone (`namesText`), in `locale` as `explain` says it.
   */
  #unsent(failure, namesText, asOf, locale) {
    if (namesText === undefined) return new EvaluationError(failure);
    const outcome = call(() => this.#native.explain(namesText, asOf, locale, true));
    const result = outcome.failure == null ? undefined : JSON.parse(outcome.failure);
    return new EvaluationError(failureOrR0011(failure, result));
  }

  /** Evaluates one unit; throws `EvaluationError` when the unit cannot be evaluated. */
  evaluate(unit, asOf, options) {
    requireString(asOf, 'asOf');
    const { explain, strict } = readOptions(options, EVALUATE_OPTIONS);
    const { text, failure, namesText } = this.#encodeUnit(unit, strict);
    if (failure !== undefined) throw this.#unsent(failure, namesText, asOf);
    const result = JSON.parse(call(() => this.#native.evaluate(text, asOf, explain, strict)));
    if (isFailure(result)) throw new EvaluationError(result);
    return result;
  }

  /** Evaluates many units in parallel; one result per unit, in order (a unit's error is a result). */
  evaluateBatch(units, asOf, options) {
    requireUnits(units);
    requireString(asOf, 'asOf');
    const { explain, strict } = readOptions(options, EVALUATE_OPTIONS);
    const failures = new Map();
    const chunks = this.#encodeUnits(units, failures, strict);
    return decodeResults(call(() => this.#native.evaluateBatch(chunks, asOf, explain, strict)), failures);
  }

  /**
   * As `evaluateBatch`, but the evaluation runs on libuv's thread pool and the conversions are
   * done in slices, so the event loop keeps running. Do not change `units` until it settles.
   */
  async evaluateBatchAsync(units, asOf, options) {
    requireUnits(units);
    requireString(asOf, 'asOf');
    const { explain, strict } = readOptions(options, EVALUATE_OPTIONS);
    const chunks = typeof units === 'string' ? [requireText(units, "the units' JSON text")] : [];
    const failures = new Map();
    for (let i = 0; typeof units !== 'string' && i < units.length; i += UNITS_PER_CHUNK) {
      chunks.push(...encodeChunk(units, i, failures, this.#names, strict));
      await nextTurn();
    }
    let texts;
    try {
      texts = await this.#native.evaluateBatchAsync(chunks, asOf, explain, strict);
    } catch (e) {
      throw fromNative(e);
    }
    const out = [];
    for (const text of texts) {
      const part = JSON.parse(text);
      for (let i = 0; i < part.length; i++) out.push(part[i]);
      await nextTurn();
    }
    return withFailures(out, failures);
  }

  /** The decision for one unit as text, with the values that decided each rule, in `locale`. */
  explain(unit, asOf, options) {
    requireString(asOf, 'asOf');
    const { locale, strict } = readOptions(options, { locale: 'string', strict: 'boolean' });
    const { text, failure, namesText } = this.#encodeUnit(unit, strict);
    if (failure !== undefined) throw this.#unsent(failure, namesText, asOf, locale);
    const outcome = call(() => this.#native.explain(text, asOf, locale, strict));
    if (outcome.failure != null) {
      throw new EvaluationError(JSON.parse(outcome.failure));
    }
    return outcome.text;
  }

  /**
   * Runs the program's run model over `units` for one cycle: each unit's state, selection and
   * approval, and the totals. `cycle` holds the options (previous states, a fund, a budget …, as
   * the engine documents them in `core/src/run_model/json.rs`). Throws `RunError` (`R0101` …)
   * when the run cannot be carried out; a unit that cannot be evaluated is a record with
   * `decision: null`.
   */
  runCycle(units, asOf, cycle) {
    requireUnits(units);
    requireString(asOf, 'asOf');
    if (cycle !== undefined && cycle !== null && (typeof cycle !== 'object' || Array.isArray(cycle))) {
      const e = new TypeError(`entitle: cycle must be an object of options, got ${Array.isArray(cycle) ? 'an array' : describe(cycle)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    // A run is carried out for the whole cycle or not at all: a unit the engine cannot be given
    // refuses the run with a TypeError naming it, rather than leaving it out of the totals.
    // Units as objects are converted whole (no names: a run reads them as Python's run_cycle does).
    const failures = new Map();
    const chunks = typeof units === 'string' ? [requireText(units, "the units' JSON text")] : [];
    for (let i = 0; typeof units !== 'string' && i < units.length; i += UNITS_PER_CHUNK) chunks.push(...encodeChunk(units, i, failures));
    for (const [i, failure] of failures) {
      throw invalidArg(`units[${i}]: ${new EvaluationError(failure).message}`);
    }
    const options = cycle === undefined || cycle === null ? undefined : encodeOptions(cycle, invalidArg);
    // The run comes as its text with `units` null, then its units in arrays short enough for one
    // string each (a run of a million units is longer than V8's longest string).
    const [head, ...parts] = call(() => this.#native.runCycle(chunks, asOf, options));
    const result = JSON.parse(head);
    if (result.error !== undefined && result.units === undefined) throw new RunError(result);
    if (result.units === null) result.units = parts.length === 1 ? JSON.parse(parts[0]) : parts.flatMap((p) => JSON.parse(p));
    return result;
  }

  /**
   * Runs the tests written inside the program; failures in `options.locale`, else in the locale
   * the program was compiled with, else in English (as Python's `run_tests`).
   */
  runTests(options) {
    const { locale } = readOptions(options, { locale: 'string' });
    return call(() => this.#native.runTests(locale));
  }
}

/** Compiles program text; throws `CompileError` with every diagnostic when it has errors. */
function compile(source, options) {
  requireString(source, 'source');
  const { locale, filename } = readOptions(options, { locale: 'string', filename: 'string' });
  const result = call(() => native.compile(source, locale, filename));
  if (result instanceof native.NativeProgram) return new Program(CONSTRUCT, result);
  throw new CompileError(result);
}

/** Checks program text: every diagnostic, errors and warnings. Never throws for bad text. */
function check(source, options) {
  requireString(source, 'source');
  const { locale } = readOptions(options, { locale: 'string' });
  return call(() => native.check(source, locale));
}

/** The package version (the engine's), as Python's `__version__` and WebAssembly's `version()`. */
function version() {
  return call(() => native.version());
}

/** The locales with built-in message catalogues (`["en", "fr"]`), as in Python and WebAssembly. */
function locales() {
  return call(() => native.locales());
}

module.exports = {
  compile,
  check,
  version,
  locales,
  Program,
  EntitleError,
  CompileError,
  EvaluationError,
  RunError,
  /** Test-only hooks; not part of the API. `panicOnNextCall()` makes the next native call panic. */
  __testing: Object.freeze({
    panicOnNextCall: () => native.__panicOnNextCall(),
    /** The longest result text in bytes handed back as one string (undefined: the real limit). */
    setResultTextLimit: (bytes) => native.__setResultTextLimit(bytes),
  }),
};
