"""A new roll call (issue 19 point 8), at 1440x900 in English and Arabic: the question comes
pre-written in the four languages, editable; starting with parts missing names each of them
and asks nothing."""
from __future__ import annotations

import pytest

from tests.browser.console.conftest import Console
from tests.browser.console.test_console_safety import WIDE


@pytest.mark.parametrize("language", ["en", "ar"])
def test_question_is_pre_written_and_missing_parts_are_named(page, make_staff, artifacts,
                                                             language):
    page.set_viewport_size(WIDE)
    console = Console(page)
    console.sign_in(make_staff())
    if language == "ar":
        Console(page).arabic()
    page.goto("/console/#/rollcalls/new")
    page.wait_for_function(
        "() => document.querySelector(\"textarea[data-language='ar']\")?.value.length > 0")
    boxes = {code: page.input_value(f"textarea[data-language='{code}']")
             for code in ("en", "zh_Hans", "zh_Hant", "ar")}
    assert boxes["en"].startswith("Are you safe?")
    assert len(set(boxes.values())) == 4 and "安全" in boxes["zh_Hans"]
    page.fill("textarea[data-language='en']", "")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("#start-rollcall")
    page.wait_for_selector("#rollcall-form .notice-error")
    assert page.get_attribute("textarea[data-language='en']", "aria-invalid") == "true"
    status = page.text_content("#rollcall-form .notice-error")
    if language == "en":
        assert "Area: choose at least one on the map." in status
        assert "the English question is required" in page.text_content("#rollcall-form")
    assert dialogs == []  # nothing asked, nothing started
    page.screenshot(path=str(artifacts / f"console-rollcall-missing-{language}.png"))
    assert console.errors == []
