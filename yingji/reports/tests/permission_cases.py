"""Hand-written denials for the 研判简报: a county's brief is not another county's, enterprises
see none, the read-only leadership changes nothing."""

from yingji.core.testing import Denial


def _make_xigu_brief():
    import datetime as dt

    from yingji.core.context import actor_context
    from yingji.geo.models import Region
    from yingji.reports.periods import period_of
    from yingji.reports.services import _create

    with actor_context(None, source="test", label="denial setup"):
        _create(Region.objects.get(code="620104"), period_of("month", dt.date(2024, 1, 5)), None)


def _xigu_briefs():
    from yingji.reports.models import Brief

    return Brief.objects.filter(region__code="620104")


def _city_briefs():
    from yingji.reports.models import Brief

    return Brief.objects.filter(region__level="city")


def _city_deliveries():
    from yingji.reports.models import BriefDelivery

    return BriefDelivery.objects.filter(brief__region__level="city")


def _make_template():
    from yingji.core.context import actor_context
    from yingji.reports.models import BriefTemplate

    with actor_context(None, source="test", label="denial setup"):
        BriefTemplate.objects.create(kind="week", name="测试模板", file_name="t.docx", content=b"")


def _templates():
    from yingji.reports.models import BriefTemplate

    return BriefTemplate.objects.all()


DENIALS = [
    Denial(
        "reports.BriefTemplate",
        "enterprise",
        "view",
        _templates,
        "企业用户不看简报模板",
        _make_template,
    ),
    Denial(
        "reports.BriefTemplate",
        "county_a",
        "change",
        _templates,
        "简报模板由市局上传",
        _make_template,
    ),
    Denial(
        "reports.BriefDelivery",
        "county_a",
        "view",
        _city_deliveries,
        "县区用户看不到市级简报的分发",
    ),
    Denial(
        "reports.BriefDelivery", "section", "change", _city_deliveries, "只有收件人本人能标记已阅"
    ),
    Denial("reports.BriefDelivery", "leader", "add", _city_deliveries, "领导只读,不分发"),
    Denial(
        "reports.Brief",
        "county_b",
        "view",
        _xigu_briefs,
        "西固区的简报(城关区用户)",
        _make_xigu_brief,
    ),
    Denial("reports.Brief", "county_a", "view", _city_briefs, "县区用户只看本县区简报"),
    Denial("reports.Brief", "enterprise", "view", _city_briefs, "企业用户不看研判简报"),
    Denial("reports.Brief", "leader", "change", _city_briefs, "局领导只读"),
]
