// The typed API, as a TypeScript user writes it. `tsc --noEmit -p test/tsconfig.json` checks it
// against index.d.ts (including the misuses below, which must not type-check); the test script
// also compiles it to JavaScript and runs it, so the types and the runtime agree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  compile,
  check,
  version,
  locales,
  Program,
  EntitleError,
  CompileError,
  EvaluationError,
  RunError,
  type BatchResult,
  type CycleResult,
  type Decision,
  type Diagnostic,
  type RunTestsOptions,
  type ItemInfo,
  type ParamInfo,
  type TestOutcome,
  type Unit,
  type UnitFailure,
  type UnitRun,
} from 'entitle';

const source: string = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'programs', 'child_grant.entitle'), 'utf8');
const program: Program = compile(source, { filename: 'child_grant.entitle' });

const household: Unit = {
  id: 'H1',
  region: 'North',
  monthly_income: 'KES 5000',
  enrolled_in_pension: false,
  members: [
    { id: 'M1', kind: 'head', birthdate: '1990-01-01' },
    { id: 'M2', kind: ['child'], birthdate: '2020-05-01', start_date: '2020-05-01', end_date: null },
  ],
};

function totalOf(result: BatchResult): string | undefined {
  // `'error' in result` narrows a batch result to a failure or a decision.
  if ('error' in result) {
    const failure: UnitFailure = result;
    return failure.error.code;
  }
  const decision: Decision = result;
  return decision.cash?.total;
}

test('typed program description and decision', () => {
  const target: 'household' | 'individual' = program.target;
  assert.equal(target, 'household');
  const names: string[] = program.inputs.map((i) => i.name);
  assert.ok(names.includes('monthly_income'));
  assert.equal(program.rules[0]?.kind, 'when');
  const d: Decision = program.evaluate(household, '2026-03-01', { explain: true });
  assert.equal(d.decision, 'eligible');
  assert.equal(d.cash?.total, '2000');
  const first = d.explanation?.rules[0]?.values[0];
  assert.deepEqual(first, { name: 'children', source: 'let', value: '1' });
  const text: string = program.explain(household, '2026-03-01', { locale: 'fr' });
  const strict: Decision = program.evaluate(household, '2026-03-01', { explain: false, strict: true });
  assert.equal(strict.cash?.total, '2000');
  assert.equal(typeof program.explain(household, '2026-03-01', { strict: true }), 'string');
  assert.ok(text.startsWith('Allocation de soutien'));
  const run: CycleResult = program.runCycle([household], '2026-03-01', { fund: { posted: '1500' }, previous: { H1: 'enrolled' } });
  const record: UnitRun | undefined = run.units?.[0];
  assert.deepEqual([record?.state, record?.selected, record?.approval], ['enrolled', true, 'pending_validation']);
  assert.throws(() => program.runCycle([household], '2026-03-01', { top: -1 } as never), (e: unknown) => e instanceof RunError && e.details.code === e.code);
  const outcomes: TestOutcome[] = program.runTests();
  assert.ok(outcomes.every((t) => t.passed));
  const options: RunTestsOptions = { locale: 'fr' };
  assert.ok(program.runTests(options).every((t) => t.passed));
  const warnings: Diagnostic[] = program.warnings;
  assert.deepEqual(warnings, []);
  const meta: [string, string | null, string | null, string, string | null] = [program.id, program.title, program.version, program.hash, program.currency];
  assert.equal(meta[0], 'child_grant');
  const param: ParamInfo | undefined = program.params[0];
  const item: ItemInfo | undefined = program.items[3];
  assert.equal(param?.values[0]?.from, '2026-01-01');
  assert.equal(item?.unit, 'kg');
  const about: [string, string[]] = [version(), locales()];
  assert.deepEqual(about[1], ['en', 'fr']);
  const fromText: Decision = program.evaluate(JSON.stringify({ id: 'H1' }), '2026-03-01');
  assert.equal(fromText.unit_id, 'H1');
  const lines: [number | undefined, number | undefined] = [program.rules[0]?.line, item?.line];
  assert.deepEqual(lines, [25, 34]);
  const units: readonly string[] = program.unitsOfMeasure;
  assert.deepEqual(units, ['kg']);
  const title: string | undefined = program.translations['fr']?.['title'];
  assert.equal(title, "Allocation de soutien à l'enfant");
});

test('typed batches, sync and async', async () => {
  const units: Unit[] = [household, { id: 2, region: 'East', monthly_income: 100, members: [] }];
  const results: BatchResult[] = program.evaluateBatch(units, '2026-03-01');
  assert.deepEqual(results.map(totalOf), ['2000', 'R0001']);
  const later: BatchResult[] = await program.evaluateBatchAsync(units, '2026-03-01');
  assert.deepEqual(later.map(totalOf), ['2000', 'R0001']);
});

test('typed errors', () => {
  try {
    compile('program p "P"\n  target individual\neligible when\n  r "R" x > 1\n');
    assert.fail('expected a CompileError');
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    const d: Diagnostic | undefined = e.diagnostics.find((x) => x.severity === 'error');
    assert.equal(typeof e.code, 'string');
    assert.equal(typeof d?.line, 'number');
    assert.ok(e instanceof EntitleError);
  }
  try {
    program.evaluate({ id: 'H0', region: 'East', monthly_income: '1', members: [] }, '2026-03-01');
    assert.fail('expected an EvaluationError');
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    const unitId: string = e.unitId;
    assert.equal(unitId, 'H0');
    assert.equal(e.code, 'R0001');
    assert.equal(e.details['at'], 'income_per_person');
  }
  const diagnostics: Diagnostic[] = check(source);
  assert.deepEqual(diagnostics, []);
});

// Misuses that must not type-check; never called.
export function misuses(): void {
  // @ts-expect-error: the as-of date is an ISO string, not a Date
  program.evaluate(household, new Date());
  // @ts-expect-error: program text is a string
  compile(42);
  // @ts-expect-error: unknown option
  program.evaluate(household, '2026-03-01', { explian: true });
  // @ts-expect-error: a Map is not unit data
  program.evaluate({ id: 'x', income: new Map() }, '2026-03-01');
  // @ts-expect-error: a unit needs an id
  program.evaluateBatch([{ region: 'North' }], '2026-03-01');
  // @ts-expect-error: programs come from compile()
  new Program();
  // @ts-expect-error: results are read-only descriptions, not writable
  program.hash = 'x';
}
