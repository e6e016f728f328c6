// Entitle eligibility preview: a form built from a program's declared inputs, evaluated in the
// browser by the entitle-wasm package on every keystroke. After the page has loaded (the engine, the
// program text) nothing goes over the network: the person's answers never leave the device.

import init, { compile, CompileError, EvaluationError } from "./pkg/entitle.js";

const DEFAULT_PROGRAM = "./child_grant.entitle";

// The page's own words; the program's sentences come from the program and its translations.
const UI = {
  en: {
    tagline: "Eligibility preview: your answers stay in this browser.",
    language: "Language",
    asOf: "Date of assessment",
    aboutYou: "About the household",
    aboutPerson: "About the person",
    loading: "Loading…",
    members: "Members",
    member: "Member",
    kind: "Role in the household",
    addMember: "Add a member",
    removeMember: "Remove",
    result: "Result",
    why: "Why",
    fullExplanation: "Full explanation",
    program: "The program's rules (edit or paste another program)",
    resetProgram: "Back to the Child Support Grant",
    footer: "A preview, not a decision: the programme office makes the final assessment.",
    eligible: "Likely eligible",
    not_eligible: "Likely not eligible",
    undetermined: "Cannot tell yet: more information is needed",
    noProgram: "Fix the program to see a result.",
    afterFee: (net, fee) => `${net} after a fee of ${fee}`,
    missing: "Still needed:",
    unknown: "— not given —",
    yes: "Yes",
    no: "No",
    defaultIs: (v) => `— not given (counts as ${v}) —`,
    listHint: "separate values with ;",
    kinds: { head: "Head", spouse: "Spouse", child: "Child", other: "Other" },
    programErrors: (n) => (n === 1 ? "The program has 1 error:" : `The program has ${n} errors:`),
    at: (line, column) => `Line ${line}, column ${column}`,
    unitError: "These answers cannot be assessed:",
    doesNotApply: (s) => `Does not apply: ${s}`,
    decimal: ".",
    group: ",",
  },
  fr: {
    tagline: "Aperçu de l'éligibilité : vos réponses restent dans ce navigateur.",
    language: "Langue",
    asOf: "Date de l'évaluation",
    aboutYou: "Le ménage",
    aboutPerson: "La personne",
    loading: "Chargement…",
    members: "Membres",
    member: "Membre",
    kind: "Rôle dans le ménage",
    addMember: "Ajouter un membre",
    removeMember: "Retirer",
    result: "Résultat",
    why: "Pourquoi",
    fullExplanation: "Explication complète",
    program: "Les règles du programme (modifier ou coller un autre programme)",
    resetProgram: "Revenir à l'allocation de soutien à l'enfant",
    footer: "Un aperçu, pas une décision : le bureau du programme fait l'évaluation finale.",
    eligible: "Probablement éligible",
    not_eligible: "Probablement non éligible",
    undetermined: "Impossible de conclure : il manque des informations",
    noProgram: "Corrigez le programme pour voir un résultat.",
    afterFee: (net, fee) => `${net} après des frais de ${fee}`,
    missing: "Il manque :",
    unknown: "— non renseigné —",
    yes: "Oui",
    no: "Non",
    defaultIs: (v) => `— non renseigné (compte comme ${v}) —`,
    listHint: "séparer les valeurs par ;",
    kinds: { head: "Chef de ménage", spouse: "Conjoint", child: "Enfant", other: "Autre" },
    programErrors: (n) => (n === 1 ? "Le programme contient 1 erreur :" : `Le programme contient ${n} erreurs :`),
    at: (line, column) => `Ligne ${line}, colonne ${column}`,
    unitError: "Ces réponses ne peuvent pas être évaluées :",
    doesNotApply: (s) => `Ne s'applique pas : ${s}`,
    decimal: ",",
    group: "\u202f",
  },
};

const $ = (id) => document.getElementById(id);

const state = {
  locale: "en",
  asOf: "",
  defaultSource: "",
  source: "",
  program: null,
  // Answers as typed, by input name; kept across program edits.
  unit: {},
  members: [],
  nextMember: 1,
};

