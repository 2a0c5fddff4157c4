"""Table layout on in-memory grids: titles, 填报 row, two-row headers, variants, endings."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.layout import (
    find_header,
    find_table,
    match_header,
    normalize_header,
)
from tests.support import DISPUTE_HEADER, grid


def row(*cells: str | None) -> list[str | None]:
    return list(cells)


def test_normalize_header_variants() -> None:
    assert normalize_header("乡（镇）") == "乡(镇)"
    assert normalize_header("联 系 电 话") == "联系电话"
    assert normalize_header("排查\n时间") == "排查时间"
    assert normalize_header("信访日期（必填）") == "信访日期"
    assert normalize_header("*身份证号") == "身份证号"
    assert normalize_header("村【社区】") == "村(社区)"
    assert normalize_header("　当事人　") == "当事人"


def test_match_header_variants() -> None:
    assert match_header("乡（镇）", "dispute") == "township"
    assert match_header("联 系 电 话", "dispute") == "phone"
    assert match_header("排查时间\r\n(必填)", "dispute") == "found_date"
    assert match_header("排查时间（年月日）", "dispute") == "found_date"
    assert match_header("村（社区）", "dispute") == "village"
    assert match_header("序号", "dispute") is None


def _template(headers: list[str | None]) -> str | None:
    """The template find_table gives a sheet of ``headers`` and one data row."""
    found = find_table(grid([headers, ["张三", "2025-03-02", "化解中"][: len(headers)]]))
    return found.template if found else None


def test_template_needs_all_its_key_headers() -> None:
    assert _template(["当事人", "排查时间", "化解状态"]) == "dispute"
    assert _template(["信访人", "信访日期（必填）", "来访方式"]) == "petition"
    assert _template(["当事人", "排查时间"]) is None  # 化解状态 missing
    assert _template([None]) is None


def test_dispute_register_with_petition_columns() -> None:
    headers = [
        "编号",
        "当事人",
        "排查时间",
        "化解状态",
        "办结时间",
        "信访编号",
        "信访日期",
        "信访形式",
        "受理日期",
        "答复日期",
        "领导见面日期",
    ]
    # every key of both templates is present: a dispute register carrying petition columns
    found = find_table(
        grid(
            [
                row(*headers),
                row(
                    "LF-1",
                    "张三",
                    "2025-03-02",
                    "化解中",
                    None,
                    "XF1",
                    "2025-03-03",
                    "来访",
                    None,
                    None,
                    None,
                ),
            ]
        )
    )
    assert found is not None and found.template == "dispute"
    fields = {f: ref.header for f, ref in found.columns.items()}
    assert fields["resolved_date"] == "办结时间"  # the dispute's own date, as before
    assert fields["concluded_date"] == "答复日期"  # the petition's, under its own word
    assert fields["case_no"] == "编号" and fields["petition_no"] == "信访编号"
    assert match_header("办结日期", "dispute") == "resolved_date"
    assert match_header("信访办结日期", "dispute") == "concluded_date"


def test_title_and_report_row_are_skipped() -> None:
    g = grid(
        [
            row("莲峰镇2025年3月矛盾纠纷排查化解台账"),
            row("填报单位：莲峰镇综治中心", None, None, None, None, "填报日期：2025年4月3日"),
            DISPUTE_HEADER,
            row(
                "1",
                "LF-001",
                "莲峰镇",
                "张三",
                "350825199001011234",
                "13800000000",
                "邻里纠纷",
                "2025-03-05",
                "已化解",
                "2025-03-20",
            ),
            row("2", "LF-002", "莲峰镇", "李四", None, None, "婚姻家庭", "2025/3/6", "化解中"),
        ]
    )
    layout = find_table(g)
    assert layout is not None
    assert layout.template == "dispute"
    assert layout.header_rows == [3]
    assert layout.title_lines[0] == "莲峰镇2025年3月矛盾纠纷排查化解台账"
    assert layout.report_date_text == "2025年4月3日"
    assert layout.data["excel_row"].to_list() == [4, 5]
    assert layout.data["party_name"].to_list() == ["张三", "李四"]
    assert "序号" not in [ref.header for ref in layout.columns.values()]
    assert layout.columns["case_no"].letter == "B"
    assert layout.columns["found_date"].header == "排查时间"
    assert set(layout.data.columns) == set(layout.columns) | {"excel_row"}
    assert all(dtype == pl.Utf8 for n, dtype in layout.data.schema.items() if n != "excel_row")


def test_two_row_header_with_merged_parent() -> None:
    g = grid(
        [
            row("莲峰镇2025年3月矛盾纠纷排查化解台账"),
            row("序号", "编号", "当事人", None, None, "排查时间", "化解状态", "乡（镇）"),
            row(None, None, "姓名", "身份证号", "联 系 电 话", None, None, None),
            row("1", "A1", "张三", "350825199001011234", "138", "2025-03-05", "已化解", "莲峰"),
        ]
    )
    layout = find_table(g)
    assert layout is not None and layout.template == "dispute"
    assert layout.header_rows == [2, 3]
    assert layout.columns["party_name"].index == 2
    assert layout.columns["party_name"].header == "当事人/姓名"
    assert layout.columns["id_number"].letter == "D"
    assert layout.columns["phone"].letter == "E"
    assert layout.columns["found_date"].letter == "F"
    assert layout.columns["township"].letter == "H"
    assert layout.data.row(0, named=True)["phone"] == "138"
    assert layout.data["excel_row"].to_list() == [4]


def test_two_row_parent_plus_child_match() -> None:
    """A child that means nothing alone ("名称") matches as parent+child ("当事人名称")."""
    header = find_header(
        [
            ["编号", "当事人", None, "排查时间", "化解状态"],
            [None, "名称", "公民身份号码", None, None],
            ["1", "某公司", None, "2025-03-01", "未化解"],
        ]
    )
    assert header is not None
    assert header.rows == [0, 1]
    assert header.mapping[1] == "party_name"
    assert header.mapping[2] == "id_number"


def test_one_row_header_over_data_is_not_two_rows() -> None:
    header = find_header([DISPUTE_HEADER, ["1", "A", "莲峰镇", "张三"] + [None] * 6])
    assert header is not None and header.rows == [0]


def test_header_variants_and_line_breaks() -> None:
    g = grid(
        [
            row("信访事项登记台账（2025年3月）"),
            row(
                "信访\n编号",
                "信访日期\n（必填）",
                "来访方式",
                "信访人",
                "联 系 电 话",
                "乡（镇）",
                "反映问题",
                "信访层级",
                "受理日期",
            ),
            row(
                "XF1",
                "2025-03-02",
                "走访",
                "王五",
                "13900000000",
                "宣和乡",
                "土地",
                "赴市",
                "2025-03-05",
            ),
        ]
    )
    layout = find_table(g)
    assert layout is not None and layout.template == "petition"
    assert set(layout.columns) >= {
        "petition_no",
        "petition_date",
        "form",
        "party_name",
        "phone",
        "township",
        "content",
        "level",
        "accepted_date",
    }
    assert layout.columns["petition_date"].header == "信访日期 （必填）"


def test_blank_rows_total_row_and_notes() -> None:
    g = grid(
        [
            DISPUTE_HEADER,
            row("1", "A1", "莲峰镇", "张三", None, None, "邻里纠纷", "2025-03-05", "已化解"),
            row(None, None, None, None),
            row("3"),  # a pre-numbered template row with nothing in it
            row("2", "A2", "莲峰镇", "李四", None, None, "邻里纠纷", "2025-03-06", "化解中"),
            row("合 计", None, "2"),
            row("3", "A3", "莲峰镇", "not data", None, None, None, "2025-03-07", "化解中"),
        ]
    )
    layout = find_table(g)
    assert layout is not None
    assert layout.data["excel_row"].to_list() == [2, 5]
    assert layout.end_row == 6


def test_subtotal_in_second_column_and_notes_row() -> None:
    g = grid(
        [
            DISPUTE_HEADER,
            row("1", "A1", "莲峰镇", "张三", None, None, "邻里纠纷", "2025-03-05", "已化解"),
            row("填表说明：1.排查时间填写到日；2.每月5日前报送。"),
            row("2", "A2"),
        ]
    )
    layout = find_table(g)
    assert layout is not None and layout.data.height == 1 and layout.end_row == 3
    g2 = grid([DISPUTE_HEADER, row("1", "A", "莲峰镇", "张三"), row(None, "小计", None, "1")])
    layout2 = find_table(g2)
    assert layout2 is not None and layout2.data.height == 1


def test_note_prefix_with_other_cells_is_data() -> None:
    """ "备注：…" only ends the table as a lone note; a record may start with such text."""
    g = grid(
        [
            DISPUTE_HEADER,
            row(
                "备注：待核", "A1", "莲峰镇", "张三", None, None, "邻里纠纷", "2025-03-05", "已化解"
            ),
        ]
    )
    layout = find_table(g)
    assert layout is not None and layout.data.height == 1


def test_footer_signoff_with_report_date() -> None:
    g = grid(
        [
            row("莲峰镇3月份矛盾纠纷排查台账"),
            DISPUTE_HEADER,
            row("1", "A1", "莲峰镇", "张三", None, None, "邻里纠纷", "2025-03-05", "已化解"),
            row("填表人：赵六", None, "审核人：钱七", None, "填报日期：2025年4月2日"),
        ]
    )
    layout = find_table(g)
    assert layout is not None and layout.data.height == 1
    assert layout.report_date_text == "2025年4月2日"


def test_unknown_header_columns_are_kept_as_extras() -> None:
    g = grid(
        [
            DISPUTE_HEADER + ["是否上报县级", None],
            row(
                "1",
                "A1",
                "莲峰镇",
                "张三",
                None,
                None,
                "邻里纠纷",
                "2025-03-05",
                "已化解",
                None,
                "是",
                "无表头的值",
            ),
        ]
    )
    layout = find_table(g)
    assert layout is not None
    assert layout.extras["K"].header == "是否上报县级"
    assert layout.extras["L"].header == ""
    assert layout.extra_data["K"].to_list() == ["是"]
    assert layout.extra_data["L"].to_list() == ["无表头的值"]
    assert "K" not in layout.data.columns


def test_excel_rows_follow_the_grid_offset() -> None:
    g = grid(
        [
            row("标题"),
            DISPUTE_HEADER,
            row("1", "A", "莲峰镇", "张三", None, None, None, "2025-03-05", "已化解"),
        ],
        first_row=4,
    )
    layout = find_table(g)
    assert layout is not None
    assert layout.header_rows == [5] and layout.data["excel_row"].to_list() == [6]


def test_no_header_and_unknown_template() -> None:
    assert find_table(grid([row("填表说明"), row("1. 每月5日前报送")])) is None
    layout = find_table(grid([row("编号", "乡镇", "村", "备注"), row("1", "莲峰镇", "x", "y")]))
    assert layout is not None and layout.template is None


def test_first_header_row_wins_over_later_table() -> None:
    g = grid(
        [
            DISPUTE_HEADER,
            row("1", "A1", "莲峰镇", "张三", None, None, None, "2025-03-05", "已化解"),
            DISPUTE_HEADER,
        ]
    )
    layout = find_table(g)
    assert layout is not None and layout.header_rows == [1]
    assert layout.data["excel_row"].to_list() == [2]  # the repeated header is not a record
