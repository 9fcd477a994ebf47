"""Permission tests generated for every model (the NetBox idea, issue #9).

Every model with a restrict() function gets these denials without anyone writing them:

1. anonymous sees nothing (unless its restrict function is marked @public);
2. the read-only leader (市局领导) may change nothing;
3. the enterprise user sees no row that belongs to another enterprise (found by following the
   model's foreign keys to ``enterprises.Enterprise``);
4. the 西固区 user sees no row located in 城关区 (found by following foreign keys to
   ``geo.Region``), except for reference data every signed-in user reads (each app's ``EXCEPTIONS``).

A model that reaches neither an enterprise nor a region must have a hand-written denial in its
app's ``tests/permission_cases.py`` (``DENIALS``); a new model with none fails
``test_every_model_has_a_denial``. Each case must find rows to deny: a denial over nothing
would assert nothing, so an empty sample fails too.
"""

from __future__ import annotations

import importlib
from collections import deque

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from yingji.core.permissions import registered_models, restrict
from yingji.core.testing import Denial

pytestmark = pytest.mark.django_db

CHENGGUAN = "/620100/620102/"
OWN_ENTERPRISE = "DEMO-ENT-620104-01"  # ent_user's enterprise (orgs/demo.py)


def _app_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("yingji."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.tests.permission_cases")
        except ModuleNotFoundError:
            continue


# Models a generated rule does not apply to, with the reason: each app declares its own
# (``EXCEPTIONS`` in its tests/permission_cases.py, beside its hand-written denials).
EXCEPTIONS = {k: v for m in _app_modules() for k, v in getattr(m, "EXCEPTIONS", {}).items()}


def _persona(name):
    from django.contrib.auth import get_user_model

    from conftest import PERSONAS

    return get_user_model().objects.get(username=PERSONAS[name])


def path_to(model, target_label: str, max_depth: int = 3) -> str | None:
    """The shortest chain of forward foreign keys from ``model`` to the target model."""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if path.count("__") + 1 > max_depth and path:
            continue
        for field in current._meta.fields:
            if not field.is_relation or field.related_model is None:
                continue
            related = field.related_model
            step = f"{path}__{field.name}" if path else field.name
            if related._meta.label == target_label:
                return step
            if related not in seen:
                seen.add(related)
                queue.append((related, step))
    return None


def project_models():
    return sorted(
        (m for m in registered_models() if m.__module__.startswith("yingji.")),
        key=lambda m: m._meta.label,
    )


def generated_denials() -> list[Denial]:
    from yingji.enterprises.models import Enterprise

    cases = []
    for model in project_models():
        label = model._meta.label
        if model._meta.label == "enterprises.Enterprise":
            ent_path = "pk"
        else:
            ent_path = path_to(model, "enterprises.Enterprise")
        if ent_path and ("enterprise", label) not in EXCEPTIONS:
            key = "pk" if ent_path == "pk" else f"{ent_path}__pk"

            def rows(model=model, key=key):
                own = Enterprise.objects.get(organisation__code=OWN_ENTERPRISE).pk
                return model._base_manager.exclude(**{key: own}).exclude(**{key: None})

            cases.append(Denial(label, "enterprise", "view", rows, "另一家企业的记录"))
        region_path = path_to(model, "geo.Region")
        if region_path and ("region", label) not in EXCEPTIONS:

            def rows(model=model, region_path=region_path):
                return model._base_manager.filter(**{f"{region_path}__path__startswith": CHENGGUAN})

            cases.append(Denial(label, "county_a", "view", rows, "城关区的记录(西固区用户)"))
    return cases


def hand_written_denials() -> list[Denial]:
    return [case for module in _app_modules() for case in module.DENIALS]


GENERATED: list[Denial] = []


def all_denials() -> list[Denial]:
    if not GENERATED:
        GENERATED.extend(generated_denials())
    return GENERATED + hand_written_denials()


def _has_rows(case: Denial) -> bool:
    if case.setup is not None:
        return True  # it makes its own rows (checked when the case runs)
    return case.rows().exists()


def test_every_model_has_a_denial():
    covered = {case.model for case in all_denials() if _has_rows(case)}
    missing = [m._meta.label for m in project_models() if m._meta.label not in covered]
    assert not missing, (
        "models without a denial test (add one to the app's tests/permission_cases.py):\n"
        + "\n".join(missing)
    )


@pytest.mark.parametrize("case", all_denials(), ids=lambda c: f"{c.model}-{c.persona}-{c.action}")
def test_denial(case: Denial):
    if case.setup is not None:
        case.setup()
    rows = case.rows()
    if case in GENERATED and not rows.exists():
        pytest.skip(f"the demo has no {case.model} rows to deny here ({case.why})")
    assert rows.exists(), f"{case.model}: no rows to deny ({case.why}); the case tests nothing"
    user = _persona(case.persona)
    leaked = restrict(rows, user, case.action)
    assert not leaked.exists(), (
        f"{case.persona} may {case.action} {leaked.count()} {case.model} rows: {case.why}"
    )


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_anonymous_sees_nothing_and_the_leader_changes_nothing(model):
    from yingji.core.permissions import _registry

    qs = model._base_manager.all()
    if not getattr(_registry[model], "public", False):
        assert not restrict(qs, AnonymousUser()).exists()
    leader = _persona("leader")
    for action in ("add", "change", "delete"):
        assert not restrict(qs, leader, action).exists(), (model._meta.label, action)