const t = () => UI[state.locale];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// ---- amounts: decimal strings shown exactly, grouped the local way --------------------------------

function formatDecimal(text) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const grouped = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, t().group);
  return `${m[1]}${grouped}${m[3] ? t().decimal + m[3] : ""}`;
}

function money(amount, currency) {
  return currency ? `${currency} ${formatDecimal(amount)}` : formatDecimal(amount);
}

// ---- the form, from the program's declared inputs ---------------------------------------------------

function label(input) {
  // A translation block may translate input labels too, by input name; a name that is also a rule
  // or item identifier is that sentence's translation, not the label's.
  const program = state.program;
  const shared = program.rules.some((r) => r.id === input.name) || program.items.some((i) => i.id === input.name);
  const translated = shared ? undefined : program.translations?.[state.locale]?.[input.name];
  return translated ?? input.label ?? input.name.replaceAll("_", " ");
}

function valueText(v) {
  if (v === true) return t().yes;
  if (v === false) return t().no;
  return String(v);
}

function widget(input, id, value, onInput) {
  const ty = input.type.type;
  let control;
  if (input.choices) {
    control = el("select", { id });
    control.append(el("option", { value: "", text: input.default !== undefined ? t().defaultIs(valueText(input.default)) : t().unknown }));
    for (const c of input.choices) control.append(el("option", { value: String(c), text: String(c) }));
  } else if (ty === "bool") {
    control = el("select", { id });
    control.append(el("option", { value: "", text: input.default !== undefined ? t().defaultIs(valueText(input.default)) : t().unknown }));
    control.append(el("option", { value: "true", text: t().yes }));
    control.append(el("option", { value: "false", text: t().no }));
  } else if (ty === "date") {
    control = el("input", { id, type: "date" });
  } else if (ty === "number" || ty === "money" || ty === "quantity") {
    control = el("input", { id, type: "text", inputmode: "decimal", placeholder: input.default !== undefined ? valueText(input.default) : undefined });
  } else {
    control = el("input", { id, type: "text", placeholder: ty === "list" ? t().listHint : input.default !== undefined ? valueText(input.default) : undefined });
  }
  control.name = input.name;
  control.value = value ?? "";
  control.addEventListener("input", () => onInput(control.value));
  control.addEventListener("change", () => onInput(control.value));
  const suffix = ty === "money" ? input.type.currency : ty === "quantity" ? input.type.unit : null;
  const wrapper = el("div", { class: "field" }, el("label", { for: id, text: label(input) }));
  wrapper.append(suffix ? el("div", { class: "with-suffix" }, control, el("span", { class: "suffix", text: suffix })) : control);
  return wrapper;
}

function unitScope(program) {
  return program.target === "household" ? "household" : "person";
}

function renderForm() {
  const program = state.program;
  const unitFields = $("unit-fields");
  unitFields.replaceChildren();
  $("members").replaceChildren();
  $("form-heading").textContent = program && program.target === "individual" ? t().aboutPerson : t().aboutYou;
  // Without a program there is no form; the answers are kept for when it compiles again.
  $("form").hidden = !program;
  $("form-unavailable").hidden = Boolean(program);
  $("form-unavailable").textContent = t().noProgram;
  if (!program) return;
  for (const input of program.inputs.filter((i) => i.used && i.scope === unitScope(program))) {
    unitFields.append(
      widget(input, `field-${input.name}`, state.unit[input.name], (v) => {
        state.unit[input.name] = v;
        evaluate();
      }),
    );
  }
  const memberInputs = program.inputs.filter((i) => i.used && i.scope === "member");
  $("members-fieldset").hidden = program.target !== "household";
  const list = $("members");
  state.members.forEach((member, index) => {
    const row = el("div", { class: "member", dataset: { member: String(index) } });
    row.append(el("h3", { text: `${t().member} ${index + 1}` }));
    const kindId = `member-${member.key}-kind`;
    const kind = el("select", { id: kindId, name: "kind" });
    for (const k of Object.keys(t().kinds)) kind.append(el("option", { value: k, text: t().kinds[k] }));
    kind.value = member.kind;
    kind.addEventListener("change", () => {
      member.kind = kind.value;
      evaluate();
    });
    row.append(el("div", { class: "field" }, el("label", { for: kindId, text: t().kind }), kind));
    for (const input of memberInputs) {
      row.append(
        widget(input, `member-${member.key}-${input.name}`, member.values[input.name], (v) => {
          member.values[input.name] = v;
          evaluate();
        }),
      );
    }
    const remove = el("button", { type: "button", class: "remove-member", text: t().removeMember });
    remove.addEventListener("click", () => {
      state.members.splice(index, 1);
      renderForm();
      evaluate();
    });
    row.append(remove);
    list.append(row);
  });
}

