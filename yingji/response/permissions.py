"""Who sees and does what in 值班与应急响应 (DESIGN §5).

- events, their reports, level changes, tasks and reviews: the city leadership, city staff and
  the duty officer see every event; county staff see their county's events (by the event's
  region); an organisation that received a command task sees that task and its event; an
  enterprise user sees nothing here;
- intake and reports (接报, 首报/续报/核报…): the duty officer for any county, city staff, and
  county staff in their county; a submitted report is never changed (no "change" on reports);
- the response level is decided by the 带班领导: the city leadership (市局领导) or an
  administrator (rule ``response.decide_level``). This is the one write the otherwise read-only
  leadership makes in the platform, done through the service with a reason and audited;
- command tasks are issued by whoever handles the event, signed and answered by a member of the
  receiving organisation;
- rosters: the city-wide roles read every roster, county staff the bureau's and their county
  bureau's, enterprises none; the duty officer and city
  staff edit the bureau's and every county's, county staff their county bureau's; the shift log
  is written by those who may edit the roster;
- 调班 (swaps): seen by the two people, the city-wide roles and the bureau's roster editors;
  requested by the person on the shift, accepted by the other person, approved by the 带班领导
  (市局领导) or the 应急指挥科 head (a member of LZYJJ-YJZH whose title contains 科长) — rule
  ``response.approve_swap``; the services check who is who;
- 联合值守 members: as their event (added and withdrawn by those who handle the event);
- 信息发布 (T35, one window): a release is seen with its event; a released text is also public
  (anonymous, through ``@public``: state 已发布 only). Drafted by staff who see the event (rule
  ``response.release_draft``), reviewed and released by a member of 政策法规科 or 办公室 (rule
  ``response.release_review``), approved by the 局领导 (rule ``response.release_approve``); the
  services refuse a drafter reviewing or approving their own text;
- 重大活动保障: every non-enterprise user reads them; the duty officer and city staff edit every
  activity, county staff those their own bureau leads (rule ``response.activity_edit``).
"""

from __future__ import annotations

from django.db.models import Q

from yingji.core.permissions import Scope, jurisdiction_q, public, restricts, rule

from .models import (
    Activity,
    ActivityDuty,
    ActivityReport,
    ActivityRisk,
    ActivityTeam,
    ActivityVenue,
    CommandTask,
    DutyShift,
    Event,
    EventHazard,
    EventReport,
    EventType,
    JointDutyMember,
    JointDutyPeriod,
    LevelChange,
    Release,
    ReportEscalation,
    Review,
    ReviewAction,
    ShiftLog,
    ShiftSwap,
)

NOTHING = Q(pk__in=[])
CITY = ("city_leader", "city_staff", "duty_officer")


def event_q(scope: Scope, action: str, prefix: str = "") -> Q:
    """Q over Event (or, with a prefix such as "event__", over a related model)."""
    county = jurisdiction_q(scope, f"{prefix}region__path")
    if action in ("view", "export"):
        if scope.has_role(*CITY):
            return Q()
        tasked = Q(**{f"{prefix}tasks__assignee_id__in": scope.org_ids})
        return county | tasked if scope.org_ids else county
    if action in ("add", "change"):
        if scope.has_role("city_staff", "duty_officer"):
            return Q()
        return county if "county_staff" in scope.roles else NOTHING
    return NOTHING


@restricts(Event)
def restrict_events(qs, scope, action):
    cond = event_q(scope, action)
    if action in ("view", "export") and not scope.has_role(*CITY) and scope.org_ids:
        return qs.filter(pk__in=Event.objects.filter(cond).values("pk"))  # no duplicate rows
    return qs.filter(cond)


def _via_event(qs, scope, action, read_only=False):
    if read_only and action not in ("view", "export"):
        return qs.none()
    inner = restrict_events(Event.objects.all(), scope, action)
    return qs.filter(event__in=inner.values("pk"))


@restricts(EventReport)
def restrict_reports(qs, scope, action):
    return _via_event(qs, scope, action, read_only=True)  # submitted reports never change


