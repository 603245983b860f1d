"""Personal-data protection per second: encryption, blind and tail indexes, on one core.

The residents import (issue 3) must land ≥ 50,000 rows/s end to end; each row seals its
ID number and phone (``gongzhi.core.pii``). This measures what that costs, without a
database, on 200,000 synthetic (ID number, phone) pairs: valid GB 11643 numbers of the
league's counties and mobile numbers. The machine is shared, so every section reports the
best of three runs. Prints one JSON line.

- ``pairs_per_s`` / ``values_per_s``: ``encrypt`` and ``blind_index`` of both values of a
  pair (2 encryptions + 2 blind indexes per pair); values = 2 × pairs.
- ``rows_per_s``: the work one registry row needs, through ``pii.protect``: 2
  encryptions, 2 blind indexes, 2 tail indexes (the last 4 of the ID and of the phone) and 2 masks
  (``idcard.mask_id``, ``pii.mask_phone``). ``row_us`` is its cost in microseconds beside
  the 20 µs a row may take in all at 50,000 rows/s; ``cores_busy_at_target`` is how much
  of a core this work alone keeps busy at the target rate (the parsing, validation and
  inserts of the import come on top).
- ``encrypt_values_per_s``, ``decrypt_values_per_s``, ``blind_index_values_per_s``,
  ``tail_indexes_per_s``, ``normalise_pairs_per_s``: each piece alone.
- ``limit_aesgcm_values_per_s``: a bare loop of ``AESGCM.encrypt`` with a fresh
  ``os.urandom(12)`` nonce on pre-encoded bytes: the cost of the cipher itself, without
  the token (base64url, key id) around it.
- ``limit_hmac_values_per_s``: a bare loop of the standard library's one-shot
  ``hmac.digest(key, value, "sha256")`` on pre-encoded bytes.
- ``limit_hmac_precomputed_values_per_s``: the same HMAC-SHA-256 from precomputed inner
  and outer SHA-256 states (copy, update, digest), the technique ``blind_index`` uses,
  without the hex encoding and truncation: the floor for an HMAC in Python.

Usage: ``.venv/bin/python bench/bench_pii.py [--pairs N]``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAIRS = 200_000
REPEATS = 3
SEED = 20261129
TARGET_ROWS_PER_S = 50_000
# County-level divisions of 兴安盟 (GB/T 2260).
COUNTIES = ["152201", "152202", "152221", "152222", "152223", "152224"]
MOBILE_PREFIXES = ["134", "135", "136", "138", "139", "147", "150", "151", "152", "157",
                   "158", "159", "178", "182", "183", "187", "188", "130", "131", "132",
                   "155", "156", "166", "176", "185", "186", "133", "153", "177", "180",
                   "181", "189", "191", "199"]  # fmt: skip


def best_of(run: Callable[[], object]) -> float:
    """The shortest wall time of ``REPEATS`` runs (the machine is shared)."""
    best = math.inf
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def synthetic_pairs(count: int) -> tuple[list[str], list[str]]:
    from gongzhi.core.idcard import generate_citizen_id

    rng = random.Random(SEED)
    earliest = date(1930, 1, 1)
    ids, phones = [], []
    for _ in range(count):
        born = earliest + timedelta(days=rng.randrange(365 * 95))
        ids.append(
            generate_citizen_id(
                rng, address_code=rng.choice(COUNTIES), birth_date=born, sex=rng.choice("12")
            )
        )
        phones.append(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")
    return ids, phones


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS)
    count = parser.parse_args().pairs
    load_before = round(os.getloadavg()[0], 2)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import cryptography
    from cryptography.hazmat.backends.openssl.backend import backend
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.conf import settings

    from gongzhi.core import pii
    from gongzhi.core.idcard import mask_id

    ids, phones = synthetic_pairs(count)
    values = ids + phones
    encoded = [value.encode() for value in values]
    id_purpose, phone_purpose = "resident.id_number", "resident.phone"
    encrypt, blind_index = pii.encrypt, pii.blind_index

    def pairs() -> None:
        for id_number, phone in zip(ids, phones, strict=True):
            encrypt(id_number, purpose=id_purpose)
            encrypt(phone, purpose=phone_purpose)
            blind_index(id_number, purpose=id_purpose)
            blind_index(phone, purpose=phone_purpose)

    def rows() -> None:
        protect, mask_phone = pii.protect, pii.mask_phone
        for id_number, phone in zip(ids, phones, strict=True):
            protect(id_number, purpose=id_purpose, mask=mask_id, tail_lengths=(4,))
            protect(phone, purpose=phone_purpose, mask=mask_phone, tail_lengths=(4,))

    def encrypt_all() -> list[str]:
        return [encrypt(value, purpose=id_purpose) for value in values]

    tokens = encrypt_all()

    def decrypt_all() -> None:
        for token in tokens:
            pii.decrypt(token, purpose=id_purpose)

    def index_all() -> None:
        for value in values:
            blind_index(value, purpose=id_purpose)

    def tails_all() -> None:
        for value in ids:
            pii.tail_indexes(value, purpose=id_purpose)

    def normalise_all() -> None:
        for id_number, phone in zip(ids, phones, strict=True):
            pii.normalise_id_number(id_number)
            pii.normalise_phone(phone)

    cipher = AESGCM(os.urandom(32))
    aad = b"v1:resident.id_number"
    urandom = os.urandom

    def bare_aesgcm() -> None:
        for value in encoded:
            cipher.encrypt(urandom(12), value, aad)

    key = base64.b64decode(settings.BLIND_INDEX_KEY)

    def bare_hmac() -> None:
        digest = hmac.digest
        for value in encoded:
            digest(key, value, "sha256")

    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key.ljust(64, b"\0")))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key.ljust(64, b"\0")))

    def bare_precomputed_hmac() -> None:
        for value in encoded:
            state = inner.copy()
            state.update(value)
            final = outer.copy()
            final.update(state.digest())
            final.digest()

    timings = {
        name: best_of(run)
        for name, run in [
            ("pairs", pairs),
            ("rows", rows),
            ("encrypt", encrypt_all),
            ("decrypt", decrypt_all),
            ("index", index_all),
            ("tails", tails_all),
            ("normalise", normalise_all),
            ("bare_aesgcm", bare_aesgcm),
            ("bare_hmac", bare_hmac),
            ("bare_precomputed_hmac", bare_precomputed_hmac),
        ]
    }
    rows_per_s = count / timings["rows"]
    row_us = 1e6 / rows_per_s
    budget_us = 1e6 / TARGET_ROWS_PER_S
    print(
        json.dumps(
            {
                "bench": "pii",
                "pairs": count,
                "timing": f"best of {REPEATS} runs, one process",
                "pairs_per_s": round(count / timings["pairs"]),
                "values_per_s": round(2 * count / timings["pairs"]),
                "rows_per_s": round(rows_per_s),
                "row_work": "2 encryptions, 2 blind indexes, 2 tail indexes, 2 masks",
                "row_us": round(row_us, 2),
                "target_rows_per_s": TARGET_ROWS_PER_S,
                "budget_us_per_row_at_target": budget_us,
                "share_of_row_budget": round(row_us / budget_us, 3),
                "meets_target_on_one_core": rows_per_s >= TARGET_ROWS_PER_S,
                "cores_busy_at_target": round(TARGET_ROWS_PER_S / rows_per_s, 2),
                "encrypt_values_per_s": round(len(values) / timings["encrypt"]),
                "decrypt_values_per_s": round(len(values) / timings["decrypt"]),
                "blind_index_values_per_s": round(len(values) / timings["index"]),
                "tail_indexes_per_s": round(3 * count / timings["tails"]),
                "normalise_pairs_per_s": round(count / timings["normalise"]),
                "limit_aesgcm_values_per_s": round(len(values) / timings["bare_aesgcm"]),
                "limit_hmac_values_per_s": round(len(values) / timings["bare_hmac"]),
                "limit_hmac_precomputed_values_per_s": round(
                    len(values) / timings["bare_precomputed_hmac"]
                ),
                "encrypt_vs_limit": round(timings["encrypt"] / timings["bare_aesgcm"], 2),
                "blind_index_vs_stdlib_hmac": round(timings["index"] / timings["bare_hmac"], 2),
                "token_chars_id_number": len(tokens[0]),
                "cryptography": cryptography.__version__,
                "openssl": backend.openssl_version_text(),
                "python": platform.python_version(),
                "load_avg_1m_before": load_before,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
