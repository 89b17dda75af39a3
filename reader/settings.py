"""The operator's settings, read once at start-up into typed values: defaults, then `READER_*`
environment variables, then (in tests) the test config. A bad value stops the start with the
variable's name and what it accepts."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app


class SettingsError(Exception):
    """A `READER_*` setting has a value the reader cannot use; the message names it."""


# A host name (letters, digits, hyphens, dots) or a bracketed IPv6 address, without the port.
HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?"
                  r"|\[[0-9a-f:.]{2,45}\]", re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    database: str
    load_demo: bool  # fill an empty or missing database with the demo articles
    read_only: bool  # open the database read-only (a published file shared by many servers)
    timezone: str
    page_size: int
    search_page_size: int
    cache_max_age: int  # seconds a shared cache may keep an anonymous page
    page_cache: bool  # keep rendered pages in memory, per worker
    page_cache_mb: float
    proxy_count: int  # proxies in front that set X-Forwarded-Proto/-Host; 0: believe none
    image_hosts: tuple[str, ...]  # hosts lead images may come from besides this site
    trusted_hosts: tuple[str, ...]  # host names this site answers to; empty: any well-formed one
    site_url: str | None  # "https://example.org": the only origin of absolute URLs when set
    format_locales: dict[str, str]  # interface language -> Babel locale for dates and numbers
    accessibility_contact: str | None  # "mailto:..." or an https URL, given in the statement

    @property
    def page_cache_bytes(self) -> int:
        return int(self.page_cache_mb * 1024 * 1024)


def defaults(instance_path: str) -> dict[str, Any]:
    """The settings' defaults, as Flask config keys (READER_<KEY> in the environment)."""
    return {
        "DATABASE": os.path.join(instance_path, "reader.sqlite3"),
        "LOAD_DEMO": True,
        "READ_ONLY": False,
        "TIMEZONE": "Asia/Yerevan",
        "PAGE_SIZE": 10,
        "SEARCH_PAGE_SIZE": 10,
        "CACHE_MAX_AGE": 60,
        "PAGE_CACHE": True,
        "PAGE_CACHE_MB": 16,
        "PROXY_COUNT": 0,
        "IMAGE_HOSTS": "",
        "TRUSTED_HOSTS": "",
        "SITE_URL": "",
        "FORMAT_LOCALES": "en_GB",
        "ACCESSIBILITY_CONTACT": "",
    }


def _fail(key: str, value: object, wants: str) -> SettingsError:
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return SettingsError(f"READER_{key}: {wants}, got {shown}")


