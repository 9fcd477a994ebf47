"""apply_rows: one savepoint per row, refusals as row errors, all-or-nothing by default."""

import pytest

from yingji.core.context import actor_context
from yingji.core.errors import ValidationFailed
from yingji.core.rows import RowError, apply_rows
from yingji.orgs.models import OrgAlias, Organisation

pytestmark = pytest.mark.django_db


def alias_rows(*names):
    return [{"row": i + 2, "name": n} for i, n in enumerate(names)]


def add_alias(row):
    if row["name"] == "跳过":
        raise RowError("名称", "这一行不导入")
    if not row["name"]:
        raise ValidationFailed("名称不能为空", details={"name": ""})
    org = Organisation.objects.get(code="LZYJJ-WHP")
    return OrgAlias.objects.create(organisation=org, name=row["name"]).name


def run(rows, **kw):
    with actor_context(None, source="test"):
        return apply_rows(rows, add_alias, column_of=lambda exc: "名称(服务)", **kw)


def test_any_error_keeps_nothing():
    results, errors, kept = run(alias_rows("甲别名", "", "乙别名"))
    assert not kept and results == ["甲别名", "乙别名"]
    assert errors == [{"row": 3, "column": "名称(服务)", "message": "名称不能为空"}]
    assert not OrgAlias.objects.filter(name__in=["甲别名", "乙别名"]).exists()


def test_only_valid_keeps_the_good_rows_and_reports_the_rest():
    earlier = [{"row": 5, "column": "编码", "message": "读表时发现的错误"}]
    rows = alias_rows("甲别名", "跳过", "乙别名") + [{"row": 5, "name": "丙别名"}]
    results, errors, kept = run(rows, errors=earlier, only_valid=True)
    assert kept and results == ["甲别名", "乙别名"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "名称"), (5, "编码")]
    assert OrgAlias.objects.filter(name__in=["甲别名", "乙别名"]).count() == 2
    assert not OrgAlias.objects.filter(name="丙别名").exists()  # a row refused on reading


def test_no_errors_keeps_everything():
    results, errors, kept = run(alias_rows("甲别名"))
    assert kept and errors == [] and OrgAlias.objects.filter(name="甲别名").exists()
