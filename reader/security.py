"""Security headers on every response."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response


def content_security_policy(image_hosts: Iterable[str]) -> str:
    hosts = " ".join(f"https://{host}" for host in image_hosts)
    return "; ".join([
        "default-src 'self'",
        f"img-src 'self' {hosts}".strip(),
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def init_app(app: Flask, image_hosts: Iterable[str]) -> None:
    csp = content_security_policy(image_hosts)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response
