#!/usr/bin/env node
'use strict';
// Households per second through the Node API on generated households (the child grant, eight kinds
// of household from test/households.js; 100,000 by default).
//
//   node bench/evaluate_batch.js [HOUSEHOLDS] [RUNS]
//
// Reports the median of RUNS timed runs (after one warm-up) for evaluateBatch, evaluateBatchAsync,
// evaluateBatch with explanations and evaluate() one unit at a time, with ratios to evaluateBatch,
// the CPU time per household (user + sys of every thread of the process: steadier than wall time on
// a shared machine), and where the time of evaluateBatch goes: JSON.stringify of the units, the native call (the
// engine's JSON façade plus reading and writing JSON text), JSON.parse of the results.
// Build first: `npm run build`.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { compile, EvaluationError } = require('..');
const native = require('../entitle.node');
const { households, AS_OF } = require('../test/households');

const N = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);
const source = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'programs', 'child_grant.entitle'), 'utf8');
const program = compile(source);
const units = households(N);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function time(name, count, f) {
  await f(); // warm-up
  const ms = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const m = median(ms);
  return { name, count, ms: m, cpuMs: median(cpu), perSecond: (count / m) * 1000, all: ms };
}

async function main() {
  console.log(`# ${N.toLocaleString('en')} households, ${RUNS} runs each (median), ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  console.log(`# load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const oneByOne = Math.min(N, 10_000);
  const rows = [];
  rows.push(await time('evaluateBatch', N, () => program.evaluateBatch(units, AS_OF)));
  rows.push(await time('evaluateBatchAsync', N, () => program.evaluateBatchAsync(units, AS_OF)));
  rows.push(await time('evaluateBatch, explain: true', N, () => program.evaluateBatch(units, AS_OF, { explain: true })));
  rows.push(
    await time(`evaluate, one unit at a time (${oneByOne.toLocaleString('en')} units)`, oneByOne, () => {
      for (let i = 0; i < oneByOne; i++) {
        try {
          program.evaluate(units[i], AS_OF);
        } catch (e) {
          if (!(e instanceof EvaluationError)) throw e; // one household in eight fails by design
        }
      }
    }),
  );

  // Where evaluateBatch's time goes, measured on the same chunks the API sends.
  const nativeProgram = native.compile(source);
  const parts = { stringify: [], native: [], parse: [] };
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    const chunks = [];
    for (let i = 0; i < units.length; i += 2048) chunks.push(JSON.stringify(units.slice(i, i + 2048)));
    parts.stringify.push(performance.now() - t);
    t = performance.now();
    const texts = nativeProgram.evaluateBatch(chunks, AS_OF);
    parts.native.push(performance.now() - t);
    t = performance.now();
    for (const text of texts) JSON.parse(text);
    parts.parse.push(performance.now() - t);
  }

  const base = rows[0].perSecond;
  console.log('\n| call | median wall | households/s | vs evaluateBatch | CPU (user + sys, all threads) per household |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const cpuPer = ((r.cpuMs * 1000) / r.count).toFixed(1);
    console.log(`| ${r.name} | ${r.ms.toFixed(0)} ms | ${Math.round(r.perSecond).toLocaleString('en')} | ${(r.perSecond / base).toFixed(2)} | ${cpuPer} µs |`);
  }
  const total = rows[0].ms;
  console.log('\n| evaluateBatch, step | median | share |');
  console.log('| --- | ---: | ---: |');
  for (const [name, xs] of [
    ['JSON.stringify of the units (JS)', parts.stringify],
    ['native call: JSON text in, engine JSON façade, JSON text out (Rust)', parts.native],
    ['JSON.parse of the results (JS)', parts.parse],
  ]) {
    console.log(`| ${name} | ${median(xs).toFixed(0)} ms | ${((median(xs) / total) * 100).toFixed(0)}% |`);
  }
  console.log(`\n# load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
