// The Node.js build against the fixtures and goldens of the Rust tests: the same recipes must give the same plans,
// objects and diagnostics (fixtures/invalid/<name>.diagnostics.json) in every language, compared as values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
const corrino = require('../pkg-node/corrino_wasm.js');
const query = require('../pkg-node/corrino_wasm_query.js');

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'fixtures');
const recipesDir = join(fixtures, 'recipes');
const expectedDir = join(fixtures, 'expected');
const invalidDir = join(fixtures, 'invalid');

const jsonFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
const stem = (file) => file.replace(/\.[a-z]+$/, '');
const read = (dir, file) => readFileSync(join(dir, file));

// The options of corrino-core/tests/render.rs, as JS writes them.
const FILE_SYSTEM = 'ocid1.filesystem.oc1.iad.aaaaaaaaexamplefilesystem0001';
const renderOptions = () => ({
  ...corrino.defaultRenderOptions(),
  base_domain: '203-0-113-10.nip.io',
  tls_issuer: 'letsencrypt-prod',
  file_systems: { [FILE_SYSTEM]: { mount_target_ip: '10.0.10.20', export_path: '/models' } },
});

// The goldens of the Rust tests, as data: a broken recipe's diagnostics, a valid one's (in its plan), the objects a
// recipe renders (the bodies of its apply plan, in apply order).
const brokenRecipes = () => jsonFiles(invalidDir).filter((f) => !f.endsWith('.diagnostics.json'));
const goldenDiagnostics = (file) => JSON.parse(read(invalidDir, `${stem(file)}.diagnostics.json`));
const planDiagnostics = (file) => JSON.parse(read(expectedDir, `${stem(file)}.plan.json`)).diagnostics;
const goldenObjects = (file) =>
  JSON.parse(read(expectedDir, `${stem(file)}.apply.json`)).apply.steps
    .filter((step) => !('node_selector' in step))
    .map((step) => step.body);

const hasCustomQuery = (plan) =>
  plan !== null &&
  (plan.pod_autoscaling?.query.kind === 'custom' || (plan.members ?? []).some(hasCustomQuery));

test('every fixture recipe plans to its golden plan', () => {
  const files = jsonFiles(recipesDir);
  assert.ok(files.length >= 15, `only ${files.length} fixtures`);
  for (const file of files) {
    const expected = JSON.parse(read(expectedDir, `${stem(file)}.plan.json`));
    assert.deepStrictEqual(corrino.plan(read(recipesDir, file)), expected, file);
  }
});

test('a recipe plans the same from bytes, text, YAML and an object', () => {
  const bytes = read(recipesDir, 'autoscaling-example.json');
  const text = bytes.toString('utf8');
  const expected = corrino.plan(bytes);
  assert.deepStrictEqual(corrino.plan(text), expected);
  assert.deepStrictEqual(corrino.plan(JSON.parse(text)), expected);
  assert.deepStrictEqual(corrino.plan(readFileSync(join(recipesDir, 'autoscaling-example.yaml'), 'utf8')), expected);
});

test('every service and shared pool fixture renders to its golden YAML and OCI documents', () => {
  let rendered = 0;
  for (const file of jsonFiles(recipesDir)) {
    const name = stem(file);
    const recipe = read(recipesDir, file);
    const text = corrino.renderYaml(recipe, renderOptions());
    // Every recipe that renders has an apply plan golden; a shared pool's YAML is empty and has no golden.
    if (!existsSync(join(expectedDir, `${name}.apply.json`))) {
      assert.equal(text.yaml, null, `${name} rendered but has no golden`);
      assert.ok(
        text.diagnostics.some((d) => d.code === 'render-unsupported'),
        `${name}: ${JSON.stringify(text.diagnostics)}`,
      );
      continue;
    }
    const yamlPath = join(expectedDir, `${name}.yaml`);
    assert.equal(text.yaml, existsSync(yamlPath) ? readFileSync(yamlPath, 'utf8') : '', name);
    const ociPath = join(expectedDir, `${name}.oci.json`);
    const expectedOci = existsSync(ociPath) ? JSON.parse(readFileSync(ociPath, 'utf8')) : {};
    const parsed = Object.fromEntries(Object.entries(text.ociDocuments).map(([k, v]) => [k, JSON.parse(v)]));
    assert.deepStrictEqual(parsed, expectedOci, `${name}: OCI documents`);
    assert.deepStrictEqual(corrino.render(recipe, renderOptions()).ociDocuments, expectedOci, `${name}: objects`);
    rendered += 1;
  }
  assert.ok(rendered >= 14, `only ${rendered} fixtures rendered`);
});

