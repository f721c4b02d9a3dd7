"""corrino.validate beside a pydantic v2 model of the same recipe fields, on the same dict.

    python corrino-py/benchmarks/bench_validate.py [--number N] [--repeat R]

Both validate `fixtures/recipes/autoscaling-example.json`, loaded once as a dict. The pydantic model only checks
types and unknown fields of the fields that recipe uses; corrino also reads the recipe through its size and depth
limits, canonicalises the name, checks the shape, GPUs, probes, image and autoscaling rules and plans capacity.
Each figure is the best of R runs of N calls, per call. The third line, the file's bytes, is corrino-core's own
time: the difference to the first is the conversion of the dict.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import timeit
from typing import Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict

import corrino

RECIPE = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "recipes" / "autoscaling-example.json"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Probe(Strict):
    failure_threshold: Optional[int] = None
    endpoint_path: Optional[str] = None
    port: Optional[int] = None
    scheme: Optional[Literal["HTTP", "HTTPS"]] = None
    initial_delay_seconds: Optional[int] = None
    period_seconds: Optional[int] = None
    success_threshold: Optional[int] = None
    timeout_seconds: Optional[int] = None


class PodAutoscaling(Strict):
    min_replicas: Optional[int] = None
    max_replicas: int
    scaling_threshold: Optional[float] = None


class NodeAutoscaling(Strict):
    min_nodes: int
    max_nodes: int


class Recipe(Strict):
    recipe_id: Optional[str] = None
    recipe_mode: Literal["service", "job", "update", "shared_node_pool", "team"]
    deployment_name: str
    recipe_image_uri: Optional[str] = None
    recipe_node_shape: Optional[str] = None
    recipe_container_port: Optional[str] = None
    recipe_nvidia_gpu_count: Optional[int] = None
    recipe_replica_count: Optional[int] = None
    recipe_node_pool_size: Optional[int] = None
    recipe_node_boot_volume_size_in_gbs: Optional[int] = None
    recipe_ephemeral_storage_size: Optional[int] = None
    recipe_shared_memory_volume_size_limit_in_mb: Optional[int] = None
    recipe_container_command_args: Optional[list[str]] = None
    recipe_startup_probe_params: Optional[Probe] = None
    recipe_liveness_probe_params: Optional[Probe] = None
    recipe_readiness_probe_params: Optional[Probe] = None
    recipe_pod_autoscaling_params: Optional[PodAutoscaling] = None
    recipe_node_autoscaling_params: Optional[NodeAutoscaling] = None


def per_call(stmt: Callable[[], object], number: int) -> float:
    """One run of `number` calls, in microseconds per call."""
    return timeit.timeit(stmt, number=number) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    recipe = json.loads(RECIPE.read_text())
    text = RECIPE.read_bytes()
    # Both accept the recipe, so that each side does its whole work.
    assert not [d for d in corrino.validate(recipe) if d.severity == "error"]
    Recipe.model_validate(recipe)

    cases: dict[str, Callable[[], object]] = {
        "corrino.validate(dict)": lambda: corrino.validate(recipe),
        "pydantic Recipe.model_validate(dict)": lambda: Recipe.model_validate(recipe),
        "corrino.validate(bytes of the file)": lambda: corrino.validate(text),
    }
    # The runs take turns, so that a change in the machine's load touches every case alike; the best run counts.
    best = {name: float("inf") for name in cases}
    for _ in range(args.repeat):
        for name, stmt in cases.items():
            best[name] = min(best[name], per_call(stmt, args.number))
    for name, micros in best.items():
        print(f"{name:38} {micros:7.2f} µs")
    ratio = best["corrino.validate(dict)"] / best["pydantic Recipe.model_validate(dict)"]
    print(f"{'ratio corrino / pydantic (dict)':38} {ratio:7.2f}")


if __name__ == "__main__":
    main()
