"""AppTest page tests; shared helpers in conftest.py (import them as ``from .conftest import run_page``)."""
