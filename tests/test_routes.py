"""Every route, for every persona (issue #9).

The GET routes are discovered from the URL resolver, not listed by hand, so a new page is
tested the day it is added. Each is requested as each persona:

* never a 5xx, never a reference to another host;
* a record's own page answers 200 exactly when restrict() lets the persona see the record,
  404 otherwise (the permission rule, not a guess);
* every route with parameters gets a sample: from a record's get_absolute_url(), from a page
  of the same record (``…/<pk>/edit/`` takes the pk of ``…/<pk>/``), or from SAMPLES below. A
  route nobody can sample fails the test, so that it gets one.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from yingji.core.permissions import restrict

pytestmark = pytest.mark.django_db

PERSONAS = ["city_admin", "leader", "section", "county_a", "county_b", "enterprise"]
EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)|url\(\s*["']?(?:https?:)?//"""
)
# An inline script or event handler would be blocked by the Content-Security-Policy (issue #10).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json)[^>]*>|\son[a-z]+\s*=\s*[\"']",
    re.IGNORECASE,
)
SKIP_PREFIXES = ("admin/", "api/v1/", "i18n/", "jsi18n/", "accounts/logout/")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes() -> list[tuple[str, str]]:
    """(pattern, name) of every named URL outside the admin and the API."""

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                yield prefix + str(p.pattern), name

    return [
        (pattern, name)
        for pattern, name in walk(get_resolver().url_patterns)
        if not pattern.startswith(SKIP_PREFIXES)
    ]


# Routes that take the pk of a record without a page of its own: url name → model.
SAMPLE_MODELS = {
    "core:revoke_token": "core.APIToken",
    "core:attachment": "core.Attachment",
    "workplan:submit_report": "workplan.Assignment",
    "workplan:cancel": "workplan.Assignment",
    "workplan:issue_notice": "workplan.Assignment",
    "workplan:review_report": "workplan.ProgressReport",
    "workplan:notice_docx": "workplan.SupervisionNotice",
    "workplan:notice_reply": "workplan.SupervisionNotice",
    "workplan:notice_close": "workplan.SupervisionNotice",
    "workplan:notice_reissue": "workplan.SupervisionNotice",
    "workplan:ladder_step": "workplan.Assignment",
    "workplan:ladder_docx": "workplan.LadderAction",
    "workplan:issue_bulletin": "workplan.Plan",
    "workplan:bulletin_docx": "workplan.Bulletin",
    "enterprises:licence_void": "enterprises.Licence",
    "enterprises:responsibility_deactivate": "enterprises.ResponsibilityItem",
    "enterprises:questionnaire_review": "enterprises.SafetyQuestionnaire",
    "enterprises:import_preview": "enterprises.EnterpriseImport",
    "risk:enterprise_panel": "enterprises.Enterprise",
    "risk:card": "enterprises.Enterprise",
    "risk:unit_add": "enterprises.Enterprise",
    "risk:diagnosis_add": "enterprises.Enterprise",
    "risk:point_add": "enterprises.Enterprise",
    "risk:ledger": "enterprises.Enterprise",
    "inspections:entry_cancel": "inspections.PlanEntry",
    "inspections:entry_schedule": "inspections.PlanEntry",
    "inspections:finding_hazard": "inspections.Finding",
}


def sample_models() -> dict[str, str]:
    """SAMPLE_MODELS plus each app's own ``tests/route_samples.py`` (a new module brings its
    samples in its folder)."""
    import importlib

    merged = dict(SAMPLE_MODELS)
    for config in apps.get_app_configs():
        if config.name.startswith("yingji."):
            try:
                module = importlib.import_module(f"{config.name}.tests.route_samples")
            except ModuleNotFoundError:
                continue
            merged.update(getattr(module, "SAMPLE_MODELS", {}))
    return merged


def model_sample(name: str, user) -> dict | None:
    label = sample_models().get(name)
    if label is None:
        return None
    model = apps.get_model(label)
    base = model._base_manager.order_by("pk")
    obj = restrict(base.all(), user).first() or base.first()
    return {"pk": obj.pk if obj is not None else 0}


