"""The API as its OpenAPI document describes it (issue #9).

* every operation declares the schema of its success response (JSON), or the file type it
  returns (xlsx, docx, CAP XML…);
* every GET operation is called as every persona, with a sample record for its path
  parameters, and each JSON answer is validated against the declared schema;
* no call answers with a 5xx.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from jsonschema import Draft202012Validator

from yingji.core.permissions import restrict

pytestmark = pytest.mark.django_db

PERSONAS = ["city_admin", "leader", "section", "county_a", "county_b", "enterprise"]
FILE_TYPES = (
    "application/vnd.openxmlformats-officedocument",
    "application/xml",
    "application/octet-stream",
    "text/csv",
)

# Path parameter → the model whose pk (or code) it takes.
PARAM_MODELS = {
    "org_id": "orgs.Organisation",
    "plan_id": "workplan.Plan",
    "import_id": "workplan.ImportSession",
    "task_id": "workplan.Task",
    "ent_id": "enterprises.Enterprise",
    "unit_id": "risk.MajorHazardUnit",
    "diag_id": "risk.Diagnosis",
    "point_id": "risk.RiskPoint",
    "hazard_id": "hazards.Hazard",
    "inspection_id": "inspections.Inspection",
    "case_id": "inspections.CaseFile",
}
PATH_SAMPLES = {
    "/api/v1/regions/{code}": {"code": "620104"},
    "/api/v1/history/{app_label}/{model_name}/{pk}": {
        "app_label": "geo",
        "model_name": "region",
        "pk": None,
    },
    "/api/v1/inspections/plans/{plan_id}": {"plan_id": ("inspections.InspectionPlan", "pk")},
    "/api/v1/inspections/plans/{plan_id}/proposals": {
        "plan_id": ("inspections.InspectionPlan", "pk")
    },
}


def app_samples() -> tuple[dict, dict]:
    """PARAM_MODELS and PATH_SAMPLES, plus what each app declares in its own
    ``tests/api_samples.py`` (so that a new module brings its samples in its folder)."""
    import importlib

    params, paths = dict(PARAM_MODELS), dict(PATH_SAMPLES)
    for config in apps.get_app_configs():
        if not config.name.startswith("yingji."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.api_samples")
        except ModuleNotFoundError:
            continue
        params.update(getattr(module, "PARAM_MODELS", {}))
        paths.update(getattr(module, "PATH_SAMPLES", {}))
    return params, paths


@pytest.fixture(scope="module")
def document():
    from yingji.api import api

    return api.get_openapi_schema()


def operations(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def success_contents(op) -> dict:
    contents = {}
    for code, response in op.get("responses", {}).items():
        if str(code).startswith("2"):
            contents.update(response.get("content", {}))
    return contents


def test_every_operation_declares_its_response(document):
    missing = []
    for path, method, op in operations(document):
        contents = success_contents(op)
        declared = any(
            (ctype == "application/json" and body.get("schema")) or ctype.startswith(FILE_TYPES)
            for ctype, body in contents.items()
        )
        if not declared:
            missing.append(f"{method.upper()} {path}")
    assert not missing, f"{len(missing)} operations without a response schema:\n" + "\n".join(
        missing
    )


def _sample(user, label, field="pk"):
    model = apps.get_model(label)
    base = model._base_manager.order_by("pk")
    obj = restrict(base.all(), user).first() or base.first()
    return getattr(obj, field) if obj is not None else 0


def fill(path: str, user) -> str | None:
    import re

    param_models, path_samples = app_samples()
    values = {}
    for name, value in path_samples.get(path, {}).items():
        if isinstance(value, tuple):
            value = _sample(user, *value)
        elif value is None:
            from yingji.geo.models import Region

            value = Region.objects.get(code="620104").pk
        values[name] = value
    for name in re.findall(r"{(\w+)}", path):
        if name not in values:
            if name not in param_models:
                return None
            values[name] = _sample(user, param_models[name])
    return path.format(**values)


def validator_for(document, schema):
    return Draft202012Validator({**schema, "components": document.get("components", {})})


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_real_responses_match_the_openapi_document(document, as_user, persona, persona_name):
    user = persona(persona_name)
    client = as_user(persona_name)
    unsampled, failures = [], []
    for path, method, op in operations(document):
        if method != "get":
            continue
        url = fill(path, user)
        if url is None:
            unsampled.append(path)
            continue
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        contents = success_contents(op)
        schema = contents.get("application/json", {}).get("schema")
        if not schema or not response.get("Content-Type", "").startswith("application/json"):
            continue
        errors = sorted(
            validator_for(document, schema).iter_errors(response.json()), key=lambda e: e.path
        )
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path)
            failures.append(
                f"GET {url}: {len(errors)} mismatches, first at {where}: {first.message[:200]}"
            )
    assert not unsampled, (
        "path parameters without a sample (add to the app's tests/api_samples.py):\n"
        + "\n".join(unsampled)
    )
    assert not failures, "\n".join(failures)


def test_schema_names_are_unique():
    """The OpenAPI document keys schemas by class name: two apps' schemas of the same name
    would silently replace each other (a calculator answered with another app's shape)."""
    from collections import defaultdict

    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("yingji."):
            seen[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(mods) for name, mods in seen.items() if len(mods) > 1}
    assert not clashes, clashes
