"""Issue rules: codes, severities and the Chinese message a coordinator reads.

Codes are shared with the sample generator's truth (docs/contracts.md); the message says
which cell, what is wrong and what to do. Values in messages are already masked by the
caller when they are personal information.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# The field of a finding about the sheet's 填报日期 line rather than a column of the table
# (report_date_stale); its header as shown is REPORT_DATE_HEADER.
REPORT_DATE_FIELD = "report_date"
REPORT_DATE_HEADER = "填报日期"

# rule -> (severity, message template). {row}, {header}, {value} are filled in; {other} is
# the other field of a date-order finding in 「」, {other_value} the same text bare.
RULES: dict[str, tuple[str, str]] = {
    "township_missing": (ERROR, "第{row}行无法确定所属乡镇：请在「{header}」填写本县乡镇名称。"),
    "key_date_missing": (ERROR, "第{row}行「{header}」为空：该日期为必填项，请补填。"),
    "key_date_unparseable": (
        ERROR,
        "第{row}行「{header}」「{value}」不是有效日期，请按“2025-03-05”或“2025年3月5日”格式填写。",
    ),
    "key_date_impossible": (
        ERROR,
        "第{row}行「{header}」「{value}」不是真实存在的日期或晚于本表报送（收到）日期，请核对。",
    ),
    "date_order": (
        ERROR,
        "第{row}行「{header}」「{value}」早于{other}，日期先后顺序有误，请核对。",
    ),
    "id_checksum": (WARNING, "第{row}行「{header}」{value} 校验位错误，请核对。"),
    "id_lost_precision": (
        WARNING,
        "第{row}行「{header}」{value} 以数字格式保存，后几位已丢失：请将单元格设为文本后重新录入。",
    ),
    "id_malformed": (WARNING, "第{row}行「{header}」{value} 不是15位或18位身份证号，请核对。"),
    "phone_missing": (WARNING, "第{row}行「{header}」为空：请补填当事人联系电话。"),
    "phone_invalid": (
        WARNING,
        "第{row}行「{header}」{value} 不是有效的手机或固定电话号码，请核对。",
    ),
    "resolved_without_date": (
        WARNING,
        "第{row}行已标记为化解/办结，但「{header}」为空：请补填化解（办结）日期。",
    ),
    "category_unknown": (
        WARNING,
        "第{row}行「{header}」「{value}」不在分类目录中，已暂归为“其他”，请按目录填写。",
    ),
    "value_unknown": (WARNING, "第{row}行「{header}」「{value}」无法识别，请按下拉选项填写。"),
    "date_unparseable": (WARNING, "第{row}行「{header}」「{value}」不是有效日期，请核对。"),
    "date_after_receipt": (
        WARNING,
        "第{row}行「{header}」「{value}」晚于本表报送（收到）日期，请核对。",
    ),
    # One per sheet, on the 填报日期 line: the rows are used (DESIGN.md s.7).
    "report_date_stale": (
        WARNING,
        "第{row}行填报日期{value}早于表中最晚日期{other_value}，请更新填报日期。",
    ),
    "petition_date_missing": (
        WARNING,
        "第{row}行已填写信访情况，但「{header}」为空：本行暂不计入信访批次，请补填信访日期。",
    ),
    "people_count_invalid": (
        WARNING,
        "第{row}行「{header}」「{value}」不是正整数，已按1人计，请核对。",
    ),
    "group_over_5_reps": (
        WARNING,
        "第{row}行来访人数{value}人：集体访推选代表不超过5人（《信访工作条例》第二十条），请核实登记。",
    ),
    "case_no_duplicate": (WARNING, "第{row}行「{header}」{value} 在本表中重复，请核对编号。"),
    "party_name_missing": (
        WARNING,
        "第{row}行「{header}」为空：请填写当事人（信访人）姓名。",
    ),
    "party_count_mismatch": (
        WARNING,
        "第{row}行当事人姓名与身份证号/电话个数不一致，请按相同顺序用“、”分隔填写。",
    ),
}


@dataclass(frozen=True)
class Issue:
    """One finding on one cell of one row (field None = the row as a whole)."""

    excel_row: int
    field: str | None
    rule: str
    value: str | None = None  # already masked where personal
    # the other field in a date-order finding, as shown; the latest row date of a
    # report_date_stale finding
    other: str | None = None

    @property
    def severity(self) -> str:
        return RULES[self.rule][0]

    def message_zh(self, header: str | None) -> str:
        template = RULES[self.rule][1]
        return template.format(
            row=self.excel_row,
            header=header or self.field or "",
            value=self.value if self.value is not None else "",
            other=f"「{self.other}」" if self.other else "关键日期",
            other_value=self.other or "",
        )
