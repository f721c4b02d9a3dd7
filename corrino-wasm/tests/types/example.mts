// Compiled by types.test.mjs with `tsc --noEmit --strict`: the declarations describe what the modules take and
// give, and reject what they refuse. Not run.
import * as corrino from "../../pkg-node/corrino_wasm.js";
import type {
  Diagnostic, KedaVersion, Plan, Recipe, RenderOptions, Rendered, RenderedText, Shape, Target,
} from "../../pkg-node/corrino_wasm.js";
import * as query from "../../pkg-node/corrino_wasm_query.js";
import type { QueryContext } from "../../pkg-node/corrino_wasm_query.js";
import * as sim from "../../pkg-node/corrino_wasm_sim.js";
import type {
  HpaReason, Scenario, ScenarioError, SearchSpace, Simulated, Simulation, SimulationError, SimulationEvent, TuneResult, Tuned,
} from "../../pkg-node/corrino_wasm_sim.js";
import init, { validate as validateInBrowser } from "../../pkg/corrino_wasm.js";
import initQuery, { checkQuery } from "../../pkg/corrino_wasm_query.js";
import initSim, { simulate as simulateInBrowser } from "../../pkg/corrino_wasm_sim.js";

const recipe: Recipe = {
  recipe_mode: "service",
  deployment_name: "demo",
  recipe_image_uri: "docker.io/vllm/vllm-openai:v0.9.1",
  recipe_node_shape: "VM.GPU.A10.2",
  recipe_container_port: "8000",
  recipe_nvidia_gpu_count: 1,
  recipe_pod_autoscaling_params: { min_replicas: 1, max_replicas: 4, collect_metrics_timespan: "2m" },
};

const diagnostics: Diagnostic[] = corrino.validate(recipe);
for (const d of diagnostics) {
  const where: string = d.path;
  const hint: string | undefined = d.hint;
  // The value at `path`, as JSON; absent for a missing field.
  const input: unknown = d.input;
  if (d.severity === "error") console.log(where, d.code, d.message, hint, "input" in d ? input : "(none)");
}
corrino.validate("recipe_mode: service");
corrino.validate(new Uint8Array([123, 125]));

const plan: Plan | null = corrino.plan(recipe);
if (plan?.pod_autoscaling) {
  const threshold: number = plan.pod_autoscaling.threshold.value;
  const source: "recipe" | "node-params" | "default" = plan.pod_autoscaling.threshold.source;
  const q = plan.pod_autoscaling.query;
  const text: string | null = q.kind === "custom" ? q.query : null;
  console.log(threshold, source, text, plan.capacity?.pending_replicas, plan.shape?.gpus?.count);
}

const options: RenderOptions = { ...corrino.defaultRenderOptions(), namespace: "inference", scrape: "pod-monitor" };
const rendered: Rendered = corrino.render(recipe, options);
const kinds: string[] = (rendered.objects ?? []).map((o) => o.kind);
const text: RenderedText = corrino.renderYaml(recipe);
const yaml: string | null = text.yaml;
const nodePool: string | undefined = text.ociDocuments?.["node-pool.json"];
console.log(kinds, yaml, nodePool, rendered.placeholders);

const target: Target = { keda: "2.20", kubernetes: "1.35" };
const newer: Diagnostic[] = corrino.validate(recipe, target);
const targeted: Rendered = corrino.render(recipe, { keda: "2.20.2", kubernetes: "1.37" });
console.log(newer, targeted, corrino.plan(recipe, { keda: "2.17.1" }), query.validate(recipe, target));

const shapes: Shape[] = corrino.shapes();
const queryText: string = corrino.defaultQuery("demo", "inference", "5m", "none");
console.log(shapes.length, queryText);

const context: QueryContext = { scrapeIntervalSeconds: 30, vllmVersion: "0.9.1" };
const found: Diagnostic[] = query.checkQuery("sum(vllm:num_requests_waiting)", "/recipe_pod_autoscaling_params/query", context);
const all: Diagnostic[] = query.validate(recipe);
console.log(found, all);

