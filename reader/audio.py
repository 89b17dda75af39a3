"""The audio edition: each article read aloud in its own language by eSpeak NG (Armenian and English
voices, offline), passages in the other language read by that language's voice, encoded to MP3
(mono, speech bitrate) by LAME. Made by `flask --app app articles audio`, never during a request;
an article whose spoken text has not changed is not made again."""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
import sqlite3
import subprocess
import wave
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from flask_babel import force_locale, gettext

from .i18n import byline
from .store import Article

# eSpeak NG's voice for each interface language (British English, to match the copy).
VOICES = {"hy": "hy", "en": "en-gb"}
RATE = 22050  # eSpeak NG's output: 22.05 kHz, mono, 16-bit
BITRATE_KBPS = 40  # MP3 at a speech bitrate: about 0.3 MB a minute
WORDS_PER_MINUTE = 165  # espeak-ng -s (its default is 175; a little slower is easier to follow)
PAUSE_BLOCK = 0.45  # seconds between paragraphs, headings and list items
PAUSE_PART = 0.9  # between the headline, standfirst, byline and body
# Part of every content hash: a change here (or in the voices) makes every file again.
RECIPE = f"espeak-ng:{sorted(VOICES.items())}:{WORDS_PER_MINUTE}:{BITRATE_KBPS}:{PAUSE_BLOCK}:{PAUSE_PART}:1"


class AudioError(Exception):
    """eSpeak NG or LAME is missing or failed; the message says which and what to do."""


@dataclass(frozen=True)
class Passage:
    """Words read in one voice, then a pause."""

    lang: str
    text: str
    pause: float = PAUSE_BLOCK


@dataclass(frozen=True)
class Edition:
    name: str  # content hash + ".mp3": a new recording gets a new URL
    data: bytes
    seconds: float
    source_hash: str


BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "dt", "dd", "tr", "pre",
          "caption", "div", "figure", "table", "ul", "ol", "dl", "br", "hr"}


class _Reader(HTMLParser):
    """Sanitised article HTML into passages: blocks become pauses, `lang` switches the voice, code
    and tables are announced rather than spelled out."""

    def __init__(self, lang: str, say: Callable[[str], str]) -> None:
        super().__init__(convert_charrefs=True)
        self.langs: list[tuple[str, str]] = [("", lang)]  # (tag, language) of open elements
        self.say = say
        self.passages: list[Passage] = []
        self.words: list[tuple[str, str]] = []  # (language, text) of the block being read
        self.skipping = 0  # inside <pre>: code is announced, not read character by character

    def _lang(self) -> str:
        return self.langs[-1][1]

    def _flush(self) -> None:
        merged: list[tuple[str, str]] = []
        for lang, text in self.words:
            if merged and merged[-1][0] == lang:
                merged[-1] = (lang, merged[-1][1] + text)
            else:
                merged.append((lang, text))
        for lang, text in merged:
            spoken = " ".join(text.split())
            if spoken:
                self.passages.append(Passage(lang, spoken, 0.05))
        if self.passages and merged:
            last = self.passages[-1]
            self.passages[-1] = Passage(last.lang, last.text, PAUSE_BLOCK)
        self.words = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self._flush()
        if tag == "pre":
            self.words.append((self._lang(), self.say("A code example, not read aloud.")))
            self._flush()
            self.skipping += 1
        elif tag == "table":
            self.words.append((self._lang(), self.say("A table, read row by row.")))
            self._flush()
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.words.append((self._lang(), f" {self.say('Picture:')} {alt}. "))
        elif tag in ("td", "th"):
            self.words.append((self._lang(), " ; "))
        own = dict(attrs).get("lang")
        code = own.split("-")[0].lower() if own else None
        if tag not in ("br", "hr", "img"):
            self.langs.append((tag, code if code in VOICES else self._lang()))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.langs) - 1, 0, -1):
            if self.langs[i][0] == tag:
                del self.langs[i:]
                break
        if tag == "pre":
            self.skipping = max(0, self.skipping - 1)
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.words.append((self._lang(), data))

    def close(self) -> None:
        super().close()
        self._flush()


def script(article: Article) -> list[Passage]:
    """What is read, in order: headline, standfirst, byline, then the body, each in its voice.
    The few words the reader adds ("By", "Picture:") are in the article's language."""
    lang = article.lang

    def say(message: str) -> str:
        with force_locale(lang):
            return str(gettext(message))

    passages = [Passage(lang, article.title, PAUSE_PART), Passage(lang, article.summary, PAUSE_PART)]
    if article.authors:
        with force_locale(lang):
            spoken = byline(article.authors).striptags()
        passages.append(Passage(lang, spoken, PAUSE_PART))
    if article.image_caption:
        passages.append(Passage(lang, f"{say('Picture caption:')} {article.image_caption}", PAUSE_PART))
    reader = _Reader(lang, say)
    reader.feed(article.body_html)
    reader.close()
    return passages + reader.passages


