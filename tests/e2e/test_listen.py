"""The audio edition in the browser: nothing loads until the reader presses play, the recording
plays and seeks in Chromium, the player and its speeds work by keyboard, in both languages."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from reader import store

PARIS = "/{lang}/articles/paris-statement-south-caucasus"


@pytest.fixture
def recorded(live_app: Flask) -> None:
    """The live site's database holds the Paris story's recordings (made by tests/e2e/conftest.py)."""
    conn = store.connect(live_app.config["DATABASE"])
    for lang in ("hy", "en"):
        found = store.find_article(conn, lang, "paris-statement-south-caucasus")
        assert found is not None and store.audio(conn, found.id) is not None
    conn.close()


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_nothing_loads_until_play_then_it_plays_and_seeks(page: Page, base_url: str, recorded: None,
                                                         lang: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.url.endswith(".mp3") else None)
    page.goto(base_url + PARIS.format(lang=lang))
    player = page.locator(".listen audio")
    expect(player).to_be_visible()
    page.wait_for_timeout(300)
    assert fetched == []  # preload="none": the page costs no audio bytes
    assert player.evaluate("a => a.paused && !a.autoplay") is True
    # Load and play (muted: a test has no ears), and wait for the browser to know the length.
    player.evaluate("a => { a.muted = true; window.__canplay = new Promise(r => a.addEventListener("
                    "'canplay', () => r(true), {once: true})); return a.play(); }")
    assert page.evaluate("window.__canplay") is True
    duration = player.evaluate("a => a.duration")
    assert 60 < duration < 900, duration
    assert fetched
    # Seeking far ahead works (the server answers byte ranges).
    player.evaluate("a => { a.currentTime = a.duration - 5; }")
    page.wait_for_function("() => document.querySelector('.listen audio').currentTime > 60")
    player.evaluate("a => a.pause()")


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_the_player_and_its_speeds_work_by_keyboard(page: Page, base_url: str, recorded: None,
                                                    lang: str) -> None:
    page.goto(base_url + PARIS.format(lang=lang))
    speeds = page.locator(".listen fieldset.speed")
    expect(speeds).to_be_visible()  # the script shows what only it can do
    player = page.locator(".listen audio")
    player.focus()
    expect(player).to_be_focused()
    page.locator(".listen input[name=speed][value='1']").focus()
    page.keyboard.press("ArrowRight")
    assert player.evaluate("a => a.playbackRate") == 1.25
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert player.evaluate("a => a.playbackRate") == 2
    assert page.evaluate("document.activeElement.value") == "2"


def test_without_javascript_the_player_is_there_and_speeds_are_not(nojs_page: Page, recorded: None) -> None:
    nojs_page.goto(PARIS.format(lang="hy"))
    expect(nojs_page.locator(".listen audio")).to_be_visible()
    expect(nojs_page.locator(".listen fieldset.speed")).to_be_hidden()
    expect(nojs_page.locator(".listen a[download]")).to_be_visible()
