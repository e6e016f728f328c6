// Types of the `entitle` package (the Node binding of the Entitle rules engine).
//
// Decisions and unit data use the engine's one JSON shape (snake_case keys such as `unit_id`,
// `as_of`, `start_date`), the same in Rust, Python, Node and WebAssembly; the API itself is
// camelCase. Amounts are decimal strings, dates ISO strings (`"2026-03-01"`).

// ---------------------------------------------------------------------------------------------
// Unit data in

/** An amount with its currency, one of the ways to give money. */
export interface MoneyObject {
  amount: string | number | bigint;
  currency: string;
}

/**
 * A value of an input. `null` or an absent key is unknown (never zero). Numbers: a JS number is
 * read as the exact decimal JavaScript prints for it (`String(x)`), so prefer decimal strings for
 * amounts (`"1500.50"`, `"KES 1500.50"`); NaN, ±Infinity, integers beyond ±2^53, `Date`, `Map`,
 * `Set` and `Buffer` values fail the unit with `R0005`. Dates are ISO strings. Lists are arrays (or a string separated by `;`).
 */
export type UnitValue = string | number | bigint | boolean | null | undefined | MoneyObject | readonly UnitValue[];

/** A member of a household, with its membership kinds and optional membership dates. */
export interface Member {
  id?: string | number;
  /** `head`, `spouse`, `child` … (one kind, or several). */
  kind?: string | readonly string[] | null;
  kinds?: readonly string[] | null;
  /** First day the membership counts. */
  start_date?: string | null;
  /** First day the membership no longer counts. */
  end_date?: string | null;
  [attribute: string]: UnitValue;
}

/** One record of a collection the program declares (`records visits …`). */
export type UnitRecord = { readonly [field: string]: UnitValue };

/**
 * A household (with `members`) or an individual. Keys the program does not declare are ignored,
 * whatever their value (their values are not sent to the engine), unless `strict` is asked for.
 * The records of a collection are an array of objects under the collection's name.
 */
export interface Unit {
  id: string | number;
  members?: readonly Member[] | null;
  [attribute: string]: UnitValue | readonly Member[] | readonly UnitRecord[];
}

// ---------------------------------------------------------------------------------------------
// Results out

export type Outcome = 'eligible' | 'not_eligible' | 'undetermined';
export type Truth = 'met' | 'not_met' | 'unknown';
export type RuleKind = 'when' | 'unless';
export type ItemKind = 'cash' | 'in_kind';

export interface ProgramRef {
  id: string;
  version?: string;
  /** `sha256:…` of the program text. */
  hash: string;
}

export interface RuleOutcome {
  id: string;
  kind: RuleKind;
  outcome: Truth;
}

