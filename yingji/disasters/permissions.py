"""Who sees and does what in 灾情报送 (DESIGN §5).

- processes: the city (leadership, staff, duty officer) sees all; a county sees the processes
  the city opened and its own; city staff open and close any, county staff their county's;
- loss reports: the city sees all; a county its subtree; an information officer with an
  account the reports they filed. City staff report for any region, county staff for their
  subtree, an officer only for the region of their post. Figures never change ("change" is
  nothing); the level above confirms (审核, "approve"): the county confirms its townships' and
  villages' reports, city staff confirm any (in practice the counties');
- the deadline clocks: everyone signed in (but enterprises) reads them, city staff edit them;
- information officers: the city sees all, a county its subtree, an officer their own post;
  city staff and county staff (in their subtree) register and edit them.
- 死亡失踪人员名单: read and written like the reports; the 身份证号 is shown in full only to the
  reporting unit and city staff (``full_details``), masked for everyone else.
- 综合减灾示范社区 (T54): the city sees all, a county its own communities; county staff (and
  city staff) register applications in their scope, the county does the 初审 of its own
  ("approve"), the city alone does the 评审, 命名, 复核 and 撤销 ("change") and records the
  10–12月 督查 visits; a visit is seen by whoever sees its community.
- 救灾资金 and 救灾物资发放: the city sees all, a county the transfers it received or made and
  the supplies given out in it; city staff record any, county staff what reaches their county
  (receipts from 中央/省级 and its own allocations to its townships, supplies within it).
Enterprise users have no part in 灾情报送.
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, restricts, rule

from .models import (
    CasualtyPerson,
    CommunityEvidence,
    CommunityInspection,
    DeadlineSetting,
    DemoCommunity,
    DisasterProcess,
    InfoOfficer,
    LossReport,
    QuakeEstimate,
    ReliefFund,
    ReliefRecord,
    ReliefSupply,
)

NOTHING = Q(pk__in=[])


def _city_staff(scope: Scope) -> bool:
    return "city_staff" in scope.roles


@restricts(DisasterProcess)
def restrict_processes(qs, scope, action):
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        city_led = Q(region__level__in=("province", "city"))
        if "county_staff" in scope.roles:
            return qs.filter(county | city_led)
        counties = _officer_county_paths(scope)
        if counties:
            return qs.filter(city_led | Q(region__path__in=counties))
        return qs.none()
    if action in ("add", "change"):
        if _city_staff(scope):
            return qs
        return qs.filter(county) if "county_staff" in scope.roles else qs.none()
    return qs.none()


def _officer_county_paths(scope: Scope) -> list[str]:
    """The paths of the counties an information officer's posts lie in."""
    if scope.user_id is None:
        return []
    paths = InfoOfficer.objects.filter(user_id=scope.user_id, active=True).values_list(
        "region__path", flat=True
    )
    return sorted({"/".join(p.split("/")[:3]) + "/" for p in paths})


def officer_regions_q(scope: Scope, field: str = "region") -> Q:
    """Rows whose region is the region of one of the user's active officer posts."""
    if scope.user_id is None:
        return NOTHING
    ids = InfoOfficer.objects.filter(user_id=scope.user_id, active=True).values("region_id")
    return Q(**{f"{field}_id__in": ids})


@restricts(LossReport)
def restrict_reports(qs, scope, action):
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(county | Q(submitted_by_id=scope.user_id))
    if action == "add":
        if _city_staff(scope):
            return qs
        return qs.filter(county | officer_regions_q(scope))
    if action == "approve":
        if _city_staff(scope):
            return qs
        if "county_staff" in scope.roles:
            return qs.filter(county & Q(region__level__in=("township", "village")))
    return qs.none()


def may_report_for(scope: Scope, region) -> bool:
    """Whether the user may file a report for ``region`` (the "add" rule of LossReport, asked
    before the figures are checked so that a refusal says the right thing)."""
    if scope.is_admin or (_city_staff(scope) and not scope.read_only):
        return True
    if "county_staff" in scope.roles and any(region.path.startswith(p) for p in scope.region_paths):
        return True
    return (
        scope.user_id is not None
        and InfoOfficer.objects.filter(user_id=scope.user_id, active=True, region=region).exists()
    )


