"""The forms a recipe may take, and what each gives: a mapping, JSON or YAML text, bytes, a path."""

from __future__ import annotations

import collections
import enum
import json
import pathlib
import types
from typing import Any

import pytest
from conftest import EXAMPLE, FIXTURES

import corrino

YAML = FIXTURES / "recipes" / "autoscaling-example.yaml"


def recipe() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return loaded


def errors(value: Any) -> list[tuple[str, str]]:
    return [(d.code, d.path) for d in corrino.validate(value) if d.severity == "error"]


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(lambda: recipe(), id="dict"),
        pytest.param(lambda: collections.OrderedDict(recipe()), id="OrderedDict"),
        pytest.param(lambda: types.MappingProxyType(recipe()), id="mapping"),
        pytest.param(lambda: json.dumps(recipe()), id="JSON str"),
        pytest.param(lambda: YAML.read_text(), id="YAML str"),
        pytest.param(lambda: EXAMPLE.read_bytes(), id="bytes"),
        pytest.param(lambda: bytearray(YAML.read_bytes()), id="bytearray"),
        pytest.param(lambda: EXAMPLE, id="Path"),
        pytest.param(lambda: str(YAML), id="str path"),
    ],
)
def test_every_form_gives_the_same_plan(form: Any) -> None:
    expected = corrino.plan(EXAMPLE)
    assert corrino.plan(form()) == expected
    assert corrino.validate(form()) == expected.diagnostics


def test_a_mapping_is_read_in_its_key_order() -> None:
    typos = {"recipe_node_shap": "VM.GPU.A10.2", "max_replica": 4, "deployment_nam": "x"}
    text = json.dumps({**recipe(), **typos})
    unknown = [d.path for d in corrino.validate(json.loads(text)) if d.code == "unknown-field"]
    assert unknown == ["/recipe_node_shap", "/max_replica", "/deployment_nam"]
    assert corrino.validate(json.loads(text)) == corrino.validate(text)


def test_mappings_meet_the_limits_of_files() -> None:
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(200):
        inner["a"] = {}
        inner = inner["a"]
    assert errors({**recipe(), "recipe_node_labels": deep}) == [("too-deep", "")]
    big = {**recipe(), "recipe_container_env": [{"key": f"K{i}", "value": "v" * 100} for i in range(20000)]}
    assert errors(big) == [("input-too-large", "")]
    huge = {**recipe(), "recipe_nvidia_gpu_count": 99999999999999999999}
    assert ("out-of-range", "/recipe_nvidia_gpu_count") in errors(huge)


def test_values_json_cannot_hold_are_refused_as_json_dumps_refuses_them() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        corrino.validate({**recipe(), "recipe_nvidia_gpu_count": float("nan")})
    with pytest.raises(TypeError, match="not JSON serializable"):
        corrino.validate({**recipe(), "recipe_container_command_args": {"--model"}})
    # Nesting past Python's recursion limit is too deep, as its text is (tests/test_dict_input.py has more).
    deep: list[Any] = []
    inner = deep
    for _ in range(100_000):
        inner.append([])
        inner = inner[0]
    assert errors({**recipe(), "recipe_node_labels": deep}) == [("too-deep", "")]


def test_python_values_are_written_as_json_dumps_writes_them() -> None:
    class Count(enum.IntEnum):
        ONE = 1

    class Mode(str, enum.Enum):
        SERVICE = "service"

    same = {
        **recipe(),
        "recipe_mode": Mode.SERVICE,
        "recipe_nvidia_gpu_count": Count.ONE,
        "recipe_container_command_args": tuple(recipe()["recipe_container_command_args"]),
    }
    assert corrino.plan(same) == corrino.plan(EXAMPLE)
    escaped = {**recipe(), "deployment_name": 'quote " backslash \\ newline \n tab \t bell \x07 é'}
    assert corrino.validate(escaped) == corrino.validate(json.dumps(escaped))
    assert errors({**recipe(), "recipe_nvidia_gpu_count": True}) == [("wrong-type", "/recipe_nvidia_gpu_count")]
    int_key: dict[Any, Any] = {**recipe(), 1: "x"}
    assert ("unknown-field", "/1") in errors(int_key)


def test_a_str_is_text_when_blank_multiline_or_braced_and_a_path_otherwise(tmp_path: pathlib.Path) -> None:
    assert errors("") == [("empty-input", "")]
    assert errors("   ") == [("empty-input", "")]
    assert errors("[1, 2]") == [("not-an-object", "")]
    assert errors('{"recipe_mode": "job", "deployment_name": "x"') == [("syntax", "")]
    assert errors("recipe_mode: job\ndeployment_name: x\n") == errors(b"recipe_mode: job\ndeployment_name: x\n")
    with pytest.raises(FileNotFoundError) as missing:
        corrino.validate("recipe_mode: job")
    assert missing.value.filename == "recipe_mode: job"
    with pytest.raises(IsADirectoryError):
        corrino.validate(tmp_path)
    with pytest.raises(FileNotFoundError):
        corrino.plan(tmp_path / "nothing.json")


def test_files_are_read_as_bytes() -> None:
    assert errors(FIXTURES / "invalid" / "invalid-utf8.json") == [("invalid-utf8", "")]


@pytest.mark.parametrize("value", [None, 3, 1.5, ["recipe"], memoryview(b"{}"), object()])
def test_other_types_are_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="a recipe is a dict"):
        corrino.validate(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        corrino.render(value)  # type: ignore[arg-type]
