"""Content checks at import (issue 11, item 4): every check refuses (errors) or warns about a
failing sample and passes a passing one, in an Armenian and an English article, through the real
`articles check` and `articles import` commands; refusals leave the database as it was."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from reader import DEMO_DIR, store
from reader.contentchecks import (
    CAPITALS_WORDS,
    CHECKS,
    FOREIGN_RUN_WORDS,
    LONG_ALT_CHARACTERS,
    LONG_PARAGRAPH_WORDS,
    MAX_FINDINGS_PER_CHECK,
    check_body,
)
from reader.importer import ImportRefused, check_paths, import_paths
from reader.languages import CODES
from reader.tools.synthetic import generate
from tests.test_importer import SVG, snapshot

HY = {"lang": "hy", "title": "Փորձնական հոդված", "summary": "Փորձնական հոդվածի ամփոփումը։"}
EN = {"lang": "en"}
LONG_EN_ALT = ("A city map of Yerevan with four coloured bus lines that start in the suburbs, cross the "
               "centre and meet at Republic Square, where a star marks the transfer stop")
LONG_HY_ALT = ("Երևանի քարտեզ, որի վրա գունավոր չորս գծերը սկսվում են ծայրամասերից, անցնում կենտրոնով "
               "և հատվում Հանրապետության հրապարակում, որտեղ աստղը նշում է փոխադրման կանգառը")

# (check, language) -> (failing sample, passing sample); a sample is a body, or the article's
# fields (a lead image's src is "pic.svg", written beside it).
Sample = str | dict[str, object]
SAMPLES: dict[tuple[str, str], tuple[Sample, Sample]] = {
    ("heading-h1", "en"): ("# Results\n\nThe vote was close.\n", "## Results\n\nThe vote was close.\n"),
    ("heading-h1", "hy"): ("<h1>Արդյունքներ</h1>\n\nՔվեարկությունը սերտ էր։\n",
                           "<h2>Արդյունքներ</h2>\n\nՔվեարկությունը սերտ էր։\n"),
    ("heading-skip", "en"): ("## Results\n\n#### By region\n\nText.\n",
                             "## Results\n\n### By region\n\nText.\n\n## Turnout\n\nMore text.\n"),
    ("heading-skip", "hy"): ("### Ըստ մարզերի\n\nՏեքստ։\n", "## Արդյունքներ\n\n### Ըստ մարզերի\n\nՏեքստ։\n"),
    ("empty-link", "en"): ("See [](https://example.org/report) for the figures.\n",
                           "See [the full report](https://example.org/report) for the figures.\n"),
    # An image with alt="" is decorative, so a link that holds only such an image says nothing.
    ("empty-link", "hy"): ("Միության կայքը՝ [![](/media/logo.png)](https://example.org/)։\n",
                           "Միության կայքը՝ [![Միության խորհրդանշանը](/media/logo.png)](https://example.org/)։\n"),
    ("missing-alt", "en"): ('The new room. <img src="/media/room.png">\n',
                            "The new room. ![Readers at desks with braille displays](/media/room.png)\n\n"
                            "![](/media/divider.png)\n"),
    ("missing-alt", "hy"): ('Նոր սրահը։ <img src="/media/room.png" alt=" ">\n',
                            "Նոր սրահը։ ![Ընթերցողներ Բրայլի էկրաններով սեղանների շուրջ](/media/room.png)\n"),
    ("table-headers", "en"): ("<table><tr><td>Route</td><td>Stops</td></tr><tr><td>N1</td><td>12</td></tr>"
                              "</table>\n",
                              "<table><tr><th>Route</th><th>Stops</th></tr><tr><td>N1</td><td>12</td></tr>"
                              "</table>\n"),
    ("table-headers", "hy"): ("<table><tr><td>Երթուղի</td><td>Կանգառներ</td></tr><tr><td>N1</td><td>12</td>"
                              "</tr></table>\n",
                              "<table><tr><th>Երթուղի</th><th>Կանգառներ</th></tr><tr><td>N1</td><td>12</td>"
                              "</tr></table>\n"),
    ("alt-is-caption", "en"): ('<figure><img src="/media/map.png" alt="The route of the night buses">'
                               "<figcaption>The route of the night  buses</figcaption></figure>\n",
                               '<figure><img src="/media/map.png" alt="A city map with four coloured lines">'
                               "<figcaption>The route of the night buses</figcaption></figure>\n"),
    ("alt-is-caption", "hy"): ({**HY, "image": {"src": "pic.svg", "alt": "Գիշերային երթուղիները",
                                                "caption": "Գիշերային երթուղիները"}},
                               {**HY, "image": {"src": "pic.svg", "alt": "Քաղաքի քարտեզ գունավոր չորս գծերով",
                                                "caption": "Գիշերային երթուղիները"}}),
    ("picture-removed", "en"): ("![A heron standing in reeds](https://example.org/heron.png)\n",
                                "![A heron standing in reeds](/media/heron.png)\n"),
    ("picture-removed", "hy"): ('Երաշտահավը եղեգների մեջ։ <img src="javascript:alert(1)" alt="Երաշտահավ">\n',
                                "Երաշտահավը եղեգների մեջ։ ![Երաշտահավ եղեգների մեջ](/media/heron.png)\n"),
    ("alt-is-filename", "en"): ("![IMG_0042.jpg](/media/3f2a.jpg)\n",
                                "![Apricots drying on wooden racks](/media/3f2a.jpg)\n"),
    ("alt-is-filename", "hy"): ({**HY, "image": {"src": "pic.svg", "alt": "pic"}},
                                {**HY, "image": {"src": "pic.svg", "alt": "Ծիրաններ փայտե դարակների վրա"}}),
    ("foreign-text", "en"): ("The lake, known in Armenian as Սևանա լիճ, lies high.\n",
                             'The lake, known in Armenian as <span lang="hy">Սևանա լիճ</span>, lies high '
                             "above Երևան.\n"),
    # A lone brand name or acronym is common and harmless: only a run of words is flagged.
    ("foreign-text", "hy"): ("Աշակերտները կարդացին Ռոբերտ Ֆրոստի The Road Not Taken բանաստեղծությունը։\n",
                             "Աշակերտները կարդացին Ռոբերտ Ֆրոստի <span lang=\"en\">The Road Not Taken</span> "
                             "բանաստեղծությունը։ Գրադարանում կա անվճար Wi-Fi, իսկ NATO-ի մասին գրքերը "
                             "վերևում են։ Տե՛ս `git log --oneline` և https://example.org/road-not-taken։\n"),
    ("vague-link", "en"): ("The council published its plan. [Read more](https://example.org/plan)\n",
                           "The council published [its transport plan](https://example.org/plan).\n"),
    ("vague-link", "hy"): ("Քաղաքապետարանը հրապարակել է ծրագիրը։ [Ավելին»](https://example.org/plan)\n",
                           "Կարդացեք [քաղաքապետարանի տրանսպորտային ծրագիրը](https://example.org/plan)։\n"),
    ("same-text-links", "en"): ("[The report](https://example.org/a) and [the report](https://example.org/b) "
                                "disagree.\n",
                                "[The council's report](https://example.org/a) and [the union's report]"
                                "(https://example.org/b) disagree; [the council's report]"
                                "(https://example.org/a/) came first.\n"),
    ("same-text-links", "hy"): ("[Զեկույցը](https://example.org/a) և [զեկույցը](https://example.org/b) "
                                "հակասում են միմյանց։\n",
                                "[Քաղաքապետարանի զեկույցը](https://example.org/a) և [միության զեկույցը]"
                                "(https://example.org/b) հակասում են միմյանց։\n"),
    ("capitals", "en"): ("THE NIGHT BUSES START ON MONDAY, the city said.\n",
                         "The night buses start on Monday, said the NATO, EU, UN and OSCE observers.\n"),
    ("capitals", "hy"): ("ԳԻՇԵՐԱՅԻՆ ԱՎՏՈԲՈՒՍՆԵՐԸ ԿՍԿՍԵՆ ԵՐԿՈՒՇԱԲԹԻ, հայտարարել է քաղաքապետարանը։\n",
                         "ՀՀ կառավարությունը հայտարարել է, որ գիշերային ավտոբուսները կսկսեն երկուշաբթի։\n"),
    ("long-paragraph", "en"): ("The buses run late. " * 38 + "\n",
                               ("The buses run late. " * 19 + "\n\n") * 2),
    ("long-paragraph", "hy"): ("Ավտոբուսները երթևեկում են ուշ։ " * 38 + "\n",
                               ("Ավտոբուսները երթևեկում են ուշ։ " * 19 + "\n\n") * 2),
    ("long-alt", "en"): (f"![{LONG_EN_ALT}](/media/map.png)\n",
                         "![A city map with four bus lines meeting at Republic Square](/media/map.png)\n"),
    ("long-alt", "hy"): ({**HY, "image": {"src": "pic.svg", "alt": LONG_HY_ALT}},
                         {**HY, "image": {"src": "pic.svg", "alt": "Երևանի քարտեզ՝ գունավոր չորս գծերով"}}),
}
CASES = sorted(SAMPLES)


def write_sample(write_article, sample: Sample, lang: str) -> Path:
    fields = {**(HY if lang == "hy" else EN), "body": "A body.\n" if lang == "en" else "Մի մարմին։\n"}
    fields.update({"body": sample} if isinstance(sample, str) else sample)
    path: Path = write_article(**fields)
    (path.parent / "pic.svg").write_bytes(SVG)
    return path


def reported(stderr: str) -> set[str]:
    """The check ids in the command's output, "warning" before those that are warnings."""
    return set(re.findall(r": ((?:warning )?\[[a-z0-9-]+\])", stderr))


