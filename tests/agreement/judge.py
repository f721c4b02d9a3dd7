"""Judges documents by upstream's JSON Schema, as upstream's server does before it accepts a deployment.

Usage: judge.py SCHEMA < documents.jsonl > verdicts.jsonl

Each input line is a JSON document: a recipe, judged by ``$defs/recipe_payload`` with ``unevaluatedProperties:
false``, or a deployment group (a document with ``deployment_group``), judged by the ``deployment_group`` property of
the combined schema, each member's recipe being judged as a recipe too. Each output line is the list of the schema's
errors, ``[]`` for a document the schema accepts: ``{"path": JSON pointer, "message": ...}``, sorted.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema


def pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        combined = json.load(file)
    dialect = combined.get("$schema", "https://json-schema.org/draft/2020-12/schema")
    recipe = {
        "$schema": dialect,
        "$defs": combined["$defs"],
        "$ref": "#/$defs/recipe_payload",
        "unevaluatedProperties": False,
    }
    group = {
        "$schema": dialect,
        "$defs": combined["$defs"],
        "type": "object",
        "properties": {"deployment_group": combined["properties"]["deployment_group"]},
        "required": ["deployment_group"],
        "unevaluatedProperties": False,
    }
    validators = {
        name: jsonschema.Draft202012Validator(schema) for name, schema in (("recipe", recipe), ("group", group))
    }
    for validator in validators.values():
        validator.check_schema(validator.schema)
    out = sys.stdout
    for line in sys.stdin:
        document = json.loads(line)
        kind = "group" if isinstance(document, dict) and "deployment_group" in document else "recipe"
        found = [(list(e.absolute_path), e.message) for e in validators[kind].iter_errors(document)]
        if kind == "group":
            deployments = document["deployment_group"].get("deployments") if isinstance(document["deployment_group"], dict) else None
            for i, member in enumerate(deployments if isinstance(deployments, list) else []):
                if isinstance(member, dict) and isinstance(member.get("recipe"), dict):
                    at = ["deployment_group", "deployments", i, "recipe"]
                    found += [(at + list(e.absolute_path), e.message) for e in validators["recipe"].iter_errors(member["recipe"])]
        errors = sorted({(pointer(path), message[:300]) for path, message in found})
        out.write(json.dumps([{"path": path, "message": message} for path, message in errors]) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
