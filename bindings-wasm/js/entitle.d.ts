// Types of entitle-wasm, Entitle's rules engine compiled to WebAssembly.
//
// Amounts are exact decimal strings ("2500", "1500.50"), never binary floats; dates are ISO 8601
// strings ("2026-03-01"); unknown values are `null`. The decision and error shapes are the engine's
// one JSON result shape, documented in core/src/result.rs and core/src/json.rs.

/** What `init` accepts: a URL of the `.wasm` file, a `Response`, its bytes or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module; call once before anything else. With no argument the `.wasm` file
 * next to this package is fetched.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the module synchronously from its bytes or a compiled module (Node, workers). */
export function initSync(module: BufferSource | WebAssembly.Module): void;

/** Compiles program text. @throws {CompileError} when the text has errors. */
export function compile(source: string, options?: CompileOptions): Program;

/** Every diagnostic of program text, errors and warnings; never throws for bad text. */
export function check(source: string, options?: CheckOptions): Diagnostic[];

/** The package version (the Rust crate's). */
export function version(): string;

/** The locales with built-in message catalogues, such as `["en", "fr"]`. */
export function locales(): string[];

export interface LocaleOptions {
  /** `"en"`, `"fr"`, `"fr-FR"` …; messages fall back to English. Default: the engine's (English). */
  locale?: string;
}

/** `locale` of `compile`: also the language of the program's warnings and of its test failures. */
export interface CompileOptions extends LocaleOptions {
  /** File name shown in the rendered diagnostics of a `CompileError`'s message. */
  filename?: string;
}

export interface CheckOptions extends LocaleOptions {}
export interface StrictOptions {
  /**
   * Strict binding: a key the program does not declare (of the unit, a member or a record) fails
   * the unit with `R0011`, whose `field` names it and `closest` the declared name it is close to
   * (the engine's default: no, such a key is ignored).
   */
  strict?: boolean;
}

export interface ExplainOptions extends LocaleOptions, StrictOptions {}

export interface EvaluateOptions extends StrictOptions {
  /** Build the `explanation` of each decision (the engine's default: no). */
  explain?: boolean;
}

/** A compiled program: immutable; compile once, evaluate many. */
export class Program {
  private constructor();
  /** The program identifier. */
  readonly id: string;
  /** The human title, or null. */
  readonly title: string | null;
  /** The program version, or null. */
  readonly version: string | null;
  /** `sha256:…` of the program text; part of every decision. */
  readonly hash: string;
  /** What a unit is. */
  readonly target: "household" | "individual";
  /** The ISO 4217 currency, or null when the program uses no money. */
  readonly currency: string | null;
  /** The declared inputs, in declaration order: what a form asks for. */
  readonly inputs: readonly Input[];
  /** The parameters with their effective-dated values. */
  readonly params: readonly Param[];
  /** The eligibility rules, in written order. */
  readonly rules: readonly Rule[];
  /** The entitlement items, in written order. */
  readonly items: readonly Item[];
  /** The units of measure of the in-kind items (`kg` …), in the order totals report them. */
  readonly unitsOfMeasure: readonly string[];
  /** Translated sentences: locale → identifier (rule, item, input or `title`) → text. */
  readonly translations: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Warnings found while compiling, in the locale the program was compiled with (else English). */
  readonly warnings: Diagnostic[];
  /** The program text it was compiled from. */
  readonly source: string;
  /**
   * Evaluates one unit at an as-of date.
   * @param unit a unit object, or its JSON text (which keeps numbers exactly as written).
   * @throws {EvaluationError} when the unit cannot be evaluated (bad data, division by zero …),
   * including values JSON would change: NaN, ±Infinity, integers beyond 2^53, Dates, Maps, Sets (R0005).
   * @throws {TypeError} for arguments of the wrong type.
   */
  evaluate(unit: Unit | string, asOf: string, options?: EvaluateOptions): Decision;
  /**
   * Evaluates many units; one result per unit, in order. A unit that cannot be evaluated gives an
   * error record instead of a decision (narrow with `'error' in result`); nothing is thrown for a
   * unit's data (a NaN, a Date … is an R0005 record for its unit alone).
   */
  evaluateBatch(units: readonly Unit[] | string, asOf: string, options?: EvaluateOptions): BatchResult[];
  /**
   * The decision for one unit as text, with the values that decided each rule, in a locale (the
   * program's own translations included).
   * @throws {EvaluationError} like `evaluate`, with the message in that locale.
   */
  explain(unit: Unit | string, asOf: string, options?: ExplainOptions): string;
  /**
   * Runs the program over many units through the run model: enrolment states, compliance, ranking
   * and selection within a budget, approval, summary.
   * @throws {RunError} when the run cannot be carried out (invalid options, …).
   * @throws {TypeError} when a unit or an option holds a value JSON would change (NaN, a Date …),
   * naming `units[i]`: a run never leaves a unit out of its totals.
   */
  runCycle(units: readonly Unit[] | string, asOf: string, options?: RunOptions | null): CycleResult;
  /**
   * Runs the tests written inside the program: failures in `options.locale`, else in the locale
   * the program was compiled with, else in English (as Node's `runTests`, Python's `run_tests`).
   */
  runTests(options?: LocaleOptions): TestOutcome[];
  /** Frees the compiled program now rather than when it is garbage-collected; using it afterwards throws `EntitleError` with code `FREED`. */
  free(): void;
}