def test_every_check_has_a_failing_and_a_passing_sample_in_both_languages() -> None:
    assert set(SAMPLES) == {(check, lang) for check in CHECKS for lang in CODES}


@pytest.mark.parametrize(("check", "lang"), CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
def test_failing_sample_is_reported_by_its_check_alone(app: Flask, runner: FlaskCliRunner, write_article,
                                                       check: str, lang: str) -> None:
    path = write_sample(write_article, SAMPLES[check, lang][0], lang)
    result = runner.invoke(args=["articles", "check", str(path)])
    if CHECKS[check].severity == "error":
        assert result.exit_code == 1, result.output
        assert reported(result.stderr) == {f"[{check}]"}, result.stderr
        assert "check refused: 1 problem(s)" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert reported(result.stderr) == {f"warning [{check}]"}, result.stderr
        assert "1 article(s) OK, 1 warning(s)" in result.output
    assert result.stderr.startswith(f"{path}: ")


@pytest.mark.parametrize(("check", "lang"), CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
def test_passing_sample_passes_every_check_even_strict(app: Flask, runner: FlaskCliRunner, write_article,
                                                       check: str, lang: str) -> None:
    path = write_sample(write_article, SAMPLES[check, lang][1], lang)
    result = runner.invoke(args=["articles", "check", "--strict", str(path)])
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    assert "1 article(s) OK" in result.output


@pytest.mark.parametrize("check", ["heading-skip", "missing-alt", "alt-is-caption", "table-headers"])
def test_an_error_refuses_the_whole_import_and_leaves_the_database_as_it_was(
    app: Flask, runner: FlaskCliRunner, write_article, check: str
) -> None:
    good = write_article("good.md", slug="good-one")
    bad = write_sample(write_article, SAMPLES[check, "en"][0], "en")
    before = snapshot(app)
    result = runner.invoke(args=["articles", "import", str(good.parent)])
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(bad))}: \[{check}\] \S", result.stderr, re.MULTILINE)
    assert str(good) not in result.stderr
    assert "import refused: 1 problem(s); the database was not changed." in result.stderr
    assert snapshot(app) == before


