"""Import and export pages of the residents registry (/console/residents/import/, export/).

Thin: the import runs as a background task (``tasks.import_residents_task``) with a
progress page; its result and error file are shown only to the user who started it
(``access_progress``). The export streams a file built by ``exporting``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.progress import access_progress, enqueue_with_progress
from gongzhi.core.scoping import scope_of
from gongzhi.residents import exporting, importing, queries
from gongzhi.residents.tasks import RESIDENTS_IMPORT, import_residents_task

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("居民表格文件（.xlsx 或 .csv）"))
    dry_run = forms.BooleanField(label=gettext_lazy("仅检查，不导入（试运行）"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise ValidationError(_("文件须为 .xlsx 或 .csv 格式"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("文件不能超过 512 MB"))
        return upload


class ExportForm(forms.Form):
    region = forms.CharField(
        label=gettext_lazy("区划或网格编码（留空为整个辖区）"), required=False, max_length=21
    )
    fmt = forms.ChoiceField(
        label=gettext_lazy("格式"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")],
        initial="xlsx",
    )
    unmask = forms.BooleanField(
        label=gettext_lazy("导出完整证件号码和电话（将记入审计日志）"), required=False
    )


def _crumbs(step: str) -> list[dict[str, str]]:
    return [
        {"label": _("实有人口"), "url": reverse("residents:list")},
        {"label": step, "url": ""},
    ]


def _upload_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports" / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """上传表格 → a background import with a progress bar."""
    if not queries.can(request.user, "residents.add_resident"):
        raise PermissionDenied(_("您没有权限导入居民"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        path = _upload_dir() / f"{uuid.uuid4().hex}{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        progress = enqueue_with_progress(
            import_residents_task,
            kind=RESIDENTS_IMPORT,
            title=_("导入居民"),
            user=request.user,
            path=str(path),
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("core:task_progress", progress.pk)
    return render(
        request,
        "residents/exchange/import.html",
        {
            "form": form,
            "required": list(importing.REQUIRED_COLUMNS),
            "optional": list(importing.OPTIONAL_COLUMNS),
            "scope": scope_of(request.user),
            "breadcrumb": _crumbs(_("批量导入")),
        },
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The import template (.xlsx) with the exact headers and an example row."""
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="residents-import-template.xlsx"'
    importing.write_template(response)
    return response


def _import_progress(request: HttpRequest, pk: int) -> dict[str, object]:
    progress = access_progress(request.user, pk)
    if progress.kind != RESIDENTS_IMPORT:
        raise Http404
    return {"progress": progress, "result": progress.result or {}}


@login_required
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The counts of a finished import and, when rows were rejected, the error file."""
    context = _import_progress(request, pk)
    context["breadcrumb"] = _crumbs(_("导入结果"))
    return render(request, "residents/exchange/result.html", context)


@login_required
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    """The rejected rows with 错误原因 — only for the user who ran the import."""
    result = _import_progress(request, pk)["result"]
    assert isinstance(result, dict)
    name = result.get("error_file") or ""
    path = Path(str(name))
    base = (Path(settings.VAR_DIR) / "imports").resolve()
    if not name or not path.resolve().is_relative_to(base) or not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"residents-import-errors-{pk}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
def export_page(request: HttpRequest) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """导出: the form, and on submit the file of the chosen region's residents."""
    if not queries.can(request.user, "residents.view_resident"):
        raise PermissionDenied(_("您没有权限导出居民信息"))
    form = ExportForm(request.GET if "fmt" in request.GET else None)
    if form.is_bound and form.is_valid():
        try:
            export = exporting.prepare_export(
                actor=request.user,
                region_code=form.cleaned_data["region"],
                fmt=form.cleaned_data["fmt"],
                unmask=form.cleaned_data["unmask"],
                request=request,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            disposition = f'attachment; filename="{export.filename}"'
            if export.fmt == "csv":
                response: HttpResponse | StreamingHttpResponse | FileResponse = (
                    StreamingHttpResponse(
                        exporting.csv_chunks(export), content_type=export.content_type
                    )
                )
                response["Content-Disposition"] = disposition
                return response
            return FileResponse(
                exporting.xlsx_file(export),
                as_attachment=True,
                filename=export.filename,
                content_type=export.content_type,
            )
    return render(
        request,
        "residents/exchange/export.html",
        {
            "form": form,
            "can_unmask": queries.can(request.user, "residents.unmask_resident"),
            "scope": scope_of(request.user),
            "breadcrumb": _crumbs(_("导出")),
        },
    )
