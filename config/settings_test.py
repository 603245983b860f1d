"""Test settings: the real settings with fast hashing and tasks run in-process."""

import os

os.environ.setdefault(
    "GONGZHI_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from config.settings import *  # noqa: F403  (the one place settings are layered)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 is tested
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
