"""`simulate` and `Simulation`: scenarios in every form, the errors, and the timeline as data, CSV, SVG and a notebook
table. The whole output is pinned by the goldens (test_goldens.py); these tests check the binding around it."""

from __future__ import annotations

import csv
import io
import json
import pickle
import types
from typing import Any

import pytest
from conftest import EXAMPLE, FIXTURES, read

import corrino

#: Ten minutes of two requests per second.
SHORT: dict[str, Any] = {"duration_seconds": 600, "load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 2}}}

COLUMNS = [
    "t", "load", "metric", "threshold", "keda_active", "hpa_desired", "spec_replicas", "ready_replicas",
    "starting_replicas", "pending_replicas", "ready_nodes", "provisioning_nodes", "in_flight", "completed",
    "latency_p50", "latency_p95", "slo_misses",
]


def recipe(**changes: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return {**loaded, **changes}


def test_a_short_scenario_runs_for_its_duration_under_its_load() -> None:
    run = corrino.simulate(EXAMPLE, SHORT)
    assert isinstance(run, corrino.Simulation)
    assert run.summary["duration_seconds"] == 600
    # One row every 15 s (the default sample interval), from 0 to before the end.
    assert [s["t"] for s in run.samples] == list(range(0, 600, 15))
    assert {s["load"] for s in run.samples} == {2.0}
    assert run.settings["shape"] == "VM.GPU.A10.2" and run.settings["max_replicas"] == 4
    assert run.summary["requests_completed"] > 0


def test_the_properties_are_what_to_dict_holds_converted_on_each_access() -> None:
    run = corrino.simulate(EXAMPLE, SHORT)
    as_dict = run.to_dict()
    assert list(as_dict) == ["settings", "samples", "decisions", "events", "summary", "notes"]
    for name in as_dict:
        assert getattr(run, name) == as_dict[name], name
    assert any(e["kind"] == "replicas-changed" and e["by"] == "hpa" for e in run.events)
    assert all({"t", "reason", "message", "desired_replicas"} <= set(d) for d in run.decisions)
    summary = run.summary
    summary["peak_nodes"] = 99
    assert run.summary["peak_nodes"] == as_dict["summary"]["peak_nodes"] != 99


def test_no_scenario_is_the_default_scenario() -> None:
    default = corrino.simulate(EXAMPLE)
    assert default == corrino.simulate(EXAMPLE, None) == corrino.simulate(EXAMPLE, {}) == corrino.simulate(EXAMPLE, "{}")
    assert default.summary["duration_seconds"] == 3600
    assert default.summary["requests_completed"] == 3000


def test_a_scenario_as_a_mapping_or_its_json_text_gives_the_same_simulation() -> None:
    scenario = {**SHORT, "seed": 7, "autoscaler_timing": {"scanInterval": "20s"}}
    from_dict = corrino.simulate(EXAMPLE, scenario)
    text = json.dumps(scenario, indent=2)
    for same in (text, text.encode(), bytearray(text.encode()), types.MappingProxyType(scenario)):
        again = corrino.simulate(EXAMPLE, same)
        assert again == from_dict and again.to_dict() == from_dict.to_dict(), type(same)
    assert from_dict.settings["cluster_autoscaler"]["scan_interval_seconds"] == 20
    assert corrino.simulate(EXAMPLE, scenario=scenario) == from_dict
    # The scenario matters: another one gives another simulation.
    assert corrino.simulate(EXAMPLE, {**SHORT, "duration_seconds": 300}) != from_dict
    assert corrino.simulate(recipe(), scenario) == from_dict


def test_an_unknown_scenario_key_is_named() -> None:
    with pytest.raises(corrino.SimulationError, match="unknown field `duration`, expected one of `duration_seconds`"):
        corrino.simulate(EXAMPLE, {"duration": 600})
    nested = {"load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 2, "rpm": 120}}}
    with pytest.raises(corrino.SimulationError, match="unknown field `rpm`") as raised:
        corrino.simulate(EXAMPLE, nested)
    assert isinstance(raised.value, ValueError)
    # A position means something in text the caller wrote, not in the text a mapping was written as.
    assert "line" not in str(raised.value)
    with pytest.raises(corrino.SimulationError, match=r"unknown field `rpm`, expected `rps` at line 1 column \d+"):
        corrino.simulate(EXAMPLE, json.dumps(nested))


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"duration_seconds": "10m"}, "invalid type: string \"10m\", expected u64"),
        ({"duration_seconds": True}, "invalid type: boolean `true`, expected u64"),
        ({"duration_seconds": -1}, "invalid value: integer `-1`, expected u64"),
        ({"load": {"kind": "open-loop"}}, "missing field `rate`"),
        ({"load": {"kind": "sine"}}, "unknown variant `sine`"),
        ("600", "invalid type: integer `600`, expected a scenario object"),
        ("[600]", "invalid type: sequence, expected a scenario object"),
        ("{", "EOF while parsing"),
        ({"step_seconds": 2, "sample_interval_seconds": 7}, "`/sample_interval_seconds` is 7 s: it must be a positive"),
        ({"duration_seconds": 0}, "`/duration_seconds` is 0: it must be between 1 s and 31 days"),
        ({"autoscaler_timing": {"scanInterval": "soon"}}, "soon"),
    ],
)
def test_a_scenario_that_cannot_run_is_a_simulation_error(scenario: Any, message: str) -> None:
    with pytest.raises(corrino.SimulationError) as raised:
        corrino.simulate(EXAMPLE, scenario)
    assert message in str(raised.value)


