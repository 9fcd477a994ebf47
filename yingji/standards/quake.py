"""Rapid earthquake intensity estimate: elliptical attenuation for western China.

Source (standards-digest §10, confidence MEDIUM; the coefficients are data in
``data/quake_attenuation.json`` with their source): GB 18306-2015 intensity relations
``I = A + B·Ms + C·lg(R + R0)`` (§10.1, zones 青藏区 and 中部区) and 汪素云等 (2000) western China
``I = A + B·M + C·ln(R + R0)`` (§10.2). R is the epicentral distance in km; the models do not
take the depth (it is recorded with an estimate, not used). Method (§10.4): with a known fault
strike, a point's intensity is the largest integer I whose ellipse (semi-axes a(I) along the
strike, b(I) across) contains it; with the strike unknown, the long-axis value is the upper
bound and the short-axis value the lower bound. Intensities are capped at XII.

Pure: no Django, nothing of the project.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .coords import EARTH_MEAN_RADIUS_M, distance_m

DATA = Path(__file__).with_name("data") / "quake_attenuation.json"
EARTH_RADIUS_KM = EARTH_MEAN_RADIUS_M / 1000.0
ROMAN = ["", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ", "Ⅷ", "Ⅸ", "Ⅹ", "Ⅺ", "Ⅻ"]


@lru_cache(maxsize=1)
def table() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def models() -> dict[str, dict]:
    return table()["models"]


def _log(model: dict):
    return math.log10 if model["log"] == "log10" else math.log


def _exp(model: dict):
    return (lambda x: 10**x) if model["log"] == "log10" else math.exp


def intensity(model_key: str, axis: str, magnitude: float, distance_km: float) -> float:
    """The (real-valued) intensity along ``axis`` ("long" or "short") at ``distance_km``."""
    model = models()[model_key]
    c = model[axis]
    return c["A"] + c["B"] * magnitude + c["C"] * _log(model)(max(distance_km, 0.0) + c["R0"])


def semi_axis(model_key: str, axis: str, magnitude: float, level: float) -> float:
    """The distance (km) along ``axis`` at which the intensity falls to ``level`` (§10.4
    inversion); 0 when even the epicentre does not reach it."""
    model = models()[model_key]
    c = model[axis]
    r = _exp(model)((level - c["A"] - c["B"] * magnitude) / c["C"]) - c["R0"]
    return max(r, 0.0)


def epicentral_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in km."""
    return distance_m(lon1, lat1, lon2, lat2) / 1000.0


def _along_across(lon0, lat0, lon, lat, strike_deg) -> tuple[float, float]:
    """The point's offsets (km) along and across the strike (degrees clockwise from north)."""
    east = math.radians(lon - lon0) * EARTH_RADIUS_KM * math.cos(math.radians((lat + lat0) / 2))
    north = math.radians(lat - lat0) * EARTH_RADIUS_KM
    s = math.radians(strike_deg)
    along = east * math.sin(s) + north * math.cos(s)
    across = east * math.cos(s) - north * math.sin(s)
    return along, across


def _cap(value: float) -> float:
    return min(value, table()["max_intensity"])


@dataclass(frozen=True)
class PointEstimate:
    distance_km: float
    upper: float  # long-axis value (or the ellipse value when the strike is known)
    lower: float  # short-axis value (or the ellipse value when the strike is known)
    degree: int  # integer 烈度 reported (the upper bound, rounded), 0 below Ⅰ

    @property
    def roman(self) -> str:
        return ROMAN[self.degree] if self.degree > 0 else "—"


def estimate_point(
    model_key: str,
    magnitude: float,
    epicentre: tuple[float, float],
    point: tuple[float, float],
    strike: float | None = None,
) -> PointEstimate:
    """The intensity at one point. Unknown strike: long axis as the upper bound, short axis as
    the lower bound; known strike: the largest integer I whose ellipse contains the point."""
    lon0, lat0 = epicentre
    lon, lat = point
    r = epicentral_km(lon0, lat0, lon, lat)
    if strike is None:
        upper = _cap(intensity(model_key, "long", magnitude, r))
        lower = _cap(intensity(model_key, "short", magnitude, r))
        return PointEstimate(r, upper, lower, max(0, min(12, round(upper))))
    x, y = _along_across(lon0, lat0, lon, lat, strike)
    degree = 0
    for level in range(table()["max_intensity"], 0, -1):
        a = semi_axis(model_key, "long", magnitude, level)
        b = semi_axis(model_key, "short", magnitude, level)
        if a > 0 and b > 0 and (x / a) ** 2 + (y / b) ** 2 <= 1:
            degree = level
            break
    return PointEstimate(r, float(degree), float(degree), degree)


