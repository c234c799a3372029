"""Apps depend one way (docs/architecture.md, dependency direction): an app imports only the
apps in the layers below its own. Every module of every app is read (migrations included),
and every import in it counts: at module level, inside functions, under ``TYPE_CHECKING``.

Where a lower app needs something from a higher one, the higher app registers it at start-up
(occupancy providers, notification holds, routes on a lower app's path). The few edges that
still point upwards are listed in ``KNOWN_UPWARD`` with their reason; an edge that disappears
must leave that list too, so the list never hides more than the code does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first; an app may import the apps of the layers before its own, none in its own
#: layer or after.
LAYERS: list[tuple[str, ...]] = [
    ("jetops",),
    ("clients", "fleet"),
    ("finance",),
    ("flights",),
    ("crew", "finance.books"),
    ("maintenance", "planning"),
]
LAYER = {app: depth for depth, apps in enumerate(LAYERS) for app in apps}

#: An app in two layers: the modules of its lower part, and the name of the upper part (the
#: rest of the app). Finance's pricing tables sit under flights because quoting reads them;
#: its books (invoices from trips: services, API, admin, tasks) read flights, so sit above.
SPLIT_APPS: dict[str, tuple[tuple[str, ...], str]] = {
    "finance": (("finance.models", "finance.defaults", "finance.migrations"), "finance.books"),
}
APPS = {name for name in LAYER if "." not in name}


def layer_name(module: str) -> str:
    """The layer name of ``module``: its app, or the upper part of a split app."""
    app = module.split(".")[0]
    lower, upper = SPLIT_APPS.get(app, ((), ""))
    if upper and not any(module == part or module.startswith(part + ".") for part in lower):
        return upper
    return app


#: (importing module, or a package's prefix ending in "."; imported app): why it may point up.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    ("flights.api.views", "crew"): "the flight's crew, prefetched for the flights API's shape",
    ("jetops.ws", "flights"): "project wiring: the websocket routes of the live flight status",
    ("jetops.scale.", "clients"): "the production-sized seed writes every app's rows",
    ("jetops.management.commands.seed_scale", "crew"): "the seed fills the crew recency cache",
    ("jetops.scale.", "crew"): "the production-sized seed writes every app's rows",
    ("jetops.scale.", "finance"): "the production-sized seed writes every app's rows",
    ("jetops.scale.", "fleet"): "the production-sized seed writes every app's rows",
    ("jetops.scale.", "flights"): "the production-sized seed writes every app's rows",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, package: bool = False) -> set[str]:
    """Every module the text ``source`` of ``module`` imports, wherever the statement stands
    (``package``: ``module`` is a package's ``__init__``, for relative imports)."""
    base_package = module.split(".") if package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = base_package[: len(base_package) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


def app_modules() -> list[tuple[str, Path]]:
    return [
        (app, path)
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "__pycache__" not in path.parts
    ]


def known(module: str, target: str) -> tuple[str, str] | None:
    for source, app in KNOWN_UPWARD:
        if app == target and (module == source or (source.endswith(".") and module.startswith(source))):
            return (source, app)
    return None


def upward_edges() -> tuple[list[str], set[tuple[str, str]]]:
    """(edges to an app in the same or a higher layer, not listed; listed edges still seen)."""
    unexpected: list[str] = []
    seen: set[tuple[str, str]] = set()
    for app, path in app_modules():
        module = module_name(path)
        source = path.read_text(encoding="utf-8")
        for imported in sorted(imported_modules(source, module, package=path.name == "__init__.py")):
            target = imported.split(".")[0]
            if target == app or target not in APPS or LAYER[layer_name(imported)] < LAYER[layer_name(module)]:
                continue
            entry = known(module, target)
            if entry is None:
                unexpected.append(f"{module} imports {imported} ({target} is not below {app})")
            else:
                seen.add(entry)
    return unexpected, seen


def test_every_app_is_in_a_layer():
    # given: the project's own packages (an app has an apps.py)
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}

    # then
    assert apps == APPS


def test_no_app_imports_an_app_above_it():
    unexpected, _ = upward_edges()

    assert unexpected == []


def test_known_upward_edges_still_exist():
    # An entry whose import is gone must leave the list, so that it cannot hide a new one.
    _, seen = upward_edges()

    assert set(KNOWN_UPWARD) - seen == set()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from crew.models import CrewMember\n", {"crew.models"}),
        ("def f():\n    import crew.services\n", {"crew.services"}),
        ("if TYPE_CHECKING:\n    from flights import models\n", {"flights"}),
        ("from .models import Aircraft\n", {"fleet.api.models"}),
        ("from .. import selectors\n", {"fleet"}),
    ],
)
def test_imports_are_found_wherever_they_stand(source, expected):
    # when: the text stands at fleet/api/views.py
    found = imported_modules(source, "fleet.api.views")

    # then
    assert found == expected