test('rendered objects are the bodies of the golden apply plan', () => {
  let rendered = 0;
  for (const file of jsonFiles(recipesDir)) {
    if (!existsSync(join(expectedDir, `${stem(file)}.yaml`))) continue;
    const out = corrino.render(read(recipesDir, file), renderOptions());
    assert.deepStrictEqual(out.objects, goldenObjects(file), file);
    assert.ok(
      out.diagnostics.every((d) => d.severity !== 'error'),
      file,
    );
    rendered += 1;
  }
  assert.ok(rendered >= 14, `only ${rendered} fixtures rendered`);
});

test('broken recipes give their golden diagnostics, as data', () => {
  const files = brokenRecipes();
  assert.ok(files.length >= 40, `only ${files.length} broken fixtures`);
  let inputs = 0;
  for (const file of files) {
    const expected = goldenDiagnostics(file);
    assert.ok(expected.length > 0, `${file}: the golden lists nothing`);
    const bytes = read(invalidDir, file);
    assert.deepStrictEqual(query.validate(bytes), expected, `${file} (query module)`);
    // The main module does not check custom queries: what it says is the golden list without those checks.
    const main = corrino.validate(bytes);
    if (hasCustomQuery(corrino.plan(bytes))) {
      assert.ok(main.every((d) => expected.some((e) => isDeepStrictEqual(e, d))), file);
      assert.ok(main.length < expected.length, `${file}: the query module should find more`);
    } else {
      assert.deepStrictEqual(main, expected, file);
    }
    inputs += main.filter((d) => 'input' in d).length;
  }
  assert.ok(inputs >= 40, `only ${inputs} diagnostics carry their input`);
});

test('a diagnostic carries the value it is about, cut to its bound', () => {
  const [unknown, missing] = corrino.validate(read(invalidDir, 'typo-in-field-name.json'));
  assert.deepStrictEqual([unknown.code, unknown.input], ['unknown-field', 'VM.GPU.A10.2']);
  assert.deepStrictEqual([missing.code, 'input' in missing], ['missing-field', false]);
  // `null` in the recipe is an input; a long string keeps 100 characters.
  const nulls = corrino.validate({ recipe_mode: 'service', deployment_name: 'x', recipe_node_shape: null });
  assert.equal(nulls.find((d) => d.path === '/recipe_node_shape').input, null);
  const long = corrino.validate({ recipe_mode: 'service', deployment_name: 'x', recipe_node_shap: 's'.repeat(500) });
  assert.equal(long.find((d) => d.code === 'unknown-field').input, `${'s'.repeat(100)}…`);
  // A deployment group member's diagnostics carry their inputs in the member's plan too.
  const group = JSON.parse(read(recipesDir, 'deployment-group-chat.json'));
  group.deployment_group.deployments[0].recipe.recipe_node_shape = 'VM.GPU.A10.9';
  const member = corrino.plan(group).members[0].diagnostics.find((d) => d.code === 'unknown-shape');
  assert.deepStrictEqual([member.path, member.input], ['/recipe_node_shape', 'VM.GPU.A10.9']);
});

test('fixture recipes validate to the diagnostics of their golden plans; custom queries need the query module', () => {
  let custom = 0;
  for (const file of jsonFiles(recipesDir)) {
    const expected = planDiagnostics(file);
    const bytes = read(recipesDir, file);
    assert.deepStrictEqual(query.validate(bytes), expected, `${file} (query module)`);
    if (hasCustomQuery(corrino.plan(bytes))) {
      custom += 1;
    } else {
      assert.deepStrictEqual(corrino.validate(bytes), expected, file);
    }
  }
  assert.ok(custom >= 1, 'no fixture has a custom query');
});

