'use strict';
// What a Node developer passes by habit: values JSON.stringify would silently turn into null, {}
// or a rounded integer. Each fails its own unit with the engine's R0005 (or R0010 for the unit's
// shape), naming the value; the other units of a batch are decided as usual.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { compile, EvaluationError, __testing } = require('..');

const program = compile(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'programs', 'child_grant.entitle'), 'utf8'));
const AS_OF = '2026-03-01';
const household = (id, extra = {}) => ({
  id,
  region: 'North',
  monthly_income: 'KES 5000',
  members: [{ id: 'M1', kind: 'head', birthdate: '1990-01-01' }, { id: 'M2', kind: 'child', birthdate: '2020-05-01' }],
  ...extra,
});

function failureOf(unit) {
  try {
    program.evaluate(unit, AS_OF);
  } catch (e) {
    assert.ok(e instanceof EvaluationError, `expected an EvaluationError, got ${e}`);
    return { code: e.code, message: e.message, field: e.details.field };
  }
  assert.fail('expected an EvaluationError');
}

test('an invalid Date or a boxed NaN is refused, not read as an unknown value', () => {
  // JSON.stringify writes both as null, which made the household undetermined without a word.
  assert.deepEqual(failureOf(household('H1', { monthly_income: new Date('not a date') })), {
    code: 'R0005',
    message: 'unit H1: `monthly_income`: an invalid Date (new Date could not read its text), not an unknown value',
    field: 'monthly_income',
  });
  assert.equal(failureOf(household('H1', { monthly_income: new Number(NaN) })).message,
    'unit H1: `monthly_income`: NaN, which is not a number the engine can read; give amounts as numbers or decimal strings');
  // A boxed number that is a number is read as the number.
  assert.equal(program.evaluate(household('H1', { monthly_income: new Number(5000) }), AS_OF).cash.total, '2000');
});

test('an integer beyond 2^53 is refused: the JS number is no longer what was written', () => {
  // 12345678901234567890 is held as 12345678901234567168 and printed as …7000: give a string or a BigInt.
  assert.equal(failureOf(household('H1', { monthly_income: 12345678901234567890 })).message,
    'unit H1: `monthly_income`: an integer beyond 2^53, where a JS number is no longer the integer written; give it as a string or a BigInt');
  // (The value itself is never in the message: errors show no registrant's values.)
  // An id parsed from JSON that lost its last digit would be another unit's id.
  const e = failureOf(household(9007199254740993));
  assert.equal(e.field, 'id');
  assert.match(e.message, /^`id`: an integer beyond 2\^53/);
  assert.doesNotMatch(e.message, /900719925474099/);
  assert.equal(program.evaluate(household(9007199254740993n), AS_OF).unit_id, '9007199254740993');
  assert.equal(program.evaluate(household(Number.MAX_SAFE_INTEGER), AS_OF).unit_id, '9007199254740991');
});

test('Maps, Sets, iterators and Buffers are named, not sent as {}', () => {
  assert.deepEqual(failureOf(new Map(Object.entries(household('H1')))), {
    code: 'R0010',
    message: "the unit's data is malformed: the unit is a Map; give a plain object (Object.fromEntries(map))",
    field: undefined,
  });
  const members = household('H1').members;
  assert.equal(failureOf(household('H1', { members: new Set(members) })).message,
    "unit H1: the unit's data is malformed: `members` is a Set; give an array ([...set])");
  assert.equal(failureOf(household('H1', { members: members.values() })).message,
    "unit H1: the unit's data is malformed: `members` is an iterator; give an array ([...values])");
  assert.equal(failureOf(household('H1', { monthly_income: Buffer.from('5000') })).message,
    'unit H1: `monthly_income`: binary data (a Buffer or typed array), which is not unit data');
  assert.equal(failureOf(household('H1', { region: new Map() })).field, 'region');
});

test('a bad value inside a member or an amount is named by where it is', () => {
  const inMember = household('H1', { members: [{ id: 'M1', kind: 'head', birthdate: new Date(1990, 0, 1) }] });
  assert.equal(failureOf(inMember).field, 'member M1: birthdate');
  const noMemberId = household('H1', { members: [{ kind: 'head', birthdate: '1990-01-01' }, { kind: 'child', birthdate: NaN }] });
  assert.equal(failureOf(noMemberId).field, 'member #2: birthdate');
  const inAmount = household('H1', { monthly_income: { amount: NaN, currency: 'KES' } });
  assert.equal(failureOf(inAmount).field, 'monthly_income.amount');
});

