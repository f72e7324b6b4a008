"""Requests the page could not have sent are refused with a 4xx and one log line.

Dash hands a callback whatever JSON arrives: an output it does not know, inputs
cut short or one too many, a session id that is a list, JSON nested 100,000 deep,
each reached Dash's own code and failed there with a 500 and a traceback. The
shape of a callback request is checked here instead, against the app's own
wiring, before Dash sees it; and no body may be larger than MAX_BODY_BYTES.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from dash import Dash
from flask import request

CALLBACK_PATH = "/_dash-update-component"
SESSION_STORE_ID = "session-id"
SESSION_ID = re.compile(r"[0-9a-f]{32}")
MAX_BODY_BYTES = 64 * 1024  # the largest request the page sends: 3,706 bytes (see the tests)

log = logging.getLogger("playground")


def _is_dependency(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), (str, dict))
            and isinstance(item.get("property"), str))


def _wired(items: list[dict]) -> list[tuple[Any, str]]:
    return [(item["id"], item["property"]) for item in items]


def malformed_reason(body: Any, wiring: dict[str, dict]) -> str | None:
    """Why `body` is not a callback request the page sends, or None when it is one.
    `wiring` is the app's callback map: output → the inputs and state it takes."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("output"), str):
        return "'output' is not a string"
    callback = wiring.get(body["output"])
    if callback is None:
        return "'output' is not an output of this page"
    outputs = body.get("outputs")
    if not (_is_dependency(outputs) or isinstance(outputs, list)
            and outputs and all(map(_is_dependency, outputs))):
        return "'outputs' is not one or a list of {id, property}"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not (isinstance(items, list) and all(map(_is_dependency, items))):
            return f"'{key}' is not a list of {{id, property, value}}"
        if _wired(items) != _wired(callback[key]):
            return f"'{key}' are not the {len(callback[key])} this output takes"
        for item in items:
            if item["id"] == SESSION_STORE_ID and not (
                    isinstance(item.get("value"), str) and SESSION_ID.fullmatch(item["value"])):
                return "the session id is not 32 hexadecimal digits"
    return None


def _body() -> Any:
    """The request's JSON, None when it is not JSON; nesting too deep for Python's
    parser is not JSON the page sends either."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def refuse_malformed_callbacks(app: Dash) -> None:
    """Answer 413 to a body over MAX_BODY_BYTES (Flask's own limit) and 400 to a
    malformed callback request, logging one line that says why."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @server.before_request
    def _check():
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        reason = malformed_reason(_body(), app.callback_map)
        if reason is None:
            return None
        log.warning("400 for a malformed callback request from %s: %s",
                    request.remote_addr, reason)
        return f"Bad request: {reason}.\n", 400
