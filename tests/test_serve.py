"""`make serve`'s start-up check (python -m reader.serve): one clear line per problem, exit 1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the start-up check as `make serve` does, from another folder, with these READER_*."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    return subprocess.run(
        [sys.executable, "-m", "reader.serve", "--port", "1"],
        env={**clean, **{f"READER_{k}": v for k, v in env.items()}},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )


def test_a_missing_database_stops_the_start_with_the_file_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite3"
    result = start(tmp_path, DATABASE=str(path), LOAD_DEMO="false", SITE_URL="https://news.example")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"reader: cannot start: {path}: database file not found; create it with "
        "`flask --app app articles import PATH` or set READER_LOAD_DEMO=true"
    ]
    assert "Traceback" not in result.stderr and not path.exists()


def test_a_corrupt_or_foreign_database_stops_the_start_in_one_line(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"not a database" * 300)
    foreign = tmp_path / "foreign.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    for path, reason in ((corrupt, "not a readable SQLite database"), (foreign, "not a reader database")):
        result = start(tmp_path, DATABASE=str(path), SITE_URL="https://news.example")
        lines = result.stderr.splitlines()
        assert result.returncode == 1 and len(lines) == 1, result.stderr
        assert lines[0].startswith(f"reader: cannot start: {path}: {reason}")
        assert "READER_DATABASE" in lines[0] or "import" in lines[0]


def test_every_bad_setting_is_named_on_its_own_line(tmp_path: Path) -> None:
    result = start(tmp_path, DATABASE=str(tmp_path / "db.sqlite3"), PAGE_SIZE="ten", PROXY_COUNT="-1",
                   SITE_URL="javascript:alert(1)")
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert [line.split(":")[2].strip() for line in lines] == [
        "READER_PAGE_SIZE", "READER_PROXY_COUNT", "READER_SITE_URL"]
    assert all(line.startswith("reader: cannot start: READER_") for line in lines)


def test_a_proxy_without_trusted_hosts_is_refused(tmp_path: Path) -> None:
    result = start(tmp_path, DATABASE=str(tmp_path / "db.sqlite3"), PROXY_COUNT="1")
    assert result.returncode == 1
    assert "READER_TRUSTED_HOSTS is empty" in result.stderr


def test_a_warning_when_no_origin_is_configured(tmp_path: Path) -> None:
    # A missing database keeps the check from starting the server; the warning comes first.
    result = start(tmp_path, DATABASE=str(tmp_path / "absent.sqlite3"), LOAD_DEMO="false")
    assert result.stderr.splitlines()[0].startswith(
        "reader: warning: neither READER_SITE_URL nor READER_TRUSTED_HOSTS is set")
    quiet = start(tmp_path, DATABASE=str(tmp_path / "absent.sqlite3"), LOAD_DEMO="false",
                  TRUSTED_HOSTS="news.example")
    assert "reader: warning" not in quiet.stderr


def flask(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A `flask --app app` command run from the checkout with these READER_* settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("READER_", "FLASK_"))}
    return subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "app", *args],
        env={**clean, **{f"READER_{k}": v for k, v in env.items()}},
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=60,
    )


def test_every_flask_command_names_bad_settings_in_one_line_each_without_a_traceback(tmp_path: Path) -> None:
    result = flask(tmp_path, "sections", "list", DATABASE=str(tmp_path / "db.sqlite3"), PAGE_SIZE="0",
                   TIMEZONE="Mars/Base")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "reader: cannot start: READER_TIMEZONE: must be an IANA time zone such as Asia/Yerevan, "
        "got 'Mars/Base'",
        "reader: cannot start: READER_PAGE_SIZE: must be a whole number from 1 to 100, got 0",
    ]


def test_make_runs_check_refuses_a_missing_database_and_passes_a_good_one_quietly(tmp_path: Path) -> None:
    """`make run` checks first (`--check`), as `make serve` does, without production advice."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}

    def check(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reader.serve", "--check"], cwd=tmp_path,
                              env={**clean, **{f"READER_{k}": v for k, v in env.items()}},
                              capture_output=True, text=True, timeout=60)

    missing = check(DATABASE=str(tmp_path / "absent.sqlite3"), LOAD_DEMO="false")
    assert missing.returncode == 1 and "database file not found" in missing.stderr
    assert "warning" not in missing.stderr
    good = check(DATABASE=str(tmp_path / "demo.sqlite3"))
    assert good.returncode == 0 and good.stderr == ""


def test_listing_sections_of_a_missing_database_says_so_in_one_line(tmp_path: Path) -> None:
    result = flask(tmp_path, "sections", "list", DATABASE=str(tmp_path / "absent.sqlite3"), LOAD_DEMO="false")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'absent.sqlite3'}: database file not found; it cannot be created read-only"]
