"""The Python types and functions: Diagnostic, Plan, RecipeError, the options, default_query and shapes."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from conftest import EXAMPLE, FIXTURES, GOLDEN_OPTIONS

import corrino


def recipe(**changes: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return {**loaded, **changes}


def test_the_package_exports_its_api() -> None:
    assert corrino.__version__ == "0.1.0"
    for name in corrino.__all__:
        assert hasattr(corrino, name), name
    assert corrino.Diagnostic.__module__ == "corrino"
    assert corrino.Plan.__module__ == "corrino"


def test_a_diagnostic_has_its_fields_and_compares_by_value() -> None:
    d = corrino.Diagnostic("/x", "unknown-field", "error", "unknown field `x`", hint="did you mean `y`?")
    assert (d.path, d.code, d.severity, d.message, d.hint) == (
        "/x",
        "unknown-field",
        "error",
        "unknown field `x`",
        "did you mean `y`?",
    )
    same = corrino.Diagnostic(path="/x", code="unknown-field", severity="error", message="unknown field `x`",
                              hint="did you mean `y`?")
    assert d == same and hash(d) == hash(same) and len({d, same}) == 1
    assert d != corrino.Diagnostic("/x", "unknown-field", "error", "unknown field `x`")
    assert d != "not a diagnostic"
    assert repr(d) == (
        "Diagnostic(path='/x', code='unknown-field', severity='error', message='unknown field `x`', "
        "hint='did you mean `y`?')"
    )
    assert str(d) == "error[unknown-field] /x: unknown field `x` (hint: did you mean `y`?)"
    assert d.to_dict() == {
        "path": "/x",
        "code": "unknown-field",
        "severity": "error",
        "message": "unknown field `x`",
        "hint": "did you mean `y`?",
    }
    assert "hint" not in corrino.Diagnostic("", "empty-input", "error", "m").to_dict()
    assert pickle.loads(pickle.dumps(d)) == d
    assert d.input is None and "input" not in d.to_dict()
    with pytest.raises(AttributeError):
        d.path = "/y"  # type: ignore[misc]


def test_a_diagnostic_carries_the_value_it_is_about() -> None:
    found = corrino.validate(FIXTURES / "invalid" / "typo-in-field-name.json")
    by_code = {d.code: d for d in found}
    # The misspelled field's value; nothing for the field that is missing.
    assert by_code["unknown-field"].input == "VM.GPU.A10.2"
    assert by_code["unknown-field"].to_dict()["input"] == "VM.GPU.A10.2"
    assert by_code["missing-field"].input is None and "input" not in by_code["missing-field"].to_dict()
    assert "input='VM.GPU.A10.2'" in repr(by_code["unknown-field"])
    # A value of `null` in the recipe is an input, which `to_dict`, `from_dict` and pickling keep apart from none.
    null = corrino.validate({"recipe_mode": "service", "deployment_name": "x", "recipe_node_shape": None})
    shape = next(d for d in null if d.path == "/recipe_node_shape")
    assert shape.input is None and shape.to_dict()["input"] is None
    assert corrino.Diagnostic.from_dict(shape.to_dict()) == shape
    assert pickle.loads(pickle.dumps(shape)) == shape and "input" in pickle.loads(pickle.dumps(shape)).to_dict()
    absent = corrino.Diagnostic.from_dict({k: v for k, v in shape.to_dict().items() if k != "input"})
    assert absent != shape and hash(absent) != hash(shape)
    # Built by hand, with an input: equal to what the dict gives, and hashable.
    made = corrino.Diagnostic("/a", "wrong-type", "error", "m", input=[1, {"b": "c"}])
    assert made.input == [1, {"b": "c"}] and made == corrino.Diagnostic.from_dict(made.to_dict())
    assert len({made, corrino.Diagnostic.from_dict(made.to_dict())}) == 1
    # A long value is cut to its documented bound.
    long = corrino.validate({"recipe_mode": "service", "deployment_name": "x", "recipe_node_shap": "s" * 500})
    assert next(d for d in long if d.code == "unknown-field").input == "s" * 100 + "…"
    with pytest.raises(ValueError, match="not a diagnostic"):
        corrino.Diagnostic.from_dict({"path": "/x"})


def test_a_diagnostic_names_only_known_codes_and_severities() -> None:
    with pytest.raises(ValueError, match="unknown diagnostic code `no-such-code`"):
        corrino.Diagnostic("", "no-such-code", "error", "m")
    with pytest.raises(ValueError, match="severity"):
        corrino.Diagnostic("", "syntax", "fatal", "m")  # type: ignore[arg-type]


def test_validate_returns_a_diagnostics_list() -> None:
    found = corrino.validate(FIXTURES / "invalid" / "typo-in-field-name.json")
    assert isinstance(found, corrino.Diagnostics) and isinstance(found, list)
    assert [(d.severity, d.code, d.path) for d in found] == [
        ("error", "unknown-field", "/recipe_node_shap"),
        ("error", "missing-field", "/recipe_node_shape"),
        ("note", "name-canonicalised", "/deployment_name"),
    ]
    assert found[0].hint == "did you mean `recipe_node_shape`?"
    assert found.to_dicts() == [d.to_dict() for d in found]
    assert corrino.validate(recipe()) == corrino.validate(recipe())


def test_a_plan_exposes_what_to_dict_holds() -> None:
    plan = corrino.plan(EXAMPLE)
    as_dict = plan.to_dict()
    for name in ("recipe", "name", "mode", "shape", "gpus_per_replica", "container_port", "pod_autoscaling",
                 "node_autoscaling", "capacity"):
        assert getattr(plan, name) == as_dict[name], name
    assert plan.diagnostics.to_dicts() == as_dict["diagnostics"]
    assert plan.members == [] and "members" not in as_dict
    assert plan.name == "autoscalevllmexample"
    assert plan.mode == "service"
    assert plan.shape is not None and plan.shape["name"] == "VM.GPU.A10.2"
    assert plan.gpus_per_replica == 1 and plan.container_port == 8000
    assert plan.capacity is not None and plan.capacity["nodes_needed"] == 2
    assert plan.pod_autoscaling is not None and plan.pod_autoscaling["threshold"] == {"value": 0.1, "source": "recipe"}
    assert plan.node_autoscaling == {"min_nodes": 1, "max_nodes": 2}
    assert plan.is_renderable
    assert repr(plan) == (
        "Plan(name='autoscalevllmexample', mode='service', shape='VM.GPU.A10.2', errors=0, warnings=0, notes=2)"
    )
    # Each access converts anew: changing a returned dict leaves the plan as it was.
    capacity = plan.capacity
    capacity["nodes_needed"] = 99
    assert plan.capacity["nodes_needed"] == 2


def test_plans_compare_by_value_and_are_not_hashable() -> None:
    assert corrino.plan(EXAMPLE) == corrino.plan(recipe())
    assert corrino.plan(EXAMPLE) != corrino.plan(recipe(recipe_node_pool_size=2))
    with pytest.raises(TypeError):
        hash(corrino.plan(EXAMPLE))


def test_the_scrape_interval_is_a_plan_option() -> None:
    params = {**recipe()["recipe_pod_autoscaling_params"], "collect_metrics_timespan": "1m"}
    one_minute = recipe(recipe_pod_autoscaling_params=params)
    assert "invalid-duration" not in [d.code for d in corrino.validate(one_minute)]
    # A one-minute window holds fewer than two scrapes at a 60 s interval.
    slow = corrino.validate(one_minute, scrape_interval_seconds=60)
    assert [(d.code, d.severity) for d in slow if d.code == "invalid-duration"] == [("invalid-duration", "warning")]
    assert corrino.plan(one_minute, scrape_interval_seconds=60).diagnostics == slow
    assert corrino.plan(one_minute) != corrino.plan(one_minute, scrape_interval_seconds=60)


def test_a_recipe_with_errors_still_has_a_plan() -> None:
    plan = corrino.plan(FIXTURES / "invalid" / "too-many-gpus.json")
    assert not plan.is_renderable
    assert "too-many-gpus" in [d.code for d in plan.diagnostics]
    assert repr(plan).endswith("errors=2, warnings=0, notes=1)")


def test_a_group_plans_its_members() -> None:
    member = {k: v for k, v in recipe().items() if not k.startswith("recipe_") or k in (
        "recipe_mode", "recipe_image_uri", "recipe_node_shape", "recipe_container_port", "recipe_nvidia_gpu_count",
        "recipe_node_pool_size", "recipe_node_boot_volume_size_in_gbs")}
    group = {"deployment_group": {"name": "g", "deployments": [
        {"name": "a", "recipe": {**member, "deployment_name": "a"}},
        {"name": "b", "recipe": {**member, "deployment_name": "b"}, "depends_on": ["a"]},
    ]}}
    plan = corrino.plan(group)
    assert plan.mode is None
    assert [m.name for m in plan.members] == ["a", "b"]
    assert [m.to_dict() for m in plan.members] == plan.to_dict()["members"]


def test_plan_raises_only_for_what_is_not_a_recipe() -> None:
    with pytest.raises(corrino.RecipeError) as raised:
        corrino.plan("[1, 2]")
    assert [d.code for d in raised.value.diagnostics] == ["not-an-object"]
    assert str(raised.value).startswith("the input is not a recipe (1 error)")


def test_render_raises_a_recipe_error_with_every_diagnostic() -> None:
    path = FIXTURES / "invalid" / "typo-in-field-name.json"
    with pytest.raises(corrino.RecipeError) as raised:
        corrino.render(path)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.diagnostics == corrino.validate(path)
    assert str(error) == (
        "the recipe cannot be rendered (2 errors)\n"
        "  error[unknown-field] /recipe_node_shap: unknown field `recipe_node_shap` "
        "(hint: did you mean `recipe_node_shape`?)\n"
        "  error[missing-field] /recipe_node_shape: `recipe_node_shape` is required for a `service` recipe"
    )
    for render in (corrino.render_yaml, corrino.render_oci):
        with pytest.raises(corrino.RecipeError):
            render(path)
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, corrino.RecipeError)
    assert str(again) == str(error) and again.diagnostics == error.diagnostics


def test_render_refuses_options_that_cannot_be_rendered() -> None:
    with pytest.raises(corrino.RecipeError) as raised:
        corrino.render(EXAMPLE, namespace="Not A Namespace")
    # The error carries every diagnostic of the recipe: its notes, and the one error of the options.
    errors = [d.code for d in raised.value.diagnostics if d.severity == "error"]
    assert errors == ["render-option"]
    assert [d.code for d in raised.value.diagnostics] == [
        d.code for d in corrino.validate(EXAMPLE)
    ] + ["render-option"]


def test_options_are_keyword_only_and_checked() -> None:
    with pytest.raises(TypeError):
        corrino.render(EXAMPLE, "default")  # type: ignore[call-arg, arg-type]
    with pytest.raises(TypeError):
        corrino.render(EXAMPLE, name_space="default")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        corrino.validate(EXAMPLE, namespace="default")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        corrino.render(EXAMPLE, labels={"a": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="invalid render options: unknown variant `pod_monitor`"):
        corrino.render(EXAMPLE, scrape="pod_monitor")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown variant `tags`"):
        corrino.render_oci(EXAMPLE, discovery="tags")  # type: ignore[arg-type]


def test_the_options_reach_the_objects() -> None:
    objects = corrino.render(
        EXAMPLE,
        namespace="inference",
        base_domain="example.com",
        ingress_class="traefik",
        prometheus_address="http://prometheus.monitoring:9090",
        scrape="pod-monitor",
        labels={"release": "kps"},
        annotations={"team": "ml"},
    )
    assert [o["kind"] for o in objects] == ["Deployment", "Service", "Ingress", "PodMonitor", "ScaledObject"]
    assert all(o["metadata"]["namespace"] == "inference" for o in objects)
    assert all(o["metadata"]["labels"]["release"] == "kps" for o in objects)
    assert all(o["metadata"]["annotations"]["team"] == "ml" for o in objects)
    ingress = objects[2]["spec"]
    assert ingress["ingressClassName"] == "traefik"
    assert ingress["rules"][0]["host"] == "autoscalevllmexample.example.com"
    trigger = objects[4]["spec"]["triggers"][0]["metadata"]
    assert trigger["serverAddress"] == "http://prometheus.monitoring:9090"
    documents = corrino.render_oci(EXAMPLE, cluster_id="ocid1.cluster.oc1..c", discovery="auto-discovery")
    assert list(documents) == ["node-pool.json", "cluster-autoscaler-addon.json"]
    assert documents["node-pool.json"]["clusterId"] == "ocid1.cluster.oc1..c"
    assert "nodeGroupAutoDiscovery" in json.dumps(documents["cluster-autoscaler-addon.json"])
    assert corrino.render_oci(FIXTURES / "recipes" / "amd-mi300x-shared-pool.json", **GOLDEN_OPTIONS) == {}


@pytest.mark.parametrize("scrape", ["annotations", "pod-monitor", "service-monitor", "none"])
def test_default_query_is_the_query_of_the_rendered_scaled_object(scrape: corrino.ScrapeMode) -> None:
    objects = corrino.render(EXAMPLE, namespace="inference", scrape=scrape)
    scaled_object = next(o for o in objects if o["kind"] == "ScaledObject")
    query = scaled_object["spec"]["triggers"][0]["metadata"]["query"]
    assert corrino.default_query("autoscale_vllm_example", "inference", "300s", scrape) == query
    assert corrino.default_query("autoscale_vllm_example", namespace="inference", scrape=scrape) == query


def test_default_query_refuses_unusable_names_and_windows() -> None:
    assert "[2m]" in corrino.default_query("demo", window="120s")
    with pytest.raises(ValueError, match="cannot name a deployment"):
        corrino.default_query("-Bad Name!")
    with pytest.raises(ValueError, match="`5 minutes` is not a Prometheus duration"):
        corrino.default_query("demo", window="5 minutes")
    with pytest.raises(ValueError, match="scrape mode"):
        corrino.default_query("demo", scrape="prometheus")  # type: ignore[arg-type]


def test_shapes_are_the_catalog_plans_use() -> None:
    shapes = corrino.shapes()
    names = [s["name"] for s in shapes]
    assert names == sorted(names) and "VM.GPU.A10.2" in names
    a10 = next(s for s in shapes if s["name"] == "VM.GPU.A10.2")
    assert a10 == corrino.plan(EXAMPLE).shape
    assert a10["gpus"]["count"] == 2


def test_every_mode_plans_and_renders() -> None:
    recipes = FIXTURES / "recipes"
    team = corrino.plan(recipes / "team-two-shapes.json")
    assert team.team is not None and team.team["name"] == "research"
    kinds = [o["kind"] for o in corrino.render(recipes / "team-two-shapes.json")]
    assert kinds == ["ResourceFlavor", "ResourceFlavor", "Cohort", "WorkloadPriorityClass", "ClusterQueue",
                     "Namespace", "LocalQueue"]
    job = corrino.plan(recipes / "job-with-team.json")
    assert job.queue == {"team": "research", "namespace": "research-namespace",
                         "local_queue": "research-local-queue", "priority_class": "research-priority"}
    [claim, job_object] = corrino.render(recipes / "job-with-team.json")
    assert (claim["kind"], job_object["kind"]) == ("PersistentVolumeClaim", "Job")
    assert job_object["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == "research-local-queue"
    multinode = corrino.plan(recipes / "multinode-rdma-autoscaling.json")
    assert multinode.multinode == {"nodes": 2, "rdma": True}
    assert [o["kind"] for o in corrino.render(recipes / "multinode-rdma-autoscaling.json")][0] == "LeaderWorkerSet"
    update = corrino.plan(recipes / "update-pool-rdma.json")
    assert update.update is not None and update.update["target"]["kind"] == "selector"
    assert corrino.render(recipes / "update-pool-rdma.json") == []
    assert list(corrino.render_oci(recipes / "update-pool-rdma.json")) == ["node-labels-h100rdmapool.json"]


def test_plan_knows_the_model_and_refuses_what_does_not_fit() -> None:
    model = corrino.plan(EXAMPLE).model
    assert model is not None
    assert model["spec"]["id"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert model["memory"]["weights_fit"] is True
    assert model["startup"]["cold_start_seconds"] == sum(p["seconds"] for p in model["startup"]["parts"])
    recipe = json.loads(EXAMPLE.read_text())
    recipe["recipe_container_command_args"] = ["--model", "meta-llama/Llama-3.3-70B-Instruct",
                                               "--tensor-parallel-size", "2"]
    recipe["recipe_nvidia_gpu_count"] = 2
    recipe["recipe_pod_autoscaling_params"]["max_replicas"] = 2
    refused = corrino.validate(recipe)
    errors = [d for d in refused if d.code == "weights-exceed-gpu-memory"]
    assert len(errors) == 1 and errors[0].severity == "error"
    assert "GiB" in errors[0].message and errors[0].hint
    with pytest.raises(corrino.RecipeError):
        corrino.render(recipe)