test('in a batch, a unit with a bad value fails alone and the others are decided', async () => {
  const units = [household('H1'), household('H2', { monthly_income: NaN }), household('H3', { members: [{ id: 'M1', birthdate: new Date('x') }] }), household('H4')];
  for (const results of [program.evaluateBatch(units, AS_OF), await program.evaluateBatchAsync(units, AS_OF)]) {
    assert.deepEqual(results.map((r) => r.unit_id), ['H1', 'H2', 'H3', 'H4']);
    assert.deepEqual(results.map((r) => r.decision ?? r.error.code), ['eligible', 'R0005', 'R0005', 'eligible']);
    assert.deepEqual(results[1].error, {
      code: 'R0005',
      field: 'monthly_income',
      reason: 'NaN, which is not a number the engine can read; give amounts as numbers or decimal strings',
      message: '`monthly_income`: NaN, which is not a number the engine can read; give amounts as numbers or decimal strings',
    });
    assert.equal(results[2].error.field, 'member M1: birthdate');
  }
  // Beyond the first chunk of 2,048 units the index of the failure is kept.
  const many = Array.from({ length: 5000 }, (_, i) => household(`H${i}`, i === 4321 ? { monthly_income: Infinity } : {}));
  const results = program.evaluateBatch(many, AS_OF);
  assert.equal(results.length, 5000);
  assert.deepEqual(results.flatMap((r, i) => (r.error ? [[i, r.unit_id, r.error.code]] : [])), [[4321, 'H4321', 'R0005']]);
});

test('a sparse batch with a bad value keeps its holes as malformed units, not invalid JSON', async () => {
  // eslint-disable-next-line no-sparse-arrays
  const units = [household('H1'), , household('H3', { monthly_income: NaN }), household('H4')];
  for (const results of [program.evaluateBatch(units, AS_OF), await program.evaluateBatchAsync(units, AS_OF)]) {
    assert.deepEqual(results.map((r) => r.decision ?? r.error.code), ['eligible', 'R0010', 'R0005', 'eligible']);
  }
  // Without a bad value the hole is the same malformed unit.
  // eslint-disable-next-line no-sparse-arrays
  assert.deepEqual(program.evaluateBatch([household('H1'), , household('H3')], AS_OF).map((r) => r.decision ?? r.error.code), ['eligible', 'R0010', 'eligible']);
});

test('explain and runCycle refuse a bad value too: explain for the unit, runCycle for the run', () => {
  assert.throws(() => program.explain(household('H1', { monthly_income: NaN }), AS_OF), { name: 'EvaluationError', code: 'R0005' });
  // A run is all or nothing: it never leaves a unit out of the totals.
  assert.throws(() => program.runCycle([household('H1'), household('H2', { monthly_income: NaN })], AS_OF), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'entitle: units[1]: unit H2: `monthly_income`: NaN, which is not a number the engine can read; give amounts as numbers or decimal strings',
  });
});

test('a getter that throws is the caller\'s own error for one unit, and that unit\'s R0005 in a batch', async () => {
  const boom = new Error('boom: a registrant\'s value');
  const unit = household('H1');
  Object.defineProperty(unit, 'region', { enumerable: true, get() { throw boom; } });
  assert.throws(() => program.evaluate(unit, AS_OF), (e) => e === boom);
  // In a batch it would take every other unit with it: it fails alone, named, its message unshown.
  for (const results of [program.evaluateBatch([household('H0'), unit, household('H2')], AS_OF), await program.evaluateBatchAsync([household('H0'), unit], AS_OF)]) {
    assert.deepEqual(results.map((r) => r.decision ?? r.error.code), ['eligible', 'R0005', 'eligible'].slice(0, results.length));
    assert.deepEqual(results[1], {
      unit_id: 'H1',
      error: { code: 'R0005', field: 'region', reason: 'a value that could not be read (reading it threw an Error)', message: '`region`: a value that could not be read (reading it threw an Error)' },
    });
  }
});

