"""Reading the case library: search, filters and similar cases, through restrict()."""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import restrict

from .models import Case
from .similarity import profile, rank

TEXT_FIELDS = ("title", "narrative", "causes", "lessons")


def visible_cases(user, action: str = "view"):
    return restrict(Case.objects.all(), user, action)


def text_q(q: str) -> Q:
    """Every whitespace-separated term must occur in the title, narrative, causes or lessons."""
    cond = Q()
    for term in q.split()[:8]:
        any_field = Q(pk__in=[])
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__icontains": term})
        cond &= any_field
    return cond


def _profile(case):
    return profile(
        case.pk, case.accident_type, case.industry, case.title, case.narrative, case.causes
    )


def similar(user, case: Case, limit: int = 5) -> list[tuple[Case, float, tuple[str, ...]]]:
    """The visible cases most like ``case``: same type/industry and overlapping wording."""
    pool = list(
        visible_cases(user).only("pk", "accident_type", "industry", "title", "narrative", "causes")
    )
    matches = rank(_profile(case), [_profile(c) for c in pool], limit=limit)
    by_pk = {c.pk: c for c in visible_cases(user).filter(pk__in=[m.key for m in matches])}
    return [(by_pk[m.key], m.score, m.reasons) for m in matches if m.key in by_pk]


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    rows = visible_cases(user).filter(text_q(q))[:limit]
    return [SearchHit(str(c), c.get_absolute_url(), c.get_accident_type_display()) for c in rows]
