"""The installable package: a wheel built from the checkout carries the templates, static files,
compiled catalogs and demo articles, and a copy installed from it serves every page, with its CSS,
script and both languages, from another folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "hy" / "LC_MESSAGES" / "messages.po"
# Messages of the Armenian catalog that /hy/ renders, (msgid, msgctxt): msgstr (the search
# button, the skip links' label): with a missing or uncompiled catalog the page is in English.
ARMENIAN = {("Search", "button"): "Որոնել", ("Accessibility links", None): "Մատչելիության հղումներ"}
# The build runs in a copy without these: they are not sources, and without the checkout's own
# compiled .mo files the wheel's catalog can only come from the build compiling the .po.
NOT_SOURCES = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "dist", "instance",
                                     "test-results", "*.mo", "*.sqlite3")

# Runs in the installed copy (cwd: an empty folder): fetch the pages and the files they link.
FETCH = r"""
import json, re, sys
import reader

app = reader.create_app({"DATABASE": sys.argv[1]})
client = app.test_client()
pages = {}

def get(url):
    response = client.get(url)
    pages[url] = {"status": response.status_code, "body": response.get_data(as_text=True)}
    return pages[url]["body"]

for lang in ("hy", "en"):
    home = get(f"/{lang}/")
    article = re.search(rf'href="(/{lang}/articles/[^"]+)"', home)
    if article:
        get(article.group(1))
    get(f"/{lang}/search?q=" + ("Երևան" if lang == "hy" else "Yerevan"))
    get(f"/{lang}/articles/no-such-story")
    get(f"/{lang}/accessibility")
assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="(/static/[^"]+)"', pages["/hy/"]["body"])
for url in assets:
    get(url)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    folders = {name: str(reader.resource(name)) for name in ("templates", "static", "translations")}
    json.dump({"file": reader.__file__, "folders": folders, "assets": assets, "pages": pages}, out)
"""


def run(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


def files_under(folder: Path) -> set[str]:
    """The files a build takes from a top-level folder (setup.py skips dotfiles and caches)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                       for part in p.relative_to(folder).parts)}


def strings(message: Message | None) -> tuple[str, ...]:
    """A message's translation, singular or plural forms alike (.po and .mo give lists or tuples)."""
    if message is None:
        return ()
    return (message.string,) if isinstance(message.string, str) else tuple(message.string or ())


def committed_catalog() -> Catalog:
    with CATALOG.open("rb") as po:
        return read_po(po, locale="hy")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout (so that the build's build/ and egg-info
    folders neither land in the checkout nor race another build there) without build isolation:
    offline, with the build requirements of this environment, which must therefore satisfy them."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    unmet = []
    for line in requires:
        requirement = Requirement(line)
        try:
            found = version(requirement.name)
        except PackageNotFoundError:
            found = None
        if found is None or not requirement.specifier.contains(found, prereleases=True):
            unmet.append(f"{line} (installed: {found})")
    assert not unmet, f"build requirements missing from this environment: {unmet}"

    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "--disable-pip-version-check", "-w", work / "dist", source)
    (built,) = (work / "dist").glob("reader-*.whl")
    return built


def test_the_wheel_carries_templates_static_files_compiled_catalog_and_demo_and_no_sources(
        wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        with archive.open("reader/translations/hy/LC_MESSAGES/messages.mo") as mo:
            compiled = read_mo(mo)
    # The package and its metadata only: no tests/, app.py, top-level templates/ or .venv/.
    top = {n.split("/", 1)[0] for n in names}
    assert len(top) == 2 and "reader" in top and any(t.endswith(".dist-info") for t in top), top

    def inside(prefix: str) -> set[str]:
        return {n.removeprefix(prefix) for n in names if n.startswith(prefix)}

    # Exactly the checkout's files: nothing missing, nothing stale from an earlier build.
    assert inside("reader/templates/") == files_under(ROOT / "templates")
    assert inside("reader/static/") == files_under(ROOT / "static")
    assert inside("reader/translations/") == {"hy/LC_MESSAGES/messages.mo"}
    assert inside("reader/demo/") == files_under(ROOT / "reader" / "demo")
    assert {"reader/tools/__init__.py", "reader/tools/benchmark.py"} <= names
    # The audit's data: the criteria (the accessibility statement names failed ones), the manual
    # findings and the report schemas.
    audit_data = {p for p in files_under(ROOT / "reader" / "audit") if p.endswith((".yaml", ".json"))}
    assert len(audit_data) >= 4 and inside("reader/audit/") >= audit_data
    python = {f"reader/{p}" for p in files_under(ROOT / "reader") if p.endswith(".py")}
    assert python <= names, python - names
    assert not [n for n in names if n.endswith((".po", ".pot", ".pyc")) or "__pycache__" in n]

    # The compiled catalog is the committed one: every translated message, as written.
    source = committed_catalog()
    translated = {(m.id, m.context): strings(m) for m in source if m.id and all(strings(m)) and not m.fuzzy}
    assert translated and translated == {key: strings(compiled.get(*key)) for key in translated}


def test_the_installed_wheel_serves_every_page_with_css_script_and_both_languages_elsewhere(
        wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
        "--target", site, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READER_", "FLASK_"))}
    # The installed copy first, ahead of the checkout's editable install (which stays importable
    # for the dependencies' sake: they come from this environment).
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    report = tmp_path / "report.json"
    run(sys.executable, "-c", FETCH, tmp_path / "db.sqlite3", report, cwd=elsewhere, env=env)
    result = json.loads(report.read_text(encoding="utf-8"))

    assert Path(result["file"]).is_relative_to(site), result["file"]
    for name, folder in result["folders"].items():
        assert Path(folder) == site / "reader" / name
    pages = result["pages"]
    for url, page in pages.items():
        assert page["status"] == (404 if url.endswith("/no-such-story") else 200), url
    assert sum("/articles/" in url and page["status"] == 200 for url, page in pages.items()) == 2

    for url, page in pages.items():
        if url.startswith("/hy/"):
            assert '<html lang="hy"' in page["body"], url
            assert all(armenian in page["body"] for armenian in ARMENIAN.values()), url
        elif url.startswith("/en/"):
            assert '<html lang="en"' in page["body"], url
            assert all(english in page["body"] for english, _ in ARMENIAN), url
            assert not any(armenian in page["body"] for armenian in ARMENIAN.values()), url
    # The strings looked for are still the catalog's (a translator may reword them).
    source = committed_catalog()
    assert all(strings(source.get(*key)) == (armenian,) for key, armenian in ARMENIAN.items())

    assert [url.rsplit("/", 1)[1] for url in result["assets"]] == ["reader.css", "reader.js"]
    for url in result["assets"]:
        name = url.rsplit("/", 1)[1]
        assert pages[url]["body"] == (ROOT / "static" / name).read_text(encoding="utf-8"), url
