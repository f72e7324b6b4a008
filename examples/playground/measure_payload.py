"""Bytes the server sends per tick of training: `python examples/playground/measure_payload.py`.

Drives the app's own callback endpoint in-process, as the page does: it reads the
layout and the callbacks' wiring from the server, loads the page once, then fires
the training timer `--ticks` times, feeding back each answer as the page would, and
prints the mean size of a tick's answer (the JSON body, uncompressed and as the
server sends it to a browser that accepts gzip) for the default settings and for
1,000 points through 4 hidden layers of 8 units.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `playground` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.app import create_app
from playground.guard import wired_outputs

TIMER = ("ticker", "n_intervals")
BIG = {"n-points": "1000", "hidden-layers": 4, "units": 8}  # id → value, the largest page


def component_props(node: Any, found: dict[str, dict]) -> dict[str, dict]:
    """Every component's props in the layout tree, by id."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props.get("id"), str):
            found[props["id"]] = props
        for value in props.values():
            component_props(value, found)
    elif isinstance(node, list):
        for child in node:
            component_props(child, found)
    return found


def _spec(dependency_items: list[dict], props: dict[str, dict]) -> list[dict]:
    return [{"id": item["id"], "property": item["property"],
             "value": props.get(item["id"], {}).get(item["property"])}
            for item in dependency_items]


def callback_body(callback: dict, props: dict[str, dict], changed: list[str]) -> dict:
    """The request the page sends to run `callback` (an entry of /_dash-dependencies)
    with the components' current `props`, after the properties `changed` changed."""
    return {"output": callback["output"], "outputs": wired_outputs(callback["output"]),
            "inputs": _spec(callback["inputs"], props), "state": _spec(callback["state"], props),
            "changedPropIds": changed}


def _fire(client, callback: dict, props: dict[str, dict], changed: list[str]) -> tuple[int, int]:
    """POST one callback as the page would, accepting gzip; store what it answers; return
    the body's bytes (uncompressed, as sent)."""
    answer = client.post("/_dash-update-component", json=callback_body(callback, props, changed),
                         headers={"Accept-Encoding": "gzip"})
    if answer.status_code == 204:  # nothing to update
        return 0, 0
    assert answer.status_code == 200, answer.data[:500]
    body = answer.data
    if answer.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    for element, values in json.loads(body)["response"].items():
        for prop, value in values.items():
            if not (isinstance(value, dict) and "__dash_patch_update" in value):
                props.setdefault(element, {})[prop] = value
    return len(body), len(answer.data)


def bytes_per_tick(overrides: dict[str, Any], ticks: int) -> tuple[float, float]:
    """Mean bytes of the timer's callback answers over `ticks` ticks: uncompressed, and
    as sent to a browser that accepts gzip."""
    client = create_app().server.test_client()
    props = component_props(client.get("/_dash-layout").get_json(), {})
    for element, value in overrides.items():
        props[element]["value"] = value
    callbacks = client.get("/_dash-dependencies").get_json()
    ticked = [c for c in callbacks
              if {"id": TIMER[0], "property": TIMER[1]} in c["inputs"]]
    for callback in callbacks:  # the page's first load: every callback that runs on load
        if not (callback.get("prevent_initial_call") or callback.get("clientside_function")):
            _fire(client, callback, props, [])
    props[TIMER[0]][TIMER[1]] = 0
    plain = sent = 0
    for tick in range(1, ticks + 1):
        props[TIMER[0]][TIMER[1]] = tick
        for callback in ticked:
            plain_bytes, sent_bytes = _fire(client, callback, props, [".".join(TIMER)])
            plain, sent = plain + plain_bytes, sent + sent_bytes
    return plain / ticks, sent / ticks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=20, help="ticks to average over (20)")
    ticks = parser.parse_args(argv).ticks
    for name, overrides in (("default settings", {}), ("1,000 points, 4 × 8 units", BIG)):
        plain, sent = bytes_per_tick(overrides, ticks)
        print(f"{name}: {plain / 1024:,.1f} KiB per tick uncompressed, "
              f"{sent / 1024:,.1f} KiB sent with gzip")


if __name__ == "__main__":
    main()
