"""The rules version: one digest of exactly what decides a staged row.

Staging is derived from raw under the current rules; when the rules change, every sheet is
staged again. So the digest must cover everything that can move a row between staging and
quarantine or change a staged value - the modules that stage and validate rows, and
whatever they import of ours, with the SQL beside them, plus the reference files they read
(header synonyms, word maps, townships) - and nothing else: editing who gets alerts
(coordinators.yaml) or how a feedback workbook is coloured must not restage a county.

The module set is found by following imports from the roots (``ast``, module- and
function-level imports; nothing is imported), so a new normalizer is covered the day it is
imported and a feedback module never is (validation does not import feedback: the layer
test keeps it so).
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

# Our top-level packages: imports of anything else (polars, stdlib) are not followed.
OUR_PACKAGES = ("pipelines", "quality", "warehouse")
# Staging and validation: validation's errors quarantine staged rows too.
STAGING_ROOTS = ("pipelines.ingest.staging_load", "quality.validate")
# The reference files those modules read (pipelines/reference); coordinators.yaml and
# county.yaml decide alerts, not rows.
STAGING_REFERENCE_FILES = ("headers.yaml", "vocab.yaml", "townships.csv")
# Modules staging imports that report on a run but never decide a row: editing how
# progress is drawn must not restage a county.
NOT_RULES = frozenset({"pipelines.progress"})


def _module_file(base: Path, module: str) -> Path | None:
    """The source file of ``module`` under ``base`` (a module or a package), or None."""
    path = base.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(source: Path, module: str) -> set[str]:
    """Every module name ``source`` imports (``from a import b`` yields a and a.b)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    package = module if source.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parent = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                parent = f"{anchor}.{parent}" if parent else anchor
            names.add(parent)
            names.update(f"{parent}.{alias.name}" for alias in node.names)
    return names


def module_closure(base: Path, roots: Iterable[str]) -> list[Path]:
    """The source files of ``roots`` and of every module of ours they reach by import,
    including the packages on the way (their ``__init__`` runs too); sorted."""
    seen: set[str] = set()
    files: set[Path] = set()
    pending = list(roots)
    while pending:
        module = pending.pop()
        if module in seen or module in NOT_RULES or module.split(".")[0] not in OUR_PACKAGES:
            continue
        seen.add(module)
        source = _module_file(base, module)
        if source is None:
            continue  # a name imported from a module, not a module itself
        files.add(source)
        parts = module.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        pending.extend(_imported_modules(source, module))
    return sorted(files)


def rules_files(base: Path, roots: Sequence[str], reference_dir: Path) -> list[Path]:
    """The closure's sources, the SQL files in a ``sql/`` folder beside them, and the
    staging reference files: what the rules version digests."""
    sources = module_closure(base, roots)
    sql = {f for src in sources for f in (src.parent / "sql").glob("*.sql")}
    reference = [reference_dir / name for name in STAGING_REFERENCE_FILES]
    return [*sources, *sorted(sql), *reference]


def rules_version(base: Path, roots: Sequence[str], reference_dir: Path) -> str:
    """16 hex digits of SHA-256 over the rules files (their paths relative to ``base`` and
    their bytes), so a rename or an edit of any of them is a new version."""
    digest = hashlib.sha256()
    for path in rules_files(base, roots, reference_dir):
        label = path.relative_to(base) if path.is_relative_to(base) else Path(path.name)
        digest.update(str(label).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
