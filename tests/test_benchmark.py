"""The benchmark's steps agree before they are timed, and the README shows its table."""

import re
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))

import benchmark
from report import README, replace_readme_block

from tinygrad_nn import Tensor, no_grad

WORKLOADS = benchmark.make_workloads(np.random.default_rng(0))


@pytest.mark.parametrize("work", WORKLOADS, ids=lambda work: work.name)
def test_every_workloads_engine_step_agrees_with_the_hand_written_one(work):
    params = benchmark.initial_parameters(work, np.random.default_rng(1))
    benchmark.check_gradients_agree(work, params)  # raises naming the implementation


def test_the_check_catches_an_engine_that_disagrees(monkeypatch):
    work = WORKLOADS[0]
    real_step = benchmark.numpy_step

    def step_with_gradients_off_by_a_tenth_of_a_percent(w, params):
        loss, grads = real_step(w, params)
        return loss, [g * 1.001 for g in grads]

    monkeypatch.setattr(benchmark, "numpy_step", step_with_gradients_off_by_a_tenth_of_a_percent)
    params = benchmark.initial_parameters(work, np.random.default_rng(1))
    with pytest.raises(AssertionError, match="W1: tinygrad_nn disagrees with numpy"):
        benchmark.check_gradients_agree(work, params)


def readme_benchmark_lines() -> list[str]:
    block = re.search(r"<!-- readme:benchmark -->\n(.*?)<!-- /readme -->", README.read_text(),
                      re.DOTALL)
    assert block, "the README has no <!-- readme:benchmark --> block"
    return block.group(1).splitlines()


def test_the_readme_shows_a_full_run_of_every_workload():
    lines = readme_benchmark_lines()
    assert lines[0].startswith("A full run on ") and "one BLAS thread" in lines[0]
    rows = [line for line in lines if line.startswith("| W")]
    assert [row.split(" | ")[0] for row in rows] == [f"| {w.name} {w.description}" for w in WORKLOADS]
    for row in rows:
        numpy_us, ours_us, ratio = row.strip("| ").split(" | ")[1:4]
        assert float(numpy_us) > 0 and float(ours_us) > 0 and ratio.endswith("×")
    assert re.fullmatch(r"One op on \(2, 2\) arrays, forward and backward, costs [\d.]+ µs, "
                        r"[\d.]+× the three numpy calls it makes\.", lines[-1])


def test_unguarded_switches_the_version_check_off_inside_only():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with benchmark.unguarded():
        y = x * x
        with no_grad():
            x -= 1.0
        y.sum().backward()  # the write after the forward pass goes unnoticed
    y = x * x
    with no_grad():
        x -= 1.0
    with pytest.raises(RuntimeError, match="was changed after Mul used it"):
        y.sum().backward()


def test_readme_block_is_what_replaces_the_marked_lines():
    results = [(work, {"numpy": 10.0, "tinygrad_nn": 21.5,
                       "ratios": {"numpy": 2.15, "torch": 0.5, "guards": 1.04}})
               for work in WORKLOADS[:2]]
    block = benchmark.readme_block(6.14, 4.61, results)
    text = "before\n<!-- readme:benchmark -->\nold table\n<!-- /readme -->\nafter\n"
    new = replace_readme_block(text, "benchmark", block)
    assert new.startswith("before\n<!-- readme:benchmark -->\nA full run on ")
    assert new.endswith("calls it makes.\n<!-- /readme -->\nafter\n")
    assert "old table" not in new
    assert "| W1 001 twelve points, 1-2-1 sigmoid | 10.0 | 21.5 | 2.15× | 0.50× | +4% |" in new
    assert "costs 6.1 µs, 4.6× the three numpy calls" in new


def test_a_readme_without_the_marker_is_an_error():
    with pytest.raises(ValueError, match="no block marked <!-- readme:benchmark -->"):
        replace_readme_block("no markers here\n", "benchmark", "table\n")


@pytest.mark.parametrize("partial", [["--quick"], ["--only", "W1"]])
def test_readme_takes_only_a_full_run(partial, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["benchmark.py", "--readme", *partial])
    with pytest.raises(SystemExit) as exit_info:
        benchmark.main()
    assert exit_info.value.code == 2
    assert "--readme writes the table of a full run" in capsys.readouterr().err