test('the query module finds what the main module cannot: a broken custom query', () => {
  const recipe = JSON.parse(read(recipesDir, 'autoscaling-custom-query.json'));
  recipe.recipe_pod_autoscaling_params.query = 'sum(rate(vllm:num_requests_waiting[1m])';
  const at = '/recipe_pod_autoscaling_params/query';
  assert.deepStrictEqual(
    corrino.validate(recipe).filter((d) => d.path === at),
    [],
    'the main module does not parse queries',
  );
  const found = query.validate(recipe).filter((d) => d.path === at);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0].code, 'query');
  assert.equal(found[0].severity, 'error');
});

test('checkQuery reports at the given path, with the given context', () => {
  assert.deepStrictEqual(query.checkQuery('sum(vllm:num_requests_waiting)'), []);
  const typo = query.checkQuery('sum(vllm:num_requests_waitin)', '/recipe_pod_autoscaling_params/query');
  assert.equal(typo.length, 1);
  assert.equal(typo[0].path, '/recipe_pod_autoscaling_params/query');
  assert.equal(typo[0].code, 'query');
  assert.match(typo[0].hint, /vllm:num_requests_waiting/);
  const broken = query.checkQuery('sum(', '');
  assert.equal(broken[0].severity, 'error');
  // A window of one scrape is too short for rate() when Prometheus scrapes every 60 s, not every 15 s.
  const q = 'sum(rate(vllm:request_success_total[1m]))';
  assert.deepStrictEqual(query.checkQuery(q, '', { scrapeIntervalSeconds: 15 }), []);
  assert.ok(query.checkQuery(q, '', { scrapeIntervalSeconds: 60 }).length > 0);
  assert.throws(() => query.checkQuery(q, '', { vllmVersion: 'latest' }), /not a vLLM version/);
  // A query copied from another deployment's recipe is reported once the deployment is known.
  const copied = 'sum(vllm:num_requests_waiting{instance="recipe-other.default:80"})';
  assert.deepStrictEqual(query.checkQuery(copied), []);
  const foreign = query.checkQuery(copied, '', { deployment: 'My_Model' });
  assert.equal(foreign.length, 1);
  assert.match(foreign[0].message, /selects deployment `other`, not this one \(`mymodel`\)/);
  assert.match(foreign[0].hint, /recipe-mymodel\.default:80/);
  assert.throws(() => query.checkQuery(copied, '', { deployment: '' }), /cannot name a deployment/);
});

test('problems of the recipe are returned, never thrown', () => {
  const deep = '['.repeat(100_000);
  for (const input of ['', '{', '[]', 'null', '42', deep, new Uint8Array([0xff, 0xfe]), null, [], 'a: [b'])
  {
    const diagnostics = corrino.validate(input);
    assert.ok(Array.isArray(diagnostics) && diagnostics.length > 0, JSON.stringify(input).slice(0, 20));
    assert.ok(diagnostics.some((d) => d.severity === 'error'));
    assert.equal(corrino.plan(input), null);
    const rendered = corrino.render(input);
    assert.equal(rendered.objects, null);
    assert.deepStrictEqual(rendered.diagnostics, diagnostics);
  }
  // Integers beyond 2^53 come back as the nearest double rather than failing the conversion.
  const big = corrino.plan({ recipe_mode: 'service', recipe_container_env: [{ key: 'BIG', value: 2 ** 60 }] });
  assert.deepStrictEqual(big.recipe.recipe_container_env, [{ key: 'BIG', value: 2 ** 60 }]);
});

test('calls that cannot run throw an Error', () => {
  const recipe = read(recipesDir, 'autoscaling-example.json');
  assert.throws(() => corrino.validate(undefined), Error);
  assert.throws(() => corrino.validate(() => 1), Error);
  assert.throws(() => corrino.validate({ n: 1n }), Error);
  // Options name only what they change, but a field corrino does not know is refused rather than ignored.
  assert.throws(() => corrino.render(recipe, { baseDomain: 'x' }), /invalid render options: unknown field/);
  assert.equal(corrino.render(recipe, { namespace: 'x' }).objects[0].metadata.namespace, 'x');
  assert.throws(
    () => corrino.render(recipe, { ...corrino.defaultRenderOptions(), scrape: 'prometheus' }),
    /invalid render options: unknown variant/,
  );
  assert.throws(() => corrino.defaultQuery('-bad-', 'default'), /cannot name a deployment/);
  assert.throws(() => corrino.defaultQuery('demo', 'default', 'five minutes'), /not a Prometheus duration/);
  assert.throws(() => corrino.defaultQuery('demo', 'default', '5m', 'scrape'), /invalid scrape mode/);
});

