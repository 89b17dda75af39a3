"""What the site publishes for machines: Atom feeds per language and section, the sitemap with
hreflang alternates, robots.txt, JSON-LD NewsArticle and Open Graph — all absolute URLs from the
trusted origin, and all checked by parsing them as their readers do."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import feedparser
import pytest
from flask.testing import FlaskClient

from tests.support import AppFactory

ARTICLE = "paris-statement-south-caucasus"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def get(client: FlaskClient, url: str, status: int = 200) -> bytes:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.data


@pytest.mark.parametrize("lang", ["hy", "en"])
def test_each_language_has_a_feed_of_its_stories_with_full_content(client: FlaskClient, lang: str) -> None:
    feed = feedparser.parse(get(client, f"/{lang}/feed.atom"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title_detail.language == lang
    home = client.get(f"/{lang}/").get_data(as_text=True)
    listed = re.findall(r'<h2 id="story-\d+"[^>]*><a href="([^"]+)">', home)
    assert [e.link.removeprefix("http://localhost") for e in feed.entries] == listed
    paris = next(e for e in feed.entries if e.link.endswith(ARTICLE))
    assert paris.content[0].type == "text/html"
    assert paris.title_detail.language == paris.content[0].language == ("hy" if lang == "hy" else "en")
    assert "<p>" in paris.content[0].value and "<script" not in paris.content[0].value
    assert paris.published_parsed and paris.updated_parsed and paris.authors
    english_only = next(e for e in feed.entries if e.link.endswith("sevan-volunteer-monitoring"))
    assert english_only.content[0].language == "en"  # a story keeps its own language in any feed


def test_a_section_has_its_own_feed_and_an_empty_one_is_not_found(client: FlaskClient) -> None:
    feed = feedparser.parse(get(client, "/en/sections/politics/feed.atom"))
    assert not feed.bozo and feed.entries
    assert all(t.term == "politics" for e in feed.entries for t in e.tags)
    get(client, "/en/sections/no-such-section/feed.atom", status=404)


def test_every_page_announces_its_feeds(client: FlaskClient) -> None:
    for url in ("/hy/", f"/en/articles/{ARTICLE}", "/hy/search?q=x"):
        page = client.get(url).get_data(as_text=True)
        lang = url.split("/")[1]
        assert (f'<link rel="alternate" type="application/atom+xml" href="http://localhost/{lang}/feed.atom"'
                in page)
    section = client.get("/en/sections/politics").get_data(as_text=True)
    assert 'href="http://localhost/en/sections/politics/feed.atom"' in section


def test_the_sitemap_lists_every_article_with_its_alternates(client: FlaskClient) -> None:
    index = ElementTree.fromstring(get(client, "/sitemap.xml"))
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == ["http://localhost/sitemaps/lists.xml", "http://localhost/sitemaps/articles-1.xml"]
    articles = ElementTree.fromstring(get(client, "/sitemaps/articles-1.xml"))
    urls = {u.find(f"{SITEMAP}loc").text: u for u in articles.iter(f"{SITEMAP}url")}
    assert len(urls) == 10  # every demo article at its own language's address
    paris_en = urls[f"http://localhost/en/articles/{ARTICLE}"]
    links = {link.get("hreflang"): link.get("href") for link in paris_en.iter(f"{XHTML}link")}
    assert links == {"hy": f"http://localhost/hy/articles/{ARTICLE}",
                     "en": f"http://localhost/en/articles/{ARTICLE}",
                     "x-default": f"http://localhost/hy/articles/{ARTICLE}"}
    assert paris_en.find(f"{SITEMAP}lastmod").text == "2024-11-06T12:20:00Z"
    lists = ElementTree.fromstring(get(client, "/sitemaps/lists.xml"))
    locs = {loc.text for loc in lists.iter(f"{SITEMAP}loc")}
    assert {"http://localhost/hy/", "http://localhost/en/", "http://localhost/hy/sections/politics"} <= locs
    get(client, "/sitemaps/articles-2.xml", status=404)


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_search(client: FlaskClient) -> None:
    robots = get(client, "/robots.txt").decode()
    assert "Sitemap: http://localhost/sitemap.xml" in robots
    assert "Disallow: /hy/search" in robots and "Disallow: /en/search" in robots


def structured_data(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_article_pages_carry_news_article_json_ld(client: FlaskClient) -> None:
    en = structured_data(client.get(f"/en/articles/{ARTICLE}").get_data(as_text=True))
    assert en["@type"] == "NewsArticle" and en["inLanguage"] == "en"
    for field in ("headline", "datePublished", "dateModified", "author", "image", "publisher",
                  "isAccessibleForFree", "accessibilityFeature"):
        assert field in en, field
    assert en["image"]["description"] and en["image"]["url"].startswith("http://localhost/media/")
    assert "alternativeText" in en["accessibilityFeature"]
    hy = structured_data(client.get(f"/hy/articles/{ARTICLE}").get_data(as_text=True))
    # The two versions point at each other: one as the original, the other as its translation.
    links = ("workTranslation", "translationOfWork")
    linked = {k: v["@id"] for d in (en, hy) for k, v in d.items() if k in links}
    assert set(linked) == {"workTranslation", "translationOfWork"}
    assert set(linked.values()) == {en["@id"], hy["@id"]}


def test_json_ld_cannot_break_out_of_its_script(make_app: AppFactory, write_article) -> None:
    from reader import store
    from reader.importer import import_paths

    app = make_app()
    import_paths(store.connect(app.config["DATABASE"]),
                 [write_article(title="A </script><script>alert(1)</script> title")])
    page = app.test_client().get("/en/articles/test-story").get_data(as_text=True)
    assert structured_data(page)["headline"] == "A </script><script>alert(1)</script> title"
    assert "<script>alert(1)" not in page


def test_article_pages_carry_open_graph_and_a_card(client: FlaskClient) -> None:
    page = client.get(f"/hy/articles/{ARTICLE}").get_data(as_text=True)
    og = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter|article):[^"]+)" content="([^"]*)">', page))
    assert og["og:url"] == f"http://localhost/hy/articles/{ARTICLE}" and og["og:locale"] == "hy_AM"
    assert og["og:image"].startswith("http://localhost/media/") and og["og:image:alt"]
    assert og["twitter:card"] == "summary_large_image" and og["og:title"]


def test_feeds_and_sitemaps_use_the_configured_site_url(make_app: AppFactory) -> None:
    client = make_app(SITE_URL="https://news.example").test_client()
    for url in ("/en/feed.atom", "/sitemap.xml", "/sitemaps/articles-1.xml", "/robots.txt",
                f"/en/articles/{ARTICLE}"):
        body = client.get(url, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body and "https://news.example/" in body, url


def test_machine_files_are_public_validated_and_compressed(client: FlaskClient) -> None:
    for url in ("/en/feed.atom", "/sitemaps/lists.xml", "/sitemaps/articles-1.xml"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Cache-Control"].startswith("public")
        assert response.headers["Content-Encoding"] == "gzip" and response.headers["ETag"]
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
