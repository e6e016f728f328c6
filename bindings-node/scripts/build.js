#!/usr/bin/env node
'use strict';
// Builds the native addon with cargo (release mode unless `--debug`) and copies the library to
// `entitle.node` beside index.js. Cargo reports where it wrote the library, so this works with any
// CARGO_TARGET_DIR and on every platform (.so, .dylib, .dll).
//
// `--example NAME` also builds that Rust example of the crate in the same cargo run (so both come
// from the same sources) and prints the path of its executable on stdout.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const debug = process.argv.includes('--debug');
const examples = process.argv.flatMap((a, i) => (a === '--example' && process.argv[i + 1] ? [process.argv[i + 1]] : []));
const args = ['build', '-p', 'entitle-node', '--lib', '--message-format=json-render-diagnostics'];
if (!debug) args.push('--release');
for (const e of examples) args.push('--example', e);

const run = spawnSync('cargo', args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 });
if (run.error) {
  console.error(`entitle: could not run cargo: ${run.error.message}`);
  process.exit(1);
}
if (run.status !== 0) {
  console.error(`entitle: cargo build failed (exit ${run.status})`);
  process.exit(run.status || 1);
}

let library = null;
const executables = new Map();
for (const line of run.stdout.split('\n')) {
  if (!line.startsWith('{')) continue;
  const msg = JSON.parse(line);
  if (msg.reason !== 'compiler-artifact' || !msg.target) continue;
  if (msg.target.name === 'entitle_node' && msg.target.kind.includes('cdylib')) {
    library = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f)) ?? library;
  }
  if (examples.includes(msg.target.name) && msg.executable) executables.set(msg.target.name, msg.executable);
}
if (!library) {
  console.error('entitle: cargo did not report the entitle_node library');
  process.exit(1);
}
const dest = path.join(root, 'entitle.node');
// Copy to a temporary name, then rename: a running process never sees a half-written addon.
const tmp = `${dest}.${process.pid}.tmp`;
fs.copyFileSync(library, tmp);
fs.renameSync(tmp, dest);
console.error(`entitle: built ${path.relative(process.cwd(), dest)} from ${library}`);
for (const e of examples) {
  if (!executables.has(e)) {
    console.error(`entitle: cargo did not report the example ${e}`);
    process.exit(1);
  }
  console.log(executables.get(e));
}
