"""Build hook only: every setting lives in pyproject.toml.

The repository keeps templates/, static/ and translations/ at the top level, and the compiled
catalogs (.mo) are build output that is never committed. A wheel must still carry all three inside
the package (reader/templates, reader/static, reader/translations/<lang>/LC_MESSAGES/*.mo), where
reader.resource() looks first. That takes a build step, and a build step needs a cmdclass: this
file, because pyproject.toml can only name a cmdclass by import path and importing reader/ needs
Flask, which is not a build requirement.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
COPIED = ("templates", "static")
# Editor and system leftovers (.DS_Store, .*.swp) are not site files.
JUNK = shutil.ignore_patterns(".*", "*~", "__pycache__")


class BuildPyWithResources(build_py):
    """build_py, plus templates/ and static/ copied and translations/ compiled into the package."""

    def run(self) -> None:
        super().run()
        # An editable install serves the checkout's own folders (resource() falls back to them):
        # nothing to build, and nothing may appear inside the source package.
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "reader"
        for name in (*COPIED, "translations"):
            # Start clean: a file deleted from the checkout must not linger in build/ and ship.
            shutil.rmtree(package / name, ignore_errors=True)
        for name in COPIED:
            shutil.copytree(ROOT / name, package / name, ignore=JUNK)
        catalogs = sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))
        if not catalogs:
            # An sdist without its catalogs would build a wheel that silently serves English only.
            raise FileNotFoundError(f"no translations/*/LC_MESSAGES/*.po under {ROOT}")
        for po in catalogs:
            mo = package / "translations" / po.relative_to(ROOT / "translations").with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            # Fuzzy entries stay out, as with `pybabel compile` (make catalogs).
            with mo.open("wb") as target:
                write_mo(target, catalog)


setup(cmdclass={"build_py": BuildPyWithResources})
