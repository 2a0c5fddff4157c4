"""The rules version moves exactly when something that decides a staged row moves.

Each test edits one file of a copy of the source tree (never the checkout itself) and
compares the digest before and after.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.ingest.rules_version import STAGING_ROOTS, rules_files, rules_version

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for package in ("pipelines", "quality", "warehouse"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _version(base: Path) -> str:
    return rules_version(base, STAGING_ROOTS, base / "pipelines" / "reference")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _first_feedback_module(base: Path) -> Path:
    candidates = sorted((base / "quality").rglob("*feedback*/*.py")) + sorted(
        (base / "quality").glob("feedback*.py")
    )
    assert candidates, "no feedback module found under quality/"
    return candidates[0]


UNRELATED_EDITS: dict[str, Callable[[Path], Path]] = {
    "coordinators.yaml": lambda b: b / "pipelines" / "reference" / "coordinators.yaml",
    "county.yaml": lambda b: b / "pipelines" / "reference" / "county.yaml",
    "a feedback module": _first_feedback_module,
    "an alerts module": lambda b: b / "pipelines" / "alerts" / "compose.py",
    "the report": lambda b: b / "pipelines" / "report" / "build.py",
    "a mart": lambda b: b / "warehouse" / "publish.py",
    "the progress display": lambda b: b / "pipelines" / "progress.py",
}

STAGING_EDITS: dict[str, Callable[[Path], Path]] = {
    "vocab.yaml": lambda b: b / "pipelines" / "reference" / "vocab.yaml",
    "headers.yaml": lambda b: b / "pipelines" / "reference" / "headers.yaml",
    "townships.csv": lambda b: b / "pipelines" / "reference" / "townships.csv",
    "a normalizer": lambda b: b / "pipelines" / "ingest" / "normalize" / "dates.py",
    "stage.py": lambda b: b / "pipelines" / "ingest" / "stage.py",
    "an expectation suite": lambda b: b / "quality" / "suites.py",
    "the staging SQL": lambda b: b / "pipelines" / "ingest" / "sql" / "forget_unstaged.sql",
}


@pytest.mark.parametrize("what", sorted(UNRELATED_EDITS))
def test_editing_what_does_not_decide_a_row_restages_nothing(tree: Path, what: str) -> None:
    before = _version(tree)
    target = UNRELATED_EDITS[what](tree)
    assert target.is_file()
    _append(target, "\n# edited\n")
    assert _version(tree) == before


@pytest.mark.parametrize("what", sorted(STAGING_EDITS))
def test_editing_what_decides_a_row_restages(tree: Path, what: str) -> None:
    before = _version(tree)
    target = STAGING_EDITS[what](tree)
    assert target.is_file()
    _append(target, "\n# edited\n" if target.suffix in {".py", ".yaml"} else "\n-- edited\n")
    assert _version(tree) != before


def test_a_new_module_counts_once_staging_imports_it(tree: Path) -> None:
    normalize = tree / "pipelines" / "ingest" / "normalize"
    (normalize / "extra_rule.py").write_text("X = 1\n", encoding="utf-8")
    before = _version(tree)
    assert normalize / "extra_rule.py" not in rules_files(
        tree, STAGING_ROOTS, tree / "pipelines" / "reference"
    )
    _append(normalize / "dates.py", "\nfrom pipelines.ingest.normalize import extra_rule  # noqa\n")
    after_import = _version(tree)
    assert after_import != before
    _append(normalize / "extra_rule.py", "Y = 2\n")
    assert _version(tree) != after_import
