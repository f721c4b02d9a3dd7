// The simulator in Node.js: the fixtures with a pinned simulation give the goldens of the Rust tests
// (fixtures/expected/<name>.simulation.json), a custom scenario gives what `corrino simulate` gives, and what
// cannot be simulated says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const corrino = require('../pkg-node/corrino_wasm.js');
const query = require('../pkg-node/corrino_wasm_query.js');
const sim = require('../pkg-node/corrino_wasm_sim.js');

const root = fileURLToPath(new URL('../../', import.meta.url));
const recipe = (name) => readFileSync(join(root, 'fixtures/recipes', `${name}.json`));
const golden = (name) => JSON.parse(readFileSync(join(root, 'fixtures/expected', `${name}.simulation.json`), 'utf8'));

// The fixtures whose simulation under the default scenario is pinned by corrino-core/tests/simulate.rs.
const GOLDEN = [
  'autoscaling-example',
  'autoscaling-custom-query',
  'node-autoscaling-a10-four-nodes',
  'pod-autoscaling-h100-two-gpus-per-replica',
  'multinode-rdma-autoscaling',
];

test('the pinned fixtures simulate to their goldens; a custom query needs the query module', () => {
  for (const name of GOLDEN) {
    const bytes = recipe(name);
    const custom = corrino.plan(bytes).pod_autoscaling.query.kind === 'custom';
    const out = query.simulate(bytes);
    assert.deepStrictEqual(out.simulation, golden(name), `${name} (query module)`);
    assert.deepStrictEqual(out.diagnostics, query.validate(bytes), name);
    assert.match(out.chart, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, name);
    assert.ok((out.chart.match(/<polyline /g) ?? []).length >= 4, `${name}: the chart has no series`);
    if (custom) {
      assert.throws(
        () => sim.simulate(bytes),
        (e) =>
          e instanceof Error &&
          /cannot simulate the recipe: the scaling query cannot be simulated/.test(e.message) &&
          /the query module's `simulate`/.test(e.message),
        name,
      );
    } else {
      const alone = sim.simulate(bytes);
      assert.deepStrictEqual(alone.simulation, golden(name), name);
      assert.equal(alone.chart, out.chart, `${name}: the two modules draw the same chart`);
    }
  }
});

test('the default scenario is what simulate uses when none is given', () => {
  const bytes = recipe('autoscaling-example');
  const defaults = sim.defaultScenario();
  assert.equal(defaults.duration_seconds, 3600);
  assert.deepStrictEqual(defaults.load, {
    kind: 'closed-loop',
    clients: 30,
    requests: { mean_input_tokens: 512, stddev_input_tokens: 10, mean_output_tokens: 512, stddev_output_tokens: 10 },
    max_requests: 3000,
    think_time_seconds: 0,
  });
  const expected = golden('autoscaling-example');
  for (const scenario of [defaults, {}, null, undefined]) {
    assert.deepStrictEqual(sim.simulate(bytes, scenario).simulation, expected, JSON.stringify(scenario));
  }
});

