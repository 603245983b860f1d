"""The public disclosure page (居务公开, R2.3f): latency and page weight.

Fills ``disclosures_disclosure`` with ``--years`` (default 5) of published disclosures for
``--communities`` communities (default all 1,120 of the league): each month a finance
disclosure, each quarter one for each of the four general categories — 28 a year per
community, 156,800 rows for the league over five years. Finance disclosures carry
``--lines`` income/spending lines (default 20) in the measured community and 3 elsewhere.
The measured disclosure (the measured community's latest month) has 10 answered
questions and one published correction of its predecessor. Rows are bulk-inserted
(the workflow's actions are measured by the tests, not here) and kept for the next run.

Then it measures through the Django test client (middleware, queries, rendering), one
JSON line on stdout, progress on stderr:

- ``detail``: ``GET /gongkai/<community>/<id>/`` p50/p99; target p99 < 50 ms;
- ``detail_304``: the same with ``If-None-Match`` (a revalidating browser or proxy);
- ``list``: ``GET /gongkai/<community>/`` (first page, 30 rows of ~140 published);
- ``transfer``: bytes of the detail page's HTML plus every asset it loads (one
  stylesheet, no script, no font, no image), raw and gzip-compressed; target < 100 KB.
  ``decidim_reference_bytes`` is the stated comparison, an estimate not measured here
  (basis in bench/README.md).

Usage: ``.venv/bin/python bench/bench_disclosure_page.py [--sqlite] [--communities N]
[--years Y] [--requests R]``. PostgreSQL by default (``DATABASE_URL``, else
``gongzhi_bench``); ``--sqlite`` uses ``var/bench/disclosures.sqlite3``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from _common import DEFAULT_URL, ROOT, log, prepare_database, setup_django

SQLITE_PATH = ROOT / "var" / "bench" / "disclosures.sqlite3"
TARGET_P99_MS = 50.0
TARGET_BYTES = 100 * 1024
# A Decidim 0.27 participatory-process page as a visitor loads it, uncompressed — an
# estimate stated in bench/README.md, not measured by this script.
DECIDIM_REFERENCE_BYTES = 1_500_000
MEASURED = "152201001001"
GENERAL = ("decisions", "relief", "government_assist", "other")


def _month_end(start: date) -> date:
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _fill(communities: list[Any], years: int, lines_measured: int) -> int:
    from django.db import transaction
    from django.utils import timezone

    from gongzhi.disclosures.models import Disclosure, FinanceLine

    today = timezone.localdate()
    first = date(today.year - years, today.month, 1)
    months: list[date] = []
    day = first
    while day < date(today.year, today.month, 1):
        months.append(day)
        day = _month_end(day) + timedelta(days=1)
    total = 0
    for n, region in enumerate(communities, start=1):
        rows: list[Disclosure] = []
        for start in months:
            end = _month_end(start)
            at = timezone.make_aware(datetime.combine(end + timedelta(days=5), dtime(9)))
            rows.append(
                Disclosure(
                    community_id=region.pk,
                    region_code=region.region_code,
                    category="finances",
                    period_start=start,
                    period_end=end,
                    title=f"{start.year}年{start.month}月财务收支公开",
                    body="本月收支情况如下，如有疑问请向居务监督委员会反映。",
                    status="published",
                    published_at=at,
                )
            )
            if start.month % 3 == 1:
                q_end = _month_end(date(start.year, start.month + 2, 1))
                q_at = timezone.make_aware(datetime.combine(q_end + timedelta(days=7), dtime(9)))
                for category in GENERAL:
                    rows.append(
                        Disclosure(
                            community_id=region.pk,
                            region_code=region.region_code,
                            category=category,
                            period_start=start,
                            period_end=q_end,
                            title=f"{start.year}年第{(start.month + 2) // 3}季度公开事项",
                            body="本季度事项及落实情况：\n" + "一、事项说明。" * 40,
                            status="published",
                            published_at=q_at,
                        )
                    )
        with transaction.atomic():
            created = Disclosure.objects.bulk_create(rows, batch_size=1000)
            count = lines_measured if region.region_code == MEASURED else 3
            lines = [
                FinanceLine(
                    disclosure_id=d.pk,
                    position=i + 1,
                    item=f"收支项目{i + 1}",
                    direction="income" if i % 4 == 0 else "expense",
                    amount_fen=123_456 + i * 1013,
                )
                for d in created
                if d.category == "finances"
                for i in range(count)
            ]
            FinanceLine.objects.bulk_create(lines, batch_size=5000)
        total += len(rows)
        if n % 100 == 0:
            log(f"  {n}/{len(communities)} communities, {total} disclosures")
    return total


def _prepare_measured(user: Any) -> Any:
    """The measured community's latest finance disclosure, with a correction and Q&A."""
    from django.utils import timezone

    from gongzhi.disclosures.models import Disclosure, Question

    latest = (
        Disclosure.objects.filter(region_code=MEASURED, category="finances", status="published")
        .order_by("-period_end", "-id")
        .first()
    )
    assert latest is not None
    if not Question.objects.filter(disclosure=latest).exists():
        now = timezone.now()
        Question.objects.bulk_create(
            [
                Question(
                    disclosure=latest,
                    region_code=MEASURED,
                    asker=user,
                    asker_display="乌**",
                    text=f"第{i + 1}项支出的用途是什么？",
                    answer="用于社区公共服务，票据已由监督委员会核对。",
                    answered_by=user,
                    answered_at=now,
                )
                for i in range(10)
            ]
        )
    return latest


