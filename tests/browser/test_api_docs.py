"""The API docs page renders under the Content-Security-Policy (no inline script), with no console error."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_with_no_csp_violation(open_page):
    page = open_page()

    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .title")).to_contain_text("Soft Synced API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