@restricts(LevelChange)
def restrict_level_changes(qs, scope, action):
    return _via_event(qs, scope, action, read_only=True)  # written by do_change_response_level


@restricts(Review)
def restrict_reviews(qs, scope, action):
    return _via_event(qs, scope, action)


@restricts(ReviewAction)
def restrict_review_actions(qs, scope, action):
    inner = restrict_events(Event.objects.all(), scope, action)
    if action == "change":  # marking done: the event's handlers and the owner organisation
        return qs.filter(Q(review__event__in=inner.values("pk")) | Q(owner_id__in=scope.org_ids))
    return qs.filter(review__event__in=inner.values("pk"))


@restricts(CommandTask)
def restrict_tasks(qs, scope, action):
    own = Q(assignee_id__in=scope.org_ids)
    if action in ("view", "export"):
        if scope.has_role(*CITY):
            return qs
        return qs.filter(jurisdiction_q(scope, "event__region__path") | own)
    if action == "approve":  # signing and answering: the receiving organisation
        return qs.filter(own)
    inner = restrict_events(Event.objects.all(), scope, action)
    return qs.filter(event__in=inner.values("pk"))


@restricts(EventType)
def restrict_event_types(qs, scope, action):
    if action in ("view", "export"):
        return qs if scope.roles - {"enterprise_user"} else qs.none()
    return qs.none()  # administrators only (restrict() passes them everything)


def _roster_q(scope: Scope, action: str, prefix: str = "") -> Q:
    if action in ("view", "export"):
        if scope.has_role(*CITY):
            return Q()
        if "county_staff" in scope.roles:  # the bureau's roster and their county's
            return Q(**{f"{prefix}organisation__kind": "bureau"}) | jurisdiction_q(
                scope, f"{prefix}organisation__region__path"
            )
        return NOTHING
    if action in ("add", "change"):
        if scope.has_role("city_staff", "duty_officer"):
            return Q(**{f"{prefix}organisation__kind__in": ("bureau", "county_bureau")})
        if "county_staff" in scope.roles:
            return Q(
                **{f"{prefix}organisation_id__in": scope.org_ids},
                **{f"{prefix}organisation__kind": "county_bureau"},
            )
    return NOTHING


@restricts(DutyShift)
def restrict_shifts(qs, scope, action):
    return qs.filter(_roster_q(scope, action))


@restricts(ShiftLog)
def restrict_logs(qs, scope, action):
    return qs.filter(_roster_q(scope, action, "shift__"))


@rule("response.intake")
def can_take_intake(scope: Scope) -> bool:
    return scope.has_role("duty_officer", "city_staff", "county_staff") and not scope.read_only


@rule("response.open")
def can_open(scope: Scope) -> bool:
    return bool(scope.roles - {"enterprise_user"}) or scope.is_admin


@rule("response.decide_level")
def can_decide_level(scope: Scope) -> bool:
    return scope.has_role("city_leader")


@rule("response.roster_edit")
def can_edit_roster(scope: Scope) -> bool:
    return scope.has_role("duty_officer", "city_staff", "county_staff") and not scope.read_only


DUTY_SECTION = "LZYJJ-YJZH"  # 应急指挥科: its head approves swaps


@restricts(ShiftSwap)
def restrict_swaps(qs, scope, action):
    if action not in ("view", "export"):
        return qs.none()  # every change goes through a service that checks the person
    if scope.has_role(*CITY):
        return qs
    mine = Q(requester_id=scope.user_id) | Q(counterpart_id=scope.user_id)
    if "county_staff" in scope.roles:
        mine |= Q(shift__organisation_id__in=scope.org_ids)
    return qs.filter(mine)


@restricts(JointDutyMember)
def restrict_joint_members(qs, scope, action):
    return _via_event(qs, scope, action)


