"""The member portal: a Starlette app with pages, a JSON API, wallet typed data built on the server and the gasless
relayer's endpoints (see :mod:`furusato.portal.app`)."""

from __future__ import annotations

from furusato.portal.app import CSP, PortalSettings, create_app

__all__ = ["CSP", "PortalSettings", "create_app"]