test('a short custom scenario runs, and equals `corrino simulate` with the same flags', () => {
  const name = 'node-autoscaling-a10-four-nodes';
  const scenario = { duration_seconds: 900, load: { kind: 'open-loop', rate: { kind: 'constant', rps: 0.5 } } };
  const out = sim.simulate(recipe(name), scenario);
  const { samples, summary } = out.simulation;
  assert.equal(summary.duration_seconds, 900);
  assert.ok(samples.length >= 60 && samples.every((s) => s.t <= 900), `${samples.length} samples`);
  assert.ok(samples.every((s) => s.load === 0.5), 'an open loop records its rate');
  assert.ok(summary.requests_completed > 300, `${summary.requests_completed} requests`);
  assert.notDeepStrictEqual(summary, golden(name).summary);

  const targetDir = process.env.CORRINO_TARGET_DIR ?? join(root, 'target');
  const cli = join(targetDir, 'debug', 'corrino');
  if (!existsSync(cli)) execFileSync('cargo', ['build', '-q', '-p', 'corrino-cli'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'corrino-simulate-'));
  try {
    const svg = join(dir, 'chart.svg');
    const args = ['simulate', '--format', 'json', '--duration', '15m', '--rps', '0.5', '--svg', svg];
    const json = execFileSync(cli, [...args, join(root, 'fixtures/recipes', `${name}.json`)], { encoding: 'utf8' });
    assert.deepStrictEqual(out.simulation, JSON.parse(json));
    assert.equal(out.chart, readFileSync(svg, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scenario with a misspelled or mistyped field is refused, naming it', () => {
  const bytes = recipe('autoscaling-example');
  for (const module of [sim, query]) {
    assert.throws(() => module.simulate(bytes, { duration: 600 }), /^Error: invalid scenario: unknown field `duration`/);
    assert.throws(
      () => module.simulate(bytes, { load: { kind: 'closed-loop', clients: 3, client: 4 } }),
      /invalid scenario: unknown field `client`/,
    );
    assert.throws(
      () => module.simulate(bytes, { load: { kind: 'open-loop', rate: { kind: 'steady', rps: 1 } } }),
      /invalid scenario: unknown variant `steady`/,
    );
    assert.throws(() => module.simulate(bytes, { duration_seconds: '1h' }), /invalid scenario: invalid type: string "1h"/);
    // Read, but past a bound: the simulator refuses it.
    assert.throws(
      () => module.simulate(bytes, { duration_seconds: 0 }),
      /cannot simulate the recipe: bad scenario: `\/duration_seconds` is 0: it must be between 1 s and 31 days/,
    );
    assert.throws(
      () => module.simulate(bytes, { load: { kind: 'closed-loop', clients: 0 } }),
      /bad scenario: `\/load\/clients` is 0: it must be between 1 and 10000 clients/,
    );
  }
});

test('a scenario past a bound is refused with the message and details of the CLI and Python', () => {
  // fixtures/scenarios/invalid.json holds the scenarios, fixtures/expected/invalid-scenarios.json the refusals
  // (pinned by tests/tests/scenario_limits.rs).
  const bytes = recipe('autoscaling-example');
  const scenarios = JSON.parse(readFileSync(join(root, 'fixtures/scenarios/invalid.json'), 'utf8'));
  const expected = new Map(
    JSON.parse(readFileSync(join(root, 'fixtures/expected/invalid-scenarios.json'), 'utf8')).map((row) => [row.name, row]),
  );
  assert.ok(scenarios.length >= 30 && scenarios.length === expected.size);
  // A JavaScript number holds integers exactly up to 2^53 − 1 only: a scenario with a larger one (u64::MAX) is not
  // the same scenario here, and is refused either as unreadable or past its bound.
  const unsafe = (v) =>
    (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) ||
    (v !== null && typeof v === 'object' && Object.values(v).some(unsafe));
  for (const module of [sim, query]) {
    for (const { name, scenario } of scenarios) {
      if (unsafe(scenario)) {
        assert.throws(() => module.simulate(bytes, scenario), /invalid scenario|bad scenario/, name);
        continue;
      }
      assert.throws(
        () => module.simulate(bytes, scenario),
        (e) => {
          assert.equal(e.message, `cannot simulate the recipe: ${expected.get(name).message}`, name);
          assert.deepStrictEqual(e.details, expected.get(name).error, name);
          return true;
        },
        name,
      );
    }
  }
});

test('rows past the end are noted, and unserved requests counted', () => {
  const trace = { kind: 'metric-trace', trace: { points: [{ t: 0, value: 1 }, { t: 900, value: 0 }] } };
  const { simulation } = sim.simulate(recipe('autoscaling-example'), { duration_seconds: 600, load: trace });
  assert.deepStrictEqual(
    simulation.notes.map((n) => [n.code, n.path]),
    [['points-past-end', '/load/trace/points']],
  );
  const s = simulation.summary;
  assert.equal(s.requests_sent, s.requests_completed + s.requests_failed + s.requests_in_flight);
});

test('a recipe without pod autoscaling cannot be simulated; one with errors gives its diagnostics', () => {
  for (const module of [sim, query]) {
    assert.throws(
      () => module.simulate(recipe('no-autoscaling-a10')),
      /^Error: cannot simulate the recipe: the recipe has no pod autoscaling \(`recipe_pod_autoscaling_params`\)/,
    );
  }
  const broken = readFileSync(join(root, 'fixtures/invalid/min-replicas-above-max.json'));
  const out = sim.simulate(broken);
  assert.equal(out.simulation, null);
  assert.equal(out.chart, null);
  assert.deepStrictEqual(out.diagnostics, corrino.validate(broken));
  assert.ok(out.diagnostics.some((d) => d.severity === 'error'));
  assert.deepStrictEqual(sim.simulate('').diagnostics, corrino.validate(''));
  assert.throws(() => sim.simulate(undefined), Error);
});

test('Kubernetes YAML simulates as its recipe, and two inputs compare as the golden says', () => {
  // The rendered objects (an array, as the main module's render gives them) without node pool documents: the
  // scenario's node bounds stand for them.
  const scenario = { duration_seconds: 1200, min_nodes: 1, max_nodes: 2 };
  const fromRecipe = sim.simulate(recipe('autoscaling-example'), scenario).simulation;
  const { yaml } = corrino.renderYaml(recipe('autoscaling-example'));
  assert.deepStrictEqual(sim.simulate(yaml, scenario).simulation, fromRecipe);
  const { objects } = corrino.render(recipe('autoscaling-example'));
  assert.deepStrictEqual(sim.simulate(objects, scenario).simulation, fromRecipe);
  const golden = JSON.parse(readFileSync(join(root, 'fixtures/expected/autoscaling-example.compare.json'), 'utf8'));
  const out = sim.compare(
    recipe('autoscaling-example'),
    recipe('node-autoscaling-a10-four-nodes'),
    undefined,
    [golden.first, golden.second],
  );
  assert.deepStrictEqual(out.comparison, golden);
  assert.ok(out.chart.startsWith('<svg'));
  assert.throws(
    () => sim.compare(recipe('autoscaling-example'), '{}'),
    (e) => /^cannot compare: the second input/.test(e.message) && Array.isArray(e.diagnostics),
  );
});
