"""Public pages of the archive: the signing key and the latest signed chain heads, for anyone to keep and check."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

from . import signing
from .selectors import latest_signed_heads


def _public_key():
    try:
        return signing.trusted_public_key()
    except ImproperlyConfigured:
        return None


def public_key_view(request):
    """公钥 (PEM), its fingerprint, and each unit's latest signed head (记录数, 链头校验值, 签名, 时间)."""
    key = _public_key()
    context = {
        "key_pem": signing.public_pem(key) if key else "",
        "fingerprint": signing.fingerprint(key) if key else "",
        "key_id": signing.key_id(key) if key else "",
        "heads": latest_signed_heads(),
    }
    return TemplateResponse(request, "archive/public_key.html", context)


def public_key_pem_view(request):
    key = _public_key()
    if key is None:
        raise Http404("尚未配置归档签名密钥。")
    response = HttpResponse(signing.public_pem(key), content_type="application/x-pem-file; charset=ascii")
    response["Content-Disposition"] = 'attachment; filename="archive_ed25519_public.pem"'
    return response
