"""`tune`: the search of a recipe's autoscaling settings, the same result as `corrino tune --format json`, records a
DataFrame takes, and the errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import EXAMPLE, FIXTURES

import corrino

#: Half an hour of one and a half requests per second, and few samples: a quick search.
SHORT: dict[str, Any] = {
    "duration_seconds": 1800,
    "load": {"kind": "open-loop", "rate": {"kind": "constant", "rps": 1.5}},
}


def test_the_default_search_matches_the_cli_golden() -> None:
    result = corrino.tune(EXAMPLE, "p95<5s")
    golden = json.loads((FIXTURES / "expected" / "autoscaling-example.tune.json").read_text())
    assert result == golden


def test_records_are_flat_rows_with_the_recipe_and_the_choice_marked() -> None:
    result = corrino.tune(str(EXAMPLE), "p95<30s", SHORT, {"samples": 10, "seed": 3})
    records = result["records"]
    assert records and all(isinstance(row, dict) for row in records)
    assert sum(row["chosen"] for row in records) == 1
    assert sum(row["is_recipe"] for row in records) == 1
    assert {"gpu_hours", "seconds_over_slo", "flaps", "threshold", "max_replicas"} <= set(records[0])
    assert all(not isinstance(value, (dict, list)) for row in records for value in row.values())
    assert result == corrino.tune(EXAMPLE, "p95<30s", json.dumps(SHORT), json.dumps({"samples": 10, "seed": 3}))


def test_errors() -> None:
    with pytest.raises(ValueError, match="p95<5s"):
        corrino.tune(EXAMPLE, "p99<5s")
    with pytest.raises(ValueError, match="search space"):
        corrino.tune(EXAMPLE, "p95<5s", None, {"thresholds": [0.1] * 17})
    with pytest.raises(ValueError, match="search space"):
        corrino.tune(EXAMPLE, "p95<5s", None, {"unknown": 1})
    with pytest.raises(corrino.SimulationError):
        corrino.tune(FIXTURES / "recipes" / "no-autoscaling-a10.json")
    with pytest.raises(corrino.RecipeError):
        corrino.tune({"recipe_mode": "service", "deployment_name": "x"})