def _bool(key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no",
                                                            "off"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if value in (0, 1):
        return bool(value)
    raise _fail(key, value, "must be true or false")


def _int(key: str, value: object, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())  # True reads "True": refused, though Python counts it as 1
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise _fail(key, value, f"must be a whole number from {low} to {high}")
    return number


def _float(key: str, value: object, low: float, high: float) -> float:
    try:
        number = float(str(value).strip())  # True reads "True": refused, though Python counts it as 1
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise _fail(key, value, f"must be a number from {low:g} to {high:g}")
    return number


def _hosts(key: str, value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    hosts: list[str] = []
    for item in items:
        host = str(item).strip().lower().removeprefix("https://").rstrip("/")
        if not host:
            continue
        if not HOST.fullmatch(host) or len(host) > 253:
            raise _fail(key, item, "must be comma-separated host names (no scheme, port or path)")
        hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def _site_url(key: str, value: object) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/")
            or parts.query or parts.fragment or parts.username or parts.password
            or not HOST.fullmatch(parts.hostname)):
        raise _fail(key, value, "must be a scheme and host such as https://news.example.org")
    try:
        port = parts.port
    except ValueError:
        raise _fail(key, value, "has a port that is not a number from 1 to 65535") from None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def _timezone(key: str, value: object) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(key, value, "must be an IANA time zone such as Asia/Yerevan") from None
    return str(value)


def _format_locales(key: str, value: object) -> dict[str, str]:
    """"en_GB" or "en_US,hy": for each interface language, the regional locale for dates, times
    and numbers (its language must be an interface language; Babel must know it)."""
    from .languages import CODES

    chosen: dict[str, str] = {}
    for item in str(value or "").split(","):
        name = item.strip()
        if not name:
            continue
        try:
            locale = Locale.parse(name.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            raise _fail(key, item, "must be locales such as en_GB or en_US") from None
        if locale.language not in CODES:
            raise _fail(key, item, f"must be locales of the interface languages ({', '.join(CODES)})")
        chosen[locale.language] = str(locale)
    return chosen


# An e-mail address as people write them: one @, a dotted domain, no spaces or markup.
EMAIL = re.compile(r"[^@\s<>\"'(),;:]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)


def _contact(key: str, value: object) -> str | None:
    """Where readers report accessibility problems: an e-mail address (becomes a mailto: link) or
    the https address of a contact page."""
    text = str(value or "").strip()
    if not text:
        return None
    address = text.removeprefix("mailto:")
    if EMAIL.fullmatch(address) and len(address) <= 254:  # the longest address mail carries
        return "mailto:" + address
    parts = urlsplit(text)
    if (parts.scheme == "https" and parts.hostname and HOST.fullmatch(parts.hostname)
            and not parts.username and not parts.password and len(text) <= 2000):
        return text
    raise _fail(key, value, "must be an e-mail address or an https:// address of a contact page")


def _database(key: str, value: object) -> str:
    path = str(value or "").strip()
    if not path:
        raise _fail(key, value, "must be the path of the SQLite file")
    return path


# Each setting: its key and how to read it.
_READERS: dict[str, Callable[[str, object], object]] = {
    "DATABASE": _database,
    "LOAD_DEMO": _bool,
    "READ_ONLY": _bool,
    "TIMEZONE": _timezone,
    "PAGE_SIZE": lambda k, v: _int(k, v, 1, 100),
    "SEARCH_PAGE_SIZE": lambda k, v: _int(k, v, 1, 100),
    "CACHE_MAX_AGE": lambda k, v: _int(k, v, 0, 31_536_000),
    "PAGE_CACHE": _bool,
    "PAGE_CACHE_MB": lambda k, v: _float(k, v, 0.0625, 4096),
    "PROXY_COUNT": lambda k, v: _int(k, v, 0, 10),
    "IMAGE_HOSTS": _hosts,
    "TRUSTED_HOSTS": _hosts,
    "SITE_URL": _site_url,
    "FORMAT_LOCALES": _format_locales,
    "ACCESSIBILITY_CONTACT": _contact,
}


def parse(config: Mapping[str, Any]) -> Settings:
    """Check every setting and return them typed; raise SettingsError with one line per bad one."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for key, read in _READERS.items():
        try:
            values[key.lower()] = read(key, config[key])
        except SettingsError as e:
            problems.append(str(e))
    if not problems and values["proxy_count"] and not values["trusted_hosts"]:
        problems.append(
            "READER_PROXY_COUNT is set but READER_TRUSTED_HOSTS is empty: list the host names this "
            "site answers to, so a forged X-Forwarded-Host is refused"
        )
    if problems:
        raise SettingsError("\n".join(problems))
    return Settings(**values)  # type: ignore[arg-type]


def init_app(app: Flask) -> Settings:
    settings = parse(app.config)
    app.extensions["reader.settings"] = settings
    # Flask's own keys that follow from ours. Hosts are checked before Flask, by reader.origin,
    # alone: a second check with other rules (a final dot) would turn a good request into a 500.
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings.timezone
    app.config["TRUSTED_HOSTS"] = None
    return settings


def get(app: Flask | None = None) -> Settings:
    """The running app's settings."""
    found: Settings = (app or current_app).extensions["reader.settings"]
    return found

