"""No dead ends (issue #12 C): every link, tab, button and form a persona is shown leads to a
page that persona may open. Each persona walks every page the route discovery of
tests/test_routes.py finds (and none of them shows developer text); every internal ``href`` and ``form action`` on a page it may open
is requested in turn and must answer neither 403 nor 404 (a POST-only action answers 405 to
the GET: that is fine, it was not refused)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.test_routes import PERSONAS, record_samples, routes, sample_for

# "crawl": it walks the pages, not the database; CI runs it on SQLite only (see .ci/run)
pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

TARGET = re.compile(r"""<(a|form)\b[^>]*?\b(href|action)\s*=\s*["']([^"'#]+)["'][^>]*>""", re.I)
# Text for developers and the keepers of the standard tables, never for a user's page.
DEVELOPER_TEXT = re.compile(
    r"可信度|上线前|×True|×False|（ALARP）|\(ALARP\)|[0-9] style\b|>(?:gas|fire|flood)<"
)
# The one page where the rules' sources and confidence belong: the administrators' settings.
ADMIN_RULES_PAGE = "/settings/"
LEAVE_OUT = ("/static/", "/media/", "/api/", "/admin/", "/accounts/logout", "/i18n/", "/jsi18n")


def targets(html: str) -> dict[str, str]:
    """path → the first full link to it (one request per page: the rest only filter it)."""
    found = {}
    for _tag, _attr, url in TARGET.findall(html):
        url = url.replace("&amp;", "&")
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(LEAVE_OUT) or "export=" in parts.query:
            continue
        found.setdefault(parts.path, url)
    return found


def pages_for(user) -> list[str]:
    samples = record_samples(user)
    all_routes = routes()
    patterns = {name: pattern for pattern, name in all_routes}
    urls = []
    for pattern, name in all_routes:
        kwargs, _obj = sample_for(pattern, name, samples, patterns, user)
        if kwargs is None:
            continue
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except Exception:  # noqa: BLE001 (a sample that does not fit: test_routes reports it)
            continue
    return urls


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_every_link_and_form_shown_may_be_followed(as_user, persona, persona_name):
    user = persona(persona_name)
    client = as_user(persona_name)
    shown: dict[str, tuple[str, str]] = {}
    developer: list[str] = []
    for url in pages_for(user):
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        html = response.content.decode()
        found = DEVELOPER_TEXT.search(html)
        if found and not (url == ADMIN_RULES_PAGE and persona_name == "city_admin"):
            developer.append(f"{url}: {found.group(0)}")
        for path, target in targets(html).items():
            shown.setdefault(path, (target, url))
    assert shown, "the walk found no links at all"
    dead = []
    for target, page in sorted(shown.values()):
        status = client.get(target).status_code
        if status in (403, 404):
            dead.append(f"{page} → {target}")
    assert not dead, f"{persona_name} is shown links it may not follow:\n" + "\n".join(dead)
    assert not developer, "developer text on a user's page:\n" + "\n".join(developer)
