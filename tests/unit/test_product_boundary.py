"""The sample-world generator is not part of the product (issue 11, item 4).

``sample_world`` simulates a county and knows the answers; the pipeline must never lean on
it, or a production install (without the ``samples`` extra) would break and the tests would
stop being an independent check. Every import in pipelines/, quality/ and warehouse/ is read
with ast, at module level and inside functions, so a lazy import is caught too. The one
exception is the demo CLI module, which imports the generator inside its commands.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
PRODUCT = ("pipelines", "quality", "warehouse")
ALLOWED = {Path("pipelines/cli_samples.py")}


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module an import statement anywhere in ``tree`` names (absolute imports)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def product_imports_of_sample_world() -> list[str]:
    offenders = []
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative in ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for name in imported_modules(tree):
                if name.split(".")[0] == "sample_world":
                    offenders.append(f"{relative}: {name}")
    return offenders


def test_product_never_imports_sample_world() -> None:
    assert product_imports_of_sample_world() == []


def test_the_walk_sees_function_level_imports() -> None:
    """The walk must see the demo CLI's lazy import, or the test above could never fail."""
    tree = ast.parse((ROOT / "pipelines" / "cli_samples.py").read_text(encoding="utf-8"))
    assert "sample_world" in imported_modules(tree)
    lazy = ast.parse("def f():\n    from sample_world.world import build_world\n")
    assert "sample_world.world" in imported_modules(lazy)


def test_sample_world_lives_outside_the_product() -> None:
    assert (ROOT / "sample_world" / "__init__.py").is_file()
    assert not (ROOT / "pipelines" / "samples").exists()


# Run in a fresh interpreter in which the `samples` extra is absent: importing xlwt or
# sample_world raises ImportError, as on an install without the extra.
_WITHOUT_EXTRA = """
import sys
sys.modules["xlwt"] = None
sys.modules["sample_world"] = None
import pipelines.definitions
from pipelines.cli import app
app(["generate-samples", "--out", sys.argv[1], "--months", "1"])
"""


def test_product_loads_and_demo_commands_explain_without_the_extra(tmp_path: Path) -> None:
    """The code location and the CLI load without the generator; generate-samples then
    exits 2 with a message naming the extra, and writes nothing."""
    out = tmp_path / "world"
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRA, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 2, result.stderr
    assert "sample-world generator is not installed" in result.stdout
    assert "'.[samples]'" in result.stdout
    assert not out.exists()
