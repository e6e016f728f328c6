// Benchmark of the WebAssembly package in Node (single thread): compile, one evaluation, one
// explanation, and batches of generated households, with and without explanations. Writes the units
// to a file so that examples/native_bench.rs can time the native engine on the same data.
//
//   node bench/evaluate.mjs [households=10000] [units file=../target/wasm-bench-units.json]
//
// Reports medians. The households are generated from a fixed seed (the same data on every run).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import entitle, { program, repoDir } from "../test/entitle.mjs";

const count = Number(process.argv[2] ?? 10000);
const unitsFile = process.argv[3] ?? path.join(repoDir, "target/wasm-bench-units.json");

// A small deterministic generator (xorshift32), so every run evaluates the same households.
let seed = 2463534242;
const next = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
};
const pick = (list) => list[Math.floor(next() * list.length)];
const date = (from, to) => `${from + Math.floor(next() * (to - from))}-${String(1 + Math.floor(next() * 12)).padStart(2, "0")}-${String(1 + Math.floor(next() * 28)).padStart(2, "0")}`;

const households = [];
for (let i = 0; i < count; i++) {
  const members = [{ id: `M${i}-1`, kind: "head", birthdate: date(1950, 2000) }];
  const size = 1 + Math.floor(next() * 6);
  for (let m = 2; m <= size; m++) members.push({ id: `M${i}-${m}`, kind: pick(["spouse", "child", "child", "other"]), birthdate: date(1960, 2026), disabled: next() < 0.05 });
  households.push({ id: `H${i}`, region: pick(["North", "East", "South", "West"]), monthly_income: String(Math.floor(next() * 20000)), members });
}
writeFileSync(unitsFile, JSON.stringify(households));

function median(runs, body) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    body();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const AS_OF = "2026-03-01";
const source = program("child_grant.entitle");
const p = entitle.compile(source);
const one = households[0];
for (let i = 0; i < 200; i++) p.evaluate(one, AS_OF); // warm-up

const compileMs = median(200, () => entitle.compile(source).free());
const evaluateUs = median(5000, () => p.evaluate(one, AS_OF)) * 1000;
const explainUs = median(2000, () => p.explain(one, AS_OF, { locale: "fr" })) * 1000;
const batchMs = median(9, () => p.evaluateBatch(households, AS_OF));
const batchExplainMs = median(5, () => p.evaluateBatch(households, AS_OF, { explain: true }));
const results = p.evaluateBatch(households, AS_OF);
const eligible = results.filter((r) => r.decision === "eligible").length;

console.log(JSON.stringify({
  households: count,
  eligible,
  compile_ms: +compileMs.toFixed(3),
  evaluate_one_us: +evaluateUs.toFixed(1),
  explain_one_fr_us: +explainUs.toFixed(1),
  batch_ms: +batchMs.toFixed(1),
  batch_households_per_s: Math.round(count / (batchMs / 1000)),
  batch_explain_ms: +batchExplainMs.toFixed(1),
  units_file: unitsFile,
}, null, 2));
