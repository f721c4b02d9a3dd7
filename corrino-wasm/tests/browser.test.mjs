// The validator page in headless Chromium: load it, pick an example, break a field, see the diagnostic on its
// line, fix it, see the YAML; a custom query brings in the query module; the autoscaling is simulated and
// re-simulated when the scenario changes. Saves screenshots in target/.
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

/** Waits for the simulation to settle after a change of the scenario form. */
async function simulated(page) {
  await page.waitForFunction(() => document.getElementById('simulation-card').dataset.busy === 'false');
}

/** The simulation's summary figures, by name, as the numbers the simulator gave. */
const figures = (page) =>
  page.$$eval('#simulation [data-figure]', (items) =>
    Object.fromEntries(items.map((item) => [item.dataset.figure, item.dataset.value === '' ? null : Number(item.dataset.value)])),
  );


/** A new page on the validator, ready, with the errors it logs or throws collected in `problems`. */
async function openPage() {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`${base}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, problems };
}

test('the page validates, points at the broken field, and renders once fixed', async () => {
  const { page, problems } = await openPage();

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

  // A shared pool renders to its node pool document alone, shown open where the YAML would be.
  await page.selectOption('#example', 'mig-shared-node-pool-h100');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'valid');
  assert.equal(await page.isVisible('#yaml'), false);
  assert.equal(await page.locator('#copy').isDisabled(), true);
  assert.match(await page.textContent('#render-problems'), /No Kubernetes objects/);
  assert.match(await page.textContent('#oci details[open]'), /"nvidia\.com\/mig\.config"/);

  // The main module alone sufficed so far.
  assert.ok(!requested.some((p) => p.includes('corrino_wasm_query')), 'the query module was loaded too early');
  assert.deepStrictEqual(problems, []);
  await page.close();
});

test('a recipe with its own query loads the query module, which checks it', async () => {
  const { page } = await openPage();
  await page.selectOption('#example', 'autoscaling-custom-query');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  assert.ok(requested.some((p) => p.endsWith('corrino_wasm_query_bg.wasm')), 'the query module was not loaded');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'valid');

  // Its simulation comes from the query module too, which evaluates the recipe's own query.
  assert.equal(await page.getAttribute('#simulation-card', 'data-state'), 'simulated');
  assert.equal(await page.locator('#chart > svg').count(), 1);
  assert.match(await page.textContent('#simulation'), /evaluated by the query module/);

  const text = await page.inputValue('#recipe');
  await type(page, text.replace('vllm:num_requests_waiting', 'vllm:num_requests_waitin'));
  const item = page.locator('#diagnostics li[data-code="query"]');
  assert.equal(await item.getAttribute('data-path'), '/recipe_pod_autoscaling_params/query');
  assert.match(await item.textContent(), /vllm:num_requests_waiting/);
  await page.close();
});

test('the page shows the plan with sources and the rendered manifests (screenshot)', async () => {
  const { page } = await openPage();
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

/** A fixture's plan, as `corrino plan --format json` gives it (the golden the API tests compare with). */
const goldenPlan = (name) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/expected/${name}.plan.json`, import.meta.url), 'utf8'));