def estimate_region(
    model_key: str,
    magnitude: float,
    epicentre: tuple[float, float],
    points: list[tuple[float, float]],
    strike: float | None = None,
) -> PointEstimate:
    """A district's estimate from several sample points (centroid, boundary vertices…): the
    highest any of them reaches (§10.4 step 2), with the distance of the nearest."""
    estimates = [estimate_point(model_key, magnitude, epicentre, p, strike) for p in points]
    best = max(estimates, key=lambda e: (e.upper, e.lower))
    nearest = min(e.distance_km for e in estimates)
    return PointEstimate(nearest, best.upper, best.lower, best.degree)


@dataclass(frozen=True)
class TownshipEstimate:
    """A township's estimate: at its seat (驻地) when the seat's coordinates are known (``basis``
    "seat"), else the range over the area of its county (``basis`` "county": the township lies
    inside the county, so its intensity is between the lowest and the highest of the county's
    sample points; an honest bound, not a point value)."""

    basis: str  # "seat" or "county"
    distance_km: float | None  # seat → epicentre; None without a seat
    upper: float
    lower: float
    degree: int  # the upper bound, rounded (as for a district)
    low_degree: int  # the lower bound, rounded

    @property
    def roman(self) -> str:
        if self.degree <= 0:
            return "—"
        if self.low_degree == self.degree or self.low_degree <= 0:
            return ROMAN[self.degree]
        return f"{ROMAN[self.low_degree]}–{ROMAN[self.degree]}"


def _degree(value: float) -> int:
    return max(0, min(12, round(value)))


def estimate_township(
    model_key: str,
    magnitude: float,
    epicentre: tuple[float, float],
    seat: tuple[float, float] | None,
    county_points: list[tuple[float, float]] = (),
    strike: float | None = None,
) -> TownshipEstimate | None:
    """The intensity at a township (§10.4 applied at the township level): at its ``seat`` when
    known, with the same bounds as a point (unknown strike: long axis upper, short axis lower);
    without a seat, the range over ``county_points`` (its county's centroid and boundary
    vertices): the highest upper bound and the lowest lower bound. None when neither is given."""
    if seat is not None:
        e = estimate_point(model_key, magnitude, epicentre, seat, strike)
        return TownshipEstimate("seat", e.distance_km, e.upper, e.lower, e.degree, _degree(e.lower))
    if not county_points:
        return None
    estimates = [estimate_point(model_key, magnitude, epicentre, p, strike) for p in county_points]
    upper = max(e.upper for e in estimates)
    lower = min(e.lower for e in estimates)
    return TownshipEstimate("county", None, upper, lower, _degree(upper), _degree(lower))


# --- population exposure, suggested response level, ellipses ------------------------------

POPULATION = Path(__file__).with_name("data") / "lanzhou_population.json"
RESPONSE = Path(__file__).with_name("data") / "quake_response.json"


