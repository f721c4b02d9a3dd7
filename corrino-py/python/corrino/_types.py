"""The types that the native module cannot define itself (subclasses of ``list`` and ``ValueError``), and the names
of the argument types."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal, Union

from . import _corrino
from ._corrino import Diagnostic
from ._simulation import Scenario, ScenarioError

#: A recipe: a mapping (as ``json.load`` gives it), its JSON or YAML text, the bytes of a file, or a path. A ``str``
#: is the recipe's text when it is blank, spans several lines or starts with ``{`` or ``[``; any other ``str`` names
#: a file, as an ``os.PathLike`` always does.
RecipeInput = Union[Mapping[str, Any], str, bytes, bytearray, os.PathLike[str]]

#: A simulation scenario: a mapping (as ``json.load`` gives it) or its JSON text, every key optional (see
#: ``simulate``). ``Scenario`` types its keys: annotate a dict with it to have a type checker check them.
ScenarioInput = Union[Scenario, Mapping[str, Any], str, bytes, bytearray]

#: How serious a diagnostic is.
Severity = Literal["error", "warning", "note"]

#: A JSON object, as ``json.loads`` makes it.
JsonObject = dict[str, Any]


class Diagnostics(list[Diagnostic]):
    """Every problem of a recipe, in the order found (which is deterministic): a list of ``Diagnostic`` that a
    notebook shows as a table."""

    def to_dicts(self) -> list[dict[str, Any]]:
        """The diagnostics as plain dicts, as ``corrino validate --format json`` lists them."""
        return [d.to_dict() for d in self]

    def _repr_html_(self) -> str:
        return _corrino._diagnostics_html(self)


class RecipeError(ValueError):
    """Raised when a result cannot exist: rendering a recipe that has errors (or that cannot be rendered with the
    given options), or planning an input that is not a recipe at all. ``diagnostics`` says why."""

    diagnostics: Diagnostics

    def __init__(self, message: str, diagnostics: Diagnostics) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.diagnostics))

    def _repr_html_(self) -> str:
        return self.diagnostics._repr_html_()


class SimulationError(ValueError):
    """Raised when a simulation cannot run: the scenario does not read (an unknown key, a wrong type) or breaks one
    of its bounds, or the recipe has nothing to simulate (no pod autoscaling, no GPU capacity plan, a scaling query
    outside what the simulator evaluates, more replicas than the simulator runs). The message says which.

    ``details`` is, for a scenario past one of its bounds, the structured error: ``kind`` (``out-of-range``,
    ``not-a-multiple``, …, listed in docs/diagnostics.md), ``field`` (a JSON pointer into the scenario), ``value``
    and the bound (``range`` with ``min``, ``max``, ``min_exclusive`` and ``unit``), as the CLI and JavaScript
    report them; ``None`` otherwise."""

    details: ScenarioError | None

    def __init__(self, message: str, details: ScenarioError | None = None) -> None:
        super().__init__(message)
        self.details = details

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.details))
