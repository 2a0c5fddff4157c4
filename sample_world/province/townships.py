"""Synthetic township lists for province mode: names, kinds, codes and case prefixes.

Real township names of 84 counties are not in any library the project uses, and the
pipeline only needs a reference list per county that the registers agree with; so the
names are made up from place-name syllables whose pinyin initials give the case-number
prefix (as `LF` for 莲峰镇). Codes follow the national scheme: county code plus three
digits (街道 0xx, 镇 1xx, 乡 2xx). Names and prefixes are unique within a county, codes
across the province.
"""

from __future__ import annotations

import random

from pipelines.reference.load import Township


def _syllables(text: str) -> tuple[tuple[str, str], ...]:
    """("莲", "L") pairs from "莲L 峰F ..."."""
    return tuple((w[0], w[1]) for w in text.split())


# Place-name syllables and their pinyin initials.
_FIRST = _syllables(
    "安A 白B 长C 大D 东D 丰F 高G 古G 和H 洪H 华H 黄H 江J 金J 九J 蓝L 莲L 龙L 罗L 马M "
    "梅M 南N 宁N 平P 青Q 仁R 瑞R 沙S 石S 双S 太T 塘T 田T 湾W 文W 西X 仙X 新X 岩Y 阳Y "
    "玉Y 云Y 漳Z 竹Z"
)
_SECOND = _syllables(
    "安A 坂B 城C 川C 丰F 峰F 港G 湖H 口K 岭L 美M 宁N 坪P 浦P 桥Q 山S 上S 坊F 阳Y 田T "
    "亭T 溪X 洋Y 源Y 洲Z 坑K 埔P 头T"
)
_KINDS = (("镇", 0.62), ("乡", 0.28), ("街道", 0.10))
# Three-digit blocks of 100 codes per kind (and the 340 prefixes) allow more; real
# counties of 福建 have 5-30.
MAX_PER_COUNTY = 90
_CODE_BASE = {"街道": 1, "镇": 100, "乡": 200}


def township_list(
    rng: random.Random, county_code: str, n: int
) -> tuple[tuple[Township, ...], dict[str, str]]:
    """`n` townships for the county and their case-number prefixes (by code)."""
    if not 1 <= n <= MAX_PER_COUNTY:
        raise ValueError(f"a county has 1..{MAX_PER_COUNTY} townships in province mode, not {n}")
    names: set[str] = set()
    prefixes: set[str] = set()
    drawn: list[tuple[str, str, str]] = []  # kind, name, prefix
    while len(drawn) < n:
        (a, ia), (b, ib) = rng.choice(_FIRST), rng.choice(_SECOND)
        kind = rng.choices([k for k, _ in _KINDS], weights=[w for _, w in _KINDS])[0]
        stem, prefix = a + b, ia + ib
        if a == b or stem in names or prefix in prefixes:
            continue
        names.add(stem)
        prefixes.add(prefix)
        drawn.append((kind, stem, prefix))
    seq = dict.fromkeys(_CODE_BASE, 0)
    out: list[Township] = []
    by_code: dict[str, str] = {}
    for kind in _CODE_BASE:  # 街道, then 镇, then 乡: the reference file's order
        for k, stem, prefix in drawn:
            if k != kind:
                continue
            code = f"{county_code}{_CODE_BASE[kind] + seq[kind]:03d}"
            seq[kind] += 1
            out.append(Township(code=code, name=stem + kind, kind=kind, aliases=(stem,)))
            by_code[code] = prefix
    return tuple(out), by_code
