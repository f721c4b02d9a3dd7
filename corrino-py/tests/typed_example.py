"""Uses the whole API with annotations; `mypy --strict` checks it against the stubs (see test_typing.py)."""

from __future__ import annotations

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
    as_dicts: list[dict[str, str]] = found.to_dicts()
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
    print(corrino.__version__)


if __name__ == "__main__":
    main()
