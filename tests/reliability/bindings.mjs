// The cross-language determinism and privacy checks for the JavaScript bindings: the Node addon
// (bindings-node/, built by scripts/test-node.sh) and the WebAssembly package (bindings-wasm/pkg,
// built by scripts/test-wasm.sh). Run by scripts/test-reliability.sh.
//
//   node bindings.mjs node|wasm results PROGRAM AS_OF UNITS.json OUT.jsonl [--explain]
//       Writes one line per unit: the batch result as JSON text (compared byte for byte with the
//       Rust engine's by the script). Each unit evaluated alone must give the same result.
//   node bindings.mjs node|wasm privacy PROGRAM AS_OF PRIVACY_UNITS.json
//       Evaluates units seeded with recognisable values every way the binding allows and fails
//       when one of those values appears in an error message or error object.
import { createRequire } from "node:module";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Values seeded into privacy_units.json: none may appear in an error. */
export const SECRETS = ["SECRET-4242", "1901-02-03", "987654.321", "2031-02-03", "98765432109", "9.87654321"];

async function load(binding) {
  if (binding === "node") {
    const addon = path.join(repo, "bindings-node/entitle.node");
    if (!existsSync(addon)) throw new Error(`${addon} is missing: build it with scripts/test-node.sh`);
    return createRequire(import.meta.url)(path.join(repo, "bindings-node"));
  }
  if (binding === "wasm") {
    const wasm = path.join(repo, "bindings-wasm/pkg/raw/entitle_wasm_bg.wasm");
    if (!existsSync(wasm)) throw new Error(`${wasm} is missing: build it with scripts/test-wasm.sh`);
    const entitle = await import(pathToFileURL(path.join(repo, "bindings-wasm/pkg/entitle.js")).href);
    entitle.initSync(readFileSync(wasm));
    return entitle;
  }
  throw new Error(`unknown binding ${binding}: node or wasm`);
}

/** JSON with object keys sorted, to compare a thrown error's data with a batch result. */
function canonical(v) {
  return JSON.stringify(v, (_k, x) =>
    x !== null && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x,
  );
}

function results(entitle, [programFile, asOf, unitsFile, outFile, ...flags]) {
  const explain = flags.includes("--explain");
  const program = entitle.compile(readFileSync(programFile, "utf8"));
  const units = JSON.parse(readFileSync(unitsFile, "utf8"));
  const batch = program.evaluateBatch(units, asOf, { explain });
  if (batch.length !== units.length) throw new Error(`${units.length} units, ${batch.length} results`);
  units.forEach((unit, i) => {
    let alone;
    try {
      alone = program.evaluate(unit, asOf, { explain });
    } catch (e) {
      if (!(e instanceof entitle.EvaluationError)) throw e;
      alone = { unit_id: e.unitId, error: e.details };
    }
    if (canonical(alone) !== canonical(batch[i])) throw new Error(`unit ${i}: alone and in a batch, the results differ`);
  });
  writeFileSync(outFile, batch.map((r) => JSON.stringify(r) + "\n").join(""));
  console.log(`${units.length} results written to ${outFile}`);
}

function privacy(entitle, [programFile, asOf, unitsFile]) {
  const program = entitle.compile(readFileSync(programFile, "utf8"));
  const units = JSON.parse(readFileSync(unitsFile, "utf8"));
  const seen = []; // [what, text]
  const record = (what, e) => {
    seen.push([what, String(e?.message ?? e)]);
    for (const k of ["code", "unitId", "details", "result", "diagnostics"]) {
      if (e?.[k] !== undefined) seen.push([`${what} .${k}`, JSON.stringify(e[k])]);
    }
  };
  let failures = 0;
  units.forEach((unit, i) => {
    for (const [name, call] of [
      ["evaluate", () => program.evaluate(unit, asOf)],
      ["evaluate with an explanation", () => program.evaluate(unit, asOf, { explain: true })],
      ["explain", () => program.explain(unit, asOf, { locale: "fr" })],
    ]) {
      try {
        const r = call();
        if (typeof r === "object" && r.error !== undefined) seen.push([`${name} of unit ${i}`, JSON.stringify(r.error)]);
      } catch (e) {
        failures += 1;
        record(`${name} of unit ${i}`, e);
      }
    }
  });
  for (const r of program.evaluateBatch(units, asOf, { explain: true })) {
    if (r.error !== undefined) {
      failures += 1;
      seen.push([`batch result of ${r.unit_id}`, JSON.stringify(r.error)]);
    }
  }
  try {
    const run = program.runCycle(units.filter((u) => u !== null && typeof u === "object"), asOf, { previous: { P01: "enrolled" } });
    seen.push(["runCycle", JSON.stringify(run.units.filter((u) => u.decision === null))]);
  } catch (e) {
    failures += 1;
    record("runCycle", e);
  }
  // Values JavaScript cannot send are refused by name, never by value.
  for (const [name, unit] of [
    ["a Date", { id: "PD", region: "North", monthly_income: new Date("1901-02-03") }],
    ["NaN", { id: "PN", region: "North", monthly_income: NaN, members: [{ id: "PN-1", birthdate: "1901-02-03" }] }],
    ["a function", { id: "PF", region: () => "SECRET-4242" }],
  ]) {
    try {
      program.evaluate(unit, asOf);
    } catch (e) {
      failures += 1;
      record(name, e);
    }
  }
  const leaks = seen.filter(([, text]) => SECRETS.some((s) => text.includes(s)));
  for (const [what, text] of leaks) console.error(`LEAK in ${what}: ${text}`);
  if (failures < units.length) throw new Error(`only ${failures} failures for ${units.length} hostile units: the check checked too little`);
  console.log(`${seen.length} error texts from ${failures} failures checked, ${leaks.length} leaks`);
  if (leaks.length > 0) process.exit(1);
}

const [binding, mode, ...rest] = process.argv.slice(2);
const entitle = await load(binding);
if (mode === "results") results(entitle, rest);
else if (mode === "privacy") privacy(entitle, rest);
else throw new Error("usage: node bindings.mjs node|wasm results|privacy …");
