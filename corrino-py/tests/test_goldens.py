"""The Rust goldens, read through Python: every fixture's plan, rendered objects, YAML and OCI documents, the
pinned simulations, and every broken recipe's diagnostics (`fixtures/invalid/<name>.diagnostics.json`), compared as
values."""

from __future__ import annotations

import json
import pathlib

import pytest
from conftest import EXPECTED, GOLDEN_OPTIONS, INVALID, RECIPES, SIMULATED

import corrino


def stem(path: pathlib.Path) -> str:
    return path.stem


@pytest.mark.parametrize("path", RECIPES, ids=stem)
def test_plan_is_the_golden_plan(path: pathlib.Path) -> None:
    expected = json.loads((EXPECTED / f"{path.stem}.plan.json").read_text())
    assert corrino.plan(path).to_dict() == expected


@pytest.mark.parametrize("path", RECIPES, ids=stem)
def test_rendering_gives_the_golden_objects_and_documents(path: pathlib.Path) -> None:
    # Every recipe that renders has an apply plan golden; a shared pool's has no step and no YAML.
    golden_apply = EXPECTED / f"{path.stem}.apply.json"
    if not golden_apply.exists():
        with pytest.raises(corrino.RecipeError) as raised:
            corrino.render(path, **GOLDEN_OPTIONS)
        errors = [d.code for d in raised.value.diagnostics if d.severity == "error"]
        assert errors == ["render-unsupported"]
        return
    golden_yaml = EXPECTED / f"{path.stem}.yaml"
    yaml = golden_yaml.read_text() if golden_yaml.exists() else ""
    assert corrino.render_yaml(path, **GOLDEN_OPTIONS) == yaml
    # The apply plan's bodies are the objects as JSON, in apply order (a step on every node of a pool is the
    # document `node-labels-<pool>.json`, not an object).
    steps = json.loads(golden_apply.read_text())["apply"]["steps"]
    objects = [step["body"] for step in steps if "node_selector" not in step]
    assert corrino.render(path, **GOLDEN_OPTIONS) == objects
    golden_oci = EXPECTED / f"{path.stem}.oci.json"
    documents = json.loads(golden_oci.read_text()) if golden_oci.exists() else {}
    assert corrino.render_oci(path, **GOLDEN_OPTIONS) == documents


@pytest.mark.parametrize("path", SIMULATED, ids=stem)
def test_simulation_is_the_golden_simulation(path: pathlib.Path) -> None:
    with (EXPECTED / f"{path.stem}.simulation.json").open() as golden:
        expected = json.load(golden)
    assert corrino.simulate(path).to_dict() == expected


@pytest.mark.parametrize("path", INVALID, ids=stem)
def test_broken_recipes_give_their_golden_diagnostics(path: pathlib.Path) -> None:
    expected = json.loads(path.with_suffix(".diagnostics.json").read_text())
    assert expected, f"{path.name}: the golden lists no diagnostics"
    found = corrino.validate(path)
    assert found.to_dicts() == expected
    # Built back from the golden, each is the diagnostic itself (the input included, also when it is `null`).
    assert [corrino.Diagnostic.from_dict(d) for d in expected] == list(found)


def test_every_fixture_is_covered() -> None:
    assert len(RECIPES) >= 20
    assert len(INVALID) >= 38
    assert [p.stem for p in SIMULATED] == [
        "autoscaling-custom-query",
        "autoscaling-example",
        "multinode-rdma-autoscaling",
        "node-autoscaling-a10-four-nodes",
        "pod-autoscaling-h100-two-gpus-per-replica",
    ]
    assert all(p.exists() for p in SIMULATED)
