'use strict';
// The whole conformance corpus (tests/conformance/cases/*.json, every file, every case), with the
// Rust runner's comparison rules; each case is evaluated one by one, as a batch and as an async
// batch, and the three must agree byte for byte.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { loadAll, runCase } = require('./corpus');

const files = loadAll();
let ran = 0;

for (const { file, cases } of files) {
  for (const c of cases) {
    test(`${file}: ${c.name}`, { skip: c.skip }, async () => {
      const { diffs } = await runCase(c);
      ran += 1;
      assert.deepEqual(diffs, [], `${file}: ${c.name}\n  ${diffs.join('\n  ')}`);
    });
  }
}

test('the corpus was found and every case without `skip` ran', () => {
  const total = files.reduce((n, f) => n + f.cases.length, 0);
  const skipped = files.reduce((n, f) => n + f.cases.filter((c) => c.skip !== undefined).length, 0);
  assert.ok(files.length >= 19, `only ${files.length} case files`);
  assert.ok(total >= 97, `only ${total} cases`);
  assert.equal(ran, total - skipped);
});
