"""These tests run on SQLite and on PostgreSQL (see tests/databases.py)."""

import pytest

from databases import parametrize_engines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)
