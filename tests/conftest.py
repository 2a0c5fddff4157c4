"""Shared fixtures: temporary homes and sample worlds made by the project's own generator."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import TEST_PII_KEY, World

# CI explores the same examples every run (a red build is then reproducible, never a
# coin flip); developers' runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    """A fixed PII key for the whole session (module- and session-scoped fixtures run the
    job too), so person keys are reproducible and no demo-key warning fires. A test of the
    warning itself removes it with monkeypatch."""
    os.environ["DISPUTES_PII_KEY"] = TEST_PII_KEY


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh DISPUTES_HOME per test."""
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("DISPUTES_HOME", str(root))
    yield root


def make_world(root: Path, **kwargs: object) -> World:
    from sample_world import generate_samples

    generate_samples(root, **kwargs)  # type: ignore[arg-type]
    return World(root)


@pytest.fixture(scope="session")
def county_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """All 17 townships x 12 months with every kind of mess: the acceptance world of the
    ingest (every row accounted for) — larger, so only tests that need the whole county."""
    return make_world(tmp_path_factory.mktemp("county_world"), seed=7, months=12)


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


# --- Real local receivers for alert tests (an SMTP server and an HTTP JSON receiver) ---


@dataclass
class ReceivedMail:
    to: list[str]
    subject: str
    body: str
    attachments: list[str]
    files: dict[str, bytes] = field(default_factory=dict)  # attachment name -> its bytes


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1 (a free port); every accepted message parsed and kept."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[ReceivedMail] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        parts = list(msg.iter_attachments())
        self.messages.append(
            ReceivedMail(
                to=list(envelope.rcpt_tos),
                subject=str(msg["subject"]),
                body=body.get_content() if body is not None else "",
                attachments=[p.get_filename() for p in parts],
                files={p.get_filename(): p.get_payload(decode=True) for p in parts},
            )
        )
        return "250 OK"

    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?mode=insecure&from=alerts@county.test"

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


class HttpReceiver:
    """http.server in a thread on 127.0.0.1; every POST's path and JSON body kept."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []
        received = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server hook)
                length = int(self.headers.get("Content-Length", 0))
                received.append((self.path, json.loads(self.rfile.read(length) or b"{}")))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def __enter__(self) -> HttpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    """A port nothing listens on (bound, read, released): a "server down" target too."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpReceiver]:
    with SmtpReceiver() as server:
        yield server


@pytest.fixture(scope="module")
def http_receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as server:
        yield server


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
