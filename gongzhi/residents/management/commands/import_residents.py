"""manage.py import_residents FILE [--dry-run] [--as USERNAME]

Imports a residents spreadsheet (.csv or .xlsx) as the page does. Without ``--as`` it
acts as a league-wide operator (no user, the whole league in scope; the ledger event has
no actor). Progress goes to stderr; the last line on stdout is one JSON object:
``{"rows": N, "created": a, "updated": b, "unchanged": c, "rejected": d, "error_file": "…"}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core.progress import print_progress
from gongzhi.residents.importing import ImportFileError, do_import_residents


class Command(BaseCommand):
    help = "导入居民表格（.xlsx 或 .csv）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and write the error file only"
        )
        parser.add_argument("--as", dest="username", default="", help="act as this user")
        parser.add_argument("--errors", default="", help="where to write the error file")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["username"]:
            try:
                actor = User.objects.get(username=options["username"])
            except User.DoesNotExist:
                raise CommandError(
                    _("用户“%(name)s”不存在") % {"name": options["username"]}
                ) from None

        def on_progress(done: int, total: int | None) -> None:
            print_progress(self.stderr, done, total, label=_("导入中"))

        try:
            summary = do_import_residents(
                options["file"],
                actor=actor,
                dry_run=options["dry_run"],
                error_path=options["errors"] or None,
                on_progress=on_progress,
            )
        except ImportFileError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
