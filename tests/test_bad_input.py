"""Bad input is a 4xx with a Chinese message, never a 500 (issue #10 item 8).

Besides the cases the issue names, every list page is requested with junk in each of the query
parameters its own filter form offers (found in the rendered page, so a new filter is tested the
day it is added), and every API GET operation with junk in each of its query and path
parameters (from the OpenAPI document)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.test_routes import routes

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
JUNK = [HUGE, "-" + HUGE, "abc", "-1", "0", "1e309", "2022-13-45", "--name", "\x00", "'\"<>"]
COMMON = ["page", "sort", "offset", "limit", "q", "export", "year", "cycle", "plan", "id"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FORM_NAME = re.compile(r"""<(?:input|select|textarea)[^>]*\bname=["']([^"']+)["']""")


def _plan_and_cycle():
    from yingji.workplan.models import ReportingCycle

    cycle = ReportingCycle.objects.select_related("plan").order_by("pk").first()
    return cycle.plan, cycle


def _chinese_error(response) -> bool:
    if response["Content-Type"].startswith("application/json"):
        return bool(CHINESE.search(json.loads(response.content)["message"]))
    return bool(CHINESE.search(response.content.decode()))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/history/sessions/session/1",
        "/api/v1/history/contenttypes/contenttype/1",
        "/api/v1/history/auth/permission/1",
        "/api/v1/history/orgs/organisation/abc",
        "/api/v1/history/orgs/organisation/" + HUGE,
        "/api/v1/history/nosuchapp/nosuchmodel/1",
        "/records/sessions/session/1/history/",
        "/records/contenttypes/contenttype/1/history/",
        "/records/auth/permission/1/history/",
        "/records/orgs/organisation/abc/history/",
        "/records/orgs/organisation/" + HUGE + "/history/",
        "/records/core/objectchange/1/history/",
    ],
)
def test_history_of_anything_else_is_a_404(as_user, path):
    response = as_user("city_admin").get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert _chinese_error(response)


@pytest.mark.parametrize("cycle", ["abc", HUGE, "-1", "1.5", ""])
def test_report_docx_with_a_bad_cycle(as_user, cycle):
    plan, _ = _plan_and_cycle()
    client = as_user("city_admin")
    api = client.get(f"/api/v1/workplan/plans/{plan.pk}/report.docx", {"cycle": cycle})
    assert api.status_code in (400, 404, 422), api.status_code
    assert _chinese_error(api)
    web = client.get(reverse("workplan:report_docx", args=[plan.pk]), {"cycle": cycle})
    assert web.status_code in (400, 404), web.status_code
    assert _chinese_error(web)


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-5", "abc"])
def test_absurd_numbers_in_api_lists(as_user, value):
    client = as_user("city_admin")
    for path, params in [
        ("/api/v1/enterprises", {"offset": value}),
        ("/api/v1/enterprises", {"limit": value}),
        ("/api/v1/audit/changes", {"limit": value}),
        ("/api/v1/regions", {"limit": value}),
        ("/api/v1/enterprises/insurance-gaps", {"days": value}),
        ("/api/v1/inspections/plans", {"year": value}),
    ]:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params, response.status_code)
        if response.status_code >= 400:
            assert _chinese_error(response), (path, params)


def _why(response) -> str:
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    import traceback

    ours = [f for f in traceback.extract_tb(info[2]) if "/yingji/" in f.filename]
    where = (
        f" at yingji/{ours[-1].filename.split('/yingji/')[-1]}:{ours[-1].lineno}" if ours else ""
    )
    return f" {info[0].__name__}: {str(info[1])[:100]}{where}"


def _page_parameters(html: str) -> set[str]:
    return {name for name in FORM_NAME.findall(html) if name != "csrfmiddlewaretoken"}


@pytest.mark.parametrize("persona_name", ["city_admin", "county_a"])
def test_junk_in_every_query_parameter_of_every_page(as_user, persona_name):
    client = as_user(persona_name)
    client.raise_request_exception = False  # collect every 500, not only the first
    failures = []
    for pattern, name in routes():
        if "<" in pattern or name.endswith(("template", "logout")):
            continue
        url = reverse(name)
        first = client.get(url)
        if first.status_code != 200 or not first["Content-Type"].startswith("text/html"):
            continue
        names = (_page_parameters(first.content.decode()) | set(COMMON)) - {"export"}
        for junk in JUNK:
            response = client.get(url, {n: junk for n in names})
            if response.status_code >= 500:
                failures.append(f"{url}?…={junk!r}: {response.status_code}{_why(response)}")
    assert not failures, "\n".join(failures)


def _api_operations(client):
    spec = json.loads(client.get("/api/v1/openapi.json").content)
    for path, operations in spec["paths"].items():
        op = operations.get("get")
        if op:
            yield path, op.get("parameters", [])


def test_junk_in_every_api_parameter(as_user):
    client = as_user("city_admin")
    client.raise_request_exception = False
    failures = []
    for path, parameters in _api_operations(client):
        query = [p["name"] for p in parameters if p["in"] == "query"]
        path_params = [p["name"] for p in parameters if p["in"] == "path"]
        for junk in JUNK:
            url = path
            for name in path_params:
                url = url.replace("{" + name + "}", junk.replace("/", "") or "x")
            if junk == "\x00" and path_params:
                continue  # not a valid URL path
            response = client.get(url, {n: junk for n in query})
            if response.status_code >= 500:
                failures.append(f"{url} {query}={junk!r}: {response.status_code}{_why(response)}")
            elif response.status_code >= 400 and not _chinese_error(response):
                failures.append(f"{url} {query}={junk!r}: no Chinese message")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "url",
    ["/search/?q=%E8%A5%BF%00%E5%9B%BA", "/hazards/queue/?region=62%00", "/monitoring/?level=%00"],
)
def test_hand_read_query_parameters_survive_control_characters(as_user, url):
    """Pages that read a query parameter themselves (not through core.listing): a NUL byte
    (refused by PostgreSQL in any text) answers a page, never a 500."""
    assert as_user("city_admin").get(url).status_code == 200
