"""Structure of the ``geo`` library: short functions and modules, no import loops.

Both are read from the source with :mod:`ast` (nothing is imported), so the checks are
fast and hold for function-level imports too (they were how loops were hidden).
"""

from __future__ import annotations

import ast
from pathlib import Path

GEO = Path(__file__).resolve().parents[2] / "geo"
MAX_BODY_LINES = 60
MAX_MODULE_LINES = 400

# Functions allowed to stay longer, each with the reason. Keep this empty where possible.
LONG_ALLOWED: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(GEO.rglob("*.py")):
        parts = path.relative_to(GEO.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the end of the function."""
    body = node.body
    first = body[0]
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        body = body[1:]
    if not body:
        return 0
    return body[-1].end_lineno - body[0].lineno + 1


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((f"{path.relative_to(GEO.parent).as_posix()}:{node.name}",
                          _body_lines(node)))
    return found


def test_no_function_in_geo_is_longer_than_60_lines():
    too_long = sorted(
        f"{name} ({lines} regels)"
        for path in _modules().values() for name, lines in _functions(path)
        if lines > MAX_BODY_LINES and name not in LONG_ALLOWED)
    assert not too_long, f"functies langer dan {MAX_BODY_LINES} regels: {too_long}"


def test_no_module_in_geo_is_longer_than_400_lines():
    too_long = sorted(
        f"{path.relative_to(GEO.parent).as_posix()} ({n} regels)"
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES)
    assert not too_long, f"modules langer dan {MAX_MODULE_LINES} regels: {too_long}"


def test_allowlist_names_only_functions_that_are_still_long():
    lengths = dict(item for path in _modules().values() for item in _functions(path))
    stale = [name for name in LONG_ALLOWED if lengths.get(name, 0) <= MAX_BODY_LINES]
    assert not stale, f"niet (meer) te lang, haal uit LONG_ALLOWED: {stale}"


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Modules of ``geo`` that ``name`` imports anywhere (like grimp: a submodule, not its
    package, for ``from package import submodule``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return {m for m in found if m in modules and m != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state and (loop := visit(dep)):
                return loop
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (loop := visit(node)):
            return loop
    return None


def test_geo_has_no_import_loops():
    modules = _modules()
    graph = {name: _imports(path, name, modules) for name, path in modules.items()}
    # a package's __init__ re-exporting its submodules is not a loop of those submodules
    for name in graph:
        graph[name] = {dep for dep in graph[name] if not name.startswith(dep + ".")}
    assert _cycle(graph) is None, f"importlus: {' -> '.join(_cycle(graph))}"


def test_engine_and_passes_do_not_import_each_other():
    modules = _modules()
    engine = _imports(modules["geo.scoring.engine"], "geo.scoring.engine", modules)
    passes = _imports(modules["geo.scoring.passes"], "geo.scoring.passes", modules)
    assert "geo.scoring.passes" in engine and "geo.scoring.engine" not in passes
    assert "geo.scoring.results" in passes
