"""Coordinator feedback workbooks: write.py decides which files get one and where;
workbook.py builds a pair from rebuild.py/source.py (the coordinator's sheet), markup.py
(cells marked), summary_sheet.py (问题汇总) and mask.py (the twin that may leave)."""
