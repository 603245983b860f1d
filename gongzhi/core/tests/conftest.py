"""The API test helpers (bearer-token clients) serve the task endpoint tests here too."""

from gongzhi.api.tests.conftest import api_as, fresh_rate_limits

__all__ = ["api_as", "fresh_rate_limits"]
