"""问题规律 (T50 查找问题规律): counts and trends of the visible cases by accident type, industry,
month, county and cause, for the analysis page's charts and its export."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from yingji.core.listing import download_rows
from yingji.geo.models import Region

from .choices import ACCIDENT_TYPE_LABELS, INDUSTRY_LABELS

# the recurring causes the bureau looks for in the cases' 直接原因 and, separately, their 间接原因
# (in each, the first group whose words occur counts the case once); a working list, not a
# national classification
CAUSES = [
    ("特殊作业未审批、未检测", ("作业票", "未检测", "未进行可燃", "未进行有毒", "检测分析")),
    ("违章作业、违章指挥", ("违章", "违规", "超速", "未系安全带", "未停机")),
    ("安全防护缺失", ("防护装置", "防护栏", "防护用品", "未佩戴", "呼吸器", "警示标志")),
    ("设备设施缺陷", ("老化", "失爆", "磨损", "不合格", "超期使用", "短路")),
    ("盲目施救", ("盲目施救",)),
    ("安全培训不到位", ("培训", "无证", "持证", "作业证")),
    ("现场管理和监护缺失", ("监护", "巡查", "安全员", "监控", "检查不到位", "未到场")),
    ("设计施工方案缺陷", ("设计", "方案", "高陡边坡", "通风系统")),
    ("安全生产责任制和管理制度不落实", ("主体责任", "责任制", "管理制度", "规章制度", "操作规程")),
    ("隐患排查治理不到位", ("隐患排查", "隐患未", "未及时消除", "排查治理")),
    ("属地和行业监管不到位", ("监管不到位", "监管部门", "属地", "监督检查不力", "执法检查")),
]


def cause_of(text: str) -> str:
    for label, words in CAUSES:
        if any(w in (text or "") for w in words):
            return label
    return "其他原因"


def _counted(rows, field, labels):
    out = rows.values(field).annotate(n=Count("pk"), deaths=Sum("deaths")).order_by("-n", field)
    return [
        {"name": labels.get(r[field], r[field] or "未填"), "count": r["n"], "deaths": r["deaths"]}
        for r in out
    ]


def summary(rows) -> dict:
    months = (
        rows.annotate(m=TruncMonth("occurred_on"))
        .values("m")
        .annotate(n=Count("pk"), deaths=Sum("deaths"))
        .order_by("m")
    )
    texts = list(rows.values_list("direct_causes", "indirect_causes"))
    direct = Counter(cause_of(d) for d, _ in texts)
    indirect = Counter(cause_of(i) for _, i in texts if i)
    return {
        "total": rows.count(),
        "deaths": rows.aggregate(d=Sum("deaths"))["d"] or 0,
        "by_type": _counted(rows, "accident_type", ACCIDENT_TYPE_LABELS),
        "by_industry": _counted(rows, "industry", INDUSTRY_LABELS),
        "by_region": _counted(rows, "region_name", {}),
        "by_month": [
            {"name": r["m"].strftime("%Y-%m"), "count": r["n"], "deaths": r["deaths"]}
            for r in months
            if r["m"]
        ],
        "by_cause": [{"name": k, "count": v, "deaths": None} for k, v in direct.most_common()],
        "by_indirect_cause": [
            {"name": k, "count": v, "deaths": None} for k, v in indirect.most_common()
        ],
    }


SECTIONS = [
    ("by_type", "事故类型"),
    ("by_industry", "行业"),
    ("by_month", "月份"),
    ("by_region", "县区"),
    ("by_cause", "直接原因"),
    ("by_indirect_cause", "间接原因"),
]


def export(data: dict):
    """One sheet: 维度, 分类, 起数, 死亡人数 (through the core download: no formulas)."""
    rows = [
        (label, r["name"], r["count"], r["deaths"] if r["deaths"] is not None else "")
        for key, label in SECTIONS
        for r in data[key]
    ]
    return download_rows("事故案例分析", ["维度", "分类", "起数", "死亡人数"], rows, "xlsx")


def region_code_in(text: str) -> str:
    """The code of the first county-level region named in ``text`` ("" if none)."""
    for code, name in Region.objects.filter(level="county").values_list("code", "name"):
        if name and name in text:
            return code
    return ""


def counties() -> list[tuple[str, str]]:
    """(code, name) of the county-level regions, for the 警示教育 form."""
    return list(Region.objects.filter(level="county").order_by("code").values_list("code", "name"))
