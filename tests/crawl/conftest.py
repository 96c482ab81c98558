"""Fixtures of the page-object tests: every agency of the default sandbox province, its portal
object and an in-process client (no server, no network)."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from inspector.sandbox.platforms import portal_class
from inspector.sandbox.province import generate_province
from tests.conftest import AS_OF

BASE = "http://127.0.0.1:8101"


@pytest.fixture(scope="session")
def sites():
    """(agency, portal, client) of every agency of the default province, served in-process."""
    province = generate_province(1, as_of=AS_OF)
    result = []
    for agency in province.agencies:
        agency.base_url = f"{BASE}/"
        portal = portal_class(agency.platform)(agency, province)
        result.append((agency, portal, Client(portal)))
    return result


def fetch(client: Client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)
