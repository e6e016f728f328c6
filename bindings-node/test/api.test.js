'use strict';
// The API: compiling, program description, decisions, explanations, program tests, diagnostics,
// errors, the number rule at the boundary, and panics that must never bring the process down.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const entitle = require('..');
const { compile, check, Program, EntitleError, CompileError, EvaluationError } = entitle;

const CHILD_GRANT = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'programs', 'child_grant.entitle'), 'utf8');
const program = compile(CHILD_GRANT);
const AS_OF = '2026-03-01';

const mother = {
  id: 'H1',
  region: 'North',
  monthly_income: 'KES 5000',
  members: [
    { id: 'M1', kind: 'head', birthdate: '1990-01-01' },
    { id: 'M2', kind: 'child', birthdate: '2020-05-01' },
    { id: 'M3', kind: 'child', birthdate: '2022-01-01' },
  ],
};

/** A program with one money input, to test how JS values reach it. */
const GAP = compile(
  [
    'program gap "Gap"',
    '  target individual',
    '  currency KES',
    'inputs',
    '  person.income: money',
    '  person.size: number default 1',
    'params',
    '  line: money = KES 1000.50',
    'eligible when',
    '  below "Below the line" income < line',
    'entitlement',
    '  cash gap "Half the gap" (line - income) / 2 / size',
    'test "t" as of 2026-01-01',
    '  person income KES 0',
    '  expect eligible, cash KES 500.25',
    '',
  ].join('\n'),
);
function captureError(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

const gapOf = (income, extra = {}) => GAP.evaluate({ id: 'p', income, ...extra }, '2026-01-01').cash?.total;

test('the module exports exactly the API that index.d.ts declares', () => {
  // types.test.ts imports each of these names from index.d.ts, so tsc fails if one is missing there.
  assert.deepEqual(Object.keys(entitle).sort(), ['CompileError', 'EntitleError', 'EvaluationError', 'Program', 'RunError', '__testing', 'check', 'compile', 'locales', 'version']);
  assert.deepEqual(
    Object.getOwnPropertyNames(Program.prototype).filter((n) => typeof Object.getOwnPropertyDescriptor(Program.prototype, n).value === 'function').sort(),
    ['constructor', 'evaluate', 'evaluateBatch', 'evaluateBatchAsync', 'explain', 'runCycle', 'runTests'],
  );
});

test('compile describes the program: identity, inputs, parameters, rules, items', () => {
  assert.ok(program instanceof Program);
  assert.equal(program.id, 'child_grant');
  assert.equal(program.title, 'Child Support Grant');
  assert.equal(program.version, '2026.1');
  assert.match(program.hash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(program.target, 'household');
  assert.equal(program.currency, 'KES');
  assert.deepEqual(
    program.inputs.map((i) => `${i.scope}.${i.name}`),
    ['household.region', 'household.monthly_income', 'household.enrolled_in_pension', 'member.birthdate', 'member.disabled'],
  );
  const income = program.inputs[1];
  assert.deepEqual(income.type, { type: 'money', currency: 'KES' });
  assert.equal(income.label, 'Monthly income');
  assert.equal(income.used, true);
  assert.deepEqual(program.inputs[0].choices, ['North', 'East', 'South', 'West']);
  assert.equal(program.inputs[2].default, false);
  assert.deepEqual(program.params[0].values, [
    { from: '2026-01-01', value: 'KES 1500' },
    { from: '2027-01-01', value: 'KES 1800' },
  ]);
  assert.deepEqual(
    program.rules.map((r) => [r.id, r.kind]),
    [['has_child', 'when'], ['poor', 'when'], ['covered', 'when'], ['pensioner', 'unless']],
  );
  assert.equal(program.rules[0].sentence, 'At least one child under 18');
  assert.deepEqual(program.items.map((i) => [i.id, i.kind, i.unit]), [
    ['base', 'cash', null],
    ['per_child', 'cash', null],
    ['disabled', 'cash', null],
    ['maize', 'in_kind', 'kg'],
  ]);
  // The lines, units of measure and translations Python's and WebAssembly's programs give.
  assert.deepEqual(program.rules.map((r) => r.line), [25, 26, 27, 28]);
  assert.deepEqual(program.items.map((i) => i.line), [31, 32, 33, 34]);
  assert.deepEqual(program.unitsOfMeasure, ['kg']);
  assert.equal(program.translations.fr.title, "Allocation de soutien à l'enfant");
  assert.deepEqual(program.warnings, []);
  // The description is shared and frozen: a caller cannot change it for everyone else.
  assert.ok(Object.isFrozen(program.inputs) && Object.isFrozen(program.inputs[0]));
});

test('version and locales, as Python and WebAssembly give them', () => {
  assert.equal(entitle.version(), require('../package.json').version);
  assert.deepEqual(entitle.locales(), ['en', 'fr']);
});

test('a unit may be given as its JSON text, and units as the text of their array, as in WebAssembly', async () => {
  const text = JSON.stringify(mother);
  assert.deepEqual(program.evaluate(text, AS_OF), program.evaluate(mother, AS_OF));
  assert.equal(program.explain(text, AS_OF, { locale: 'fr' }), program.explain(mother, AS_OF, { locale: 'fr' }));
  // Numbers stay as written: no JS number in between.
  const exact = JSON.stringify({ id: 'p', income: 0 }).replace('0}', '1000.50000000000000000001}');
  assert.equal(GAP.evaluate(exact, '2026-01-01', { explain: true }).explanation.rules[0].values[0].value, 'KES 1000.50000000000000000001');
  const units = `[${text},{"id":"H2","members":{}},${text.replace('"H1"', '"H3"')}]`;
  const want = ['eligible', 'R0010', 'eligible'];
  assert.deepEqual(program.evaluateBatch(units, AS_OF).map((r) => r.decision ?? r.error.code), want);
  assert.deepEqual((await program.evaluateBatchAsync(units, AS_OF)).map((r) => r.decision ?? r.error.code), want);
  assert.deepEqual(program.evaluateBatch('[]', AS_OF), []);
  assert.equal(program.runCycle(`[${text}]`, AS_OF).totals.units, 1);
  // Valid JSON the engine's reader refuses (half of a surrogate pair, nesting over 128 levels) is
  // the unit's R0010, as its place in a batch; text that is not JSON is a TypeError.
  for (const bad of ['{"id": "H1", "region": "\\ud800"}', `{"id": "H1", "region": ${'['.repeat(200)}${']'.repeat(200)}}`]) {
    const [batched] = program.evaluateBatch(`[${bad}]`, AS_OF);
    assert.deepEqual([batched.unit_id, batched.error.code], ['H1', 'R0010']);
    for (const call of [() => program.evaluate(bad, AS_OF), () => program.explain(bad, AS_OF)]) {
      assert.throws(call, (e) => e instanceof EvaluationError && e.code === 'R0010' && e.unitId === 'H1' && assert.deepEqual(e.details, batched.error) === undefined);
    }
  }
  for (const call of [() => program.evaluate('{', AS_OF), () => program.explain('{"a": 1} {', AS_OF), () => program.evaluateBatch('{}', AS_OF), () => program.runCycle('[', AS_OF)]) {
    assert.throws(call, { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  }
});

test('the same text gives the same hash; programs cannot be built without compile', () => {
  assert.equal(compile(CHILD_GRANT).hash, program.hash);
  assert.notEqual(compile(CHILD_GRANT + '\n# changed\n').hash, program.hash);
  assert.throws(() => new Program(), TypeError);
});

test('evaluate gives the decision with amounts as decimal strings', () => {
  const d = program.evaluate(mother, AS_OF);
  assert.equal(d.unit_id, 'H1');
  assert.equal(d.as_of, AS_OF);
  assert.equal(d.decision, 'eligible');
  assert.deepEqual(d.program, { id: 'child_grant', version: '2026.1', hash: program.hash });
  assert.deepEqual(d.rules.map((r) => `${r.id}:${r.outcome}`), ['has_child:met', 'poor:met', 'covered:met', 'pensioner:not_met']);
  assert.deepEqual(d.cash, {
    capped: false, currency: 'KES', fee: '0', floored: false, items_total: '2500', net: '2500', rounded: false, total: '2500',
  });
  assert.deepEqual(d.items.map((i) => [i.id, i.applied, i.amount]), [
    ['base', true, '1500'],
    ['per_child', true, '1000'],
    ['disabled', true, '0'],
    ['maize', true, '30'],
  ]);
  assert.deepEqual(d.in_kind, [{ quantity: '30', unit: 'kg' }]);
  assert.equal(d.explanation, undefined, 'no explanation unless asked for');
});

test('not eligible, undetermined with the missing inputs, and effective-dated parameters', () => {
  const rich = { ...mother, id: 'H2', monthly_income: 50000 };
  const d = program.evaluate(rich, AS_OF);
  assert.equal(d.decision, 'not_eligible');
  assert.equal(d.rules[1].outcome, 'not_met');
  assert.equal(d.cash, undefined);

  const unknown = { ...mother, id: 'H3', monthly_income: null };
  const u = program.evaluate(unknown, AS_OF);
  assert.equal(u.decision, 'undetermined');
  assert.deepEqual(u.missing, ['monthly_income']);

  // The base amount rises on 2027-01-01.
  assert.equal(program.evaluate(mother, '2027-02-01').cash.total, '2800');
});

test('explanations: values that decided each rule, and text in English and French', () => {
  const d = program.evaluate(mother, AS_OF, { explain: true });
  assert.deepEqual(d.explanation.rules.find((r) => r.id === 'poor').values, [
    { name: 'income_per_person', source: 'let', value: 'KES 1666.6666666666666666666666667' },
    { name: 'ceiling_per_person', source: 'param', value: 'KES 3000' },
  ]);
  assert.deepEqual(d.explanation.rules.find((r) => r.id === 'pensioner').values, [
    { name: 'enrolled_in_pension', source: 'input', value: false, defaulted: true },
  ]);
  assert.deepEqual(d.explanation.rules.find((r) => r.id === 'covered').values[1].value, ['North', 'East']);
  const base = d.explanation.items.find((i) => i.id === 'base');
  assert.deepEqual(base.values, [{ name: 'base_amount', source: 'param', value: 'KES 1500', in_force_from: '2026-01-01' }]);
  assert.deepEqual(program.evaluate(mother, AS_OF, { explain: false }).explanation, undefined);

  const en = program.explain(mother, AS_OF);
  const lines = en.split('\n');
  assert.equal(lines[0], 'Child Support Grant — H1 — 2026-03-01');
  assert.equal(lines[1], 'Eligible.');
  assert.ok(lines.includes('✓ Lives in a covered region — region = "North"; covered_regions = ["North", "East"]'), en);
  assert.ok(lines.includes('Total: KES 2500'), en);

  const fr = program.explain(mother, AS_OF, { locale: 'fr' });
  assert.equal(fr.split('\n')[0], "Allocation de soutien à l'enfant — H1 — 2026-03-01");
  assert.equal(fr.split('\n')[1], 'Éligible.');
  assert.ok(fr.includes('Total : KES 2500'), fr);
  // An unknown locale falls back to English.
  assert.equal(program.explain(mother, AS_OF, { locale: 'xx' }), en);
});

test('runTests runs the tests written inside the program', () => {
  assert.deepEqual(
    program.runTests().map((t) => [t.name, t.line, t.passed, t.failures]),
    [
      ['Mother with two young children', 49, true, []],
      ['Rich household', 56, true, []],
      ['Income not known', 62, true, []],
      ['Base amount rises in 2027', 68, true, []],
    ],
  );
  const broken = compile(CHILD_GRANT.replace('expect eligible, cash KES 2500', 'expect eligible, cash KES 9999'));
  const outcome = broken.runTests()[0];
  assert.equal(outcome.passed, false);
  assert.equal(outcome.failures.length, 1);
});

test('runTests speaks its locale, else the compile locale, else English, as Python and WebAssembly', () => {
  const text = CHILD_GRANT.replace('expect eligible, cash KES 2500', 'expect eligible, cash KES 9999');
  const failures = (p, options) => p.runTests(options)[0].failures;
  const en = ['cash: expected KES 9999, got KES 2500'];
  const fr = ['cash : attendu KES 9999, obtenu KES 2500'];
  assert.deepEqual(failures(compile(text)), en);
  assert.deepEqual(failures(compile(text), { locale: 'fr' }), fr);
  assert.deepEqual(failures(compile(text, { locale: 'fr' })), fr);
  assert.deepEqual(failures(compile(text, { locale: 'fr' }), { locale: 'en' }), en);
  assert.deepEqual(failures(compile(text), { locale: 'xx' }), en);
  assert.throws(() => compile(text).runTests({ locale: 1 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => compile(text).runTests({ lang: 'fr' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  // The warnings follow the compile locale too.
  const noTests = 'program p "P"\n  target individual\n  currency KES\ninputs\n  person.a: number\neligible when\n  r "R" a > 1\n';
  assert.deepEqual(compile(noTests, { locale: 'fr' }).warnings.map((d) => d.message), ["le programme n'a pas de tests"]);
  assert.deepEqual(compile(noTests).warnings.map((d) => d.message), ['the program has no tests']);
});

test('evaluateBatch: one result per unit, in order; a failing unit does not stop the others', () => {
  const units = [
    mother,
    { id: 7, region: 'East', monthly_income: 0, members: [] }, // no members: division by zero
    { ...mother, id: 'H9', region: 'Atlantis' }, // not one of the declared choices
    null,
    { ...mother, id: 'H10' },
  ];
  const results = program.evaluateBatch(units, AS_OF);
  assert.equal(results.length, 5);
  assert.equal(results[0].decision, 'eligible');
  assert.deepEqual(results[1], {
    error: { at: 'income_per_person', code: 'R0001', message: 'division by zero in `income_per_person`' },
    unit_id: '7',
  });
  // R0008 names the program's choices and how text is compared, never the value refused.
  assert.deepEqual(results[2].error, {
    code: 'R0008',
    field: 'region',
    choices: ['North', 'East', 'South', 'West'],
    choices_total: 4,
    text: true,
    message:
      '`region` is not one of its declared choices: North, East, South, West; written as declared, capitals included (spaces around the value do not count)',
  });
  assert.ok(!JSON.stringify(results[2]).includes('Atlantis'));
  assert.equal(results[3].error.code, 'R0010');
  assert.equal(results[4].unit_id, 'H10');
  assert.equal(results[4].cash.total, '2500');
  assert.deepEqual(program.evaluateBatch([], AS_OF), []);
});

test('the as-of date is an ISO string; a malformed one is an evaluation error, never today', () => {
  assert.throws(() => program.evaluate(mother, new Date('2026-03-01')), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => program.evaluate(mother, 20260301), TypeError);
  assert.throws(() => program.evaluateBatch([mother], undefined), TypeError);
  assert.throws(() => program.evaluate(mother, '01/03/2026'), (e) => e instanceof EvaluationError && e.code === 'R0010');
  assert.deepEqual(program.evaluateBatch([mother, mother], 'soon').map((r) => r.error.code), ['R0010', 'R0010']);
  // A date-time keeps its date.
  assert.equal(program.evaluate(mother, '2026-03-01T23:59:59Z').as_of, '2026-03-01');
});

test('CompileError: every diagnostic, with code, severity, position, byte span and help', () => {
  const source = CHILD_GRANT.replace('income_per_person < ceiling_per_person', 'income_per_persn < ceiling_per_person');
  let error;
  try {
    compile(source, { filename: 'child_grant.entitle' });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CompileError);
  assert.ok(error instanceof EntitleError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'CompileError');
  assert.equal(error.code, 'E0101');
  const start = source.indexOf('income_per_persn <');
  const line = source.slice(0, start).split('\n').length;
  const errors = error.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [
    {
      code: 'E0101',
      severity: 'error',
      message: 'unknown name `income_per_persn`',
      help: 'did you mean `income_per_person`?',
      line,
      column: start - source.lastIndexOf('\n', start),
      start,
      end: start + 'income_per_persn'.length,
    },
  ]);
  // The message is human text: the rendered diagnostic with its caret, never JSON.
  assert.ok(error.message.startsWith('the program does not compile (1 error)\n'), error.message);
  assert.ok(error.message.includes('\nerror[E0101]: unknown name `income_per_persn`\n'), error.message);
  assert.ok(error.message.includes('= help: did you mean `income_per_person`?'), error.message);
  assert.ok(error.message.includes(` --> child_grant.entitle:${line}:`));
  assert.ok(error.message.includes('^^^^^^^^^^^^^^^^'));
});

const TWO_ERRORS = 'program p "P"\n  target individual\n  currency KES\ninputs\n  person.a: number\neligible when\n  r "R" b > 1 and c\n';

test('every error is reported at once, in French when asked', () => {
  const e = captureError(() => compile(TWO_ERRORS, { locale: 'fr' }));
  assert.ok(e instanceof CompileError);
  assert.equal(e.code, 'E0101');
  assert.deepEqual(
    e.diagnostics.map((d) => [d.code, d.severity, d.line, d.column, d.start, d.end, d.message, d.help]),
    [
      ['W0008', 'warning', 1, 9, 8, 9, "le programme n'a pas de tests", 'ajoutez un bloc `test` avec une ligne `expect` à côté des règles'],
      ['W0003', 'warning', 5, 3, 58, 74, "la donnée `a` n'est jamais lue", undefined],
      ['E0101', 'error', 7, 9, 97, 98, 'nom inconnu `b`', 'vouliez-vous dire `a` ?'],
      ['E0101', 'error', 7, 19, 107, 108, 'nom inconnu `c`', 'vouliez-vous dire `a` ?'],
    ],
  );
  assert.ok(e.message.startsWith('the program does not compile (2 errors)\n'));
  assert.ok(e.message.includes(' --> <source>:7:9'));
});

test('check returns every diagnostic and never throws for bad text', () => {
  assert.deepEqual(check(CHILD_GRANT), []);
  const warnings = check(TWO_ERRORS.replace('b > 1 and c', 'true'));
  assert.deepEqual(
    warnings.map((d) => [d.code, d.severity, d.line, d.column, d.message]),
    [
      ['W0008', 'warning', 1, 9, 'the program has no tests'],
      ['W0003', 'warning', 5, 3, 'the input `a` is never read'],
      ['W0005', 'warning', 7, 3, 'the rule `r` is always true'],
    ],
  );
  assert.deepEqual(check(TWO_ERRORS).filter((d) => d.severity === 'error').map((d) => [d.code, d.start, d.end]), [
    ['E0101', 97, 98],
    ['E0101', 107, 108],
  ]);
  const syntax = check('program "no id"\n');
  assert.equal(syntax[0].code, 'E0001');
  assert.equal(syntax[0].severity, 'error');
  assert.deepEqual([syntax[0].line, syntax[0].column], [1, 9]);
  assert.ok(check('').some((d) => d.severity === 'error'));
  const fr = check('program "no id"\n', { locale: 'fr' });
  assert.equal(fr[0].code, 'E0001');
  assert.notEqual(fr[0].message, syntax[0].message);
});

test('EvaluationError carries the code, the unit id and the engine error fields', () => {
  const empty = { id: 'H0', region: 'East', monthly_income: '100', members: [] };
  let error;
  try {
    program.evaluate(empty, AS_OF);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof EvaluationError && error instanceof EntitleError && error instanceof Error);
  assert.equal(error.name, 'EvaluationError');
  assert.equal(error.code, 'R0001');
  assert.equal(error.unitId, 'H0');
  assert.deepEqual(error.details, { at: 'income_per_person', code: 'R0001', message: 'division by zero in `income_per_person`' });
  assert.deepEqual(error.diagnostics, []);
  assert.equal(error.message, 'unit H0: division by zero in `income_per_person`');
  // A unit without an id: its error says so, with no `unit :` before it.
  assert.throws(() => program.evaluate({ region: 'North' }, AS_OF), {
    name: 'EvaluationError',
    code: 'R0010',
    unitId: '',
    message: "the unit's data is malformed: the unit has no `id` (a string or a number)",
  });
  // The same error from explain.
  assert.throws(() => program.explain(empty, AS_OF), { name: 'EvaluationError', code: 'R0001', unitId: 'H0' });
  // In the explanation's language, as WebAssembly's explain gives it (Node's was always English).
  assert.throws(() => program.explain(empty, AS_OF, { locale: 'fr' }), {
    name: 'EvaluationError',
    code: 'R0001',
    message: 'unit H0: division par zéro dans `income_per_person`',
    details: { at: 'income_per_person', code: 'R0001', message: 'division par zéro dans `income_per_person`' },
  });
  assert.throws(() => program.explain(empty, 'bad', { locale: 'fr' }), {
    code: 'R0010',
    message: "unit H0: les données de l'unité sont mal formées : la date de référence doit être une date ISO 8601 telle que 2026-03-01",
  });
  // A birthdate after the as-of date is a data error, and the message never shows the value.
  const future = { ...mother, id: 'H5', members: [{ id: 'M', kind: 'head', birthdate: '2031-07-09' }] };
  assert.throws(
    () => program.evaluate(future, AS_OF),
    (e) => e.code === 'R0003' && !e.message.includes('2031') && !JSON.stringify(e.details).includes('2031'),
  );
});

test('numbers: strings and integers are exact; a JS number is read as the decimal JS prints', () => {
  // The gap is (1000.50 - income) / 2.
  assert.equal(gapOf('200.25'), '400.125');
  assert.equal(gapOf(200.25), '400.125');
  assert.equal(gapOf('KES 200.25'), '400.125');
  assert.equal(gapOf({ amount: '200.25', currency: 'KES' }), '400.125');
  assert.equal(gapOf(200), '400.25');
  assert.equal(gapOf(200n), '400.25');
  assert.equal(gapOf({ amount: 200n, currency: 'KES' }), '400.25');
  // 0.1 is exactly 0.1, not the binary float nearest to it …
  assert.equal(gapOf(0.1), '500.2');
  // … and a computed float is exactly what JavaScript prints for it.
  assert.equal(String(0.1 + 0.2), '0.30000000000000004');
  assert.equal(gapOf(0.1 + 0.2), '500.09999999999999998');
  // Integers beyond 2^53 are exact as BigInt or string; a JS number prints its own digits.
  const big = GAP.evaluate({ id: 'p', income: '-9007199254740993' }, '2026-01-01').cash.total;
  assert.equal(big, '4503599627370996.75');
  assert.equal(GAP.evaluate({ id: 'p', income: -9007199254740993n }, '2026-01-01').cash.total, big);
  // An integer JavaScript prints with an exponent is beyond 2^53: an error for the unit.
  assert.throws(() => GAP.evaluate({ id: 'p', income: 1e21 }, '2026-01-01'), { code: 'R0005' });
  // A small number printed with an exponent is that decimal exactly (as Python's Decimal("1E-7")),
  // unless it has more decimals than an exact decimal keeps.
  assert.equal(gapOf(1e-7), gapOf('0.0000001'));
  assert.equal(gapOf(2.5e-7), gapOf('0.00000025'));
  assert.throws(() => gapOf(5e-324), { code: 'R0005', message: 'unit p: `income`: the number is out of range or not exact' });
  // A number input reads JS numbers the same way.
  assert.equal(gapOf('0', { size: 4 }), '125.0625');
});

test('values JSON would silently change fail their unit (R0005); arguments of the wrong type are a TypeError', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => gapOf(bad), { name: 'EvaluationError', code: 'R0005', message: `unit p: \`income\`: ${bad}, which is not a number the engine can read; give amounts as numbers or decimal strings` });
    const [failure] = GAP.evaluateBatch([{ id: 'p', income: bad }], '2026-01-01');
    assert.deepEqual(failure.error.field, 'income');
  }
  const withDate = { ...mother, members: [{ id: 'M', kind: 'head', birthdate: new Date('1990-01-01') }] };
  assert.throws(() => program.evaluate(withDate, AS_OF), (e) => e instanceof EvaluationError && e.details.field === 'member M: birthdate' && /ISO strings/.test(e.message));
  assert.throws(() => gapOf(() => 1), { code: 'R0005', message: 'unit p: `income`: a function, which is not unit data' });
  assert.throws(() => gapOf(Symbol('x')), { code: 'R0005', message: 'unit p: `income`: a symbol, which is not unit data' });
  assert.throws(() => program.evaluateBatch(mother, AS_OF), TypeError);
  assert.throws(() => compile(42), TypeError);
  assert.throws(() => check(undefined), TypeError);
});

test('options: absent means the engine default; unknown or mistyped options are refused', () => {
  assert.equal(program.evaluate(mother, AS_OF, {}).explanation, undefined);
  assert.equal(program.evaluate(mother, AS_OF, undefined).explanation, undefined);
  assert.equal(program.evaluate(mother, AS_OF, { explain: undefined }).explanation, undefined);
  assert.throws(() => program.evaluate(mother, AS_OF, { explian: true }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => program.evaluate(mother, AS_OF, { toString: true }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => program.evaluate(mother, AS_OF, { explain: 'yes' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => program.evaluate(mother, AS_OF, 'explain'), TypeError);
  assert.throws(() => compile(CHILD_GRANT, { locale: 7 }), TypeError);
});

test('a panic inside the engine becomes an EntitleError and the process lives on', async () => {
  const calls = [
    () => compile(CHILD_GRANT),
    () => check(CHILD_GRANT),
    () => program.evaluate(mother, AS_OF),
    () => program.evaluateBatch([mother], AS_OF),
    () => program.explain(mother, AS_OF),
    () => program.runTests(),
    () => program.runCycle([mother], AS_OF),
    () => program.warnings,
  ];
  for (const call of calls) {
    entitle.__testing.panicOnNextCall();
    assert.throws(call, (e) => {
      assert.ok(e instanceof EntitleError);
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /panic forced by the test-only hook/);
      return true;
    });
    call(); // the next call works
  }
  entitle.__testing.panicOnNextCall();
  await assert.rejects(program.evaluateBatchAsync([mother], AS_OF), { name: 'EntitleError', code: 'INTERNAL' });
  const after = await program.evaluateBatchAsync([mother], AS_OF);
  assert.equal(after[0].cash.total, '2500');
});

test('runCycle: states, selection and approval against a fund, in unit order', () => {
  const rich = { id: 'H2', region: 'East', monthly_income: 'KES 50000', members: [{ id: 'M4', kind: 'head', birthdate: '1980-01-01' }] };
  const units = [mother, rich, { ...mother, id: 'H3' }];
  const run = program.runCycle(units, AS_OF, { fund: { posted: '3000' }, previous: { H2: 'enrolled' } });
  const { totals } = run;
  assert.deepEqual([totals.units, totals.selected, totals.errors], [3, 2, 0]);
  // 2 × KES 2500 requested; the fund covers the first (KES 500 left), the second waits.
  assert.deepEqual([totals.requested, totals.approved, totals.pending, totals.fund.remaining], ['5000', '2500', '2500', '500']);
  assert.deepEqual(run.units.map((u) => [u.unit_id, u.state, u.selected, u.approval ?? null]), [
    ['H1', 'enrolled', true, 'approved'],
    ['H2', 'not_eligible', false, null],
    ['H3', 'enrolled', true, 'pending_validation'],
  ]);
  assert.equal(run.units[1].previous_state, 'enrolled');
  assert.equal(program.runCycle([], AS_OF).totals.units, 0);
  assert.throws(() => program.runCycle(units, AS_OF, { bogus: 1 }), (e) => {
    assert.ok(e instanceof entitle.RunError && e instanceof EntitleError);
    assert.equal(e.code, 'R0102');
    assert.equal(e.details.code, 'R0102');
    assert.deepEqual(e.result, { error: e.details });
    return true;
  });
  assert.throws(() => program.runCycle(units, 'March'), { name: 'RunError' });
  assert.throws(() => program.runCycle(mother, AS_OF), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => program.runCycle(units, AS_OF, []), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => program.runCycle(units, AS_OF, { budget: NaN }), { name: 'TypeError' });
});

test('a program is safe to share between concurrent async batches', async () => {
  const runs = await Promise.all([1, 2, 3, 4].map((n) => program.evaluateBatchAsync(Array(n * 100).fill(mother), AS_OF)));
  assert.deepEqual(runs.map((r) => r.length), [100, 200, 300, 400]);
  assert.ok(runs.every((r) => r.every((d) => d.cash.total === '2500')));
});