def explicit_samples() -> dict[str, dict]:
    """Routes whose parameters are not a record's pk (plus each app's ``route_samples.SAMPLES``)."""
    import importlib

    from yingji.orgs.models import Organisation

    org = Organisation.objects.get(name="兰州市应急管理局")
    from_apps = {}
    for config in apps.get_app_configs():
        if config.name.startswith("yingji."):
            try:
                module = importlib.import_module(f"{config.name}.tests.route_samples")
            except ModuleNotFoundError:
                continue
            from_apps.update(getattr(module, "SAMPLES", {}))
    return from_apps | {
        "core:history": {"app_label": "orgs", "model_name": "organisation", "pk": str(org.pk)},
        "core:add_attachment": {
            "app_label": "orgs",
            "model_name": "organisation",
            "pk": str(org.pk),
        },
        "core:add_note": {"app_label": "orgs", "model_name": "organisation", "pk": str(org.pk)},
        "risk:ledger": {"fmt": "xlsx"},  # plus the enterprise's pk, from its detail page
        "hazards:action": {"action": "grade"},
    }


def record_samples(user) -> dict[str, tuple[dict, object]]:
    """url name → (kwargs, record) from the records' own get_absolute_url(), preferring a
    record this user may see."""
    samples = {}
    for model in apps.get_models():
        if not model.__module__.startswith("yingji.") or not hasattr(model, "get_absolute_url"):
            continue
        base = model._base_manager.order_by("pk")
        obj = restrict(base.all(), user).first() or base.first()
        if obj is None:
            continue
        try:
            match = resolve(obj.get_absolute_url().split("#")[0])
        except Exception:  # noqa: BLE001 (a record without a page of its own)
            continue
        samples.setdefault(match.view_name, (match.kwargs, obj))
    return samples


def sample_for(pattern: str, name: str, samples: dict, patterns: dict[str, str], user):
    params = [p for _, p in PARAM.findall(pattern)]
    if not params:
        return {}, None
    extra = {**explicit_samples().get(name, {}), **(model_sample(name, user) or {})}
    if name in samples:
        kwargs, obj = samples[name]
        return {**kwargs, **extra}, obj
    if all(p in extra for p in params):
        return extra, None
    # a page of a record that has its own page: the longest shared pattern prefix
    best, best_len = None, 0
    for other, (kwargs, _obj) in samples.items():
        other_pattern = patterns.get(other, "")
        if other.split(":")[0] != name.split(":")[0]:
            continue
        shared = 0
        for a, b in zip(pattern, other_pattern, strict=False):
            if a != b:
                break
            shared += 1
        prefix = pattern[:shared]
        if "<" in prefix and prefix.count("<") == prefix.count(">") and shared > best_len:
            if set(kwargs) <= set(params):
                best, best_len = kwargs, shared
    if best is not None:
        kwargs = {**best, **extra}
        if set(params) <= set(kwargs):
            return kwargs, None
    return None, None


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_every_get_route_renders_for_every_persona(as_user, persona, persona_name):
    from yingji.core.permissions import can

    user = persona(persona_name)
    client = as_user(persona_name)
    samples = record_samples(user)
    all_routes = routes()
    patterns = {name: pattern for pattern, name in all_routes}
    unsampled, failures = [], []
    for pattern, name in all_routes:
        kwargs, obj = sample_for(pattern, name, samples, patterns, user)
        if kwargs is None:
            unsampled.append(f"{name} ({pattern})")
            continue
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        status = response.status_code
        if status >= 500 or status not in (200, 302, 403, 404, 405):
            failures.append(f"{url}: {status}")
            continue
        if obj is not None and samples.get(name, (None, None))[1] is obj:
            expected = 200 if can(user, obj, "view") else 404
            if status != expected and not (status == 403 and expected == 200):
                failures.append(f"{url}: {status}, the permission says {expected}")
        content_type = response.get("Content-Type", "")
        if status == 200 and content_type.startswith("text/html"):
            html = response.content.decode()
            found = EXTERNAL.search(html)
            if found:
                failures.append(f"{url}: refers to another host ({found.group(0)})")
            inline = INLINE_SCRIPT.search(html)
            if inline:
                failures.append(f"{url}: inline script, blocked by the CSP ({inline.group(0)})")
    assert not unsampled, (
        "routes without a sample (add one to the app's tests/route_samples.py):\n"
        + "\n".join(unsampled)
    )
    assert not failures, "\n".join(failures)


def test_the_route_list_is_complete():
    """The discovery sees every app's pages (a broken walk would test nothing)."""
    names = {name for _, name in routes()}
    for expected in ("home", "core:audit", "hazards:detail", "workplan:task", "risk:map"):
        assert expected in names
    assert len(names) > 100
