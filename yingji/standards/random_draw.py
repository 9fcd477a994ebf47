"""双随机、一公开 (random selection of inspection targets and of officers, results published):
the draw as a pure, reproducible function, and the 事前公示 data of the enforcement matters.

Sources:
- 《国务院办公厅关于推广随机抽查规范事中事后监管的通知》(国办发〔2015〕58号): random selection
  of inspection targets and of inspectors, results made public (HIGH: the notice's subject).
- 《国务院关于在市场监管领域全面推行部门联合"双随机、一公开"监管的意见》(国发〔2019〕5号):
  检查对象名录库 and 执法检查人员名录库, 随机抽查事项清单 published (HIGH for the two registers
  and the published list).
- 《中华人民共和国行政处罚法》(2021) 第四十二条: at least two officers (HIGH); 第四十三条: an
  officer with a direct interest in the matter shall withdraw (回避) (HIGH for the rule; the
  platform only knows the conflicts officers declared).
- 行政执法公示 事前公开: 《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定
  法制审核制度的指导意见》(国办发〔2018〕118号): the 执法主体, 人员, 职责, 权限, 依据, 程序, 救济方式
  and 随机抽查事项清单 are published beforehand (MEDIUM: the list as quoted in secondary sources).
  职责 and 权限: 《安全生产法》(2021) 第十条 (综合监督管理) and 第六十五条 (现场检查、责令改正、
  责令停产停业、查封扣押) (MEDIUM: summarised, article numbers recalled). 程序: the 行政处罚法 (2021)
  general procedure, 第五十四条 to 第六十九条 (HIGH). 救济方式: 《行政复议法》(2023) 第二十条, 60 days;
  《行政诉讼法》第四十六条, 6 months (HIGH).
- The 随机抽查事项清单 below is the project's summary of the matters a city 应急管理局 checks
  (LOW: not checked against the bureau's own published list; the bureau should replace it).

The draw: the same candidates, officers, conflicts and seed always give the same result; the
candidates and officers are sorted first so that the order the database returned them in does
not matter. Reproducible with Python's ``random.Random(seed)`` (Mersenne Twister; its output
for a given seed is stable across Python versions for ``sample``/``shuffle`` on integers as used
here).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

MIN_OFFICERS_PER_TARGET = 2  # 行政处罚法第四十二条


class DrawError(ValueError):
    """The draw cannot be made (too few officers for a target, nothing to draw)."""


@dataclass(frozen=True)
class DrawRow:
    target: int
    officers: tuple[int, ...]


def draw(
    candidates: Iterable[int],
    officers: Iterable[int],
    *,
    targets: int,
    per_target: int,
    seed: int,
    conflicts: Iterable[tuple[int, int]] = (),
) -> list[DrawRow]:
    """Draw ``targets`` enterprises among ``candidates`` and, for each, ``per_target``
    distinct officers among ``officers``, never an officer with a declared conflict
    ``(officer, target)``. The officers' load is spread: each target draws first among the
    officers drawn least so far. Raises DrawError when it cannot."""
    if per_target < MIN_OFFICERS_PER_TARGET:
        raise DrawError(f"每个检查对象至少抽取{MIN_OFFICERS_PER_TARGET}名执法人员。")
    pool = sorted(set(candidates))
    staff = sorted(set(officers))
    if not pool:
        raise DrawError("检查对象名录库中没有符合条件的企业。")
    if targets < 1:
        raise DrawError("抽取数量至少为1。")
    blocked = set(conflicts)
    rng = random.Random(seed)
    chosen = sorted(rng.sample(pool, min(targets, len(pool))))
    load = dict.fromkeys(staff, 0)
    rows = []
    for target in chosen:
        eligible = [o for o in staff if (o, target) not in blocked]
        if len(eligible) < per_target:
            raise DrawError(
                f"可为检查对象{target}抽取的执法人员不足{per_target}人(已排除申报回避的人员)。"
            )
        rng.shuffle(eligible)
        eligible.sort(key=lambda o: load[o])  # stable: ties keep the random order
        picked = tuple(sorted(eligible[:per_target]))
        for o in picked:
            load[o] += 1
        rows.append(DrawRow(target, picked))
    return rows


# 随机抽查事项清单 (LOW: a project summary; the bureau replaces it with its published list)
CHECK_MATTERS: tuple[dict, ...] = (
    {
        "code": "SJ-01",
        "matter": "危险化学品生产、经营(带储存)、使用企业安全生产条件及主体责任落实情况",
        "basis": "《中华人民共和国安全生产法》第六十五条;《危险化学品安全管理条例》第六条",
        "sectors": ("hazchem_production", "hazchem_storage", "hazchem_trade", "hazchem_use"),
    },
    {
        "code": "SJ-02",
        "matter": "非煤矿山企业安全生产条件及隐患排查治理情况",
        "basis": "《中华人民共和国安全生产法》第六十五条;《中华人民共和国矿山安全法》",
        "sectors": ("non_coal_mine",),
    },
    {
        "code": "SJ-03",
        "matter": "工贸企业(冶金、有色、建材、机械、轻工、纺织、烟草、商贸)安全生产主体责任落实情况",
        "basis": "《中华人民共和国安全生产法》第六十五条;《工贸企业重大事故隐患判定标准》",
        "sectors": (
            "metallurgy",
            "nonferrous",
            "building_materials",
            "machinery",
            "light_industry",
            "textile",
            "tobacco",
            "commerce",
        ),
    },
    {
        "code": "SJ-04",
        "matter": "烟花爆竹经营单位安全生产条件情况",
        "basis": "《烟花爆竹安全管理条例》",
        "sectors": ("fireworks",),
    },
    {
        "code": "SJ-05",
        "matter": "生产经营单位安全生产教育培训、特种作业人员持证上岗情况",
        "basis": "《中华人民共和国安全生产法》第二十八条、第三十条",
        "sectors": (),
    },
)

PUBLIC_BASIS: tuple[str, ...] = (
    "《中华人民共和国安全生产法》(2021年修正)",
    "《中华人民共和国行政处罚法》(2021年修订)第四十二条、第四十三条",
    "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》(国办发〔2015〕58号)",
    "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》(国发〔2019〕5号)",
)


# 行政执法事前公示 (国办发〔2018〕118号: 主体、人员、职责、权限、依据、程序、救济方式、随机抽查事项清单)
PUBLIC_ITEMS: tuple[str, ...] = (
    "执法主体",
    "执法人员",
    "职责权限",
    "执法依据",
    "执法程序",
    "救济方式",
    "随机抽查事项清单",
)

# (职责/权限, 依据) — summarised, MEDIUM
PUBLIC_DUTIES: tuple[tuple[str, str], ...] = (
    (
        "对本行政区域内安全生产工作实施综合监督管理",
        "《中华人民共和国安全生产法》第十条",
    ),
    (
        "进入生产经营单位检查,调阅有关资料,向有关单位和人员了解情况",
        "《中华人民共和国安全生产法》第六十五条第一款第(一)项",
    ),
    (
        "对检查中发现的安全生产违法行为当场纠正或者责令限期改正;依法应当给予行政处罚的,作出行政处罚决定",
        "《中华人民共和国安全生产法》第六十五条第一款第(二)项",
    ),
    (
        "对检查中发现的事故隐患责令立即排除;重大事故隐患排除前或者排除过程中无法保证安全的,责令从危险区域撤出作业人员,责令暂时停产停业或者停止使用相关设施、设备",
        "《中华人民共和国安全生产法》第六十五条第一款第(三)项",
    ),
    (
        "对不符合保障安全生产的国家标准或者行业标准的设施、设备、器材以及违法生产、储存、使用、经营、运输的危险物品予以查封或者扣押",
        "《中华人民共和国安全生产法》第六十五条第一款第(四)项",
    ),
)

# 行政处罚一般程序 (《行政处罚法》2021), step → article — HIGH
PUBLIC_PROCEDURE: tuple[tuple[str, str], ...] = (
    ("立案(经行政机关负责人批准)", "第五十四条"),
    ("调查取证(执法人员不少于两人,出示执法证件)", "第四十二条、第五十五条"),
    ("事先告知拟作出的处罚内容及事实、理由、依据,告知陈述、申辩、要求听证等权利", "第四十四条"),
    ("当事人陈述、申辩;符合条件的,依当事人申请组织听证", "第四十五条、第六十三条、第六十四条"),
    ("重大执法决定作出前法制审核", "第五十八条"),
    ("负责人审查决定;情节复杂或者重大违法行为集体讨论决定", "第五十七条"),
    ("制作行政处罚决定书", "第五十九条"),
    ("自立案之日起九十日内作出决定(可依法延长)", "第六十条"),
    ("决定书当场交付或七日内送达", "第六十一条"),
    ("执行(罚款自收到决定书之日起十五日内缴纳)", "第六十七条"),
)

# 救济方式 — HIGH
PUBLIC_REMEDIES: tuple[tuple[str, str], ...] = (
    (
        "对行政处罚决定不服的,可以自知道或者应当知道该行政行为之日起六十日内申请行政复议",
        "《中华人民共和国行政复议法》(2023年修订)第二十条",
    ),
    (
        "也可以自知道或者应当知道作出行政行为之日起六个月内依法提起行政诉讼",
        "《中华人民共和国行政诉讼法》第四十六条",
    ),
    (
        "在事先告知后陈述、申辩;符合法定情形的有权要求听证",
        "《中华人民共和国行政处罚法》第四十五条、第六十三条",
    ),
)
