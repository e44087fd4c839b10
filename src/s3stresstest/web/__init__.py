"""Survey collection on the web: respondent pages, admin pages and a JSON API (FastAPI + Jinja2).

`create_app(store)` builds the app; `s3stresstest serve` (or `python -m s3stresstest.web`) runs it.
"""

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
