"""The text of one township's digest, made to read on a phone (DESIGN.md s.8).

A summary first (what to fix, how many rows, by file), then one short section per kind,
and never more than ``MAX_LINES`` lines however large the backlog: each section is given
a number of lines and says how much it left out ("……另有 12 件"), and quality findings of
months older than the last three are one line ("2024年1月至2025年9月另有问题 412 条"). The
detail is in the attached marked-up workbooks and the township's feedback folder.

Plain functions over ``Item`` lists; no database, no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pipelines.alerts.findings import Item

# The recent months are the feedback's (a listed file always has its workbook); re-exported
# for run.py and compose.py.
from quality.feedback.selection import RECENT_MONTHS as RECENT_MONTHS
from quality.feedback.selection import recent_cutoff as recent_cutoff

MAX_LINES = 30  # a digest body, every line counted (DESIGN.md s.8: "at most ~30 lines")
FINDINGS_PER_FILE = 3  # findings listed under a file before "……该文件另有 n 条"


def is_recent(item: Item, cutoff: date) -> bool:
    """A file of unknown period is listed: nothing says it is old."""
    return item.period is None or item.period >= cutoff


def month_zh(day: date) -> str:
    return f"{day.year}年{day.month}月"


@dataclass(frozen=True)
class Section:
    """A heading, its lines, and what to say for the lines left out (``rest(n)``)."""

    heading: str
    lines: list[str]
    rest: Callable[[int], str]
    cap: int  # lines this section may take at most, heading included

    min_lines = 2

    @property
    def want(self) -> int:
        return min(self.cap, 1 + len(self.lines))

    def render(self, n: int) -> list[str]:
        """At most ``n`` (>= 2) lines: all of them, or the first ones and a rest line."""
        if 1 + len(self.lines) <= n:
            return [self.heading, *self.lines]
        shown = max(0, n - 2)
        return [self.heading, *self.lines[:shown], self.rest(len(self.lines) - shown)]


@dataclass(frozen=True)
class QualitySection:
    """Findings by file: the recent files' findings listed (errors first), the older
    months' summed up in one line."""

    items: list[Item]
    cutoff: date
    where: str  # where the listed files' detail is: "详见附件", "详见反馈文件夹"
    elsewhere: str  # where the detail of those not listed is: "标注表见反馈文件夹"
    heading: str = "报送台账数据质量问题"

    @property
    def cap(self) -> int:
        return MAX_LINES

    def _files(self) -> tuple[list[list[Item]], list[list[Item]]]:
        by_file: dict[str, list[Item]] = {}
        for item in self.items:
            by_file.setdefault(item.file_name or "（未知文件）", []).append(item)
        files = sorted(
            by_file.values(),
            key=lambda f: (
                not any(i.severity == "error" for i in f),
                -(f[0].period.toordinal() if f[0].period else 10**9),
                f[0].file_name or "",
            ),
        )
        recent = [f for f in files if is_recent(f[0], self.cutoff)]
        return recent, [f for f in files if not is_recent(f[0], self.cutoff)]

    @staticmethod
    def _block(findings: list[Item], n: int) -> list[str]:
        """One file in ``n`` lines at most (n >= 1): its counts, then its findings; a file
        with one finding is one line."""
        name = f"《{findings[0].file_name}》"
        if len(findings) == 1:
            return [f"{name}{findings[0].line}"]
        errors = sum(1 for i in findings if i.severity == "error")
        rows = len({row for i in findings for row in i.rows})
        head = (
            f"{name}：{len(findings)} 条"
            + (f"（含错误 {errors} 条）" if errors else "")
            + (f"，涉及 {rows} 行" if rows else "")
        )
        lines = [f"  {i.line}" for i in findings]
        if 1 + len(lines) <= n:
            return [head, *lines]
        if n == 1:
            return [head]
        shown = n - 2
        return [head, *lines[:shown], f"  ……该文件另有 {len(lines) - shown} 条"]

    @property
    def min_lines(self) -> int:
        """Heading and a line; and the older months' line when there are both."""
        recent, older = self._files()
        return 3 if recent and older else 2

    @property
    def want(self) -> int:
        recent, older = self._files()
        listed = sum(1 if len(f) == 1 else 1 + min(len(f), FINDINGS_PER_FILE + 1) for f in recent)
        return 1 + listed + (1 if older else 0)

    def render(self, n: int) -> list[str]:
        recent, older = self._files()
        out = [f"{self.heading}（按文件，{self.where}）："]
        budget = n - 1 - (1 if older else 0)
        for index, findings in enumerate(recent):
            left = len(recent) - index - 1
            room = budget - (len(out) - 1) - (1 if left else 0)
            if room < 1:
                rest = recent[index:]
                count = sum(len(f) for f in rest)
                out.append(f"另有 {len(rest)} 个文件问题 {count} 条，{self.elsewhere}。")
                break
            out += self._block(findings, min(room, 1 + FINDINGS_PER_FILE + 1))
        if older:
            months = [f[0].period for f in older if f[0].period]
            span = f"{month_zh(min(months))}至{month_zh(max(months))}" if months else "较早月份"
            count = sum(len(f) for f in older)
            out.append(f"{span}另有问题 {count} 条（{len(older)} 个文件），{self.elsewhere}。")
        return out


def allocate(sections: list[Section | QualitySection], budget: int) -> list[str]:
    """Every section gets its minimum (heading and a line, or a rest line), then each
    takes what it wants up to its cap while lines are left: the small sections first,
    quality last, so it takes what is left."""
    alloc = [min(s.min_lines, s.want) for s in sections]
    left = budget - sum(alloc)
    order = sorted(range(len(sections)), key=lambda k: isinstance(sections[k], QualitySection))
    for k in order:
        give = max(0, min(sections[k].want - alloc[k], left))
        alloc[k] += give
        left -= give
    return [line for s, n in zip(sections, alloc, strict=True) for line in s.render(n)]