export interface ItemResult {
  id: string;
  kind: ItemKind;
  applied: boolean;
  /** Decimal string; `"0"` when not applied. */
  amount: string;
  currency?: string;
  /** Unit of measure, for in-kind items. */
  unit?: string;
  rate?: string;
  multiplier?: string;
  max_multiplier?: string;
  /** For an in-kind item with a price (`valued at`): its value in the program's currency. */
  value?: string;
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

export interface QuantityTotal {
  unit: string;
  quantity: string;
}

/** A score's value (the sum of its components; null when unknown), with each component's. */
export interface ScoreResult {
  id: string;
  value: string | null;
  components: { id: string; value: string | null }[];
}

export type MembershipState = 'draft' | 'enrolled' | 'paused' | 'exited' | 'not_eligible' | 'duplicated';

/** A `compliant when` condition's outcome, and the state an enrolled unit takes when it fails. */
export interface ComplianceOutcome {
  id: string;
  outcome: Truth;
  otherwise: MembershipState;
}

/** A value an explanation reports: `value` is a string (`"KES 1500"`, `"2"`), a bool, a list or null. */
export interface NamedValue {
  name: string;
  source: 'input' | 'param' | 'let';
  value: string | boolean | null | unknown[];
  /** For a parameter: the date its value is in force from. */
  in_force_from?: string;
  /** For an input: the registry had no value and the declared default was used. */
  defaulted?: boolean;
}

export interface RuleExplanation {
  id: string;
  kind: RuleKind;
  outcome: Truth;
  values: NamedValue[];
}

export interface ItemExplanation {
  id: string;
  kind: ItemKind;
  condition: Truth;
  applied: boolean;
  superseded?: boolean;
  values: NamedValue[];
}

export type Adjustment =
  | { kind: 'cap'; limit: string; before: string }
  | { kind: 'floor'; limit: string; before: string }
  | { kind: 'round'; step: string; mode: string; before: string; after: string }
  | { kind: 'group_cap'; items: string[]; limit: string; before: string }
  | { kind: 'zero'; before: string };

export interface ScoreExplanation {
  id: string;
  value: string | null;
  components: { id: string; value: string | null; values: NamedValue[] }[];
}

export interface Explanation {
  rules: RuleExplanation[];
  items: ItemExplanation[];
  adjustments: Adjustment[];
  /** Present when the program has scores. */
  scores?: ScoreExplanation[];
  compliance?: RuleExplanation[];
  priority?: RuleExplanation[];
  /** The values the ranking keys read. */
  rank?: NamedValue[];
}

/** The decision record for one unit. */
export interface Decision {
  unit_id: string;
  program: ProgramRef;
  as_of: string;
  decision: Outcome;
  rules: RuleOutcome[];
  /** Inputs whose absence left the decision undetermined, sorted. */
  missing: string[];
  items: ItemResult[];
  /** Present for eligible units of programs with cash items. */
  cash?: CashTotals;
  in_kind: QuantityTotal[];
  /** Present when the program declares scores. */
  scores?: ScoreResult[];
  /** Present when evaluated with `{ explain: true }`. */
  explanation?: Explanation;
  /** `compliant when` outcomes (eligible units of programs that have them). */
  compliance?: ComplianceOutcome[];
  /** `selection` priority outcomes (eligible units of programs that have them). */
  priority?: { id: string; outcome: Truth }[];
  /** The values of the `rank by` keys (eligible units of programs that rank; null when unknown). */
  rank_keys?: (string | boolean | null)[];
}

/** The engine's description of why a unit failed. */
export interface UnitErrorDetails {
  /** `R0001` (division by zero) …: the table is in core/src/error.rs. */
  code: string;
  message: string;
  /** Code-specific fields (`at`, `field`, `reason`, `limit`, `closest` …). */
  [field: string]: unknown;
}

/** A unit of a batch that could not be evaluated; the rest of the batch is unaffected. */
export interface UnitFailure {
  unit_id: string;
  error: UnitErrorDetails;
}

/** One result of a batch: narrow with `'error' in result`. */
export type BatchResult = Decision | UnitFailure;

// ---------------------------------------------------------------------------------------------
// Programs

/** One problem in program text. */
export interface Diagnostic {
  /** Stable code: `E0101` … for errors, `W0001` … for warnings. */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** How to fix it, when there is something useful to say. */
  help?: string;
  /** Line and column (in characters) of the first character, both from 1. */
  line: number;
  column: number;
  /** Byte offsets of the span in the UTF-8 text. */
  start: number;
  end: number;
}

/** The type of an input or parameter, as the engine describes it. */
export type InputType =
  | { type: 'bool' | 'number' | 'date' | 'text' }
  | { type: 'money'; currency: string }
  | { type: 'quantity'; unit: string }
  | { type: 'list'; of: InputType };

export interface InputInfo {
  scope: 'household' | 'member' | 'person';
  name: string;
  type: InputType;
  label?: string;
  default?: unknown;
  choices?: unknown[];
  /** Whether any rule, item or let reads it. */
  used: boolean;
}

export interface ParamInfo {
  name: string;
  type: InputType;
  label?: string;
  values: { from: string | null; value: unknown }[];
}

export interface RuleInfo {
  id: string;
  kind: RuleKind;
  sentence: string;
  /** The line it is written on, from 1. */
  line: number;
}

export interface ItemInfo {
  id: string;
  kind: ItemKind;
  sentence: string;
  unit: string | null;
  /** The line it is written on, from 1. */
  line: number;
}

export interface RunTestsOptions {
  /** Language of the failures (`en`, `fr`); the program's compile locale when absent, else English. */
  locale?: string;
}

export interface TestOutcome {
  name: string;
  line: number;
  passed: boolean;
  failures: string[];
}

export interface CompileOptions {
  /**
   * Language of diagnostic messages, of the program's warnings and of its test failures (`en`,
   * `fr`); English when absent.
   */
  locale?: string;
  /** File name shown in the rendered diagnostics of a `CompileError`'s message. */
  filename?: string;
}

export interface CheckOptions {
  locale?: string;
}

export interface EvaluateOptions {
  /** Build an explanation (`decision.explanation`); off unless asked for. */
  explain?: boolean;
  /**
   * Strict binding: a key the program does not declare (of the unit, a member or a record) fails
   * the unit with `R0011`, whose `field` names it and `closest` the declared name it is close to;
   * off unless asked for (such a key is then ignored).
   */
  strict?: boolean;
}

export interface ExplainOptions {
  /** `en`, `fr` …: English when absent or unknown. */
  locale?: string;
  /** As `EvaluateOptions.strict`. */
  strict?: boolean;
}

/**
 * Options of one cycle of the run model (every key optional; an unknown key makes the run fail
 * with `R0102`). Amounts are decimal strings or numbers.
 */
export interface CycleOptions {
  /** Each unit's membership state before this cycle, by unit id. */
  previous?: Record<string, string>;
  /** Which units the `compliant when` conditions are checked for. */
  compliance?: 'never' | 'enrolled' | 'all';
  enrolment?: 'open' | 'closed';
  top?: number;
  budget?: string | number;
  budget_mode?: string;
  fund?: { posted: string | number; approved?: string | number };
  auto_approve?: boolean;
  summary?: { by?: string[]; age?: string; reference?: (string | number)[] };
  /** The same units run again with these options, for a `comparison`. */
  compare_with?: CycleOptions;
}

/** One unit's record in a run. */
export interface UnitRun {
  unit_id: string;
  /** `null` when the unit could not be evaluated. */
  decision: Outcome | null;
  previous_state?: string;
  state: string;
  state_reason: string;
  rank?: number;
  rank_keys?: (string | boolean | null)[];
  selected: boolean;
  selection: string;
  selection_rules?: string[];
  cash?: string;
  allocated?: string;
  approval?: 'approved' | 'pending_validation';
  approval_reason?: string;
}

/** The outcome of `Program.runCycle`: every unit's record and the totals. */
export interface CycleResult {
  units: UnitRun[];
  totals: Record<string, unknown>;
  /** When the options ask for one. */
  summary?: Record<string, unknown>;
  /** When the options have `compare_with`. */
  comparison?: Record<string, unknown>;
  /**
   * The units of `previous` that were not given to the run, with their states, by id (absent
   * when there are none): a run from this one's states would not know them.
   */
  previous_not_in_run?: { unit_id: string; state: string }[];
}

/** A compiled program: immutable, cheap to share, evaluated as often as needed. */
export declare class Program {
  private constructor();
  readonly id: string;
  readonly title: string | null;
  readonly version: string | null;
  readonly hash: string;
  readonly target: 'household' | 'individual';
  readonly currency: string | null;
  readonly inputs: readonly InputInfo[];
  readonly params: readonly ParamInfo[];
  readonly rules: readonly RuleInfo[];
  readonly items: readonly ItemInfo[];
  /** The units of measure of the in-kind items (`kg` …), in the order totals report them. */
  readonly unitsOfMeasure: readonly string[];
  /** Translated sentences: locale → identifier → text (`title` for the title). */
  readonly translations: { readonly [locale: string]: { readonly [id: string]: string } };
  readonly warnings: Diagnostic[];
  /**
   * A unit is an object, or its JSON text (which keeps numbers exactly as written; as in
   * WebAssembly, and Python's `evaluate_json`); units likewise, or the JSON text of their array.
   * @throws {EvaluationError} when the unit cannot be evaluated.
   */
  evaluate(unit: Unit | string, asOf: string, options?: EvaluateOptions): Decision;
  /** One result per unit, in order; runs in parallel. */
  evaluateBatch(units: readonly Unit[] | string, asOf: string, options?: EvaluateOptions): BatchResult[];
  /** As `evaluateBatch`, off the event loop (libuv thread pool). */
  evaluateBatchAsync(units: readonly Unit[] | string, asOf: string, options?: EvaluateOptions): Promise<BatchResult[]>;
  /** The decision as text, with reasons. @throws {EvaluationError} */
  explain(unit: Unit | string, asOf: string, options?: ExplainOptions): string;
  /** The run model over `units` for one cycle (states, selection, approval against a fund). @throws {RunError} */
  runCycle(units: readonly Unit[] | string, asOf: string, cycle?: CycleOptions | null): CycleResult;
  /** The outcome of each test written in the program. */
  runTests(options?: RunTestsOptions): TestOutcome[];
}

/** @throws {CompileError} when the text has errors. */
export declare function compile(source: string, options?: CompileOptions): Program;

/** Every diagnostic of the text; never throws for bad text. */
export declare function check(source: string, options?: CheckOptions): Diagnostic[];

/** The package version (the engine's), as Python's `__version__` and WebAssembly's `version()`. */
export declare function version(): string;

/** The locales with built-in message catalogues, such as `["en", "fr"]`. */
export declare function locales(): string[];

// ---------------------------------------------------------------------------------------------
// Errors

export declare class EntitleError extends Error {
  constructor(message: string, options?: { code?: string; diagnostics?: Diagnostic[]; cause?: unknown });
  /** `E0101` …, `R0001` …, or `INTERNAL` for a failure inside the engine. */
  code: string;
  diagnostics: Diagnostic[];
}

export declare class CompileError extends EntitleError {
  private constructor();
  /** The first error's code. */
  code: string;
}

/** A run of the run model that could not be carried out as a whole. */
export declare class RunError extends EntitleError {
  private constructor();
  /** The engine's error object: `code` (`R0101` …), `message` and the code's own fields. */
  readonly details: { code: string; message: string; [field: string]: unknown };
  /** The engine's whole result, `{error}`. */
  readonly result: { error: { code: string; message: string; [field: string]: unknown } };
}

export declare class EvaluationError extends EntitleError {
  private constructor();
  readonly unitId: string;
  readonly details: UnitErrorDetails;
}
