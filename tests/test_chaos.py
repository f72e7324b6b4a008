"""Tests for examples/chaos.py: a number prints only the digits every run shares."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

from chaos import common_digits, significant, unanimous, verdict_word


@pytest.mark.parametrize("value, shown", [(0.3, "0.30"), (0.38449, "0.38"), (0.0012345, "0.0012"),
                                          (0.0996, "0.10"), (1234, "1,200"), (0.0, "0")])
def test_significant_keeps_trailing_zeros_and_thousands(value, shown):
    assert significant(value, 2) == shown


@pytest.mark.parametrize("values, shown", [
    ([0.31], "0.31"),                      # one run: two digits
    ([0.312, 0.309, 0.314], "0.31"),       # all runs print 0.31
    ([0.31, 0.32, 0.34], "0.3"),           # they share one digit only
    ([53.0, 52.0, 52.0], "50"),
    ([0.28, 0.36], "0.3–0.4"),             # not even one: the range at one digit
    ([1640.0, 1650.0], "1,600"),
])
def test_common_digits_prints_what_every_run_shares(values, shown):
    assert common_digits(values) == shown


def test_a_claim_is_undecided_unless_every_run_agrees():
    assert unanimous([True, True]) is True
    assert unanimous([False]) is False
    assert unanimous([True, False, True]) is None
    assert [verdict_word(v) for v in (True, False, None)] == ["holds", "contradicted", "undecided"]
