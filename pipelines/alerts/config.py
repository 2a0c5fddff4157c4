"""Who gets alerts and how: coordinators.yaml resolved against the environment.

The YAML is versioned and holds no secret; every ``*_env`` value names an environment
variable read here, at send time. A channel whose variable is unset is left out and listed
in ``Recipient.unconfigured`` so the run log can say so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from pipelines.reference.load import REFERENCE_DIR

COORDINATORS_FILE_ENV = "DISPUTES_COORDINATORS_FILE"
DEFAULT_FILE = REFERENCE_DIR / "coordinators.yaml"


@dataclass(frozen=True)
class Target:
    """One apprise destination. ``url`` carries secrets: never log it, log ``label``."""

    kind: str  # email | wecom | dingtalk | webhook
    url: str
    label: str

    @property
    def takes_attachments(self) -> bool:
        return self.kind == "email"


@dataclass(frozen=True)
class Recipient:
    name: str
    targets: tuple[Target, ...]
    unconfigured: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertConfig:
    attempts: int
    backoff_seconds: float
    data_team: Recipient
    coordinators: dict[str, Recipient] = field(default_factory=dict)
    township_names: dict[str, str] = field(default_factory=dict)


def _env(name: str | None) -> str | None:
    value = os.environ.get(name) if name else None
    return value.strip() if value and value.strip() else None


def _email_url(server_url: str, address: str) -> str:
    sep = "&" if "?" in server_url else "?"
    return f"{server_url}{sep}to={quote(address, safe='@')}&format=text"


def _targets(entry: dict[str, Any], smtp_url: str | None, smtp_env: str) -> Recipient:
    targets: list[Target] = []
    missing: list[str] = []
    address = entry.get("email")
    if address:
        if smtp_url:
            targets.append(Target("email", _email_url(smtp_url, address), f"email:{address}"))
        else:
            missing.append(f"email ({smtp_env} unset)")
    channels = (
        ("wecom", "wecom_key_env", "wecombot://{}"),
        ("dingtalk", "dingtalk_token_env", "dingtalk://{}"),
        ("webhook", "webhook_url_env", "{}"),
    )
    for kind, key, template in channels:
        env_name = entry.get(key)
        if not env_name:
            continue
        secret = _env(env_name)
        if secret:
            targets.append(Target(kind, template.format(secret), f"{kind}:${env_name}"))
        else:
            missing.append(f"{kind} ({env_name} unset)")
    name = str(entry.get("coordinator") or entry.get("name") or "")
    return Recipient(name=name, targets=tuple(targets), unconfigured=tuple(missing))


def coordinators_file() -> Path:
    return Path(os.environ.get(COORDINATORS_FILE_ENV) or DEFAULT_FILE)


def load_alert_config(path: Path | str | None = None) -> AlertConfig:
    """Read coordinators.yaml (or ``path``, or $DISPUTES_COORDINATORS_FILE) and resolve
    every channel from the environment as it is now."""
    source = Path(path) if path else coordinators_file()
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    delivery = raw.get("delivery") or {}
    smtp_env = (raw.get("email") or {}).get("url_env", "DISPUTES_SMTP_URL")
    smtp_url = _env(smtp_env)
    townships = raw.get("townships") or {}
    return AlertConfig(
        attempts=max(1, int(delivery.get("attempts", 3))),
        backoff_seconds=max(0.0, float(delivery.get("backoff_seconds", 0.5))),
        data_team=_targets(raw.get("data_team") or {}, smtp_url, smtp_env),
        coordinators={
            str(code): _targets(entry or {}, smtp_url, smtp_env)
            for code, entry in townships.items()
        },
        township_names={
            str(code): str((entry or {}).get("name", code)) for code, entry in townships.items()
        },
    )
