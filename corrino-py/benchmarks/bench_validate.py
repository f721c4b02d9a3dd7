"""corrino.validate beside a pydantic v2 model of the whole recipe format, on the same dicts.

    python corrino-py/benchmarks/bench_validate.py [--number N] [--repeat R] [--members M]

Two payloads, each loaded once as a dict: `fixtures/recipes/autoscaling-example.json` (upstream's autoscaling
sample) and a deployment group of M members (by default 100: chat front ends, each depending on a vLLM service of
its own, as `fixtures/recipes/deployment-group-chat.json` pairs them). The yardstick is `recipe_model.py`: every
field of upstream's and corrino's JSON Schemas with its type and bounds, the required keys, unknown keys refused,
strict types. corrino does all it does: reads the dict through its size and depth limits, canonicalises names,
checks shapes, GPUs, probes, images, autoscaling and PromQL, plans capacity, and assesses each model (memory, KV
cache, start-up time).

Per payload, each line is the best of R runs of N calls, per call:

- `corrino.validate(dict)` and `pydantic Payload.validate_python(dict)`, and their ratio: the target is at most 1;
- `corrino.validate(bytes)`: the same payload as JSON text, read by corrino-core's own JSON reader;
- `reading the dict`: the walk of the dict into corrino-core's tree alone (no rule run), the part of
  `corrino.validate(dict)` that the dict adds; the rest is planning, the floor no conversion can lower.
"""

from __future__ import annotations

import argparse
import copy
import json
import pathlib
import sys
import timeit
from typing import Any, Callable

import corrino
from corrino import _corrino

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from recipe_model import Payload, Recipe  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "recipes" / "autoscaling-example.json"
GROUP = ROOT / "fixtures" / "recipes" / "deployment-group-chat.json"
SCHEMA = ROOT / "fixtures" / "recipe.schema.json"


def large_group(members: int) -> dict[str, Any]:
    """A deployment group of `members` members: pairs of the chat group's front end and its vLLM service."""
    chat: dict[str, Any] = json.loads(GROUP.read_text())
    ui, vllm = chat["deployment_group"]["deployments"]
    deployments = []
    for i in range(members // 2):
        pair_ui, pair_vllm = copy.deepcopy(ui), copy.deepcopy(vllm)
        pair_ui["name"], pair_vllm["name"] = f"chat_ui_{i}", f"vllm_{i}"
        pair_ui["recipe"]["deployment_name"] = f"chat-ui-{i}"
        pair_vllm["recipe"]["deployment_name"] = f"vllm-{i}"
        pair_ui["depends_on"] = [f"vllm_{i}"]
        pair_ui["recipe"]["recipe_container_env"] = [
            {"key": "OPENAI_API_BASE_URL", "value": f"http://${{vllm_{i}.internal_dns_name}}/v1"},
            {"key": "WEBUI_URL", "value": f"${{chat_ui_{i}.service_url}}"},
        ]
        deployments += [pair_ui, pair_vllm]
    return {"deployment_group": {"name": "chat", "deployments": deployments}}


def check_the_model_covers_the_format() -> None:
    """The pydantic model has every field of corrino's schema, object by object (upstream's are a subset)."""
    schema = json.loads(SCHEMA.read_text())
    fields = set(schema["properties"]) - {"deployment_group"}
    missing = fields - set(Recipe.model_fields)
    assert not missing, f"the pydantic model lacks {sorted(missing)}"


def per_call(stmt: Callable[[], object], number: int) -> float:
    """One run of `number` calls, in microseconds per call."""
    return timeit.timeit(stmt, number=number) / number * 1e6


def bench(name: str, payload: dict[str, Any], number: int, repeat: int) -> None:
    text = json.dumps(payload).encode()
    # Both accept the payload, so that each side does its whole work.
    errors = [d for d in corrino.validate(payload) if d.severity == "error"]
    assert not errors, errors
    Payload.validate_python(payload)
    cases: dict[str, Callable[[], object]] = {
        "corrino.validate(dict)": lambda: corrino.validate(payload),
        "pydantic Payload.validate_python(dict)": lambda: Payload.validate_python(payload),
        "corrino.validate(bytes)": lambda: corrino.validate(text),
        "reading the dict": lambda: _corrino._read_recipe(payload),
    }
    # The runs take turns, so that a change in the machine's load touches every case alike; the best run counts.
    best = {case: float("inf") for case in cases}
    for _ in range(repeat):
        for case, stmt in cases.items():
            best[case] = min(best[case], per_call(stmt, number))
    print(f"{name} ({len(text)} bytes as JSON)")
    for case, micros in best.items():
        print(f"  {case:40} {micros:9.2f} µs")
    dict_time, pydantic_time = best["corrino.validate(dict)"], best["pydantic Payload.validate_python(dict)"]
    floor = dict_time - best["reading the dict"]
    print(f"  {'planning (validate(dict) - reading)':40} {floor:9.2f} µs")
    print(f"  {'ratio corrino / pydantic':40} {dict_time / pydantic_time:9.2f}")
    print(f"  {'floor: planning / pydantic':40} {floor / pydantic_time:9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=1000, help="calls per run, for the sample (default 1000)")
    parser.add_argument("--repeat", type=int, default=15, help="runs, best counts (default 15)")
    parser.add_argument("--members", type=int, default=100, help="members of the large group (default 100)")
    args = parser.parse_args()
    check_the_model_covers_the_format()
    bench("autoscaling sample", json.loads(EXAMPLE.read_text()), args.number, args.repeat)
    group = large_group(args.members)
    bench(f"deployment group of {args.members} members", group, max(1, args.number // args.members), args.repeat)


if __name__ == "__main__":
    main()
