"""Organisations (a tree), their aliases and named groups, and memberships (user × org × role)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditedModel, PathTreeMixin

from .choices import ORG_KINDS, ROLES


class Organisation(PathTreeMixin, AuditedModel):
    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ORG_KINDS)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("所属/管辖区域"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orgs:detail", args=[self.pk])


class OrgAlias(AuditedModel):
    """Another name an organisation goes by. Unconfirmed aliases resolve but warn (e.g. the
    work points write both 救灾和物资保障科 and 救灾和物资储备科)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=200, unique=True)
    confirmed = models.BooleanField(_("已确认"), default=False)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("机构别名")
        verbose_name_plural = _("机构别名")

    def __str__(self):
        return f"{self.name} → {self.organisation}"


class OrgGroup(AuditedModel):
    """A named, editable set of organisations that documents address together (各监管科室 …)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    members = models.ManyToManyField(Organisation, through="OrgGroupMember", related_name="groups")

    class Meta:
        ordering = ["name"]
        verbose_name = _("机构组")
        verbose_name_plural = _("机构组")

    def __str__(self):
        return self.name


class OrgGroupMember(AuditedModel):
    group = models.ForeignKey(OrgGroup, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        unique_together = [("group", "organisation")]
        verbose_name = _("机构组成员")
        verbose_name_plural = _("机构组成员")

    def __str__(self):
        return f"{self.group}: {self.organisation}"


class Membership(AuditedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=ROLES)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        unique_together = [("user", "organisation", "role")]
        verbose_name = _("成员身份")
        verbose_name_plural = _("成员身份")

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"
