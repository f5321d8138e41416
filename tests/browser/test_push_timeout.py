"""Issue 20, point 8: a push service that never answers ends in a clear message and a retry,
never a greyed switch with no word."""
from __future__ import annotations

import pytest

# subscribe() never settles, as in a profile where no push service can be reached.
NEVER = """
PushManager.prototype.getSubscription = async () => null;
PushManager.prototype.subscribe = () => new Promise(() => {});
"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844},
            "permissions": ["notifications", "background-sync"]}


def test_unreachable_push_service_times_out_with_a_message_and_a_retry(page, traveler,
                                                                     artifacts):
    """In English only: the wait is the app's whole 15 s timeout, and nothing in it depends on
    the direction of the text (the message's translations are checked with the catalogs)."""
    page.add_init_script(NEVER)
    traveler.sign_up()
    traveler.wait_for_service_worker()
    page.goto("/#/settings")
    page.wait_for_selector("#push-toggle")
    page.check("#push-toggle")
    # While it waits, the screen says so.
    page.wait_for_selector("#push-status .notice")
    page.wait_for_selector("#push-status .notice-error", timeout=30000)
    assert not page.is_checked("#push-toggle")
    assert page.is_enabled("#push-toggle")
    assert "did not answer in time" in page.locator("#push-status").inner_text()
    page.locator("#push-toggle").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "push-timeout.png"))
