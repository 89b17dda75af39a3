"""The audio edition: what is read and in which voice, real recordings by eSpeak NG and LAME,
regeneration only on change, one failure not stopping the others, and byte ranges for seeking."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from reader import audio, store
from reader.importer import import_paths

PARIS = "paris-statement-south-caucasus"


def article(app: Flask, lang: str, slug: str) -> store.Article:
    found = store.find_article(store.connect(app.config["DATABASE"]), lang, slug)
    assert found is not None and found.lang == lang
    return found


def test_the_script_reads_headline_standfirst_byline_caption_and_body_in_order(app: Flask) -> None:
    with app.app_context():
        passages = audio.script(article(app, "en", PARIS))
    a = article(app, "en", PARIS)
    assert [p.text for p in passages[:3]] == [a.title, a.summary, f"By {a.authors[0]}"]
    assert len(a.authors) == 1
    assert passages[3].text.startswith("Picture caption: ") and a.image_caption in passages[3].text
    body = " ".join(p.text for p in passages[4:])
    assert body.split()[:6] == a.body_text.split()[:6] and all(p.lang == "en" for p in passages)


def test_passages_in_the_other_language_get_that_voice(app: Flask, write_article) -> None:
    import_paths(store.connect(app.config["DATABASE"]), [write_article(
        slug="mixed", lang="hy", title="Համերգ", summary="Ամփոփում։",
        body='Երգչախումբը կատարեց <span lang="en">The Cranes Are Flying</span> երգը։\n\n'
             "```\nprint('hello')\n```\n\n| Ա | Բ |\n|---|---|\n| 1 | 2 |\n")])
    with app.app_context():
        passages = audio.script(article(app, "hy", "mixed"))
    spoken = [(p.lang, p.text) for p in passages]
    assert ("en", "The Cranes Are Flying") in spoken
    assert ("hy", "Երգչախումբը կատարեց") in spoken and ("hy", "երգը։") in spoken
    assert not any("print(" in text for _, text in spoken)  # code is announced, not spelled out
    assert audio.VOICES["en"] == "en-gb" and audio.VOICES["hy"] == "hy"


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_a_demo_article_is_recorded_as_mp3_of_a_plausible_length(app: Flask, lang: str) -> None:
    a = article(app, lang, PARIS)
    with app.app_context():
        edition = audio.record(a)
    # MPEG audio: an ID3 tag or a frame sync at the start.
    assert edition.data[:3] == b"ID3" or (edition.data[0] == 0xFF and edition.data[1] & 0xE0 == 0xE0)
    words = len((a.title + " " + a.summary + " " + a.body_text).split())
    minutes = edition.seconds / 60
    # eSpeak at 165 words a minute, with pauses; Armenian words are long: 80–200 words a minute.
    assert 80 <= words / minutes <= 200, (words, minutes)
    # Constant 40 kbit/s: the bytes say the same length as the samples did.
    assert abs(len(edition.data) * 8 / (audio.BITRATE_KBPS * 1000) - edition.seconds) < 2
    assert edition.name == re.sub(r"[^0-9a-f.mp3]", "", edition.name) and edition.name.endswith(".mp3")


def test_unchanged_articles_are_not_recorded_again(app: Flask, write_article) -> None:
    conn = store.connect(app.config["DATABASE"])
    import_paths(conn, [write_article(slug="short-one", body="A short story to read aloud.\n")])
    short = article(app, "en", "short-one")
    with app.app_context():
        first = audio.make_editions(conn, [short])
        again = audio.make_editions(conn, [short])
    assert first.made == ["en/short-one"] and again.unchanged == ["en/short-one"] and not again.made
    recording = store.audio(conn, short.id)
    assert recording is not None and store.media(conn, recording.media) is not None
    # A change to what is read: the old recording is gone at once (never played for new words)...
    import_paths(conn, [write_article(slug="short-one", body="The story, told differently.\n")])
    assert store.audio(conn, short.id) is None and store.media(conn, recording.media) is None
    with app.app_context():
        changed = audio.make_editions(conn, [article(app, "en", "short-one")])
    assert changed.made == ["en/short-one"]
    # ...while a change that is not read (the dates) keeps it.
    import_paths(conn, [write_article(slug="short-one", body="The story, told differently.\n",
                                      published="2024-12-01T10:00:00+04:00")])
    assert store.audio(conn, short.id) is not None


def test_one_articles_failure_is_reported_and_the_others_are_made(app: Flask, write_article,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    conn = store.connect(app.config["DATABASE"])
    import_paths(conn, [write_article("a.md", slug="fine-one", body="Fine.\n"),
                        write_article("b.md", slug="bad-one", lang="hy", title="Վատ", summary="Ոչ։",
                                      body="Խնդիր։\n")])
    # A voice eSpeak NG does not have, for Armenian only.
    monkeypatch.setitem(audio.VOICES, "hy", "no-such-voice")
    with app.app_context():
        run = audio.make_editions(conn, [article(app, "hy", "bad-one"), article(app, "en", "fine-one")])
    assert run.made == ["en/fine-one"]
    assert [name for name, _ in run.failed] == ["hy/bad-one"]
    assert "espeak-ng has no voice 'no-such-voice' for 'hy'" in run.failed[0][1]


def test_the_command_records_reports_and_skips(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["articles", "audio", "yerevan-night-buses"])
    assert result.exit_code == 0, result.output
    assert "recorded 2 article(s)" in result.output and "0 failed" in result.output
    again = runner.invoke(args=["articles", "audio", "yerevan-night-buses"])
    assert "recorded 0 article(s)" in again.output and "2 unchanged" in again.output
    assert runner.invoke(args=["articles", "audio"]).exit_code != 0  # nothing named
    unknown = runner.invoke(args=["articles", "audio", "no-such-story"])
    assert unknown.exit_code != 0 and "no-such-story" in unknown.output


@pytest.fixture
def recorded(app: Flask) -> Flask:
    conn = store.connect(app.config["DATABASE"])
    with app.app_context():
        run = audio.make_editions(conn, [article(app, "hy", PARIS), article(app, "en", PARIS)])
    assert len(run.made) == 2
    return app


def test_the_recording_is_served_with_byte_ranges_and_a_validator(recorded: Flask) -> None:
    client = recorded.test_client()
    page = client.get(f"/en/articles/{PARIS}").get_data(as_text=True)
    url = re.search(r'<audio [^>]*src="([^"]+)"', page).group(1)
    whole = client.get(url)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.headers["Accept-Ranges"] == "bytes" and "immutable" in whole.headers["Cache-Control"]
    size = len(whole.data)
    part = client.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == whole.data[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{size}"
    tail = client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == whole.data[-100:]
    past = client.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{size}"
    head = client.head(url)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == size and head.data == b""
    assert client.get(url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(("lang", "heading", "download"), [
    ("en", "Listen to this article", "Download the recording (<span lang=\"en\">MP3</span>, "),
    ("hy", "Լսել այս հոդվածը", "Ներբեռնել ձայնագրությունը (<span lang=\"en\">MP3</span>, "),
])
def test_the_player_is_labelled_loads_nothing_and_says_length_and_size(
        recorded: Flask, lang: str, heading: str, download: str) -> None:
    client: FlaskClient = recorded.test_client()
    page = client.get(f"/{lang}/articles/{PARIS}").get_data(as_text=True)
    section = re.search(r'(?s)<section class="listen".*?</section>', page).group(0)
    assert f'<h2 id="listen-heading">{heading}</h2>' in section
    player = re.search(r"<audio [^>]*>", section).group(0)
    assert 'preload="none"' in player and "controls" in player and "autoplay" not in player
    assert 'aria-labelledby="listen-heading"' in player and f'lang="{lang}"' in player
    assert download in section and f'hreflang="{lang}"' in section
    assert re.search(r"\d+ (minutes|րոպե)", section)
    assert "<fieldset class=\"choice speed\" hidden>" in section  # speeds need the script
    other = client.get(f"/{lang}/articles/ararat-apricot-season").get_data(as_text=True)
    assert 'class="listen"' not in other  # no recording, no player


def test_a_recording_for_an_older_text_never_reaches_the_page(recorded: Flask, write_article) -> None:
    a = article(recorded, "en", PARIS)
    conn = store.connect(recorded.config["DATABASE"])
    record = store.ArticleRecord(**{f: getattr(a, f) for f in store.ArticleRecord.__dataclass_fields__
                                    if f != "source"}, source="edited.md")
    with store.transaction(conn):
        store.upsert(conn, replace(record, title="A new headline"))
    page = recorded.test_client().get(f"/en/articles/{PARIS}").get_data(as_text=True)
    assert 'class="listen"' not in page


def test_import_with_audio_records_the_imported_articles(app: Flask, runner: FlaskCliRunner,
                                                         write_article) -> None:
    path = write_article(slug="with-audio", body="A short story, read aloud at once.\n")
    result = runner.invoke(args=["articles", "import", "--with-audio", str(path)])
    assert result.exit_code == 0, result.output
    assert "recorded 1 article(s)" in result.output
    recording = store.audio(store.connect(app.config["DATABASE"]), article(app, "en", "with-audio").id)
    assert recording is not None and recording.seconds > 1
