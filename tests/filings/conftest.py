from tests.participation.conftest import fresh_rate_limits, make_request  # noqa: F401