@restricts(CasualtyPerson)
def restrict_casualties(qs, scope, action):
    """死亡失踪人员名单: read like the reports (the city all, a county its subtree, an officer
    their post's region); recorded and changed (new version) by whoever may report there."""
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(county | officer_regions_q(scope))
    if action in ("add", "change"):
        if scope.read_only:
            return qs.none()
        if _city_staff(scope):
            return qs
        return qs.filter(county | officer_regions_q(scope))
    return qs.none()


def full_details(user):
    """``full(person) -> bool``: whether this user sees the person's 身份证号 in full (and, in the
    Word report, the names): the reporting unit (the county of the region, the officer of the
    region) and city staff; leaders and the duty officer see it masked. The officer posts are
    read once, not per row."""
    from yingji.core.permissions import scope_of

    scope = scope_of(user)
    full_all = scope.is_admin or "city_staff" in scope.roles
    paths = scope.region_paths if "county_staff" in scope.roles else ()
    posts = set()
    if scope.user_id is not None and not full_all:
        posts = set(
            InfoOfficer.objects.filter(user_id=scope.user_id, active=True).values_list(
                "region_id", flat=True
            )
        )

    def full(person) -> bool:
        return (
            full_all
            or person.region_id in posts
            or any(person.region.path.startswith(p) for p in paths)
        )

    return full


def id_number_for(user):
    """``show(person) -> str``: the 身份证号 in full or masked (``full_details``)."""
    full = full_details(user)
    return lambda person: person.id_number if full(person) else person.masked_id


@restricts(DeadlineSetting)
def restrict_deadlines(qs, scope, action):
    if action in ("view", "export"):
        return qs if scope.roles - {"enterprise_user"} else qs.none()
    return qs if action == "change" and _city_staff(scope) else qs.none()


@restricts(InfoOfficer)
def restrict_officers(qs, scope, action):
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(county | Q(user_id=scope.user_id))
    if action in ("add", "change"):
        if _city_staff(scope):
            return qs
        return qs.filter(county) if "county_staff" in scope.roles else qs.none()
    return qs.none()


@restricts(ReliefRecord)
def restrict_relief(qs, scope, action):
    """Relief lists name households: the city and the county of the household only."""
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(county)
    if action == "add":
        if _city_staff(scope):
            return qs
        return qs.filter(county) if "county_staff" in scope.roles else qs.none()
    return qs.none()


@restricts(ReliefFund)
def restrict_relief_funds(qs, scope, action):
    mine = jurisdiction_q(scope, "to_region__path")
    if action in ("view", "export"):
        if scope.read_all:
            return qs
        return qs.filter(mine | jurisdiction_q(scope, "from_region__path"))
    if action == "add":
        if _city_staff(scope):
            return qs
        if "county_staff" not in scope.roles:
            return qs.none()
        own_or_upper = Q(from_region__isnull=True) | jurisdiction_q(scope, "from_region__path")
        return qs.filter(mine & own_or_upper)
    return qs.none()


@restricts(ReliefSupply)
def restrict_relief_supplies(qs, scope, action):
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(county)
    if action == "add":
        if _city_staff(scope):
            return qs
        return qs.filter(county) if "county_staff" in scope.roles else qs.none()
    return qs.none()