test('a toJSON, a Proxy trap or a member\'s getter that throws fails its unit alone in a batch', () => {
  const badToJSON = household('H1', { monthly_income: { toJSON() { throw new TypeError('no'); } } });
  const proxy = new Proxy(household('H2'), { ownKeys() { throw new RangeError('trap'); } });
  const { proxy: revoked, revoke } = Proxy.revocable(household('H3'), {});
  revoke();
  const member = household('H4');
  Object.defineProperty(member.members[1], 'birthdate', { enumerable: true, get() { throw 'a string'; } });
  const results = program.evaluateBatch([household('H0'), badToJSON, proxy, revoked, member, household('H5')], AS_OF);
  assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    'eligible',
    'H1 R0005 `monthly_income`: a value that could not be read (reading it threw a TypeError)',
    "H2 R0010 the unit's data is malformed: the unit is a value that could not be read (reading it threw a RangeError)",
    " R0010 the unit's data is malformed: the unit is a value that could not be read (reading it threw a TypeError)",
    'H4 R0005 `member M2: birthdate`: a value that could not be read (reading it threw a string)',
    'eligible',
  ]);
});

test('nesting deeper than the engine reads (128 levels) fails its unit alone, though JSON.stringify manages it', async () => {
  // 130 levels: JavaScript writes it, but the engine's reader refused the whole chunk of 2,048 units.
  const nested = (levels, wrap = (v) => ({ a: v })) => {
    let v = 'x';
    for (let i = 0; i < levels; i++) v = wrap(v);
    return v;
  };
  // Under a key the program does not declare (`note`), nothing is read, however deep (H3).
  const units = [household('H0'), household('H1', { region: nested(130) }), household('H2', { region: nested(70, (v) => [v]) }), household('H3', { note: nested(130) })];
  for (const results of [program.evaluateBatch(units, AS_OF), await program.evaluateBatchAsync(units, AS_OF)]) {
    assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
      'eligible',
      'H1 R0005 `region`: nested more than 64 levels deep, which is not unit data',
      'H2 R0005 `region`: nested more than 64 levels deep, which is not unit data',
      'eligible',
    ]);
  }
  assert.throws(() => program.evaluate(household('H1', { region: nested(65, (v) => [v]) }), AS_OF), { name: 'EvaluationError', code: 'R0005' });
  // 64 levels are still data (of the wrong type here), as in Python.
  assert.equal(failureOf(household('H1', { region: nested(64, (v) => [v]) })).message, 'unit H1: `region`: expected text, found a list');
});

