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
from yingji.core.errors import ConflictError, InvalidTransition, NotPermitted, ValidationFailed
from yingji.core.permissions import check_rule, ensure_in_scope, restrict, scope_of
from yingji.core.services import locked

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


def _take(
    stock: Stock, quantity: int, batch: str, *, from_reserved: int = 0
) -> list[tuple[str, dt.date | None, int]]:
    """(batch, expiry, n) legs that take ``quantity`` out of the locked stock: the named batch,
    or the earliest-expiring batches first. Stock reserved for approved requests is not
    available, except ``from_reserved`` units (a dispatch consuming its own reservation).
    Refuses, changing nothing, when there is not enough."""
    item, site = stock.item, stock.site
    available = stock.quantity - stock.reserved + from_reserved
    if available < quantity:
        held = stock.reserved - from_reserved
        note = f"(其中 {held} {item.unit}已为调运预留)" if held else ""
        raise ValidationFailed(
            f"库存不足:“{site}”的{item.name}现有 {stock.quantity} {item.unit}{note},"
            f"不能减少 {quantity} {item.unit}。未登记。",
            code="insufficient_stock",
            details={"field": "quantity", "available": max(available, 0)},
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


def _apply(stock: Stock, delta: int, *, from_reserved: int = 0) -> None:
    if delta < 0:
        changed = Stock.objects.filter(
            pk=stock.pk, quantity__gte=F("reserved") - from_reserved - delta
        ).update(quantity=F("quantity") + delta, reserved=F("reserved") - from_reserved)
        if not changed:
            raise ConflictError(f"“{stock}”的库存已被他人变动,请刷新后重试。")
    else:
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + delta)
    stock.quantity += delta
    stock.reserved -= from_reserved


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
    """Register an agreement with its 协议储备 lines (item, quantity, response time), in one
    transaction: an unknown item refuses the whole registration."""
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
    items = {line.item: _item(line.item) for line in data.lines}
    with transaction.atomic():
        agreement = _register(actor, Agreement, data, fields)
        _save_lines(agreement, data.lines, items)
    return agreement


def _save_lines(agreement, lines, items: dict) -> list[str]:
    """Make the agreement's lines what ``lines`` says (inside the caller's transaction), keyed
    by item: a line called off (调用) stays, with a quantity not below what was called; a line
    never called off may go. Returns the changes, in words, for the event."""
    from .models import AgreementLine

    existing = {
        line.item.code: line
        for line in AgreementLine.objects.select_for_update()
        .filter(agreement=agreement)
        .select_related("item")
    }
    wanted = {line.item: line for line in lines}
    changes = []
    for code, line in existing.items():
        if code in wanted:
            continue
        if line.called or line.calls.exists():
            raise ValidationFailed(
                f"“{line.item.name}”已被调用过,不能从协议中删除。", details={"field": "lines"}
            )
        changes.append(f"删除{line.item.name}")
        line.delete()
    for code, data in wanted.items():
        line = existing.get(code)
        if line is None:
            AgreementLine.objects.create(
                agreement=agreement,
                item=items[code],
                quantity=data.quantity,
                response_hours=data.response_hours,
            )
            changes.append(f"新增{items[code].name} {data.quantity}")
            continue
        if data.quantity < line.called:
            raise ValidationFailed(
                f"“{line.item.name}”已调用 {line.called} {line.item.unit},"
                "数量不能减到已调用数以下。",
                details={"field": "lines"},
            )
        if (line.quantity, line.response_hours) != (data.quantity, data.response_hours):
            changes.append(f"{line.item.name} {line.quantity} → {data.quantity}")
            line.quantity, line.response_hours = data.quantity, data.response_hours
            line.save()
    return changes


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
        if TeamEvaluation.objects.filter(year=data.year, published_at__isnull=False).exists():
            raise InvalidTransition(f"{data.year}年度评估结果已发布,分数已冻结,不能再评分或修改。")
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


def do_publish_evaluations(*, actor, year: int):
    """发布 a year's evaluation of social rescue forces (T44): every evaluation of the year at
    once (the ranking is the year's), one event; from then on the scores are frozen
    (``do_evaluate_team`` refuses the year) and the teams' keepers see the result. A year with no
    evaluation, or already published, is refused and nothing changes."""
    from django.utils import timezone

    from .models import TeamEvaluation

    check_rule(actor, "resources.publish_evaluation")
    with transaction.atomic():
        rows = list(TeamEvaluation.objects.select_for_update().filter(year=year).order_by("pk"))
        if not rows:
            raise ValidationFailed(
                f"{year}年度还没有评估记录,不能发布。", details={"field": "year"}
            )
        if any(r.published_at for r in rows):
            raise InvalidTransition(f"{year}年度评估结果已发布,不能重复发布。")
        now = timezone.now()
        for row in rows:
            row.published_at, row.published_by = now, actor
            row.save(update_fields=["published_at", "published_by"])
        record_event(
            "resources.evaluation.published",
            f"发布{year}年度社会应急力量评估结果:{len(rows)} 支队伍",
            year=year,
            count=len(rows),
        )
    return rows


# --- editing forces records ----------------------------------------------------------------

FORCE_FIELDS = {
    "Team": (
        "name",
        "kind",
        "specialty",
        "headcount",
        "equipment",
        "capabilities",
        "readiness",
        "funding_wan",
    ),
    "Agreement": (
        "title",
        "kind",
        "partner",
        "content",
        "response_hours",
        "valid_from",
        "valid_until",
    ),
    "Expert": ("name", "specialty", "organisation_name", "title", "available"),
    "Shelter": ("name", "kind", "capacity", "area_m2", "facilities", "address"),
}
FORCE_LABELS = {
    "Team": "救援队伍",
    "Agreement": "合作协议",
    "Expert": "专家",
    "Shelter": "避难场所",
}
UNIQUE_NAMES = {"Team": ("name", "队伍"), "Shelter": ("name", "避难场所")}


