from django.utils.translation import gettext_lazy as _

ORG_KINDS = [
    ("bureau", _("应急管理局")),
    ("section", _("局机关科室")),
    ("unit", _("直属单位")),
    ("rescue", _("救援队伍")),
    ("county_bureau", _("县区应急管理部门")),
    ("department", _("市直部门")),
    ("enterprise", _("生产经营单位")),
]
# Organisations whose existence is not confidential: every signed-in user may see them.
PUBLIC_KINDS = ("bureau", "section", "unit", "rescue", "county_bureau", "department")

ROLES = [
    ("system_admin", _("系统管理员")),
    ("city_leader", _("市局领导")),
    ("city_staff", _("市局科室/单位工作人员")),
    ("county_staff", _("县区应急局工作人员")),
    ("dept_liaison", _("部门联络员")),
    ("enterprise_user", _("企业用户")),
    ("duty_officer", _("值班员")),
]
ROLE_LABELS = dict(ROLES)
# Roles that read the whole city (DESIGN §5).
CITY_WIDE_ROLES = ("city_leader", "city_staff", "duty_officer")
# Roles that only read (市局领导: 全市只读): restrict() grants them nothing but view and export.
READ_ONLY_ROLES = frozenset({"city_leader"})
