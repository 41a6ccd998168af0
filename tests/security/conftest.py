"""Fixtures for the security tests: the API fixtures of ``tests/api/conftest.py`` (app,
client, users with tokens, a fresh SQLite or PostgreSQL database per test) reused here.

Every security helper may add fixtures below; keep each one small and named after its topic.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_API_TESTS = Path(__file__).resolve().parents[1] / "api"
if str(_API_TESTS) not in sys.path:
    sys.path.insert(0, str(_API_TESTS))  # api_testdata
_spec = importlib.util.spec_from_file_location("_api_conftest", _API_TESTS / "conftest.py")
_api_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_api_conftest)

cheap_argon2 = _api_conftest.cheap_argon2
sqlite_template = _api_conftest.sqlite_template
sqlite_url = _api_conftest.sqlite_url
outputs = _api_conftest.outputs
database_url = _api_conftest.database_url
settings = _api_conftest.settings
app = _api_conftest.app
tokens = _api_conftest.tokens
client = _api_conftest.client
