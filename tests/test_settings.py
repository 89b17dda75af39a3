"""Every documented READER_* variable, set the way an operator sets it (in the environment of a
fresh app), does what the README says; a bad value stops the start with a clear line."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask import Flask

from reader import create_app, settings, store
from reader.settings import SettingsError
from tests.support import LONGEST_HOST

ARTICLE = "/en/articles/paris-statement-south-caucasus"


@pytest.fixture
def env_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """create_app() with no test config: only READER_* variables, READER_DATABASE a demo copy."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db, path)

    def make(**variables: str) -> Flask:
        monkeypatch.setenv("READER_DATABASE", str(path))
        for name, value in variables.items():
            monkeypatch.setenv(f"READER_{name}", value)
        return create_app()

    return make


def html(app: Flask, url: str, **headers: str) -> str:
    response = app.test_client().get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def story_count(page: str) -> int:
    return page.count('<li class="story-item">')


def test_database_names_the_file_served(env_app, tmp_path: Path, write_article) -> None:
    from reader.importer import import_paths

    other = tmp_path / "other.sqlite3"
    import_paths(store.open_or_create(str(other)), [write_article(title="Only in the other file")])
    assert "Only in the other file" in html(env_app(DATABASE=str(other)), "/en/")
    assert "Only in the other file" not in html(env_app(), "/en/")


@pytest.mark.parametrize("value", ["false", "0"])
def test_load_demo_off_leaves_a_missing_database_missing(env_app, tmp_path: Path, value: str) -> None:
    missing = tmp_path / "none.sqlite3"
    app = env_app(DATABASE=str(missing), LOAD_DEMO=value)
    assert app.test_client().get("/en/").status_code == 503 and not missing.exists()
    filled = env_app(DATABASE=str(tmp_path / "new.sqlite3"), LOAD_DEMO="true")
    assert story_count(html(filled, "/en/")) == 6


def test_read_only_opens_the_database_read_only(env_app) -> None:
    app = env_app(READ_ONLY="true")
    assert story_count(html(app, "/en/")) == 6
    with app.app_context(), pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.get_db().execute("DELETE FROM articles")
    with env_app(READ_ONLY="false").app_context():
        store.get_db().execute("SELECT 1")  # writable otherwise


def test_page_cache_and_its_size(env_app) -> None:
    on = env_app(PAGE_CACHE_MB="0.5")
    assert on.extensions["reader.page_cache"].max_bytes == 512 * 1024
    html(on, "/en/")
    assert len(on.extensions["reader.page_cache"].entries) == 1
    off = env_app(PAGE_CACHE="false")
    assert "reader.page_cache" not in off.extensions


def test_timezone_sets_the_time_shown(env_app) -> None:
    assert "6 November 2024, 10:15" in html(env_app(), ARTICLE)  # Asia/Yerevan by default
    assert "6 November 2024, 06:15" in html(env_app(TIMEZONE="UTC"), ARTICLE)


def test_format_locales_set_how_english_dates_read(env_app) -> None:
    assert "6 November 2024, 10:15" in html(env_app(), ARTICLE)  # British by default
    assert "November 6, 2024, 10:15\u202fAM" in html(env_app(FORMAT_LOCALES="en_US"), ARTICLE)
    armenian = html(env_app(FORMAT_LOCALES="en_US"), ARTICLE.replace("/en/", "/hy/"))
    assert "2024 թ. նոյեմբերի 6, 11:30" in armenian


def test_format_locales_for_each_language_written_as_operators_write_them(env_app) -> None:
    chosen = {"en": "en_US", "hy": "hy_AM"}
    for value in ("en_US,hy_AM", " hy_AM , en-US ", "hy_AM,,en_US"):
        assert settings.get(env_app(FORMAT_LOCALES=value)).format_locales == chosen, value
    assert settings.get(env_app(FORMAT_LOCALES="")).format_locales == {}  # each language's own
    with pytest.raises(SettingsError) as refused:
        env_app(FORMAT_LOCALES="en_US,fr_FR")
    assert str(refused.value) == ("READER_FORMAT_LOCALES: must be locales of the interface languages "
                                  "(hy, en), got 'fr_FR'")
    with pytest.raises(SettingsError) as refused:
        env_app(FORMAT_LOCALES="hy_AM, en_XX")
    assert str(refused.value) == "READER_FORMAT_LOCALES: must be locales such as en_GB or en_US, got ' en_XX'"


