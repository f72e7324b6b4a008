"""Graded exercises: write the engine's backward passes yourself.

`python -m tinygrad_nn.exercises start DIR` writes a small copy of the engine (its
ops, the topological order, the backward walk and the SGD step) with chosen bodies
left for you to write; `python -m tinygrad_nn.exercises check DIR` imports the
engine from DIR, runs your code and grades it in order. See docs/exercises.md.

`python -m tinygrad_nn.exercises hint DIR EXERCISE` gives the next level of hint.

One file per job: `catalogue` (the exercises and their hints), `hints` (the next
level of hint for a workspace), `workspace` (the blanked copy, written from the
reference solution in `solution/`), `loading` (importing your folder), `cases` (what
each op is graded on, and its known mistakes), `grading` (a row's outcome, arrays
compared), the checks (`op_checks`, `order_checks` and `walk_checks` on the graphs of
`graphs`, `forward_checks`, `optimizer_checks`), `articles` (the articles' models on
your engine), `capstone`, `contained` (your code run in a child process, with a time
limit, its output captured), `progress` (the rows, `check` and the table), and a
failure's page: `stepper`, `comparison` (expected beside got), `picture` and
`graph_failure` (a graph with the wrong node marked).
"""

from tinygrad_nn.exercises.progress import check, table
from tinygrad_nn.exercises.workspace import start

__all__ = ["check", "start", "table"]
