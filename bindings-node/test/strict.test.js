'use strict';
// Strict binding: `{ strict: true }` makes a key the program does not declare fail its unit with
// R0011 (the key in `field`, the close declared name in `closest`); without it the key is ignored.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { compile, EvaluationError } = require('..');

const CHILD_GRANT = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'programs', 'child_grant.entitle'), 'utf8');
const program = compile(CHILD_GRANT);
const AS_OF = '2026-03-01';

/** A poor household in the North with a child; its head has a disability (`disabled`, or `key`). */
function household(id, key = 'disabled', extra = {}) {
  return {
    id,
    region: 'North',
    monthly_income: '1000',
    members: [
      { id: `${id}-1`, kind: 'head', start_date: '2020-01-01', end_date: null, birthdate: '1990-01-01', [key]: true },
      { id: `${id}-2`, kinds: ['child'], birthdate: '2020-05-01' },
    ],
    ...extra,
  };
}

const strict = { strict: true };

test('a misspelt member key is ignored by default and R0011 with strict', () => {
  assert.equal(program.evaluate(household('H1', 'disabeld'), AS_OF).cash.total, '2000');
  assert.equal(program.evaluate(household('H1', 'disabeld'), AS_OF, { strict: false }).cash.total, '2000');
  assert.equal(program.evaluate(household('H1'), AS_OF, strict).cash.total, '2300');
  assert.throws(() => program.evaluate(household('H1', 'disabeld'), AS_OF, strict), (e) => {
    assert.ok(e instanceof EvaluationError);
    assert.equal(e.code, 'R0011');
    assert.equal(e.unitId, 'H1');
    assert.deepEqual(e.details, {
      code: 'R0011',
      field: 'member H1-1: disabeld',
      closest: 'disabled',
      message: '`member H1-1: disabeld` is not an input of this program; did you mean `disabled`?',
    });
    assert.equal(e.message, 'unit H1: `member H1-1: disabeld` is not an input of this program; did you mean `disabled`?');
    return true;
  });
});

test('in a batch, sync and async, the unit with an unknown key fails alone', async () => {
  const units = [household('H1'), household('H2', 'disabeld'), household('H3', 'disabled', { shoe_size: '42' })];
  const want = [
    { cash: '2300' },
    { code: 'R0011', field: 'member H2-1: disabeld', closest: 'disabled' },
    { code: 'R0011', field: 'shoe_size' },
  ];
  const shape = (r) => ('error' in r ? { code: r.error.code, field: r.error.field, ...(r.error.closest ? { closest: r.error.closest } : {}) } : { cash: r.cash.total });
  assert.deepEqual(program.evaluateBatch(units, AS_OF, strict).map(shape), want);
  assert.deepEqual((await program.evaluateBatchAsync(units, AS_OF, strict)).map(shape), want);
  assert.equal('closest' in program.evaluateBatch(units, AS_OF, strict)[2].error, false);
  assert.deepEqual(program.evaluateBatch(units, AS_OF).map(shape), [{ cash: '2300' }, { cash: '2000' }, { cash: '2300' }]);
});

test('explain takes strict too', () => {
  assert.match(program.explain(household('H1', 'disabeld'), AS_OF), /KES 2000/);
  assert.throws(() => program.explain(household('H1', 'disabeld'), AS_OF, { strict: true, locale: 'fr' }), {
    name: 'EvaluationError',
    code: 'R0011',
  });
});

test('strict of the wrong type is a TypeError, as explain is', async () => {
  for (const bad of ['yes', 1, null, {}]) {
    const calls = [
      (o) => program.evaluate(household('H1'), AS_OF, o),
      (o) => program.evaluateBatch([household('H1')], AS_OF, o),
      (o) => program.explain(household('H1'), AS_OF, o),
    ];
    for (const call of calls) {
      assert.throws(() => call({ strict: bad }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /option `strict` must be a boolean/ });
    }
    await assert.rejects(program.evaluateBatchAsync([household('H1')], AS_OF, { strict: bad }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => program.evaluate(household('H1'), AS_OF, { explain: bad }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  }
});

test('strict names an undeclared key before a value that cannot be sent, as Python and the engine do', async () => {
  // The wrapper refused the NaN (R0005) before the engine could see the misspelt key: Python and
  // the JSON façade report the name first (R0011), whatever the values.
  const unit = household('H1', 'disabeld', { monthly_income: NaN });
  const r0011 = { code: 'R0011', field: 'member H1-1: disabeld', closest: 'disabled', message: '`member H1-1: disabeld` is not an input of this program; did you mean `disabled`?' };
  assert.throws(() => program.evaluate(unit, AS_OF, strict), (e) => e instanceof EvaluationError && e.code === 'R0011' && assert.deepEqual(e.details, r0011) === undefined);
  assert.throws(() => program.explain(unit, AS_OF, { strict: true, locale: 'fr' }), (e) => e instanceof EvaluationError && e.code === 'R0011' && e.details.field === r0011.field && /n'est pas une donnée/.test(e.message));
  for (const results of [program.evaluateBatch([household('H0'), unit], AS_OF, strict), await program.evaluateBatchAsync([household('H0'), unit], AS_OF, strict)]) {
    assert.deepEqual(results.map((r) => r.decision ?? r.error), ['eligible', r0011]);
  }
  // Without the misspelt key, or without strict, the value's own error stands.
  const value = 'NaN, which is not a number the engine can read; give amounts as numbers or decimal strings';
  const bad = household('H2', 'disabled', { monthly_income: NaN });
  assert.deepEqual(program.evaluateBatch([bad], AS_OF, strict)[0].error, { code: 'R0005', field: 'monthly_income', reason: value, message: `\`monthly_income\`: ${value}` });
  assert.throws(() => program.evaluate(bad, AS_OF, strict), { code: 'R0005' });
  assert.throws(() => program.evaluate(unit, AS_OF), { code: 'R0005' });
  assert.equal(program.evaluateBatch([unit], AS_OF)[0].error.code, 'R0005');
});
