"""The interactive API documentation, served entirely by the platform itself.

ninja's Swagger UI files are bundled in the ninja package and collected as static
files; the page loads them and ninja's static init script, with no CDN and no inline
script (the CSP is ``script-src 'self'``). The settings travel in a JSON data block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(DocsBase):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # Swagger UI would otherwise send the schema to an outside validator.
            "validatorUrl": None,
        }
        return render(
            request,
            self.template,
            {"api": api, "swagger_settings": settings},
        )
