"""The WSGI application for production servers: `granian --interface wsgi reader.wsgi:app`."""

from __future__ import annotations

from . import create_app

app = create_app()