def _may_change(actor, obj) -> None:
    check_rule(actor, "resources.keep")
    if not restrict(type(obj).objects.filter(pk=obj.pk), actor, "change").exists():
        raise NotPermitted(f"您无权修改“{obj}”。")


def _changed(obj, values: dict) -> list[str]:
    return [k for k, v in values.items() if getattr(obj, k) != v]


def do_update_record(*, actor, obj, data):
    """Edit a team, agreement, expert or shelter (the registration fields; ``data.version`` is
    the version the user saw: a stale one is refused). Level, keeper and place may change, but
    the record must stay within the editor's scope."""
    name = type(obj).__name__
    _may_change(actor, obj)
    if name in UNIQUE_NAMES:
        field, label = UNIQUE_NAMES[name]
        value = getattr(data, field)
        if type(obj).objects.filter(**{field: value}).exclude(pk=obj.pk).exists():
            raise ValidationFailed(f"{label}“{value}”已存在。", details={"field": field})
    lon, lat, region = _record_place(data)
    owner = _owner(actor, data.owner)
    values = {
        **data.model_dump(include=set(FORCE_FIELDS[name])),
        "level": data.level,
        "owner": owner,
        "region": region,
        "lon": lon,
        "lat": lat,
        "contact": data.contact,
        "phone": data.phone,
    }
    items = {line.item: _item(line.item) for line in data.lines} if name == "Agreement" else {}
    if name == "Team" and values["funding_wan"] is not None:
        from decimal import Decimal

        values["funding_wan"] = Decimal(str(round(values["funding_wan"], 2)))
    with transaction.atomic():
        obj = locked(type(obj), obj.pk, expected_version=data.version)
        changed = _changed(obj, values)
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
        if name == "Agreement":
            changed += _save_lines(obj, data.lines, items)
        record_event(
            f"resources.{name.lower()}.updated",
            f"修改{FORCE_LABELS[name]}“{obj}”:" + ("、".join(changed) or "无变化"),
            target=obj,
            fields=changed,
        )
        ensure_in_scope(actor, obj)
    return obj


# --- equipment (装备台账, T45) ----------------------------------------------------------------


def _equipment_place(actor, data) -> dict:
    """Where the item is: its site's or team's place (seen by the actor), else the form's."""
    from .models import Team

    site = team = None
    if data.site:
        site = restrict(Site.objects.filter(code=data.site), actor).first()
        if site is None:
            raise ValidationFailed(f"储备库“{data.site}”不存在。", details={"field": "site"})
        lon, lat, region = site.lon, site.lat, site.region
    elif data.team:
        team = restrict(Team.objects.filter(pk=data.team), actor).first()
        if team is None:
            raise ValidationFailed(f"编号为 {data.team} 的队伍不存在。", details={"field": "team"})
        lon, lat, region = team.lon, team.lat, team.region
    else:
        lon, lat, region = _record_place(data)
    return {"site": site, "team": team, "lon": lon, "lat": lat, "region": region}


EQUIPMENT_FIELDS = (
    "code",
    "name",
    "category",
    "model_spec",
    "serial_no",
    "quantity",
    "unit",
    "source",
    "interval_days",
    "remarks",
)


def _equipment_values(actor, data) -> dict:
    return {
        **data.model_dump(include=set(EQUIPMENT_FIELDS)),
        **_equipment_place(actor, data),
        "level": data.level,
        "owner": _owner(actor, data.owner),
        "contact": data.contact,
        "phone": data.phone,
    }


def do_register_equipment(*, actor, data):
    """Register an item of equipment; its next maintenance is due ``interval_days`` after the
    last one given."""
    from .maintenance import next_due
    from .models import Equipment

    check_rule(actor, "resources.keep")
    _unique(Equipment, "code", data.code, "装备编号")
    if data.last_maintained_on and data.last_maintained_on > timezone.localdate():
        raise ValidationFailed(
            "上次保养日期不能晚于今天。", details={"field": "last_maintained_on"}
        )
    values = _equipment_values(actor, data)
    with transaction.atomic():
        item = Equipment.objects.create(
            **values,
            last_maintained_on=data.last_maintained_on,
            next_due_on=next_due(data.last_maintained_on, data.interval_days),
        )
        record_event(
            "resources.equipment.registered",
            f"登记应急装备“{item}”{item.quantity}{item.unit}({item.holder})",
            target=item,
        )
        ensure_in_scope(actor, item)
    return item


