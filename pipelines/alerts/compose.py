"""One Chinese digest per township: only the items not told before, grouped by kind.

Plain functions over ``Item`` lists; no database, no network. ``scrub``
(pipelines/privacy.py) is the last guard before anything leaves: an ID or an 11-digit mobile
that slipped into a message is masked here whatever its source.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipelines.alerts.findings import Item
from pipelines.privacy import scrub

MAX_LINES_PER_FILE = 20
MAX_LINES_PER_SECTION = 30

KIND_ORDER = ("quality_issue", "file_rejected", "missing_sheet", "deadline", "petitioner")


@dataclass(frozen=True)
class Digest:
    township_code: str
    township_name: str
    recipient: str
    title: str
    body: str
    items: tuple[Item, ...]
    digest_hash: str
    counts: dict[str, int] = field(default_factory=dict)
    attachments: tuple[Path, ...] = ()  # masked feedback workbooks only


def digest_hash(township_code: str, items: list[Item]) -> str:
    keys = "\n".join(sorted(i.key for i in items))
    return hashlib.sha256(f"{township_code}\n{keys}".encode()).hexdigest()


def counts_of(items: list[Item]) -> dict[str, int]:
    kinds = Counter(i.kind for i in items)
    return {
        "quality_issues": kinds["quality_issue"],
        "quality_errors": sum(
            1 for i in items if i.kind == "quality_issue" and i.severity == "error"
        ),
        "quality_warnings": sum(
            1 for i in items if i.kind == "quality_issue" and i.severity == "warning"
        ),
        "rejected_files": kinds["file_rejected"],
        "missing_sheets": kinds["missing_sheet"],
        "deadline_petitions": kinds["deadline"],
        "petitioners": kinds["petitioner"],
    }


def summary_line(counts: dict[str, int]) -> str:
    parts = []
    if counts["quality_issues"]:
        parts.append(
            f"数据质量问题 {counts['quality_issues']} 条（错误 {counts['quality_errors']} 条，"
            f"警告 {counts['quality_warnings']} 条）"
        )
    if counts["rejected_files"]:
        parts.append(f"未能导入的文件 {counts['rejected_files']} 个")
    if counts["missing_sheets"]:
        parts.append(f"逾期未报台账 {counts['missing_sheets']} 份")
    if counts["deadline_petitions"]:
        parts.append(f"逾期或7日内到期信访 {counts['deadline_petitions']} 件")
    if counts["petitioners"]:
        parts.append(f"重复/越级信访人 {counts['petitioners']} 人")
    return "；".join(parts)


def _capped(lines: list[str], cap: int, rest: str) -> list[str]:
    if len(lines) <= cap:
        return lines
    return [*lines[:cap], rest.format(n=len(lines) - cap)]


def _quality_section(items: list[Item], has_attachment: bool) -> list[str]:
    by_file: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_file[item.file_name or "（未知文件）"].append(item)
    hint = "详见附件反馈表" if has_attachment else "请对照原表逐条核对"
    out = []
    for file_name, file_items in by_file.items():
        errors = sum(1 for i in file_items if i.severity == "error")
        out.append(
            f"文件《{file_name}》：{len(file_items)} 条（错误 {errors} 条，"
            f"警告 {len(file_items) - errors} 条）"
        )
        out += _capped(
            [f"  {i.line}" for i in file_items], MAX_LINES_PER_FILE, f"  ……另有 {{n}} 条，{hint}。"
        )
    return out


def render(
    township_name: str,
    recipient: str,
    as_of: date,
    items: list[Item],
    has_attachment: bool,
    full_workbooks: tuple[str, ...] = (),
) -> tuple[str, str]:
    """Title and plain-text body of one township's digest. ``full_workbooks``: where the
    full marked-up copies lie (relative to DISPUTES_HOME); the attachment is masked, so the
    body says where to find the one to fix the sheet from."""
    counts = counts_of(items)
    by_kind: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    title = f"【矛盾纠纷排查数据提醒】{township_name} {as_of.isoformat()}"
    body = [
        f"{recipient}：您好！",
        f"截至 {as_of.isoformat()}，{township_name}有以下新情况（上次提醒后新增）：",
        summary_line(counts) + "。",
        "",
    ]

    def lines_of(kind: str) -> list[str]:
        return [f"  {i.line}" for i in by_kind[kind]]

    sections = (
        ("一、报送台账数据质量问题", _quality_section(by_kind["quality_issue"], has_attachment)),
        ("二、未能导入的文件（请修正后重新报送）", lines_of("file_rejected")),
        ("三、逾期未报台账", lines_of("missing_sheet")),
        ("四、信访事项办理期限（已逾期或7日内到期）", lines_of("deadline")),
        ("五、重复信访、越级信访人员（已脱敏）", lines_of("petitioner")),
    )
    for heading, lines in sections:
        if lines:
            body.append(heading)
            body += _capped(lines, MAX_LINES_PER_SECTION, "  ……另有 {n} 条。")
            body.append("")
    if has_attachment:
        body.append("附件为标注了问题单元格的台账副本（当事人姓名、身份证号、电话等已脱敏）。")
    body += [f"完整标注版（含当事人信息，仅限内网）：{path}" for path in full_workbooks]
    if has_attachment or full_workbooks:
        body.append("请对照完整标注版更正后重新报送。")
    body.append("本提醒由县矛盾纠纷排查数据仓自动发送，只列出上次提醒以来的新情况。")
    return scrub(title), scrub("\n".join(body))


def compose_digests(
    items: list[Item],
    already_alerted: set[tuple[str, str]],
    recipients: dict[str, str],
    township_names: dict[str, str],
    as_of: date,
    attachments_for: dict[str, tuple[Path, ...]] | None = None,
    full_workbooks_for: dict[str, tuple[str, ...]] | None = None,
) -> list[Digest]:
    """One digest per township in ``recipients`` that has at least one item whose
    (township_code, key) is not in ``already_alerted``; townships without a configured
    coordinator get none. ``attachments_for``: the masked workbooks to attach;
    ``full_workbooks_for``: the full ones' paths, named in the body."""
    fresh: dict[str, dict[str, Item]] = defaultdict(dict)
    for item in items:
        if item.township_code in recipients and (item.township_code, item.key) not in (
            already_alerted
        ):
            fresh[item.township_code].setdefault(item.key, item)
    digests = []
    for code in sorted(fresh):
        township_items = sorted(
            fresh[code].values(), key=lambda i: (KIND_ORDER.index(i.kind), i.file_name or "")
        )
        files = (attachments_for or {}).get(code, ())
        name = township_names.get(code, code)
        full = (full_workbooks_for or {}).get(code, ())
        title, body = render(name, recipients[code], as_of, township_items, bool(files), full)
        digests.append(
            Digest(
                township_code=code,
                township_name=name,
                recipient=recipients[code],
                title=title,
                body=body,
                items=tuple(township_items),
                digest_hash=digest_hash(code, township_items),
                counts=counts_of(township_items),
                attachments=files,
            )
        )
    return digests
