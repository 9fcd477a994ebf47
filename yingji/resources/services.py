"""应急资源 services: registering sites, the stock ledger (every movement through
``do_record_movement`` or ``do_transfer_stock``) and the keeper's minimums.

Concurrency: a movement that takes stock locks the (site, item) Stock row (SELECT … FOR UPDATE
on PostgreSQL; SQLite runs IMMEDIATE transactions, so writers are serialised), checks the
balance, writes the ledger lines and lowers the cached balance with a conditional UPDATE
(``quantity >= n``). Of two dispatchers taking the last units at once, the second sees the
first's result and is refused with the quantity left; the database's check constraint is the
last guard."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from yingji.core.audit import record_event
from yingji.core.errors import ConflictError, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict, scope_of

from .choices import MOVEMENT_LABELS
from .models import Item, Movement, Site, Stock
from .schemas import MinimumIn, MovementIn, SiteIn, TransferIn

FUTURE_TOLERANCE = dt.timedelta(minutes=10)


# --- sites ---------------------------------------------------------------------------------


def _place(lon: float, lat: float, crs: str):
    from yingji.geo.spatial import locate
    from yingji.standards.coords import convert

    if crs != "wgs84":
        lon, lat = convert(lon, lat, crs, "wgs84")
    region = locate(lon, lat)
    if region is None:
        raise ValidationFailed(
            "坐标不在本市任何县区范围内,请检查经纬度和坐标系。", details={"field": "lon"}
        )
    return round(lon, 6), round(lat, 6), region


def _owner(actor, code: str | None):
    from yingji.orgs.models import Organisation

    if code:
        owner = Organisation.objects.filter(code=code, is_active=True).first()
        if owner is None:
            raise ValidationFailed(f"管理单位“{code}”不存在。", details={"field": "owner"})
        return owner
    owner = Organisation.objects.filter(pk__in=scope_of(actor).org_ids).order_by("path").first()
    if owner is None:
        raise ValidationFailed("请填写管理单位。", details={"field": "owner"})
    return owner


def do_register_site(*, actor, data: SiteIn) -> Site:
    check_rule(actor, "resources.keep")
    if Site.objects.filter(code=data.code).exists():
        raise ValidationFailed(f"储备库编码“{data.code}”已被使用。", details={"field": "code"})
    lon, lat, region = _place(data.lon, data.lat, data.crs)
    owner = _owner(actor, data.owner)
    with transaction.atomic():
        site = Site.objects.create(
            code=data.code,
            name=data.name,
            level=data.level,
            owner=owner,
            address=data.address,
            lon=lon,
            lat=lat,
            region=region,
            area_m2=data.area_m2,
            managers=data.managers,
            duty_phone=data.duty_phone,
            opening=data.opening,
        )
        record_event(
            "resources.site.registered",
            f"登记储备库(点)“{site}”({site.get_level_display()},{region.name})",
            target=site,
        )
        ensure_in_scope(actor, site)
    return site


# --- the ledger ----------------------------------------------------------------------------


def _item(code: str) -> Item:
    item = Item.objects.filter(code=code).first()
    if item is None:
        raise ValidationFailed(f"物资目录中没有编码为“{code}”的物资。", details={"field": "item"})
    return item


def _may_keep(actor, site: Site) -> None:
    check_rule(actor, "resources.keep")
    if not restrict(Site.objects.filter(pk=site.pk), actor, "change").exists():
        raise NotPermitted(f"您无权登记“{site}”的出入库。")
    if not site.active:
        raise ValidationFailed(f"“{site}”已停用,不能登记出入库。")


def _when(value: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + FUTURE_TOLERANCE:
        raise ValidationFailed("发生时间不能晚于现在。", details={"field": "occurred_at"})
    return value


def _locked_stock(site: Site, item: Item) -> Stock:
    """The (site, item) row, created if new, locked for the rest of the transaction."""
    stock, _ = Stock.objects.get_or_create(site=site, item=item)
    return Stock.objects.select_for_update().get(pk=stock.pk)


def batch_balances(stock: Stock) -> list[dict]:
    """The batches with stock left, earliest expiry first (no expiry last): derived from
    the ledger."""
    rows = (
        Movement.objects.filter(stock=stock)
        .values("batch", "expires_on")
        .annotate(quantity=Sum("quantity"))
        .filter(quantity__gt=0)
    )
    return sorted(
        rows, key=lambda r: (r["expires_on"] is None, r["expires_on"] or dt.date.max, r["batch"])
    )


def _take(stock: Stock, quantity: int, batch: str) -> list[tuple[str, dt.date | None, int]]:
    """(batch, expiry, n) legs that take ``quantity`` out of the locked stock: the named batch,
    or the earliest-expiring batches first. Refuses, changing nothing, when there is not enough."""
    item, site = stock.item, stock.site
    if stock.quantity < quantity:
        raise ValidationFailed(
            f"库存不足:“{site}”的{item.name}现有 {stock.quantity} {item.unit},"
            f"不能减少 {quantity} {item.unit}。未登记。",
            code="insufficient_stock",
            details={"field": "quantity", "available": stock.quantity},
        )
    batches = batch_balances(stock)
    if batch:
        found = [b for b in batches if b["batch"] == batch]
        left = sum(b["quantity"] for b in found)
        if left < quantity:
            raise ValidationFailed(
                f"批次“{batch}”的{item.name}仅剩 {left} {item.unit},不能减少 {quantity} {item.unit}。",
                code="insufficient_stock",
                details={"field": "batch", "available": left},
            )
        batches = found
    legs, need = [], quantity
    for b in batches:
        n = min(need, b["quantity"])
        legs.append((b["batch"], b["expires_on"], n))
        need -= n
        if not need:
            break
    if need:  # the batches disagree with the balance: a ledger fault, refuse
        raise ConflictError(f"“{stock}”的批次结存与账面不符,请先盘点。")
    return legs


def _apply(stock: Stock, delta: int) -> None:
    if delta < 0:
        changed = Stock.objects.filter(pk=stock.pk, quantity__gte=-delta).update(
            quantity=F("quantity") + delta
        )
        if not changed:
            raise ConflictError(f"“{stock}”的库存已被他人变动,请刷新后重试。")
    else:
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + delta)
    stock.quantity += delta


def _lines(stock, kind, legs, sign, *, actor, when, data_fields) -> list[Movement]:
    return [
        Movement.objects.create(
            stock=stock,
            kind=kind,
            quantity=sign * n,
            batch=batch,
            expires_on=expires,
            occurred_at=when,
            actor=actor,
            **data_fields,
        )
        for batch, expires, n in legs
    ]


def do_record_movement(*, actor, site: Site, data: MovementIn) -> list[Movement]:
    """One movement (入库, 出库, 借用, 归还, 报废, 盘点调整) at a site: one or more ledger lines
    (an outbound quantity may span batches), the balance changed with them."""
    _may_keep(actor, site)
    item = _item(data.item)
    when = _when(data.occurred_at)
    fields = {
        "document_no": data.document_no,
        "reason": data.reason,
        "counterparty": data.counterparty,
    }
    with transaction.atomic():
        stock = _locked_stock(site, item)
        before = stock.quantity
        kind = data.kind
        if kind == "adjust":
            delta = data.counted - stock.quantity
            if delta == 0:
                raise ValidationFailed(
                    f"盘点数量与账面一致({stock.quantity} {item.unit}),无需调整。",
                    details={"field": "counted"},
                )
        else:
            delta = data.quantity if kind in ("in", "return") else -data.quantity
        if delta > 0:
            lines = _lines(
                stock,
                kind,
                [(data.batch, data.expires_on, delta)],
                1,
                actor=actor,
                when=when,
                data_fields=fields,
            )
        else:
            legs = _take(stock, -delta, data.batch)
            lines = _lines(stock, kind, legs, -1, actor=actor, when=when, data_fields=fields)
        _apply(stock, delta)
        record_event(
            f"resources.movement.{kind}",
            f"{MOVEMENT_LABELS[kind]}:{site}·{item.name} {delta:+d} {item.unit}"
            f"(单据 {data.document_no}),结存 {before} → {stock.quantity}",
            target=site,
            item=item.code,
            quantity=delta,
            document_no=data.document_no,
            movements=[m.pk for m in lines],
        )
    return lines


def do_transfer_stock(*, actor, site: Site, data: TransferIn) -> tuple[Movement, Movement]:
    """调拨: out of ``site`` and into ``data.to_site`` in one transaction, the two legs linked.
    The sending keeper decides; the receiving site need only be visible to them (a county may
    send to the city's reserve)."""
    _may_keep(actor, site)
    item = _item(data.item)
    when = _when(data.occurred_at)
    to = restrict(Site.objects.filter(code=data.to_site), actor).first()
    if to is None:
        raise ValidationFailed(
            f"调入储备库“{data.to_site}”不存在或不在您的权限范围内。",
            details={"field": "to_site"},
        )
    if to.pk == site.pk:
        raise ValidationFailed("调入与调出不能是同一储备库。", details={"field": "to_site"})
    if not to.active:
        raise ValidationFailed(f"“{to}”已停用,不能调入。", details={"field": "to_site"})
    fields = {"document_no": data.document_no, "reason": data.reason}
    with transaction.atomic():
        # lock both rows in a fixed order (by pk) so that two opposite transfers cannot deadlock
        pair = sorted([(site, "out"), (to, "in")], key=lambda p: p[0].pk)
        stocks = {leg: _locked_stock(s, item) for s, leg in pair}
        legs = _take(stocks["out"], data.quantity, "")
        outs = _lines(
            stocks["out"],
            "transfer_out",
            legs,
            -1,
            actor=actor,
            when=when,
            data_fields={**fields, "counterparty": to.name},
        )
        ins = _lines(
            stocks["in"],
            "transfer_in",
            legs,
            1,
            actor=actor,
            when=when,
            data_fields={**fields, "counterparty": site.name},
        )
        for o, i in zip(outs, ins, strict=True):
            o.peer = i
            o.save(update_fields=["peer"])
        _apply(stocks["out"], -data.quantity)
        _apply(stocks["in"], data.quantity)
        record_event(
            "resources.movement.transfer",
            f"调拨:{item.name} {data.quantity} {item.unit} 由“{site}”调往“{to}”(单据 {data.document_no})",
            target=site,
            to_site=to.code,
            item=item.code,
            quantity=data.quantity,
            movements=[m.pk for m in outs + ins],
        )
    return outs[0], ins[0]


def do_set_minimum(*, actor, site: Site, data: MinimumIn) -> Stock:
    _may_keep(actor, site)
    item = _item(data.item)
    with transaction.atomic():
        stock = _locked_stock(site, item)
        old = stock.minimum
        stock.minimum = data.minimum
        stock.save(update_fields=["minimum"])
        record_event(
            "resources.stock.minimum_set",
            f"设置“{site}”{item.name}最低储备量 {old} → {data.minimum} {item.unit}",
            target=site,
            item=item.code,
        )
    return stock


def ledger_totals(stock_ids=None) -> dict[int, int]:
    """Balances summed from the ledger (for checks: they must equal the cached ones)."""
    qs = Movement.objects.all()
    if stock_ids is not None:
        qs = qs.filter(stock_id__in=list(stock_ids))
    out: dict[int, int] = defaultdict(int)
    for sid, n in qs.values_list("stock_id").annotate(n=Sum("quantity")):
        out[sid] = n
    return dict(out)


# --- forces: teams, agreements, experts, shelters, evaluations -----------------------------

FORCE_EVENTS = {
    "Team": ("resources.team.registered", "登记救援队伍"),
    "Agreement": ("resources.agreement.registered", "登记合作协议"),
    "Expert": ("resources.expert.registered", "登记专家"),
    "Shelter": ("resources.shelter.registered", "登记应急避难场所"),
}


def _record_place(data) -> tuple[float | None, float | None, object]:
    from yingji.geo.models import Region

    if data.lon is not None:
        return _place(data.lon, data.lat, data.crs)
    region = Region.objects.filter(code=data.region).first()
    if region is None:
        raise ValidationFailed(f"县区“{data.region}”不存在。", details={"field": "region"})
    return None, None, region


def _register(actor, model, data, fields: dict):
    check_rule(actor, "resources.keep")
    lon, lat, region = _record_place(data)
    owner = _owner(actor, data.owner)
    verb, label = FORCE_EVENTS[model.__name__]
    with transaction.atomic():
        obj = model.objects.create(
            level=data.level,
            owner=owner,
            region=region,
            lon=lon,
            lat=lat,
            contact=data.contact,
            phone=data.phone,
            **fields,
        )
        record_event(verb, f"{label}“{obj}”({region.name})", target=obj)
        ensure_in_scope(actor, obj)
    return obj


def _unique(model, field: str, value: str, label: str) -> None:
    if model.objects.filter(**{field: value}).exists():
        raise ValidationFailed(f"{label}“{value}”已存在。", details={"field": field})


def do_register_team(*, actor, data):
    from .models import Team

    _unique(Team, "name", data.name, "队伍")
    fields = data.model_dump(
        include={
            "name",
            "kind",
            "specialty",
            "headcount",
            "equipment",
            "capabilities",
            "readiness",
            "funding_wan",
        }
    )
    return _register(actor, Team, data, fields)


def do_register_agreement(*, actor, data):
    from .models import Agreement

    fields = data.model_dump(
        include={
            "title",
            "kind",
            "partner",
            "content",
            "response_hours",
            "valid_from",
            "valid_until",
        }
    )
    return _register(actor, Agreement, data, fields)


def do_register_expert(*, actor, data):
    from .models import Expert

    fields = data.model_dump(
        include={"name", "specialty", "organisation_name", "title", "available"}
    )
    return _register(actor, Expert, data, fields)


def do_register_shelter(*, actor, data):
    from .models import Shelter

    _unique(Shelter, "name", data.name, "避难场所")
    fields = data.model_dump(
        include={"name", "kind", "capacity", "area_m2", "facilities", "address"}
    )
    return _register(actor, Shelter, data, fields)


def do_evaluate_team(*, actor, team, data):
    """Score a social rescue force for a year (T44): total and grade from the scheme; a second
    evaluation of the same year replaces the scores (the change record keeps the old ones)."""
    from .evaluation import scheme, score
    from .models import TeamEvaluation

    check_rule(actor, "resources.evaluate")
    if team.kind != "social":
        raise ValidationFailed("年度评估只针对社会应急力量。")
    try:
        total, grade = score(data.scores)
    except ValueError as exc:
        raise ValidationFailed(str(exc), details={"field": "scores"}) from exc
    with transaction.atomic():
        evaluation, created = TeamEvaluation.objects.select_for_update().get_or_create(
            team=team,
            year=data.year,
            defaults={"total": total, "grade": grade, "scores": {}, "evaluator": actor},
        )
        evaluation.scores = {**data.scores, "_scheme": scheme()["version"]}
        evaluation.total, evaluation.grade = total, grade
        evaluation.evaluator, evaluation.remarks = actor, data.remarks
        evaluation.save()
        record_event(
            "resources.team.evaluated",
            f"{data.year}年度评估“{team}”:{total} 分,{grade}",
            target=team,
            year=data.year,
            total=str(total),
            grade=grade,
        )
        ensure_in_scope(actor, evaluation)
    return evaluation