@restricts(JointDutyPeriod)
def restrict_joint_periods(qs, scope, action):
    """A unit's 联合值守 period: seen by whoever sees both the event and that unit's roster;
    opened and closed only by the level decision (a service), never edited."""
    if action not in ("view", "export"):
        return qs.none()
    return _via_event(qs, scope, action).filter(_roster_q(scope, action))


@restricts(ReportEscalation)
def restrict_escalations(qs, scope, action):
    # seen with the event (and by the people notified); written by the escalation job only
    if action not in ("view", "export"):
        return qs.none()
    inner = restrict_events(Event.objects.all(), scope, action)
    if scope.user_id:
        return qs.filter(Q(event__in=inner.values("pk")) | Q(recipients=scope.user_id)).distinct()
    return qs.filter(event__in=inner.values("pk"))


@restricts(EventHazard)
def restrict_event_hazards(qs, scope, action):
    # seen and changed with the event; the hazard side is checked by the link service
    return _via_event(qs, scope, action)


def _activity_q(scope: Scope, action: str, prefix: str = "") -> Q:
    if action in ("view", "export"):
        return Q() if (scope.roles - {"enterprise_user"}) else NOTHING
    if action in ("add", "change"):
        if scope.read_only:
            return NOTHING
        if scope.has_role("city_staff", "duty_officer"):
            return Q()
        if "county_staff" in scope.roles:
            return Q(**{f"{prefix}organiser_id__in": scope.org_ids})
    return NOTHING


@restricts(Activity)
def restrict_activities(qs, scope, action):
    return qs.filter(_activity_q(scope, action))


def _via_activity(qs, scope, action):
    return qs.filter(_activity_q(scope, action, "activity__"))


@restricts(ActivityVenue)
def restrict_activity_venues(qs, scope, action):
    return _via_activity(qs, scope, action)


@restricts(ActivityDuty)
def restrict_activity_duties(qs, scope, action):
    return _via_activity(qs, scope, action)


@restricts(ActivityRisk)
def restrict_activity_risks(qs, scope, action):
    return _via_activity(qs, scope, action)


@restricts(ActivityTeam)
def restrict_activity_teams(qs, scope, action):
    return _via_activity(qs, scope, action)


@restricts(ActivityReport)
def restrict_activity_reports(qs, scope, action):
    return _via_activity(qs, scope, action)


@rule("response.approve_swap")
def can_approve_swap(scope: Scope) -> bool:
    if scope.has_role("city_leader"):
        return True
    if "duty_officer" not in scope.roles and "city_staff" not in scope.roles:
        return False
    from yingji.orgs.models import Membership

    return Membership.objects.filter(
        user_id=scope.user_id,
        organisation__code=DUTY_SECTION,
        title__contains="科长",
        is_active=True,
    ).exists()


@rule("response.activity_edit")
def can_edit_activities(scope: Scope) -> bool:
    return scope.has_role("duty_officer", "city_staff", "county_staff") and not scope.read_only


# --- 信息发布 (T35) ---------------------------------------------------------------------------

RELEASE_WINDOW = ("LZYJJ-ZCFG", "LZYJJ-BGS")  # 政策法规科, 办公室: the one window


@restricts(Release)
@public
def restrict_releases(qs, scope, action):
    if not scope.authenticated:  # the public page: released texts only
        return qs.filter(state="released") if action == "view" else qs.none()
    if action not in ("view", "export", "change"):
        return qs.none()  # review, approval and release are services checking the rules
    return _via_event(qs, scope, action)


@rule("response.release_draft")
def can_draft_release(scope: Scope) -> bool:
    return scope.has_role("duty_officer", "city_staff", "county_staff") and not scope.read_only


@rule("response.release_review")
def can_review_release(scope: Scope) -> bool:
    if scope.read_only or not scope.org_ids:
        return False
    from yingji.orgs.models import Organisation

    return Organisation.objects.filter(pk__in=scope.org_ids, code__in=RELEASE_WINDOW).exists()


@rule("response.release_approve")
def can_approve_release(scope: Scope) -> bool:
    return scope.has_role("city_leader")
