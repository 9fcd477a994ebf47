"""Architecture checks the import contracts cannot make (issue #9).

import-linter sees imports; it does not see an ORM lookup written as a string. A query in the
hazards app that filters on ``enterprise__risk__colour`` reaches through the enterprises app into
the risk app's table without importing either: such a join must go through the other app's
selector instead. Rule checked here, on every lookup string and keyword in every app's code:

* a lookup may enter at most one other domain app (the foundation apps core, geo, orgs and
  Django's own are free), and
* only an app that the code's own app already imports (so the contracts have vetted that edge).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

ROOT = Path(__file__).resolve().parents[1] / "yingji"
FOUNDATION = {"core", "geo", "orgs"}
LOOKUP = re.compile(r"^[a-z][a-z0-9_]*(?:__[a-z][a-z0-9_]*)+$")


def project_apps() -> dict[str, Path]:
    return {
        c.label: Path(c.path)
        for c in apps.get_app_configs()
        if c.name.startswith("yingji.") and c.label not in FOUNDATION
    }


def lookups_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lstrip("-")
            if LOOKUP.match(text):
                found.add(text)
        elif isinstance(node, ast.keyword) and node.arg and LOOKUP.match(node.arg):
            found.add(node.arg)
    return found


def imported_apps(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(re.findall(r"(?:from|import) yingji\.([a-z_]+)", path.read_text()))
    return found


def resolve(model, lookup: str) -> list[str] | None:
    """The app labels of the models the lookup passes through (start excluded), or None when
    the lookup is not a path from this model."""
    entered = []
    current = model
    for i, part in enumerate(lookup.split("__")):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return entered if i > 0 and entered is not None else None
        if field.is_relation and field.related_model is not None:
            current = field.related_model
            entered.append(current._meta.app_label)
        else:
            return entered  # a plain field; what follows are lookups and transforms
    return entered


def violations_for(label: str, folder: Path) -> list[str]:
    own_imports = imported_apps(folder)
    models = list(apps.get_models())
    problems = []
    for path in sorted(folder.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for lookup in sorted(lookups_in(path)):
            outcomes = []
            for model in models:
                entered = resolve(model, lookup)
                if entered is None:
                    continue
                start = model._meta.app_label
                domains = [a for a in [start, *entered] if a not in FOUNDATION and a != label]
                # Django's own apps (auth, contenttypes) count as foundation too
                domains = [a for a in domains if apps.get_app_config(a).name.startswith("yingji.")]
                foreign = sorted(set(domains))
                bad = len(foreign) > 1 or any(a not in own_imports for a in foreign)
                outcomes.append((bad, foreign))
            if outcomes and all(bad for bad, _ in outcomes):
                reached = "、".join(sorted({a for _, f in outcomes for a in f}))
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                problems.append(f"{where}: {lookup!r} reaches into {reached}")
    return problems


@pytest.mark.parametrize("label", sorted(project_apps()))
def test_no_orm_string_join_across_apps(label):
    problems = violations_for(label, project_apps()[label])
    assert not problems, (
        "ORM lookups that join into another app's tables without going through its selectors:\n"
        + "\n".join(problems)
    )


def test_the_check_catches_a_join_through_two_apps(tmp_path):
    """The rule above is live: a hazards-style lookup through the enterprise into its risk row
    is reported, a join into the enterprise's own organisation is not."""
    code = tmp_path / "selectors.py"
    code.write_text(
        "from yingji.enterprises import models\n"
        "def q(qs):\n"
        "    return qs.filter(enterprise__risk__colour='red', enterprise__organisation__name='x')\n"
    )
    problems = violations_for("hazards", tmp_path)
    assert len(problems) == 1 and "enterprise__risk__colour" in problems[0]
