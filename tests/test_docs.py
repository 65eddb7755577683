"""The project documents itself (README and docs/): every relative link resolves, and
nothing refers to files outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_docs_exist_and_the_index_lists_every_page():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    pages = {p.name for p in PAGES if p.parent.name == "docs"} - {"README.md"}
    assert {"properties.md", "course-toml.md", "rubric.md", "catalogue.md", "sandbox.md",
            "notebooks.md"} <= pages
    for page in pages:
        assert f"({page})" in index, f"docs/README.md does not link {page}"
    assert "(docs/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.relative_to(ROOT)} links {target}, which does not exist"
        assert ROOT in path.parents or path == ROOT, f"{page.relative_to(ROOT)} links outside the repository: {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_refers_outside_the_repository(page):
    text = page.read_text(encoding="utf-8")
    for outside in ("../shared", "SPEC.md", "DESIGN.md"):
        assert outside not in text, f"{page.relative_to(ROOT)} mentions {outside}"
