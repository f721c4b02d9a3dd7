"""Writes ``python/corrino/_options.py``, the typed dictionaries of the render options, from
``fixtures/api.schema.json`` (itself derived from corrino-core's types), so that the keywords of ``render``,
``render_oci`` and ``render_yaml`` are defined once, in Rust.

    python tools/api_types.py           write the module
    python tools/api_types.py --check   fail when the module is stale
"""

from __future__ import annotations

import json
import pathlib
import sys
import textwrap
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA = HERE.parent.parent / "fixtures" / "api.schema.json"
OUT = HERE.parent / "python" / "corrino" / "_options.py"

#: The definitions written, in order: what ``RenderOptions`` refers to, then itself.
ROOTS = [
    "ScrapeMode",
    "NodeGroupDiscovery",
    "FileSystemExport",
    "AutoscalerTiming",
    "KedaVersion",
    "KubernetesVersion",
    "RenderOptions",
]

#: Names on the Python side where they differ from the Rust side.
NAMES = {"NodeGroupDiscovery": "Discovery"}


def name(definition: str) -> str:
    return NAMES.get(definition, definition)


def comment(text: str, indent: str) -> list[str]:
    """A description as ``#:`` comment lines (Sphinx' attribute docs), joined and rewrapped."""
    words = " ".join(text.split())
    return [
        f"{indent}#: {line}"
        for line in textwrap.wrap(words, 116 - len(indent), break_on_hyphens=False)
    ]


def annotation(schema: dict[str, Any], inline: list[str]) -> str:
    """The Python type of a schema: references by name, nullable types as ``Optional``."""
    if "$ref" in schema:
        return name(schema["$ref"].rsplit("/", 1)[1])
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        inner = annotation({**schema, "type": others[0]}, inline)
        return f"Optional[{inner}]" if "null" in kind else inner
    if kind == "string":
        return "str"
    if kind == "integer":
        return "int"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "bool"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"Mapping[str, {annotation(schema['additionalProperties'], inline)}]"
    if kind == "array" and "prefixItems" in schema:
        items = ", ".join(annotation(item, inline) for item in schema["prefixItems"])
        return f"Tuple[{items}]"
    raise SystemExit(f"no Python type for {json.dumps(schema)}")


def definition(key: str, schema: dict[str, Any]) -> list[str]:
    """One definition: a ``Literal`` alias for a string enum, a ``TypedDict`` for an object, a ``Union`` for the
    forms of a value."""
    py = name(key)
    out: list[str] = []
    if "oneOf" in schema and all("const" in option for option in schema["oneOf"]):
        out += comment(schema.get("description", ""), "")
        values = ", ".join(json.dumps(option["const"]) for option in schema["oneOf"])
        out.append(f"{py} = Literal[{values}]")
        return out
    if "anyOf" in schema:
        forms: list[str] = []
        for option in schema["anyOf"]:
            if option.get("type") == "object":
                fields = f"{py}Fields"
                out += typed_dict(fields, option, total=True)
                out += ["", ""]
                forms.append(fields)
            else:
                forms.append(annotation(option, []))
        out += comment(schema.get("description", ""), "")
        out.append(f"{py} = Union[{', '.join(forms)}]")
        return out
    if schema.get("type") == "object":
        return typed_dict(py, schema, total=False)
    raise SystemExit(f"no Python form for {key}")


def typed_dict(py: str, schema: dict[str, Any], total: bool) -> list[str]:
    out = [f"class {py}(TypedDict, total={total}):"]
    description = " ".join(schema.get("description", "").split())
    if description:
        out += [f'    """{line}' if i == 0 else f"    {line}" for i, line in enumerate(textwrap.wrap(description, 112))]
        out[-1] += '"""'
        out.append("")
    for field, field_schema in schema.get("properties", {}).items():
        description = field_schema.get("description", "")
        if "default" in field_schema and field_schema["default"] not in (None, {}, []):
            description += f" Default: ``{json.dumps(field_schema['default'])}``."
        out += comment(description, "    ")
        out.append(f"    {field}: {annotation(field_schema, [])}")
    return out


def module() -> str:
    schema = json.loads(SCHEMA.read_text())
    definitions = schema["$defs"]
    body: list[str] = []
    for key in ROOTS:
        body += definition(key, definitions[key])
        body += ["", ""]
    header = [
        '"""The render options as typed dictionaries: the keywords of ``render``, ``render_oci`` and ``render_yaml``.',
        "",
        "Generated from fixtures/api.schema.json (corrino-core's ``RenderOptions``) by tools/api_types.py: do not edit.",
        '"""',
        "",
        "from collections.abc import Mapping",
        "from typing import Literal, Optional, Tuple, TypedDict, Union",
        "",
        f"__all__ = [{', '.join(json.dumps(name(key)) for key in sorted(ROOTS, key=name))}]",
        "",
        "",
    ]
    return "\n".join(header + body).rstrip() + "\n"


if __name__ == "__main__":
    text = module()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit("python/corrino/_options.py is stale: run `python tools/api_types.py`")
    else:
        OUT.write_text(text)
