"""Bench-only settings: the project's settings with the bench URLconf (``_server_urls``).

``bench_cases.py`` starts its server with ``DJANGO_SETTINGS_MODULE=_server_settings`` and
``bench/`` on the Python path; nothing else imports this module.
"""

from config.settings import *  # noqa: F403  (the project's settings, one override)

ROOT_URLCONF = "_server_urls"