def _time(client: Any, url: str, n: int, **headers: Any) -> dict[str, float]:
    for _ in range(20):
        client.get(url, **headers)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code in (200, 304), response.status_code
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 2),
        "n": n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--communities", type=int, default=1120)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    if args.sqlite:
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        url = os.environ.get("DATABASE_URL", DEFAULT_URL)
        prepare_database(url)
    setup_django(url)
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from gongzhi.accounts.models import User
    from gongzhi.disclosures.models import Disclosure
    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Level, Region

    if not Region.objects.exists():
        log("loading regions")
        load_regions()
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("region_code")
    )
    measured = [r for r in communities if r.region_code == MEASURED]
    communities = (
        measured
        + [r for r in communities if r.region_code != MEASURED][: max(0, args.communities - 1)]
    )
    existing = Disclosure.objects.count()
    expected = len(communities) * args.years * 28
    if existing < expected * 0.9:
        log(f"generating about {expected} disclosures")
        _fill(
            [
                r
                for r in communities
                if not Disclosure.objects.filter(region_code=r.region_code).exists()
            ],
            args.years,
            args.lines,
        )
    user = User.objects.filter(username="bench_disclosure_resident").first() or User.objects.create(
        username="bench_disclosure_resident",
        full_name="乌云",
        region=measured[0],
        region_code=MEASURED,
    )
    item = _prepare_measured(user)
    client = Client()
    detail_url = f"/gongkai/{MEASURED}/{item.pk}/"
    list_url = f"/gongkai/{MEASURED}/"
    first = client.get(detail_url)
    assert first.status_code == 200
    html = first.content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    asset_bytes = 0
    asset_gzip = 0
    for path in assets:
        found = finders.find(
            path.decode()
            .removeprefix(settings.STATIC_URL.rstrip("/") + "/")
            .removeprefix("static/")
        )
        if found:
            data = Path(found).read_bytes()
            asset_bytes += len(data)
            asset_gzip += len(gzip.compress(data))
    total = len(html) + asset_bytes
    result = {
        "bench": "disclosure_page",
        "database": "sqlite" if args.sqlite else "postgresql",
        "disclosures": Disclosure.objects.count(),
        "communities": len(communities),
        "detail": _time(client, detail_url, args.requests),
        "detail_304": _time(client, detail_url, args.requests, HTTP_IF_NONE_MATCH=first["ETag"]),
        "list": _time(client, list_url, max(100, args.requests // 2)),
        "transfer": {
            "html_bytes": len(html),
            "assets": len(assets),
            "asset_bytes": asset_bytes,
            "total_bytes": total,
            "total_gzip_bytes": len(gzip.compress(html)) + asset_gzip,
            "decidim_reference_bytes": DECIDIM_REFERENCE_BYTES,
            "cache_control": first["Cache-Control"],
        },
    }
    detail: Any = result["detail"]
    result["target_p99_met"] = detail["p99_ms"] < TARGET_P99_MS
    result["target_bytes_met"] = total < TARGET_BYTES
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
