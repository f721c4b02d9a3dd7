"""The notebook tables (`_repr_html_`): readable, and every piece of the recipe escaped."""

from __future__ import annotations

import json
from typing import Any

from conftest import EXAMPLE, read

import corrino

HOSTILE = "<script>alert(\"x\" & 'y')</script>"


def hostile_recipe() -> dict[str, Any]:
    recipe: dict[str, Any] = json.loads(EXAMPLE.read_text())
    recipe["deployment_name"] = HOSTILE
    recipe[HOSTILE] = 1
    return recipe


def test_the_diagnostics_table_escapes_what_the_recipe_holds() -> None:
    diagnostics = corrino.validate(hostile_recipe())
    table = diagnostics._repr_html_()
    assert "<script" not in table and "&lt;script&gt;" in table
    assert "&amp;" in table and "&quot;" in table and "&#x27;" in table
    reader = read(table)
    assert "script" not in reader.tags
    assert set(reader.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "code"}
    # Read back, the table holds the diagnostics' own text.
    text = "".join(reader.text)
    for d in diagnostics:
        assert d.message in text and (d.path or "/") in text
    assert "/<script>alert(\"x\" & 'y')<~1script>" in text


def test_the_plan_table_shows_the_resolved_values_then_the_diagnostics() -> None:
    plan = corrino.plan(EXAMPLE)
    text = "".join(read(plan._repr_html_()).text)
    for expected in ("autoscalevllmexample", "VM.GPU.A10.2 (2 × NVIDIA A10 24 GB)", "2 replica(s) per node",
                     "threshold 0.1 (recipe)", "1 to 2 nodes", "name-canonicalised"):
        assert expected in text
    hostile = corrino.plan(hostile_recipe())._repr_html_()
    assert "<script" not in hostile and "script" not in read(hostile).tags


def test_an_empty_list_and_a_single_diagnostic_have_tables_too() -> None:
    assert corrino.Diagnostics()._repr_html_() == "<p>No problems found.</p>"
    d = corrino.Diagnostic("", "syntax", "error", "a <b>")
    assert "a &lt;b&gt;" in d._repr_html_()
    assert d._repr_html_() == corrino.Diagnostics([d])._repr_html_()


def test_a_recipe_error_shows_its_diagnostics() -> None:
    try:
        corrino.render(hostile_recipe())
    except corrino.RecipeError as error:
        assert error._repr_html_() == error.diagnostics._repr_html_()
    else:
        raise AssertionError("a recipe with errors rendered")
