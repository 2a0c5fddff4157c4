"""Shared fixtures: temporary homes and sample worlds made by the project's own generator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import TEST_PII_KEY, World


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests use a fixed key so person keys are reproducible and no demo-key warning fires."""
    monkeypatch.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh DISPUTES_HOME per test."""
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("DISPUTES_HOME", str(root))
    yield root


def make_world(root: Path, **kwargs: object) -> World:
    from pipelines.samples import generate_samples

    generate_samples(root, **kwargs)  # type: ignore[arg-type]
    return World(root)


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """3 townships x 13 months with every kind of mess: fast enough for every test run."""
    return make_world(
        tmp_path_factory.mktemp("small_world"),
        seed=11,
        months=13,
        start="2024-01",
        townships=["莲峰镇", "宣和镇", "揭乐乡"],
    )
