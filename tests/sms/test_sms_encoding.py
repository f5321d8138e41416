"""The segment counter and the shortening, against hand-counted tables (no app)."""
import pytest

from server.sms.encoding import cost_preview, measure, shorten

EURO = "€"  # extension table: escape + character, two septets


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "gsm", 0, 0),
    ("Are you safe?", "gsm", 13, 1),
    ("a" * 160, "gsm", 160, 1),
    ("a" * 161, "gsm", 161, 2),
    ("a" * 306, "gsm", 306, 2),
    ("a" * 307, "gsm", 307, 3),
    ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!¤¡ÄÖÑÜ§¿äöñüà", "gsm", 43, 1),
    # The extension table counts twice: 80 euros fill one segment, 81 do not.
    (EURO * 80, "gsm", 160, 1),
    (EURO * 81, "gsm", 162, 2),
    ("{}[]~\\|^", "gsm", 16, 1),
    ("a" * 159 + "{", "gsm", 161, 2),
    # An escape pair is never split: 152 letters + "{" leave one septet, the pair moves on.
    ("a" * 152 + "{" + "a" * 10, "gsm", 164, 2),
    ("a" * 152 + "{" * 77, "gsm", 306, 3),
    # Not in the alphabet: the whole text goes as UCS-2.
    ("ç", "ucs2", 1, 1),
    ("Café déjà vu…", "ucs2", 13, 1),
    ("你" * 70, "ucs2", 70, 1),
    ("你" * 71, "ucs2", 71, 2),
    ("你" * 134, "ucs2", 134, 2),
    ("你" * 135, "ucs2", 135, 3),
    ("هل أنت بأمان؟", "ucs2", 13, 1),
    # Outside the BMP: a surrogate pair, two units, never split.
    ("😀" * 35, "ucs2", 70, 1),
    ("😀" * 36, "ucs2", 72, 2),
    ("a" * 66 + "😀" + "b", "ucs2", 69, 1),
    ("a" * 66 + "😀" + "b" * 4, "ucs2", 72, 2),
    ("a" * 66 + "😀" * 34, "ucs2", 134, 3),
])
def test_counter(text, encoding, units, segments):
    m = measure(text)
    assert (m.encoding, m.units, m.segments) == (encoding, units, segments)


def test_a_text_within_the_limit_is_unchanged():
    text = "Earthquake near Lyon. Reply 1 if you are safe, 2 if you need help."
    assert shorten(text, 1, "https://c.example/a/1") == text


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis_and_the_link():
    words = " ".join(f"word{i}" for i in range(200))
    link = "https://consular.example.gov/#/alerts/12"
    out = shorten(words, 3, link)
    assert out.endswith("... " + link)
    body = out[: -len("... " + link)]
    assert words.startswith(body) and words[len(body)] == " "  # ends at a whole word
    m = measure(out)
    assert m.encoding == "gsm" and m.segments == 3
    assert measure(body + " word999... " + link).segments > 3  # as long as it can be


def test_chinese_is_cut_between_characters_with_a_unicode_ellipsis():
    text = "地震预警请立即前往安全地点" * 30
    out = shorten(text, 2, "https://c.example/a/1")
    assert out.endswith("… https://c.example/a/1")
    assert measure(out).segments == 2 and measure(out).units > 120


def test_arabic_is_cut_at_a_space():
    text = " ".join(["زلزال قرب المدينة يرجى التوجه إلى مكان آمن"] * 20)
    out = shorten(text, 1)
    assert out.endswith("…") and measure(out).segments == 1
    assert text.startswith(out[:-1]) and text[len(out) - 1] == " "


def test_the_cost_preview_counts_per_language():
    preview = cost_preview({"en": "Are you safe?", "zh_Hans": "你安全吗？" * 20},
                           {"en": 10, "zh_Hans": 4}, 3)
    assert preview["languages"]["en"]["segments"] == 1
    assert preview["languages"]["zh_Hans"] == {
        "encoding": "ucs2", "units": 100, "segments": 2, "shortened": False,
        "text": "你安全吗？" * 20, "messages": 4, "total_segments": 8}
    assert (preview["messages"], preview["total_segments"]) == (14, 18)
