"""How the county's matters are distributed: dispute categories, the words registers use
for them, the one-line summary of each kind, and the forms petitions arrive in.

Shared by the case and the petition simulation, so a petition about a dispute and one
about a new matter draw from the same county-wide shares.
"""

from __future__ import annotations

import random

from sample_world.world.model import FORMS

_FORM_WEIGHTS = (30, 15, 17, 3, 35)
_CATEGORY_WEIGHTS = {
    "婚姻家庭": 14,
    "邻里纠纷": 18,
    "土地山林": 20,
    "征地拆迁": 6,
    "劳动社保": 9,
    "医疗卫生": 3,
    "交通事故": 6,
    "物业管理": 3,
    "合同债务": 10,
    "环境保护": 3,
    "涉法涉诉": 3,
    "其他": 5,
}
# Category words no vocab list knows: rendered for a few 其他 cases (category_unknown).
UNKNOWN_CATEGORY_WORDS = ("水利设施纠纷", "宗族祠堂纠纷", "殡葬习俗纠纷", "电商消费纠纷")
# What a case is about (its 简要情况) and a petition's content: the village, then this.
SUMMARY = {
    "婚姻家庭": "因赡养老人问题发生争执",
    "邻里纠纷": "因房屋滴水、通道问题引发纠纷",
    "土地山林": "因山林权属界址不清引发纠纷",
    "征地拆迁": "对征收补偿标准有异议",
    "劳动社保": "反映工程款、工资被拖欠",
    "医疗卫生": "对诊疗结果有异议",
    "交通事故": "交通事故赔偿未达成一致",
    "物业管理": "对物业收费有异议",
    "合同债务": "民间借贷到期未还",
    "环境保护": "反映养殖场污染",
    "涉法涉诉": "对判决执行有异议",
    "其他": "其他矛盾纠纷",
}


def draw_category(rng: random.Random) -> str:
    cats = list(_CATEGORY_WEIGHTS)
    return rng.choices(cats, weights=list(_CATEGORY_WEIGHTS.values()))[0]


def draw_category_word(rng: random.Random, category: str, vocab: dict) -> str:
    words = vocab["category"][category]
    return category if rng.random() < 0.75 else rng.choice(words)


def draw_form(rng: random.Random) -> str:
    """The form a petition arrives in, by the county's shares (visits most often)."""
    return rng.choices(FORMS, weights=_FORM_WEIGHTS)[0]
