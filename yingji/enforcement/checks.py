"""What 执法 adds to other modules' state changes, through ``core.hooks.Precondition`` (they do
not import this app): an inspection is 完成 only with at least two officers named on it, each
certified (在岗, 执法证 valid) on the inspection's day and none with a declared conflict with
the enterprise, all of the inspecting bureau — 《行政处罚法》(2021) 第四十二条 (两名以上具有行政执法资格的执法人员) and
第四十三条 (回避)."""

from __future__ import annotations

from yingji.core.errors import ValidationFailed

from .selectors import check_officers, team_of


def team(inspection) -> dict[str, str]:
    """The problem with the inspection's team (key "officers"), or nothing."""
    ids = list(team_of(inspection.pk).values_list("pk", flat=True))
    try:
        check_officers(
            ids,
            inspection.inspected_on,
            enterprise_id=inspection.enterprise_id,
            authority=inspection.authority,
        )
    except ValidationFailed as exc:
        where = "请在检查的“执法记录”中指派持证执法人员。"
        return {"officers": f"{exc.message}{where if len(ids) < 2 else ''}"}
    return {}
