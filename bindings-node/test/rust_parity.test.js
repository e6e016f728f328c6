'use strict';
// Same results as Rust, byte for byte: the Rust engine, in its own process (the example
// `corpus_json`, which reads the case files itself), prints its result JSON for every unit of the
// corpus; Node must produce the same text for each unit, through `evaluateBatch` and `evaluate`.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { EvaluationError } = require('..');
const { loadAll, compileCase, canonical, evaluateOptions } = require('./corpus');

/** The example's output: from ENTITLE_CORPUS_JSON (the built binary, as scripts/test-node.sh
 * sets it), else through `cargo run`. */
function rustResults() {
  const options = { cwd: path.join(__dirname, '..'), encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] };
  const out = process.env.ENTITLE_CORPUS_JSON
    ? execFileSync(path.resolve(process.env.ENTITLE_CORPUS_JSON), [], options)
    : execFileSync('cargo', ['run', '--release', '--quiet', '-p', 'entitle-node', '--example', 'corpus_json'], options);
  const byKey = new Map();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const parts = line.split('\t');
    assert.equal(parts.length, 4, `malformed line from corpus_json: ${line.slice(0, 200)}`);
    byKey.set(parts.slice(0, 3).join('\t'), parts[3]);
  }
  return byKey;
}

const rust = rustResults();
const seen = new Set();

for (const { file, cases } of loadAll()) {
  test(`${file}: every unit gives the Rust engine's JSON`, () => {
    const diffs = [];
    cases.forEach((c, ci) => {
      if (c.skip !== undefined || !(c.want?.length > 0)) return;
      const { program } = compileCase(c);
      if (program === null) return;
      const units = c.units ?? [];
      const options = evaluateOptions(c);
      const batch = program.evaluateBatch(units, c.as_of, options);
      units.forEach((unit, ui) => {
        const key = `${file}\t${ci}\t${ui}`;
        const expected = rust.get(key);
        seen.add(key);
        if (expected === undefined) {
          diffs.push(`case ${ci} unit ${ui}: the Rust engine gave no result`);
          return;
        }
        if (JSON.stringify(batch[ui]) !== expected) {
          diffs.push(`case ${ci} unit ${ui} (batch):\n    node ${JSON.stringify(batch[ui])}\n    rust ${expected}`);
        }
        let single;
        try {
          single = JSON.stringify(program.evaluate(unit, c.as_of, options));
        } catch (e) {
          if (!(e instanceof EvaluationError)) throw e;
          // A thrown error carries the same data; compare it as a value.
          single = canonical({ unit_id: e.unitId, error: e.details });
          if (single !== canonical(JSON.parse(expected))) diffs.push(`case ${ci} unit ${ui} (evaluate): ${single} != ${expected}`);
          return;
        }
        if (single !== expected) diffs.push(`case ${ci} unit ${ui} (evaluate):\n    node ${single}\n    rust ${expected}`);
      });
    });
    assert.deepEqual(diffs, [], diffs.join('\n'));
  });
}

test('every result the Rust engine printed was compared', () => {
  assert.ok(rust.size >= 100, `only ${rust.size} results from the Rust engine`);
  const unseen = [...rust.keys()].filter((k) => !seen.has(k));
  assert.deepEqual(unseen, []);
});
