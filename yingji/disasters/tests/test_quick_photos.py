"""信息员首报 with 现场照片: images only, checked by core.uploads (a renamed file is refused by its
first bytes), attached to the report; a refused photo writes nothing."""

import struct
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.core.context import actor_context
from yingji.core.models import Attachment
from yingji.disasters.models import DisasterProcess, LossReport

pytestmark = pytest.mark.django_db

VILLAGE = "620104103202"  # 上车村 (no report yet in the demo)


def _png() -> bytes:
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _officer_client():
    from yingji.disasters.schemas import OfficerIn
    from yingji.disasters.services import do_register_officer

    User = get_user_model()
    city = User.objects.get(username="whk_staff")
    with actor_context(city, source="test"):
        user = User.objects.create_user("xxy_photo", first_name="上车村信息员(测试)")
        do_register_officer(
            actor=city,
            data=OfficerIn(
                name="上车村B岗",
                phone="13909318888",
                region=VILLAGE,
                role="B",
                username=user.username,
            ),
        )
    client = Client()
    client.force_login(user)
    return client


def _post(client, *photos):
    process = DisasterProcess.objects.get(name__endswith="暴雨山洪灾害(演示)")
    return client.post(
        "/disasters/quick/",
        {
            "process": process.pk,
            "region": VILLAGE,
            "summary": "沟道山洪冲毁村道,一户院墙倒塌。",
            "affected_people": "30",
            "photos": list(photos),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scene.jpg", b"MZ\x90\x00 not a jpeg", "jpg"),  # a renamed file: its bytes say no
        ("scene.pdf", b"%PDF-1.4\n", "不是照片"),
    ],
)
def test_a_bad_photo_refuses_the_report_and_writes_nothing(name, content, message):
    client = _officer_client()
    before = LossReport.objects.count(), Attachment.objects.count()
    r = _post(client, SimpleUploadedFile(name, content))
    assert r.status_code == 200 and message in r.content.decode()
    assert (LossReport.objects.count(), Attachment.objects.count()) == before


def test_photos_are_attached_to_the_first_report():
    client = _officer_client()
    r = _post(
        client, SimpleUploadedFile("现场1.png", _png()), SimpleUploadedFile("现场2.png", _png())
    )
    report = LossReport.objects.get(region__code=VILLAGE, kind="initial")
    assert r.status_code == 302 and r["Location"] == report.get_absolute_url()
    photos = Attachment.objects.filter(object_id=str(report.pk), content_type__model="lossreport")
    assert photos.count() == 2 and {p.mime_type for p in photos} == {"image/png"}
    assert "现场1.png" in client.get(report.get_absolute_url()).content.decode()
