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
    ([0.3121, 0.3124], "0.31"),            # all print 0.31, and so would 0.3118 and 0.3127
    ([0.312, 0.309, 0.314], "0.3"),        # all print 0.31, but 0.304, as far beyond, not
    ([0.2389, 0.2315, 0.2330], "0.2"),     # 0.24 and 0.23
    ([53.0, 52.0, 52.0], "50"),
    ([0.31, 0.32, 0.34], "0.3–0.4"),       # 0.37 is as far beyond: not even one digit
    ([0.0001, 0.0003], "0–0.0005"),        # a loss: the range stops at 0
    ([1640.0, 1650.0], "2,000"),
])
def test_common_digits_prints_what_every_run_and_its_reach_share(values, shown):
    assert common_digits(values) == shown


def test_a_claim_is_undecided_unless_every_run_agrees():
    assert unanimous([True, True]) is True
    assert unanimous([False]) is False
    assert unanimous([True, False, True]) is None
    assert [verdict_word(v) for v in (True, False, None)] == ["holds", "contradicted", "undecided"]