def test_a_scenario_past_a_bound_is_refused_as_the_cli_and_javascript_refuse_it() -> None:
    # fixtures/scenarios/invalid.json holds the scenarios, fixtures/expected/invalid-scenarios.json the refusals
    # (pinned by tests/tests/scenario_limits.rs): the same message and the same structured details in every face.
    scenarios = json.loads((FIXTURES / "scenarios" / "invalid.json").read_text())
    expected = {row["name"]: row for row in json.loads((FIXTURES / "expected" / "invalid-scenarios.json").read_text())}
    assert len(scenarios) == len(expected) >= 30
    for case in scenarios:
        with pytest.raises(corrino.SimulationError) as raised:
            corrino.simulate(EXAMPLE, case["scenario"])
        assert str(raised.value) == expected[case["name"]]["message"], case["name"]
        assert raised.value.details == expected[case["name"]]["error"], case["name"]
    # Other refusals carry no details, and the details survive pickling.
    with pytest.raises(corrino.SimulationError) as unknown:
        corrino.simulate(EXAMPLE, {"duration": 600})
    assert unknown.value.details is None
    with pytest.raises(corrino.SimulationError) as bounded:
        corrino.simulate(EXAMPLE, {"load": {"kind": "closed-loop", "clients": 100_000_000}})
    again = pickle.loads(pickle.dumps(bounded.value))
    assert (str(again), again.details) == (str(bounded.value), bounded.value.details)
    assert again.details is not None and again.details["range"]["max"] == 10_000


def test_rows_past_the_end_are_noted_and_unserved_requests_counted() -> None:
    trace = {"kind": "metric-trace", "trace": {"points": [{"t": 0, "value": 1}, {"t": 900, "value": 0}]}}
    run = corrino.simulate(EXAMPLE, {"duration_seconds": 600, "load": trace})
    assert [(n["code"], n["path"]) for n in run.notes] == [("points-past-end", "/load/trace/points")]
    assert run.to_dict()["notes"] == run.notes
    s = run.summary
    assert s["requests_sent"] == s["requests_completed"] + s["requests_failed"] + s["requests_in_flight"]


@pytest.mark.parametrize("scenario", [3, 1.5, ["duration_seconds"], object()])
def test_other_scenario_types_are_a_type_error(scenario: object) -> None:
    with pytest.raises(TypeError, match="a scenario is a dict or its JSON text"):
        corrino.simulate(EXAMPLE, scenario)  # type: ignore[arg-type]


