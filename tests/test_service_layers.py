"""Services and selectors speak the domain, not HTTP: no module named ``services.py``,
``services/*.py`` or ``selectors.py`` in the apps imports ``rest_framework`` (refusals are
``jetops.errors`` and Django's exceptions; docs/architecture.md, "Errors")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def layer_modules() -> list[Path]:
    found: list[Path] = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents:
            continue  # a dependency's app, not ours
        found += [path / "services.py", path / "selectors.py", *sorted(path.glob("services/*.py"))]
        found += sorted(path.glob("*/services.py"))  # sub-packages (jetops/auth)
    return [module for module in found if module.exists()]


def imported(module: Path) -> set[str]:
    """The top-level packages ``module`` imports, at any depth (function bodies too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_layers_are_found():
    names = {module.relative_to(ROOT).as_posix() for module in layer_modules()}
    assert {"flights/services/quotes.py", "flights/selectors.py", "jetops/auth/services.py"} <= names


@pytest.mark.parametrize("module", layer_modules(), ids=lambda m: m.relative_to(ROOT).as_posix())
def test_no_service_or_selector_imports_rest_framework(module):
    assert "rest_framework" not in imported(module)