def do_update_equipment(*, actor, equipment, data):
    """Edit an item's register fields (not its status or maintenance dates: those change
    through its maintenance records); a new interval moves the next due date."""
    from .maintenance import next_due
    from .models import Equipment

    _may_change(actor, equipment)
    if Equipment.objects.filter(code=data.code).exclude(pk=equipment.pk).exists():
        raise ValidationFailed(f"装备编号“{data.code}”已存在。", details={"field": "code"})
    values = _equipment_values(actor, data)
    with transaction.atomic():
        item = locked(Equipment, equipment.pk, expected_version=data.version)
        if item.status == "scrapped":
            raise ValidationFailed(f"“{item}”已报废,不能修改。")
        changed = _changed(item, values)
        for key, value in values.items():
            setattr(item, key, value)
        item.next_due_on = next_due(item.last_maintained_on, item.interval_days)
        item.save()
        record_event(
            "resources.equipment.updated",
            f"修改应急装备“{item}”:" + ("、".join(changed) or "无变化"),
            target=item,
            fields=changed,
        )
        ensure_in_scope(actor, item)
    return item


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def do_record_maintenance(*, actor, equipment, data):
    """One line of the maintenance ledger: 保养/检测/维修 set the last maintenance date and the
    next due date (interval from that day) and the status afterwards (完好 or still 维修);
    报废 ends the item's life (no further records, no due date)."""
    from .maintenance import next_due
    from .models import Equipment, MaintenanceRecord

    _may_change(actor, equipment)
    if data.performed_on > timezone.localdate():
        raise ValidationFailed("日期不能晚于今天。", details={"field": "performed_on"})
    with transaction.atomic():
        item = locked(Equipment, equipment.pk, expected_version=data.version)
        if item.status == "scrapped":
            raise ValidationFailed(f"“{item}”已报废,不能再登记保养维修。")
        if item.last_maintained_on and data.performed_on < item.last_maintained_on:
            raise ValidationFailed(
                f"日期早于上次保养({_cn_date(item.last_maintained_on)}),请按时间顺序登记。",
                details={"field": "performed_on"},
            )
        status = "scrapped" if data.kind == "scrap" else data.status_after
        due = None if status == "scrapped" else next_due(data.performed_on, item.interval_days)
        old = item.get_status_display()
        item.status, item.last_maintained_on, item.next_due_on = status, data.performed_on, due
        item.save()
        record = MaintenanceRecord.objects.create(
            equipment=item,
            kind=data.kind,
            performed_on=data.performed_on,
            description=data.description,
            performed_by=data.performed_by,
            cost=None if data.cost is None else round(data.cost, 2),
            status_after=status,
            next_due_on=due,
            actor=actor,
        )
        record_event(
            "resources.equipment.maintained",
            f"“{item}”{record.get_kind_display()}:{data.description}"
            f"(状态 {old} → {item.get_status_display()})",
            target=item,
            kind=data.kind,
        )
    return record


# --- reserve targets (coverage) ------------------------------------------------------------


def do_set_reserve_target(*, actor, data):
    """Set (or change, or with 0 clear) the reserve target of an item in a county, or in the city
    region for the 市级 reserves. The city bureau's decision (rule resources.targets)."""
    from yingji.geo.models import Region

    from .models import ReserveTarget

    check_rule(actor, "resources.targets")
    region = Region.objects.filter(code=data.region, level__in=("city", "county")).first()
    if region is None:
        raise ValidationFailed(
            f"没有编码为“{data.region}”的市或县区。", details={"field": "region"}
        )
    item = _item(data.item)
    with transaction.atomic():
        target = ReserveTarget.objects.select_for_update().filter(region=region, item=item).first()
        old = target.quantity if target else 0
        if target is None:
            target = ReserveTarget(region=region, item=item)
        target.quantity, target.basis = data.quantity, data.basis
        target.save()
        record_event(
            "resources.target.set",
            f"设置{region.name}{item.name}储备目标 {old} → {data.quantity} {item.unit}",
            target=target,
            item=item.code,
        )
        ensure_in_scope(actor, target)
    return target


# --- requests and dispatch -----------------------------------------------------------------


def _request_number() -> str:
    from .models import SupplyRequest

    today = timezone.localdate()
    prefix = f"XQ{today:%Y%m%d}-"
    n = SupplyRequest.objects.filter(number__startswith=prefix).count() + 1
    return f"{prefix}{n:03d}"


def do_create_request(*, actor, data):
    """A requester (the duty officer, a section, a county) asks for items, rescue teams (by
    specialty) and equipment (by category) to a place."""
    from .models import ForceLine, RequestLine, SupplyRequest

    check_rule(actor, "resources.request")
    lon, lat, region = _place(data.lon, data.lat, data.crs)
    items = {line.item: _item(line.item) for line in data.lines}
    with transaction.atomic():
        request = SupplyRequest.objects.create(
            number=_request_number(),
            destination=data.destination,
            lon=lon,
            lat=lat,
            region=region,
            # a time typed in the form (datetime-local, no zone) is local time
            needed_by=timezone.make_aware(data.needed_by)
            if timezone.is_naive(data.needed_by)
            else data.needed_by,
            event=data.event,
            reason=data.reason,
            requested_by=actor,
        )
        RequestLine.objects.bulk_create(
            RequestLine(request=request, item=items[line.item], quantity=line.quantity)
            for line in data.lines
        )
        forces = ForceLine.objects.bulk_create(
            ForceLine(request=request, kind=kind, category=line.category, count=line.count)
            for kind, lines in (("team", data.teams), ("equipment", data.equipment))
            for line in lines
        )
        summary = "、".join(
            [f"{items[x.item].name} {x.quantity} {items[x.item].unit}" for x in data.lines]
            + [
                f"{f.category_label}{'队伍' if f.kind == 'team' else '装备'} {f.count} "
                + ("支" if f.kind == "team" else "台(套)")
                for f in forces
            ]
        )
        record_event(
            "resources.request.submitted",
            f"提出物资需求 {request.number}:{summary},送至{request.destination}",
            target=request,
        )
        ensure_in_scope(actor, request, "view")
    return request


