"""Similar cases, pure: character bigrams of the text, Jaccard overlap, plus a match of the
accident type and the industry. No Django, no database: the caller passes plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")

# weights of the three signals (sum 1): the same accident type, the same industry, the text
W_TYPE, W_INDUSTRY, W_TEXT = 0.35, 0.15, 0.5


def bigrams(text: str) -> frozenset[str]:
    """The set of adjacent character pairs in each run of Chinese characters (and each Latin
    word or number, lower-cased); punctuation and spaces break runs."""
    out = set()
    for run in _WORDS.findall((text or "").lower()):
        if len(run) == 1 or run.isascii():
            out.add(run)  # a single character, or a Latin word or number as a whole
        else:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(out)


def jaccard(a: frozenset, b: frozenset) -> float:
    """|a ∩ b| / |a ∪ b|; 0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True)
class Profile:
    key: object
    accident_type: str
    industry: str
    grams: frozenset


def profile(key, accident_type: str, industry: str, *texts: str) -> Profile:
    return Profile(key, accident_type, industry, bigrams("\n".join(t or "" for t in texts)))


@dataclass(frozen=True)
class Match:
    key: object
    score: float
    reasons: tuple[str, ...]


def rank(target: Profile, candidates, limit: int = 5, min_score: float = 0.05) -> list[Match]:
    """The candidates most similar to ``target`` (itself excluded), best first, with why."""
    out = []
    for c in candidates:
        if c.key == target.key:
            continue
        text = jaccard(target.grams, c.grams)
        same_type = c.accident_type == target.accident_type
        same_industry = c.industry == target.industry
        score = W_TYPE * same_type + W_INDUSTRY * same_industry + W_TEXT * text
        if score < min_score:
            continue
        reasons = []
        if same_type:
            reasons.append("事故类型相同")
        if same_industry:
            reasons.append("行业相同")
        reasons.append(f"文字相似度 {text:.0%}")
        out.append(Match(c.key, round(score, 4), tuple(reasons)))
    out.sort(key=lambda m: (-m.score, str(m.key)))
    return out[:limit]