test('the page shows each mode its own section, and renders every mode (screenshot)', async () => {
  const { page, problems } = await openPage();
  const show = async (name) => {
    await page.selectOption('#example', name);
    await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
    assert.notEqual(await page.getAttribute('#status', 'data-state'), 'invalid', name);
  };
  const fact = (key, within = '#plan') => page.textContent(`${within} [data-fact="${key}"]`);
  const sectionText = (key, within = '#plan') => page.textContent(`${within} [data-section="${key}"]`);
  // The top-level kinds of the rendered YAML, in order and without repeats.
  const kinds = async () =>
    (await page.isVisible('#yaml'))
      ? [...new Set([...(await page.textContent('#yaml')).matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]))]
      : [];
  const sections = () => page.$$eval('#plan > [data-section]', (items) => items.map((item) => item.dataset.section));

  // A job: how it runs (as rendered: the render options' backoff limit, no TTL), no queue, its output bucket.
  await show('fine-tuning-job');
  let plan = goldenPlan('fine-tuning-job');
  const options = await page.evaluate(async () => (await import('../pkg/corrino_wasm.js')).defaultRenderOptions());
  assert.deepStrictEqual(await sections(), ['job']);
  assert.equal(await fact('mode'), 'job');
  assert.equal(await fact('restart-policy'), 'OnFailure');
  assert.equal(await fact('backoff-limit'), `${options.job_backoff_limit} retries`);
  const ttl = options.job_ttl_seconds_after_finished;
  if (ttl === null) assert.equal(await fact('ttl'), 'kept until deleted');
  else assert.match(await fact('ttl'), /^deleted after \d/);
  assert.match(await fact('queue'), /^none/);
  const output = plan.recipe.output_object_storage[0];
  assert.match(await fact('outputs'), new RegExp(`${output.mount_location} → bucket ${output.bucket_name} \\(${output.volume_size_in_gbs} GB`));
  assert.deepStrictEqual(await kinds(), ['PersistentVolumeClaim', 'Job']);

  // A queued job: its team's LocalQueue, in the team's Namespace, where the Job is rendered.
  await show('job-with-team');
  plan = goldenPlan('job-with-team');
  assert.match(await fact('queue'), new RegExp(`LocalQueue ${plan.queue.local_queue} of the team ${plan.queue.team}, priority class ${plan.queue.priority_class}`));
  assert.match(await fact('namespace'), new RegExp(`^${plan.queue.namespace}`));
  assert.ok((await kinds()).includes('Job'));
  assert.match(await page.textContent('#yaml'), new RegExp(`kueue.x-k8s.io/queue-name: ${plan.queue.local_queue}`));
  assert.match(await page.textContent('#yaml'), new RegExp(`namespace: ${plan.queue.namespace}`));

  // A team: its Kueue names, priority, and each shape's quotas with what it may borrow and lend.
  await show('team-two-shapes');
  plan = goldenPlan('team-two-shapes');
  assert.deepStrictEqual(await sections(), ['team']);
  assert.equal(await fact('namespace'), plan.team.namespace);
  assert.equal(await fact('cluster-queue'), plan.team.cluster_queue);
  assert.match(await fact('cohort'), new RegExp(`^${plan.team.cohort}`));
  assert.match(await fact('priority'), new RegExp(`^${plan.team.priority} \\(WorkloadPriorityClass ${plan.team.priority_class}\\)`));
  for (const q of plan.team.quotas) {
    for (const resource of ['cpu', 'memory', 'gpus']) {
      const cells = await page.$$eval(`#plan tr[data-quota="${q.shape}/${resource}"] td`, (tds) => tds.map((td) => td.textContent));
      const { nominal, borrowing, lending } = q[resource];
      assert.deepStrictEqual(cells.slice(1), [nominal, borrowing ?? '–', lending ?? '–'], `${q.shape} ${resource}`);
    }
  }
  assert.deepStrictEqual((await kinds()).sort(), ['ClusterQueue', 'Cohort', 'LocalQueue', 'Namespace', 'ResourceFlavor', 'WorkloadPriorityClass']);

  // An update of one node: a Node patch with the MIG layout's label.
  await show('update-node-mig');
  plan = goldenPlan('update-node-mig');
  assert.deepStrictEqual(await sections(), ['update']);
  assert.equal(await fact('target'), `the node ${plan.update.target.name}`);
  for (const [key, value] of Object.entries(plan.update.labels)) {
    assert.equal(await page.textContent(`#plan tr[data-label="${key}"] td:last-child`), value);
  }
  assert.deepStrictEqual(await kinds(), ['Node']);
  assert.match(await page.textContent('#yaml'), new RegExp(`name: "${plan.update.target.name}"`));

  // An update of a pool's nodes: no object, its labels' document instead, and said so.
  await show('update-pool-rdma');
  plan = goldenPlan('update-pool-rdma');
  const { label, value } = plan.update.target;
  assert.match(await fact('target'), new RegExp(`every node with ${label}=${value}`));
  assert.equal(await page.locator('#plan [data-section="update"] tr[data-label]').count(), Object.keys(plan.update.labels).length);
  assert.deepStrictEqual(await kinds(), []);
  assert.match(await page.textContent('#render-problems'), /No Kubernetes objects: a pool’s nodes are not known/);
  assert.match(await page.textContent('#oci details[open]'), new RegExp(`"selector": "${label}=${value}"`));

  // A multinode service: its group of whole nodes, its parallelism, as a LeaderWorkerSet; and its model.
  await show('multinode-rdma-autoscaling');
  plan = goldenPlan('multinode-rdma-autoscaling');
  assert.deepStrictEqual(await sections(), ['multinode', 'model']);
  const group = await page.$$eval('#plan [data-section="multinode"] .stat', (items) =>
    Object.fromEntries(items.map((i) => [i.querySelector('.label').textContent, i.querySelector('.value').textContent])),
  );
  assert.equal(group['nodes per group'], String(plan.multinode.nodes));
  assert.equal(group['GPUs per node'], String(plan.capacity.gpus_per_node));
  assert.equal(group['GPUs per group'], String(plan.capacity.gpus_per_node * plan.multinode.nodes));
  assert.equal(group['nodes needed'], String(plan.capacity.nodes_needed));
  assert.equal(await fact('roles'), `1 leader (serves the port) + ${plan.multinode.nodes - 1} worker per group`);
  const { tensor, pipeline } = plan.model.parallelism;
  assert.equal(await fact('parallelism', '#plan [data-section="multinode"]'), `tensor ${tensor} × pipeline ${pipeline}`);
  assert.match(await fact('network'), /^RDMA/);
  assert.deepStrictEqual((await kinds()).sort(), ['Ingress', 'LeaderWorkerSet', 'ScaledObject', 'Service']);

  // A shared pool: its nodes, selector and MIG layout; rendered to its node pool document alone.
  await show('mig-shared-node-pool-h100');
  plan = goldenPlan('mig-shared-node-pool-h100');
  assert.deepStrictEqual(await sections(), ['shared-pool']);
  assert.equal(await fact('size'), `${plan.recipe.shared_node_pool_size} (${plan.recipe.shared_node_pool_size * plan.shape.gpus.count} GPUs)`);
  assert.equal(await fact('selector'), plan.recipe.shared_node_pool_selector);
  assert.equal(await fact('mig'), plan.recipe.shared_node_pool_mig_config);
  assert.match(await fact('name'), /^H100_pool_mig/);
  assert.deepStrictEqual(await kinds(), []);
  assert.match(await page.textContent('#render-problems'), /a shared pool is its node pool document/);

  // A deployment group: its members with their modes, each with its own sections. Its UI reaches its model server
  // by a public host, which needs a base domain to render.
  await page.fill('#base-domain', 'apps.example.com');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  await show('deployment-group-chat');
  plan = goldenPlan('deployment-group-chat');
  assert.deepStrictEqual(await sections(), ['members']);
  const members = await page.$$eval('#plan table.members tbody tr', (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
  );
  assert.deepStrictEqual(members, plan.members.map((m) => [m.member, m.mode]));
  const vllm = plan.members.find((m) => m.member === 'vllm');
  assert.match(await sectionText('model', '#plan details[data-member="vllm"]'), new RegExp(vllm.model.model.recognition.name));
  assert.deepStrictEqual((await kinds()).sort(), ['Deployment', 'Ingress', 'ScaledObject', 'Service']);

  // A service's model: what it is, whether it fits, its KV cache and its cold start with each part.
  await show('autoscaling-example');
  plan = goldenPlan('autoscaling-example');
  const model = plan.model;
  const within = '#plan [data-section="model"]';
  const r = model.model.recognition;
  assert.equal(await fact('model', within), `${r.name} ${r.id} ${r.confirmed ? 'confirmed' : 'unconfirmed'}`);
  const gib = (bytes) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  assert.equal(await fact('weights', within), `${gib(model.weights_bytes)} (${model.weight_format})`);
  const memory = await page.$$eval(`${within} .stat`, (items) =>
    Object.fromEntries(items.map((i) => [i.querySelector('.label').textContent, i.querySelector('.value').textContent])),
  );
  const m = model.memory;
  assert.equal(memory['weights in GPU memory'], m.weights_fit ? 'fits' : 'does not fit');
  assert.equal(memory[`weights per GPU (of ${m.gpus})`], gib(m.weights_bytes_per_gpu));
  assert.equal(memory[`usable per GPU (${Math.round(m.gpu_memory_utilization * 100)} %)`], gib(m.usable_bytes_per_gpu));
  assert.equal(memory['KV cache tokens'], m.kv.tokens.toLocaleString('en'));
  assert.equal(memory[`sequences of ${m.kv.max_model_len} tokens`], String(m.kv.sequences_at_max_model_len));
  assert.match(
    await fact('concurrency', within),
    new RegExp(`^${m.kv.sequences_at_expected_length} sequences of ${m.kv.expected.tokens_per_sequence} tokens fit; expected ${m.kv.expected.concurrency}`),
  );
  const total = model.startup.cold_start_seconds;
  assert.equal(await fact('cold-start', within), `${Math.floor(total / 60)} min${total % 60 ? ` ${total % 60} s` : ''}`);
  const parts = await page.$$eval(`${within} table.startup tr`, (rows) => rows.map((row) => row.dataset.phase));
  assert.deepStrictEqual(parts, model.startup.parts.map((p) => p.phase));
  for (const part of model.startup.parts) {
    const row = await page.textContent(`${within} tr[data-phase="${part.phase}"]`);
    assert.ok(row.includes(part.source) && row.includes(part.assumption.replaceAll('`', '')), row);
  }
  assert.ok((await kinds()).includes('Deployment'));
  mkdirSync(targetDir, { recursive: true });
  const shot = join(targetDir, 'corrino-wasm-validator-modes.png');
  await page.locator('#plan-card').screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
  assert.deepStrictEqual(problems, []);
  await page.close();
});

