"""Open311 GeoReport v2 at ``/open311/v2/`` — each endpoint in ``.json`` and ``.xml``.

    GET  discovery.{fmt}                  the endpoint's self-description
    GET  services.{fmt}                   the catalogue (grid events and complaints)
    GET  services/{service_code}.{fmt}    one service's definition (its attributes)
    POST requests.{fmt}                   create a request (``api_key`` required)
    GET  requests.{fmt}                   query requests (90 days / 1,000 by default)
    GET  requests/{service_request_id}.{fmt}
    GET  tokens/{token}.{fmt}

Reads are public and rate-limited per client address; creating needs an ``api_key``
issued in the console or with ``manage.py open311_key`` and is rate-limited per key.
Errors follow the specification (``[{"code", "description"}]`` / ``<errors>``), with a
Chinese description that names the parameter: 400 bad input, 403 a missing, unknown or
revoked key, 404 an unknown service, request or token, 429 too many requests.
``service_request_id`` is the case number (办件编号); POST returns it directly, so no
tokens are issued — ``tokens/{token}`` answers for a case number used as its own token
and 404 for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from gongzhi.accounts.client import client_bucket
from gongzhi.cases import lookups
from gongzhi.service_requests import queries
from gongzhi.service_requests.actions import authenticate_open311_key, do_submit_service_request
from gongzhi.service_requests.georeport import FORMATS, render, render_errors, w3c

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# do_submit_case's field names → the Open311 parameter a client sent.
PARAMETERS = {
    "category": "service_code",
    "location": "lat/long",
    "community": "address_id",
    "description": "description",
    "title": "description",
    "reporter_phone": "phone",
}

View = Callable[..., HttpResponse]


class Refused(Exception):
    """An Open311 error answer: its status and the Chinese descriptions."""

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = list(descriptions)
        self.headers = headers or {}


def _throttle(request: HttpRequest, group: str, key: Any, per_minute: int) -> None:
    usage = get_usage(request, group=group, key=key, rate=f"{per_minute}/m", increment=True)
    if usage is not None and usage["should_limit"]:
        retry = max(1, int(usage["time_left"]))
        raise Refused(
            429,
            _("请求过于频繁，请%(seconds)d秒后再试") % {"seconds": retry},
            headers={"Retry-After": str(retry)},
        )


def endpoint(*methods: str) -> Callable[[View], View]:
    """An Open311 view: the format, the method, ``jurisdiction_id``, the read rate limit
    and ``Refused`` answered in the request's format."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if fmt not in FORMATS:
                    raise Refused(
                        404, _("不支持的格式“%(fmt)s”：请用 .json 或 .xml") % {"fmt": fmt}
                    )
                if request.method not in methods:
                    response = render_errors(
                        fmt, 405, [_("不支持该请求方法")], headers={"Allow": ", ".join(methods)}
                    )
                    return response
                if request.method == "GET":
                    _throttle(
                        request,
                        "open311.read",
                        client_bucket,
                        settings.GONGZHI_OPEN311_READ_RATE_PER_MINUTE,
                    )
                params = request.POST if request.method == "POST" else request.GET
                jurisdiction = ""
                raw = (
                    params.get("jurisdiction_id") or request.GET.get("jurisdiction_id") or ""
                ).strip()
                if raw:
                    jurisdiction = queries.jurisdiction_code(raw) or ""
                    if not jurisdiction:
                        raise Refused(404, _("jurisdiction_id：未找到该辖区"))
                return view(request, *args, fmt=fmt, jurisdiction=jurisdiction, **kwargs)
            except Refused as refused:
                return render_errors(fmt, refused.status, refused.descriptions, refused.headers)

        return wrapped

    return decorate


