#!/usr/bin/env node
'use strict';
// Loads a program and a JSON file of households, and prints each decision with its reasons.
//
//   node examples/node/decisions.js [PROGRAM.entitle] [HOUSEHOLDS.json] [AS-OF] [LOCALE]
//
// Defaults: the child grant, the households beside this file, 2026-03-01, English.
// Build the package first: `npm run build` in bindings-node/ (scripts/test-node.sh does it).

const fs = require('node:fs');
const path = require('node:path');
const { compile, CompileError, EvaluationError } = require('../../bindings-node');

const [programFile = path.join(__dirname, '..', 'programs', 'child_grant.entitle'), householdsFile = path.join(__dirname, 'households.json'), asOf = '2026-03-01', locale = 'en'] =
  process.argv.slice(2);

let program;
try {
  program = compile(fs.readFileSync(programFile, 'utf8'), { filename: path.basename(programFile), locale });
} catch (e) {
  if (!(e instanceof CompileError)) throw e;
  console.error(e.message); // every diagnostic, with its line, a caret and a hint
  process.exit(1);
}

const households = JSON.parse(fs.readFileSync(householdsFile, 'utf8'));
console.log(`${program.title} (${program.id} ${program.version ?? ''}), ${households.length} households, as of ${asOf}\n`);

// One call for the whole batch: a household that cannot be evaluated is a result, not an exception.
const results = program.evaluateBatch(households, asOf);
const totals = { eligible: 0, not_eligible: 0, undetermined: 0, errors: 0 };
results.forEach((result, i) => {
  if ('error' in result) {
    totals.errors += 1;
    console.log(`${result.unit_id}: ERROR ${result.error.code}: ${result.error.message}\n`);
    return;
  }
  totals[result.decision] += 1;
  const amount = result.cash ? ` ${result.cash.currency} ${result.cash.total}` : '';
  console.log(`${result.unit_id}: ${result.decision}${amount}`);
  // The reasons: every rule with the values that decided it, in the chosen language.
  try {
    console.log(program.explain(households[i], asOf, { locale }).replace(/^/gm, '    '));
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    console.log(`    ${e.code}: ${e.message}`);
  }
  console.log();
});
console.log(`eligible ${totals.eligible}, not eligible ${totals.not_eligible}, undetermined ${totals.undetermined}, errors ${totals.errors}`);
