"""Security headers on every response, no inline script, and a friendly CSRF failure."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

import ims
from ims.audit.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
TEMPLATES = sorted(Path(ims.__file__).parent.rglob("templates/**/*.html"))


class Tags(HTMLParser):
    """Collects <script> tags and inline event-handler attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def assert_no_inline_script(html: str) -> None:
    tags = Tags(html)
    for script in tags.scripts:
        assert script.get("src") or script.get("type") == "application/json", f"inline <script {script}>"
    assert tags.handlers == []
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize(
    ("path", "status"),
    [(LOGIN, 200), ("/", 302), ("/no-such-page", 404), ("/healthz", 200), ("/api/v1/docs", 200)],
)
def test_anonymous_responses_carry_the_security_headers(client: Client, db, path: str, status: int):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_signed_in_pages_carry_the_security_headers(web, viewer, org):
    client = web(viewer)
    for path in ["/", "/organisation/sites/", "/organisation/sites/new"]:
        response = client.get(path)
        assert response.status_code in (200, 403), path
        assert_security_headers(response)
        assert_no_inline_script(response.content.decode())


def test_the_login_page_has_no_inline_script(client: Client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert Tags(html).scripts, "the page should load its scripts from static files"
    assert_no_inline_script(html)


def test_the_api_docs_page_has_no_inline_script(client: Client, db):
    assert_no_inline_script(client.get("/api/v1/docs").content.decode())


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(Path(ims.__file__).parent)))
def test_no_template_has_an_inline_script(template: Path):
    source = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", source, flags=re.IGNORECASE):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script in {template}: {tag}"
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", source, flags=re.IGNORECASE), f"event handler in {template}"


def test_a_login_post_without_the_csrf_token_is_refused_with_a_friendly_page(db, viewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Form expired</h1>" in html
    assert "reload the page and try again" in html
    assert "CSRF verification failed" not in html  # not Django's technical page
    assert_security_headers(response)
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action__in=["login", "login_failed"]).exists()


def test_the_same_login_post_with_the_token_signs_in(db, viewer):
    client = Client(enforce_csrf_checks=True)
    form = client.get(LOGIN).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token
    response = client.post(LOGIN, {"username": "viewer", "password": PASSWORD, "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    assert response["Location"] == "/"