test('a string with half of a character fails its unit alone, named; a whole emoji is text', async () => {
  const cut = '\u{1F600}'.slice(0, 1);
  // Under a key the program does not declare (`name`), nothing is read (H2), as in Python.
  const units = [household('H0', { region: 'North \u{1F600}' }), household('H1', { members: [{ id: 'M1', kind: 'head', birthdate: `1990-01-01${cut}` }] }), household('H2', { members: [{ id: 'M1', kind: 'head', birthdate: '1990-01-01', name: `Ann ${cut}` }, { id: 'M2', kind: 'child', birthdate: '2020-05-01' }] })];
  for (const results of [program.evaluateBatch(units, AS_OF), await program.evaluateBatchAsync(units, AS_OF)]) {
    assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.field}`), ['H0 R0008 region', 'H1 R0005 member M1: birthdate', 'eligible']);
    assert.equal(results[1].error.reason, 'text with half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which is not unit data');
  }
  // A run converts its units whole, as Python's run_cycle does.
  assert.throws(() => program.runCycle([units[2]], AS_OF), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: /^entitle: units\[0\]: unit H2: `member M1: name`: text with half/ });
});

test('a unit whose JSON is longer than a string holds fails alone (R0010), quickly', () => {
  // 40 references to one 16 Mi string: 640 Mi characters of JSON, past V8's longest string (about
  // 512 Mi), which JSON.stringify threw as a bare RangeError; the encoder stops at 128 Mi.
  const big = 'x'.repeat(2 ** 24);
  const started = Date.now();
  const results = program.evaluateBatch([household('H0'), household('H1', { region: Array(40).fill(big) }), household('H2')], AS_OF);
  assert.deepEqual(results.map((r) => r.decision ?? `${r.unit_id} ${r.error.code} ${r.error.message}`), [
    'eligible',
    "H1 R0010 the unit's data is malformed: the unit is larger than 128 Mi characters of JSON, more than one call into the engine takes",
    'eligible',
  ]);
  // Units that each fit but together pass the limit go to the engine in several texts.
  const many = program.evaluateBatch(Array.from({ length: 10 }, (_, i) => household(`H${i}`, { members: [{ id: 'M1', kind: ['head', big], birthdate: '1990-01-01' }, { id: 'M2', kind: 'child', birthdate: '2020-05-01' }] })), AS_OF);
  assert.deepEqual(many.map((r) => r.decision), Array(10).fill('eligible'));
  // A key the program does not declare is not sent: its text counts for nothing.
  const ignored = program.evaluateBatch([household('H0', { notes: Array(40).fill(big) })], AS_OF);
  assert.deepEqual(ignored.map((r) => r.decision), ['eligible']);
  assert.ok(Date.now() - started < 10000, `${Date.now() - started} ms`);
});

test('a result longer than one string holds is its unit\'s R0010; the other results are all there, in order', async () => {
  const echo = compile('program echo "Echo"\n  target individual\ninputs\n  person.note: text\neligible when\n  n "Has a note" note != ""\n');
  const units = Array.from({ length: 12 }, (_, i) => ({ id: `P${i}`, note: i === 5 ? 'x'.repeat(5000) : 'x' }));
  // The real limit is 256 MiB; the test-only hook lowers it so a few results reach it.
  __testing.setResultTextLimit(4000);
  try {
    for (const results of [echo.evaluateBatch(units, AS_OF, { explain: true }), await echo.evaluateBatchAsync(units, AS_OF, { explain: true })]) {
      assert.deepEqual(results.map((r) => r.unit_id), units.map((u) => u.id));
      assert.deepEqual(results.map((r) => r.decision ?? r.error.code), units.map((_, i) => (i === 5 ? 'R0010' : 'eligible')));
      assert.equal(results[5].error.message, "the unit's data is malformed: its result is longer than 4000 bytes of JSON, more than one JavaScript string is given to hold; the unit's data is too large");
    }
    assert.throws(() => echo.evaluate(units[5], AS_OF, { explain: true }), { name: 'EvaluationError', code: 'R0010', message: /^unit P5: .*its result is longer than 4000 bytes/ });
    assert.throws(() => echo.explain(units[5], AS_OF), { name: 'EvaluationError', code: 'R0010' });
    assert.equal(echo.evaluate(units[4], AS_OF, { explain: true }).decision, 'eligible');
  } finally {
    __testing.setResultTextLimit(undefined);
  }
});

test('a run longer than one string holds comes back whole: its units in several texts, in order and in place', () => {
  const units = Array.from({ length: 40 }, (_, i) => household(`H${i}`, i % 3 === 0 ? { monthly_income: 'KES 50000' } : {}));
  const options = { fund: { posted: '30000' }, previous: { H1: 'enrolled' } };
  const whole = program.runCycle(units, AS_OF, options);
  // The real limit is 256 MiB; at 600 bytes the 40 unit records take several texts (each fits).
  const limit = 600;
  assert.ok(Math.max(...whole.units.map((u) => JSON.stringify(u).length)) < limit - 2);
  assert.ok(JSON.stringify(whole.units).length > 4 * limit, 'the units need several texts at this limit');
  __testing.setResultTextLimit(limit);
  let split;
  try {
    split = program.runCycle(units, AS_OF, options);
  } finally {
    __testing.setResultTextLimit(undefined);
  }
  assert.deepEqual(split.units.map((u) => u.unit_id), units.map((u) => u.id));
  // The same run, keys in the same order.
  assert.equal(JSON.stringify(split), JSON.stringify(whole));
  assert.equal(whole.totals.units, 40);
});

test('mistakes with the arguments are TypeErrors that say what was given', () => {
  const src = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'programs', 'child_grant.entitle'));
  assert.throws(() => compile(src), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: "entitle: source must be a string, got a Buffer (read the file with 'utf8')" });
  assert.throws(() => program.evaluateBatch(household('H1'), AS_OF), {
    name: 'TypeError',
    message: 'entitle: units must be an array of units (or its JSON text), got object (one unit? evaluate it, or pass [unit])',
  });
  assert.throws(() => program.evaluateBatch(new Set([household('H1')]), AS_OF), { message: 'entitle: units must be an array of units (or its JSON text), got a Set' });
  // Options given as an array (`[]` was read as no options, `['explain']` as an unknown option `0`).
  for (const call of [() => program.evaluate(household('H1'), AS_OF, []), () => program.runTests(['fr']), () => compile('program p', [])]) {
    assert.throws(call, { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'entitle: options must be an object, got an array' });
  }
  // A method taken off its program fails with JavaScript's own TypeError, not an engine "INTERNAL".
  const { evaluate } = program;
  assert.throws(() => evaluate(household('H1'), AS_OF), (e) => e instanceof TypeError && e.code === undefined);
});

test('a cycle or nesting too deep for JSON fails its unit with R0005 naming the field, not a bare TypeError or RangeError', async () => {
  const cycle = household('H1');
  cycle.region = cycle;
  assert.deepEqual(failureOf(cycle), {
    code: 'R0005',
    message: 'unit H1: `region`: a reference to an object that contains it (a cycle), which is not unit data',
    field: 'region',
  });
  const inMember = household('H1');
  inMember.members[1].birthdate = inMember;
  assert.equal(failureOf(inMember).field, 'member M2: birthdate');
  // Under keys the program does not declare, nothing is read: no cycle is met (as in Python).
  const ignored = household('H1');
  ignored.self = ignored;
  ignored.members[1].home = ignored;
  assert.equal(program.evaluate(ignored, AS_OF).decision, 'eligible');
  // The unit itself among its members: the unit's shape (R0010), as a member that is not an object is.
  const asMember = household('H1');
  asMember.members.push(asMember);
  assert.deepEqual(failureOf(asMember), {
    code: 'R0010',
    message: "unit H1: the unit's data is malformed: member 3 is a reference to an object that contains it (a cycle), which is not unit data",
    field: undefined,
  });
  let deep = {};
  for (let i = 0; i < 100000; i++) deep = { a: deep };
  assert.deepEqual(failureOf(household('H1', { region: deep })), {
    code: 'R0005',
    message: 'unit H1: `region`: nested more than 64 levels deep, which is not unit data',
    field: 'region',
  });
  const units = [household('H0'), cycle, household('H2', { members: [{ id: 'M1', kind: 'head', birthdate: deep }] }), household('H3')];
  for (const results of [program.evaluateBatch(units, AS_OF), await program.evaluateBatchAsync(units, AS_OF)]) {
    assert.deepEqual(results.map((r) => r.decision ?? `${r.error.code} ${r.error.field}`), ['eligible', 'R0005 region', 'R0005 member M1: birthdate', 'eligible']);
  }
  // A run converts its units whole, as Python's run_cycle does: any cycle refuses it.
  assert.throws(() => program.runCycle([household('H0'), ignored], AS_OF), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'entitle: units[1]: unit H1: `member M2: home`: a reference to an object that contains it (a cycle), which is not unit data',
  });
  const cycleOptions = { previous: {} };
  cycleOptions.previous.self = cycleOptions;
  assert.throws(() => program.runCycle([household('H0')], AS_OF, cycleOptions), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'entitle: "previous" is a reference to an object that contains it (a cycle), which is not unit data',
  });
  // A getter's own RangeError is still the caller's for one unit, and not a depth problem in a batch.
  const own = new RangeError('mine');
  const unit = household('H1');
  Object.defineProperty(unit, 'region', { enumerable: true, get() { throw own; } });
  assert.throws(() => program.evaluate(unit, AS_OF), (e) => e === own);
  assert.equal(program.evaluateBatch([household('H0'), unit], AS_OF)[1].error.message, '`region`: a value that could not be read (reading it threw a RangeError)');
});

test('a truth value is true/false, 1/0, or text such as "yes", "on" or "0"; another number is R0005', () => {
  const flags = compile('program flags "Flags"\n  target individual\ninputs\n  person.flag: bool\neligible when\n  f "F" flag\n');
  const decide = (flag) => {
    try {
      return flags.evaluate({ id: 'P1', flag }, AS_OF).decision;
    } catch (e) {
      return `${e.code} ${e.message}`;
    }
  };
  const cases = [
    [true, 'eligible'], [false, 'not_eligible'], [1, 'eligible'], [0, 'not_eligible'], [1n, 'eligible'], [0n, 'not_eligible'],
    ['TRUE', 'eligible'], ['no', 'not_eligible'], ['1', 'eligible'], ['0', 'not_eligible'],
    // A checkbox in a form sends "on" when ticked.
    ['on', 'eligible'], ['Off', 'not_eligible'], ['', 'undetermined'], [null, 'undetermined'], [undefined, 'undetermined'],
  ];
  assert.deepEqual(cases.map(([flag]) => decide(flag)), cases.map(([, want]) => want));
  for (const flag of [2, 0.5, -1, 2n, '2', 'maybe']) {
    assert.equal(decide(flag), 'R0005 unit P1: `flag`: expected a truth value (true/false, yes/no, on/off, 1/0)', String(flag));
  }
});

test('a key with half of a character is ignored as any key the program does not declare, and R0011 with strict, as in Python', () => {
  // JSON.stringify writes the key as a \ud800 escape, which the engine's reader refuses for the
  // whole text. The key is not declared, so it is not read (Python ignores it too); with strict
  // binding it is named with U+FFFD in its place, as Python names it.
  const unit = household('H1', { ['x\ud800']: 'y\udc00' });
  const [good, batched] = program.evaluateBatch([household('H0'), unit], AS_OF);
  assert.deepEqual([good.decision, batched.decision], ['eligible', 'eligible']);
  assert.equal(program.evaluate(unit, AS_OF).decision, 'eligible');
  assert.match(program.explain(unit, AS_OF), /^Child Support Grant — H1 — 2026-03-01/);
  const [, strict] = program.evaluateBatch([household('H0'), unit], AS_OF, { strict: true });
  assert.deepEqual([strict.unit_id, strict.error.code, strict.error.field], ['H1', 'R0011', 'x\ufffd']);
  for (const call of [() => program.evaluate(unit, AS_OF, { strict: true }), () => program.explain(unit, AS_OF, { strict: true })]) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof EvaluationError, `expected an EvaluationError, got ${e}`);
      assert.deepEqual([e.code, e.unitId, e.details.field], ['R0011', 'H1', 'x\ufffd']);
      return true;
    });
  }
  // A member's key is named with the member; a bad value of a declared input beside it is named.
  const member = household('H2', { members: [{ id: 'M1', kind: 'head', birthdate: '1990-01-01', ['\udc00']: 2 }, { id: 'M2', kind: 'child', birthdate: '2020-05-01' }] });
  assert.equal(program.evaluate(member, AS_OF).decision, 'eligible');
  assert.throws(() => program.evaluate(member, AS_OF, { strict: true }), { code: 'R0011', details: { code: 'R0011', field: 'member M1: \ufffd', message: '`member M1: \ufffd` is not an input of this program' } });
  member.members[1].birthdate = NaN;
  assert.equal(failureOf(member).field, 'member M2: birthdate');
  // A key with half of a character inside a value is that value's problem.
  assert.equal(failureOf(household('H3', { monthly_income: { amount: '5000', currency: 'KES', ['\ud800']: 1 } })).field, 'monthly_income.\ufffd');
  // A run converts its units whole, as Python's run_cycle does: the key refuses it.
  assert.throws(() => program.runCycle([unit], AS_OF), /^TypeError: entitle: units\[0\]: unit H1: `x\ufffd`: a key with half of a character/);
});

test('a key the program does not declare is ignored whatever its value (as in Python), and R0011 with strict', async () => {
  const extra = { note: NaN, seen: new Date('2026-01-01'), big: 2n ** 80n, tags: new Set(['a']), raw: Buffer.from('x'), f: () => 1 };
  const unit = household('H1', { ...extra, members: [{ id: 'M1', kind: 'head', birthdate: '1990-01-01', ...extra }, { id: 'M2', kind: 'child', birthdate: '2020-05-01', score: Infinity }] });
  assert.equal(program.evaluate(unit, AS_OF).decision, 'eligible');
  for (const results of [program.evaluateBatch([unit], AS_OF), await program.evaluateBatchAsync([unit], AS_OF)]) {
    assert.equal(results[0].decision, 'eligible');
  }
  // The names come first with strict, in byte order, before any value: as Python and the engine.
  assert.throws(() => program.evaluate(unit, AS_OF, { strict: true }), { code: 'R0011', details: { code: 'R0011', field: 'big', message: '`big` is not an input of this program' } });
  // A declared input's bad value still fails its unit.
  assert.equal(failureOf({ ...unit, region: NaN }).field, 'region');
});
