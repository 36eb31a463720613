"""The shape of the house, checked: layers, no import cycle, thin pages, short modules.

These read the source files (with :mod:`ast`), so they run in well under a second and fail with
the file and the rule that was broken.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gmm_core", "emlab")
PAGE_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py")])
MAX_PAGE_LINES = 250
MAX_MODULE_LINES = 400
LONG_MODULE_MARK = "Long because"
# The thin Streamlit layer that every page shares; every other emlab module is pure.
STREAMLIT_MODULES = {"emlab.shared.cache", "emlab.shared.controls", "emlab.shared.page"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported_names(path: Path) -> set[str]:
    """Every module name ``path`` imports (``from a.b import c`` counts as ``a.b`` and ``a.b.c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports directly."""
    modules = project_modules()
    return {name: imported_names(path) & modules.keys() - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of module names (first == last), or None."""
    visiting, done = [], set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for neighbour in sorted(graph[node]):
            cycle = visit(neighbour)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_find_cycle_finds_one_and_only_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_anywhere_in_the_project():
    # A package's __init__ importing its own modules is how a package works, not a cycle.
    graph = {
        name: {other for other in deps if not name.startswith(other + ".")} for name, deps in import_graph().items()
    }
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


@pytest.mark.parametrize("name", sorted(project_modules()))
def test_layers(name):
    imported = imported_names(project_modules()[name])
    uses = {
        library for library in ("streamlit", "plotly", "emlab") if any(i.split(".")[0] == library for i in imported)
    }
    if name.startswith("gmm_core"):
        assert not uses, f"{name} is numerics only, but imports {sorted(uses)}"
    elif name not in STREAMLIT_MODULES:
        assert "streamlit" not in uses, f"{name} is pure (no Streamlit); only {sorted(STREAMLIT_MODULES)} draw widgets"
    if name.startswith("emlab.shared"):
        features = {i for i in imported if i.startswith("emlab.") and not i.startswith("emlab.shared")}
        assert not features, f"the shared layer {name} must not import a feature: {sorted(features)}"
    elif name.startswith("emlab."):
        own = ".".join(name.split(".")[:2])
        others = {i for i in imported if i.startswith("emlab.") and not i.startswith((own, "emlab.shared"))}
        assert not others, f"{name} imports another feature {sorted(others)}: move what both use to emlab.shared"


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda path: path.name)
def test_pages_are_thin(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name} has {lines} lines; move its work into emlab/"


@pytest.mark.parametrize("name", sorted(project_modules()))
def test_long_modules_say_why(name):
    path = project_modules()[name]
    lines = len(path.read_text().splitlines())
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    assert lines <= MAX_MODULE_LINES or LONG_MODULE_MARK in docstring, (
        f"{name} has {lines} lines: split it, or say at its top why it is one module ('{LONG_MODULE_MARK} ...')"
    )


@pytest.mark.parametrize("name", sorted(project_modules()))
def test_every_module_says_what_it_holds(name):
    assert ast.get_docstring(ast.parse(project_modules()[name].read_text())), f"{name} has no module docstring"


def test_nothing_refers_to_files_outside_the_repository():
    outside = ("../" + "shared", "/work/" + "shared", "BUGS" + ".md", "seed" + "/my_gmm")
    files = [
        p
        for p in ROOT.rglob("*")
        if p.suffix in {".py", ".md", ".toml", ".txt", ".sh", ".cfg"} and ".git" not in p.parts
    ]
    hits = [f"{p.relative_to(ROOT)}: {word}" for p in files for word in outside if word in p.read_text(errors="ignore")]
    assert not hits, hits


def test_the_package_docstring_names_every_emlab_module():
    import emlab

    documented = emlab.__doc__ or ""
    missing = [
        name
        for name in project_modules()
        if name.startswith("emlab.") and not name.endswith("_zh") and f"``{name.split('.')[-1]}``" not in documented
    ]
    assert not missing, f"emlab/__init__.py does not say what these hold: {missing}"


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda path: path.name)
def test_pages_draw_charts_only_through_the_shared_chart(path):
    """``emlab.shared.page.chart`` keeps every figure's own template (``theme=None``); a page calling
    ``plotly_chart`` itself would get Streamlit's theme, small tick labels and no presentation sizes."""
    calls = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "plotly_chart"
    ]
    assert not calls, f"{path.name} calls plotly_chart on lines {calls}: use emlab.shared.page.chart"
