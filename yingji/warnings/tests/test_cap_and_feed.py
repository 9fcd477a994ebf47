"""CAP 1.2 out (Alert, Update, Cancel: checked, references, geocodes, polygon), CAP import
(accepted once, a resend is a duplicate, an Update replaces, invalid XML and XXE refused without
harm) and the public feed without login (only released public warnings)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.standards import cap
from yingji.warnings.capxml import cap_xml
from yingji.warnings.models import Warning

from .helpers import client_for, post, released

pytestmark = pytest.mark.django_db

POLYGON = {
    "type": "Polygon",
    "coordinates": [[[103.60, 36.10], [103.65, 36.10], [103.65, 36.15], [103.60, 36.10]]],
}


def test_cap_of_an_alert_an_update_and_a_cancel():
    first = released(regions=["620104", "620103"])
    Warning.objects.filter(pk=first["id"]).update(polygon=POLYGON)
    alert = cap.parse_alert(
        client_for("duty").get(f"/api/v1/warnings/{first['id']}/cap.xml").content
    )
    assert alert["msgType"] == "Alert" and alert["identifier"] == first["identifier"]
    assert alert["sent"].endswith("+08:00") and not alert["references"]
    info = alert["info"][0]
    assert info["language"] == "zh-CN" and info["severity"] == "Severe"  # 橙 → Severe (data)
    assert info["areas"][0]["geocodes"] == [("GB/T 2260", "620103"), ("GB/T 2260", "620104")]
    assert info["areas"][0]["polygons"][0].startswith("36.100000,103.600000")

    section = client_for("whk_staff")
    new = post(section, f"/api/v1/warnings/{first['id']}/update").json()
    post(section, f"/api/v1/warnings/{new['id']}/submit")
    post(client_for("zhxt_staff"), f"/api/v1/warnings/{new['id']}/approve")
    upd = post(client_for("duty"), f"/api/v1/warnings/{new['id']}/release").json()
    update = cap.parse_alert(cap_xml(Warning.objects.get(pk=upd["id"])))
    assert update["msgType"] == "Update"
    refs = cap.parse_references(update["references"])
    assert refs[0][1] == first["identifier"] and refs[0][0] == "62010000000000"

    post(client_for("duty"), f"/api/v1/warnings/{upd['id']}/cancel", {"reason": "结束"})
    cancel = Warning.objects.get(previous_id=upd["id"], msg_type="Cancel")
    msg = cap.parse_alert(cap_xml(cancel))
    assert (
        msg["msgType"] == "Cancel"
        and cap.parse_references(msg["references"])[0][1] == upd["identifier"]
    )
    assert msg["info"][0]["responseType"] == ["AllClear"]


def test_internal_warning_is_restricted_in_cap_and_absent_from_the_public_feed(client):
    internal = released(scope="internal", headline="内部测试预警信息")
    xml = cap.parse_alert(cap_xml(Warning.objects.get(pk=internal["id"])))
    assert xml["scope"] == "Restricted" and xml["restriction"]
    public = released(headline="公开测试预警信息")
    page = client.get("/warnings/public/").content.decode()
    assert "公开测试预警信息" in page and "内部测试预警信息" not in page
    assert client.get(f"/warnings/public/{internal['identifier']}.xml").status_code == 404
    r = client.get(f"/warnings/public/{public['identifier']}.xml")
    assert r.status_code == 200 and cap.parse_alert(r.content)["identifier"] == public["identifier"]
    atom = client.get("/warnings/public/warnings.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "公开测试预警信息" in atom.content.decode()
    assert "内部测试预警信息" not in atom.content.decode()


def test_drafts_are_not_public(client):
    draft = Warning.objects.filter(state="draft").first()
    assert draft is not None
    assert client.get(f"/api/v1/warnings/{draft.pk}").status_code in (401, 403, 404)
    assert draft.headline not in client.get("/warnings/public/").content.decode()


def _external(identifier, msg_type="Alert", references="", severity="Moderate"):
    return cap.build_alert(
        {
            "identifier": identifier,
            "sender": "62000041600000",
            "sent": "2026-07-01T08:00:00+08:00",
            "status": "Actual",
            "msgType": msg_type,
            "scope": "Public",
            "references": references,
            "info": [
                {
                    "language": "zh-CN",
                    "category": ["Met"],
                    "event": "暴雨",
                    "urgency": "Expected",
                    "severity": severity,
                    "certainty": "Likely",
                    "headline": "兰州中心气象台发布暴雨预警",
                    "description": "未来6小时有强降雨。",
                    "effective": "2026-07-01T08:00:00+08:00",
                    "expires": "2099-07-02T08:00:00+08:00",
                    "areas": [{"areaDesc": "西固区", "geocodes": [("GB/T 2260", "620104")]}],
                }
            ],
        }
    )


def _upload(client, data: bytes):
    return client.post(
        "/api/v1/warnings/cap",
        {"file": SimpleUploadedFile("alert.xml", data, content_type="application/xml")},
    )


def test_cap_import_once_duplicate_refused_and_update_replaces():
    duty = client_for("duty")
    ident = "62000041600000_20260701080000"
    r = _upload(duty, _external(ident))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["origin"] == "cap" and body["state"] == "draft" and body["level"] == "yellow"
    assert body["external_identifier"] == ident and body["regions"] == ["620104"]
    again = _upload(duty, _external(ident))
    assert again.status_code == 409 and "重复" in again.json()["message"]
    assert Warning.objects.filter(external_identifier=ident).count() == 1
    ref = f"62000041600000,{ident},2026-07-01T08:00:00+08:00"
    r = _upload(duty, _external(ident + "_1", "Update", ref, severity="Severe"))
    assert r.status_code == 201 and r.json()["level"] == "orange"
    assert Warning.objects.get(external_identifier=ident).state == "updated"


XXE = b"""<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>"""


@pytest.mark.parametrize(
    "data, reason",
    [
        (XXE, "DOCTYPE"),
        (b"<alert>", "不是格式正确的 XML"),
        (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>", "缺少 identifier"),
    ],
)
def test_cap_import_refuses_invalid_and_hostile_xml(data, reason):
    before = Warning.objects.count()
    r = _upload(client_for("duty"), data)
    assert r.status_code == 422 and reason in r.json()["message"]
    assert "root:" not in r.content.decode()
    assert Warning.objects.count() == before


def test_cap_import_needs_the_right():
    r = _upload(client_for("xigu_staff"), _external("62000041600000_20260701090000"))
    assert r.status_code == 403