def _transition(actor, request, to: str, version: int | None):
    """Lock the request and check the move against the state table (REQUEST_TRANSITIONS)."""
    from yingji.core.errors import InvalidTransition
    from yingji.core.services import locked

    from .choices import REQUEST_STATES, REQUEST_TRANSITIONS
    from .models import SupplyRequest

    request = locked(SupplyRequest, request.pk, expected_version=version)
    allowed = REQUEST_TRANSITIONS.get((request.state, to))
    labels = dict(REQUEST_STATES)
    if allowed is None:
        raise InvalidTransition(
            f"需求 {request.number} 当前为“{labels[request.state]}”,不能改为“{labels[to]}”。"
        )
    check_rule(actor, allowed)
    if not restrict(SupplyRequest.objects.filter(pk=request.pk), actor, "view").exists():
        raise NotPermitted("您无权办理该需求。")
    return request


def candidates_for(request, items) -> list:
    """Every active site holding any of the items, with what is available there (stock less
    reservations): the allocation's input. Read from the ledger's cache, not restricted: the
    approver allocates from the whole city's reserves."""
    from .allocation import Candidate

    rows = (
        Stock.objects.filter(item__in=items, site__active=True, quantity__gt=F("reserved"))
        .order_by("site_id")
        .values_list(
            "site_id",
            "site__lon",
            "site__lat",
            "site__level",
            "site__region__path",
            "site__region__code",
            "item__code",
            "quantity",
            "reserved",
        )
    )
    by_site: dict[int, Candidate] = {}
    for site, lon, lat, level, path, code, item, quantity, reserved in rows:
        candidate = by_site.get(site)
        if candidate is None:
            county = path.strip("/").split("/")[1] if path.count("/") > 2 else code
            candidate = by_site[site] = Candidate(site, lon, lat, county, level == "city", {})
        candidate.available[item] = quantity - reserved
    return list(by_site.values())


def offers_for(items) -> list:
    """The agreement lines holding any of these items with quantity left (协议储备), each with
    its response time (the line's, else the agreement's): the input of the call-off proposal.
    Not restricted, like the stock: the approver calls off the city's agreements and the
    counties'."""
    from .allocation import Offer
    from .models import AgreementLine

    rows = (
        AgreementLine.objects.filter(item__in=items, quantity__gt=F("called"))
        .order_by("pk")
        .values_list(
            "pk",
            "item__code",
            "quantity",
            "called",
            "response_hours",
            "agreement__response_hours",
            "agreement__valid_from",
            "agreement__valid_until",
            "agreement__lon",
            "agreement__lat",
            "agreement_id",
        )
    )
    return [
        Offer(pk, item, q - c, agreed if h is None else h, f, u, lon, lat, agreement)
        for pk, item, q, c, h, agreed, f, u, lon, lat, agreement in rows
    ]


def proposal_for(request):
    """Nearest physical stock first (``allocation.propose``); what it cannot cover is offered
    from agreement stock valid on the needed-by day (``allocation.propose_calls``), counted
    separately in ``proposal.calls``; ``proposal.shortfall`` is what neither covers."""
    from .allocation import propose, propose_calls

    lines = list(request.lines.select_related("item"))
    demand = {line.item.code: line.quantity for line in lines}
    region = request.region
    county = region.path.strip("/").split("/")[1] if region.path.count("/") > 2 else region.code
    proposal = propose(
        demand,
        candidates_for(request, [line.item for line in lines]),
        lon=request.lon,
        lat=request.lat,
        county=county,
    )
    if proposal.shortfall:
        short = [line.item for line in lines if line.item.code in proposal.shortfall]
        calls = propose_calls(
            proposal.shortfall,
            offers_for(short),
            needed_on=timezone.localtime(request.needed_by).date(),
            lon=request.lon,
            lat=request.lat,
        )
        proposal.stock_shortfall = proposal.shortfall
        proposal.calls = calls.legs
        proposal.shortfall = calls.shortfall
    return proposal


def _call_off(request, proposal) -> list:
    """Record the call-offs of agreement stock (inside the approval's transaction), one per
    agreement line: each line locked (FOR UPDATE; SQLite serialises writers), its ``called``
    raised by a conditional UPDATE (``called + n <= quantity``) — of two approvals calling off
    the last of a line, the second is refused; the check constraint is the last guard."""
    from .models import AgreementCall, AgreementLine

    now = timezone.now()
    calls = []
    for leg in sorted(proposal.calls, key=lambda c: c.line):
        line = (
            AgreementLine.objects.select_for_update()
            .select_related("agreement", "item")
            .get(pk=leg.line)
        )
        changed = AgreementLine.objects.filter(
            pk=line.pk, quantity__gte=F("called") + leg.quantity
        ).update(called=F("called") + leg.quantity)
        if not changed:
            raise ConflictError(
                f"协议“{line.agreement}”的{line.item.name}剩余数量已变动,请重新审批。"
            )
        calls.append(
            AgreementCall.objects.create(
                request=request,
                agreement=line.agreement,
                line=line,
                quantity=leg.quantity,
                distance_km=leg.distance_km,
                eta_hours=leg.eta_hours,
                called_at=now,
            )
        )
    return calls


