// Compiled by `tsc --noEmit -p test/tsconfig.json` (scripts/test-wasm.sh): the package's .d.ts must
// type real uses of the API, and reject wrong ones (the @ts-expect-error lines).
import init, {
  check,
  compile,
  CompileError,
  EntitleError,
  EvaluationError,
  RunError,
  initSync,
  locales,
  version,
  type BatchResult,
  type CycleResult,
  type Decision,
  type Diagnostic,
  type Input,
  type Unit,
} from "../pkg/entitle.js";

export async function example(source: string, bytes: Uint8Array): Promise<string> {
  await init();
  await init(new URL("https://example.invalid/entitle_wasm_bg.wasm"));
  initSync(bytes);
  const program = compile(source, { locale: "fr", filename: "child_grant.entitle" });
  const inputs: readonly Input[] = program.inputs;
  const money = inputs.find((i) => i.type.type === "money");
  const currency: string | null = program.currency;
  const unit: Unit = {
    id: "H1",
    region: "North",
    monthly_income: { amount: "5000", currency: "KES" },
    members: [{ id: "M1", kind: ["head"], birthdate: "1990-01-01", disabled: false }],
  };
  const decision: Decision = program.evaluate(unit, "2026-03-01", { explain: true });
  const total: string | undefined = decision.cash?.total;
  const results: BatchResult[] = program.evaluateBatch([unit, { id: 2 }], "2026-03-01");
  for (const r of results) {
    if ("error" in r) console.log(r.error.code, r.unit_id);
    else console.log(r.decision, r.items.map((i) => i.amount));
  }
  const diagnostics: Diagnostic[] = check(source, { locale: "en" });
  const first = diagnostics[0];
  if (first) console.log(first.code, first.line, first.column, first.start, first.end, first.help ?? "");
  try {
    program.explain(unit, "2026-03-01", { locale: "fr" });
  } catch (e) {
    if (e instanceof EvaluationError) console.log(e.code, e.unitId, e.details.code, e.result.error.message);
    else if (e instanceof CompileError) console.log(e.diagnostics.length);
    else if (e instanceof EntitleError) console.log(e.code);
  }
  const tests = program.runTests({ locale: "fr" }).filter((t) => !t.passed);
  const lines: number[] = [...program.rules.map((r) => r.line), ...program.items.map((i) => i.line)];
  const units: readonly string[] = program.unitsOfMeasure;
  console.log(lines.length, units.join(","));
  const run: CycleResult = program.runCycle([unit], "2026-03-01", { top: 10, budget: "150000", fund: { posted: "200000" } });
  const selected: string[] = run.units.filter((u) => u.selected).map((u) => `${u.unit_id} ${u.state_reason.code} ${u.allocated ?? ""}`);
  try {
    program.runCycle([unit], "2026-03-01", null);
  } catch (e) {
    if (e instanceof RunError) console.log(e.code, e.details.message, selected);
  }
  // @ts-expect-error asOf is a string, not a Date
  program.evaluate(unit, new Date());
  // @ts-expect-error no such option
  program.evaluate(unit, "2026-03-01", { explian: true });
  // @ts-expect-error Programs come from compile()
  new (program.constructor as typeof import("../pkg/entitle.js").Program)();
  program.free();
  return `${version()} ${locales().join(",")} ${money?.name} ${currency} ${total} ${tests.length}`;
}