@rule("disasters.record_relief")
def can_record_relief(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


def is_officer(scope: Scope) -> bool:
    return (
        scope.user_id is not None
        and InfoOfficer.objects.filter(user_id=scope.user_id, active=True).exists()
    )


@rule("disasters.open")
def can_open(scope: Scope) -> bool:
    """The module's pages: the city, the counties and information officers."""
    return scope.has_role("city_leader", "city_staff", "duty_officer", "county_staff") or (
        is_officer(scope)
    )


@rule("disasters.view_coverage")
def can_view_coverage(scope: Scope) -> bool:
    """The officers' coverage (page and map layer): the city and the counties, not a village
    officer (the layer is shared by scope, an officer's view depends on his own posts)."""
    return scope.has_role("city_leader", "city_staff", "duty_officer", "county_staff")


@rule("disasters.manage_processes")
def can_manage_processes(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


@rule("disasters.submit_reports")
def can_submit(scope: Scope) -> bool:
    return (scope.has_role("city_staff", "county_staff") and not scope.read_only) or is_officer(
        scope
    )


@rule("disasters.confirm_reports")
def can_confirm(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


@rule("disasters.manage_officers")
def can_manage_officers(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


@rule("disasters.edit_deadlines")
def can_edit_deadlines(scope: Scope) -> bool:
    return "city_staff" in scope.roles and not scope.read_only


@restricts(DemoCommunity)
def restrict_communities(qs, scope, action):
    county = jurisdiction_q(scope, "region__path")
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(county)
    if scope.read_only:
        return qs.none()
    if action == "add":
        if _city_staff(scope):
            return qs
        return qs.filter(county) if "county_staff" in scope.roles else qs.none()
    if action == "approve":
        return qs.filter(county) if "county_staff" in scope.roles else qs.none()
    if action == "change":
        return qs if _city_staff(scope) else qs.none()
    return qs.none()


@restricts(CommunityInspection)
def restrict_community_inspections(qs, scope, action):
    county = jurisdiction_q(scope, "community__region__path")
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(county)
    if action == "add" and _city_staff(scope) and not scope.read_only:
        return qs
    return qs.none()


@restricts(CommunityEvidence)
def restrict_community_evidence(qs, scope, action):
    """The evidence of a self-assessment: read as its community; written only with the
    application (``add`` on the community: the county, or the city)."""
    county = jurisdiction_q(scope, "community__region__path")
    if action in ("view", "export"):
        return qs if scope.read_all else qs.filter(county)
    if scope.read_only or action not in ("add", "change"):
        return qs.none()
    if _city_staff(scope):
        return qs
    return qs.filter(county) if "county_staff" in scope.roles else qs.none()


@rule("disasters.apply_community")
def can_apply_community(scope: Scope) -> bool:
    return scope.has_role("city_staff", "county_staff") and not scope.read_only


@rule("disasters.review_community_county")
def can_review_community_county(scope: Scope) -> bool:
    return "county_staff" in scope.roles and not scope.read_only


@rule("disasters.review_community_city")
def can_review_community_city(scope: Scope) -> bool:
    """评审、命名、复核、撤销 and the 督查 visits: the city."""
    return "city_staff" in scope.roles and not scope.read_only


def may_see_county(scope: Scope, county) -> bool:
    """Whether a county's township roll-up is open to this user: the whole city, or the
    county's own staff (the roll-up itself counts only the reports the user may see)."""
    return scope.read_all or any(county.path.startswith(p) for p in scope.region_paths)


@restricts(QuakeEstimate)
def restrict_quake_estimates(qs, scope, action):
    """地震烈度估算 cover the whole city: the city and the county bureaus read them; city staff
    and the duty officer record them and start an event from them ("change"). Nothing else."""
    if action in ("view", "export"):
        return (
            qs
            if scope.has_role("city_leader", "city_staff", "duty_officer", "county_staff")
            else qs.none()
        )
    if action in ("add", "change"):
        return qs if can_record_quake(scope) else qs.none()
    return qs.none()


@rule("disasters.record_quake")
def can_record_quake(scope: Scope) -> bool:
    return scope.has_role("city_staff", "duty_officer") and not scope.read_only


@rule("disasters.release_figures")
def can_release_figures(scope: Scope) -> bool:
    """Drafting a 信息发布稿 of a process's confirmed figures: city staff and the duty officer
    (the one-window release is the city's)."""
    return scope.has_role("city_staff", "duty_officer") and not scope.read_only
