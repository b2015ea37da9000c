"""The code stays easy to change: no function in consensus/ above cyclomatic complexity 15 (radon
grade C and worse) unless its docstring says why it is long."""

from __future__ import annotations

from radon.complexity import cc_visit

from consensus import PROJECT_ROOT

LIMIT = 15
EXCUSE = "complexity:"
"""A docstring that starts a line with this word explains why the function is long."""


def test_no_function_is_more_complex_than_the_limit_without_saying_why() -> None:
    found = []
    for path in sorted((PROJECT_ROOT / "consensus").rglob("*.py")):
        source = path.read_text()
        for block in cc_visit(source):
            if block.complexity <= LIMIT:
                continue
            lines = source.splitlines()[block.lineno - 1 : block.endline]
            if any(EXCUSE in line for line in lines[:12]):
                continue
            found.append(f"{path.relative_to(PROJECT_ROOT)}:{block.lineno} {block.fullname} ({block.complexity})")
    assert found == [], "split these into named steps:\n" + "\n".join(found)
