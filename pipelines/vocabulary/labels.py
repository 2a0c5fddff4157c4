"""Short Chinese labels for codes that pages and tables show: file statuses, the reasons a
file is rejected (raw.files.reason_kind) and the issue rules (rules.RULES).

The long, actionable text a coordinator reads stays where it is built (rules.RULES, the
reader's reason_zh); these are the few words a table heading or chart legend has room for.
A code without a label is shown as the code itself (see ``label``), so a new status or rule
never breaks a page; tests/unit/test_labels.py asks for a label for every rule in RULES.
"""

from __future__ import annotations

# raw.files.status (DESIGN.md section 7: every file that arrived has a row)
FILE_STATUS_ZH: dict[str, str] = {
    "loaded": "已载入",
    "superseded": "已被新版替换",
    "rejected": "拒收",
    "duplicate": "重复报送",
    "skipped": "已跳过（非台账文件）",
}

# raw.files.reason_kind of a rejected file
REJECT_REASON_ZH: dict[str, str] = {
    "not_spreadsheet": "不是Excel/CSV文件",
    "truncated": "文件损坏或不完整",
    "encrypted": "文件已加密",
    "empty": "空文件",
    "too_large": "文件过大或异常压缩",
    "too_many_rows": "行数超过上限",
    "unknown_template": "无法识别台账模板",
    "no_township": "无法确定乡镇",
    "no_period": "无法确定台账月份",
    "not_regular_file": "快捷方式/链接，非文件本身",
    "internal_error": "系统内部错误（数据组处理）",
}

# rules.RULES code -> short title
RULE_TITLE_ZH: dict[str, str] = {
    "township_missing": "乡镇缺失",
    "key_date_missing": "关键日期为空",
    "key_date_unparseable": "关键日期无法识别",
    "key_date_impossible": "关键日期不存在或晚于收到",
    "date_order": "日期先后顺序错误",
    "id_checksum": "身份证号校验位错误",
    "id_lost_precision": "身份证号以数字保存丢位",
    "id_malformed": "身份证号位数不对",
    "phone_missing": "联系电话为空",
    "phone_invalid": "联系电话无效",
    "resolved_without_date": "已化解但无化解日期",
    "category_unknown": "纠纷类别不在目录中",
    "value_unknown": "选项值无法识别",
    "date_unparseable": "日期无法识别",
    "date_after_receipt": "日期晚于收到日期",
    "report_date_stale": "填报日期未更新",
    "petition_date_missing": "信访日期为空",
    "people_count_invalid": "人数不是正整数",
    "group_over_5_reps": "集体访代表超过5人",
    "case_no_duplicate": "编号重复",
    "party_name_missing": "当事人姓名为空",
    "party_count_mismatch": "当事人与证件/电话个数不一致",
}

SEVERITY_ZH: dict[str, str] = {"error": "错误（隔离）", "warning": "提醒"}


def label(labels: dict[str, str], code: str | None, *, missing: str = "—") -> str:
    """The Chinese label of ``code``; the code itself when it has none (a new code)."""
    if code is None:
        return missing
    return labels.get(code, code)
