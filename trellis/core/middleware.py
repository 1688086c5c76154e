"""Request context: a request id and the client IP, for the audit trail; no caching of what a
signed-in user is shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .request_context import RequestInfo, reset_request_info, set_request_info


def client_ip(request: HttpRequest) -> str | None:
    """The client address. Behind a proxy, only the address the proxy saw is trusted."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = set_request_info(RequestInfo(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset_request_info(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Pages shown to a signed-in user carry patients' information (and, once, secret calendar
    links): ``Cache-Control: no-store`` keeps them out of the browser's disk and back/forward
    caches and out of shared proxies, so they do not outlive sign-out on a shared workstation.
    A response that sets its own caching (a calendar feed) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
