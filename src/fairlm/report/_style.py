"""The page's stylesheet and its one small script, and the policy that allows only them.

Both live as package files (``static/report.css``, ``static/report.js``) and are inlined
into every page, which must load nothing. The Content-Security-Policy names each by the
SHA-256 of its exact text, so nothing else (an injected ``<script>`` or ``<style>``,
should any text escape escaping) could run or style the page.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files

__all__ = ["css", "csp", "script"]


@cache
def _asset(name: str) -> str:
    text = files("fairlm.report").joinpath("static", name).read_text(encoding="utf-8").strip()
    # inlined between <style> or <script> tags: their closing tag must not occur inside
    assert "</" not in text, f"static/{name} must not contain '</'"
    return text


def css() -> str:
    """The stylesheet, as inlined in the page's ``<style>`` element."""
    return _asset("report.css")


def script() -> str:
    """The copy-button script, as inlined in the page's ``<script>`` element."""
    return _asset("report.js")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp() -> str:
    """Content-Security-Policy: nothing may load; only the page's own style and script
    apply (by hash)."""
    return (
        f"default-src 'none'; style-src 'sha256-{_sha256(css())}'; img-src data:; "
        f"script-src 'sha256-{_sha256(script())}'; base-uri 'none'; form-action 'none'"
    )
