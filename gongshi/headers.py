"""The security headers of every response, defined once for every server that answers.

Plain Python without Django: the demo's site server (gongshi_site.serve) and the search
service (gongshi.search.service) import it, the CMS's middleware reads the policies through
settings, and a test checks that the nginx snippets in deploy/nginx/snippets/ carry the
same strings (ADR 0012).
"""

from __future__ import annotations


def policy(**directives: str) -> str:
    """A Content-Security-Policy header value: directive names with underscores for dashes."""
    return "; ".join(
        f"{name.replace('_', '-')} {value}".rstrip() for name, value in directives.items()
    )


# The public site, the search pages and the report intake: the theme has no inline script,
# style or event handler and loads nothing from another origin (ADR 0012). Its forms are
# the search box and 获奖核验 (GET /search/, /verify/) and the report forms (POST /report/).
PUBLIC_CSP = policy(
    default_src="'self'",
    script_src="'self'",
    style_src="'self'",
    img_src="'self'",
    font_src="'self'",
    connect_src="'self'",
    object_src="'none'",
    base_uri="'none'",
    form_action="'self'",
    frame_ancestors="'none'",
)

# The Wagtail admin. Wagtail 8 still writes inline <script> (date pickers, inline panels:
# 7 blocked on a notice's edit page without 'unsafe-inline') and sets inline styles from
# its scripts (3 blocked), so both need 'unsafe-inline'; images may be data: and blob:
# URLs (upload previews). Nothing from another origin, no plugins, not framed by other
# pages (the middleware allows its own origin where Django does: Wagtail's preview panel).
ADMIN_CSP = policy(
    default_src="'self'",
    script_src="'self' 'unsafe-inline'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data: blob:",
    font_src="'self'",
    connect_src="'self'",
    frame_src="'self'",
    object_src="'none'",
    base_uri="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
)

# Features no page of the platform uses, switched off for the page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

# HTTPS only for a year, for the site's name and every name below it, as Django's
# production settings send it (SECURE_HSTS_*); nginx adds it to the public site's pages.
HSTS = "max-age=31536000; includeSubDomains; preload"

# Every response of the public site, however it is served (HSTS only over HTTPS, by nginx).
PUBLIC_HEADERS = (
    ("Content-Security-Policy", PUBLIC_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
)

# An attachment (/attachments/ on the public site, /documents/ from the CMS) is a file to
# download, never a page of the site: whatever a file holds, nothing in it runs, and a
# sandboxed document has no origin to act for (ADR 23).
ATTACHMENT_CSP = policy(default_src="'none'", frame_ancestors="'none'", sandbox="")
ATTACHMENT_HEADERS = (
    ("Content-Disposition", "attachment"),
    ("Content-Security-Policy", ATTACHMENT_CSP),
    *(header for header in PUBLIC_HEADERS if header[0] != "Content-Security-Policy"),
)

# What nginx adds to every response it proxies to the CMS, replacing the CMS's own copy:
# the headers that are the same on every CMS page, so that nginx's own answers there (502
# while gunicorn restarts, 413) carry them too. The CSP, X-Frame-Options and
# Referrer-Policy depend on the page and come from Django alone.
CMS_EDGE_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
)