/** An amount with its currency, one of the ways to give money. */
export interface MoneyObject {
  amount: string | number | bigint;
  currency: string;
}

/**
 * A value of an input, in the JSON boundary format (core/src/json.rs). `null` or an absent key is
 * unknown, never zero. A JS number is read as the exact decimal JavaScript prints for it, so prefer
 * decimal strings for amounts (`"1500.50"`, `"KES 1500.50"`); BigInts are exact integers. Dates are
 * ISO strings; lists are arrays (or a string separated by `;`).
 */
export type InputValue = string | number | bigint | boolean | null | undefined | MoneyObject | readonly InputValue[];

/**
 * A household or a person. Absent or `null` attributes are unknown (not zero). Keys the program
 * does not declare are ignored, whatever their value (their values are not sent to the engine),
 * unless `strict` is asked for.
 */
export interface Unit {
  id: string | number;
  /** Household members (household programs). */
  members?: readonly Member[] | null;
  [attribute: string]: InputValue | readonly Member[];
}

export interface Member {
  id?: string | number;
  /** Membership kind(s): `"head"`, `"child"` … */
  kind?: string | readonly string[] | null;
  kinds?: readonly string[] | null;
  /** First day the membership counts. */
  start_date?: string | null;
  /** First day it no longer counts. */
  end_date?: string | null;
  [attribute: string]: InputValue;
}

export type Scope = "household" | "member" | "person";

export type Type =
  | { type: "bool" }
  | { type: "number" }
  | { type: "money"; currency: string }
  | { type: "date" }
  | { type: "text" }
  | { type: "quantity"; unit: string }
  | { type: "list"; of: Type }
  | { type: "members" }
  | { type: "error" };

/** A value as the engine writes it: decimal strings, `"KES 1500"`, ISO dates, `null` for unknown. */
export type Value = string | boolean | null | Value[];

export interface Input {
  scope: Scope;
  name: string;
  type: Type;
  /** The label for forms. */
  label?: string;
  /** The value used when the input is missing. */
  default?: Value;
  /** Allowed values (`one of`). */
  choices?: Value[];
  /** Whether any rule, item or `let` reads it. */
  used: boolean;
}

export interface Param {
  name: string;
  type: Type;
  label?: string;
  /** Values with the date each is in force from (`null`: always). */
  values: Array<{ from: string | null; value: Value }>;
}

export interface Rule {
  id: string;
  kind: "when" | "unless";
  sentence: string;
  /** The line it is written on, from 1. */
  line: number;
}

export interface Item {
  id: string;
  kind: "cash" | "in_kind";
  sentence: string;
  /** Unit of measure of an in-kind item. */
  unit: string | null;
  /** The line it is written on, from 1. */
  line: number;
}

export type Severity = "error" | "warning";

/** A problem in program text. Lines and columns count from 1 (columns in characters); start and end are byte offsets. */
export interface Diagnostic {
  /** Stable code: `E0101` …, `W0001` …. */
  code: string;
  severity: Severity;
  message: string;
  /** How to fix it, when there is something useful to say. */
  help?: string;
  line: number;
  column: number;
  start: number;
  end: number;
}

export type Outcome = "eligible" | "not_eligible" | "undetermined";
export type Truth = "met" | "not_met" | "unknown";

export interface ProgramRef {
  id: string;
  version?: string;
  hash: string;
}

export interface RuleOutcome {
  id: string;
  kind: "when" | "unless";
  outcome: Truth;
}

export interface ItemResult {
  id: string;
  kind: "cash" | "in_kind";
  applied: boolean;
  /** Decimal string. */
  amount: string;
  currency?: string;
  unit?: string;
  rate?: string;
  multiplier?: string;
  max_multiplier?: string;
}

export interface CashTotals {
  currency: string;
  items_total: string;
  capped: boolean;
  floored: boolean;
  rounded: boolean;
  total: string;
  fee: string;
  net: string;
}

export interface NamedValue {
  name: string;
  source: "input" | "param" | "let";
  value: Value;
  in_force_from?: string;
  defaulted?: boolean;
}

