"""Reading the case library: jieba full-text search, filters, similar cases (for a case, a
hazard or an enterprise), the 警示教育 pushes and the analysis, through restrict()."""

from __future__ import annotations

import re

from django.db.models import Count, Q
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from yingji.core.permissions import restrict

from . import segment
from .choices import SECTOR_INDUSTRY
from .fulltext import match_q
from .models import Case, PushReceipt, WarningPush
from .similarity import profile, rank

TEXT_FIELDS = ("title", "narrative", "direct_causes", "indirect_causes", "lessons")
PROFILE_FIELDS = (
    "pk",
    "accident_type",
    "industry",
    "title",
    "narrative",
    "direct_causes",
    "indirect_causes",
    "tags",
)


def visible_cases(user, action: str = "view"):
    return restrict(Case.objects.all(), user, action)


def text_q(q: str) -> Q:
    """Every word of the query (jieba) occurs in the case's segmented text (full-text index)."""
    return match_q(q)


def _profile(case):
    return profile(
        case.pk,
        case.accident_type,
        case.industry,
        case.title,
        case.narrative,
        case.direct_causes,
        case.indirect_causes,
        " ".join(case.tags or []),
    )


def _ranked(user, target, limit, exclude=None):
    pool = list(visible_cases(user).only(*PROFILE_FIELDS))
    matches = rank(target, [_profile(c) for c in pool if c.pk != exclude], limit=limit)
    by_pk = {c.pk: c for c in visible_cases(user).filter(pk__in=[m.key for m in matches])}
    return [(by_pk[m.key], m.score, m.reasons) for m in matches if m.key in by_pk]


def similar(user, case: Case, limit: int = 5) -> list[tuple[Case, float, tuple[str, ...]]]:
    """The visible cases most like ``case``: TF-IDF of their words, same type and industry."""
    return _ranked(user, _profile(case), limit)


def similar_to_hazard(user, hazard, limit: int = 5):
    """Cases like a hazard: its description, place and category against the cases' words, and
    its industry (from its sector, or its enterprise's)."""
    sector = hazard.sector or getattr(hazard.enterprise, "sector", "") or ""
    target = profile(
        "hazard",
        "-",
        SECTOR_INDUSTRY.get(sector, "-"),
        hazard.description,
        hazard.location,
        hazard.get_category_display(),
    )
    return _ranked(user, target, limit)


def similar_to_enterprise(user, enterprise, limit: int = 5):
    """Cases of an enterprise's industry, ranked by how its open hazards' wording matches."""
    from yingji.hazards.selectors import visible_hazards

    texts = list(
        visible_hazards(user)
        .filter(enterprise=enterprise)
        .order_by("-pk")
        .values_list("description", flat=True)[:50]
    )
    target = profile(
        "enterprise",
        "-",
        SECTOR_INDUSTRY.get(enterprise.sector, "-"),
        enterprise.get_sector_display(),
        *texts,
    )
    return _ranked(user, target, limit)


def search(user, q: str, limit: int = 10):
    from yingji.core.hooks import SearchHit

    rows = visible_cases(user).filter(text_q(q))[:limit]
    return [SearchHit(str(c), c.get_absolute_url(), c.get_accident_type_display()) for c in rows]


# --- highlighted hits -----------------------------------------------------------------------


def hit_words(q: str) -> list[str]:
    """The words to mark in the hits: the query's words and their finer parts, longest first."""
    words = set()
    for term in segment.query_terms(q):
        words.add(term)
        words.update(w for w in segment.tokens(term) if len(w) > 1)
    return sorted(words, key=lambda w: (-len(w), w))


def highlight(text: str, words: list[str]):
    """``text`` escaped, with each occurrence of the words in <mark> (safe HTML)."""
    text = str(text or "")
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(format_html("<mark>{}</mark>", m.group(0)))
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(str(p) for p in out))  # noqa: S308 (every part escaped above)


def snippet(case: Case, words: list[str], width: int = 60) -> str:
    """The part of the narrative, causes or lessons around the first hit (plain text)."""
    for text in (
        case.narrative,
        case.direct_causes,
        case.indirect_causes,
        case.lessons,
        case.measures,
    ):
        text = text or ""
        low = text.casefold()
        at = min((i for i in (low.find(w) for w in words) if i >= 0), default=-1)
        if at >= 0:
            start = max(0, at - width // 3)
            return (
                ("…" if start else "")
                + text[start : start + width]
                + ("…" if start + width < len(text) else "")
            )
    return ""


# --- 警示教育 -------------------------------------------------------------------------------


def visible_pushes(user, action: str = "view"):
    """The pushes with their receipt counts (n_sent, n_read) for the read rate."""
    return restrict(WarningPush.objects.select_related("case", "region"), user, action).annotate(
        n_sent=Count("receipts", distinct=True),
        n_read=Count("receipts", filter=Q(receipts__read_at__isnull=False), distinct=True),
    )


def visible_receipts(user, action: str = "view"):
    return restrict(
        PushReceipt.objects.select_related("push__case", "enterprise__organisation"),
        user,
        action,
    )


def unread_receipts(user):
    """The user's own enterprise's pushes not yet marked read (the 工作台 notice)."""
    return visible_receipts(user, "change").filter(read_at__isnull=True)


def read_rate(push) -> str:
    return f"{push.n_read / push.n_sent:.0%}" if push.n_sent else "—"
