"""Entry point for `flask --app app` and WSGI servers (`gunicorn app:app`). A setting or database
the reader cannot use stops it with one line per problem, not a traceback."""

import sys

from reader import create_app, store
from reader.settings import SettingsError

try:
    app = create_app()
except (SettingsError, store.StoreError) as e:
    for line in str(e).splitlines():
        print(f"reader: cannot start: {line}", file=sys.stderr)
    raise SystemExit(1) from None
