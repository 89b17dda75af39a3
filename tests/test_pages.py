"""Page markup through the test client: landmarks, headings, language of parts, links, states."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reader import create_app, store

ARTICLE = "paris-statement-south-caucasus"
EN_ONLY = "sevan-volunteer-monitoring"
HY_ONLY = "targmanchats-reading-day"


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def attr_of(page: str, tag_pattern: str) -> str:
    m = re.search(tag_pattern, page)
    assert m, tag_pattern
    return m.group(0)


PAGES = ["/hy/", "/en/", f"/hy/articles/{ARTICLE}", f"/en/articles/{EN_ONLY}",
         "/hy/search?q=Երևան", "/en/search", "/en/sections/politics"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_common_chrome_and_landmarks(client: FlaskClient, url: str) -> None:
    page = get(client, url)
    lang = url.split("/")[1]
    assert f'<html lang="{lang}"' in page
    body = page.split("<body>", 1)[1]
    # The accessibility links come first, then header, navigation, search, main and footer.
    assert body.lstrip().startswith("<nav class=\"skip-links\"")
    for marker in ('href="#main-content"', 'href="#main-nav"', 'href="#search-q"',
                   '<header class="site-header">', '<nav id="main-nav"', 'role="search"',
                   'id="search-q"', '<main id="main-content">', '<footer class="site-footer">'):
        assert marker in body, marker
    assert page.count("<h1") == 1
    assert page.count('<main') == 1


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_nothing_from_other_hosts_and_run_no_inline_code(client: FlaskClient,
                                                                    url: str) -> None:
    page = get(client, url)
    # Alternates and the canonical address name this site's own origin; nothing else is absolute.
    absolute = re.findall(r'<link rel="(?:alternate|canonical)"[^>]*\bhref="([^"]+)"', page)
    assert absolute and all(u.startswith("http://localhost/") for u in absolute), absolute
    for tag in re.findall(r'<(?:script|link|img)\b[^>]*>', page):
        if re.search(r'rel="(?:alternate|canonical)"|type="application/ld\+json"', tag):
            continue
        src = re.search(r'\b(?:src|href)="([^"]+)"', tag)
        assert src, tag
        assert src.group(1).startswith("/") and not src.group(1).startswith("//"), tag
    # No script runs from the page itself; the only inline one is JSON-LD, data that is never run.
    assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/ld\+json")[^>]*>', page)
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son[a-z]+=", page)


def test_article_page_has_headline_dateline_figure_body_and_share_links(client: FlaskClient) -> None:
    page = get(client, f"/en/articles/{ARTICLE}")
    assert re.search(r"<title>France and Kazakhstan[^<]* – Reader</title>", page)
    h1 = attr_of(page, r"<h1[^>]*>[^<]+</h1>")
    assert "lang=" not in h1  # same language as the interface
    # British conventions: day month year, a 24-hour clock (READER_FORMAT_LOCALES=en_GB).
    assert '<time datetime="2024-11-06T06:15:00+00:00">6 November 2024, 10:15</time>' in page
    figure = attr_of(page, r"(?s)<figure.*?</figure>")
    alt = re.search(r'alt="([^"]+)"', figure).group(1)
    caption = re.search(r"(?s)<figcaption>(.*?)</figcaption>", figure).group(1)
    assert alt and alt not in caption
    assert "Illustration: Reader demo" in caption
    assert '<div class="story-body" lang="en">' in page
    for share in ("https://www.facebook.com/sharer/sharer.php?u=http%3A//localhost/en/articles/",
                  "https://x.com/intent/post?url=", "https://t.me/share/url?url=",
                  "mailto:?subject=", 'class="copy-link"'):
        assert share in page
    # The other version, named in its own language and leading to the Armenian page.
    other = attr_of(page, r'<p class="other-version"[^>]*><a [^>]*>[^<]+</a>')
    assert 'lang="hy"' in other and 'hreflang="hy"' in other
    assert f'href="/hy/articles/{ARTICLE}"' in other and "Կարդալ հայերեն" in other


def test_english_only_article_under_armenian_interface_keeps_armenian_chrome(
    client: FlaskClient,
) -> None:
    page = get(client, f"/hy/articles/{EN_ONLY}")
    assert '<html lang="hy"' in page
    # The title is mostly the English headline: marked English, the site's name still Armenian.
    assert re.search(r'<title lang="en">[^<]+ – Ընթերցող</title>', page)
    assert re.search(r'<h1 lang="en">', page)
    assert '<div class="story-body" lang="en">' in page
    assert "Հոդվածը գրված է անգլերեն։" in page
    assert 'class="other-version"' not in page
    assert "Կիսվել այս հոդվածով" in page and "Անցնել հիմնական բովանդակությանը" in page
    # The Armenian words inside the English body keep their own language.
    assert '<span lang="hy">Սևանա լիճ</span>' in page


def test_armenian_only_article_under_english_interface(client: FlaskClient) -> None:
    page = get(client, f"/en/articles/{HY_ONLY}")
    assert '<html lang="en"' in page and '<h1 lang="hy">' in page
    assert '<div class="story-body" lang="hy">' in page
    assert "This story is in Armenian." in page


def test_language_switcher_leads_to_the_other_version_of_the_story(client: FlaskClient) -> None:
    page = get(client, f"/en/articles/{ARTICLE}")
    switcher = attr_of(page, r'(?s)<nav class="languages".*?</nav>')
    hy = attr_of(switcher, r"<a [^>]*>Հայերեն</a>")
    en = attr_of(switcher, r"<a [^>]*>English</a>")
    assert f"next=/hy/articles/{ARTICLE}" in hy and 'lang="hy"' in hy and 'hreflang="hy"' in hy
    assert 'aria-current="true"' in en and 'aria-current' not in hy
    single = get(client, f"/en/articles/{EN_ONLY}")
    assert f"next=/hy/articles/{EN_ONLY}" in single


def alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def test_alternate_links_list_every_version_and_x_default(client: FlaskClient) -> None:
    page = get(client, f"/en/articles/{ARTICLE}")
    assert alternates(page) == {
        "hy": f"http://localhost/hy/articles/{ARTICLE}",
        "en": f"http://localhost/en/articles/{ARTICLE}",
        "x-default": f"http://localhost/hy/articles/{ARTICLE}",
    }


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_the_first_home_page_offers_the_language_choosing_root_as_x_default(
        client: FlaskClient, lang: str) -> None:
    # "/" sends each reader to their own language: the right default for the home page only.
    assert alternates(get(client, f"/{lang}/")) == {
        "hy": "http://localhost/hy/", "en": "http://localhost/en/", "x-default": "http://localhost/"}
    section = alternates(get(client, f"/{lang}/sections/politics"))
    assert section["x-default"] == section["hy"] == "http://localhost/hy/sections/politics"
    search = alternates(get(client, f"/{lang}/search?q=Paris&utm=x"))
    assert search == {"hy": "http://localhost/hy/search?q=Paris", "en": "http://localhost/en/search?q=Paris",
                      "x-default": "http://localhost/hy/search?q=Paris"}


def test_home_lists_newest_first_with_the_language_of_foreign_stories(client: FlaskClient) -> None:
    page = get(client, "/hy/")
    assert re.search(r"<title>Վերջին հոդվածներ – Ընթերցող</title>", page)
    times = re.findall(r'<time datetime="([^"]+)"', page)
    assert times == sorted(times, reverse=True) and len(times) >= 6
    # The English-only story: its headline marked English, and the interface says so.
    item = attr_of(page, rf'(?s)<li class="story-item">(?:(?!</li>).)*{EN_ONLY}.*?</li>')
    assert re.search(r'<h2 id="story-\d+" lang="en">', item)
    assert re.search(r'<p class="summary" lang="en">', item)
    assert "Լեզուն՝ անգլերեն" in item
    # Stories in the interface's own language carry no lang of their own.
    hy_item = attr_of(page, rf'(?s)<li class="story-item">(?:(?!</li>).)*{HY_ONLY}.*?</li>')
    assert "lang=" not in hy_item
    # A bilingual story appears once, in Armenian.
    assert page.count(f"/hy/articles/{ARTICLE}\"") == 1


@pytest.fixture
def paged_client(demo_db: Path, tmp_path: Path) -> FlaskClient:
    path = tmp_path / "db.sqlite3"
    shutil.copy(demo_db, path)
    return create_app({"DATABASE": str(path), "PAGE_SIZE": 2}).test_client()


def test_home_is_paginated_with_next_and_previous_links(paged_client: FlaskClient) -> None:
    first = get(paged_client, "/en/")
    assert first.count('class="story-item"') == 2
    assert "Page 1 of 3" in first and 'href="/en/?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = get(paged_client, "/en/?page=2")
    assert 'href="/en/" rel="prev"' in second and 'href="/en/?page=3" rel="next"' in second
    assert "<title>Latest stories, page 2 – Reader</title>" in second
    ids = lambda p: re.findall(r'id="story-(\d+)"', p)  # noqa: E731
    assert not set(ids(first)) & set(ids(second))
    get(paged_client, "/en/?page=4", status=404)
    # Malformed page numbers are ignored: the first page.
    for bad in ("abc", "-1", "0", "1e9", "٣"):
        assert ids(get(paged_client, f"/en/?page={bad}")) == ids(first)


def test_search_shows_count_highlights_and_results_in_both_languages(client: FlaskClient) -> None:
    page = get(client, "/en/search?q=Kazakhstan")
    assert re.search(r"\d+ stor(y matches|ies match) “Kazakhstan”\.", page)
    assert "<mark>Kazakhstan</mark>" in page
    assert "<title>Search: Kazakhstan – Reader</title>" in page
    assert 'value="Kazakhstan"' in page
    hy = get(client, "/en/search?q=Ղազախստան")
    assert '<h2 id="result-' in hy and 'lang="hy"' in hy and "In Armenian" in hy
    assert "<mark>Ղազախստան" in hy


def test_search_empty_and_no_result_states(client: FlaskClient) -> None:
    empty = get(client, "/en/search")
    assert "Type one or more words" in empty and "result-count" not in empty
    none = get(client, "/en/search?q=zzxxyyqq")
    assert "No stories match “zzxxyyqq”." in none
    punct = get(client, "/en/search?q=%21%21%21")
    assert "punctuation alone cannot be searched" in punct
    hy_none = get(client, "/hy/search?q=zzxxyyqq")
    assert '«<span lang="en">zzxxyyqq</span>» հարցմանը համապատասխանող հոդված չկա։' in hy_none


def test_search_query_is_escaped_and_cannot_inject_markup_or_fts_syntax(client: FlaskClient) -> None:
    page = get(client, '/en/search?q=<script>alert(1)</script> OR "x* NEAR(')
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_hostile_article_html_is_sanitised_on_the_page(app: Flask, write_article) -> None:
    from reader.importer import import_paths

    path = write_article(body='Hello <img src=x onerror=alert(1)> <script>alert(2)</script>'
                              '<a href="javascript:alert(3)">link</a>\n')
    import_paths(store.connect(app.config["DATABASE"]), [path])
    page = get(app.test_client(), "/en/articles/test-story")
    assert "onerror" not in page and "alert(" not in page and "javascript:" not in page


def test_head_requests_work(client: FlaskClient) -> None:
    response = client.head(f"/en/articles/{ARTICLE}")
    assert response.status_code == 200 and response.data == b""


def test_readers_query_keeps_its_own_language(client: FlaskClient) -> None:
    hy = get(client, "/hy/search?q=Yerevan")
    assert '«<span lang="en">Yerevan</span>» հարցմանը' in hy
    en = get(client, "/en/search?q=Երևան")
    assert '“<span lang="hy">Երևան</span>”' in en
    same = get(client, "/en/search?q=Yerevan")
    assert "“Yerevan”" in same


def test_updated_time_is_also_said_relative_to_now_in_the_interface_language(
    client: FlaskClient, app: Flask, write_article,
) -> None:
    en = get(client, f"/en/articles/{ARTICLE}")
    assert re.search(r'<span class="ago">\(\d+ (year|month|week|day)s? ago\)</span>', en)
    from reader.importer import import_paths

    import_paths(store.connect(app.config["DATABASE"]), [write_article(
        slug="hy-updated", lang="hy", title="Թարմացված", summary="Ամփոփում։",
        published="2024-01-01T10:00:00+04:00", updated="2024-02-01T10:00:00+04:00")])
    hy_updated = get(client, "/hy/articles/hy-updated")
    assert re.search(r'<span class="ago">\(\d+ (տարի|ամիս|շաբաթ|օր) առաջ\)</span>', hy_updated)
    assert re.search(r'<span class="ago">\(\d+ (year|month|week|day)s? ago\)</span>',
                     get(client, "/en/articles/hy-updated"))
    hy = get(client, f"/en/articles/{ARTICLE}".replace("/en/", "/hy/"))
    # The Armenian version of this story has no update; the English one under /hy/ does.
    hy_en = get(client, "/hy/search?q=Kazakhstan")
    assert "Լեզուն՝ անգլերեն" in hy_en
    assert 'class="ago"' not in hy


def test_the_armenian_catalog_chooses_forms_by_the_armenian_plural_rule() -> None:
    """Armenian's rule is CLDR's `one: i = 0,1`: 0 and 1 take the first form, unlike English.
    (The catalog's two forms are the same words, as Armenian keeps a noun singular after a
    numeral, so the choice is checked on the rule itself.)"""
    from babel.support import Translations

    from reader import resource

    hy = Translations.load(str(resource("translations")), ["hy"])
    assert hy.files, "the compiled Armenian catalog was not found"
    assert [hy.plural(n) for n in (0, 1, 2, 5, 21)] == [0, 0, 1, 1, 1]


def test_counts_use_the_plural_rules_of_each_language(client: FlaskClient, empty_app: Flask,
                                                      write_article) -> None:
    assert re.search(r'<p class="count">6 stories</p>', get(client, "/en/"))
    assert re.search(r'<p class="count">6 հոդված</p>', get(client, "/hy/"))
    from reader.importer import import_paths

    import_paths(store.connect(empty_app.config["DATABASE"]),
                 [write_article(section="science", slug="only-science")])
    one = empty_app.test_client()
    assert '<p class="count">1 story</p>' in get(one, "/en/sections/science")
    assert '<p class="count">1 հոդված</p>' in get(one, "/hy/sections/science")
    assert "1-minute read" in get(one, "/en/articles/only-science")
    assert "Ընթերցանության տևողությունը՝ 1 րոպե" in get(one, "/hy/articles/only-science")


def test_short_terms_are_highlighted_as_whole_words_only() -> None:
    from reader.searchtext import highlight

    assert str(highlight("in India and international", ["in"])) == "<mark>in</mark> India and international"
    assert str(highlight("Paris and Parisians", ["pari"])) == "<mark>Paris</mark> and <mark>Parisians</mark>"


def test_the_byline_says_author_or_authors_and_joins_names_as_each_language_does(
    app: Flask, write_article,
) -> None:
    """One author: «Հեղինակ՝», several: «Հեղինակներ՝» (the Armenian plural rule), names joined with
    «և» / "and"; in a story in the other language each name is marked with that language."""
    from reader.importer import import_paths

    db = store.connect(app.config["DATABASE"])
    import_paths(db, [write_article("one.md", slug="one-author", lang="hy", title="Մեկ հեղինակ",
                                    summary="Ամփոփում։", authors=["Անի Սարգսյան"]),
                      write_article("three.md", slug="three-authors", lang="en",
                                    authors=["Ani Sargsyan", "Aram Petrosyan", "Mary Smith"])])
    client = app.test_client()
    assert "<p>Հեղինակ՝ Անի Սարգսյան</p>" in get(client, "/hy/articles/one-author")
    assert "<p>By Անի Սարգսյան</p>".replace("Անի Սարգսյան", '<span lang="hy">Անի Սարգսյան</span>') in get(
        client, "/en/articles/one-author")
    assert "<p>By Ani Sargsyan, Aram Petrosyan and Mary Smith</p>" in get(client, "/en/articles/three-authors")
    assert ('<p>Հեղինակներ՝ <span lang="en">Ani Sargsyan</span>, <span lang="en">Aram Petrosyan</span> և '
            '<span lang="en">Mary Smith</span></p>') in get(client, "/hy/articles/three-authors")
