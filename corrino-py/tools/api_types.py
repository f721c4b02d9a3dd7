"""Writes the typed dictionaries of ``python/corrino`` from ``fixtures/api.schema.json`` (itself derived from
corrino-core's types), so that what the functions take and give is defined once, in Rust:

- ``_options.py``: the render options, the keywords of ``render``, ``render_oci`` and ``render_yaml``;
- ``_simulation.py``: a simulation's scenario, settings, timeline, decisions, events and summary, a search's space
  and result, and why a scenario is refused.

    python tools/api_types.py           write the modules
    python tools/api_types.py --check   fail when a module is stale
"""

from __future__ import annotations

import json
import keyword
import pathlib
import re
import sys
import textwrap
from typing import Any, NamedTuple

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA = HERE.parent.parent / "fixtures" / "api.schema.json"
PACKAGE = HERE.parent / "python" / "corrino"
OUT = PACKAGE / "_options.py"

#: Names on the Python side where they differ from the Rust side.
NAMES = {"NodeGroupDiscovery": "Discovery"}


class Module(NamedTuple):
    """One generated module: the definitions it declares (these and what they use, unless another module declares
    it), its docstring and what it imports."""

    path: pathlib.Path
    roots: list[str]
    docstring: list[str]
    imports: list[str]


OPTIONS = Module(
    path=OUT,
    roots=[
        "ScrapeMode",
        "NodeGroupDiscovery",
        "FileSystemExport",
        "AutoscalerTiming",
        "KedaVersion",
        "KubernetesVersion",
        "Target",
        "RenderOptions",
    ],
    docstring=[
        "The render options as typed dictionaries: the keywords of ``render``, ``render_oci`` and ``render_yaml``, and the",
        "target (``keda``, ``kubernetes``) that every function takes.",
        "",
        "Generated from fixtures/api.schema.json (corrino-core's ``RenderOptions``) by tools/api_types.py: do not edit.",
    ],
    imports=[],
)

SIMULATION = Module(
    path=PACKAGE / "_simulation.py",
    roots=[
        "Scenario",
        "SimulationSettings",
        "SimulationSample",
        "ScalingDecision",
        "SimulationEvent",
        "SimulationSummary",
        "ScenarioError",
        "SearchSpace",
        "TuneResult",
    ],
    docstring=[
        "A simulation's and a search's values as typed dictionaries: the ``scenario`` of ``simulate`` and ``tune``,",
        "the parts of a ``Simulation`` (``settings``, ``samples``, ``decisions``, ``events``, ``summary``), the ``space``",
        "and the result of ``tune``, and a ``SimulationError``'s ``details``.",
        "",
        "Generated from fixtures/api.schema.json (corrino-core's ``sim`` and ``tune`` types) by tools/api_types.py: do",
        "not edit.",
    ],
    imports=["from ._options import AutoscalerTiming, Target"],
)

MODULES = [OPTIONS, SIMULATION]


def name(definition: str) -> str:
    return NAMES.get(definition, definition)


def ref_name(schema: dict[str, Any]) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[1]


