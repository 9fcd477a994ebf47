"""地震烈度快速估算: the page and the API, a worked Ms 6.0 near 榆中 (digest §10.4)."""

import pytest

pytestmark = pytest.mark.django_db

YUZHONG = {"lon": "104.11", "lat": "35.85", "magnitude": "6.0", "depth": "10"}


def test_ms6_near_yuzhong_hits_yuzhong_hardest(as_user):
    client = as_user("leader")
    rows = client.get("/api/v1/disasters/quake-estimate", YUZHONG).json()
    # the epicentre lies in 榆中县: R = 0 there, I0 = 6.458 + 1.2746·6 − 4.4709·lg 25 ≈ 7.9
    assert rows[0]["name"] == "榆中县" and rows[0]["distance_km"] == 0
    assert rows[0]["upper"] == pytest.approx(7.9, abs=0.05) and rows[0]["degree"] == 8
    assert len(rows) >= 8
    assert all(r["upper"] >= r["lower"] for r in rows)  # unknown strike: bounds
    degrees = [r["upper"] for r in rows]
    assert degrees == sorted(degrees, reverse=True)
    far = next(r for r in rows if r["name"] == "红古区")
    assert far["distance_km"] > 60 and far["degree"] <= 5
    strike = client.get("/api/v1/disasters/quake-estimate", YUZHONG | {"strike": "120"}).json()
    assert all(r["upper"] == r["lower"] for r in strike)


def test_page_lists_and_maps(as_user):
    page = as_user("section").get("/disasters/quake/", YUZHONG)
    html = page.content.decode()
    assert page.status_code == 200 and "榆中县" in html and 'id="quake-data"' in html
    bad = as_user("section").get("/disasters/quake/", YUZHONG | {"magnitude": "12"})
    assert bad.status_code == 200 and 'id="quake-data"' not in bad.content.decode()
    assert "震级" in bad.content.decode()
    assert as_user("enterprise").get("/api/v1/disasters/quake-estimate", YUZHONG).status_code == 403
