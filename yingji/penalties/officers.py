"""The adapter to the officer register (yingji.enforcement, another app): the only place this
app asks it anything (and how a 录音录像 file is checked). Naming officers on a step goes through enforcement's check_officers (at
least two distinct officers, each certified on the day, none with a declared conflict with the
party enterprise — 《行政处罚法》第四十二条、第四十三条、第五十五条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from yingji.enforcement import selectors as enforcement
from yingji.enforcement.recordings import check_audio_video


def check(
    officer_ids: Iterable[int],
    on_date: dt.date,
    *,
    enterprise_id: int | None = None,
    authority=None,
):
    """The LawOfficers named, or ValidationFailed with the register's message (one of another
    bureau than ``authority`` refused too)."""
    return enforcement.check_officers(
        officer_ids, on_date, enterprise_id=enterprise_id, authority=authority
    )


def choices(authority_path: str, on_date: dt.date, *, enterprise_id: int | None = None) -> list:
    """Officers of the bureau (its path) certified on the day, for the forms; without those
    who declared a conflict with the party enterprise (回避, 第四十三条)."""
    found = [
        o
        for o in enforcement.certified_officers(on_date)
        if o.organisation.path.startswith(authority_path)
    ]
    if enterprise_id is not None and found:
        conflicted = {
            c.officer_id
            for c in enforcement.active_conflicts([o.pk for o in found], enterprise_id, on_date)
        }
        found = [o for o in found if o.pk not in conflicted]
    return found


def check_recording_file(upload) -> tuple[str, str]:
    """A 录音录像 evidence file checked as the register's 执法全过程记录 are (video through
    core.uploads.validate_video and its own size limit; audio by extension and leading bytes)."""
    return check_audio_video(upload)


def user_ids(officers: Iterable) -> set[int]:
    """The platform accounts of the officers (an officer may have none)."""
    return {o.user_id for o in officers if o.user_id}
