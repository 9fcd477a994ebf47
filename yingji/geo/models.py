"""Regions: the GB/T 2260 tree under the configured city, plus functional zones."""

import json

from django.db import models
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel, PathTreeMixin


class Region(PathTreeMixin, AuditedModel):
    LEVELS = [
        ("province", _("省")),
        ("city", _("市")),
        ("county", _("县区")),
        ("township", _("乡镇街道")),
        ("village", _("村社区")),
    ]
    CODE_SYSTEMS = [
        ("gbt2260", _("GB/T 2260 行政区划代码")),
        ("nbs", _("国家统计局统计用区划代码")),
        ("internal", _("平台内部代码")),
    ]
    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    level = models.CharField(_("层级"), max_length=10, choices=LEVELS)
    code_system = models.CharField(_("代码体系"), max_length=10, choices=CODE_SYSTEMS)
    is_functional_zone = models.BooleanField(_("功能区"), default=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes, e.g. "/620100/620104/620104001/": subtree = path prefix.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # The boundary lives in its own table (RegionBoundary, reached as ``region.boundary``): a county
    # polygon is ~34 KB, and a row that every select_related("region") reads must stay small.
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    @cached_property
    def geometry(self) -> dict | None:
        """The boundary as a GeoJSON geometry dict (None if the region has none)."""
        row = self.boundary
        return json.loads(row.geojson) if row is not None else None

    @staticmethod
    def encode_geometry(geometry: dict) -> str:
        return json.dumps(geometry, ensure_ascii=False, separators=(",", ":"))

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("geo:detail", args=[self.code])

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)

    @property
    def county(self) -> "Region | None":
        """The county-level ancestor (or self)."""
        node = self
        while node is not None and node.level not in ("county",):
            node = node.parent
        return node


class _BoundaryDescriptor(ReverseOneToOneDescriptor):
    """``region.boundary`` is the RegionBoundary, or None when the region has none."""

    def __get__(self, instance, cls=None):
        try:
            return super().__get__(instance, cls)
        except self.RelatedObjectDoesNotExist:
            return None


class BoundaryField(models.OneToOneField):
    related_accessor_class = _BoundaryDescriptor


class RegionBoundary(models.Model):
    """A region's boundary (GeoJSON geometry as text, WGS84), one row per region that has one.

    Kept out of the Region row on purpose: joins to a region (every scoped record has one) never
    read it; ``Region.geometry`` decodes it when a boundary is really needed."""

    region = BoundaryField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="boundary"
    )
    geojson = models.TextField(_("边界(GeoJSON,WGS84)"))

    class Meta:
        verbose_name = _("行政区划边界")
        verbose_name_plural = _("行政区划边界")

    def __str__(self):
        return str(self.region_id)