# --- Discovery and services -----------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str, jurisdiction: str) -> HttpResponse:
    """Service discovery: where the endpoint is, its formats, and when services changed."""
    changed = queries.services().aggregate(at=Max("updated_at"))["at"] or timezone.now()
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    body = {
        "changeset": w3c(changed),
        "contact": _("如需帮助，请联系本平台的系统管理员"),
        "key_service": _("创建服务请求须使用接口密钥（api_key），由系统管理员在工作台签发"),
        "endpoints": [
            {
                "specification": queries.SPECIFICATION,
                "url": base,
                "changeset": w3c(changed),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, body, root="discovery")


@endpoint("GET")
def services(request: HttpRequest, *, fmt: str, jurisdiction: str) -> HttpResponse:
    rows = [queries.service_row(category) for category in queries.services()]
    return render(fmt, rows, root="services", item="service")


@endpoint("GET")
def service_definition(
    request: HttpRequest, service_code: str, *, fmt: str, jurisdiction: str
) -> HttpResponse:
    category = queries.service(service_code)
    if category is None:
        raise Refused(404, _("service_code：未找到该服务“%(code)s”") % {"code": service_code})
    return render(fmt, queries.service_definition(category), root="service_definition")


# --- Requests -------------------------------------------------------------------------------


def _parse_moment(value: str, name: str) -> tuple[datetime, bool]:
    """A W3C ISO 8601 time or date; returns (moment, given as a date only)."""
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return timezone.make_aware(datetime.combine(day, time.min)), True
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(
            400,
            _("%(name)s：时间格式不正确，应为 ISO 8601（如 2026-03-02T09:00:00+08:00）")
            % {"name": name},
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, False


def _window(params: QueryDict) -> tuple[datetime, datetime, bool]:
    """(start, end, end is exclusive): the submission window, at most 90 days."""
    span = timedelta(days=queries.WINDOW_DAYS)
    start = end = None
    end_exclusive = False
    if params.get("start_date", "").strip():
        start, _date_only = _parse_moment(params.get("start_date", ""), "start_date")
    if params.get("end_date", "").strip():
        end, date_only = _parse_moment(params.get("end_date", ""), "end_date")
        if date_only:
            # A date as end_date includes that whole day.
            end, end_exclusive = end + timedelta(days=1), True
    if start is None and end is None:
        end = timezone.now()
        start = end - span
    elif start is None:
        assert end is not None
        start = end - span
    elif end is None:
        end = start + span
    if end < start:
        raise Refused(400, _("end_date：结束时间不能早于开始时间"))
    if end - start > span + (timedelta(days=1) if end_exclusive else timedelta()):
        raise Refused(
            400, _("start_date/end_date：查询范围不能超过 %(n)d 天") % {"n": queries.WINDOW_DAYS}
        )
    return start, end, end_exclusive


def _list_requests(request: HttpRequest, fmt: str, jurisdiction: str) -> HttpResponse:
    params = request.GET
    numbers = [n.strip() for n in params.get("service_request_id", "").split(",") if n.strip()]
    if len(numbers) > queries.MAX_REQUESTS:
        raise Refused(
            400, _("service_request_id：一次最多查询 %(n)d 个") % {"n": queries.MAX_REQUESTS}
        )
    if numbers:
        cases = queries.find_requests(numbers=numbers)
    else:
        status = params.get("status", "").strip().lower()
        wanted = {s.strip() for s in status.split(",") if s.strip()}
        if wanted - {"open", "closed"}:
            raise Refused(400, _("status：只能为 open 或 closed"))
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        category_ids = None
        if codes:
            category_ids = list(
                queries.services().filter(code__in=codes).values_list("pk", flat=True)
            )
            if not category_ids:
                raise Refused(400, _("service_code：未找到该服务"))
        start, end, end_exclusive = _window(params)
        cases = queries.find_requests(
            category_ids=category_ids,
            start=start,
            end=end,
            end_exclusive=end_exclusive,
            status=wanted.pop() if len(wanted) == 1 else None,
            jurisdiction=jurisdiction,
        )
    return render(fmt, queries.request_rows(cases), root="service_requests", item="request")


def _attributes(params: QueryDict) -> dict[str, Any]:
    """``attribute[code]=value`` and, for multivaluelist, ``attribute[code][]=a&…``."""
    answers: dict[str, Any] = {}
    for name in params:
        match = ATTRIBUTE.match(name)
        if match is None:
            continue
        values = [v for v in params.getlist(name) if v.strip()]
        if match.group(2) or len(values) > 1:
            answers[match.group(1)] = values
        elif values:
            answers[match.group(1)] = values[0]
    return answers


def _reporter_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    # 姓 before 名 with no space in Chinese; given name first in Latin script.
    if any(ord(ch) > 0x2E80 for ch in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _descriptions(error: ValidationError, params: QueryDict) -> list[str]:
    found = []
    for field, messages in error.message_dict.items():
        if field.startswith("attributes."):
            parameter = f"attribute[{field.split('.', 1)[1]}]"
        else:
            parameter = PARAMETERS.get(field, field)
        for message in messages:
            text = f"{parameter}：{message}"
            if parameter == "address_id" and not params.get("address_id", "").strip():
                text += _("（可用 address_id 提供所属社区〔嘎查村〕的区划代码）")
            found.append(text)
    return found


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    raw_key = params.get("api_key") or request.GET.get("api_key")
    if not (raw_key or "").strip():
        raise Refused(403, _("api_key：缺少接口密钥，创建服务请求须提供 api_key"))
    # One reading of the reference tables' versions for the key and the service.
    reference = lookups.current()
    key = authenticate_open311_key(raw_key, reference=reference)
    if key is None:
        raise Refused(403, _("api_key：接口密钥无效或已被吊销"))
    _throttle(
        request,
        "open311.post",
        lambda group, req, key=key: f"key:{key.pk}",
        settings.GONGZHI_OPEN311_POST_RATE_PER_MINUTE,
    )
    problems = []
    code = params.get("service_code", "").strip()
    category = queries.service(code, reference) if code else None
    if not code:
        problems.append(_("service_code：请提供服务代码"))
    elif category is None:
        problems.append(_("service_code：未找到该服务“%(code)s”") % {"code": code})
    lat, lon = params.get("lat", "").strip(), params.get("long", "").strip()
    address_id = params.get("address_id", "").strip()
    if bool(lat) != bool(lon):
        problems.append(_("lat/long：经度和纬度须同时提供"))
    elif not lat and not address_id:
        problems.append(
            _(
                "lat/long：请提供位置——经纬度（lat、long，WGS84）或所属社区的区划代码"
                "（address_id）；仅凭 address_string 无法定位"
            )
        )
    if problems:
        raise Refused(400, *problems)
    assert category is not None
    community = address_id[:12] if address_id.isdigit() and len(address_id) >= 12 else address_id
    description = params.get("description", "").strip() or category.name
    try:
        case = do_submit_service_request(
            key=key,
            request=request,
            category=category,
            description=description,
            community=community or None,
            lon=lon or None,
            lat=lat or None,
            address=params.get("address_string", ""),
            attributes=_attributes(params),
            reporter_name=_reporter_name(params.get("first_name", ""), params.get("last_name", "")),
            reporter_phone=params.get("phone", ""),
        )
    except ValidationError as error:
        raise Refused(400, *_descriptions(error, params)) from None
    # email, device_id and media_url are not kept (PIPL Art. 6: a phone number is enough to
    # follow a report up; photos are uploaded, never fetched from a client's URL).
    account_id = params.get("account_id", "").strip() or None
    body = [
        {
            "service_request_id": case.number,
            "service_notice": queries.notice_for(case.category, case.urgency),
            "account_id": account_id,
        }
    ]
    return render(fmt, body, root="service_requests", item="request")


@endpoint("GET", "POST")
def request_list(request: HttpRequest, *, fmt: str, jurisdiction: str) -> HttpResponse:
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt, jurisdiction)


@endpoint("GET")
def request_detail(
    request: HttpRequest, service_request_id: str, *, fmt: str, jurisdiction: str
) -> HttpResponse:
    case = queries.find_request(service_request_id.strip())
    if case is None:
        raise Refused(
            404, _("service_request_id：未找到服务请求“%(id)s”") % {"id": service_request_id}
        )
    return render(fmt, queries.request_rows([case]), root="service_requests", item="request")


@endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str, jurisdiction: str) -> HttpResponse:
    case = queries.find_request(token.strip())
    if case is None:
        raise Refused(404, _("token：未找到该令牌"))
    body = [{"service_request_id": case["number"], "token": token.strip()}]
    return render(fmt, body, root="service_requests", item="request")
