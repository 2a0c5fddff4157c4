"""One Chinese digest per township: only the items not told before, grouped by kind, laid
out to read on a phone (pipelines/alerts/digest_text.py).

Plain functions over ``Item`` lists; no database, no network. ``scrub``
(pipelines/privacy.py) is the last guard before anything leaves: an ID or an 11-digit mobile
that slipped into a message is masked here whatever its source.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from pipelines.alerts.digest_text import (
    MAX_LINES,
    QualitySection,
    Section,
    allocate,
    recent_cutoff,
)
from pipelines.alerts.findings import Item
from pipelines.privacy import scrub

NUMERALS = "一二三四五六"
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
    quality = [i for i in items if i.kind == "quality_issue"]
    return {
        "quality_issues": len(quality),  # findings (file, rule, column, value), not cells
        "quality_errors": sum(1 for i in quality if i.severity == "error"),
        "quality_warnings": sum(1 for i in quality if i.severity == "warning"),
        "quality_rows": len({(i.file_name, row) for i in quality for row in i.rows}),
        "rejected_files": kinds["file_rejected"],
        "missing_sheets": kinds["missing_sheet"],
        "deadline_petitions": kinds["deadline"],
        "petitioners": kinds["petitioner"],
    }


def summary_line(counts: dict[str, int]) -> str:
    """What there is to do, in one line: the first thing a coordinator reads."""
    parts = []
    if counts["quality_issues"]:
        rows = f"，涉及 {counts['quality_rows']} 行" if counts["quality_rows"] else ""
        parts.append(
            f"数据质量问题 {counts['quality_issues']} 条（错误 {counts['quality_errors']} 条，"
            f"警告 {counts['quality_warnings']} 条）{rows}"
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


def _sections(
    by_kind: dict[str, list[Item]], cutoff: date, where: tuple[str, str]
) -> list[Section | QualitySection]:
    """The non-empty sections in reading order; the most urgent items first in each."""
    rejected = sorted(
        by_kind["file_rejected"], key=lambda i: -(i.period.toordinal() if i.period else 10**9)
    )
    deadlines = sorted(by_kind["deadline"], key=lambda i: -i.rank)
    people = sorted(by_kind["petitioner"], key=lambda i: -i.rank)
    overdue = sum(1 for i in deadlines if i.state == "overdue")
    repeat = sum(1 for i in people if "repeat" in (i.state or ""))
    escalated = sum(1 for i in people if "escalated" in (i.state or ""))
    sections: list[Section | QualitySection] = [
        QualitySection(by_kind["quality_issue"], cutoff, *where),
        Section(
            f"未能导入的文件 {len(rejected)} 个（请修正后重新报送）：",
            [f"  {i.line}" for i in rejected],
            lambda n: f"  ……另有 {n} 个较早的文件未能导入，请联系县信访局核对。",
            cap=4,
        ),
        Section(
            "逾期未报台账：",
            [f"  {i.line}" for i in by_kind["missing_sheet"]],
            lambda n: f"  ……另有 {n} 份。",
            cap=3,
        ),
        Section(
            f"信访事项办理期限：已逾期 {overdue} 件，7日内到期 {len(deadlines) - overdue} 件"
            "（逾期最久的在前）：",
            [f"  {i.line}" for i in deadlines],
            lambda n: f"  ……其余 {n} 件请对照本乡镇信访台账逐件核查。",
            cap=5,
        ),
        Section(
            f"重复信访、越级信访人员（已脱敏）：重复信访 {repeat} 人，越级信访 {escalated} 人"
            "（信访次数多的在前）：",
            [f"  {i.line}" for i in people],
            lambda n: f"  ……另有 {n} 人，请对照本乡镇信访台账核查。",
            cap=5,
        ),
    ]
    shown = [s for s in sections if (s.items if isinstance(s, QualitySection) else s.lines)]
    return [replace(s, heading=f"{NUMERALS[n]}、{s.heading}") for n, s in enumerate(shown)]


def render(
    township_name: str,
    recipient: str,
    as_of: date,
    items: list[Item],
    attached: int = 0,
    folder: str | None = None,
) -> tuple[str, str]:
    """Title and plain-text body of one township's digest, at most MAX_LINES lines.
    ``attached``: how many masked workbooks go with it (by email); ``folder``: where the
    township's full marked-up copies lie (relative to DISPUTES_HOME): the attachment is
    masked, so the body says where to find the ones to fix the sheets from."""
    by_kind: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    title = f"【矛盾纠纷排查数据提醒】{township_name} {as_of.isoformat()}"
    header = [
        f"{recipient}：您好！",
        f"截至 {as_of.isoformat()}，{township_name}有以下新情况（上次提醒后新增）：",
        summary_line(counts_of(items)) + "。",
    ]
    footer = []
    if attached:
        footer.append(f"附件为 {attached} 个文件的标注表（问题单元格标红/黄，当事人信息已脱敏）。")
    if folder:
        footer.append(f"完整标注版（含当事人信息，仅限内网）：{folder}，请对照更正后重新报送。")
    footer.append("本提醒由县矛盾纠纷排查数据仓自动发送，只列出上次提醒以来的新情况。")
    if folder:
        where = ("详见附件" if attached else "详见反馈文件夹", "标注表见反馈文件夹")
    else:
        where = ("请对照原表核对", "请对照原表核对")
    sections = _sections(by_kind, recent_cutoff(as_of), where)
    body = header + allocate(sections, MAX_LINES - len(header) - len(footer)) + footer
    return scrub(title), scrub("\n".join(body))


def is_told(item: Item, already_alerted: set[tuple[str, str]]) -> bool:
    """Told before: its key is in the sent log, or (a log written before findings were
    grouped, issue 12) every cell it names was told one by one."""
    code = item.township_code
    if (code, item.key) in already_alerted:
        return True
    return bool(item.legacy_keys) and all((code, k) in already_alerted for k in item.legacy_keys)


def fresh_items(
    items: list[Item], already_alerted: set[tuple[str, str]], recipients: Collection[str]
) -> dict[str, list[Item]]:
    """Per township with a coordinator: its items not told before, one per key, in the
    digest's order (kind, then file)."""
    fresh: dict[str, dict[str, Item]] = defaultdict(dict)
    for item in items:
        if item.township_code in recipients and not is_told(item, already_alerted):
            fresh[item.township_code].setdefault(item.key, item)
    return {
        code: sorted(by_key.values(), key=lambda i: (KIND_ORDER.index(i.kind), i.file_name or ""))
        for code, by_key in sorted(fresh.items())
    }


def compose_digests(
    items: list[Item],
    already_alerted: set[tuple[str, str]],
    recipients: dict[str, str],
    township_names: dict[str, str],
    as_of: date,
    attachments_for: dict[str, tuple[Path, ...]] | None = None,
    folder_for: dict[str, str] | None = None,
) -> list[Digest]:
    """One digest per township in ``recipients`` that has at least one item not told
    before (``is_told``); townships without a configured coordinator get none.
    ``attachments_for``: the masked workbooks to attach; ``folder_for``: where the full
    ones lie, named in the body."""
    digests = []
    for code, township_items in fresh_items(items, already_alerted, recipients).items():
        files = (attachments_for or {}).get(code, ())
        name = township_names.get(code, code)
        folder = (folder_for or {}).get(code)
        title, body = render(name, recipients[code], as_of, township_items, len(files), folder)
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
