"""python -m tinygrad_nn.exercises start DIR [--force]
python -m tinygrad_nn.exercises hint DIR EXERCISE
python -m tinygrad_nn.exercises check DIR [--only NAME] [--seed N] [--timeout S] [--stepper OUT]"""

from __future__ import annotations

import argparse
import random
import shlex
import sys

from tinygrad_nn.exercises.contained import run_apart
from tinygrad_nn.exercises.hints import next_hint
from tinygrad_nn.exercises.loading import NotAWorkspace
from tinygrad_nn.exercises.progress import (
    CAPSTONE_TIME_FACTOR,
    HEADER,
    TIMEOUT,
    check,
    footer,
    progress_line,
    row_lines,
)
from tinygrad_nn.exercises.workspace import start


def main(argv: list[str] | None = None) -> int:
    """Run `start` or `check`; the exit status is 0 when everything graded passed."""
    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_nn.exercises",
        description="Graded exercises: write the engine's backward passes yourself.")
    commands = parser.add_subparsers(dest="command", required=True)
    begin = commands.add_parser("start", help="write a workspace: the engine with blanks")
    begin.add_argument("folder")
    begin.add_argument("--force", action="store_true",
                       help="overwrite the engine's files in a folder that is not empty")
    grade = commands.add_parser("check", help="import the engine in FOLDER, run it and grade it")
    grade.add_argument("folder")
    grade.add_argument("--only", help="one exercise: a name as the table prints it (Mul, "
                                      "'topological order'), a number (1) or capstone")
    grade.add_argument("--seed", type=int,
                       help="draw the random cases from this seed (a failure prints the one it "
                            "used; the default is a new one each time)")
    grade.add_argument("--timeout", type=float, default=TIMEOUT, metavar="SECONDS",
                       help=f"stop an exercise after this long (default {TIMEOUT:g}; the "
                            f"capstone's rows get {CAPSTONE_TIME_FACTOR} times as long)")
    grade.add_argument("--stepper", metavar="OUT",
                       help="for each failed op, write the backward stepper of a small graph "
                            "on your engine to OUT/<op>.html")
    helper = commands.add_parser("hint", help="the next hint for an exercise: the idea, then "
                                              "the formula, then the code")
    helper.add_argument("folder")
    helper.add_argument("exercise", help="a name as the table prints it: mul, 'topological order'")
    args = parser.parse_args(argv)
    if args.command == "hint":
        try:
            print(next_hint(args.folder, args.exercise))
        except ValueError as error:
            print(f"hint: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "start":
        try:
            folder = start(args.folder, force=args.force)
        except FileExistsError as error:
            print(f"start: {error}", file=sys.stderr)
            return 1
        print(f"Your engine is in {folder}. Write the bodies that raise NotImplementedError, "
              f"in order, and grade them with:\n  python -m tinygrad_nn.exercises check "
              f"{shlex.quote(str(folder))}")
        return 0
    try:
        return run_check(args)
    except KeyboardInterrupt:
        print("\ncheck: stopped (Ctrl-C)", file=sys.stderr)
        return 130


def run_check(args: argparse.Namespace) -> int:
    """`check`: the table printed row by row as each is graded."""
    seed = random.randrange(10_000) if args.seed is None else args.seed
    try:
        if args.timeout <= 0:
            raise ValueError(f"--timeout {args.timeout:g}: give a number of seconds above 0")
        printed: list[str] = []

        def show(lines: list[str]) -> None:  # the header once the engine imports, then rows
            print("\n".join([HEADER] * (not printed) + lines), flush=True)
            printed.extend(lines)

        _, results = check(args.folder, args.only, seed, args.timeout,
                           shown=lambda result: show(row_lines(result)),
                           told=lambda row, text: show([progress_line(row, text)]))
    except (ValueError, NotAWorkspace) as error:
        print(f"check: {error}", file=sys.stderr)
        return 2
    print("\n".join(footer(results)))
    if args.stepper:
        from tinygrad_nn.exercises.stepper import write_steppers

        drawn = run_apart(write_steppers, args.folder, results, args.stepper,
                          timeout=args.timeout * CAPSTONE_TIME_FACTOR)
        print("\n".join(drawn.value or [f"no stepper: {drawn.ended}"]))
    return 0 if all(r.status in ("passed", "skipped") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
