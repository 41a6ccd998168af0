"""The import contracts of pyproject.toml ([tool.importlinter]) hold: checked by the real
``lint-imports`` so CI (which runs only pytest) guards the layering.

Layers ``kaart | api`` → ``services`` → ``maps`` → ``geo``; ``geo`` imports no web, map or CLI
package; no import cycles between sibling modules of any package. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = 4


def _lint_imports() -> str:
    script = Path(sys.executable).with_name("lint-imports")
    found = str(script) if script.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports ontbreekt: installeer de dev-afhankelijkheden (import-linter).")
    return found


def test_import_contracts_are_kept():
    result = subprocess.run([_lint_imports(), "--no-cache", "--no-logo", "pyproject.toml"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {CONTRACTS} kept, 0 broken." in result.stdout, result.stdout


def test_no_route_reads_app_state_directly():
    """Routes get the app's objects through api/deps.py aliases, not ``request.app.state``."""
    routes = sorted((ROOT / "api" / "routes").glob("*.py"))
    offenders = [f"{path.name}:{number}" for path in routes
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.app\.state\b", line)]
    assert offenders == [], offenders


def test_error_details_name_a_file_bestand():
    """One detail key for a file in every error: ``bestand`` (never ``pad``)."""
    import ast

    offenders = []
    for package in ("geo", "services", "api", "maps", "kaart"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name.endswith(("Error", "Failure")) and any(
                        k.arg == "pad" for k in node.keywords):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], offenders
