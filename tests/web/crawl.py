"""Follow every link and submit every form a page offers, with Django's test client: anchors and
link tags, forms (GET ones with their fields' values, POST ones with their fields and the CSRF
token), and `data-` attributes that hold a URL of the site. Static files are left out (they are
the same for every session, and served by the ASGI handler, not Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

SKIPPED = ("/static/",)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("a", "link", "area") and values.get("href"):
            self.urls.append(values["href"])
        for name, value in values.items():
            if name.startswith("data-") and value.startswith(("/", "?")):
                self.urls.append(value)
        if tag == "form":
            self.forms.append(Form(values.get("action", ""), values.get("method", "get").lower()))
        elif tag in ("input", "textarea") and self.forms and values.get("name"):
            kind = values.get("type", "text")
            if kind not in ("submit", "button") and (kind != "checkbox" or "checked" in values):
                self.forms[-1].fields[values["name"]] = values.get("value", "")
        elif tag == "select" and self.forms:
            self._select = values.get("name")
        elif tag == "option" and self._select and self.forms:
            chosen = self.forms[-1].fields
            if self._select not in chosen or "selected" in values:
                chosen[self._select] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@dataclass
class Visit:
    method: str
    url: str
    status: int
    body: bytes


def crawl(client, start: str, avoid: tuple[str, ...] = (), limit: int = 400) -> list[Visit]:
    """Every response the pages reachable from `start` lead to, except paths starting with one
    of `avoid` (the logout form, which would end the session being crawled)."""
    visits: list[Visit] = []
    queue: list[tuple[str, str, dict[str, str]]] = [("get", start, {})]
    seen: set[tuple[str, str, str]] = set()
    while queue and len(visits) < limit:
        method, url, data = queue.pop(0)
        key = (method, url, urlencode(sorted(data.items())))
        if key in seen or not _ours(url) or url.startswith((*SKIPPED, *avoid)):
            continue
        seen.add(key)
        response = client.post(url, data) if method == "post" else client.get(url, data)
        body = b"".join(response) if response.streaming else response.content
        visits.append(Visit(method, url, response.status_code, body))
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(("get", urljoin(url, response["Location"]), {}))
        if "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(body.decode(errors="replace"))
        queue.extend(("get", urljoin(url, found), {}) for found in page.urls)
        for form in page.forms:
            queue.append((form.method, urljoin(url, form.action or url), form.fields))
    return visits


def _ours(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/")
