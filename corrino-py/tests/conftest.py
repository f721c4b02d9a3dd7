"""What the tests share: the workspace's fixtures and goldens (the same files the Rust tests read), the render
options the goldens were made with, a reader of the CLI's golden text output, and a reader of the HTML that
notebooks show."""

from __future__ import annotations

import html.parser
import pathlib
import re
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
RECIPES = sorted((FIXTURES / "recipes").glob("*.json"))
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))
EXPECTED = FIXTURES / "expected"
#: The fixtures whose whole simulation under the default scenario is pinned (corrino-core/tests/simulate.rs).
SIMULATED = sorted(FIXTURES / "recipes" / f"{p.name.removesuffix('.simulation.json')}.json"
                   for p in EXPECTED.glob("*.simulation.json"))
EXAMPLE = FIXTURES / "recipes" / "autoscaling-example.json"

#: The render options of the goldens (corrino-core/tests/render.rs and apply.rs).
GOLDEN_OPTIONS: dict[str, Any] = {
    "base_domain": "203-0-113-10.nip.io",
    "tls_issuer": "letsencrypt-prod",
    "file_systems": {"ocid1.filesystem.oc1.iad.aaaaaaaaexamplefilesystem0001": ("10.0.10.20", "/models")},
}

_HEADLINE = re.compile(r"^(error|warning|info)\[([a-z0-9-]+)\]: (.*)$")
_WHERE = re.compile(r"^  --> .*?: (.*)$")
_HINT = re.compile(r"^  = hint: (.*)$")


def cli_diagnostics(text: str) -> list[dict[str, str]]:
    """The diagnostics of `corrino validate` text output, as `Diagnostic.to_dict()` writes them.

    Each diagnostic is a headline `severity[code]: message`, a `  --> file: path` line (`/` for the whole document)
    and maybe a `  = hint: …` line; the summary line is left out.
    """
    found: list[dict[str, str]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        headline = _HEADLINE.match(line)
        if not headline:
            continue
        where = _WHERE.match(lines[i + 1])
        assert where, f"no location after {line!r}"
        path = where.group(1)
        d = {
            "path": "" if path == "/" else path,
            "code": headline.group(2),
            "severity": headline.group(1),
            "message": headline.group(3),
        }
        hint = _HINT.match(lines[i + 2]) if i + 2 < len(lines) else None
        if hint:
            d["hint"] = hint.group(1)
        found.append(d)
    return found


class Reader(html.parser.HTMLParser):
    """The tags and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(fragment: str) -> Reader:
    """The tags and text of `fragment`."""
    reader = Reader()
    reader.feed(fragment)
    reader.close()
    return reader
