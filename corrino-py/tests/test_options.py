"""The render options: keywords read into corrino-core's ``RenderOptions``, and their typed dictionary generated from
the same definition."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import typing

import pytest

import corrino

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "recipes" / "autoscaling-example.json"
STORAGE = ROOT / "fixtures" / "recipes" / "deployment-with-secrets-and-storage.json"
FILE_SYSTEM = "ocid1.filesystem.oc1.iad.aaaaaaaaexamplefilesystem0001"


def test_the_typed_dictionaries_are_current_with_the_rust_types() -> None:
    spec = importlib.util.spec_from_file_location("api_types", ROOT / "corrino-py" / "tools" / "api_types.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for module in tool.MODULES:
        assert module.path.read_text() == tool.module(module), f"{module.path.name}: run `python corrino-py/tools/api_types.py`"
    # Every field of the Rust struct is a key of the typed dictionary.
    assert set(corrino.RenderOptions.__annotations__) >= {"namespace", "file_systems", "autoscaler_timing"}
    # The simulator's values too: a scenario with every key of its typed dictionary (at the defaults the schema
    # states; None for an optional field written only when set) is read, and a simulation's parts hold exactly the
    # keys of their typed dictionaries.
    schema = json.loads((ROOT / "fixtures" / "api.schema.json").read_text())["$defs"]["Scenario"]["properties"]
    scenario = {key: schema[key].get("default") for key in corrino.Scenario.__annotations__}
    assert corrino.simulate(EXAMPLE, {**scenario, "duration_seconds": 900}) == corrino.simulate(EXAMPLE, {"duration_seconds": 900})
    run = corrino.simulate(EXAMPLE, {"duration_seconds": 900})
    assert set(run.summary) == set(corrino.SimulationSummary.__annotations__)
    # Settings written only when they differ from the usual (a plain HPA, a group of pods) are optional keys.
    settings = corrino.SimulationSettings
    assert settings.__required_keys__ <= set(run.settings) <= set(settings.__annotations__)
    assert settings.__optional_keys__ == {"autoscaler", "pods_per_replica"}
    assert all(set(sample) == set(corrino.SimulationSample.__annotations__) for sample in run.samples)
    assert all(set(decision) == set(corrino.ScalingDecision.__annotations__) for decision in run.decisions)
    forms = {typing.get_args(form.__annotations__["kind"])[0]: form for form in typing.get_args(corrino.SimulationEvent)}
    assert run.events and all(set(event) == set(forms[event["kind"]].__annotations__) for event in run.events)


def test_unknown_keywords_are_a_type_error_and_bad_values_a_value_error() -> None:
    with pytest.raises(TypeError, match="unknown field `namespac`"):
        corrino.render(EXAMPLE, namespac="x")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="unknown variant `prometheus`"):
        corrino.render(EXAMPLE, scrape="prometheus")  # type: ignore[arg-type]


def test_none_keeps_the_default() -> None:
    assert corrino.render(EXAMPLE, base_domain=None, prometheus_address=None) == corrino.render(EXAMPLE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "export",
    [("10.0.10.5", "/models"), "10.0.10.5:/models", {"mount_target_ip": "10.0.10.5", "export_path": "/models"}],
)
def test_file_system_exports_are_read_in_each_form(export: corrino.FileSystemExport) -> None:
    objects = corrino.render(STORAGE, file_systems={FILE_SYSTEM: export})
    volumes = [o for o in objects if o["kind"] == "PersistentVolume"]
    assert volumes and volumes[0]["spec"]["csi"]["volumeHandle"] == f"{FILE_SYSTEM}:10.0.10.5:/models"


def test_values_the_server_refuses_are_diagnostics_of_the_options() -> None:
    with pytest.raises(corrino.RecipeError) as raised:
        corrino.render(EXAMPLE, base_domain="ex ample.com", ingress_class="NGINX CLASS")
    errors = [d.message for d in raised.value.diagnostics if d.severity == "error"]
    assert len(errors) == 2
    assert errors[0].startswith("render option `base_domain`")
    assert errors[1].startswith("render option `ingress_class`")


def _scaled_object(objects: list[corrino.JsonObject]) -> corrino.JsonObject:
    return next(o for o in objects if o["kind"] == "ScaledObject")


def codes(diagnostics: corrino.Diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def test_the_target_is_two_keywords_read_into_the_same_struct_everywhere() -> None:
    # Upstream's defaults, unwritten, draw KEDA 2.20's admission warning with min_replicas 1: left out for it.
    assert _scaled_object(corrino.render(EXAMPLE))["spec"]["pollingInterval"] == 15
    newer = _scaled_object(corrino.render(EXAMPLE, keda="2.20", kubernetes="1.35"))
    assert "pollingInterval" not in newer["spec"] and "cooldownPeriod" not in newer["spec"]
    recipe = json.loads(EXAMPLE.read_text())
    recipe["recipe_pod_autoscaling_params"]["polling_interval"] = 20
    assert "keda-admission-warning" not in codes(corrino.validate(recipe))
    assert "keda-admission-warning" in codes(corrino.validate(recipe, keda="2.20.2"))
    assert "keda-admission-warning" in codes(corrino.plan(recipe, keda="2.20.0").diagnostics)
    run = corrino.simulate(EXAMPLE, {"duration_seconds": 600}, keda="2.20.2", kubernetes="1.37")
    assert run.settings["target"] == {"keda": "2.20.2", "kubernetes": "1.37"}
    assert corrino.simulate(EXAMPLE, {"duration_seconds": 600}).settings["target"] == {
        "keda": "2.17.0",
        "kubernetes": "1.34",
    }


def test_releases_are_text_and_unknown_ones_a_value_error() -> None:
    with pytest.raises(TypeError, match="write it as text"):
        corrino.validate(EXAMPLE, keda=2.2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not a KEDA release corrino knows"):
        corrino.validate(EXAMPLE, keda="2.16")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not a Kubernetes release corrino knows"):
        corrino.render(EXAMPLE, kubernetes="1.32")  # type: ignore[arg-type]
