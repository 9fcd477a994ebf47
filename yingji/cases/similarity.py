"""Similar cases, pure: TF-IDF over jieba words (segment.tokens), cosine similarity, plus a
match of the accident type and the industry, with why. No Django, no database: the caller
passes plain values. The IDF is computed over the pool being ranked (the visible library), so
a word every case uses (事故, 作业) weighs little and a rare one (硫化氢, 冲压机) a lot."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .segment import tokens

# weights of the three signals (sum 1): the same accident type, the same industry, the text
W_TYPE, W_INDUSTRY, W_TEXT = 0.3, 0.15, 0.55
SHOWN_WORDS = 5


@dataclass(frozen=True)
class Profile:
    key: object
    accident_type: str
    industry: str
    terms: Counter


def profile(key, accident_type: str, industry: str, *texts: str) -> Profile:
    """A case (or a hazard, an enterprise, an event) as its type, industry and word counts;
    "-" for a type or industry it does not have (it then matches nothing)."""
    return Profile(key, accident_type, industry, Counter(tokens("\n".join(t or "" for t in texts))))


def idf(profiles) -> dict[str, float]:
    """Smoothed inverse document frequency: log((1 + n) / (1 + df)) + 1."""
    profiles = list(profiles)
    df: Counter = Counter()
    for p in profiles:
        df.update(p.terms.keys())
    n = len(profiles)
    return {w: math.log((1 + n) / (1 + k)) + 1 for w, k in df.items()}


def vector(p: Profile, weights: dict[str, float]) -> dict[str, float]:
    v = {w: (1 + math.log(c)) * weights.get(w, 1.0) for w, c in p.terms.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {w: x / norm for w, x in v.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b[w] for w, x in a.items() if w in b)


@dataclass(frozen=True)
class Match:
    key: object
    score: float
    reasons: tuple[str, ...]
    words: tuple[str, ...] = ()


def rank(target: Profile, candidates, limit: int = 5, min_score: float = 0.05) -> list[Match]:
    """The candidates most similar to ``target`` (itself excluded), best first, with why: the
    same type, the same industry, and the shared words that weigh most."""
    pool = [c for c in candidates if c.key != target.key]
    weights = idf([target, *pool])
    tv = vector(target, weights)
    out = []
    for c in pool:
        cv = vector(c, weights)
        text = cosine(tv, cv)
        same_type = c.accident_type == target.accident_type and target.accident_type != "-"
        same_industry = c.industry == target.industry and target.industry != "-"
        score = W_TYPE * same_type + W_INDUSTRY * same_industry + W_TEXT * text
        if score < min_score:
            continue
        both = [w for w in set(tv) & set(cv) if len(w) > 1]
        shared = sorted(both, key=lambda w: (-tv[w] * cv[w], w))[:SHOWN_WORDS]
        reasons = []
        if same_type:
            reasons.append("事故类型相同")
        if same_industry:
            reasons.append("行业相同")
        reasons.append(f"文字相似度 {text:.0%}")
        if shared:
            reasons.append("共同关键词:" + "、".join(shared))
        out.append(Match(c.key, round(score, 4), tuple(reasons), tuple(shared)))
    out.sort(key=lambda m: (-m.score, str(m.key)))
    return out[:limit]
