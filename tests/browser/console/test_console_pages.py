"""Every console page renders (screenshots under test-artifacts/), in Arabic right to left too."""
from __future__ import annotations


def test_admin_sees_travelers_and_the_audit_log(console, make_staff, artifacts):
    console.sign_in(make_staff(role="admin", embassy_key=None, name="Admin Wu"))
    page = console.page
    page.screenshot(path=str(artifacts / "console-alerts.png"))
    page.goto("/console/#/travelers")
    page.wait_for_selector("section.travelers")
    page.fill("#traveler-q", "phone")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#traveler-results > *")
    page.screenshot(path=str(artifacts / "console-travelers.png"))
    page.goto("/console/#/audit")
    page.wait_for_selector("#audit-table tbody tr")
    assert "staff.sign_in" in page.text_content("#audit-table") or \
        "staff.totp_enrol" in page.text_content("#audit-table")
    page.screenshot(path=str(artifacts / "console-audit.png"))
    page.goto("/console/#/rollcalls")
    page.wait_for_selector("section.rollcalls")
    page.screenshot(path=str(artifacts / "console-rollcalls.png"))
    page.goto("/console/#/rollcalls/new")
    page.wait_for_selector("#composer-map[data-ready]")
    page.screenshot(path=str(artifacts / "console-rollcall-new.png"))
    page.goto("/console/#/staff")
    page.wait_for_selector("#staff-table tbody tr")
    page.screenshot(path=str(artifacts / "console-staff-list.png"))
    assert console.errors == []


def test_sign_in_and_enrolment_screens(console, make_staff, artifacts):
    page = console.page
    console.open("/console/")
    page.wait_for_selector("#login-form")
    page.screenshot(path=str(artifacts / "console-login.png"))
    page.fill('#login-form [data-path="email"]', make_staff())
    page.fill('#login-form [data-path="password"]', "a long staff password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#enrol-qr")
    assert page.evaluate("() => document.querySelector('#enrol-qr').naturalWidth > 0")
    assert page.text_content("#enrol-uri").startswith("otpauth://totp/")
    page.screenshot(path=str(artifacts / "console-enrol.png"))
    assert console.errors == []


def test_composer_in_arabic_is_right_to_left(console, make_staff, artifacts):
    console.sign_in(make_staff())
    page = console.page
    page.select_option("#language", "ar")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.goto("/console/#/alerts/new")
    page.wait_for_selector("#composer-map[data-ready]")
    assert page.evaluate("() => document.documentElement.lang") == "ar"
    page.screenshot(path=str(artifacts / "console-composer-ar.png"))
    page.goto("/console/#/sos")
    page.wait_for_selector("#sos-map[data-ready]")
    page.screenshot(path=str(artifacts / "console-sos-ar.png"))
    assert console.errors == []


HEADER_LANGUAGES = ("en", "zh_Hans", "zh_Hant", "ar")


def _overlap(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_header_follows_the_language_and_stays_on_one_line(console, make_staff, console_app,
                                                           artifacts):
    """An admin (all six links) of a mission with a long name: in every language the header is
    tidy (one row; Arabic's longer labels put who is signed in on a second row), its mission
    name is in the console's language (the server follows the choice), and the language is
    kept on the account."""
    from sqlalchemy import select

    from server.accounts.models import User
    from server.db import db
    from server.embassies.models import Embassy

    email = make_staff(role="admin", embassy_key="us-san-francisco",
                       name="Administrator Alexandra Konstantinopoulou")
    console.sign_in(email)
    page = console.page
    with console_app.app_context():
        mission = db.session.scalar(select(Embassy).where(Embassy.key == "us-san-francisco"))
        names = {code: mission.localized_name(code) for code in HEADER_LANGUAGES}
        db.session.remove()
    for code in HEADER_LANGUAGES:
        page.select_option("#language", code)
        page.wait_for_function("name => document.getElementById('who-role').textContent"
                               ".includes(name)", arg=names[code])
        page.screenshot(path=str(artifacts / f"console-header-{code}.png"),
                        clip={"x": 0, "y": 0, "width": 1280, "height": 120})
        bar = page.locator(".console-bar").bounding_box()
        assert bar["height"] < (100 if code == "ar" else 60), (code, bar)  # ar: up to two rows
        who = page.locator("#who-text").bounding_box()
        assert who["width"] > 120, (code, who)  # never squeezed away
        for link in page.locator("#nav a:visible").all():
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, (code, box)
            assert not _overlap(box, who), (code, box, who)
        for part in ("#who-name", "#who-role"):  # each on one line, cut rather than wrapped
            lines = page.evaluate("selector => { const el = document.querySelector(selector);"
                                  " return el.getBoundingClientRect().height"
                                  " / parseFloat(getComputedStyle(el).lineHeight); }", part)
            assert lines < 1.5, (code, part, lines)
        with console_app.app_context():
            assert db.session.scalar(select(User.language).where(User.email == email)) == code
            db.session.remove()
    assert console.errors == []
