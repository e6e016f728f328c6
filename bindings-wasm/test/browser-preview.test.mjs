// The browser preview (examples/browser-preview/) in a real browser: Debian's headless Chromium,
// driven by playwright-core, loading the page from a local static server. It fills the form, adds a
// child, checks the decision and amount, switches to French, pastes a broken program and checks the
// error shown, pastes a program for individuals, and asserts that no request leaves the page once it
// has loaded. Screenshots go to $ENTITLE_TEST_OUTPUT (default: target/test-output/wasm/).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { repoDir } from "./entitle.mjs";

const pageDir = path.join(repoDir, "examples/browser-preview");
const outDir = process.env.ENTITLE_TEST_OUTPUT ?? path.join(repoDir, "target/test-output/wasm");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".entitle": "text/plain; charset=utf-8",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
};

// A static server for the page folder, on the loopback address only.
function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const file = path.join(root, decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname));
    if (!file.startsWith(root + path.sep) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let server;
let context;
let userDataDir;

before(async () => {
  assert.ok(existsSync(path.join(pageDir, "pkg/raw/entitle_wasm_bg.wasm")), "run examples/browser-preview/build.sh first");
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing (apt-get install chromium)`);
  mkdirSync(outDir, { recursive: true });
  server = await serve(pageDir);
  userDataDir = mkdtempSync(path.join(os.tmpdir(), "entitle-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1200, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-quic",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

const norm = (s) => s.replace(/\s+/g, " ").trim();

test("the preview shows the decision, the amount and the reasons, in English and French, and program errors", async () => {
  const page = await context.newPage();
  const base = `http://127.0.0.1:${server.address().port}`;
  const requests = [];
  let loaded = false;
  page.on("request", (r) => requests.push({ url: r.url(), afterLoad: loaded }));
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });

  await page.goto(`${base}/`, { waitUntil: "load" });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.waitForLoadState("networkidle");
  loaded = true;

  const text = async (selector) => norm(await page.textContent(selector));
  const member = (i, name) => `#members [data-member="${i}"] [name="${name}"]`;
  // The texts of an element's children (a sentence and its amount, a mark and its rule).
  const parts = (selector) => page.$eval(selector, (node) => [...node.children].map((c) => c.textContent.replace(/\s+/g, " ").trim()));

  // The form comes from the program's declared inputs: labels, choices, member rows.
  assert.equal(await text("#program-title"), "Child Support Grant");
  assert.equal(await text('label[for="field-region"]'), "Region");
  assert.deepEqual(await page.$$eval("#field-region option", (os) => os.map((o) => o.value)), ["", "North", "East", "South", "West"]);
  assert.equal(await text('label[for="field-monthly_income"]'), "Monthly income");
  assert.equal(await page.locator("#members .member").count(), 1);

  await page.fill("#as-of", "2026-03-01");
  await page.selectOption("#field-region", "North");
  assert.equal(await page.getAttribute("#decision", "data-outcome"), "undetermined");
  assert.match(await text("#missing"), /Monthly income/);
  await page.fill("#field-monthly_income", "5000");
  await page.fill(member(0, "birthdate"), "1990-01-01");
  assert.equal(await text("#decision"), "Likely not eligible");
  assert.equal(await page.getAttribute('#rules [data-rule="has_child"]', "class"), "ko");

  // Add a child: the decision and amount follow as the person types.
  await page.click("#add-member");
  assert.equal(await page.locator("#members .member").count(), 2);
  assert.equal(await page.inputValue(member(1, "kind")), "child");
  await page.fill(member(1, "birthdate"), "2020-05-01");
  assert.equal(await text("#decision"), "Likely eligible");
  assert.equal(await page.getAttribute("#decision", "data-outcome"), "eligible");
  assert.equal(await text("#cash-total"), "KES 2,000");
  assert.deepEqual(await parts('#items [data-item="base"]'), ["Base amount", "KES 1,500"]);
  assert.deepEqual(await parts('#items [data-item="per_child"]'), ["Amount per child", "KES 500"]);
  assert.deepEqual(await parts('#items [data-item="maize"]'), ["Maize ration", "20 kg"]);
  assert.deepEqual(await page.$$eval("#rules li", (ls) => ls.map((l) => l.className)), ["ok", "ok", "ok", "ok"]);
  assert.deepEqual(await parts('#rules [data-rule="pensioner"]'), ["✓", "Does not apply: Already receives the old-age pension"]);
  const explanation = await page.textContent("#explanation");
  assert.equal(explanation.split("\n")[0], "Child Support Grant — preview — 2026-03-01");
  assert.ok(explanation.includes("Total: KES 2000"), explanation);
  await page.click("#explanation-box summary");
  await page.screenshot({ path: path.join(outDir, "preview-en.png"), fullPage: true });

  // Another child, then removed again.
  await page.click("#add-member");
  await page.fill(member(2, "birthdate"), "2022-01-01");
  assert.equal(await text("#cash-total"), "KES 2,500");
  await page.click('#members [data-member="2"] .remove-member');
  assert.equal(await page.locator("#members .member").count(), 2);
  assert.equal(await text("#cash-total"), "KES 2,000");

  // French: the page, the decision, the program's translated sentences and the explanation.
  await page.selectOption("#language", "fr");
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  assert.equal(await text("#program-title"), "Allocation de soutien à l'enfant");
  assert.equal(await text("#decision"), "Probablement éligible");
  assert.equal(await text("#cash-total"), "KES 2 000");
  assert.deepEqual(await parts('#rules [data-rule="has_child"]'), ["✓", "Au moins un enfant de moins de 18 ans"]);
  assert.deepEqual(await parts('#items [data-item="per_child"]'), ["Montant par enfant", "KES 500"]);
  assert.equal(await text("#add-member"), "Ajouter un membre");
  assert.equal(await page.inputValue("#field-region"), "North", "answers are kept across a language switch");
  const french = await page.textContent("#explanation");
  assert.deepEqual(french.split("\n").slice(0, 2), ["Allocation de soutien à l'enfant — preview — 2026-03-01", "Éligible."]);
  assert.ok(french.includes("Total : KES 2000"), french);
  await page.screenshot({ path: path.join(outDir, "preview-fr.png"), fullPage: true });

  // A broken program pasted in: the error is shown with its line and column.
  await page.click("#program-details summary");
  const good = await page.inputValue("#source");
  await page.fill("#source", good.replace("monthly_income / count", "monthly_incme / count"));
  assert.equal(await page.isVisible("#program-errors"), true);
  assert.equal(await text("#program-errors-title"), "Le programme contient 1 erreur :");
  const diagnostic = page.locator('#diagnostics li[data-code="E0101"]');
  assert.equal(await diagnostic.getAttribute("data-line"), "22");
  assert.equal(await diagnostic.getAttribute("data-column"), "45");
  const [where, message] = await parts('#diagnostics li[data-code="E0101"]');
  assert.equal(where, "Ligne 22, colonne 45 — E0101:");
  // The message is the engine's, from its French catalogue (its wording is not this test's business).
  assert.match(message, /`monthly_incme`.*`monthly_income`/);
  assert.doesNotMatch(message, /unknown name|did you mean/);
  const rendered = await page.textContent("#diagnostics-rendered");
  assert.ok(rendered.includes("--> program.entitle:22:45"), rendered);
  assert.ok(rendered.includes("^^^^^^^^^^^^^"), rendered);
  assert.equal(await text("#decision"), "Corrigez le programme pour voir un résultat.");
  assert.equal(await page.isVisible("#form"), false);
  await page.locator("#program-errors").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(outDir, "preview-error.png"), fullPage: true });

  // Another program pasted in: a pension for individuals gets a form for one person, no members.
  await page.fill("#source", readFileSync(path.join(repoDir, "examples/programs/old_age_pension.entitle"), "utf8"));
  assert.equal(await page.isVisible("#program-errors"), false);
  assert.equal(await text("#form-heading"), "La personne");
  assert.equal(await page.isVisible("#members-fieldset"), false);
  assert.equal(await text('label[for="field-birthdate"]'), "Date of birth");
  await page.fill("#field-birthdate", "1950-06-01");
  assert.equal(await text("#decision"), "Probablement éligible");
  assert.equal(await text("#cash-total"), "KES 2 000");

  // Back to the child grant: the household's answers are still there.
  await page.click("#reset-program");
  assert.equal(await page.isVisible("#program-errors"), false);
  assert.equal(await text("#cash-total"), "KES 2 000");
  assert.equal(await page.inputValue(member(1, "birthdate")), "2020-05-01");

  // Everything the page needed came from the local server, and nothing went out after loading.
  assert.deepEqual(requests.filter((r) => r.afterLoad), [], "no request after the page has loaded");
  const origins = new Set(requests.map((r) => new URL(r.url).origin));
  assert.deepEqual([...origins], [base]);
  assert.ok(requests.some((r) => r.url.endsWith("/pkg/raw/entitle_wasm_bg.wasm")));
  assert.ok(requests.some((r) => r.url.endsWith("/child_grant.entitle")));
  assert.deepEqual(problems, []);
  await page.close();
});