def test_a_recipe_without_pod_autoscaling_has_nothing_to_simulate() -> None:
    with pytest.raises(corrino.SimulationError, match="no pod autoscaling") as raised:
        corrino.simulate(FIXTURES / "recipes" / "no-autoscaling-a10.json")
    assert "recipe_pod_autoscaling_params" in str(raised.value)
    with pytest.raises(corrino.SimulationError, match="no pod autoscaling"):
        corrino.simulate(FIXTURES / "recipes" / "fine-tuning-job.json", SHORT)


def test_a_recipe_with_errors_is_a_recipe_error_with_its_diagnostics() -> None:
    path = FIXTURES / "invalid" / "typo-in-field-name.json"
    with pytest.raises(corrino.RecipeError) as raised:
        corrino.simulate(path, SHORT)
    assert raised.value.diagnostics == corrino.validate(path)
    assert str(raised.value).startswith("the recipe cannot be simulated (2 errors)\n  error[unknown-field]")
    with pytest.raises(corrino.RecipeError) as not_a_recipe:
        corrino.simulate("[1, 2]")
    assert [d.code for d in not_a_recipe.value.diagnostics] == ["not-an-object"]
    # Errors of the autoscaling parameters stop it too, although a plan exists.
    params = {**recipe()["recipe_pod_autoscaling_params"], "max_replica": 4}
    with pytest.raises(corrino.RecipeError) as typo:
        corrino.simulate(recipe(recipe_pod_autoscaling_params=params))
    assert "unknown-field" in [d.code for d in typo.value.diagnostics]


def test_the_plan_option_is_keyword_only() -> None:
    assert corrino.simulate(EXAMPLE, SHORT, scrape_interval_seconds=30) == corrino.simulate(EXAMPLE, SHORT)
    with pytest.raises(TypeError):
        corrino.simulate(EXAMPLE, SHORT, 30)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        corrino.simulate(EXAMPLE, duration_seconds=600)  # type: ignore[call-arg]


def test_the_csv_has_a_header_and_a_row_per_sample() -> None:
    run = corrino.simulate(EXAMPLE, SHORT)
    text = run.csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + len(run.samples) == 41
    for row, sample in zip(rows[1:], run.samples):
        assert int(row[0]) == sample["t"]
        assert int(row[COLUMNS.index("ready_replicas")]) == sample["ready_replicas"]
        p95 = row[COLUMNS.index("latency_p95")]
        assert (p95 == "") == (sample["latency_p95"] is None)


def test_the_svg_is_the_chart() -> None:
    svg = corrino.simulate(EXAMPLE, SHORT).svg()
    assert svg.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    assert svg.rstrip().endswith("</svg>")
    assert "VM.GPU.A10.2 · default-latency query, threshold 0.1" in svg
    assert svg != corrino.simulate(EXAMPLE).svg()


