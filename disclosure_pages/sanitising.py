"""HTML from outside (imports, services, editors) is cut down to an allow-list before it is stored.

nh3 (the Rust ammonia sanitiser) keeps the elements and attributes rich text and the archive's
layout use and drops everything else: <script>, <style>, <meta http-equiv=refresh>, <iframe>,
<object>, forms, every on*= handler, and URLs whose scheme is not http(s), mailto or tel
(javascript:, data:, vbscript:). Wagtail's own link and embed markup (<a linktype="page" id=…>,
<embed embedtype=… />) is kept so stored rich text still expands at render time.

Images are not kept, neither <img> nor Wagtail's image embeds: an image is served from media by
its rendition URL with no scope check and no unit of its own in rich text, so a picture in the
body of a public item could show another unit's internal image, and an <img> to another host is a
beacon on every reader. Pictures go in as attachments, which belong to the unit and are served
through the scope check.
"""

from __future__ import annotations

import re

import nh3

TAGS = {
    "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "mark",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "article", "section", "header", "footer", "h", "embed",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# nh3 writes <embed …>; Wagtail's rich text expands only the self-closing <embed …/> it stores.
EMBED = re.compile(r"<embed(\b[^>]*?)\s*/?>")
# Wagtail's image embeds (see the module's docstring); nh3 has lower-cased and quoted them by then.
IMAGE_EMBED = re.compile(r"<embed\b[^>]*\bembedtype\s*=\s*[\"']?image\b[^>]*>", re.I)
# Attributes nh3 does not know as URLs, so its scheme check passes them by: only http(s) is kept.
URL_VALUED = {("embed", "url")}


def _url_valued_attributes(element: str, attribute: str, value: str) -> str | None:
    if (element, attribute) in URL_VALUED and not value.strip().lower().startswith(("http://", "https://")):
        return None
    return value


def sanitise_html(html: str | None) -> str:
    """`html` with only allow-listed elements, attributes and URL schemes (idempotent)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_url_valued_attributes,
        link_rel=None,  # keep <a> as written (nh3 would add rel="noopener noreferrer" to every link)
        strip_comments=True,
    )
    return IMAGE_EMBED.sub("", EMBED.sub(r"<embed\1/>", cleaned))


def html_text(html: str) -> str:
    """Rich text → plain text, one line per block, so a cell/paragraph reading "内部" is a line."""
    from html import unescape

    from django.utils.html import strip_tags

    html = re.sub(r"(?i)<\s*(br|/p|/li|/h\d|/td|/th|/tr|/div)\b[^>]*>", "\n", html or "")
    return unescape(strip_tags(html))