function addMember(kind) {
  state.members.push({ key: state.nextMember++, kind, values: {} });
}

// ---- the unit, in the engine's JSON boundary format ---------------------------------------------------

function typed(input, text) {
  if (text === undefined || text.trim() === "") return undefined;
  if (input.type.type === "bool") return text === "true";
  return text.trim();
}

function currentUnit() {
  const program = state.program;
  const unit = { id: "preview" };
  for (const input of program.inputs.filter((i) => i.scope === unitScope(program))) {
    const v = typed(input, state.unit[input.name]);
    if (v !== undefined) unit[input.name] = v;
  }
  if (program.target === "household") {
    const memberInputs = program.inputs.filter((i) => i.scope === "member");
    unit.members = state.members.map((m, i) => {
      const member = { id: `M${i + 1}`, kind: m.kind };
      for (const input of memberInputs) {
        const v = typed(input, m.values[input.name]);
        if (v !== undefined) member[input.name] = v;
      }
      return member;
    });
  }
  return unit;
}

// ---- the result -----------------------------------------------------------------------------------

function sentence(kind, id) {
  const program = state.program;
  const translated = program.translations?.[state.locale]?.[id];
  if (translated) return translated;
  const list = kind === "rule" ? program.rules : program.items;
  return list.find((x) => x.id === id)?.sentence ?? id;
}

function clearResult(text) {
  const decision = $("decision");
  decision.textContent = text;
  decision.dataset.outcome = "";
  $("amount").hidden = true;
  $("result-body").hidden = true;
  $("items").replaceChildren();
  $("rules").replaceChildren();
  $("explanation").textContent = "";
}

function evaluate() {
  const program = state.program;
  $("unit-error").hidden = true;
  if (!program) {
    clearResult(t().noProgram);
    return;
  }
  const unit = currentUnit();
  let decision;
  let text;
  try {
    decision = program.evaluate(unit, state.asOf, { explain: true });
    text = program.explain(unit, state.asOf, { locale: state.locale });
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    clearResult("—");
    // The explanation's error carries the message in the chosen language.
    let message = e.message;
    try {
      program.explain(unit, state.asOf, { locale: state.locale });
    } catch (localized) {
      message = localized.message;
    }
    const box = $("unit-error");
    box.replaceChildren(el("p", { text: t().unitError }), el("p", { class: "code", text: `${e.code}: ${message.replace(/^unit preview: /, "")}` }));
    box.hidden = false;
    return;
  }
  const outcome = decision.decision;
  $("result-body").hidden = false;
  const badge = $("decision");
  badge.textContent = t()[outcome];
  badge.dataset.outcome = outcome;

  const amount = $("amount");
  if (outcome === "eligible" && decision.cash) {
    const c = decision.cash;
    $("cash-total").textContent = money(c.total, c.currency);
    $("cash-note").textContent = c.fee !== "0" ? t().afterFee(money(c.net, c.currency), money(c.fee, c.currency)) : "";
    amount.hidden = false;
  } else {
    amount.hidden = true;
  }

  const items = $("items");
  items.replaceChildren();
  for (const item of decision.items.filter((i) => i.applied && i.amount !== "0")) {
    const shown = item.kind === "cash" ? money(item.amount, item.currency) : `${formatDecimal(item.amount)} ${item.unit}`;
    items.append(el("li", { dataset: { item: item.id } }, el("span", { text: sentence("item", item.id) }), el("strong", { text: shown })));
  }

  const rules = $("rules");
  rules.replaceChildren();
  for (const r of decision.rules) {
    const favourable = r.kind === "when" ? r.outcome === "met" : r.outcome === "not_met";
    const mark = r.outcome === "unknown" ? "?" : favourable ? "✓" : "✗";
    const cls = r.outcome === "unknown" ? "unknown" : favourable ? "ok" : "ko";
    // An `unless` rule that does not apply reads "Does not apply: …", not the bare sentence.
    const words = r.kind === "unless" && r.outcome === "not_met" ? t().doesNotApply(sentence("rule", r.id)) : sentence("rule", r.id);
    rules.append(el("li", { class: cls, dataset: { rule: r.id } }, el("span", { class: "mark", text: mark }), el("span", { text: words })));
  }

  const missing = $("missing");
  if (decision.missing.length > 0) {
    const names = decision.missing.map((name) => {
      const input = program.inputs.find((i) => i.name === name);
      return input ? label(input) : name;
    });
    missing.textContent = `${t().missing} ${names.join(", ")}`;
    missing.hidden = false;
  } else {
    missing.hidden = true;
  }
  $("explanation").textContent = text;
}

