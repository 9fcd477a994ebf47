"""Regions: the GB/T 2260 tree under the configured city, plus functional zones."""

import json

from django.db import models
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
    # The GeoJSON geometry as text: decoded only when a boundary is needed (Region.geometry),
    # not on every select_related("region") — county polygons are large.
    boundary = models.TextField(_("边界(GeoJSON,WGS84)"), null=True, blank=True)  # noqa: DJ001 (null = none)
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
        return json.loads(self.boundary) if self.boundary else None

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
