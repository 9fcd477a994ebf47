"""Load the region tree and district boundaries from the bundled files (idempotent)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction
from shapely.geometry import shape

from yingji.core.audit import record_event

from .models import Region, RegionBoundary

DATA_DIR = Path(__file__).parent / "data"
DIVISIONS_CSV = DATA_DIR / "lanzhou-divisions.csv"
BOUNDARIES = DATA_DIR / "lanzhou-districts.wgs84.geojson"
LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4}

# Functional zones the statistical tables do not carry (see data/PROVENANCE.md).
EXTRA_ZONES = [
    {
        "code": "LZ-GXQ",
        "name": "高新区",
        "level": "county",
        "parent_code": "620100",
        "code_system": "internal",
        "is_functional_zone": True,
        "note": "兰州高新技术产业开发区;功能区,平台内部代码,非 GB/T 2260 代码",
    }
]


def read_divisions(path: Path = DIVISIONS_CSV) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            nbs_zone = row["code"].startswith("620171")
            rows.append(
                {
                    "code": row["code"],
                    "name": row["name"],
                    "level": row["level"],
                    "parent_code": row["parent_code"],
                    "code_system": "nbs" if nbs_zone else "gbt2260",
                    "is_functional_zone": row["code"] == "620171",
                    "note": "国家级新区,统计用区划代码 620171,非 GB/T 2260 行政区划"
                    if row["code"] == "620171"
                    else "",
                }
            )
    return rows


@transaction.atomic
def load_regions(root_code: str = "620100") -> dict:
    """Create missing regions, update changed names, attach boundaries. Returns counts."""
    rows = read_divisions() + EXTRA_ZONES
    rows.sort(key=lambda r: (LEVEL_ORDER[r["level"]], r["code"]))
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    for row in rows:
        if row["code"] != root_code and row["parent_code"] not in existing:
            continue  # outside the configured city
        parent = existing.get(row["parent_code"]) if row["code"] != root_code else None
        region = existing.get(row["code"])
        fields = {k: row[k] for k in ("name", "level", "code_system", "is_functional_zone", "note")}
        if region is None:
            region = Region(code=row["code"], parent=parent, **fields)
            region.path = region.compute_path()
            existing[row["code"]] = region
            region._pending = True
            created += 1
        elif any(getattr(region, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(region, k, v)
            region.save()
            updated += 1
    new = [r for r in existing.values() if getattr(r, "_pending", False)]
    # Bulk insert level by level so that parent ids exist; one audit event summarises the load.
    for level in sorted(LEVEL_ORDER, key=LEVEL_ORDER.get):
        batch = [r for r in new if r.level == level]
        for r in batch:
            if r.parent is not None:
                r.parent_id = r.parent.pk
        Region.objects.bulk_create(batch, batch_size=500)
    with_boundary = load_boundaries(existing)
    if created or updated:
        record_event(
            "geo.regions.loaded",
            f"载入行政区划:新增 {created} 个,更新 {updated} 个,边界 {with_boundary} 个",
            created=created,
            updated=updated,
            boundaries=with_boundary,
        )
    from .spatial import reset_locator

    reset_locator()
    return {"created": created, "updated": updated, "boundaries": with_boundary}


def load_boundaries(existing: dict[str, Region]) -> int:
    with open(BOUNDARIES, encoding="utf-8") as fh:
        collection = json.load(fh)
    count = 0
    for feature in collection["features"]:
        region = existing.get(feature["properties"]["adcode"])
        if region is None:
            continue
        geometry = feature["geometry"]
        if region.geometry != geometry:
            centroid = shape(geometry).representative_point()
            RegionBoundary.objects.update_or_create(
                region=region, defaults={"geojson": Region.encode_geometry(geometry)}
            )
            region.__dict__.pop("geometry", None)
            region.centroid_lon, region.centroid_lat = round(centroid.x, 6), round(centroid.y, 6)
            region.save(update_fields=["centroid_lon", "centroid_lat"])
        count += 1
    return count