// ---- the program ----------------------------------------------------------------------------------

function compileSource() {
  const errors = $("program-errors");
  if (state.program) state.program.free();
  state.program = null;
  try {
    state.program = compile(state.source, { locale: state.locale, filename: "program.entitle" });
    errors.hidden = true;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    const problems = e.diagnostics.filter((d) => d.severity === "error");
    $("program-errors-title").textContent = t().programErrors(problems.length);
    $("diagnostics").replaceChildren(
      ...problems.map((d) =>
        el(
          "li",
          { dataset: { code: d.code, line: String(d.line), column: String(d.column) } },
          el("span", { class: "where", text: `${t().at(d.line, d.column)} — ${d.code}: ` }),
          el("span", { text: d.message + (d.help ? ` (${d.help})` : "") }),
        ),
      ),
    );
    // The engine's rendering: the line itself with a caret under the problem.
    $("diagnostics-rendered").textContent = e.message.split("\n").slice(1).join("\n");
    errors.hidden = false;
    $("program-details").open = true;
  }
  if (state.program) {
    $("program-title").textContent = state.program.translations?.[state.locale]?.title ?? state.program.title ?? state.program.id;
  }
}

function applyLanguage() {
  document.documentElement.lang = state.locale;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const text = t()[node.dataset.i18n];
    if (typeof text === "string") node.textContent = text;
  }
}

function refresh() {
  compileSource();
  renderForm();
  evaluate();
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function main() {
  const [, response] = await Promise.all([init(), fetch(DEFAULT_PROGRAM)]);
  state.defaultSource = await response.text();
  state.source = state.defaultSource;
  state.asOf = today();
  addMember("head");

  $("source").value = state.source;
  $("as-of").value = state.asOf;
  $("language").value = state.locale;

  $("source").addEventListener("input", () => {
    state.source = $("source").value;
    refresh();
  });
  $("reset-program").addEventListener("click", () => {
    state.source = state.defaultSource;
    $("source").value = state.source;
    refresh();
  });
  $("as-of").addEventListener("input", () => {
    state.asOf = $("as-of").value;
    evaluate();
  });
  $("language").addEventListener("change", () => {
    state.locale = $("language").value;
    applyLanguage();
    refresh();
  });
  $("add-member").addEventListener("click", () => {
    addMember("child");
    renderForm();
    evaluate();
    const rows = document.querySelectorAll("#members .member");
    rows[rows.length - 1]?.querySelector("input, select")?.focus();
  });

  applyLanguage();
  refresh();
  $("loading").hidden = true;
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  $("loading").textContent = `The preview could not start: ${e.message}`;
  document.body.dataset.ready = "failed";
  throw e;
});