def test_accessibility_contact_as_operators_write_it(env_app) -> None:
    def contact(value: str) -> str | None:
        return settings.get(env_app(ACCESSIBILITY_CONTACT=value)).accessibility_contact

    mail = "mailto:access@news.example"
    assert contact("access@news.example") == contact(f" {mail} ") == mail
    longest = "a" * 64 + "@" + ".".join(["b" * 63] * 2) + "." + "c" * 57 + ".org"  # 254 characters
    assert contact(longest) == contact("mailto:" + longest) == "mailto:" + longest
    page = "https://news.example/contact?topic=a11y"
    assert contact(page) == page
    long_page = "https://news.example/" + "p" * (2000 - len("https://news.example/"))  # 2,000 characters
    assert contact(long_page) == long_page
    assert contact("") is None
    for refused in ("x" + longest, "mailto:x" + longest, "https://editor@news.example/contact",
                    "https://editor:secret@news.example/contact", long_page + "p"):
        with pytest.raises(SettingsError, match="^READER_ACCESSIBILITY_CONTACT: must be an e-mail"):
            contact(refused)


def test_page_sizes(env_app) -> None:
    app = env_app(PAGE_SIZE="2", SEARCH_PAGE_SIZE="1")
    assert story_count(html(app, "/en/")) == 2
    results = html(app, "/en/search?q=Yerevan")
    assert results.count('<li class="story-item">') == 1 and 'rel="next"' in results


def test_cache_max_age(env_app) -> None:
    response = env_app(CACHE_MAX_AGE="123").test_client().get("/en/")
    assert response.headers["Cache-Control"] == "public, max-age=123"


def test_proxy_count_and_trusted_hosts(env_app) -> None:
    app = env_app(PROXY_COUNT="1", TRUSTED_HOSTS="news.example")
    page = html(app, ARTICLE, Host="news.example", **{"X-Forwarded-Proto": "https"})
    assert f'<link rel="canonical" href="https://news.example{ARTICLE}">' in page
    client = app.test_client()
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400
    direct = env_app(PROXY_COUNT="0", TRUSTED_HOSTS="news.example")
    page = html(direct, ARTICLE, Host="news.example", **{"X-Forwarded-Proto": "https"})
    assert f'<link rel="canonical" href="http://news.example{ARTICLE}">' in page


def test_image_hosts_reach_the_content_security_policy(env_app) -> None:
    response = env_app(IMAGE_HOSTS="images.example.org").test_client().get("/en/")
    assert "img-src 'self' https://images.example.org;" in response.headers["Content-Security-Policy"]


def test_site_url(env_app) -> None:
    page = html(env_app(SITE_URL="https://news.example"), ARTICLE, Host="localhost")
    assert f'<link rel="canonical" href="https://news.example{ARTICLE}">' in page