def source_hash(passages: Iterable[Passage]) -> str:
    """Changes when the spoken words, their voices or the recipe change; nothing else does."""
    digest = hashlib.sha256(RECIPE.encode())
    for p in passages:
        digest.update(f"\x00{p.lang}\x00{p.pause}\x00{p.text}".encode())
    return digest.hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AudioError(f"{name} is not installed: the audio edition needs the Debian packages "
                         "espeak-ng and lame (`make audio-tools` installs them as root)")
    return path


@functools.lru_cache(maxsize=16)
def _has_voice(espeak: str, voice: str) -> bool:
    """Does eSpeak NG have this voice? (Asked for one it lacks, it reads with its default voice and
    says nothing: Armenian would be read as English.)"""
    listed = subprocess.run([espeak, f"--voices={voice}"], capture_output=True, text=True, check=False,
                            timeout=30).stdout
    return any(line.split()[1:2] == [voice] for line in listed.splitlines()[1:])


def _speak(espeak: str, passage: Passage) -> bytes:
    """16-bit mono PCM at RATE of one passage."""
    voice = VOICES[passage.lang]
    if not _has_voice(espeak, voice):
        raise AudioError(f"espeak-ng has no voice {voice!r} for {passage.lang!r}; install espeak-ng-data")
    result = subprocess.run(
        [espeak, "-v", VOICES[passage.lang], "-s", str(WORDS_PER_MINUTE), "--stdout", "-b", "1"],
        input=passage.text.encode("utf-8"), capture_output=True, check=False, timeout=300,
    )
    if result.returncode != 0:
        raise AudioError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()[:200]}")
    with wave.open(io.BytesIO(result.stdout)) as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE, 1, 2):
            raise AudioError("espeak-ng gave audio in an unexpected format")
        frames: bytes = w.readframes(w.getnframes())
        return frames


def _pcm(passages: Iterable[Passage]) -> Iterator[bytes]:
    espeak = _tool("espeak-ng")
    for p in passages:
        yield _speak(espeak, p)
        yield b"\x00\x00" * int(RATE * p.pause)


def record(article: Article) -> Edition:
    """Read the article aloud and encode it; raise AudioError with the reason."""
    passages = script(article)
    pcm = b"".join(_pcm(passages))
    lame = _tool("lame")
    result = subprocess.run(
        [lame, "--quiet", "-r", "-s", f"{RATE / 1000:g}", "--bitwidth", "16", "--signed", "--little-endian",
         "-m", "m", "-b", str(BITRATE_KBPS), "--cbr", "-", "-"],
        input=pcm, capture_output=True, check=False, timeout=600,
    )
    if result.returncode != 0 or not result.stdout:
        raise AudioError(f"lame failed: {result.stderr.decode(errors='replace').strip()[:200]}")
    data = result.stdout
    name = hashlib.sha256(data).hexdigest()[:16] + ".mp3"
    return Edition(name, data, len(pcm) / 2 / RATE, source_hash(passages))


def minutes_in_words(seconds: float) -> int:
    """Whole minutes, at least one, for "Listen (4 minutes)"."""
    return max(1, round(seconds / 60))



@dataclass
class Run:
    """What one `articles audio` run did."""

    made: list[str]
    unchanged: list[str]
    failed: list[tuple[str, str]]  # (article, reason)
    seconds_of_speech: float = 0.0
    bytes: int = 0


def label(article: Article) -> str:
    return f"{article.lang}/{article.slug}"


def make_editions(conn: sqlite3.Connection, articles: Iterable[Article],
                  progress: Callable[[int], None] = lambda done: None) -> Run:
    """Record every article whose spoken text changed since its last recording; one article's
    failure is reported and does not stop the others."""
    from . import store

    run = Run([], [], [])
    for number, article in enumerate(articles):
        progress(number)
        try:
            current = store.audio(conn, article.id)
            if current is not None and current.source_hash == source_hash(script(article)):
                run.unchanged.append(label(article))
                continue
            edition = record(article)
        except (AudioError, OSError, subprocess.SubprocessError, wave.Error, EOFError) as e:
            run.failed.append((label(article), str(e) or type(e).__name__))
            continue
        store.put_audio(conn, article.id, edition.name, edition.data, edition.seconds, edition.source_hash)
        run.made.append(label(article))
        run.seconds_of_speech += edition.seconds
        run.bytes += len(edition.data)
    return run
