"""Imports point one way: every module of pipelines/, quality/ and warehouse/ imports only
its own layer or a lower one (docs/contracts.md, "Layers").

Layers, low to high:
  0 vocabulary  pipelines.vocabulary, pipelines.reference, pipelines.settings,
                pipelines.formula_text, pipelines.progress (the progress protocol)
  1 storage     warehouse, pipelines.operations (lock, backups, private file modes)
  2 ingest      pipelines.ingest, pipelines.privacy
  3 validation  quality (except quality.feedback), pipelines.models
  4 feedback    quality.feedback, pipelines.alerts, pipelines.report
  5 wiring      pipelines.defs, pipelines.definitions, pipelines.runner, pipelines.run_summary,
                pipelines.cli*

A module the table does not place fails the test, so a new package must be given a layer
on purpose. Both module-level and function-level imports count: a deferred import is still
an arrow. The sample generator (top-level sample_world) is outside the product: it may import
pipelines.reference only, and nothing in the product but the demo commands
(pipelines.cli_samples) imports it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = ("pipelines", "quality", "warehouse")
SAMPLE_PACKAGES = ("pipelines.samples", "sample_world")

# Most specific prefix wins (longest match).
LAYERS: dict[str, int] = {
    "pipelines.vocabulary": 0,
    "pipelines.reference": 0,
    "pipelines.settings": 0,
    "pipelines.formula_text": 0,
    "pipelines.progress": 0,
    "warehouse": 1,
    "pipelines.operations": 1,
    "pipelines.ingest": 2,
    "pipelines.privacy": 2,
    "quality": 3,
    "pipelines.models": 3,
    "quality.feedback": 4,
    "pipelines.alerts": 4,
    "pipelines.report": 4,
    "pipelines.defs": 5,
    "pipelines.definitions": 5,
    "pipelines.runner": 5,
    "pipelines.run_summary": 5,
    "pipelines.cli": 5,
    "pipelines.cli_alerts": 5,
    "pipelines.cli_progress": 5,
    "pipelines.cli_analyst": 5,
    "pipelines.cli_quality": 5,
    "pipelines.cli_samples": 5,
    "pipelines.cli_operations": 5,
}
# Package markers: importing them runs nothing of ours beyond their own __init__.
NEUTRAL = {"pipelines", "quality"}


@dataclass(frozen=True)
class Arrow:
    """One import statement: ``source`` imports ``target`` at ``line``."""

    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} -> {self.target}"


def _ours(name: str) -> bool:
    return name.split(".")[0] in (*PACKAGES, "sample_world")


def layer_of(module: str) -> int | None:
    """The layer of ``module`` by its longest matching prefix, None when unplaced."""
    best: tuple[int, int] | None = None
    for prefix, layer in LAYERS.items():
        matches = module == prefix or module.startswith(prefix + ".")
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), layer)
    return None if best is None else best[1]


def _is_sample(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in SAMPLE_PACKAGES)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool) -> list[Arrow]:
    """Every import of our packages in ``source`` (any depth), relative ones resolved."""
    arrows = []
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # "from pkg import mod" may import a submodule: count the more specific name.
            targets = [f"{stem}.{alias.name}" for alias in node.names]
        for target in targets:
            if _ours(target):
                arrows.append(Arrow(module, target, node.lineno))
    return sorted(arrows, key=lambda arrow: arrow.line)


def _target_layer(target: str) -> int | None:
    """Layer of an imported name, trimming trailing attribute parts not in the table."""
    parts = target.split(".")
    while parts:
        name = ".".join(parts)
        if name in NEUTRAL:
            return None
        layer = layer_of(name)
        if layer is not None:
            return layer
        parts.pop()
    return None


def upward(arrows: list[Arrow]) -> list[str]:
    """The arrows that point to a higher layer, or leave/enter the product wrongly."""
    bad = []
    for arrow in arrows:
        if _is_sample(arrow.source):
            continue
        if _is_sample(arrow.target):
            if arrow.source != "pipelines.cli_samples":
                bad.append(f"{arrow} (the product imports the sample generator)")
            continue
        src, dst = layer_of(arrow.source), _target_layer(arrow.target)
        if src is not None and dst is not None and dst > src:
            bad.append(f"{arrow} (layer {src} imports layer {dst})")
    return bad


def _all_modules() -> list[tuple[str, Path]]:
    """Every module of the product, and of the sample generator wherever it lives."""
    found = []
    for package in (*PACKAGES, "sample_world"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found.append((module_name(path), path))
    return found


def _all_arrows() -> list[Arrow]:
    arrows = []
    for module, path in _all_modules():
        text = path.read_text(encoding="utf-8")
        arrows.extend(imports_of(text, module, path.name == "__init__.py"))
    return arrows


def test_every_module_has_a_layer() -> None:
    unplaced = [
        module
        for module, _ in _all_modules()
        if module not in NEUTRAL and not _is_sample(module) and layer_of(module) is None
    ]
    assert unplaced == [], f"give these modules a layer in LAYERS: {unplaced}"


def test_no_import_points_up() -> None:
    bad = upward(_all_arrows())
    assert not bad, "imports that point up:\n" + "\n".join(bad)


def test_vocabulary_imports_only_reference() -> None:
    bad = [
        str(arrow)
        for arrow in _all_arrows()
        if arrow.source.startswith("pipelines.vocabulary")
        and not arrow.target.startswith(("pipelines.reference", "pipelines.vocabulary"))
    ]
    reference = [
        str(arrow)
        for arrow in _all_arrows()
        if arrow.source.startswith("pipelines.reference")
        and not arrow.target.startswith("pipelines.reference")
    ]
    assert not bad and not reference, "\n".join(bad + reference)


def test_sample_generator_imports_only_reference() -> None:
    bad = [
        str(arrow)
        for arrow in _all_arrows()
        if _is_sample(arrow.source)
        and not _is_sample(arrow.target)
        and not arrow.target.startswith("pipelines.reference")
    ]
    assert not bad, "\n".join(bad)


def test_a_violation_is_caught() -> None:
    """Self-check: synthetic upward, deferred, relative and sample imports are reported."""
    source = (
        "import warehouse.db\n"
        "from pipelines.vocabulary import fields\n"
        "def f():\n"
        "    from quality.feedback.build import x\n"
        "from ..models import persons\n"
        "from pipelines.samples.world import simulate\n"
    )
    arrows = imports_of(source, "pipelines.ingest.stage", is_package=False)
    assert [a.target for a in arrows] == [
        "warehouse.db",
        "pipelines.vocabulary.fields",
        "quality.feedback.build.x",
        "pipelines.models.persons",
        "pipelines.samples.world.simulate",
    ]
    found = upward(arrows)
    assert [line.split(" ")[0] for line in found] == [
        "pipelines.ingest.stage:4",
        "pipelines.ingest.stage:5",
        "pipelines.ingest.stage:6",
    ]
    assert "layer 2 imports layer 4" in found[0]
    assert upward([Arrow("warehouse.db", "quality.issues", 1)]) != []
    assert upward([Arrow("pipelines.cli_samples", "sample_world.world", 1)]) == []
    assert upward([Arrow("pipelines.cli", "sample_world.world", 1)]) != []
    assert layer_of("pipelines.newthing") is None
