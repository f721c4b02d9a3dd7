"""What the tests share: the workspace's fixtures and goldens (the same files the Rust tests read), the render
options the goldens were made with, and a reader of the HTML that notebooks show."""

from __future__ import annotations

import html.parser
import pathlib
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
RECIPES = sorted((FIXTURES / "recipes").glob("*.json"))
#: The broken recipes; beside each, its golden diagnostics as data (`<name>.diagnostics.json`).
INVALID = sorted(p for p in (FIXTURES / "invalid").glob("*.json") if not p.name.endswith(".diagnostics.json"))
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
