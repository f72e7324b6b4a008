"""progress.py: a bar per running part, drawn by the process that started the run, from
its own parts and its workers'; plain lines every few seconds when not on a terminal."""

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

from parallel import pool_map
from progress import advance, part, progress_display


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_each_running_part_is_a_line_every_heartbeat():
    log = io.StringIO()
    with progress_display(log, heartbeat=0.2), part("training", total=10):
        advance(4)
        time.sleep(1.5)
    lines = log.getvalue().splitlines()
    assert len(lines) >= 3, lines
    assert all(line.startswith("training:  40%|####") and "4/10" in line for line in lines)


def test_a_part_inside_a_part_is_labelled_with_both_and_one_without_total_says_its_time():
    log = io.StringIO()
    with progress_display(log, heartbeat=0.2), part("article 001"), part("training", total=5):
        time.sleep(1.2)
    text = log.getvalue()
    assert "article 001: running for 00:0" in text
    assert "article 001 · training:   0%" in text


def test_on_a_terminal_the_bar_is_drawn_and_redrawn():
    screen = Terminal()
    with progress_display(screen), part("training", total=10, unit="epoch"):
        advance(10)
        time.sleep(1.5)
    drawn = screen.getvalue()
    assert "training: 100%" in drawn and "10/10" in drawn and "epoch/s" in drawn


def _train_in_a_part(epochs: int) -> int:
    with part(f"network of {epochs} epochs", total=epochs):
        for _ in range(epochs):
            time.sleep(0.1)
            advance()
    return epochs


def test_the_parts_of_worker_processes_reach_the_display():
    log = io.StringIO()
    with progress_display(log, heartbeat=0.2), part("article 002"), pool_map(2) as spread:
        assert list(spread(_train_in_a_part, [12, 14])) == [12, 14]
        time.sleep(0.5)
    text = log.getvalue()
    assert "article 002 · network of 12 epochs:" in text
    assert "article 002 · network of 14 epochs:" in text


def test_without_a_display_parts_show_nothing_and_cost_nothing(capsys):
    with part("training", total=3):
        advance(3)
    assert capsys.readouterr() == ("", "")
