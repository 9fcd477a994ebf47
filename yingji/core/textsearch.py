"""Indexed text search for the big lists (issue #11): instead of ``icontains`` over several
columns of every row, a list search looks up the two-character grams of the query in one indexed
table (``SearchGram``) and checks the ``icontains`` conditions on those candidates only.

Why grams and not words: the lists promise substring search ("燃气" finds "燃气管道", "2026000"
finds "YH2026000118"). A word segmenter (jieba, as DESIGN.md first suggested) only finds whole
words, and a query that cuts across its word boundaries would miss; every substring of two or
more characters is found through its grams. The result is the same set ``icontains`` gives (a
test checks it on the demo data): the grams only narrow the rows to check.

An app declares what is indexed on its AppConfig, with the same field paths as its list search::

    search_index = {"Hazard": ("code", "description", "enterprise__organisation__name", ...)}

The index follows every save of an indexed model and of the models its paths reach (renaming
an organisation re-indexes its enterprises' hazards). Bulk writes bypass signals: loaders that use
them call ``rebuild()`` (the demo runner and ``yingji reindex`` do).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save

from .hooks import all_hooks

WORD = re.compile(r"\w+")
BATCH = 2000


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).casefold()


def grams(text: str) -> set[str]:
    """Every two-character window inside each run of word characters (letters, digits, CJK);
    a run of one character is its own gram."""
    out: set[str] = set()
    for run in WORD.findall(normalise(text)):
        if len(run) == 1:
            out.add(run)
        else:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def query_grams(q: str) -> set[str] | None:
    """The grams a record must hold to contain ``q``; None when the index cannot answer (a
    one-character word, which the index holds only when it stands alone)."""
    runs = WORD.findall(normalise(q))
    if not runs or any(len(run) < 2 for run in runs):
        return None
    return grams(q)


@cache
def registry() -> dict[type[models.Model], tuple[str, ...]]:
    """{model: searchable field paths} from every app's ``search_index``."""
    out = {}
    for hooks in all_hooks():
        for name, fields in hooks.search_index.items():
            out[apps.get_model(hooks.config.label, name)] = tuple(fields)
    return out


def label_of(model) -> str:
    return model._meta.label_lower


def _documents(model, pks=None):
    """(pk, text) for the records (all when pks is None), from one values() query."""
    fields = registry()[model]
    qs = model._default_manager.all()
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    texts: dict[int, list[str]] = {}
    for row in qs.values_list("pk", *fields).iterator(chunk_size=BATCH):
        texts.setdefault(row[0], []).extend(str(v) for v in row[1:] if v not in (None, ""))
    return texts


def index(model, pks=None) -> int:
    """(Re)write the grams of these records of an indexed model (all of them when pks is None)."""
    from .models import SearchGram

    label = label_of(model)
    docs = _documents(model, pks)
    with transaction.atomic():
        stale = SearchGram.objects.filter(model=label)
        if pks is not None:
            stale = stale.filter(object_id__in=list(pks))
        stale.delete()
        rows = [(label, pk, g) for pk, parts in docs.items() for g in grams(" ".join(parts))]
        # executemany with plain tuples: a rebuild writes ~40 rows per record, and model
        # instances through bulk_create cost several times as much per row.
        table = connection.ops.quote_name(SearchGram._meta.db_table)
        sql = f"INSERT INTO {table} (model, object_id, gram) VALUES (%s, %s, %s)"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH * 10):
                cursor.executemany(sql, rows[start : start + BATCH * 10])
    return len(docs)


def rebuild() -> dict[str, int]:
    """The whole index, from the records (after bulk loads, a restore, or to repair it)."""
    return {label_of(model): index(model) for model in registry()}


def ensure_built() -> dict[str, int]:
    """Index the models that have records but no index yet (an installation upgraded to a
    version with the index); ``yingji init`` runs it."""
    from .models import SearchGram

    built = {}
    for model in registry():
        label = label_of(model)
        empty = not SearchGram.objects.filter(model=label).exists()
        if empty and model._default_manager.exists():
            built[label] = index(model)
    return built


# A gram held by more than this share of the records narrows too little: scanning is cheaper.
SELECTIVE = 0.2


def candidates(model, q: str):
    """A subquery of the pks that may contain ``q``: the records holding its rarest gram (and
    its second rarest, when that one narrows too). None when the index would not help: a query
    it cannot answer, an index never built, or grams so common that a scan is cheaper."""
    from .models import SearchGram

    wanted = query_grams(q)
    if not wanted or model not in registry():
        return None
    label = label_of(model)
    postings = SearchGram.objects.filter(model=label)
    counts = dict(
        postings.filter(gram__in=wanted).values_list("gram").annotate(n=Count("object_id"))
    )
    if not counts and not postings.exists():
        return None  # never built (an upgraded installation before `yingji reindex`): scan
    if len(counts) < len(wanted):
        return postings.none().values("object_id")  # a gram no record holds: nothing matches
    rarest = sorted(counts, key=counts.get)
    limit = SELECTIVE * model._default_manager.count()
    if counts[rarest[0]] > limit:
        return None
    pks = postings.filter(gram=rarest[0]).values("object_id")
    if len(rarest) > 1 and counts[rarest[1]] <= limit:
        pks = pks.filter(object_id__in=postings.filter(gram=rarest[1]).values("object_id"))
    return pks


def search(queryset, fields, q: str):
    """``queryset`` narrowed to rows where some field contains ``q`` (case-insensitive): through
    the index when the model is indexed and holds every field, else by scanning."""
    cond = Q()
    for term in fields:
        cond |= Q(**{f"{term}__icontains": q})
    model = queryset.model
    indexed = registry().get(model)
    if indexed is not None and set(fields) <= set(indexed):
        subquery = candidates(model, q)
        if subquery is not None:
            return queryset.filter(pk__in=subquery).filter(cond)
    return queryset.filter(cond)


# --- keeping it current ----------------------------------------------------------------------


def _dependents() -> dict[type[models.Model], list[tuple[type[models.Model], str]]]:
    """{model reached by a field path: [(indexed model, lookup from it to that model)]}."""
    out: dict = {}
    for model, fields in registry().items():
        for path in fields:
            parts = path.split("__")[:-1]
            current = model
            for i, part in enumerate(parts):
                current = current._meta.get_field(part).related_model
                out.setdefault(current, []).append((model, "__".join(parts[: i + 1])))
    return out


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    reg = registry()
    if sender in reg:
        index(sender, [instance.pk])
    for model, lookup in _dependents_cached().get(sender, ()):
        pks = list(model._default_manager.filter(**{lookup: instance}).values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            index(model, pks[start : start + BATCH])


def _deleted(sender, instance, **kwargs):
    from .models import SearchGram

    if sender in registry():
        SearchGram.objects.filter(model=label_of(sender), object_id=instance.pk).delete()


@cache
def _dependents_cached():
    return _dependents()


def connect() -> None:
    """Called once from CoreConfig.ready(): follow saves of every model that feeds the index."""
    post_save.connect(_route_save, dispatch_uid="yingji.textsearch.save")
    post_delete.connect(_route_delete, dispatch_uid="yingji.textsearch.delete")


def _route_save(sender, **kwargs):
    if sender in registry() or sender in _dependents_cached():
        _saved(sender, **kwargs)


def _route_delete(sender, **kwargs):
    if sender in registry():
        _deleted(sender, **kwargs)
