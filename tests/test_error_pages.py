"""A server error answers JSON under /api/ and the site's own page elsewhere."""

import json

from django.test import RequestFactory

from courseplatform.views import server_error


def test_api_server_error_uses_the_json_error_shape():
    response = server_error(RequestFactory().get("/api/v1/me/"))
    assert response.status_code == 500
    assert json.loads(response.content)["error"]["code"] == "server_error"


def test_page_server_error_is_the_sites_own_page():
    response = server_error(RequestFactory().get("/lessons/x/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