def camel(kebab: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", kebab))


def comment(text: str, indent: str) -> list[str]:
    """A description as ``#:`` comment lines (Sphinx' attribute docs), joined and rewrapped."""
    words = " ".join(text.split())
    return [
        f"{indent}#: {line}"
        for line in textwrap.wrap(words, 116 - len(indent), break_on_hyphens=False)
    ]


def annotation(schema: dict[str, Any] | bool) -> str:
    """The Python type of a schema: references by name, nullable types as ``Optional``."""
    if schema is True or schema == {}:
        return "Any"
    assert isinstance(schema, dict)
    if "$ref" in schema:
        return name(ref_name(schema))
    if "enum" in schema:
        return f"Literal[{', '.join(json.dumps(v) for v in schema['enum'])}]"
    if "const" in schema:
        return f"Literal[{json.dumps(schema['const'])}]"
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        inner = annotation({**schema, "type": others[0]})
        return f"Optional[{inner}]" if "null" in kind else inner
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf", schema.get("oneOf"))
        forms = [annotation(option) for option in options if option.get("type") != "null"]
        union = forms[0] if len(forms) == 1 else f"Union[{', '.join(forms)}]"
        nullable = any(option.get("type") == "null" for option in options)
        return f"Optional[{union}]" if nullable else union
    if kind == "string":
        return "str"
    if kind == "integer":
        return "int"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "bool"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"Mapping[str, {annotation(schema['additionalProperties'])}]"
    if kind == "array" and "prefixItems" in schema:
        items = ", ".join(annotation(item) for item in schema["prefixItems"])
        return f"Tuple[{items}]"
    if kind == "array" and "items" in schema:
        return f"List[{annotation(schema['items'])}]"
    raise SystemExit(f"no Python type for {json.dumps(schema)}")


def references(schema: Any) -> list[str]:
    """The definitions a schema refers to, in the order written."""
    if isinstance(schema, list):
        return [r for item in schema for r in references(item)]
    if not isinstance(schema, dict):
        return []
    found = [ref_name(schema)] if "$ref" in schema else []
    return found + [r for value in schema.values() for r in references(value)]


def tagged_forms(schema: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The forms of a tagged union (each an object whose `kind` is a constant), with the fields every form shares
    (serde's `flatten` beside the tag, such as an event's time) written into each; ``None`` for anything else."""
    forms = schema.get("oneOf")
    if not isinstance(forms, list) or not all(
        form.get("type") == "object" and "const" in form.get("properties", {}).get("kind", {}) for form in forms
    ):
        return None
    shared = schema.get("properties", {})
    return [
        {
            **form,
            "properties": {**shared, **form["properties"]},
            "required": [*schema.get("required", []), *form.get("required", [])],
        }
        for form in forms
    ]


def definition(key: str, schema: dict[str, Any]) -> list[str]:
    """One definition: a ``Literal`` alias for a string enum, a ``TypedDict`` for an object, a ``Union`` for the
    forms of a value (a ``TypedDict`` for each form of a tagged union, named by its ``kind``)."""
    py = name(key)
    out: list[str] = []
    if "oneOf" in schema and all("const" in option for option in schema["oneOf"]):
        out += comment(schema.get("description", ""), "")
        values = ", ".join(json.dumps(option["const"]) for option in schema["oneOf"])
        out.append(f"{py} = Literal[{values}]")
        return out
    if schema.get("type") == "string" and "enum" in schema:
        out += comment(schema.get("description", ""), "")
        out.append(f"{py} = {annotation(schema)}")
        return out
    forms = tagged_forms(schema)
    if forms is not None:
        names = []
        for form in forms:
            form_name = f"{py}{camel(form['properties']['kind']['const'])}"
            out += typed_dict(form_name, form)
            out += ["", ""]
            names.append(form_name)
        out += comment(schema.get("description", ""), "")
        out.append(f"{py} = Union[{', '.join(names)}]")
        return out
    if "anyOf" in schema:
        alternatives: list[str] = []
        for option in schema["anyOf"]:
            if option.get("type") == "object":
                fields = f"{py}Fields"
                out += typed_dict(fields, option)
                out += ["", ""]
                alternatives.append(fields)
            else:
                alternatives.append(annotation(option))
        out += comment(schema.get("description", ""), "")
        out.append(f"{py} = Union[{', '.join(alternatives)}]")
        return out
    if schema.get("type") == "object":
        return typed_dict(py, schema)
    raise SystemExit(f"no Python form for {key}")


def typed_dict(py: str, schema: dict[str, Any]) -> list[str]:
    """A ``TypedDict``: keys the schema requires are required, the others may be left out. A dictionary with both
    kinds is two classes, the required keys in a base class (``Required`` needs Python 3.11)."""
    properties: dict[str, Any] = schema.get("properties", {})
    required = [field for field in properties if field in schema.get("required", [])]
    optional = [field for field in properties if field not in required]
    description = " ".join(schema.get("description", "").split())

    def body(fields: list[str]) -> list[str]:
        out: list[str] = []
        for field in fields:
            field_schema = properties[field]
            text = field_schema.get("description", "") if isinstance(field_schema, dict) else ""
            default = field_schema.get("default") if isinstance(field_schema, dict) else None
            if default not in (None, {}, []):
                text += f" Default: ``{json.dumps(default)}``."
            out += comment(text, "    ")
            out.append(f"    {field}: {annotation(field_schema)}")
        return out

    def docstring() -> list[str]:
        if not description:
            return []
        lines = textwrap.wrap(description, 112)
        out = [f'    """{line}' if i == 0 else f"    {line}" for i, line in enumerate(lines)]
        out[-1] += '"""'
        return [*out, ""]

    if any(keyword.iskeyword(field) for field in properties):
        return functional_typed_dict(py, properties, required, description)
    if required and optional:
        base = f"_{py}Required"
        return [
            f"class {base}(TypedDict, total=True):",
            *body(required),
            "",
            "",
            f"class {py}({base}, total=False):",
            *docstring(),
            *body(optional),
        ]
    total = bool(required) or not properties
    return [f"class {py}(TypedDict, total={total}):", *docstring(), *body(required or optional)]


def functional_typed_dict(
    py: str, properties: dict[str, Any], required: list[str], description: str
) -> list[str]:
    """A ``TypedDict`` with a key that is a Python keyword (an event's ``from``), which only the functional syntax
    can declare; such a dictionary has all its keys required."""
    assert len(required) == len(properties), f"{py}: optional keys beside a keyword"
    out = comment(description, "")
    out.append(f'{py} = TypedDict("{py}", {{')
    for field, field_schema in properties.items():
        out += comment(field_schema.get("description", ""), "    ")
        out.append(f'    "{field}": {annotation(field_schema)},')
    out.append("})")
    return out


def wrapped(line: str) -> list[str]:
    """An alias of a long ``Union`` or ``Literal`` over several lines, as a formatter would write it."""
    head, sep, rest = line.partition(" = ")
    if len(line) <= 120 or not sep or not rest.endswith("]") or "[" not in rest:
        return [line]
    outer, _, inner = rest[:-1].partition("[")
    return [f"{head} = {outer}[", *(f"    {item.strip()}," for item in inner.split(", ")), "]"]


def module(which: Module = OPTIONS) -> str:
    schema = json.loads(SCHEMA.read_text())
    definitions: dict[str, Any] = schema["$defs"]
    # A definition belongs to the first module that uses it; later ones import it.
    earlier = MODULES[: MODULES.index(which)]
    elsewhere = {key for other in earlier for key in declared(other, definitions)}
    body: list[str] = []
    for key in declared(which, definitions):
        if key in elsewhere:
            continue
        body += [part for line in definition(key, definitions[key]) for part in wrapped(line)]
        body += ["", ""]
    # The public names: every alias and class the module declares, but the base classes of required keys and the
    # object forms of a plain union (`…Fields`), as before.
    names = sorted(
        {
            match.group(1)
            for match in re.finditer(r"^(?:class )?([A-Z]\w*)(?: = |\()", "\n".join(body), re.MULTILINE)
            if not match.group(1).endswith("Fields")
        }
    )
    code = "\n".join(line for line in body if not line.lstrip().startswith(("#", '"""')) and not line.startswith("    ") or re.match(r"^    \w+: ", line))
    typing = [t for t in ("Any", "List", "Literal", "Optional", "Tuple", "TypedDict", "Union") if re.search(rf"\b{t}\b", code)]
    header = ['"""' + which.docstring[0], *which.docstring[1:], '"""', ""]
    if "Mapping[" in code:
        header.append("from collections.abc import Mapping")
    header.append(f"from typing import {', '.join(typing)}")
    if which.imports:
        header += ["", *which.imports]
    exports = "__all__ = [" + ", ".join(json.dumps(n) for n in names) + "]"
    if len(exports) > 120:
        exports = "\n".join(["__all__ = [", *(f"    {json.dumps(n)}," for n in names), "]"])
    header += ["", exports, "", ""]
    return "\n".join(header + body).rstrip() + "\n"


def declared(which: Module, definitions: dict[str, Any]) -> list[str]:
    """The definitions a module declares, each after those it uses (the class bodies are evaluated in order)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        for used in references(definitions[key]):
            if used in definitions:
                visit(used)
        order.append(key)

    for root in which.roots:
        visit(root)
    return order


if __name__ == "__main__":
    stale = []
    for which in MODULES:
        text = module(which)
        if "--check" in sys.argv:
            if not which.path.exists() or which.path.read_text() != text:
                stale.append(which.path.name)
        else:
            which.path.write_text(text)
    if stale:
        sys.exit(f"python/corrino/{', '.join(stale)} stale: run `python tools/api_types.py`")
