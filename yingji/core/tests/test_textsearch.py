"""The text-search index (issue #11): it gives exactly what icontains gives, follows saves of
the records and of the organisations their names come from, and is what the lists query."""

import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from yingji.cases.models import Case
from yingji.core import textsearch
from yingji.core.models import SearchGram
from yingji.enterprises.models import Enterprise
from yingji.hazards.models import Hazard
from yingji.inspections.models import Inspection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("燃气管道", {"燃气", "气管", "管道"}),
        ("YH2026", {"yh", "h2", "20", "02", "26"}),
        ("区 A", {"区", "a"}),
        ("Ｂ栋", {"b栋"}),  # full-width letters fold to ASCII (NFKC) and case folds
        ("", set()),
        ("——,。", set()),
    ],
)
def test_grams(text, expected):
    assert textsearch.grams(text) == expected


@pytest.mark.parametrize(("q", "answerable"), [("燃气", True), ("燃 气", False), ("x", False)])
def test_queries_the_index_cannot_answer_fall_back_to_a_scan(q, answerable):
    assert (textsearch.query_grams(q) is not None) is answerable


def _scan(model, fields, q):
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": q})
    return set(model.objects.filter(cond).values_list("pk", flat=True))


def _queries(model, fields, rng):
    """Substrings of real values (2–6 characters), upper-cased ASCII ones, and misses."""
    values = [
        str(v)
        for row in model.objects.values_list(*fields)[:400]
        for v in row
        if v not in (None, "") and len(str(v)) >= 2
    ]
    out = ["不存在的词语", "zz9"]
    for value in rng.sample(values, min(25, len(values))):
        n = rng.randint(2, min(6, len(value)))
        start = rng.randint(0, len(value) - n)
        out.append(value[start : start + n])
    out += [q.upper() for q in out if q.isascii()][:3]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Hazard, Enterprise, Inspection, Case])
def test_the_index_finds_exactly_what_a_scan_finds(model):
    fields = textsearch.registry()[model]
    assert (
        model.objects.exists()
        and SearchGram.objects.filter(model=textsearch.label_of(model)).exists()
    )
    rng = random.Random(11)
    hits = 0
    for q in _queries(model, fields, rng):
        found = set(textsearch.search(model.objects.all(), fields, q).values_list("pk", flat=True))
        assert found == _scan(model, fields, q), q
        hits += bool(found)
    assert hits >= min(20, model.objects.count())  # the substrings of real values are found


@pytest.mark.django_db
def test_saves_keep_the_index_current(ctx):
    fields = textsearch.registry()[Hazard]
    hazard = Hazard.objects.order_by("pk").first()
    old = hazard.description
    hazard.description = "检索索引测试:泄爆片锈蚀"
    hazard.save()
    found = textsearch.search(Hazard.objects.all(), fields, "泄爆片")
    assert list(found.values_list("pk", flat=True)) == [hazard.pk]
    assert (
        hazard.pk
        not in set(
            textsearch.search(Hazard.objects.all(), fields, old[:6]).values_list("pk", flat=True)
        )
        or old[:6] in hazard.description
    )


@pytest.mark.django_db
def test_renaming_an_organisation_reindexes_its_enterprise_and_hazards(ctx):
    hazard = Hazard.objects.filter(enterprise__isnull=False).order_by("pk").first()
    org = hazard.enterprise.organisation
    org.name = "检索改名测试化工有限公司"
    org.save()
    ent_fields = textsearch.registry()[Enterprise]
    hz_fields = textsearch.registry()[Hazard]
    assert list(
        textsearch.search(Enterprise.objects.all(), ent_fields, "检索改名").values_list(
            "pk", flat=True
        )
    ) == [hazard.enterprise_id]
    found = set(
        textsearch.search(Hazard.objects.all(), hz_fields, "检索改名").values_list("pk", flat=True)
    )
    assert hazard.pk in found and found == _scan(Hazard, hz_fields, "检索改名")


@pytest.mark.django_db
def test_the_hazard_list_searches_through_the_index(as_user):
    client = as_user("city_admin")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/hazards/", {"q": "消防"})
    assert response.status_code == 200
    assert any("core_searchgram" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_rebuild_gives_the_same_index():
    label = textsearch.label_of(Hazard)
    before = set(SearchGram.objects.filter(model=label).values_list("object_id", "gram"))
    textsearch.rebuild()
    after = set(SearchGram.objects.filter(model=label).values_list("object_id", "gram"))
    assert before == after and after
