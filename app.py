"""Entry point for `flask --app app` and WSGI servers (`gunicorn app:app`). A setting or database
the reader cannot use stops it with one line per problem, not a traceback."""

from reader import create_app, store
from reader.serve import cannot_start
from reader.settings import SettingsError

try:
    app = create_app()
except (SettingsError, store.StoreError) as e:
    cannot_start(str(e).splitlines())
    raise SystemExit(1) from None
