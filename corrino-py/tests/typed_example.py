"""Uses the whole API with annotations; `mypy --strict` checks it against the stubs (see test_typing.py)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import corrino

RECIPE = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "recipes" / "autoscaling-example.json"


def summary(plan: corrino.Plan) -> str:
    capacity: dict[str, Any] | None = plan.capacity
    nodes = capacity["nodes_needed"] if capacity is not None else 0
    name: str | None = plan.name
    return f"{name}: {plan.gpus_per_replica} GPU(s) per replica, {nodes} node(s), renderable={plan.is_renderable}"


def problems(recipe: corrino.RecipeInput) -> list[str]:
    found: corrino.Diagnostics = corrino.validate(recipe, scrape_interval_seconds=30)
    lines: list[str] = []
    for d in found:
        severity: corrino.Severity = d.severity
        hint: str | None = d.hint
        lines.append(f"{severity}[{d.code}] {d.path}: {d.message}" + (f" ({hint})" if hint else ""))
    as_dicts: list[dict[str, Any]] = found.to_dicts()
    inputs: list[Any] = [d.input for d in found]
    again: list[corrino.Diagnostic] = [corrino.Diagnostic.from_dict(d) for d in as_dicts]
    assert again == list(found) and len(inputs) == len(found)
    assert len(as_dicts) == len(lines)
    return lines


def manifests(recipe: corrino.RecipeInput, scrape: corrino.ScrapeMode = "pod-monitor") -> str:
    file_systems: dict[str, corrino.FileSystemExport] = {"ocid1.filesystem.oc1..fs": ("10.0.10.20", "/models")}
    objects: list[corrino.JsonObject] = corrino.render(
        recipe, namespace="inference", scrape=scrape, labels={"release": "kps"}, file_systems=file_systems
    )
    documents: dict[str, corrino.JsonObject] = corrino.render_oci(recipe, discovery="auto-discovery")
    yaml: str = corrino.render_yaml(recipe, base_domain="example.com", tls_issuer="letsencrypt-prod")
    kinds = ", ".join(str(o["kind"]) for o in objects)
    return f"{kinds}; {', '.join(documents)}; {len(yaml)} bytes of YAML"


def simulation(recipe: corrino.RecipeInput) -> str:
    scenario: corrino.Scenario = {
        "duration_seconds": 600,
        "load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 2}},
    }
    run: corrino.Simulation = corrino.simulate(recipe, scenario, scrape_interval_seconds=15)
    summary: corrino.SimulationSummary = run.summary
    samples: list[corrino.SimulationSample] = run.samples
    settings: corrino.SimulationSettings = run.settings
    decisions: list[corrino.ScalingDecision] = run.decisions
    events: list[corrino.SimulationEvent] = run.events
    first_scale_up: int | None = summary["first_scale_up_at"]
    reasons: list[corrino.HpaReason] = [d["reason"] for d in decisions]
    # An event's fields follow its kind.
    requested: list[int] = [n for e in events if e["kind"] == "nodes-requested" for n in e["nodes"]]
    as_dict: dict[str, Any] = run.to_dict()
    csv: str = run.csv()
    svg: str = run.svg()
    table: str = run._repr_html_()
    assert len(samples) == len(as_dict["samples"]) and run == corrino.simulate(recipe, json.dumps(scenario))
    try:
        corrino.simulate(recipe, '{"duration": 600}')
    except corrino.SimulationError as error:
        print("refused:", error)
    try:
        corrino.simulate(recipe, {"load": {"kind": "closed-loop", "clients": 100_000_000}})
    except corrino.SimulationError as error:
        details: corrino.ScenarioError | None = error.details
        if details is not None and details["kind"] == "out-of-range":
            print("at most", details["range"]["max"], "at", details["field"])
    return (
        f"{settings['shape']}: peak {summary['peak_spec_replicas']} replicas, {len(decisions)} decisions "
        f"({', '.join(reasons)}), first scale-up at {first_scale_up}, {len(requested)} nodes requested, "
        f"{len(events)} events, {csv.count(chr(10))} CSV lines, {len(svg) + len(table)} characters of chart"
    )


def search(recipe: corrino.RecipeInput) -> str:
    space: corrino.SearchSpace = {"thresholds": [0.05, 0.1], "samples": 1, "seed": 7}
    result: corrino.TuneResult = corrino.tune(recipe, "p95<5s", {"duration_seconds": 900}, space)
    chosen: corrino.TunedSettings = result["chosen"]["knobs"]
    rows: list[corrino.TuneRecord] = result["records"]
    return f"{result['reason']}: threshold {chosen['threshold']}, {len(rows)} rows"


def main() -> None:
    plan = corrino.plan(RECIPE)
    print(summary(plan))
    members: list[corrino.Plan] = plan.members
    diagnostics: corrino.Diagnostics = plan.diagnostics
    as_dict: dict[str, Any] = plan.to_dict()
    assert not members and len(diagnostics) == len(as_dict["diagnostics"])
    print("\n".join(problems(RECIPE.read_text())))
    print(manifests(str(RECIPE)))
    query: str = corrino.default_query("autoscale_vllm_example", "inference", window="2m", scrape="none")
    print(query)
    shapes: list[corrino.JsonObject] = corrino.shapes()
    print(len(shapes), "shapes")
    made = corrino.Diagnostic("/x", "unknown-field", "error", "unknown field `x`")
    print(made.to_dict(), hash(made) == hash(made))
    try:
        corrino.render({"recipe_mode": "job"})
    except corrino.RecipeError as error:
        codes: list[str] = [d.code for d in error.diagnostics]
        print("refused:", codes)
    print(simulation(RECIPE))
    print(search(RECIPE))
    print(corrino.__version__)


if __name__ == "__main__":
    main()
