// How an explained batch's time grows with its size, through `evaluateBatch` (the child grant,
// households of two): it should stay linear.
//
//   node bench/explained_batches.mjs [sizes=4000,8000,16000]
import { performance } from "node:perf_hooks";
import entitle, { program } from "../test/entitle.mjs";

const childGrant = entitle.compile(program("child_grant.entitle"));

const sizes = (process.argv[2] ?? "4000,8000,16000").split(",").map(Number);
const unit = (i) => ({
  id: `H${i}`,
  region: i % 2 ? "North" : "East",
  monthly_income: String(1000 + (i % 7) * 900),
  members: [
    { id: `M${i}`, kind: "head", birthdate: "1985-01-01" },
    { id: `C${i}`, kind: "child", birthdate: "2018-03-01" },
  ],
});
for (const n of sizes) {
  const units = Array.from({ length: n }, (_, i) => unit(i));
  for (const explain of [false, true]) {
    const t = performance.now();
    const results = childGrant.evaluateBatch(units, "2026-03-01", { explain });
    const ms = Math.round(performance.now() - t);
    console.log(`${n} households, explain ${explain}: ${results.length} results in ${ms} ms`);
  }
}