@pytest.mark.parametrize(("name", "value", "says"), [
    ("PAGE_SIZE", "ten", "READER_PAGE_SIZE: must be a whole number from 1 to 100, got 'ten'"),
    ("PAGE_SIZE", "0", "READER_PAGE_SIZE: must be a whole number from 1 to 100, got 0"),
    ("SEARCH_PAGE_SIZE", "1000", "READER_SEARCH_PAGE_SIZE: must be a whole number from 1 to 100"),
    ("CACHE_MAX_AGE", "-5", "READER_CACHE_MAX_AGE: must be a whole number from 0 to 31536000"),
    ("PAGE_CACHE", "maybe", "READER_PAGE_CACHE: must be true or false, got 'maybe'"),
    ("PAGE_CACHE_MB", "lots", "READER_PAGE_CACHE_MB: must be a number from 0.0625 to 4096"),
    ("LOAD_DEMO", "2", "READER_LOAD_DEMO: must be true or false, got 2"),
    ("READ_ONLY", "yes please", "READER_READ_ONLY: must be true or false"),
    ("TIMEZONE", "Mars/Olympus", "READER_TIMEZONE: must be an IANA time zone"),
    ("PROXY_COUNT", "many", "READER_PROXY_COUNT: must be a whole number from 0 to 10"),
    ("IMAGE_HOSTS", "https://x.example/path", "READER_IMAGE_HOSTS: must be comma-separated host names"),
    ("TRUSTED_HOSTS", "news.example:8080", "READER_TRUSTED_HOSTS: must be comma-separated host names"),
    ("SITE_URL", "news.example", "READER_SITE_URL: must be a scheme and host"),
    ("SITE_URL", "https://news.example/edition", "READER_SITE_URL: must be a scheme and host"),
    ("FORMAT_LOCALES", "xx_YY", "READER_FORMAT_LOCALES: must be locales such as en_GB"),
    ("FORMAT_LOCALES", "fr_FR", "READER_FORMAT_LOCALES: must be locales of the interface languages"),
    ("DATABASE", '""', "READER_DATABASE: must be the path of the SQLite file"),
    ("ACCESSIBILITY_CONTACT", "access at news.example", "READER_ACCESSIBILITY_CONTACT: must be an e-mail"),
    ("ACCESSIBILITY_CONTACT", "javascript:alert(1)", "READER_ACCESSIBILITY_CONTACT: must be an e-mail"),
    ("ACCESSIBILITY_CONTACT", "http://news.example/contact", "READER_ACCESSIBILITY_CONTACT: must be an e-mail"),
])
def test_a_bad_value_is_a_clear_start_up_error(env_app, name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        env_app(**{name: value})
    assert str(refused.value).startswith(says)
    assert "\n" not in str(refused.value)
    try:  # Flask reads a READER_* value as JSON when it can ("0" is the number 0)
        given = json.loads(value)
    except ValueError:
        given = value
    assert str(refused.value).endswith(f", got {given!r}")  # the value the operator gave, as read


def test_a_proxy_needs_trusted_hosts(env_app) -> None:
    with pytest.raises(SettingsError) as refused:
        env_app(PROXY_COUNT="1")
    assert str(refused.value) == ("READER_PROXY_COUNT is set but READER_TRUSTED_HOSTS is empty: list the host "
                                  "names this site answers to, so a forged X-Forwarded-Host is refused")


def readme_settings() -> list[tuple[str, str]]:
    """The README's table of settings: (name without READER_, default as shown), row by row."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    return re.findall(r"^\| `READER_([A-Z_]+)` \| ([^|]*) \|", readme, re.MULTILINE)


def test_the_readme_documents_every_setting() -> None:
    from reader.settings import defaults

    assert {name for name, _ in readme_settings()} == set(defaults("instance"))


def test_each_default_is_the_one_the_readme_gives() -> None:
    # Setting a variable to the default the README's table gives changes nothing: an operator who
    # reads the table knows what the reader does when the variable is left unset.
    from reader.settings import defaults, parse

    rows = readme_settings()
    unset = parse(defaults("instance"))
    for name, shown in rows:
        value = shown.strip("`") if shown.startswith("`") else ""  # "empty", "empty (any …)"
        assert shown.startswith("`") or shown.startswith("empty"), (name, shown)
        assert parse({**defaults("instance"), name: value}) == unset, (name, shown)
    assert len(rows) == len(defaults("instance"))


def test_a_long_bad_value_is_shortened_so_the_error_stays_one_readable_line(env_app) -> None:
    # Up to 80 characters (quotes included) the value is shown whole; past that, its first 77
    # and an ellipsis, so a pasted blob never floods the terminal.
    says = "READER_TIMEZONE: must be an IANA time zone such as Asia/Yerevan, got "
    whole = "z" * 78
    with pytest.raises(SettingsError) as refused:
        env_app(TIMEZONE=whole)
    assert str(refused.value) == says + f"'{whole}'"
    with pytest.raises(SettingsError) as refused:
        env_app(TIMEZONE=whole + "z")
    assert str(refused.value) == says + "'" + "z" * 76 + "..."


@pytest.mark.parametrize(("value", "on"), [
    ("1", True), ("true", True), (" TRUE ", True), ("yes", True), ("On", True),
    ("0", False), ("false", False), ("no", False), (" Off ", False),
])
def test_every_spelling_of_true_and_false_an_operator_may_write(env_app, value: str, on: bool) -> None:
    assert ("reader.page_cache" in env_app(PAGE_CACHE=value).extensions) is on


def test_a_test_config_may_say_true_and_false_with_numbers_or_booleans(make_app) -> None:
    assert "reader.page_cache" in make_app(PAGE_CACHE=1).extensions
    assert "reader.page_cache" not in make_app(PAGE_CACHE=0).extensions
    assert "reader.page_cache" not in make_app(PAGE_CACHE=False).extensions
    # Strings that JSON would not read (the environment's values are read as JSON first).
    assert "reader.page_cache" not in make_app(PAGE_CACHE="false").extensions
    assert "reader.page_cache" in make_app(PAGE_CACHE="true").extensions
    assert "reader.page_cache" not in make_app(PAGE_CACHE=" 0 ").extensions
    assert "reader.page_cache" in make_app(PAGE_CACHE="1").extensions
    with pytest.raises(SettingsError, match=r"^READER_PAGE_CACHE: must be true or false, got 2$"):
        make_app(PAGE_CACHE=2)
    # Not a number, though Python counts True as 1.
    with pytest.raises(SettingsError) as refused:
        make_app(PAGE_SIZE=True)
    assert str(refused.value) == "READER_PAGE_SIZE: must be a whole number from 1 to 100, got True"
    with pytest.raises(SettingsError) as refused:
        make_app(PAGE_CACHE_MB=True)
    assert str(refused.value) == "READER_PAGE_CACHE_MB: must be a number from 0.0625 to 4096, got True"


@pytest.mark.parametrize(("name", "low", "high"), [
    ("PAGE_SIZE", "1", "100"), ("SEARCH_PAGE_SIZE", "1", "100"), ("CACHE_MAX_AGE", "0", "31536000"),
    ("PROXY_COUNT", "0", "10"), ("PAGE_CACHE_MB", "0.0625", "4096"),
])
def test_numbers_are_accepted_up_to_both_ends_of_their_range_and_not_past(
        env_app, monkeypatch: pytest.MonkeyPatch, name: str, low: str, high: str) -> None:
    extra = {"TRUSTED_HOSTS": "localhost"} if name == "PROXY_COUNT" else {}
    for value in (low, f" {high} "):
        env_app(**{name: value}, **extra)  # starts
    whole = "." not in low
    below = str(int(low) - 1) if whole else "0.0624"
    above = str(int(high) + 1) if whole else "4096.5"
    wants = f"whole number from {low} to {high}" if whole else f"number from {low} to {high}"
    for value in (below, above):
        with pytest.raises(SettingsError) as refused:
            env_app(**{name: value}, **extra)
        assert str(refused.value).startswith(f"READER_{name}: must be a {wants}, got {value}")


def test_host_lists_are_trimmed_lower_cased_and_without_repeats(env_app) -> None:
    app = env_app(IMAGE_HOSTS=" Images.Example.org , ,https://cdn.example.net/,images.example.org")
    csp = app.test_client().get("/en/").headers["Content-Security-Policy"]
    assert "img-src 'self' https://images.example.org https://cdn.example.net;" in csp
    env_app(TRUSTED_HOSTS=f"{LONGEST_HOST},localhost")
    with pytest.raises(SettingsError, match="^READER_TRUSTED_HOSTS: must be comma-separated host names"):
        env_app(TRUSTED_HOSTS=f"{LONGEST_HOST}b,localhost")
    with pytest.raises(SettingsError) as refused:  # the error names the one bad host
        env_app(IMAGE_HOSTS="images.example.org,cdn.example.net:8443", TRUSTED_HOSTS="localhost")
    assert str(refused.value) == ("READER_IMAGE_HOSTS: must be comma-separated host names (no scheme, port "
                                  "or path), got 'cdn.example.net:8443'")


@pytest.mark.parametrize(("value", "origin"), [
    ("https://News.Example", "https://news.example"), ("http://news.example/", "http://news.example"),
    ("https://news.example:8443", "https://news.example:8443"), (" https://news.example ", "https://news.example"),
])
def test_site_url_is_kept_as_a_plain_origin(env_app, value: str, origin: str) -> None:
    page = html(env_app(SITE_URL=value), ARTICLE)
    assert f'<link rel="canonical" href="{origin}{ARTICLE}">' in page


@pytest.mark.parametrize(("value", "says"), [
    ("https://news.example:99999", "has a port that is not a number from 1 to 65535"),
    ("ftp://news.example", "must be a scheme and host"),
    ("https://", "must be a scheme and host"),
    ("https://news.example/?edition=1", "must be a scheme and host"),
    ("https://news.example/#top", "must be a scheme and host"),
    ("https://editor@news.example", "must be a scheme and host"),
    ("https://editor:secret@news.example", "must be a scheme and host"),
    ("https://news_example.org", "must be a scheme and host"),
])
def test_a_site_url_that_is_not_a_plain_origin_is_refused(env_app, value: str, says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        env_app(SITE_URL=value)
    assert str(refused.value).startswith(f"READER_SITE_URL: {says}")
    assert str(refused.value).endswith(f", got {value!r}")


def test_every_bad_value_is_reported_at_once_one_line_each(env_app, make_app) -> None:
    with pytest.raises(SettingsError) as refused:
        make_app(PAGE_SIZE=0, TIMEZONE="Mars/Olympus", DATABASE="  ")
    lines = str(refused.value).split("\n")
    assert [line.split(":")[0] for line in lines] == ["READER_DATABASE", "READER_TIMEZONE", "READER_PAGE_SIZE"]
    # The proxy check waits until the values it depends on are all readable.
    with pytest.raises(SettingsError) as refused:
        make_app(PROXY_COUNT=1, PAGE_SIZE=0)
    assert str(refused.value).startswith("READER_PAGE_SIZE:") and "\n" not in str(refused.value)


@pytest.mark.parametrize("value", ["../../etc/passwd", "/etc/localtime", "Asia/../Europe/Paris"])
def test_a_time_zone_that_is_a_path_is_a_clear_error_not_a_traceback(env_app, value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        env_app(TIMEZONE=value)
    says = "READER_TIMEZONE: must be an IANA time zone such as Asia/Yerevan"
    assert str(refused.value) == f"{says}, got {value!r}"


def test_a_test_config_may_give_host_lists_as_lists(make_app) -> None:
    app = make_app(IMAGE_HOSTS=["Images.Example.org", "https://cdn.example.net"])
    csp = app.test_client().get("/en/").headers["Content-Security-Policy"]
    assert "img-src 'self' https://images.example.org https://cdn.example.net;" in csp
