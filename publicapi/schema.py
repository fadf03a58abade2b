def public_endpoints_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: describe /api/v2/ only (Wagtail's admin API is not public)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v2/")]