def do_approve_request(*, actor, request, data):
    """Approve: allocate from the nearest available stock (the proposal, computed again under
    the locks) and reserve it; assign the nearest available teams and equipment (已调派).
    Refused, changing nothing, if the reserves or the available forces cannot cover it."""
    from .models import Allocation

    with transaction.atomic():
        request = _transition(actor, request, "approved", data.version)
        proposal = proposal_for(request)
        if not proposal.complete:
            names = {i.code: i for i in Item.objects.filter(code__in=proposal.shortfall)}
            short = "、".join(
                f"{names[c].name}缺 {n} {names[c].unit}" for c, n in proposal.shortfall.items()
            )
            raise ValidationFailed(
                f"全市可用储备(含协议储备)不足:{short}。未审批。", code="insufficient_stock"
            )
        for leg in proposal.legs:
            stock = Stock.objects.select_for_update().get(site_id=leg.site, item__code=leg.item)
            changed = Stock.objects.filter(
                pk=stock.pk, quantity__gte=F("reserved") + leg.quantity
            ).update(reserved=F("reserved") + leg.quantity)
            if not changed:
                raise ConflictError(f"“{stock}”的可用库存已变动,请重新审批。")
            Allocation.objects.create(
                request=request,
                stock=stock,
                quantity=leg.quantity,
                distance_km=leg.distance_km,
                eta_hours=leg.eta_hours,
            )
        calls = _call_off(request, proposal)
        assigned = _assign_forces(request)
        request.state = "approved"
        request.save()
        record_event(
            "resources.request.approved",
            f"审批物资需求 {request.number}:从 {len({leg.site for leg in proposal.legs})} 个储备库调运并预留"
            + (
                ",调用协议储备:"
                + "、".join(
                    f"{c.agreement.partner} {c.line.item.name} {c.quantity} {c.line.item.unit}"
                    for c in calls
                )
                if calls
                else ""
            )
            + (f",调派队伍装备:{'、'.join(str(a.unit) for a in assigned)}" if assigned else "")
            + (f"({data.note})" if data.note else ""),
            target=request,
            assignments=[a.pk for a in assigned],
            calls=[c.pk for c in calls],
        )
    return request


def do_dispatch_request(*, actor, request, data):
    """Dispatch: one 出库 movement per allocation (consuming its reservation); the assigned
    teams and equipment set out (出发时间)."""
    with transaction.atomic():
        request = _transition(actor, request, "dispatched", data.version)
        for allocation in request.allocations.filter(state="reserved").select_related(
            "stock__site", "stock__item"
        ):
            stock = (
                Stock.objects.select_for_update()
                .select_related("site", "item")
                .get(pk=allocation.stock_id)
            )
            legs = _take(stock, allocation.quantity, "", from_reserved=allocation.quantity)
            _lines(
                stock,
                "out",
                legs,
                -1,
                actor=actor,
                when=timezone.now(),
                data_fields={
                    "document_no": request.number,
                    "reason": f"调运至{request.destination}",
                    "counterparty": request.destination,
                },
            )
            _apply(stock, -allocation.quantity, from_reserved=allocation.quantity)
            allocation.state = "dispatched"
            allocation.save(update_fields=["state"])
        request.assignments.filter(state="assigned").update(
            state="dispatched", dispatched_at=timezone.now()
        )
        request.calls.filter(state="called").update(state="dispatched")
        request.state = "dispatched"
        request.save()
        record_event(
            "resources.request.dispatched",
            f"物资需求 {request.number} 已出库调运" + (f"({data.note})" if data.note else ""),
            target=request,
        )
    return request


def do_confirm_receipt(*, actor, request, data):
    """签收 of everything still on the road (the whole request at once)."""
    with transaction.atomic():
        request = _transition(actor, request, "received", data.version)
        now = timezone.now()
        request.assignments.filter(state="dispatched").update(state="arrived", arrived_at=now)
        request.allocations.filter(state="dispatched", arrived_at__isnull=True).update(
            arrived_at=now
        )
        request.calls.filter(state="dispatched").update(state="arrived", arrived_at=now)
        request.state = "received"
        request.receipt_note = data.note
        request.save()
        record_event(
            "resources.request.received",
            f"物资需求 {request.number} 已在{request.destination}签收"
            + (f":{data.note}" if data.note else ""),
            target=request,
        )
    return request


def do_cancel_request(*, actor, request, data):
    """Cancel: reservations released. A dispatched request cannot be cancelled (return the
    goods with 归还/入库 movements instead)."""
    with transaction.atomic():
        request = _transition(actor, request, "cancelled", data.version)
        for allocation in request.allocations.filter(state="reserved"):
            Stock.objects.select_for_update().get(pk=allocation.stock_id)
            Stock.objects.filter(pk=allocation.stock_id).update(
                reserved=F("reserved") - allocation.quantity
            )
            allocation.state = "released"
            allocation.save(update_fields=["state"])
        request.assignments.filter(state="assigned").update(
            state="released", returned_at=timezone.now()
        )
        _release_calls(request)
        request.state = "cancelled"
        request.save()
        record_event(
            "resources.request.cancelled",
            f"取消物资需求 {request.number}" + (f":{data.note}" if data.note else ""),
            target=request,
        )
    return request


def _release_calls(request) -> None:
    """Give the call-offs of a request not yet dispatched back to their agreement lines."""
    from .models import AgreementLine

    for call in request.calls.filter(state="called").order_by("line_id"):
        AgreementLine.objects.select_for_update().get(pk=call.line_id)
        AgreementLine.objects.filter(pk=call.line_id).update(called=F("called") - call.quantity)
        call.state = "released"
        call.save(update_fields=["state"])


def en_route(request) -> dict:
    """What of a dispatched request is still on the road: allocations (出库, not arrived),
    call-offs (在途) and teams/equipment (已出发)."""
    return {
        "allocations": list(
            request.allocations.filter(state="dispatched", arrived_at__isnull=True)
            .select_related("stock__site", "stock__item")
            .order_by("pk")
        ),
        "calls": list(
            request.calls.filter(state="dispatched")
            .select_related("agreement", "line__item")
            .order_by("pk")
        ),
        "assignments": list(
            request.assignments.filter(state="dispatched")
            .select_related("team", "equipment")
            .order_by("pk")
        ),
    }


