"""What users meet in 工作要点督办 (issue #12): true counts with a way to the full list."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yingji.workplan import selectors
from yingji.workplan.models import ProgressReport

pytestmark = pytest.mark.django_db


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_pending_review_count_is_the_true_count_and_links_to_all_of_them():
    coordinator = get_user_model().objects.get(username="zhxt_staff")
    more = ProgressReport.objects.exclude(state="submitted").order_by("pk")[:3]
    ProgressReport.objects.filter(pk__in=[r.pk for r in more]).update(state="submitted")
    total = selectors.pending_reviews(coordinator).count()
    assert total > 20
    client = client_for("zhxt_staff")
    html = client.get("/workplan/").content.decode()
    assert f'id="reviews-count">{total}</a>' in html
    assert f"查看全部 {total} 份待审核的报告" in html
    listing = client.get("/workplan/reviews/").content.decode()
    assert f"共 {total} 条" in listing
    # someone who reviews nothing sees nothing there
    assert "共 0 条" in client_for("xigu_staff").get("/workplan/reviews/").content.decode()


# --- import: the owner is the document's issuer (issue #12 A2) -----------------------------

SEED_TEXT = None


def seed(year=2041, issuer=None):
    from yingji.workplan.tests.test_services import seed_text

    text = seed_text(year)
    if issuer:
        text = text.replace("兰州市应急管理局\n", f"{issuer}\n", 1)
    return text


def start_import(text, actor="zhxt_staff", owner=None):
    from yingji.core.context import actor_context
    from yingji.orgs.models import Organisation
    from yingji.workplan import services

    user = get_user_model().objects.get(username=actor)
    with actor_context(user, source="test"):
        return services.do_start_import(
            actor=user,
            file_name="plan.txt",
            data=text.encode("utf-8"),
            owner=Organisation.objects.get(code=owner) if owner else None,
            coordinator=Organisation.objects.get(code="LZYJJ-ZHXT"),
        )


def test_without_an_owner_the_plan_belongs_to_the_documents_issuer():
    session = start_import(seed())
    assert session.parsed["issuer"] == "兰州市应急管理局"
    assert session.owner.code == "LZYJJ"
    assert not [w for w in session.parsed["warnings"] if w["code"] == "owner_not_issuer"]


def test_an_unresolvable_issuer_needs_an_explicit_owner():
    from yingji.core.errors import ValidationFailed
    from yingji.workplan.models import ImportSession

    before = ImportSession.objects.count()
    with pytest.raises(ValidationFailed, match="请选择制定单位"):
        start_import(seed(issuer="某某不存在的局"))
    assert ImportSession.objects.count() == before
    assert start_import(seed(issuer="某某不存在的局"), owner="LZYJJ").owner.code == "LZYJJ"


def test_a_county_cannot_import_in_another_countys_or_the_citys_name():
    from yingji.core.errors import NotPermitted
    from yingji.workplan.models import ImportSession

    before = ImportSession.objects.count()
    for owner in ("CGQ-YJJ", "LZYJJ", None):  # None: the document's issuer, the city bureau
        with pytest.raises(NotPermitted):
            start_import(seed(), actor="xigu_staff", owner=owner)
    assert ImportSession.objects.count() == before
    html = client_for("xigu_staff").get("/workplan/imports/").content.decode()
    owners = html.split('id="f-owner"')[1].split("</select>")[0]
    assert 'value="XGQ-YJJ"' in owners
    assert 'value="CGQ-YJJ"' not in owners and 'value="LZYJJ"' not in owners


def test_the_same_document_under_another_owner_is_warned_about():
    from yingji.workplan.models import Plan

    city = Plan.objects.get(pk=1)
    text = seed(city.year)
    session = start_import(text, actor="city_admin", owner="ANQ-YJJ")
    codes = [w["code"] for w in session.parsed["warnings"]]
    assert "owner_not_issuer" in codes and "imported_elsewhere" in codes
    assert "兰州市应急管理局" in " ".join(w["message"] for w in session.parsed["warnings"])


# --- 督办单 numbers per issuing organisation and year (issue #12 A6) -------------------------


def test_notice_numbers_run_per_owner_and_year_across_plans():
    from datetime import date

    from yingji.core.context import actor_context
    from yingji.workplan import services
    from yingji.workplan.models import Assignment, Plan
    from yingji.workplan.tests.test_services import confirm

    county_plan = Plan.objects.get(owner__code="XGQ-YJJ", parent__isnull=False)
    own, _ = confirm(
        start_import(
            seed(county_plan.year, issuer="西固区应急管理局"), actor="xigu_staff", owner="XGQ-YJJ"
        )
    )
    assert own.owner == county_plan.owner and own.year == county_plan.year and own != county_plan
    coordinator = get_user_model().objects.get(username="city_admin")  # supervises both
    numbers = []
    with actor_context(coordinator, source="test"):
        for index, plan in enumerate((county_plan, own, county_plan)):  # one 督办单 per item
            assignment = Assignment.objects.filter(task__plan=plan).order_by("pk")[index]
            notice = services.do_issue_notice(
                actor=coordinator,
                assignment=assignment,
                deadline=date(2026, 12, 31),
                reason="逾期未完成",
                today=date(2026, 11, 30),
            )
            numbers.append(notice.number)
    year = county_plan.year
    serials = [int(n.split("〕")[1].rstrip("号")) for n in numbers]
    assert all(n.startswith(f"XGQ-YJJ督〔{year}〕") for n in numbers)
    assert len(set(numbers)) == 3 and serials == sorted(serials)
    assert serials[1] == serials[0] + 1 and serials[2] == serials[1] + 1