test('the page simulates the autoscaling, and again when the scenario changes (screenshot)', async () => {
  const { page, problems } = await openPage();
  await page.selectOption('#example', 'autoscaling-example');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  assert.ok(requested.some((p) => p.endsWith('corrino_wasm_sim_bg.wasm')), 'the simulator module was not loaded');
  assert.equal(await page.getAttribute('#simulation-card', 'data-state'), 'simulated');

  // The form starts at the default scenario, so the figures are those of the golden simulation.
  const golden = JSON.parse(
    readFileSync(new URL('../../fixtures/expected/autoscaling-example.simulation.json', import.meta.url), 'utf8'),
  ).summary;
  const initial = await figures(page);
  assert.deepStrictEqual(initial, {
    'first-scale-up': golden.first_scale_up_at,
    'first-node': golden.first_node_requested_at,
    'peak-replicas': golden.peak_spec_replicas,
    'peak-nodes': golden.peak_nodes,
    'seconds-over-slo': golden.seconds_over_slo,
    'gpu-hours': golden.gpu_hours,
    flapping: golden.flapping_count,
    'latency-p95': golden.latency_p95,
  });
  assert.match(await page.textContent('#simulation'), /first scale-up/);
  assert.match(await page.textContent('[data-figure="first-scale-up"]'), /2 min 15 s/);

  // The chart: one inline SVG with its series and title.
  assert.equal(await page.locator('#chart > svg').count(), 1);
  assert.ok((await page.locator('#chart svg polyline').count()) >= 4, 'the chart has no series');
  assert.match(await page.textContent('#chart svg'), /VM\.GPU\.A10\.2 · default-latency query/);
  const box = await page.locator('#chart svg').boundingBox();
  assert.ok(box.width > 300 && box.height > 200, JSON.stringify(box));
  mkdirSync(targetDir, { recursive: true });
  const shot = join(targetDir, 'corrino-wasm-validator-simulation.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(existsSync(shot));
  console.log(`screenshot: ${shot}`);

  // Tuning at the default scenario gives the CLI's golden search, and draws its front.
  const tuned = JSON.parse(
    readFileSync(new URL('../../fixtures/expected/autoscaling-example.tune.json', import.meta.url), 'utf8'),
  );
  await page.click('#tune-button');
  await page.waitForFunction(() => document.getElementById('tune-card').dataset.state !== 'none');
  await page.waitForFunction(() => document.getElementById('tune-card').dataset.busy === 'false');
  assert.equal(await page.getAttribute('#tune-card', 'data-state'), 'tuned');
  assert.equal(await page.locator('#tune-chart > svg').count(), 1);
  assert.equal(await page.locator('#tune-chart svg [data-front]').count(), tuned.records.filter((r) => !r.is_recipe).length);
  assert.equal(await page.locator('#tune-chart svg [data-recipe]').count(), 1);
  assert.equal(await page.locator('#tune-chart svg [data-chosen]').count(), 1);
  assert.match(await page.textContent('#tune [data-row="chosen"]'), new RegExp(tuned.chosen.gpu_hours.toFixed(2)));
  assert.match(await page.textContent('#tune [data-row="the recipe\'s"]'), new RegExp(String(tuned.recipe.seconds_over_slo)));
  const tuneShot = join(targetDir, 'corrino-wasm-validator-tune.png');
  await page.locator('#tune-card').screenshot({ path: tuneShot });
  console.log(`screenshot: ${tuneShot}`);

  // Fewer clients, running to the end: other figures.
  await page.fill('#clients', '2');
  await page.fill('#max-requests', '');
  await simulated(page);
  const fewer = await figures(page);
  assert.notEqual(fewer['seconds-over-slo'], initial['seconds-over-slo']);
  assert.notDeepStrictEqual(fewer, initial);

  // An open loop: its rate field replaces the clients, and the figures change again.
  await page.selectOption('#load-kind', 'open-loop');
  await simulated(page);
  assert.equal(await page.isVisible('#rps'), true);
  assert.equal(await page.isVisible('#clients'), false);
  await page.fill('#rps', '0.2');
  await simulated(page);
  const open = await figures(page);
  assert.notDeepStrictEqual(open, fewer);
  assert.match(await page.textContent('#simulation'), /requests answered/);

  // A value the form refuses is said, and nothing is drawn.
  await page.fill('#duration', '0');
  await simulated(page);
  assert.equal(await page.getAttribute('#simulation-card', 'data-state'), 'error');
  assert.match(await page.textContent('#simulation'), /Not simulated: Duration:/);
  assert.equal(await page.locator('#chart svg').count(), 0);
  await page.fill('#duration', '30');
  await simulated(page);
  assert.equal(await page.getAttribute('#simulation-card', 'data-state'), 'simulated');
  assert.equal((await figures(page))['gpu-hours'] < open['gpu-hours'], true, 'half the time, fewer GPU-hours');

  // A recipe without pod autoscaling: said, no chart.
  await page.selectOption('#example', 'no-autoscaling-a10');
  await page.waitForFunction(() => document.getElementById('status').dataset.busy === 'false');
  assert.equal(await page.getAttribute('#simulation-card', 'data-state'), 'no-autoscaling');
  assert.match(await page.textContent('#simulation'), /no pod autoscaling/);
  assert.equal(await page.locator('#chart svg').count(), 0);
  assert.deepStrictEqual(problems, []);
  await page.close();
});

test('the chart is inserted as drawing only: no script, handler, link or fetch survives', async () => {
  const { page } = await openPage();
  const result = await page.evaluate(async () => {
    const { chartElement } = await import('./chart.js');
    window.injected = [];
    const hostile = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="50" height="50"
        onload="injected.push('onload')" style="background: url(/hostile-style.png)">
      <script>injected.push('script')</script>
      <foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" src="/hostile-frame.html"></iframe></foreignObject>
      <a href="javascript:injected.push('link')"><text>link</text></a>
      <image href="/hostile-image.png" width="1" height="1"/>
      <use xlink:href="#p"/>
      <polyline id="p" points="0,0 10,10" stroke="red" onmouseover="injected.push('hover')"/>
      <text x="1" y="20">kept</text>
    </svg>`;
    const element = chartElement(hostile);
    document.getElementById('chart').replaceChildren(element);
    element.querySelector('polyline').dispatchEvent(new MouseEvent('mouseover'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    return {
      injected: window.injected,
      markup: element.outerHTML,
      refused: [chartElement('<p>not svg</p>'), chartElement('<svg xmlns="http://www.w3.org/2000/svg"><g>')],
    };
  });
  assert.deepStrictEqual(result.injected, []);
  assert.doesNotMatch(result.markup, /script|foreignObject|iframe|onload|onmouseover|href|<a |<image|<use|style=/);
  assert.match(result.markup, /<polyline id="p" points="0,0 10,10" stroke="red"/);
  assert.match(result.markup, /kept/);
  assert.deepStrictEqual(result.refused, [null, null]);
  assert.ok(!requested.some((p) => p.startsWith('/hostile')), `fetched: ${requested.filter((p) => p.startsWith('/hostile'))}`);
  await page.close();
});

test('the page compares the recipe with Kubernetes YAML on the same load (screenshot)', async () => {
  const { page, problems } = await openPage();
  // What the example renders to, as `kubectl apply -f` takes it: the same autoscaling, so the same figures.
  const yaml = await page.evaluate(async () => {
    const corrino = await import('../pkg/corrino_wasm.js');
    return corrino.renderYaml(document.getElementById('recipe').value).yaml;
  });
  await page.click('#compare-card summary');
  await page.fill('#compare-input', yaml);
  await page.click('#compare-button');
  await page.waitForFunction(() => document.getElementById('compare-card').dataset.state !== 'none', null, {
    timeout: 60_000,
  });
  assert.equal(await page.getAttribute('#compare-card', 'data-state'), 'compared');
  const scaleUp = page.locator('#compare tr[data-figure="first_scale_up_at"] td');
  assert.equal(await scaleUp.nth(0).textContent(), await scaleUp.nth(1).textContent());
  assert.equal(await page.locator('#compare-chart svg polyline').count() > 0, true);
  await page.screenshot({ path: join(targetDir, 'corrino-wasm-validator-compare.png'), fullPage: true });
  // An input the simulator cannot read is refused with its diagnostics.
  await page.fill('#compare-input', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n');
  await page.click('#compare-button');
  await page.waitForFunction(() => document.getElementById('compare-card').dataset.state === 'error');
  assert.match(await page.textContent('#compare'), /no KEDA ScaledObject/);
  assert.deepStrictEqual(problems, []);
  await page.close();
});
