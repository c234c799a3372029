"""The project's own documents: docstrings and comments cite only files in the repository.

Code cites ``docs/rules.md`` and ``docs/architecture.md`` (with a section anchor where it
helps); a citation of design notes kept outside the repository, or of a document or section
that does not exist, fails here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "migrations", "node_modules", "__pycache__", ".git"}
# Spelled in pieces so that this file does not cite them itself.
OUTSIDE_DOCUMENTS = [name + ".md" for name in ("DOMAIN", "STYLE", "ARCHITECTURE")] + ["shared" + "/design"]
CITATION = re.compile(r"docs/[\w./-]+\.md(?:#[\w-]+)?")


def python_files() -> Iterator[Path]:
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder) / name


def anchors(document: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings."""
    found = set()
    for line in document.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#+ (.*)", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            found.add(text.replace(" ", "-"))
    return found


def test_the_walk_finds_the_code() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in python_files()}
    assert {"crew/legality/model.py", "flights/pricing/engine.py", "tests/test_docs.py"} <= names
    assert not any("/migrations/" in name or name.startswith(".venv/") for name in names)


def test_no_citation_of_documents_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {name}"
        for path in python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for name in OUTSIDE_DOCUMENTS
        if name in line
    ]
    assert offenders == []


def test_cited_documents_and_sections_exist() -> None:
    cited = {
        (path.relative_to(ROOT).as_posix(), match)
        for path in python_files()
        for match in CITATION.findall(path.read_text(encoding="utf-8"))
    }
    assert any(target.startswith("docs/rules.md") for _, target in cited)
    assert any(target.startswith("docs/architecture.md") for _, target in cited)
    broken = []
    for source, target in sorted(cited):
        document, _, anchor = target.partition("#")
        if not (ROOT / document).is_file():
            broken.append(f"{source}: {target} (no such file)")
        elif anchor and anchor not in anchors(ROOT / document):
            broken.append(f"{source}: {target} (no such section)")
    assert broken == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("## Where the parameters live", "where-the-parameters-live"),
        ("## Quoting: time and price", "quoting-time-and-price"),
        ("## Crew: duty periods and the roster", "crew-duty-periods-and-the-roster"),
    ],
)
def test_anchors_follow_github(tmp_path: Path, heading: str, anchor: str) -> None:
    document = tmp_path / "doc.md"
    document.write_text(f"# Title\n\n{heading}\n\ntext\n", encoding="utf-8")
    assert anchor in anchors(document)
