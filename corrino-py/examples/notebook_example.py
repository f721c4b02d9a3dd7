# %% [markdown]
# # A recipe in a notebook
#
# Load the autoscaling example, see what it resolves to, render it, then break a field and read the diagnostics.
# In Jupyter (or VS Code), each `# %%` block is a cell, and plans and diagnostics show as tables; run as a script,
# it prints the same.

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