test('invalid render options are diagnostics of the render, not failures of the call', () => {
  const recipe = read(recipesDir, 'autoscaling-example.json');
  const rendered = corrino.renderYaml(recipe, { ...corrino.defaultRenderOptions(), namespace: 'Not_A_Label' });
  assert.equal(rendered.yaml, null);
  // Every diagnostic of the recipe comes with the refusal: its notes, then the one error of the options.
  assert.deepStrictEqual(
    rendered.diagnostics.map((d) => d.code),
    [...corrino.validate(recipe).map((d) => d.code), 'render-option'],
  );
  assert.deepStrictEqual(
    rendered.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
    ['render-option'],
  );
});

test('defaultQuery gives the query of the rendered ScaledObject, in every scrape mode', () => {
  const recipe = read(recipesDir, 'autoscaling-example.json');
  const plan = corrino.plan(recipe);
  for (const scrape of ['annotations', 'pod-monitor', 'service-monitor', 'none']) {
    const options = { ...corrino.defaultRenderOptions(), namespace: 'inference', scrape };
    const scaledObject = corrino.render(recipe, options).objects.find((o) => o.kind === 'ScaledObject');
    const expected = scaledObject.spec.triggers[0].metadata.query;
    const window = `${plan.pod_autoscaling.window_seconds.value}s`;
    assert.equal(corrino.defaultQuery(plan.recipe.deployment_name, 'inference', window, scrape), expected, scrape);
  }
  assert.equal(
    corrino.defaultQuery('demo', 'default'),
    corrino.defaultQuery('demo', 'default', '300s', 'annotations'),
  );
});

test('the target is an argument of validate and plan, and two render options', () => {
  const recipe = JSON.parse(read(recipesDir, 'autoscaling-example.json'));
  recipe.recipe_pod_autoscaling_params.polling_interval = 20;
  const warned = (diagnostics) => diagnostics.filter((d) => d.code === 'keda-admission-warning').length;
  assert.equal(warned(corrino.validate(recipe)), 0);
  assert.equal(warned(corrino.validate(recipe, { keda: '2.20' })), 1);
  assert.equal(warned(corrino.plan(recipe, { keda: '2.20.2', kubernetes: '1.36' }).diagnostics), 1);
  assert.equal(warned(query.validate(recipe, { keda: '2.20' })), 1);
  const scaled = (options) =>
    corrino.render(read(recipesDir, 'autoscaling-example.json'), options).objects.find((o) => o.kind === 'ScaledObject');
  assert.equal(scaled(renderOptions()).spec.pollingInterval, 15);
  assert.equal(scaled({ ...renderOptions(), keda: '2.20' }).spec.pollingInterval, undefined);
  assert.deepStrictEqual(
    { keda: corrino.defaultRenderOptions().keda, kubernetes: corrino.defaultRenderOptions().kubernetes },
    { keda: '2.17.0', kubernetes: '1.34' },
  );
  assert.throws(() => corrino.validate(recipe, { keda: '2.16' }), /invalid target: `2.16` is not a KEDA release/);
  assert.throws(() => corrino.plan(recipe, { kedda: '2.17' }), /unknown field `kedda`, expected `keda` or `kubernetes`/);
  assert.throws(() => corrino.validate(recipe, { kubernetes: 1.34 }), /write it as text/);
});

test('shapes() lists the built-in catalog', () => {
  const shapes = corrino.shapes();
  const names = shapes.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  const a10 = shapes.find((s) => s.name === 'VM.GPU.A10.2');
  assert.deepStrictEqual(a10.gpus, { vendor: 'nvidia', model: 'A10', count: 2, memory_gb: 24 });
  assert.ok(shapes.some((s) => s.gpus === null), 'CPU shapes are listed too');
});
