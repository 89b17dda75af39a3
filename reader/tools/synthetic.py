"""Synthetic articles for load tests and benchmarks: realistic size and Armenian/English mix,
written as ordinary article files so they go through the real import."""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import DEMO_DIR
from ..progress import Progress
from ..sections import defaults

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def vocabulary() -> dict[str, list[str]]:
    """Words of each language, taken from the demo articles' bodies."""
    words: dict[str, list[str]] = {"hy": [], "en": []}
    for path in sorted(DEMO_DIR.glob("*.md")):
        lang = path.name[:2]
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        words[lang] += _WORD.findall(re.sub(r"<[^>]+>", " ", body))
    return words


def _sentence(rng: random.Random, words: list[str], end: str) -> str:
    chosen = [rng.choice(words) for _ in range(rng.randint(8, 22))]
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + end


def _body(rng: random.Random, words: list[str], lang: str, n_words: int) -> str:
    end = "։" if lang == "hy" else "."
    parts: list[str] = []
    count = 0
    while count < n_words:
        if parts and rng.random() < 0.15:
            parts.append("## " + _sentence(rng, words, "")[:60])
        paragraph = " ".join(_sentence(rng, words, end) for _ in range(rng.randint(2, 5)))
        if rng.random() < 0.2:
            paragraph += f" [{rng.choice(words)}](https://example.org/{rng.randint(1, 999)})"
        if rng.random() < 0.2:
            first, rest = paragraph.split(" ", 1)
            paragraph = f"**{first}** {rest}"
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts) + "\n"


def generate(folder: Path, count: int, seed: int = 1, bilingual: float = 0.6,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Write `count` article files under `folder` (in subfolders of 1,000); return the count."""
    rng = random.Random(seed)
    words = vocabulary()
    sections = [s.slug for s in defaults()]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    written = 0
    story = 0
    while written < count:
        story += 1
        langs = ["hy", "en"] if rng.random() < bilingual and written + 1 < count else [
            rng.choice(["hy", "en"])]
        published = start + timedelta(minutes=37 * story + rng.randint(0, 30))
        section = rng.choice(sections)
        for lang in langs:
            w = words[lang]
            slug = f"synthetic-{story}"
            title = _sentence(rng, w, "")[:90]
            summary = _sentence(rng, w, "։" if lang == "hy" else ".")
            body = _body(rng, w, lang, rng.randint(350, 900))
            sub = folder / f"{written // 1000:04d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{lang}-{slug}.md").write_text(
                "---\n"
                f"slug: {slug}\nlang: {lang}\nstory: story-{story}\n"
                f'title: "{title}"\nsummary: "{summary}"\n'
                f"published: {published.isoformat()}\nsection: {section}\n"
                f"authors: [Synthetic Desk]\n---\n{body}",
                encoding="utf-8",
            )
            written += 1
            if progress is not None and written % 100 == 0:
                progress(written, count)
    return written


def main(argv: list[str] | None = None) -> None:
    """`python -m reader.tools.synthetic FOLDER [--count N] [--seed S]`."""
    parser = argparse.ArgumentParser(
        prog="python -m reader.tools.synthetic",
        description="Write synthetic article files (Armenian and English, most stories in both).")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=100_000, help="how many article files")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same articles")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with Progress("writing") as progress:
        written = generate(args.folder, args.count, args.seed, progress=progress)
    print(f"wrote {written} article file(s) to {args.folder} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
