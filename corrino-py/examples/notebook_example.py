# %% [markdown]
# # A recipe in a notebook
#
# Load the autoscaling example, see what it resolves to, render it, break a field and read the diagnostics, then
# simulate its autoscaling. In Jupyter (or VS Code), each `# %%` block is a cell, and plans, diagnostics and
# simulations show as tables (a simulation with its chart); run as a script, it prints the same.

# %%
import importlib
import json
import pathlib

import corrino


def show(value: object) -> None:
    """Displays `value` as a notebook does (plans and diagnostics as tables), or prints it outside one."""
    try:
        importlib.import_module("IPython.display").display(value)
    except ImportError:
        print(value)


# The workspace's fixtures, found from this file or, in a notebook, from the working directory.
start = pathlib.Path(globals().get("__file__", "")).resolve().parent
root = next(p for p in [start, *start.parents] if (p / "fixtures" / "recipes").is_dir())
recipe = json.loads((root / "fixtures" / "recipes" / "autoscaling-example.json").read_text())

# %% [markdown]
# ## The plan: capacity and autoscaling, each value with where it came from

# %%
plan = corrino.plan(recipe)
show(plan)
capacity = plan.capacity
assert capacity is not None and plan.pod_autoscaling is not None
print(
    f"{capacity['replicas_per_node']} replicas per node on {capacity['shape']}: "
    f"{capacity['max_replicas']} replicas need {capacity['nodes_needed']} nodes, "
    f"{capacity['pending_replicas']} would stay Pending"
)
threshold = plan.pod_autoscaling["threshold"]
print(f"scaling threshold {threshold['value']} ({threshold['source']})")

# %% [markdown]
# ## The manifests

# %%
manifests = corrino.render_yaml(recipe, namespace="inference", base_domain="203-0-113-10.nip.io")
print(manifests[:400] + "…")
print([obj["kind"] for obj in corrino.render(recipe, namespace="inference")])
print(list(corrino.render_oci(recipe)))

# %% [markdown]
# ## A broken recipe
#
# Three GPUs per replica on a two-GPU shape, and a typo in an autoscaling field: every problem comes back at once.

# %%
broken = dict(recipe, recipe_nvidia_gpu_count=3)
broken["recipe_pod_autoscaling_params"] = {"min_replicas": 1, "max_replica": 4}
diagnostics = corrino.validate(broken)
show(diagnostics)
for d in diagnostics:
    print(d)

# %%
try:
    corrino.render(broken)
except corrino.RecipeError as error:
    print(f"not rendered: {len(error.diagnostics)} diagnostics, first {error.diagnostics[0].code}")

# %% [markdown]
# ## The autoscaling, simulated
#
# The recipe's KEDA trigger, HPA and Cluster Autoscaler under load, stepped second by second. Without a scenario
# it is the autoscaling guide's llmperf run: 30 clients sending 3000 requests, for an hour. In a notebook the
# simulation shows as a table of its figures above a chart of the load, the replicas and nodes, and the metric.

# %%
run = corrino.simulate(recipe)
show(run)
summary = run.summary
print(
    f"first scale-up at {summary['first_scale_up_at']} s, peak {summary['peak_spec_replicas']} replicas on "
    f"{summary['peak_nodes']} nodes, {summary['gpu_hours']:.2f} GPU-hours"
)
for decision in run.decisions[:4]:
    print(f"{decision['t']:>5} s  {decision['current_replicas']} -> {decision['desired_replicas']}  {decision['reason']}")

# %% [markdown]
# A scenario of your own: every key is optional. Here, short requests (256 tokens in, 64 out), one per second, then
# eight per second from the fifth minute, for half an hour. The timeline is also CSV (for pandas) and the chart SVG
# (for a file).

# %%
scenario: corrino.Scenario = {
    "duration_seconds": 1800,
    "load": {
        "kind": "open-loop",
        "rate": {"kind": "step", "before_rps": 1, "after_rps": 8, "at_seconds": 300},
        "requests": {"mean_input_tokens": 256, "mean_output_tokens": 64},
    },
}
step = corrino.simulate(recipe, scenario)
print(repr(step))
first = step.summary["first_scale_up_at"]
print(f"the step comes at 300 s; the first scale-up at {first} s")
timeline = step.csv()
print(timeline.splitlines()[0])
print(f"{len(step.samples)} samples, chart of {len(step.svg())} characters")
try:
    # A misspelled key is refused by name (and by a type checker, in a dict annotated `corrino.Scenario`).
    corrino.simulate(recipe, {"duration": 1800})
except corrino.SimulationError as error:
    print(f"not simulated: {str(error)[:60]}…")
