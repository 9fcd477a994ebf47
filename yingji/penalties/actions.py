"""The case steps as one table: the service each step calls, with its typed input unpacked.
Both the pages (views.py) and the API (api.py) take a step through here, so the two cannot
drift apart."""

from __future__ import annotations

from . import services

STEPS = {
    "extend": lambda u, c, d: services.do_extend_deadline(
        actor=u,
        case=c,
        days=d.days,
        reason=d.reason,
        approver=d.approver,
        approved_on=d.approved_on,
        expected_version=d.version,
    ),
    "officers": lambda u, c, d: services.do_change_case_officers(
        actor=u, case=c, officer_ids=d.officer_ids, reason=d.reason, expected_version=d.version
    ),
    "investigate": lambda u, c, d: services.do_start_investigation(
        actor=u, case=c, officer_ids=d.officer_ids, note=d.note, expected_version=d.version
    ),
    "review": lambda u, c, d: services.do_submit_review(
        actor=u,
        case=c,
        facts=d.facts,
        violated=d.violated,
        basis=d.basis,
        major_asserted=d.major_asserted,
        major_reason=d.major_reason,
        expected_version=d.version,
    ),
    "notify": lambda u, c, d: services.do_notify(
        actor=u,
        case=c,
        kinds=d.kinds,
        fine=d.fine,
        confiscation=d.confiscation,
        text=d.text,
        notice_served_on=d.notice_served_on,
        expected_version=d.version,
    ),
    "statement": lambda u, c, d: services.do_record_statement(
        actor=u,
        case=c,
        text=d.text,
        stated_on=d.stated_on,
        waived=d.waived,
        adopted=d.adopted,
        expected_version=d.version,
    ),
    "request_hearing": lambda u, c, d: services.do_request_hearing(
        actor=u, case=c, requested_on=d.requested_on, expected_version=d.version
    ),
    "hearing": lambda u, c, d: services.do_record_hearing(
        actor=u,
        case=c,
        hearing_on=d.hearing_on,
        host=d.host,
        record=d.record,
        expected_version=d.version,
    ),
    "submit_legal_review": lambda u, c, d: services.do_submit_legal_review(
        actor=u, case=c, expected_version=d.version
    ),
    "pass_legal_review": lambda u, c, d: services.do_pass_legal_review(
        actor=u, case=c, opinion=d.opinion, expected_version=d.version
    ),
    "return_legal_review": lambda u, c, d: services.do_return_legal_review(
        actor=u, case=c, opinion=d.opinion, expected_version=d.version
    ),
    "submit_approval": lambda u, c, d: services.do_submit_approval(
        actor=u, case=c, expected_version=d.version
    ),
    "approval": lambda u, c, d: services.do_record_approval(
        actor=u,
        case=c,
        mode=d.mode,
        approver=d.approver,
        approved_on=d.approved_on,
        meeting_record=d.meeting_record,
        expected_version=d.version,
    ),
    "decide": lambda u, c, d: services.do_decide(
        actor=u,
        case=c,
        kinds=d.kinds,
        fine=d.fine,
        confiscation=d.confiscation,
        text=d.text,
        decision_number=d.decision_number,
        decided_on=d.decided_on,
        expected_version=d.version,
    ),
    "no_penalty": lambda u, c, d: services.do_decide_no_penalty(
        actor=u, case=c, reason=d.reason, decided_on=d.decided_on, expected_version=d.version
    ),
    "enforce": lambda u, c, d: services.do_apply_enforcement(
        actor=u, case=c, applied_on=d.applied_on, court=d.court, expected_version=d.version
    ),
    "execute": lambda u, c, d: services.do_record_execution(
        actor=u,
        case=c,
        executed_on=d.executed_on,
        paid_amount=d.paid_amount,
        note=d.note,
        expected_version=d.version,
    ),
    "close": lambda u, c, d: services.do_close_case(
        actor=u, case=c, closed_on=d.closed_on, expected_version=d.version
    ),
    "withdraw": lambda u, c, d: services.do_withdraw_case(
        actor=u, case=c, reason=d.reason, approver=d.approver, expected_version=d.version
    ),
    "publish": lambda u, c, d: services.do_publish_case(
        actor=u, case=c, expected_version=d.version
    ),
}