def do_confirm_arrival(*, actor, request, data):
    """到达 of some of a dispatched request's lines (partial arrivals): the chosen allocations,
    call-offs and teams/equipment are marked arrived now; when nothing is left on the road the
    request becomes 已签收. Lines already arrived, or not this request's, are refused."""
    if not (data.allocations or data.calls or data.assignments):
        raise ValidationFailed("请选择已到达的物资、协议储备或队伍装备。")
    with transaction.atomic():
        request = _transition(actor, request, "received", data.version)
        now = timezone.now()
        names = []
        for model_set, ids, extra in (
            (request.allocations, data.allocations, {"state": "dispatched"}),
            (request.calls, data.calls, {"state": "dispatched"}),
            (request.assignments, data.assignments, {"state": "dispatched"}),
        ):
            if not ids:
                continue
            rows = list(model_set.filter(pk__in=ids, **extra).select_for_update())
            if model_set is request.allocations:
                rows = [r for r in rows if r.arrived_at is None]
            if len(rows) != len(set(ids)):
                raise ValidationFailed(
                    "所选明细不属于本需求或已登记到达,请刷新页面后重试。", code="not_en_route"
                )
            names += [_arrival_label(r) for r in rows]
            if model_set is request.allocations:
                model_set.filter(pk__in=ids).update(arrived_at=now)
            else:
                model_set.filter(pk__in=ids).update(state="arrived", arrived_at=now)
        left = en_route(request)
        complete = not any(left.values())
        if complete:
            request.state = "received"
            request.receipt_note = data.note
        request.save()
        record_event(
            "resources.request.arrived",
            f"物资需求 {request.number} 到达:{'、'.join(names)}"
            + (",全部到达,已签收" if complete else ",其余在途")
            + (f"({data.note})" if data.note else ""),
            target=request,
            complete=complete,
        )
    return request


def _arrival_label(row) -> str:
    from .models import AgreementCall, Allocation

    if isinstance(row, Allocation):
        return f"{row.stock.site.name} {row.stock.item.name} {row.quantity} {row.stock.item.unit}"
    if isinstance(row, AgreementCall):
        item = row.line.item
        return f"{row.agreement.partner}(协议) {item.name} {row.quantity} {item.unit}"
    return str(row.unit)


# --- in-transit positions (在途) -------------------------------------------------------------


def do_report_position(*, actor, request, data, via_api: bool = False):
    """A position of a dispatch on the road: lon/lat (converted to WGS84), the time of the
    fix (not in the future), the vehicle or team. Only while the request is 已调运; by those
    who may ask for or dispatch supplies, within their view of the request."""
    from yingji.core.permissions import allows
    from yingji.standards.coords import convert

    from .models import SupplyRequest, TransitPosition

    if not (allows(actor, "resources.request") or allows(actor, "resources.approve")):
        raise NotPermitted("您无权上报在途位置。")
    if not restrict(SupplyRequest.objects.filter(pk=request.pk), actor, "view").exists():
        raise NotPermitted("您无权办理该需求。")
    lon, lat = data.lon, data.lat
    if data.crs != "wgs84":
        lon, lat = convert(lon, lat, data.crs, "wgs84")
    when = _when(data.reported_at)
    with transaction.atomic():
        request = locked(SupplyRequest, request.pk)
        if request.state != "dispatched":
            raise ValidationFailed(
                f"需求 {request.number} 当前为“{request.get_state_display()}”,出库调运后、签收前才能上报在途位置。",
                code="not_in_transit",
            )
        position = TransitPosition.objects.create(
            request=request,
            carrier=data.carrier,
            lon=round(lon, 6),
            lat=round(lat, 6),
            reported_at=when,
            note=data.note,
            via_api=via_api,
            actor=actor,
        )
        record_event(
            "resources.request.position",
            f"物资需求 {request.number} 在途位置:{position.lon:.5f}, {position.lat:.5f}"
            + (f"({data.carrier})" if data.carrier else "")
            + (" [接口上报]" if via_api else ""),
            target=request,
            position=position.pk,
        )
    return position


# --- teams and equipment in a request (调派) ------------------------------------------------


def force_candidates(request) -> list:
    """The teams (战备状态 随时待命) and equipment (完好) of the categories asked for that no
    other request holds: the allocation's input. Not restricted: the approver sends from the
    whole city's forces."""
    from .allocation import Unit
    from .choices import ASSIGNMENT_ACTIVE
    from .models import Equipment, Team

    wanted = {"team": set(), "equipment": set()}
    for line in request.force_lines.all():
        wanted[line.kind].add(line.category)
    units = []
    if wanted["team"]:
        teams = Team.objects.filter(specialty__in=wanted["team"], readiness="ready").exclude(
            assignments__state__in=ASSIGNMENT_ACTIVE
        )
        units += [Unit(t.pk, "team", t.specialty, t.lon, t.lat) for t in teams]
    if wanted["equipment"]:
        items = Equipment.objects.filter(category__in=wanted["equipment"], status="good").exclude(
            assignments__state__in=ASSIGNMENT_ACTIVE
        )
        units += [Unit(e.pk, "equipment", e.category, e.lon, e.lat) for e in items]
    return units


