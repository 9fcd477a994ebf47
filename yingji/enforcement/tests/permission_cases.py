"""Hand-written denials for 执法 (tests/test_permission_rules.py): the register is the
regulators'; an enterprise sees none of it, not even the conflict declared about itself; a
county bureau neither reads nor manages another county's officers; the leadership only reads."""

from yingji.core.testing import Denial


def _officers(code):
    def rows():
        from yingji.enforcement.models import LawOfficer

        return LawOfficer.objects.filter(organisation__code=code)

    return rows


def _conflicts():
    from yingji.enforcement.models import OfficerConflict

    return OfficerConflict.objects.all()


def _trainings():
    from yingji.enforcement.models import OfficerTraining

    return OfficerTraining.objects.filter(officer__organisation__code="XGQ-YJJ")


DENIALS = [
    Denial(
        "enforcement.LawOfficer",
        "enterprise",
        "view",
        _officers("XGQ-YJJ"),
        "企业看不到执法人员名录库",
    ),
    Denial(
        "enforcement.LawOfficer",
        "county_b",
        "view",
        _officers("XGQ-YJJ"),
        "城关区看不到西固区的执法人员",
    ),
    Denial(
        "enforcement.LawOfficer",
        "county_a",
        "change",
        _officers("LZYJJ-ZD"),
        "县区不管理市局执法人员",
    ),
    Denial("enforcement.LawOfficer", "leader", "change", _officers("LZYJJ-ZD"), "市局领导只读"),
    Denial(
        "enforcement.OfficerConflict", "enterprise", "view", _conflicts, "企业看不到对其申报的回避"
    ),
    Denial(
        "enforcement.OfficerConflict",
        "county_b",
        "change",
        _conflicts,
        "城关区不管理西固区人员的回避",
    ),
    Denial("enforcement.OfficerTraining", "enterprise", "view", _trainings, "企业看不到培训记录"),
    Denial(
        "enforcement.OfficerTraining",
        "county_b",
        "change",
        _trainings,
        "城关区不管理西固区人员的培训",
    ),
]


def _all(label):
    def rows():
        from django.apps import apps

        return apps.get_model(label).objects.all()

    return rows


def _city_inspection_rows(label):
    """Rows of the city bureau's demo inspection (county staff and the enterprise do not act
    on it)."""

    def rows():
        from django.apps import apps

        model = apps.get_model(label)
        fields = {f.name for f in model._meta.get_fields()}
        if "inspection" in fields:  # the demo names teams on county inspections too
            return model.objects.filter(inspection__authority__code="LZYJJ")
        if "order" in fields:
            return model.objects.filter(order__inspection__authority__code="LZYJJ")
        return model.objects.all()

    return rows


def _recording_setup():
    from yingji.core.context import actor_context
    from yingji.enforcement.models import InspectionOfficer, Recording

    team = InspectionOfficer.objects.first()
    with actor_context(None, source="test", label="test"):
        Recording.objects.create(
            inspection_id=team.inspection_id,
            kind="photo",
            file="recordings/test.png",
            original_name="test.png",
            size=10,
            mime_type="image/png",
            sha256="0" * 64,
            recorded_by_id=team.officer_id,
            recorded_at="2026-01-01T08:00:00+08:00",
        )


DENIALS += [
    Denial(
        "enforcement.Campaign",
        "enterprise",
        "view",
        _all("enforcement.Campaign"),
        "企业看不到专项整治",
    ),
    Denial(
        "enforcement.Campaign",
        "county_a",
        "change",
        _all("enforcement.Campaign"),
        "县区不改市局的专项整治",
    ),
    Denial(
        "enforcement.Campaign", "leader", "change", _all("enforcement.Campaign"), "市局领导只读"
    ),
    Denial(
        "enforcement.RandomDraw",
        "county_a",
        "change",
        _all("enforcement.RandomDraw"),
        "县区不改市局的抽取",
    ),
    Denial(
        "enforcement.RandomDraw", "leader", "change", _all("enforcement.RandomDraw"), "市局领导只读"
    ),
    Denial(
        "enforcement.DrawResult",
        "enterprise",
        "change",
        _all("enforcement.DrawResult"),
        "企业只能看公开结果",
    ),
    Denial(
        "enforcement.DrawResult", "leader", "change", _all("enforcement.DrawResult"), "市局领导只读"
    ),
    Denial(
        "enforcement.InspectionOfficer",
        "county_b",
        "change",
        _city_inspection_rows("enforcement.InspectionOfficer"),
        "只有实施检查的执法主体指派人员",
    ),
    Denial(
        "enforcement.InspectionOfficer",
        "leader",
        "change",
        _city_inspection_rows("enforcement.InspectionOfficer"),
        "市局领导只读",
    ),
    Denial(
        "enforcement.RectificationOrder",
        "enterprise",
        "change",
        _city_inspection_rows("enforcement.RectificationOrder"),
        "企业不能改指令书",
    ),
    Denial(
        "enforcement.RectificationOrder",
        "county_b",
        "change",
        _city_inspection_rows("enforcement.RectificationOrder"),
        "只有下达指令书的执法主体复查",
    ),
    Denial(
        "enforcement.ReInspection",
        "enterprise",
        "change",
        _city_inspection_rows("enforcement.ReInspection"),
        "企业不能记录复查",
    ),
    Denial(
        "enforcement.ReInspection",
        "leader",
        "change",
        _city_inspection_rows("enforcement.ReInspection"),
        "市局领导只读",
    ),
    Denial(
        "enforcement.Recording",
        "county_b",
        "change",
        _all("enforcement.Recording"),
        "只有实施检查的执法主体上传记录",
        setup=_recording_setup,
    ),
    Denial(
        "enforcement.Recording",
        "enterprise",
        "change",
        _all("enforcement.Recording"),
        "企业不能改执法记录",
        setup=_recording_setup,
    ),
]


def _unpublished_results():
    from yingji.enforcement.models import DrawResult

    return DrawResult.objects.exclude(draw__state="published")


def _unpublished_draw():
    from django.contrib.auth import get_user_model

    from yingji.core.context import actor_context
    from yingji.enforcement.schemas import EnfDrawIn
    from yingji.enforcement.services import do_run_draw

    user = get_user_model().objects.get(username="xigu_staff")
    with actor_context(user, source="test", label="test"):
        do_run_draw(actor=user, data=EnfDrawIn(campaign_name="未公开抽取", targets=2, seed=5))


DENIALS += [
    Denial(
        "enforcement.DrawResult",
        "enterprise",
        "view",
        _unpublished_results,
        "未公开的抽取结果企业看不到",
        setup=_unpublished_draw,
    ),
    Denial(
        "enforcement.DrawResult",
        "county_b",
        "view",
        _unpublished_results,
        "未公开的抽取结果只有抽取单位看得到",
        setup=_unpublished_draw,
    ),
]

# Models a generated rule does not apply to, with the reason (collected by
# tests/test_permission_rules.py; shown here so that it is reviewed with the app).
EXCEPTIONS = {
    (
        "enterprise",
        "enforcement.DrawResult",
    ): "双随机抽查结果依法向社会公开(一公开);未公开的另有人工用例",
}
