// The validator page in headless Chromium: load it, pick an example, break a field, see the diagnostic on its
// line, fix it, see the YAML; a custom query brings in the query module. Saves a screenshot in target/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const siteRoot = fileURLToPath(new URL('../', import.meta.url));
const targetDir = process.env.CORRINO_TARGET_DIR ?? fileURLToPath(new URL('../../target/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

let server;
let base;
let context;
let userDataDir;
const requested = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  // Serves corrino-wasm/ (the page in www/, the modules in pkg/), nothing above it.
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(siteRoot, path);
    requested.push(path);
    if (!file.startsWith(siteRoot) || path.split(sep).includes('..')) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'corrino-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1500, height: 1150 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Replaces the editor's text as typing would (an `input` event), then waits for the page to settle. */
async function type(page, text) {
  await page.locator('#recipe').fill(text);
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
}

test('the page validates, points at the broken field, and renders once fixed', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

  await page.goto(`${base}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });

  // Pick an example: it is valid, and its YAML is shown.
  await page.selectOption('#example', 'no-autoscaling-a10');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'valid');
  assert.match(await page.textContent('#yaml'), /kind: Deployment/);
  const original = await page.inputValue('#recipe');

  // Break a field: the diagnostic names its path, its line is marked, and nothing is rendered.
  const broken = original.replace('"recipe_node_shape"', '"recipe_node_shap"');
  assert.notEqual(broken, original);
  await type(page, broken);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'invalid');
  const item = page.locator('#diagnostics li[data-code="unknown-field"]');
  assert.equal(await item.getAttribute('data-path'), '/recipe_node_shap');
  assert.match(await item.textContent(), /did you mean `?recipe_node_shape`?/);
  const line = broken.split('\n').findIndex((l) => l.includes('"recipe_node_shap"')) + 1;
  assert.equal(Number(await item.getAttribute('data-line')), line);
  assert.equal(await page.locator(`#marks .mark.error[data-line="${line}"]`).count(), 1);
  assert.equal(await page.locator('#copy').isDisabled(), true);
  assert.equal(await page.isVisible('#yaml'), false);

  // Clicking the diagnostic selects the field in the editor.
  await item.click();
  const selected = await page.evaluate(() => {
    const e = document.getElementById('recipe');
    return e.value.slice(e.selectionStart, e.selectionEnd);
  });
  assert.match(selected, /^"recipe_node_shap": "VM\.GPU\.A10\.\d"$/);
  mkdirSync(targetDir, { recursive: true });
  await page.screenshot({ path: join(targetDir, 'corrino-wasm-validator-errors.png'), fullPage: true });

  // Fix it: valid again, and the YAML is back and can be copied.
  await type(page, original);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'valid');
  const yaml = await page.textContent('#yaml');
  assert.match(yaml, /kind: Deployment/);
  await page.click('#copy');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), yaml);

  // YAML is validated too; its problems are listed without line marks.
  await type(page, 'recipe_mode: servise\ndeployment_name: demo\n');
  const yamlItem = page.locator('#diagnostics li[data-code="unknown-variant"]');
  assert.equal(await yamlItem.getAttribute('data-path'), '/recipe_mode');
  assert.equal(await yamlItem.getAttribute('data-line'), null);

  await type(page, '');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'empty');

  // The main module alone sufficed so far.
  assert.ok(!requested.some((p) => p.includes('corrino_wasm_query')), 'the query module was loaded too early');
  assert.deepStrictEqual(problems, []);
  await page.close();
});

test('a recipe with its own query loads the query module, which checks it', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.selectOption('#example', 'autoscaling-custom-query');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  assert.ok(requested.some((p) => p.endsWith('corrino_wasm_query_bg.wasm')), 'the query module was not loaded');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'valid');

  const text = await page.inputValue('#recipe');
  await type(page, text.replace('vllm:num_requests_waiting', 'vllm:num_requests_waitin'));
  const item = page.locator('#diagnostics li[data-code="query"]');
  assert.equal(await item.getAttribute('data-path'), '/recipe_pod_autoscaling_params/query');
  assert.match(await item.textContent(), /vllm:num_requests_waiting/);
  await page.close();
});

test('the page shows the plan with sources and the rendered manifests (screenshot)', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.selectOption('#example', 'autoscaling-example');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  // Ask for more replicas than two nodes hold: a warning, and the recipe still renders.
  const text = await page.inputValue('#recipe');
  await type(page, text.replace('"max_replicas": 4', '"max_replicas": 8'));
  const warning = page.locator('#diagnostics li[data-code="pending-replicas"]');
  assert.equal(await warning.getAttribute('data-path'), '/recipe_pod_autoscaling_params/max_replicas');
  await warning.click();
  assert.match(await page.textContent('#plan'), /threshold\s*0\.1\s*recipe/);
  assert.match(await page.textContent('#plan'), /polling interval\s*15 s\s*default/);
  assert.match(await page.textContent('#query'), /corrino_oci_recipe="autoscalevllmexample"/);
  assert.match(await page.textContent('#yaml'), /kind: ScaledObject/);
  mkdirSync(targetDir, { recursive: true });
  const shot = join(targetDir, 'corrino-wasm-validator.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(existsSync(shot));
  console.log(`screenshot: ${shot}`);
  await page.close();
});
