"""Grouping row issues into findings, and laying a digest out in 30 lines, as plain
functions (the real runs are in tests/integration/test_alerts_findings.py and
test_alerts.py)."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from pipelines.alerts.compose import compose_digests, fresh_items
from pipelines.alerts.digest_text import recent_cutoff
from pipelines.alerts.findings import Item
from quality.feedback.findings import group_findings
from quality.feedback.summary_sheet import SUMMARY_SHEET, summary_sheet

AS_OF = date(2026, 1, 5)
OTHER = "已暂归为“其他”，请按目录填写。"


def _issue(row: int | None, rule: str = "category_unknown", **kw: object) -> dict[str, object]:
    issue: dict[str, object] = {
        "file_id": "f1",
        "sheet_name": "Sheet1",
        "excel_row": row,
        "field": "category",
        "column_header": "纠纷类别",
        "column_letter": "E",
        "value_masked": "村务管理",
        "rule": rule,
        "severity": "warning",
        "message_zh": f"第{row}行「纠纷类别」「村务管理」不在分类目录中，{OTHER}",
    }
    issue.update(kw)
    return issue


STALE = {
    "excel_row": None,
    "field": None,
    "column_header": None,
    "column_letter": None,
    "value_masked": "2025-03-28",
    "message_zh": "填报日期2025-03-28早于表中最晚日期2025-03-30，请更新填报日期。",
}


def test_one_finding_per_file_rule_column_value() -> None:
    issues = [_issue(r) for r in (31, 12, 15, 12)]  # row 12 twice: rules and an expectation
    issues.append(_issue(40, value_masked="宅基地", message_zh="第40行「纠纷类别」「宅基地」…"))
    issues.append(_issue(12, file_id="f2"))
    findings = group_findings(issues)
    assert [(f.file_id, f.value, f.rows_text(3)) for f in findings] == [
        ("f1", "村务管理", "第12、15、31行"),
        ("f1", "宅基地", "第40行"),
        ("f2", "村务管理", "第12行"),
    ]
    assert findings[0].line(2) == (
        f"[警告] 第12、15行等共3行「纠纷类别」「村务管理」不在分类目录中，{OTHER}"
    )


def test_a_finding_without_a_row_is_a_whole_file_line() -> None:
    stale = _issue(None, rule="report_date_stale", **STALE)
    (finding, rows) = group_findings([_issue(5), stale])  # the whole-file line first
    assert finding.rule == "report_date_stale" and finding.rows == () and finding.row_count == 0
    assert (
        finding.line(3)
        == "[警告] 全表：填报日期2025-03-28早于表中最晚日期2025-03-30，请更新填报日期。"
    )
    assert rows.rows == (("Sheet1", 5),)


def test_rows_name_their_sheet_when_the_file_has_several() -> None:
    issues = [_issue(4, sheet_name="1月"), _issue(9, sheet_name="1月"), _issue(7, sheet_name="2月")]
    (finding,) = group_findings(issues)
    assert finding.rows_text(5) == "「1月」第4、9行；「2月」第7行"
    assert finding.rows_text(2) == "「1月」第4、9行等共3行"


def test_summary_sheet_rows_are_findings() -> None:
    wb = Workbook()
    wb.active.title = "Sheet1"  # type: ignore[union-attr]
    stale = _issue(None, rule="report_date_stale", **STALE)
    summary_sheet(wb, "a/b.xlsx", [_issue(r) for r in range(4, 204)] + [stale])
    rows = list(wb[SUMMARY_SHEET].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2][-11:], r[3]) for r in rows] == [
        (None, "全表", None),
        ("Sheet1", "、103行等共200行", 200),
    ]


def _items() -> list[Item]:
    """A 24-month backlog for one township: 2 files a month, each with 20 findings on 10
    rows each; 60 overdue petitions, 40 repeat petitioners, 6 rejected files, 2 sheets
    missing."""
    items = []
    for m in range(24):
        period = date(2024 + m // 12, m % 12 + 1, 1)
        for template in ("纠纷", "信访"):
            name = f"{period:%Y-%m}{template}.xlsx"
            for k in range(20):
                rows = tuple(("Sheet1", 4 + k * 10 + r) for r in range(10))
                severity = "error" if k == 0 else "warning"
                items.append(
                    Item(
                        "A",
                        "quality_issue",
                        f"{name}:{k}",
                        f"[x] 第{k}行",
                        name,
                        severity,
                        period=period,
                        rows=rows,
                    )
                )
    for n in range(60):
        items.append(Item("A", "deadline", f"d{n}", f"人{n}，已逾期{n}天", state="overdue", rank=n))
    for n in range(40):
        items.append(Item("A", "petitioner", f"p{n}", f"人{n}：信访{n}次", state="repeat", rank=n))
    for n in range(6):
        items.append(Item("A", "file_rejected", f"r{n}", f"文件《r{n}》未能导入", f"r{n}", "error"))
    items += [Item("A", "missing_sheet", f"m{n}", f"台账{n}尚未收到") for n in range(2)]
    return items


def test_a_two_year_backlog_is_thirty_lines() -> None:
    (digest,) = compose_digests(
        _items(), set(), {"A": "联络员"}, {"A": "甲镇"}, AS_OF, folder_for={"A": "feedback/甲镇/"}
    )
    lines = digest.body.splitlines()
    assert len(lines) <= 30, digest.body
    assert recent_cutoff(AS_OF) == date(2025, 10, 1)
    # 2024-01 .. 2025-09: 21 months x 2 files x 20 findings
    assert "2024年1月至2025年9月另有问题 840 条（42 个文件），标注表见反馈文件夹。" in lines
    assert "数据质量问题 960 条（错误 48 条，警告 912 条），涉及 9600 行" in lines[2]
    assert "  人59，已逾期59天" in lines  # the most overdue first
    assert "  ……其余 57 件请对照本乡镇信访台账逐件核查。" in lines
    assert "  ……另有 37 人，请对照本乡镇信访台账核查。" in lines
    assert len(digest.items) == 960 + 60 + 40 + 6 + 2  # every item is recorded as told


def test_cells_told_one_by_one_before_count_as_told() -> None:
    """A sent log from before findings were grouped holds one key per cell."""
    legacy = (
        "issue:f1:Sheet1:4:category_unknown:category",
        "issue:f1:Sheet1:5:category_unknown:category",
    )
    item = Item(
        "A",
        "quality_issue",
        "finding:f1:category_unknown:category:村务管理",
        "x",
        legacy_keys=legacy,
    )
    assert fresh_items([item], {("A", legacy[0])}, ["A"]) == {"A": [item]}
    assert fresh_items([item], {("A", k) for k in legacy}, ["A"]) == {}