@lru_cache(maxsize=1)
def population_table() -> dict:
    return json.loads(POPULATION.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def response_table() -> dict:
    return json.loads(RESPONSE.read_text(encoding="utf-8"))


def exposure(rows: list[tuple[str, int, int]], population: dict[str, int]) -> dict:
    """Population exposed by intensity. ``rows``: (region code, upper degree, lower degree) per
    district; ``population``: code → 常住人口. Returns ``upper`` and ``lower``: degree → people
    whose district's highest estimate (the long axis, or the lower bound) is that degree, the
    cumulative ``at_least`` (degree → people at that degree or above, on the upper bound), and
    ``missing``: the codes without a population figure (not counted)."""
    upper: dict[int, int] = {}
    lower: dict[int, int] = {}
    missing = []
    for code, up, low in rows:
        people = population.get(code)
        if people is None:
            missing.append(code)
            continue
        upper[up] = upper.get(up, 0) + people
        lower[low] = lower.get(low, 0) + people
    top = max(upper, default=0)
    at_least = {d: sum(p for k, p in upper.items() if k >= d) for d in range(1, top + 1)}
    return {"upper": upper, "lower": lower, "at_least": at_least, "missing": missing}


@dataclass(frozen=True)
class Suggestion:
    level: str  # "1".."4", or "" when no rule is met
    label: str
    reasons: tuple[str, ...]


def suggest_level(
    magnitude: float,
    degrees: dict[str, int],
    at_least: dict[int, int],
    rules: dict | None = None,
    names: dict[str, str] | None = None,
) -> Suggestion:
    """The response level suggested for an estimate: the highest level whose magnitude
    threshold (人口密集地区 when a dense district reaches ``hit_degree``, else 人口较密集地区)
    or whose exposure trigger (people at or above a degree) is met. ``degrees``: region code →
    estimated degree (upper bound)."""
    rules = rules or response_table()
    hit = [c for c in rules["dense_counties"] if degrees.get(c, 0) >= rules["hit_degree"]]
    dense = bool(hit)
    area = "人口较密集地区"
    if dense:
        named = "、".join((names or {}).get(c, c) for c in hit)
        area = f"人口密集地区({named}估计烈度≥{ROMAN[rules['hit_degree']]}度)"
    found: dict[str, list[str]] = {}
    for level in rules["levels"]:
        threshold = level["dense_ms"] if dense else level["populated_ms"]
        if threshold is not None and magnitude >= threshold:
            found.setdefault(level["code"], []).append(
                f"{area}发生{magnitude:g}级地震(≥{threshold:g}级)"
            )
    for trigger in rules.get("exposure_triggers", []):
        people = at_least.get(trigger["degree"], 0)
        if people >= trigger["population"]:
            found.setdefault(trigger["level"], []).append(
                f"{ROMAN[trigger['degree']]}度及以上暴露人口约{people:,}人"
                f"(≥{trigger['population']:,}人,{trigger.get('note', '')})"
            )
    if not found:
        return Suggestion("", "未达到响应启动条件", (f"{area}发生{magnitude:g}级地震",))
    best = min(found)  # "1" is the highest level
    label = next(level["label"] for level in rules["levels"] if level["code"] == best)
    return Suggestion(best, label, tuple(found[best]))


def ellipse(
    epicentre: tuple[float, float], a_km: float, b_km: float, strike: float, n: int = 72
) -> list[tuple[float, float]]:
    """The closed outline (lon, lat) of an ellipse with semi-axes ``a_km`` along ``strike``
    (degrees clockwise from north) and ``b_km`` across, centred on the epicentre."""
    lon0, lat0 = epicentre
    s = math.radians(strike)
    out = []
    for k in range(n + 1):
        t = 2 * math.pi * k / n
        x, y = a_km * math.cos(t), b_km * math.sin(t)  # along, across
        east = x * math.sin(s) + y * math.cos(s)
        north = x * math.cos(s) - y * math.sin(s)
        lat = lat0 + math.degrees(north / EARTH_RADIUS_KM)
        lon = lon0 + math.degrees(east / (EARTH_RADIUS_KM * math.cos(math.radians(lat0))))
        out.append((round(lon, 5), round(lat, 5)))
    return out


def isoseismals(
    model_key: str,
    magnitude: float,
    epicentre: tuple[float, float],
    strike: float | None = None,
    lowest: int = 5,
) -> list[dict]:
    """The intensity outlines from ``lowest`` up to the epicentral degree: with a strike, the
    ellipse of each degree; without, the long-axis circle (upper bound) and the short-axis
    circle (lower bound) of each degree."""
    out = []
    for degree in range(lowest, table()["max_intensity"] + 1):
        a = semi_axis(model_key, "long", magnitude, degree)
        b = semi_axis(model_key, "short", magnitude, degree)
        if a <= 0 or b <= 0:
            continue
        if strike is not None:
            out.append(
                {
                    "degree": degree,
                    "bound": "ellipse",
                    "a_km": round(a, 1),
                    "b_km": round(b, 1),
                    "coords": ellipse(epicentre, a, b, strike),
                }
            )
        else:
            out.append(
                {
                    "degree": degree,
                    "bound": "upper",
                    "a_km": round(a, 1),
                    "b_km": round(a, 1),
                    "coords": ellipse(epicentre, a, a, 0),
                }
            )
            out.append(
                {
                    "degree": degree,
                    "bound": "lower",
                    "a_km": round(b, 1),
                    "b_km": round(b, 1),
                    "coords": ellipse(epicentre, b, b, 0),
                }
            )
    return out
