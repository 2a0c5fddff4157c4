"""Shared fixtures: temporary homes and sample worlds made by the project's own generator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Published:
    """A sample world run through the whole nightly job: its home holds analytics.duckdb."""

    world: World
    home: Path

    @property
    def snapshot(self) -> Path:
        return self.home / "analytics.duckdb"


@pytest.fixture(scope="session")
def published(small_world: World, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """small_world through run_nightly once per session, for tests that only read the
    published snapshot (publish, dictionary, saved queries, report)."""
    from pipelines.runner import run_nightly

    home = tmp_path_factory.mktemp("published") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTES_PII_KEY", TEST_PII_KEY)
        outcome = run_nightly(home=home, inbox=small_world.inbox, as_of=small_world.as_of)
    assert outcome.success, outcome.failure
    return Published(small_world, home)
