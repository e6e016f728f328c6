'use strict';
// A 100,000-household batch, synchronous and asynchronous: every decision checked against the
// hand-worked result of its kind of household, totals reconciled, and the event loop shown to keep
// running while the asynchronous batch is evaluated.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { compile } = require('..');
const { KINDS, AS_OF, households } = require('./households');

const N = 100_000;
const program = compile(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'programs', 'child_grant.entitle'), 'utf8'));
const units = households(N);

/** Differences between results and the hand-worked expectations, and the reconciled totals. */
function audit(results) {
  const diffs = [];
  const count = {};
  let cents = 0n;
  let maize = 0n;
  results.forEach((r, i) => {
    const kind = KINDS[i % KINDS.length];
    const w = kind.want;
    const id = `H${i}`;
    const got = {
      unit_id: r.unit_id,
      decision: r.decision,
      error: r.error?.code,
      cash: r.cash?.total,
      capped: r.cash?.capped,
      maize: r.in_kind?.find((q) => q.unit === 'kg')?.quantity,
      missing: r.missing,
    };
    const ok =
      got.unit_id === id &&
      (w.error ? got.error === w.error : got.decision === w.decision && got.error === undefined) &&
      got.cash === w.cash &&
      (w.capped === undefined || got.capped === w.capped) &&
      (w.maize === undefined || got.maize === w.maize) &&
      (w.missing === undefined || JSON.stringify(got.missing) === JSON.stringify(w.missing));
    if (!ok && diffs.length < 10) diffs.push(`${id} (${kind.name}): want ${JSON.stringify(w)}, got ${JSON.stringify(got)}`);
    const key = got.error ?? got.decision;
    count[key] = (count[key] ?? 0) + 1;
    if (got.cash !== undefined) cents += BigInt(got.cash) * 100n;
    if (got.maize !== undefined) maize += BigInt(got.maize);
  });
  return { diffs, count, cash: cents / 100n, maize };
}

// 12,500 households of each kind: 3 eligible kinds (2500, 3500, 4000), 3 not eligible, 1
// undetermined, 1 failing.
const EXPECTED = {
  count: { eligible: 37_500, not_eligible: 37_500, undetermined: 12_500, R0003: 12_500 },
  cash: 12_500n * (2500n + 3500n + 4000n),
  maize: 12_500n * (30n + 70n),
};

let syncResults;

test(`evaluateBatch decides ${N.toLocaleString('en')} households, each as worked out by hand`, () => {
  syncResults = program.evaluateBatch(units, AS_OF);
  assert.equal(syncResults.length, N);
  const { diffs, count, cash, maize } = audit(syncResults);
  assert.deepEqual(diffs, []);
  assert.deepEqual(count, EXPECTED.count);
  assert.equal(cash, EXPECTED.cash);
  assert.equal(maize, EXPECTED.maize);
  // A batch gives the same decisions as evaluating the same units one at a time.
  for (const i of [0, 1, 2, 3, 4, 5, 6, 99_992, 99_999]) {
    const r = syncResults[i];
    if (r.error) assert.throws(() => program.evaluate(units[i], AS_OF), { code: r.error.code, unitId: r.unit_id });
    else assert.equal(JSON.stringify(program.evaluate(units[i], AS_OF)), JSON.stringify(r));
  }
});

test(`evaluateBatchAsync decides the same ${N.toLocaleString('en')} households while the event loop keeps running`, async (t) => {
  let ticks = 0;
  let last = performance.now();
  let longestPause = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestPause = Math.max(longestPause, now - last);
    last = now;
    ticks += 1;
  }, 2);
  const started = performance.now();
  let asyncResults;
  try {
    asyncResults = await program.evaluateBatchAsync(units, AS_OF);
  } finally {
    clearInterval(timer);
  }
  const elapsed = performance.now() - started;
  t.diagnostic(`async batch: ${elapsed.toFixed(0)} ms, ${ticks} timer ticks, longest pause ${longestPause.toFixed(0)} ms`);
  assert.equal(asyncResults.length, N);
  const { diffs, count, cash } = audit(asyncResults);
  assert.deepEqual(diffs, []);
  assert.deepEqual(count, EXPECTED.count);
  assert.equal(cash, EXPECTED.cash);
  for (let i = 0; i < N; i++) {
    if (JSON.stringify(asyncResults[i]) !== JSON.stringify(syncResults[i])) assert.fail(`unit ${i}: async and sync batches differ`);
  }
  // The timer kept firing: the evaluation did not hold the event loop for the whole batch.
  assert.ok(ticks >= 10, `only ${ticks} timer ticks in ${elapsed.toFixed(0)} ms`);
  assert.ok(longestPause < elapsed / 2, `the event loop was held for ${longestPause.toFixed(0)} ms of ${elapsed.toFixed(0)} ms`);
});

test('evaluateBatch with explanations on a large batch keeps every explanation', () => {
  const some = units.slice(0, 5_000);
  const results = program.evaluateBatch(some, AS_OF, { explain: true });
  assert.equal(results.length, 5_000);
  const decided = results.filter((r) => r.decision !== undefined);
  assert.ok(decided.every((r) => r.explanation.rules.length === 4));
  assert.equal(audit(results).diffs.length, 0);
});