def force_proposal_for(request):
    from .allocation import propose_units

    demand = {(f.kind, f.category): f.count for f in request.force_lines.all()}
    if not demand:
        from .allocation import UnitProposal

        return UnitProposal()
    return propose_units(demand, force_candidates(request), lon=request.lon, lat=request.lat)


def force_label(kind: str, category: str) -> str:
    from .choices import EQUIPMENT_CATEGORIES, SPECIALTIES

    labels = dict(SPECIALTIES if kind == "team" else EQUIPMENT_CATEGORIES)
    return f"{labels.get(category, category)}{'队伍' if kind == 'team' else '装备'}"


def _assign_forces(request) -> list:
    """Assign the nearest available teams and equipment (inside the approval's transaction):
    the chosen rows are locked (FOR UPDATE; SQLite serialises writers) and checked again; the
    partial unique indexes (resources_team_taken_once …) are the last guard."""
    from django.db import IntegrityError

    from .choices import ASSIGNMENT_ACTIVE
    from .models import Equipment, ForceAssignment, Team

    proposal = force_proposal_for(request)
    if not proposal.complete:
        short = "、".join(
            f"{force_label(k, c)}缺 {n} {'支' if k == 'team' else '台(套)'}"
            for (k, c), n in proposal.shortfall.items()
        )
        raise ValidationFailed(
            f"可调派的队伍装备不足:{short}。未审批。", code="insufficient_forces"
        )
    models = {"team": Team, "equipment": Equipment}
    now = timezone.now()
    assigned = []
    for kind, model in models.items():
        legs = [leg for leg in proposal.legs if leg.kind == kind]
        if not legs:
            continue
        rows = model.objects.select_for_update().in_bulk([leg.pk for leg in legs])
        taken = ForceAssignment.objects.filter(
            **{f"{kind}__in": list(rows)}, state__in=ASSIGNMENT_ACTIVE
        ).select_related(kind)
        for other in taken:
            raise ConflictError(f"“{other.unit}”刚被其他需求调派,请重新审批。")
        for leg in legs:
            try:
                with transaction.atomic():
                    assigned.append(
                        ForceAssignment.objects.create(
                            request=request,
                            **{kind: rows[leg.pk]},
                            category=leg.category,
                            distance_km=leg.distance_km,
                            eta_hours=leg.eta_hours,
                            assigned_at=now,
                        )
                    )
            except IntegrityError as exc:
                raise ConflictError(f"“{rows[leg.pk]}”刚被其他需求调派,请重新审批。") from exc
    return assigned


def _returnable(actor, request):
    """Returns are recorded by the city sections (who approved and dispatched) after dispatch."""
    from .models import SupplyRequest

    check_rule(actor, "resources.approve")
    if not restrict(SupplyRequest.objects.filter(pk=request.pk), actor, "view").exists():
        raise NotPermitted("您无权办理该需求。")
    if request.state not in ("dispatched", "received"):
        raise ValidationFailed(
            f"需求 {request.number} 当前为“{request.get_state_display()}”,出库调运后才能办理归还。"
        )


def do_return_supplies(*, actor, request, data):
    """归还 of reusable items (帐篷, 冲锋舟 …) dispatched with a request, to the site they came
    from: the returned and the damaged/lost units come back with one 归还 movement (document =
    the request number), the damaged/lost ones then leave again with one 报废 movement — the
    ledger shows both, the balance gains only what is usable. Never more than went out."""
    from .models import Allocation

    _returnable(actor, request)
    with transaction.atomic():
        allocation = (
            Allocation.objects.select_for_update()
            .select_related("stock__site", "stock__item")
            .filter(pk=data.allocation, request=request)
            .first()
        )
        if allocation is None or allocation.state != "dispatched":
            raise ValidationFailed(
                "该需求没有这条已出库的调运分配。", details={"field": "allocation"}
            )
        item, site = allocation.stock.item, allocation.stock.site
        if not item.reusable:
            raise ValidationFailed(
                f"{item.name}为消耗性物资,不办理归还。", details={"field": "allocation"}
            )
        left = allocation.quantity - allocation.returned - allocation.scrapped
        back = data.returned + data.scrapped
        if back > left:
            raise ValidationFailed(
                f"“{site}”调出的{item.name}尚未归还 {left} {item.unit},"
                f"不能登记 {back} {item.unit}。未登记。",
                details={"field": "returned", "outstanding": left},
            )
        changed = Allocation.objects.filter(
            pk=allocation.pk, quantity__gte=F("returned") + F("scrapped") + back
        ).update(returned=F("returned") + data.returned, scrapped=F("scrapped") + data.scrapped)
        if not changed:
            raise ConflictError("归还数量已被他人变动,请刷新后重试。")
        stock = _locked_stock(site, item)
        first_out = (
            Movement.objects.filter(stock=stock, document_no=request.number, kind="out")
            .order_by("pk")
            .first()
        )
        batch = first_out.batch if first_out else ""
        expires = first_out.expires_on if first_out else None
        when = timezone.now()
        fields = {"document_no": request.number, "counterparty": request.destination}
        lines = _lines(
            stock,
            "return",
            [(batch, expires, back)],
            1,
            actor=actor,
            when=when,
            data_fields={**fields, "reason": f"需求 {request.number} 归还:{data.reason}"},
        )
        _apply(stock, back)
        if data.scrapped:
            legs = _take(stock, data.scrapped, batch)
            lines += _lines(
                stock,
                "scrap",
                legs,
                -1,
                actor=actor,
                when=when,
                data_fields={**fields, "reason": f"需求 {request.number} 损坏/丢失:{data.reason}"},
            )
            _apply(stock, -data.scrapped)
        record_event(
            "resources.request.returned",
            f"需求 {request.number} 归还“{site}”{item.name}:完好 {data.returned}、"
            f"损坏/丢失报废 {data.scrapped} {item.unit}({data.reason}),"
            f"尚未归还 {left - back} {item.unit}",
            target=request,
            allocation=allocation.pk,
            movements=[m.pk for m in lines],
        )
    return request


