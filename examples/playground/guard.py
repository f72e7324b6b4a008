"""Requests the page could not have sent are refused with 400 and one log line.

Dash hands a callback whatever JSON arrives; a session id that is a list or a
dict would reach the run store and fail there with a 500 and a traceback. The
shape of a callback request is checked here instead, before Dash sees it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, request

CALLBACK_PATH = "/_dash-update-component"
SESSION_STORE_ID = "session-id"
SESSION_ID = re.compile(r"[0-9a-f]{32}")

log = logging.getLogger("playground")


def _is_dependency(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), (str, dict))
            and isinstance(item.get("property"), str))


def malformed_reason(body: Any) -> str | None:
    """Why `body` is not a callback request the page sends, or None when it is one."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("output"), str):
        return "'output' is not a string"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not (isinstance(items, list) and all(map(_is_dependency, items))):
            return f"'{key}' is not a list of {{id, property, value}}"
        for item in items:
            if item["id"] == SESSION_STORE_ID and not (
                    isinstance(item.get("value"), str) and SESSION_ID.fullmatch(item["value"])):
                return "the session id is not 32 hexadecimal digits"
    return None


def refuse_malformed_callbacks(server: Flask) -> None:
    """Answer 400 to a malformed callback request, logging one line that says why."""

    @server.before_request
    def _check():
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        reason = malformed_reason(request.get_json(silent=True))
        if reason is None:
            return None
        log.warning("400 for a malformed callback request from %s: %s",
                    request.remote_addr, reason)
        return f"Bad request: {reason}.\n", 400