export interface Explanation {
  rules: Array<{ id: string; kind: "when" | "unless"; outcome: Truth; values: NamedValue[] }>;
  items: Array<{ id: string; kind: "cash" | "in_kind"; condition: Truth; applied: boolean; superseded?: boolean; values: NamedValue[] }>;
  adjustments: Array<
    | { kind: "cap"; limit: string; before: string }
    | { kind: "floor"; limit: string; before: string }
    | { kind: "round"; step: string; mode: string; before: string; after: string }
    | { kind: "zero"; before: string }
  >;
}

/** The decision record for one unit. */
export interface Decision {
  unit_id: string;
  program: ProgramRef;
  as_of: string;
  decision: Outcome;
  rules: RuleOutcome[];
  /** Inputs whose absence left the answer open, sorted. */
  missing: string[];
  items: ItemResult[];
  cash?: CashTotals;
  in_kind: Array<{ unit: string; quantity: string }>;
  /** Present when asked for with `{explain: true}`. */
  explanation?: Explanation;
}

/** The engine's description of why a unit failed. */
export interface UnitErrorDetails {
  /** `R0001` (division by zero) … `R0011`. */
  code: string;
  message: string;
  /** Code-specific fields (`at`, `field`, `reason`, `limit` …). */
  [field: string]: unknown;
}

/** A unit that could not be evaluated; the rest of a batch is unaffected. */
export interface UnitFailure {
  unit_id: string;
  error: UnitErrorDetails;
}

/** One result of a batch. */
export type BatchResult = Decision | UnitFailure;

/**
 * Options of a run (core/src/run_model/json.rs); every key is optional and unknown keys are an error.
 * Amounts are decimal strings.
 */
export interface RunOptions {
  /** Each unit's membership state before this run, by unit id (`"enrolled"`, `"paused"` …). */
  previous?: Record<string, string>;
  compliance?: string;
  top?: number;
  budget?: string | number;
  budget_mode?: string;
  enrolment?: string;
  fund?: { posted: string | number; approved?: string | number };
  auto_approve?: boolean;
  summary?: { by?: string[]; age?: string; reference?: Array<string | number> };
  /** The same units run with these options, for `comparison`. */
  compare_with?: Omit<RunOptions, "summary" | "compare_with">;
}

/** One unit's outcome in a run. */
export interface UnitRun {
  unit_id: string;
  decision: Outcome | null;
  previous_state?: string;
  state: string;
  /** Why: a code, and the rules that decided it when there are some. */
  state_reason: { code: string; rules?: string[]; [field: string]: unknown };
  rank?: number;
  rank_keys?: Value[];
  selected: boolean;
  selection: string;
  selection_rules?: string[];
  cash?: string;
  allocated?: string;
  approval?: string;
  approval_reason?: string;
}

/** The result of a run: one record per unit, the totals, and the summary and comparison when asked for. */
export interface CycleResult {
  units: UnitRun[];
  totals: { units: number; errors: number; selected: number; requested: string; allocated: string; [key: string]: unknown };
  summary?: Record<string, unknown>;
  comparison?: Record<string, unknown>;
  /** The units of `previous` the run was not given, with their states (absent when none). */
  previous_not_in_run?: { unit_id: string; state: string }[];
}

export interface TestOutcome {
  name: string;
  line: number;
  passed: boolean;
  failures: string[];
}

/** Every error this package throws on purpose. */
export class EntitleError extends Error {
  constructor(message: string, options?: { code?: string; diagnostics?: Diagnostic[]; cause?: unknown });
  /** Stable code: `E0101` …, `R0001` …, `INTERNAL` (a bug; the engine restarted itself), `NOT_INITIALIZED`, `FREED` (a program used after `free()`), `TOO_LARGE` (a result too long for one JavaScript string). */
  readonly code: string;
  /** The diagnostics of program text (empty for other errors). */
  readonly diagnostics: Diagnostic[];
}

/** Program text with errors. `code` is the first error's code; `diagnostics` lists them all. */
export class CompileError extends EntitleError {
  private constructor();
}

/** A run that could not be carried out as a whole. */
export class RunError extends EntitleError {
  private constructor();
  /** The engine's error object: `code` (`R0101` …), `message` and the code's own fields (`option`, `reason` …). */
  readonly details: { code: string; message: string; [field: string]: unknown };
  /** The engine's whole result, `{error}`. */
  readonly result: { error: { code: string; message: string; [field: string]: unknown } };
}

/** A unit that could not be evaluated. */
export class EvaluationError extends EntitleError {
  private constructor();
  /** The unit's identifier. */
  readonly unitId: string;
  /** The engine's error object: `code`, `message` and the code's own fields. */
  readonly details: UnitErrorDetails;
  /** The whole record, `{unit_id, error}`, as `evaluateBatch` gives it. */
  readonly result: UnitFailure;
}