def do_return_force(*, actor, request, data):
    """A team back (归队) or an item of equipment returned: the assignment ends and the unit is
    available again. Equipment that comes back damaged gets a maintenance record (检测 → 维修)
    and is not available until repaired; lost or destroyed equipment is 报废 (its ledger
    ends)."""
    from .choices import RETURN_CONDITIONS
    from .maintenance import next_due
    from .models import Equipment, ForceAssignment, MaintenanceRecord

    _returnable(actor, request)
    with transaction.atomic():
        assignment = (
            ForceAssignment.objects.select_for_update()
            .filter(pk=data.assignment, request=request)
            .first()
        )
        if assignment is None or assignment.state not in ("dispatched", "arrived"):
            raise ValidationFailed(
                "该需求没有这条在外的队伍/装备调派。", details={"field": "assignment"}
            )
        if assignment.team_id and data.condition != "good":
            raise ValidationFailed(
                "队伍归队不登记损坏;队伍装备的损坏请在装备台账登记。",
                details={"field": "condition"},
            )
        today = timezone.localdate()
        assignment.state, assignment.returned_at = "returned", timezone.now()
        assignment.return_condition, assignment.return_note = data.condition, data.note
        assignment.save()
        condition = dict(RETURN_CONDITIONS)
        if assignment.equipment_id and data.condition != "good":
            item = locked(Equipment, assignment.equipment_id)
            status = data.condition
            due = None if status == "scrapped" else next_due(today, item.interval_days)
            item.status, item.next_due_on, item.last_maintained_on = status, due, today
            item.save()
            MaintenanceRecord.objects.create(
                equipment=item,
                kind="scrap" if status == "scrapped" else "inspect",
                performed_on=today,
                description=f"需求 {request.number} 归还:{condition[data.condition]}"
                + (f",{data.note}" if data.note else ""),
                status_after=status,
                next_due_on=due,
                actor=actor,
            )
        verb = "归队" if assignment.team_id else "归还"
        record_event(
            "resources.request.force_returned",
            f"需求 {request.number}:“{assignment.unit}”{verb}({condition[data.condition]})"
            + (f",{data.note}" if data.note else ""),
            target=request,
            assignment=assignment.pk,
        )
    return request


# --- 物资联动 (T39) --------------------------------------------------------------------------


def do_call_partner(*, actor, request, data):
    """Ask a linkage partner for what the city's reserves cannot cover (recorded on the
    request's timeline)."""
    from .models import LinkageCall, LinkagePartner, SupplyRequest

    check_rule(actor, "resources.approve")
    if not restrict(SupplyRequest.objects.filter(pk=request.pk), actor, "view").exists():
        raise NotPermitted("您无权办理该需求。")
    if request.state == "cancelled":
        raise ValidationFailed(f"需求 {request.number} 已取消。")
    partner = LinkagePartner.objects.filter(pk=data.partner, active=True).first()
    if partner is None:
        raise ValidationFailed("联动单位不存在或已停用。", details={"field": "partner"})
    with transaction.atomic():
        call = LinkageCall.objects.create(
            request=request,
            partner=partner,
            content=data.content,
            asked_at=timezone.now(),
            actor=actor,
        )
        record_event(
            "resources.request.linkage",
            f"需求 {request.number} 请求“{partner}”联动保障:{data.content}",
            target=request,
            partner=partner.pk,
            call=call.pk,
        )
    return call


PARTNER_FIELDS = ("name", "contact", "phone", "duty_phone", "provides", "sort")


def _partner_items(codes: list[str]) -> list[Item]:
    found = {i.code: i for i in Item.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(
            f"物资目录中没有编码为“{missing[0]}”的物资。", details={"field": "items"}
        )
    return list(found.values())


def do_register_partner(*, actor, data):
    from .models import LinkagePartner

    check_rule(actor, "resources.partners")
    _unique(LinkagePartner, "name", data.name, "联动单位")
    items = _partner_items(data.items)
    with transaction.atomic():
        partner = LinkagePartner.objects.create(**data.model_dump(include=set(PARTNER_FIELDS)))
        partner.items.set(items)
        record_event("resources.partner.registered", f"登记物资联动单位“{partner}”", target=partner)
    return partner


def do_update_partner(*, actor, partner, data):
    from .models import LinkagePartner

    check_rule(actor, "resources.partners")
    if LinkagePartner.objects.filter(name=data.name).exclude(pk=partner.pk).exists():
        raise ValidationFailed(f"联动单位“{data.name}”已存在。", details={"field": "name"})
    items = _partner_items(data.items)
    values = data.model_dump(include=set(PARTNER_FIELDS))
    with transaction.atomic():
        partner = locked(LinkagePartner, partner.pk, expected_version=data.version)
        changed = _changed(partner, values)
        if {i.pk for i in items} != set(partner.items.values_list("pk", flat=True)):
            changed.append("items")
        for key, value in values.items():
            setattr(partner, key, value)
        partner.save()
        partner.items.set(items)
        record_event(
            "resources.partner.updated",
            f"修改物资联动单位“{partner}”:" + ("、".join(changed) or "无变化"),
            target=partner,
            fields=changed,
        )
    return partner
