"""Chinese personal and place names for the sample world.

Surnames are drawn with realistic weights (western Fujian Hakka areas are dominated by a
few clans), so identical names across townships are common: that is deliberate, because
the warehouse must never merge two people on name alone.
"""

from __future__ import annotations

import random

_SURNAMES = "罗黄李江林沈吴童杨邱谢揭张陈王刘周赵曾邓华巫游傅温廖池马钟邹戴严丘罗黄李林"
_GIVEN = (
    "建国华明伟强军平金水生荣发福春秀英兰芳玉珍凤梅丽桂香云海龙德新志文斌辉永安"
    "红霞燕勇成根土木火连财旺兴贵良清清炳坤林森有富来喜长宝顺开元忠义仁礼智信"
)
_PLACE_A = "新东西南北上下中大小高岭坑坪溪塘田山林湖石桥口洋"
_PLACE_B = "坑坪溪塘田山林湖头岭背洋坊前后村里寨铺口下"


def person_name(rng: random.Random) -> str:
    """A surname plus one or two given-name characters."""
    name = rng.choice(_SURNAMES)
    name += rng.choice(_GIVEN)
    if rng.random() < 0.7:
        name += rng.choice(_GIVEN)
    return name


def villages(rng: random.Random, n: int = 12) -> list[str]:
    """Distinct village/community names for one township."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        base = rng.choice(_PLACE_A) + rng.choice(_PLACE_B)
        if base in seen:
            continue
        seen.add(base)
        out.append(base + ("社区" if len(out) == 0 else "村"))
    return out


def leader(rng: random.Random) -> str:
    """A township leader as written in the 包案领导 column."""
    title = rng.choice(("镇长", "副镇长", "党委副书记", "政法委员", "人大主席", "武装部长"))
    return person_name(rng) + "（" + title + "）" if rng.random() < 0.3 else person_name(rng)