def test_the_repr_is_short_and_has_the_main_figures() -> None:
    run = corrino.simulate(EXAMPLE)
    s = run.summary
    assert (s["peak_spec_replicas"], s["peak_nodes"], s["first_scale_up_at"]) == (4, 2, 135)
    assert repr(run) == (
        f"Simulation(duration_seconds=3600, peak_spec_replicas=4, peak_nodes=2, first_scale_up_at=135, "
        f"gpu_hours={s['gpu_hours']:.2f})"
    )
    idle = corrino.simulate(EXAMPLE, {"load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 0}}})
    assert idle.summary["first_scale_up_at"] is None
    assert "first_scale_up_at=None" in repr(idle)


def test_simulations_compare_by_value_and_are_not_hashable() -> None:
    assert corrino.simulate(EXAMPLE, SHORT) == corrino.simulate(EXAMPLE, SHORT)
    assert corrino.simulate(EXAMPLE, SHORT) != "a simulation"
    with pytest.raises(TypeError):
        hash(corrino.simulate(EXAMPLE, SHORT))
    assert corrino.Simulation.__module__ == "corrino"
    with pytest.raises(TypeError):
        corrino.Simulation()


def test_the_notebook_view_is_the_figures_then_the_chart() -> None:
    run = corrino.simulate(EXAMPLE)
    view = run._repr_html_()
    svg = run.svg()
    assert svg in view
    table, chart = view.split("<div>")
    reader = read(table)
    assert set(reader.tags) <= {"table", "tbody", "tr", "th", "td"}
    text = "".join(reader.text)
    s = run.summary
    for expected in (
        "1 to 4 replicas on VM.GPU.A10.2 (2 per node), threshold 0.1 (Value)",
        "3600 s",
        f"first scale-up{s['first_scale_up_at']} s",
        f"first node requested{s['first_node_requested_at']} s",
        f"peak replicas{s['peak_spec_replicas']} (ready {s['peak_ready_replicas']})",
        f"peak nodes{s['peak_nodes']}",
        f"{s['requests_completed']} completed, {s['requests_failed']} failed",
        f"GPU-hours{s['gpu_hours']:.2f}",
    ):
        assert expected in text, expected
    assert chart.startswith("\n<svg") and chart.endswith("</svg>\n</div>")


def test_the_notebook_view_escapes_the_query() -> None:
    custom: dict[str, Any] = json.loads((FIXTURES / "recipes" / "autoscaling-custom-query.json").read_text())
    query = "sum(vllm:num_requests_waiting{model_name=\"<b>&'x'\"})"
    custom["recipe_pod_autoscaling_params"]["query"] = query
    run = corrino.simulate(custom, {"duration_seconds": 120})
    assert run.settings["query"] == query
    view = run._repr_html_()
    assert "<b>" not in view and "&lt;b&gt;&amp;" in view
    reader = read(view)
    assert "b" not in reader.tags
    assert query in "".join(reader.text)


def test_rendered_objects_simulate_as_their_recipe() -> None:
    scenario = {"duration_seconds": 1200}
    objects = corrino.render(EXAMPLE)
    yaml = corrino.render_yaml(EXAMPLE)
    from_recipe = corrino.simulate(EXAMPLE, scenario).to_dict()
    # Without the OCI documents, the pool is the nodes maxReplicas needs; with the scenario's bounds it scales.
    bounded = dict(scenario, min_nodes=1, max_nodes=2)
    assert corrino.simulate(objects, bounded).to_dict() == corrino.simulate(yaml, bounded).to_dict()
    assert corrino.simulate(yaml, bounded).to_dict()["settings"] == from_recipe["settings"]


def test_a_trigger_without_a_computable_value_needs_a_trace() -> None:
    objects = corrino.render(EXAMPLE)
    for item in objects:
        if item["kind"] == "ScaledObject":
            item["spec"]["triggers"][0]["type"] = "kafka"
    with pytest.raises(corrino.RecipeError) as raised:
        corrino.simulate(objects)
    at = next(i for i, item in enumerate(objects) if item["kind"] == "ScaledObject")
    codes = [(d.code, d.path) for d in raised.value.diagnostics]
    assert codes == [("metric-trace-needed", f"/items/{at}/spec/triggers/0")]
    trace = {"kind": "metric-trace", "trace": {"points": [{"t": 0, "value": 0.5}]}}
    run = corrino.simulate(objects, {"duration_seconds": 600, "load": trace})
    assert run.to_dict()["settings"]["query"] == "the `kafka` trigger's value"


def test_two_inputs_compare_figure_by_figure_as_the_golden_says() -> None:
    golden = json.loads((FIXTURES / "expected" / "autoscaling-example.compare.json").read_text())
    names = (golden["first"], golden["second"])
    second = FIXTURES / "recipes" / "node-autoscaling-a10-four-nodes.json"
    rows = corrino.compare(EXAMPLE, second, names=names)
    assert rows == golden["figures"]
    assert {row["figure"] for row in rows} >= {"first_scale_up_at", "peak_nodes", "gpu_hours", "flapping_count"}
    with pytest.raises(corrino.RecipeError, match="second cannot be simulated"):
        corrino.compare(EXAMPLE, "{}")
