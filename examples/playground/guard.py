"""Requests the page could not have sent are refused with a 4xx and one log line.

Dash hands a callback whatever JSON arrives: an output it does not know, inputs
cut short or one too many, outputs that are not the callback's, a session id that
is a list, a click count that is a string, JSON nested 100,000 deep; each reached
Dash's own code or ours and failed there with a 500 and a traceback. The shape of
a callback request is checked here instead, against the app's own wiring, before
Dash sees it. No body may be larger than MAX_BODY_BYTES, whether its size is
announced or it comes in chunks; and a file Dash does not serve is a 404.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from dash import Dash
from dash.exceptions import DependencyException
from flask import request

CALLBACK_PATH = "/_dash-update-component"
SESSION_STORE_ID = "session-id"
SESSION_ID = re.compile(r"[0-9a-f]{32}")
MAX_BODY_BYTES = 64 * 1024  # the largest request the page sends: 3,706 bytes (see the tests)
TYPED_PROPERTIES = {  # the properties whose type Dash's components fix (or null)
    "n_clicks": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "n_intervals": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "disabled": ("true or false", lambda v: isinstance(v, bool)),
}

log = logging.getLogger("playground")


class BodyLimit:
    """WSGI middleware: a body over `limit` bytes gets 413 before the app reads it. An
    announced size (Content-Length) is judged at once; a body sent in chunks, of no
    announced size, is read up to the limit and handed on only when it ends there."""

    def __init__(self, app: Callable, limit: int):
        self.app, self.limit = app, limit

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        announced = environ.get("CONTENT_LENGTH") or ""
        if announced:
            if not announced.isdigit():
                return self._refuse(start_response, "400 BAD REQUEST",
                                    "the Content-Length is not a whole number")
            if int(announced) > self.limit:
                return self._refuse_size(start_response)
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                return self._refuse_size(start_response)
            environ.pop("HTTP_TRANSFER_ENCODING")
            environ |= {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        return self.app(environ, start_response)

    def _refuse_size(self, start_response: Callable) -> list[bytes]:
        return self._refuse(start_response, "413 REQUEST ENTITY TOO LARGE",
                            f"the body is over {self.limit:,} bytes")

    @staticmethod
    def _refuse(start_response: Callable, status: str, reason: str) -> list[bytes]:
        """The answer, and the connection closed: the rest of the body is not read."""
        body = f"Bad request: {reason}.\n".encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                ("Content-Length", str(len(body))), ("Connection", "close")])
        return [body]


def _is_dependency(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), (str, dict))
            and isinstance(item.get("property"), str))


def _wired(items: list[dict]) -> list[tuple[Any, str]]:
    """(id, property) of each item; a property's "@…" (Dash's mark of a duplicate
    output) is left out, so the page's outputs and the wiring's compare equal."""
    return [(item["id"], item["property"].split("@")[0]) for item in items]


def wired_outputs(output: str) -> list[dict] | dict:
    """The outputs a callback's output string ("..a.figure...b.children.." for several,
    "a.figure" for one) names, in the shape the page sends them."""
    def one(text: str) -> dict:
        element, prop = text.rsplit(".", 1)
        return {"id": element, "property": prop}
    if output.startswith(".."):
        return [one(part) for part in output[2:-2].split("...")]
    return one(output)


def _outputs_reason(outputs: Any, output: str) -> str | None:
    expected = wired_outputs(output)
    if isinstance(expected, dict):
        fits = _is_dependency(outputs) and _wired([outputs]) == _wired([expected])
    else:
        fits = (isinstance(outputs, list) and all(map(_is_dependency, outputs))
                and _wired(outputs) == _wired(expected))
    return None if fits else "'outputs' are not the outputs of 'output'"


def _value_reason(item: dict) -> str | None:
    value, prop = item.get("value"), item["property"]
    if item["id"] == SESSION_STORE_ID and prop == "data" and not (
            isinstance(value, str) and SESSION_ID.fullmatch(value)):
        return "the session id is not 32 hexadecimal digits"
    if prop in TYPED_PROPERTIES and value is not None:
        kind, fits = TYPED_PROPERTIES[prop]
        if not fits(value):
            return f"'{item['id']}.{prop}' is not {kind}"
    return None


def _changed_reason(changed: Any, inputs: list[dict]) -> str | None:
    names = {f"{item['id']}.{item['property']}" for item in inputs}
    if not (isinstance(changed, list) and all(isinstance(c, str) and c in names
                                              for c in changed)):
        return "'changedPropIds' is not a list of this callback's inputs"
    return None


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
    if "callback" not in callback:
        return "'output' is computed in the page, not on the server"
    if reason := _outputs_reason(body.get("outputs"), body["output"]):
        return reason
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not (isinstance(items, list) and all(map(_is_dependency, items))):
            return f"'{key}' is not a list of {{id, property, value}}"
        if _wired(items) != _wired(callback[key]):
            return f"'{key}' are not the {len(callback[key])} this output takes"
        if reason := next(filter(None, map(_value_reason, items)), None):
            return reason
    return _changed_reason(body.get("changedPropIds", []), body["inputs"])


def _body() -> Any:
    """The request's JSON, None when it is not JSON; nesting too deep for Python's
    parser is not JSON the page sends either."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def refuse_malformed_requests(app: Dash) -> None:
    """Answer 413 to a body over MAX_BODY_BYTES, 400 to a malformed callback request,
    logging one line that says why, and 404 to a file Dash does not serve."""
    server = app.server
    server.wsgi_app = BodyLimit(server.wsgi_app, MAX_BODY_BYTES)

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

    @server.errorhandler(DependencyException)
    def _not_served(_error):
        return "Not found: no such file of the page's components.\n", 404