const scenario: Scenario = {
  ...sim.defaultScenario(),
  duration_seconds: 600,
  load: { kind: "open-loop", rate: { kind: "step", before_rps: 1, after_rps: 4, at_seconds: 120 } },
};
const simulated: Simulated = sim.simulate(recipe, scenario);
const simulation: Simulation | null = simulated.simulation;
if (simulation) {
  const firstScaleUp: number | null = simulation.summary.first_scale_up_at;
  const gpuHours: number = simulation.summary.gpu_hours;
  const replicas: number[] = simulation.samples.map((s) => s.spec_replicas);
  const requestedNodes: number[] = simulation.events.flatMap((e: SimulationEvent) => (e.kind === "nodes-requested" ? e.nodes : []));
  const reasons: string[] = simulation.decisions.map((d) => d.reason);
  console.log(firstScaleUp, gpuHours, replicas, requestedNodes, reasons, simulation.settings.cluster_autoscaler.max_nodes);
}
const chart: string | null = simulated.chart;
try {
  sim.simulate(recipe, { load: { kind: "closed-loop", clients: 100_000_000 } });
} catch (e) {
  // A scenario past one of its bounds: the field, its value and the bound.
  const details: ScenarioError | undefined = (e as SimulationError).details;
  if (details?.kind === "out-of-range") console.log(details.field, details.value, details.range.max, details.range.unit);
}
const space: SearchSpace = { thresholds: [0.05, 0.1], samples: 1 };
const tuned: Tuned = sim.tune(recipe, "p95<5s", { duration_seconds: 900 }, space);
const result: TuneResult | null = tuned.result;
if (result) {
  const reasons: HpaReason[] = [];
  console.log(result.chosen.knobs.threshold, result.records.filter((r) => r.on_front).length, result.reason, reasons);
}
const onNewer: Simulated = sim.simulate(recipe, scenario, { keda: "2.20.2" });
const simulatedKeda: KedaVersion | undefined = onNewer.simulation?.settings.target.keda;
console.log(simulatedKeda, query.simulate(recipe, undefined, target));
const custom: Simulated = query.simulate(recipe, {
  load: { kind: "closed-loop", clients: 8, max_requests: null },
  autoscaler_timing: { scanInterval: "5s" },
});
console.log(chart, custom.diagnostics, sim.simulate("recipe_mode: service").simulation);

async function browser(): Promise<void> {
  await init();
  await initQuery();
  await initSim();
  console.log(validateInBrowser(recipe), checkQuery("up"), simulateInBrowser(recipe, { duration_seconds: 60 }));
}
void browser;

// What the declarations refuse.
// @ts-expect-error: an unknown recipe field
const typo: Recipe = { recipe_node_shap: "VM.GPU.A10.2" };
// @ts-expect-error: a field of the wrong type
const wrongType: Recipe = { recipe_nvidia_gpu_count: "one" };
// @ts-expect-error: an unknown scrape mode
const wrongScrape: RenderOptions = { ...options, scrape: "prometheus" };
// @ts-expect-error: an unknown render option
corrino.render(recipe, { namespace: "inference", namespac: "x" });
// Options name only what they change; the rest keep their defaults.
corrino.render(recipe, { namespace: "inference", file_systems: { "ocid1.filesystem.oc1..x": "10.0.10.5:/models" } });
// @ts-expect-error: a number is not a recipe
corrino.validate(42);
// @ts-expect-error: an unknown scenario field
const wrongScenario: Scenario = { duration: 600 };
// @ts-expect-error: a closed loop needs its clients
sim.simulate(recipe, { load: { kind: "closed-loop" } });
// @ts-expect-error: an unknown rate profile
const wrongRate: Scenario = { load: { kind: "open-loop", rate: { kind: "steady", rps: 1 } } };
// @ts-expect-error: an event's fields depend on its kind
const wrongEvent: SimulationEvent = { t: 0, kind: "node-ready", nodes: [1] };
// @ts-expect-error: an unknown search space field
const wrongSpace: SearchSpace = { threshold: [0.1] };
// @ts-expect-error: a reason the HPA does not give
const wrongReason: HpaReason = "ScaledUp";
// @ts-expect-error: a KEDA release corrino does not model
const wrongKeda: Target = { keda: "2.16" };
// @ts-expect-error: a release is text
corrino.render(recipe, { kubernetes: 1.34 });
console.log(typo, wrongType, wrongScrape, wrongScenario, wrongRate, wrongEvent, wrongSpace, wrongReason, wrongKeda);
