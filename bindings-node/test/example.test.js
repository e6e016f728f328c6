'use strict';
// The example in examples/node/ runs and prints each decision with its reasons.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'node', 'decisions.js');

test('examples/node/decisions.js prints decisions with reasons', () => {
  const out = execFileSync(process.execPath, [EXAMPLE], { encoding: 'utf8' });
  const lines = out.split('\n');
  for (const line of [
    'Child Support Grant (child_grant 2026.1), 5 households, as of 2026-03-01',
    'HH-1001: eligible KES 2500',
    '    ✓ Lives in a covered region — region = "North"; covered_regions = ["North", "East"]',
    'HH-1002: eligible KES 4000',
    '    Capped at KES 4000 (was KES 4100)',
    'HH-1003: not_eligible',
    '    ✗ Income per person below the ceiling — income_per_person = KES 25000; ceiling_per_person = KES 3000',
    'HH-1004: undetermined',
    '    Missing: monthly_income',
    'HH-1005: ERROR R0001: division by zero in `income_per_person`',
    'eligible 2, not eligible 1, undetermined 1, errors 1',
  ]) {
    assert.ok(lines.includes(line), `missing line: ${line}\n--- output ---\n${out}`);
  }
});

test('the example prints the reasons in French when asked', () => {
  const programs = path.join(__dirname, '..', '..', 'examples', 'programs');
  const out = execFileSync(
    process.execPath,
    [EXAMPLE, path.join(programs, 'child_grant.entitle'), path.join(__dirname, '..', '..', 'examples', 'node', 'households.json'), '2026-03-01', 'fr'],
    { encoding: 'utf8' },
  );
  assert.ok(out.includes("    Allocation de soutien à l'enfant — HH-1001 — 2026-03-01\n    Éligible.\n"), out);
});

test('the example reports a program that does not compile with its diagnostics', () => {
  let failure;
  try {
    execFileSync(process.execPath, [EXAMPLE, path.join(__dirname, 'fixtures', 'broken.entitle')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    failure = e;
  }
  assert.ok(failure, 'the example should fail');
  assert.equal(failure.status, 1);
  assert.ok(failure.stderr.includes('error[E0101]: unknown name `incme`'), failure.stderr);
  assert.ok(failure.stderr.includes('--> broken.entitle:'), failure.stderr);
});
