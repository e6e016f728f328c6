// Strict binding: `{ strict: true }` makes a key the program does not declare fail its unit with
// R0011 (the key in `field`, the close declared name in `closest`); without it the key is ignored.
import assert from "node:assert/strict";
import { test } from "node:test";
import entitle, { program } from "./entitle.mjs";

const { compile, EvaluationError } = entitle;
const p = compile(program("child_grant.entitle"));
const AS_OF = "2026-03-01";

// A poor household in the North with a child; its head has a disability (`disabled`, or `key`).
function household(id, key = "disabled", extra = {}) {
  return {
    id,
    region: "North",
    monthly_income: "1000",
    members: [
      { id: `${id}-1`, kind: "head", start_date: "2020-01-01", end_date: null, birthdate: "1990-01-01", [key]: true },
      { id: `${id}-2`, kinds: ["child"], birthdate: "2020-05-01" },
    ],
    ...extra,
  };
}

test("a misspelt member key is ignored by default and R0011 with strict", () => {
  assert.equal(p.evaluate(household("H1", "disabeld"), AS_OF).cash.total, "2000");
  assert.equal(p.evaluate(household("H1", "disabeld"), AS_OF, { strict: false }).cash.total, "2000");
  assert.equal(p.evaluate(household("H1"), AS_OF, { strict: true }).cash.total, "2300");
  assert.throws(() => p.evaluate(household("H1", "disabeld"), AS_OF, { strict: true }), (e) => {
    assert.ok(e instanceof EvaluationError);
    assert.equal(e.code, "R0011");
    assert.equal(e.unitId, "H1");
    assert.deepEqual(e.details, {
      code: "R0011",
      field: "member H1-1: disabeld",
      closest: "disabled",
      message: "`member H1-1: disabeld` is not an input of this program; did you mean `disabled`?",
    });
    return true;
  });
  // The unit as JSON text takes the same path.
  assert.throws(() => p.evaluate(JSON.stringify(household("H1", "disabeld")), AS_OF, { strict: true }), { code: "R0011" });
});

test("in a batch the unit with an unknown key fails alone", () => {
  const units = [household("H1"), household("H2", "disabeld"), household("H3", "disabled", { shoe_size: "42" })];
  const shape = (r) => ("error" in r ? { code: r.error.code, field: r.error.field, closest: r.error.closest } : { cash: r.cash.total });
  assert.deepEqual(p.evaluateBatch(units, AS_OF, { strict: true }).map(shape), [
    { cash: "2300" },
    { code: "R0011", field: "member H2-1: disabeld", closest: "disabled" },
    { code: "R0011", field: "shoe_size", closest: undefined },
  ]);
  assert.deepEqual(p.evaluateBatch(JSON.stringify(units), AS_OF, { strict: true }).map(shape), p.evaluateBatch(units, AS_OF, { strict: true }).map(shape));
  assert.deepEqual(p.evaluateBatch(units, AS_OF).map(shape), [{ cash: "2300" }, { cash: "2000" }, { cash: "2300" }]);
});

test("explain takes strict too, and says it in the explanation's language", () => {
  assert.match(p.explain(household("H1", "disabeld"), AS_OF), /KES 2000/);
  assert.throws(() => p.explain(household("H1", "disabeld"), AS_OF, { strict: true, locale: "fr" }), {
    name: "EvaluationError",
    code: "R0011",
    message: "unit H1: `member H1-1: disabeld` n'est pas une donnée de ce programme ; vouliez-vous dire `disabled` ?",
  });
});

test("strict of the wrong type is a TypeError, as explain is", () => {
  for (const bad of ["yes", 1, null, {}]) {
    for (const call of [
      (o) => p.evaluate(household("H1"), AS_OF, o),
      (o) => p.evaluateBatch([household("H1")], AS_OF, o),
      (o) => p.explain(household("H1"), AS_OF, o),
    ]) {
      assert.throws(() => call({ strict: bad }), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE", message: /option `strict` must be a boolean/ });
    }
    assert.throws(() => p.evaluate(household("H1"), AS_OF, { explain: bad }), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
  }
});
