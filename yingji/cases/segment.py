"""Chinese word segmentation for the case library (jieba), pure: no Django, nothing of the
project. jieba's dictionary ships inside its wheel (nothing is fetched); the tokenizer is built
once per process (≈0.5–1 s on first use, measured in docs/cases.md) and reused.

Documents are segmented with ``cut_for_search`` (a long word also yields its shorter words:
精细化工 → 精细, 化工, 精细化工), a query with ``cut`` (one reading of it), so that a query
word is found whatever finer or coarser word the document's text was cut into."""

from __future__ import annotations

import logging
import re
import threading
from functools import cache

_KEEP = re.compile(r"^[\u4e00-\u9fff\w]+$")
_LOCK = threading.Lock()

# particles and function words that carry no meaning in a search or a similarity
STOPWORDS = frozenset(
    "的 了 和 与 及 在 是 为 对 由 被 将 把 从 等 其 中 后 时 未 不 无 有 一 某 个 名 人 月 日 年 "
    "并 或 也 又 但 因 而 于 向 以 之 所 上 下 内 外 这 那 该 此 各 约 已 经 进行".split()
)


@cache
def tokenizer():
    import jieba

    with _LOCK:
        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
    return tk


def _clean(words) -> list[str]:
    out = []
    for w in words:
        w = w.strip().casefold()
        if w and _KEEP.match(w) and w not in STOPWORDS:
            out.append(w)
    return out


def tokens(text: str) -> list[str]:
    """The words of a document (search mode: long words also give their parts), in order."""
    if not text:
        return []
    return _clean(tokenizer().cut_for_search(text, HMM=False))


def query_terms(q: str) -> list[str]:
    """The words of a query, each of which a matching case must hold (at most 8)."""
    if not q:
        return []
    words = []
    for part in q.split():
        words.extend(_clean(tokenizer().cut(part, HMM=False)))
    return list(dict.fromkeys(words))[:8]


def document(*parts: str) -> str:
    """The space-joined tokens of a case's texts: what the full-text index holds."""
    return " ".join(t for part in parts for t in tokens(part or ""))