def test_a_warning_is_printed_and_the_import_goes_ahead(app: Flask, runner: FlaskCliRunner,
                                                         write_article) -> None:
    path = write_sample(write_article, SAMPLES["vague-link", "hy"][0], "hy")
    result = runner.invoke(args=["articles", "import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (f"{path}: warning [vague-link] link text 'Ավելին»' says nothing out of context; "
                             "name where the link leads\n")
    assert re.search(r"imported 1 article\(s\) in [\d.]+ s, 1 warning\(s\)", result.output)
    assert app.test_client().get("/hy/articles/test-story").status_code == 200


@pytest.mark.parametrize("command", ["check", "import"])
def test_strict_turns_a_warning_into_a_refusal(app: Flask, runner: FlaskCliRunner, write_article,
                                               command: str) -> None:
    path = write_sample(write_article, SAMPLES["foreign-text", "hy"][0], "hy")
    before = snapshot(app)
    result = runner.invoke(args=["articles", command, "--strict", str(path)])
    assert result.exit_code == 1
    assert f"{path}: [foreign-text] 'The Road Not Taken'" in result.stderr
    assert ": warning [" not in result.stderr
    assert f"{command} refused: 1 problem(s)" in result.stderr
    assert snapshot(app) == before


def test_warnings_are_shown_with_the_errors_that_refuse_the_import(app: Flask, runner: FlaskCliRunner,
                                                                   write_article) -> None:
    warned = write_article("warned.md", slug="warned", body=SAMPLES["capitals", "en"][0])
    bad = write_article("bad.md", slug="bad", body=SAMPLES["empty-link", "en"][0])
    result = runner.invoke(args=["articles", "import", str(bad.parent)])
    assert result.exit_code == 1
    assert f"{bad}: [empty-link] a link to 'https://example.org/report' has no text" in result.stderr
    assert f"{warned}: warning [capitals] 6 words in capitals: 'THE NIGHT BUSES START ON MONDAY'" \
        in result.stderr
    assert "import refused: 1 problem(s)" in result.stderr


def test_the_demo_articles_pass_strict_checks_without_a_warning(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["articles", "check", "--strict", str(DEMO_DIR)])
    assert result.exit_code == 0 and result.stderr == "", result.stderr


def test_synthetic_articles_have_no_errors(tmp_path: Path) -> None:
    # The benchmark and the fault tests import them: warnings are fine, errors would stop them.
    generate(tmp_path, 40, seed=3)
    parsed = check_paths(None, [tmp_path])
    assert len(parsed) == 40 and not [f for p in parsed for f in p.findings if f.error]


@pytest.mark.parametrize("body", ["## Fine\n\n<h1>Raw</h1>\n", "Text <h1>inline</h1> more.\n",
                                  "Title\n=====\n\nText.\n"])
def test_an_h1_in_raw_html_or_setext_is_refused_like_a_hash_one(write_article, body: str) -> None:
    # The sanitiser removes h1 elements, keeping their text: the import finds them before it does.
    with pytest.raises(ImportRefused, match=r"\[heading-h1\] the body has an h1"):
        check_paths(None, [write_article(body=body)])


# --- the language of parts, in detail ----------------------------------------------------------


def ids(findings: list) -> list[str]:
    return [f.check for f in findings]


@pytest.mark.parametrize(("html", "flagged"), [
    ("<p>Նախագահ Kassym-Jomart Tokayev-ը ասաց։</p>", True),
    ("<p>Նախագահ Tokayev-ը ասաց։</p>", False),  # one word
    ("<p>Նոր iPhone 15 Pro հեռախոսը։</p>", True),  # numbers do not break a run
    ("<p>Ունի 8 GB RAM և Wi-Fi 6E։</p>", False),  # acronyms and single letters do not count
    ("<p>Kassym-Jomart <em>Tokayev</em>-ը ասաց։</p>", True),  # inline elements do not break a run
    ("<p>Kassym-Jomart</p><p>Tokayev</p>", False),  # blocks do
    ("<p>Paris և London</p>", False),  # an Armenian word between them does too
    ('<p lang="en">Kassym-Jomart Tokayev</p>', False),
    ('<p><span lang="en-GB">Kassym-Jomart Tokayev</span>-ը</p>', False),
    ('<p><span lang="fr">Liberté, égalité</span></p>', False),  # a language we cannot judge
    ('<p><span lang="hy-Latn">Hayastani Hanrapetutyun</span></p>', False),  # a script named
    ("<p>Տե՛ս <code>git log --oneline</code>։</p>", False),
    ("<pre>print hello world</pre>", False),
    ("<p>Տե՛ս https://example.org/the-road-not-taken և www.example.org/a-b և a.b@example.org։</p>", False),
])
def test_armenian_text_flags_runs_of_latin_words_without_a_matching_lang(html: str, flagged: bool) -> None:
    assert ids(check_body(html, "hy")) == (["foreign-text"] if flagged else [])


def test_text_marked_in_one_language_is_judged_by_that_language() -> None:
    findings = check_body('<p><span lang="en">Հայաստանի Հանրապետություն</span></p>', "hy")
    assert ids(findings) == ["foreign-text"]
    assert 'lang="en" text around it' in findings[0].message and '<span lang="hy">' in findings[0].message


def test_english_text_flags_runs_of_armenian_words() -> None:
    assert ids(check_body("<p>They said Ի՞նչ է թարգմանությունը aloud.</p>", "en")) == ["foreign-text"]
    assert ids(check_body("<p>The Մատենադարան holds manuscripts.</p>", "en")) == []
    assert ids(check_body('<p>They said <q lang="hy">Ի՞նչ է թարգմանությունը</q> aloud.</p>', "en")) == []


def test_a_run_is_as_long_as_the_threshold() -> None:
    words = " ".join(["Tokayev"] * FOREIGN_RUN_WORDS)
    assert ids(check_body(f"<p>Նախագահ {words}։</p>", "hy")) == ["foreign-text"]
    fewer = " ".join(["Tokayev"] * (FOREIGN_RUN_WORDS - 1))
    assert ids(check_body(f"<p>Նախագահ {fewer}։</p>", "hy")) == []


def test_the_warning_names_the_sentence_in_a_short_escaped_excerpt() -> None:
    html = ("<p>Առաջին նախադասությունն այստեղ է։ Երկրորդ նախադասության մեջ, բավական հեռու սկզբից, "
            "նախագահ Kassym-Jomart Tokayev-ը ասաց\x1b[31m մի բան, որը շատ երկար է։ Երրորդը։</p>")
    [finding] = check_body(html, "hy")
    assert finding.message.startswith("'Kassym-Jomart Tokayev' is in another script")
    sentence = re.search(r"in ('…[^']*')", finding.message)
    assert sentence, finding.message
    assert "Kassym-Jomart Tokayev" in sentence[1] and "Առաջին" not in sentence[1]
    assert "\x1b" not in finding.message and "\\x1b" in finding.message
    assert len(ast.literal_eval(sentence[1])) <= 60


# --- thresholds and other details --------------------------------------------------------------


def test_capitals_need_enough_words_in_a_row() -> None:
    shout = " ".join(["NIGHT"] * CAPITALS_WORDS)
    assert ids(check_body(f"<p>{shout} buses.</p>", "en")) == ["capitals"]
    assert ids(check_body(f"<p>{' '.join(['NIGHT'] * (CAPITALS_WORDS - 1))} buses.</p>", "en")) == []
    assert ids(check_body("<p>THIS IS A TEST OF IT</p>", "en")) == ["capitals"]
    assert ids(check_body(f"<p><code>{shout}</code></p>", "en")) == []


def test_paragraph_and_alt_lengths_at_the_threshold() -> None:
    assert ids(check_body(f"<p>{'word ' * LONG_PARAGRAPH_WORDS}</p>", "en")) == []
    assert ids(check_body(f"<p>{'word ' * (LONG_PARAGRAPH_WORDS + 1)}</p>", "en")) == ["long-paragraph"]
    fits = "a" * LONG_ALT_CHARACTERS
    assert ids(check_body(f'<p><img src="/media/x.png" alt="{fits}"></p>', "en")) == []
    assert ids(check_body(f'<p><img src="/media/x.png" alt="{fits}b"></p>', "en")) == ["long-alt"]


def test_vague_link_texts_of_either_language_are_caught_in_any_article() -> None:
    for text in ("Click here", "read more…", "here", "Այստեղ", "ավելին", "Կարդալ ավելին »", "սեղմե՛ք այստեղ"):
        for lang in CODES:  # (two words of the other language are also foreign text)
            assert "vague-link" in ids(check_body(f'<p><a href="https://example.org/">{text}</a></p>', lang))


def test_a_link_of_punctuation_alone_is_vague() -> None:
    [finding] = check_body('<p>The plan <a href="https://example.org/plan">→</a></p>', "en")
    assert str(finding) == "[vague-link] link text '→' says nothing out of context; name where the link leads"


def test_links_with_the_same_text_and_the_same_target_are_fine() -> None:
    html = '<p><a href="https://example.org/r">Report</a> and <a href="https://example.org/r/">report</a></p>'
    assert ids(check_body(html, "en")) == []


def test_a_link_named_by_its_image_is_not_empty() -> None:
    html = '<p><a href="https://example.org/"><img src="/media/l.png" alt="The union"></a></p>'
    assert ids(check_body(html, "en")) == []
    assert ids(check_body('<p><a href="https://example.org/"> </a></p>', "en")) == ["empty-link"]
    assert ids(check_body("<p><a>not a link</a></p>", "en")) == []


def test_an_image_the_sanitiser_left_without_an_address_is_said_to_be_removed() -> None:
    # <img src=//other.host/x.png onerror=…>: its address is removed, and the browser shows
    # nothing; no alt-text check applies to what readers never see.
    findings = check_body("<p>Hello <img></p>", "en")
    assert ids(findings) == ["picture-removed"]
    assert findings[0].message.startswith("the picture without alt text is from another host")


def test_heading_levels_may_go_back_up_but_not_skip_down() -> None:
    html = "<h2>a</h2><h3>b</h3><h4>c</h4><h2>d</h2><h3>e</h3><h5>f</h5>"
    findings = check_body(html, "en")
    assert ids(findings) == ["heading-skip"]
    assert findings[0].message == "heading 'f' is h5 after h3; go down one level at a time (make it h4)"


def test_one_check_reports_a_bounded_number_of_lines() -> None:
    html = "".join(f'<p><a href="https://example.org/{n}"></a></p>' for n in range(25))
    findings = check_body(html, "en")
    assert len(findings) == MAX_FINDINGS_PER_CHECK + 1
    assert str(findings[-1]) == f"[empty-link] and {25 - MAX_FINDINGS_PER_CHECK} more like these"


def test_the_stored_article_is_unchanged_by_the_checks(app: Flask, write_article) -> None:
    # The checks read the sanitised body; they do not alter what is stored.
    path = write_sample(write_article, SAMPLES["foreign-text", "en"][1], "en")
    [parsed] = check_paths(None, [path])
    import_paths(store.connect(app.config["DATABASE"]), [path])
    page = app.test_client().get("/en/articles/test-story").get_data(as_text=True)
    assert '<span lang="hy">Սևանա լիճ</span>' in parsed.article.body_html
    assert '<span lang="hy">Սևանա լիճ</span>' in page


def test_the_readme_lists_every_check_with_its_kind() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", readme, re.MULTILINE))
    assert rows == {check.id: check.severity for check in CHECKS.values()}


def test_a_skip_right_after_a_body_h1_names_the_h1_as_written() -> None:
    """The author's h1 is refused on its own and must become h2: a heading skipping a level right
    after it says "after the h1", not "after h2" (a heading the author never wrote)."""
    from reader.contentchecks import check_body
    from reader.importer import render_markdown

    html, h1s = render_markdown("# A second headline\n\n#### Skipped level\n\nText.\n")
    from reader.sanitize import clean

    messages = [f.message for f in check_body(str(clean(html)), "en", h1s) if f.check == "heading-skip"]
    assert messages == ["heading 'Skipped level' is h4 after the h1 (which must become h2); go down one "
                        "level at a time (make it h3)"]
    html, h1s = render_markdown("# Top\n\n## Next\n\n#### Skipped\n\nText.\n")
    messages = [f.message for f in check_body(str(clean(html)), "en", h1s) if f.check == "heading-skip"]
    assert messages == ["heading 'Skipped' is h4 after h2; go down one level at a time (make it h3)"]
