"""The allocation proposal for a supply request, as a pure function: nearest available stock
first (straight-line distance from the destination × a road factor), splitting an item across
sites when one is not enough, and — when the bureau sets the rule — the destination county's own
reserves before the city's and other counties'. Callers pass what is *available* (stock less
reservations), so reservations are respected. Parameters: data/dispatch.json (LOW confidence)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from yingji.standards.supplies import great_circle_km

PARAMS = Path(__file__).parent / "data" / "dispatch.json"


@lru_cache(maxsize=1)
def parameters() -> dict:
    return json.loads(PARAMS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Candidate:
    site: int
    lon: float
    lat: float
    county: str  # the county code the site lies in
    city_level: bool
    available: dict[str, int]  # item → quantity available (stock less reservations)


@dataclass(frozen=True)
class Leg:
    site: int
    item: str
    quantity: int
    distance_km: float  # estimated road distance
    eta_hours: float


@dataclass
class Proposal:
    legs: list[Leg] = field(default_factory=list)
    shortfall: dict[str, int] = field(default_factory=dict)
    # filled by the service: agreement stock covering what the physical stock could not
    # (``stock_shortfall``), counted separately; ``shortfall`` is then what nothing covers
    calls: list = field(default_factory=list)
    stock_shortfall: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.shortfall


def propose(
    demand: dict[str, int],
    candidates: list[Candidate],
    *,
    lon: float,
    lat: float,
    county: str | None = None,
    county_first: bool | None = None,
    road_factor: float | None = None,
    speed_kmh: float | None = None,
    loading_hours: float | None = None,
) -> Proposal:
    p = parameters()
    county_first = p["county_first"] if county_first is None else county_first
    road_factor = p["road_factor"] if road_factor is None else road_factor
    speed = p["speed_kmh"] if speed_kmh is None else speed_kmh
    loading = p["loading_hours"] if loading_hours is None else loading_hours
    distance = {
        c.site: round(great_circle_km(lon, lat, c.lon, c.lat) * road_factor, 1) for c in candidates
    }

    def rank(c: Candidate):
        own = county_first and county is not None and c.county == county and not c.city_level
        return (0 if own else 1, distance[c.site], c.site)

    ordered = sorted(candidates, key=rank)
    proposal = Proposal()
    for item, wanted in demand.items():
        need = wanted
        for c in ordered:
            if need <= 0:
                break
            take = min(need, max(0, c.available.get(item, 0)))
            if take:
                d = distance[c.site]
                eta = round(loading + d / speed, 1) if speed > 0 else 0.0
                proposal.legs.append(Leg(c.site, item, take, d, eta))
                need -= take
        if need > 0:
            proposal.shortfall[item] = need
    return proposal


# --- teams and equipment ------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A team or an item of equipment that could be sent: its kind ("team"/"equipment"), its
    category (specialty or equipment category) and where it is (None: place unknown)."""

    pk: int
    kind: str
    category: str
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class UnitLeg:
    pk: int
    kind: str
    category: str
    distance_km: float | None
    eta_hours: float | None


@dataclass
class UnitProposal:
    legs: list[UnitLeg] = field(default_factory=list)
    shortfall: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.shortfall


def propose_units(
    demand: dict[tuple[str, str], int],
    units: list[Unit],
    *,
    lon: float,
    lat: float,
    road_factor: float | None = None,
    speed_kmh: float | None = None,
) -> UnitProposal:
    """The nearest available units of each (kind, category) asked for, by the same distance
    estimate as the stock (straight line × road factor); units whose place is unknown come
    last. Callers pass only available units (not taken by another request, ready)."""
    p = parameters()
    road_factor = p["road_factor"] if road_factor is None else road_factor
    speed = p["speed_kmh"] if speed_kmh is None else speed_kmh
    loading = p["loading_hours"]  # 集结/装车, the same as for stock

    def distance(u: Unit) -> float | None:
        if u.lon is None or u.lat is None:
            return None
        return round(great_circle_km(lon, lat, u.lon, u.lat) * road_factor, 1)

    measured = [(distance(u), u) for u in units]
    measured.sort(key=lambda du: (du[0] is None, du[0] or 0.0, du[1].pk))
    proposal = UnitProposal()
    for (kind, category), wanted in demand.items():
        chosen = [du for du in measured if du[1].kind == kind and du[1].category == category]
        for d, u in chosen[:wanted]:
            eta = round(loading + d / speed, 1) if d is not None and speed > 0 else None
            proposal.legs.append(UnitLeg(u.pk, kind, category, d, eta))
        if len(chosen) < wanted:
            proposal.shortfall[(kind, category)] = wanted - len(chosen)
    return proposal


# --- agreement stock (协议储备) ------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """An agreement line holding an item for the city: what is left of its quantity, how fast
    the partner delivers (响应时限, hours; None: not stated), its agreement's validity and place.
    ``pk`` is the line's; ``agreement`` its agreement's (None: the same as ``pk``)."""

    pk: int
    item: str
    remaining: int
    response_hours: float | None
    valid_from: date
    valid_until: date
    lon: float | None = None
    lat: float | None = None
    agreement: int | None = None


@dataclass(frozen=True)
class CallLeg:
    agreement: int
    item: str
    quantity: int
    distance_km: float | None
    eta_hours: float | None
    line: int | None = None  # the agreement line called off (Offer.pk)


@dataclass
class CallProposal:
    legs: list[CallLeg] = field(default_factory=list)
    shortfall: dict[str, int] = field(default_factory=dict)


def propose_calls(
    shortfall: dict[str, int],
    offers: list[Offer],
    *,
    needed_on: date,
    lon: float,
    lat: float,
    road_factor: float | None = None,
) -> CallProposal:
    """Cover what the physical stock could not (``shortfall``) from agreement stock: only
    agreements valid on the day the goods are needed, with quantity left; the fastest first (the
    agreed response time; an agreement without one comes after those with one), then the
    nearest, then the oldest record. Splits across agreements; what none can cover stays short."""
    p = parameters()
    road_factor = p["road_factor"] if road_factor is None else road_factor

    def distance(o: Offer) -> float | None:
        if o.lon is None or o.lat is None:
            return None
        return round(great_circle_km(lon, lat, o.lon, o.lat) * road_factor, 1)

    usable = [
        (distance(o), o)
        for o in offers
        if o.remaining > 0 and o.valid_from <= needed_on <= o.valid_until
    ]
    usable.sort(
        key=lambda do: (
            do[1].response_hours is None,
            do[1].response_hours or 0,
            do[0] is None,
            do[0] or 0.0,
            do[1].pk,
        )
    )
    proposal = CallProposal()
    for item, wanted in shortfall.items():
        need = wanted
        for d, o in usable:
            if need <= 0:
                break
            if o.item != item:
                continue
            take = min(need, o.remaining)
            eta = None if o.response_hours is None else float(o.response_hours)
            agreement = o.pk if o.agreement is None else o.agreement
            proposal.legs.append(CallLeg(agreement, item, take, d, eta, o.pk))
            need -= take
        if need > 0:
            proposal.shortfall[item] = need
    return proposal
