"""CAP import from intranet URLs polled on a schedule (``WARNINGS_CAP_URLS``): each URL answers
either one CAP 1.2 message or an Atom/RSS feed whose entries link to CAP messages (the
meteorological and hydrological services publish both ways). Every message goes through the
same service as the upload and the watched folder (services.do_import_cap: the XSD, no DTD or
entities, deduplicated by identifier, Update/Cancel applied to what they reference), under the
name of ``WARNINGS_CAP_INBOX_USER``.

Only the configured hosts are contacted: a feed's link to another host is refused, redirects
are not followed, no proxy from the environment is used; each fetch has a timeout
(``WARNINGS_HTTP_TIMEOUT``) and a size limit (standards.cap.MAX_BYTES, 1 MB); at most
``MAX_ENTRIES`` messages per feed and poll. Run by ``yingji warnings-poll-cap`` (cron, every
minute) and the daily jobs."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from yingji.core.errors import ConflictError, DomainError
from yingji.standards.cap import MAX_BYTES

MAX_ENTRIES = 50
CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"


class FetchRefused(Exception):
    """A URL not fetched or not read (host not configured, HTTP error, too large…)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise FetchRefused(f"HTTP {code} 重定向到 {newurl[:200]}:不跟随重定向")


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def configured_urls() -> list[str]:
    value = getattr(settings, "WARNINGS_CAP_URLS", "") or ""
    items = value if isinstance(value, list | tuple) else value.split(",")
    return [u.strip() for u in items if u.strip()]


def allowed_hosts(urls: list[str]) -> set[str]:
    return {urllib.parse.urlsplit(u).netloc.lower() for u in urls}


def fetch(url: str, hosts: set[str]) -> bytes:
    """GET ``url`` if its host is one of ``hosts``; at most MAX_BYTES; no redirects."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
        raise FetchRefused(f"地址 {url[:200]} 不在配置的主机内(WARNINGS_CAP_URLS),未访问")
    timeout = float(getattr(settings, "WARNINGS_HTTP_TIMEOUT", 5))
    request = urllib.request.Request(  # noqa: S310 — scheme and host checked above
        url, headers={"Accept": "application/cap+xml, application/atom+xml, application/xml"}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise FetchRefused(f"{url[:200]} 过大({int(length) // 1000} KB)")
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchRefused(f"{url[:200]} 返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchRefused(f"无法访问 {url[:200]}:{reason}"[:300]) from None
    if len(data) > MAX_BYTES:
        raise FetchRefused(f"{url[:200]} 过大(超过 {MAX_BYTES // 1000} KB)")
    return data


def _root(data: bytes):
    """The root element, parsed safely (no DTD, no entities), or None if not XML."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if b"<!DOCTYPE" in data[:2000].upper() or b"<!ENTITY" in data.upper():
        return None
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        return None


def feed_links(root, base: str) -> list[tuple[str, str]]:
    """(entry id, absolute link) of an Atom feed's entries or an RSS channel's items: the link
    typed as CAP, else the entry's alternate link."""
    out = []
    if root.tag == f"{{{ATOM_NS}}}feed":
        for entry in root.findall(f"{{{ATOM_NS}}}entry"):
            links = entry.findall(f"{{{ATOM_NS}}}link")
            cap = [x for x in links if "cap" in (x.get("type") or "")]
            chosen = (cap or [x for x in links if x.get("rel", "alternate") == "alternate"])[:1]
            ident = (entry.findtext(f"{{{ATOM_NS}}}id") or "").strip()
            out += [(ident, urllib.parse.urljoin(base, x.get("href", ""))) for x in chosen]
    elif root.tag == "rss":
        for item in root.iter("item"):
            link = (item.findtext("link") or "").strip()
            ident = (item.findtext("guid") or "").strip()
            if link:
                out.append((ident, urllib.parse.urljoin(base, link)))
    return out


def _import(data: bytes, actor, source: str, out: dict) -> None:
    from .services import do_import_cap

    try:
        warning = do_import_cap(actor=actor, data=data)
    except ConflictError as exc:
        if exc.code == "duplicate":
            out["duplicates"] += 1
            return
        out["refused"].append({"url": source, "reason": exc.message})
    except DomainError as exc:
        out["refused"].append({"url": source, "reason": exc.message})
    else:
        out["imported"].append({"url": source, "warning": warning.pk})


def poll(actor, urls: list[str] | None = None) -> dict:
    """Fetch every configured URL once and import what is new. Never raises for one URL: each
    refusal is listed with its reason."""
    from .models import Warning

    urls = configured_urls() if urls is None else urls
    hosts = allowed_hosts(urls)
    out: dict = {"imported": [], "duplicates": 0, "refused": [], "fetched": 0}
    for url in urls:
        try:
            data = fetch(url, hosts)
        except FetchRefused as exc:
            out["refused"].append({"url": url, "reason": str(exc)})
            continue
        out["fetched"] += 1
        root = _root(data)
        if root is not None and root.tag in (f"{{{ATOM_NS}}}feed", "rss"):
            entries = feed_links(root, url)[:MAX_ENTRIES]
            known = set(
                Warning.objects.filter(
                    external_identifier__in=[i for i, _link in entries if i]
                ).values_list("external_identifier", flat=True)
            )
            for ident, link in entries:
                if ident and ident in known:
                    out["duplicates"] += 1  # the entry id is the CAP identifier: not fetched
                    continue
                try:
                    message = fetch(link, hosts)
                except FetchRefused as exc:
                    out["refused"].append({"url": link, "reason": str(exc)})
                    continue
                out["fetched"] += 1
                _import(message, actor, link, out)
        else:
            # one CAP message (or something else: do_import_cap says what is wrong with it)
            _import(data, actor, url, out)
    return out
