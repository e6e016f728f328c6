// A panic inside the engine never escapes as an opaque WebAssembly trap: it becomes an EntitleError
// with code INTERNAL, the module is instantiated afresh, and programs compiled before keep working.
// The panic is forced through a test-only export (`__testing.panic`, not public API).
import assert from "node:assert/strict";
import { test } from "node:test";
import entitle, { program } from "./entitle.mjs";

const { compile, check, EntitleError, CompileError, __testing } = entitle;

const household = {
  id: "H1",
  region: "East",
  monthly_income: "1000",
  members: [
    { id: "M1", kind: "head", birthdate: "1980-01-01" },
    { id: "M2", kind: "child", birthdate: "2015-01-01" },
  ],
};

test("a panic becomes EntitleError INTERNAL and the engine keeps working", (t) => {
  const p = compile(program("child_grant.entitle"));
  const spare = compile(program("old_age_pension.entitle"));
  // A program compiled in French keeps its locale when it recompiles itself.
  const french = compile(program("child_grant.entitle").replace("expect eligible, cash KES 2500", "expect eligible, cash KES 9999"), { locale: "fr" });
  const before = p.evaluate(household, "2026-03-01", { explain: true });
  assert.equal(before.cash.total, "2000");
  const generation = __testing.generation();

  // The panic hook writes to console.error: keep it, to check it and to keep the test output clean.
  const originalError = console.error;
  const logged = [];
  console.error = (...args) => logged.push(args.join(" "));
  t.after(() => {
    console.error = originalError;
  });
  let thrown;
  try {
    __testing.panic();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof EntitleError, `got ${thrown}`);
  assert.ok(!(thrown instanceof CompileError));
  assert.equal(thrown.name, "EntitleError");
  assert.equal(thrown.code, "INTERNAL");
  assert.deepEqual(thrown.diagnostics, []);
  assert.match(thrown.message, /^internal error in the Entitle engine \(a bug; the engine was restarted\): panicked at .*lib\.rs:\d+:\d+:\ntest-only panic requested through __testPanic$/s);
  assert.ok(thrown.cause instanceof WebAssembly.RuntimeError, "the trap is kept as the cause");
  assert.ok(logged.some((l) => l.includes("test-only panic requested through __testPanic")), "the panic hook reports to console.error");
  assert.equal(__testing.generation(), generation + 1);

  // A program compiled before the restart recompiles itself and gives the same decision.
  assert.deepEqual(p.evaluate(household, "2026-03-01", { explain: true }), before);
  assert.equal(p.explain(household, "2026-03-01", { locale: "fr" }).split("\n")[1], "Éligible.");
  assert.equal(spare.evaluate({ id: "P1", birthdate: "1950-06-01" }, "2026-08-01").cash.total, "2200");
  assert.deepEqual(french.runTests()[0].failures, ["cash : attendu KES 9999, obtenu KES 2500"]);
  spare.free();
  // New work goes to the new instance.
  assert.equal(compile(program("pmt.entitle")).id, "pmt");
  assert.deepEqual(check(program("child_grant.entitle")), []);
  assert.throws(() => compile("program"), { name: "CompileError" });

  // And it survives again.
  assert.throws(() => __testing.panic(), { code: "INTERNAL" });
  assert.equal(__testing.generation(), generation + 2);
  assert.equal(logged.filter((l) => l.includes("test-only panic")).length, 2);
  assert.deepEqual(p.evaluateBatch([household], "2026-03-01", { explain: true }), [before]);
});
