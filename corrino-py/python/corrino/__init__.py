"""Validate, plan, render and simulate OCI AI Blueprints inference recipes (the vLLM deployments of Oracle's
Kubernetes).

    import corrino

    diagnostics = corrino.validate("recipe.json")    # every problem: path, code, severity, message, hint
    plan = corrino.plan("recipe.json")               # capacity and autoscaling values, each with its source
    objects = corrino.render("recipe.json", namespace="inference")  # Kubernetes objects as dicts
    text = corrino.render_yaml("recipe.json")        # the same, ready for `kubectl apply -f -`
    run = corrino.simulate("recipe.json")            # its autoscaling under load: timeline, decisions, summary
    rows = corrino.compare("a.json", "deployed.yaml")  # two runs on the same load, figure by figure (records)
    best = corrino.tune("recipe.json", "p95<5s")     # its autoscaling settings searched for a latency objective

Every function takes a recipe as a mapping, its JSON or YAML text, the bytes of a file, or a path (see
``RecipeInput``). Problems of a recipe are returned as ``Diagnostic`` objects; ``RecipeError`` (a ``ValueError``) is
raised only when the asked-for result cannot exist, ``SimulationError`` (a ``ValueError``) when a simulation cannot
run, and ``OSError`` when a file cannot be read. The rules live in the Rust library corrino-core: the results are
those of the ``corrino`` command.
"""

from ._corrino import (
    Diagnostic,
    Plan,
    Simulation,
    __version__,
    compare,
    default_query,
    plan,
    render,
    render_oci,
    render_yaml,
    shapes,
    simulate,
    tune,
    validate,
)
from ._options import (
    AutoscalerTiming,
    Discovery,
    FileSystemExport,
    KedaVersion,
    KubernetesVersion,
    RenderOptions,
    ScrapeMode,
)
from ._types import (
    Diagnostics,
    JsonObject,
    RecipeError,
    RecipeInput,
    ScenarioInput,
    Severity,
    SimulationError,
)

__all__ = [
    "AutoscalerTiming",
    "Diagnostic",
    "Diagnostics",
    "Discovery",
    "FileSystemExport",
    "JsonObject",
    "KedaVersion",
    "KubernetesVersion",
    "Plan",
    "RecipeError",
    "RecipeInput",
    "RenderOptions",
    "ScenarioInput",
    "ScrapeMode",
    "Severity",
    "Simulation",
    "SimulationError",
    "__version__",
    "compare",
    "default_query",
    "plan",
    "render",
    "render_oci",
    "render_yaml",
    "shapes",
    "simulate",
    "tune",
    "validate",
]
