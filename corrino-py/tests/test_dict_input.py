"""A dict is read straight into corrino-core's tree, and refused exactly where its JSON text would be.

Each case compares `corrino.validate(value)` with `corrino.validate(text)`, where `text` is what
`json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))` writes, encoded as UTF-8: the same
diagnostics (codes, paths, messages, hints), or the same exception where `json.dumps` or the encoding raises. One
message differs by design: past the 1 MiB limit a dict is not measured to its end, so its `input-too-large` says
"more than" rather than the size.
"""

from __future__ import annotations

import collections
import enum
import json
import types
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from conftest import EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corrino

LIMIT = 1024 * 1024


def recipe(**changes: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return {**loaded, **changes}


def text_of(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def codes(diagnostics: corrino.Diagnostics) -> list[tuple[str, str]]:
    return [(d.code, d.path) for d in diagnostics]


def read_as_text(value: dict[Any, Any], text: bytes | None = None) -> corrino.Diagnostics:
    """Asserts that `value` is read as its JSON text (`text` when given: for values `json.dumps` cannot write, such
    as nesting past Python's recursion limit), and returns the diagnostics."""
    if text is None:
        try:
            text = text_of(value)
        except (TypeError, ValueError, RecursionError) as refused:
            with pytest.raises(type(refused)):
                corrino.validate(value)
            return corrino.Diagnostics([])
    got = corrino.validate(value)
    expected = corrino.validate(text)
    if len(text) > LIMIT:
        assert codes(got) == codes(expected) == [("input-too-large", "")]
        assert f"more than {LIMIT} bytes (1 MiB) as JSON text" in got[0].message
        assert got[0].hint == expected[0].hint
    else:
        assert got == expected
        if not any(d.severity == "error" for d in got):
            assert corrino.plan(value) == corrino.plan(text)
    return got


def short(value: object) -> str:
    """A test id: the value's repr, cut short (an integer of 5000 digits has none: Python refuses to write it)."""
    try:
        text = repr(value)
    except ValueError:
        return f"a {type(value).__name__} too long to write"
    return text if len(text) <= 40 else f"{text[:37]}..."


def nested(levels: int, innermost: Any = None) -> Any:
    value = innermost
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize("levels", [1, 60, 61, 62, 63, 64, 200])
@pytest.mark.parametrize("innermost", [None, [], {}, [1, "x"], {"a": {}}], ids=short)
def test_nesting_is_refused_at_the_depth_of_the_text(levels: int, innermost: Any) -> None:
    # The recipe's object is the first level, `recipe_node_labels` the second.
    read_as_text(recipe(recipe_node_labels=nested(levels, innermost)))


def test_nesting_past_pythons_recursion_limit_is_too_deep_not_a_recursion_error() -> None:
    deep: list[Any] = []
    inner = deep
    for _ in range(100_000):
        inner.append([])
        inner = inner[0]
    value = recipe(recipe_node_labels=deep)
    text = text_of(recipe(recipe_node_labels="@")).replace(b'"@"', b"[" * 100_001 + b"]" * 100_001)
    assert codes(read_as_text(value, text)) == [("too-deep", "")]
    # Past 1 MiB of brackets the size comes first, as in the text.
    deeper: list[Any] = []
    inner = deeper
    for _ in range(600_000):
        inner.append([])
        inner = inner[0]
    assert codes(corrino.validate(recipe(recipe_node_labels=deeper))) == [("input-too-large", "")]


def test_a_dict_that_holds_itself_is_refused_as_json_dumps_refuses_it() -> None:
    labels: dict[str, Any] = {}
    labels["self"] = labels
    looped: list[Any] = [1]
    looped.append([looped])
    for value in (recipe(recipe_node_labels=labels), recipe(recipe_container_command_args=looped)):
        with pytest.raises(ValueError, match="Circular reference detected"):
            json.dumps(value)
        with pytest.raises(ValueError, match="Circular reference detected"):
            corrino.validate(value)


def test_the_size_limit_holds_on_the_text_to_the_byte() -> None:
    base = len(text_of(recipe(recipe_id="")))
    for extra, fits in [(0, True), (1, False)]:
        value = recipe(recipe_id="x" * (LIMIT - base + extra))
        assert len(text_of(value)) == LIMIT + extra
        assert (codes(read_as_text(value)) == [("input-too-large", "")]) != fits
    # Escapes count as the text writes them: `\n` two bytes, `\u0001` six, `é` two, `😀` four.
    for piece, size in [("\n", 2), ("\x01", 6), ("é", 2), ("😀", 4), ('"', 2), ("\b", 2)]:
        for extra, fits in [(0, True), (size, False)]:
            value = recipe(recipe_id="x" * (LIMIT - base - size + extra) + piece)
            assert len(text_of(value)) == LIMIT + extra
            assert (codes(read_as_text(value)) == [("input-too-large", "")]) != fits


def test_a_value_referenced_many_times_counts_every_time() -> None:
    # Python's answer to YAML aliases: one string, a thousand references, a 100 MB text.
    big = "x" * 100_000
    assert codes(read_as_text(recipe(recipe_container_command_args=[big] * 1000))) == [("input-too-large", "")]
    # A list that holds a list twice, twenty times over: 2^20 copies in its text, refused without walking them all.
    doubled: list[Any] = ["x" * 10]
    for _ in range(40):
        doubled = [doubled, doubled]
    assert codes(corrino.validate(recipe(recipe_node_labels=doubled))) == [("input-too-large", "")]


@pytest.mark.parametrize(
    "value",
    [
        2**63 - 1,
        2**63,
        2**64 - 1,
        2**64,
        -(2**63),
        -(2**63) - 1,
        10**30,
        -(10**30),
        10**308,
        10**309,
        10**400,
        True,
        False,
        1.0,
        -0.0,
        0.0,
        1e16,
        5e-324,
        1.5e300,
        0.1,
        None,
    ],
    ids=short,
)
def test_numbers_are_read_as_their_text(value: Any) -> None:
    for field in ("recipe_nvidia_gpu_count", "recipe_container_port", "recipe_node_labels"):
        read_as_text(recipe(**{field: value}))
    read_as_text(recipe(recipe_pod_autoscaling_params={"max_replicas": 4, "scaling_threshold": value}))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (float("-inf"), ValueError),
        (10**5000, ValueError),
        ({"--model"}, TypeError),
        (b"bytes", TypeError),
        (range(3), TypeError),
        (collections.deque(["a"]), TypeError),
        (types.MappingProxyType({"a": "b"}), TypeError),
        (object(), TypeError),
        ({(1, 2): "tuple key"}, TypeError),
        ({float("nan"): "nan key"}, ValueError),
        ("lone \ud800 surrogate", UnicodeEncodeError),
        ({"lone \udfff": "surrogate key"}, UnicodeEncodeError),
    ],
    ids=short,
)
def test_values_json_cannot_hold_raise_what_json_dumps_raises(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        text_of(recipe(recipe_node_labels=value))
    with pytest.raises(error):
        corrino.validate(recipe(recipe_node_labels=value))


class Mode(str, enum.Enum):
    SERVICE = "service"


class Count(enum.IntEnum):
    ONE = 1


class Loud(str):
    def __str__(self) -> str:
        return "not what json.dumps writes"


class Rounded(float):
    def __repr__(self) -> str:
        return "not what json.dumps writes"


class Repeating(dict[str, Any]):
    """A dict whose `items()` says more than it holds: json.dumps writes what `items()` says (unless it is empty)."""

    def items(self) -> Any:
        return [("min_nodes", 1), ("max_nodes", 2), ("min_nodes", 3)]


class Nine(list[Any]):
    """A list whose iteration says otherwise than its storage: json.dumps writes what iteration says."""

    def __iter__(self) -> Iterator[Any]:
        return iter(["nine"])


class Pairs(Mapping[str, Any]):
    """A mapping that is no dict: read through `dict(...)` at the top, refused inside (json.dumps refuses it)."""

    def __init__(self, items: dict[str, Any]) -> None:
        self.items_ = items

    def __getitem__(self, key: str) -> Any:
        return self.items_[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items_)

    def __len__(self) -> int:
        return len(self.items_)


def test_subclasses_are_read_as_json_dumps_writes_them() -> None:
    moved = collections.OrderedDict(recipe())
    moved.move_to_end("recipe_mode")
    moved["recipe_startup_probe_params"] = collections.OrderedDict(moved["recipe_startup_probe_params"])
    moved["recipe_startup_probe_params"].move_to_end("failure_threshold", last=False)
    for value in [
        moved,
        recipe(recipe_mode=Mode.SERVICE, recipe_nvidia_gpu_count=Count.ONE),
        recipe(deployment_name=Loud("loud"), recipe_image_uri=Loud("docker.io/vllm/vllm-openai:v0.9.1")),
        recipe(recipe_pod_autoscaling_params={"max_replicas": 4, "scaling_threshold": Rounded(0.25)}),
        recipe(recipe_container_command_args=tuple(recipe()["recipe_container_command_args"])),
        recipe(recipe_node_autoscaling_params=Repeating(min_nodes=1)),
        recipe(recipe_node_autoscaling_params=Repeating()),
        recipe(recipe_container_command_args=Nine(["a", "b"])),
        recipe(recipe_container_command_args=Nine()),
        recipe(recipe_node_labels={Mode.SERVICE: Count.ONE}),
    ]:
        read_as_text(value)
    duplicated = read_as_text(recipe(recipe_node_autoscaling_params=Repeating(min_nodes=1)))
    assert ("duplicate-key", "/recipe_node_autoscaling_params/min_nodes") in codes(duplicated)
    assert corrino.plan(Pairs(recipe())) == corrino.plan(EXAMPLE)
    with pytest.raises(TypeError, match="Object of type Pairs is not JSON serializable"):
        corrino.validate(recipe(recipe_node_labels=Pairs({"a": "b"})))


def test_keys_are_written_as_json_dumps_writes_them() -> None:
    for labels, repeated in [
        ({1: "int", "1": "str"}, "1"),
        ({True: "bool", "true": "str"}, "true"),
        ({None: "none", "null": "str"}, "null"),
        ({1.5: "float", "1.5": "str", 2**70: "big"}, "1.5"),
        ({Count.ONE: "enum", "1": "str"}, "1"),
        ({Mode.SERVICE: "str enum", "service": "str"}, None),
    ]:
        found = codes(read_as_text(recipe(recipe_node_labels=labels)))
        duplicates = [path for code, path in found if code == "duplicate-key"]
        assert duplicates == ([f"/recipe_node_labels/{repeated}"] if repeated else []), labels
    assert ("unknown-field", "/1") in codes(read_as_text({**recipe(), 1: "x"}))


def test_bools_are_not_integers_nor_integers_strings() -> None:
    found = read_as_text(recipe(recipe_nvidia_gpu_count=True, recipe_container_port=8000, recipe_use_shared_node_pool=1))
    assert ("wrong-type", "/recipe_nvidia_gpu_count") in codes(found)
    assert ("wrong-type", "/recipe_use_shared_node_pool") in codes(found)


# Values of every kind JSON writes, hostile ones included, and some it cannot write.
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**308, 10**309, 10**400]),
    st.floats(),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x40), max_size=6),
    st.sampled_from(["service", "8000", "VM.GPU.A10.2", "--model", "x" * 300, Mode.SERVICE, Count.ONE]),
)
_keys = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["min_replicas", "max_replicas", "port", "key", "value", "1", "true", "null"]),
    st.integers(min_value=-3, max_value=3),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, min_value=-2, max_value=2),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(_keys, children, max_size=4),
    ),
    max_leaves=24,
)
_fields = st.sampled_from(
    [
        *recipe().keys(),
        "recipe_container_env",
        "recipe_node_labels",
        "input_object_storage",
        "deployment_group",
        "unknown_field",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(_fields, _values, max_size=4), removed=st.sets(_fields, max_size=3))
def test_generated_dicts_are_read_as_their_text(changes: dict[str, Any], removed: set[str]) -> None:
    value = {key: item for key, item in {**recipe(), **changes}.items() if key not in removed}
    read_as_text(value)
