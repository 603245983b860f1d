"""Serving case attachments: only through this view, after the case's permission check.

Files stay under ``MEDIA_ROOT`` and no URL maps that folder; whoever may see the case
(``queries.access_case``: its reporter, staff in its jurisdiction…) may see its images,
and anyone else gets 404, as for the case itself.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from gongzhi.cases import queries
from gongzhi.cases.models import Attachment


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    case_id = Attachment.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    queries.access_case(request.user, case_id)
    item = Attachment.objects.get(pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    # Personal photos: the browser may keep them, shared caches may not.
    response["Cache-Control"] = "private, max-age=3600"
    return response
