"""Benchmark: do an assignment's tests kill one-change mutants of its reference?

    .venv/bin/python bench/mutation.py ID [--workers N] [--max-examples N] [--show-survivors]
                                          [--only FUNCTION,...]

Each mutant is the reference with one small change a buggy student could have made: an
arithmetic, bitwise or comparison operator swapped (``+``/``-``, ``<``/``<=``, ``&``/``|``,
``==``/``!=`` ...), a number constant changed (``c`` -> ``c + 1``), ``and``/``or`` swapped, a unary
``-`` or ``not`` dropped, a dtype swapped (``float32``/``float64``, ``bfloat16``/``float16``,
``int32``/``int64`` ...), a slice's end moved by one, the first two arguments of a call swapped,
a statement dropped (a call, an augmented assignment or a ``raise``). All mutants are graded in
one batch as submissions, at the assignment's own example cap, with no course secret. A mutant
is *killed* when it fails a test that the unchanged reference (graded the same way) passes, or
cannot be graded at all.

A mutant of one function must cost points only in the tests of the functions that use it: a
killed mutant whose failing tests call none of the public functions that reach the mutated
code (through the reference's own calls) is listed as a *leak*: a test that judges one function
by another's output, which would cost a student points twice for one bug.

Some mutants behave exactly like the reference on every valid input (``x < 0`` vs ``x <= 0``
where ``x == 0`` gives the same answer either way): no test can kill them. Record each one you
have checked, with the reason, in ``assignments/<id>/mutants.toml``::

    [equivalent]
    "decode:42:10 < -> <=" = "x == 0 takes either branch to the same result"

The score printed is killed / (mutants - equivalent); the bar is 95 %. Keys that name no
mutant any more (the reference changed) are listed so they can be removed. ``--only`` mutates
only the named functions of the reference (to re-check a fixed survivor in minutes, not a whole
run): its score covers those functions alone.
"""

from __future__ import annotations

import argparse
import ast
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.batch import runner
from autograder.batch.backends import LocalBackend
from autograder.course.assignment import load
from autograder.model import Submission
from autograder.settings import GradingSettings

BINOPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.Div: ast.Mult,
          ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
          ast.LShift: ast.RShift, ast.RShift: ast.LShift, ast.BitAnd: ast.BitOr,
          ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitOr, ast.MatMult: ast.Mult}
CMPOPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
          ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
          ast.NotIn: ast.In}
DTYPES = {"float32": "float64", "float64": "float32", "float16": "bfloat16", "bfloat16": "float16",
          "int8": "int16", "int16": "int8", "int32": "int64", "int64": "int32", "uint8": "int8",
          "uint16": "uint32", "uint32": "uint16", "uint64": "int64"}
SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
          ast.Mod: "%", ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&",
          ast.BitOr: "|", ast.BitXor: "^", ast.MatMult: "@", ast.Lt: "<", ast.LtE: "<=",
          ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is",
          ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.And: "and", ast.Or: "or"}


@dataclass(frozen=True)
class Site:
    """One mutant: the n-th node (in ast.walk order) and which change."""

    index: int
    change: str
    key: str  # "function:line:col change", stable while the reference is unchanged


def _enclosing_functions(tree: ast.AST) -> dict[int, str]:
    names = {}
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                names.setdefault(id(node), fn.name)  # outer function wins: walk is outer-first
    return names


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes no mutant touches: docstrings, annotations and the messages of raised errors."""
    skip = set()
    for node in ast.walk(tree):
        parts = []
        if isinstance(node, ast.Raise):
            parts = [node.exc]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts = [node.returns, *(a.annotation for a in ast.walk(node.args)
                                     if isinstance(a, ast.arg))]
        elif isinstance(node, ast.AnnAssign):
            parts = [node.annotation]
        for part in parts:
            if part is not None:
                skip.update(id(n) for n in ast.walk(part))
    return skip


def _changes(node: ast.AST) -> list[str]:
    """The one-change mutations that apply to ``node``, each as text."""
    out = []
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in BINOPS:
        out.append(f"{SYMBOL[type(node.op)]} -> {SYMBOL[BINOPS[type(node.op)]]}")
    if isinstance(node, (ast.Expr, ast.AugAssign, ast.Raise)) and not (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # docstrings
        out.append(f"drop {type(node).__name__.lower()} statement")
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in CMPOPS:
        out.append(f"{SYMBOL[type(node.ops[0])]} -> {SYMBOL[CMPOPS[type(node.ops[0])]]}")
    if isinstance(node, ast.BoolOp):
        out.append("and -> or" if isinstance(node.op, ast.And) else "or -> and")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        out.append("drop -" if isinstance(node.op, ast.USub) else "drop not")
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        out.append(f"{node.value!r} -> {node.value + 1!r}")
    if isinstance(node, ast.Attribute) and node.attr in DTYPES:
        out.append(f".{node.attr} -> .{DTYPES[node.attr]}")
    if isinstance(node, ast.Slice) and node.upper is not None \
            and not isinstance(node.upper, ast.Constant):  # constant ends: the rule above
        out.append("slice end + 1")
    if isinstance(node, ast.Call) and len(node.args) >= 2 \
            and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
        out.append("swap first two arguments")
    return out


def sites(source: str) -> list[Site]:
    tree = ast.parse(source)
    skip, where = _skipped(tree), _enclosing_functions(tree)
    found = []
    for i, node in enumerate(ast.walk(tree)):
        for change in ([] if id(node) in skip else _changes(node)):
            fn = where.get(id(node), "<module>")
            found.append(Site(i, change, f"{fn}:{node.lineno}:{node.col_offset} {change}"))
    return found


class _Apply(ast.NodeTransformer):
    def __init__(self, target: ast.AST, change: str):
        self.target, self.change = target, change

    def visit(self, node):
        if node is not self.target:
            return self.generic_visit(node)
        c = self.change
        if c.startswith("drop ") and c.endswith(" statement"):
            return ast.Pass()
        if c in ("drop -", "drop not"):
            return node.operand
        if c == "slice end + 1":
            node.upper = ast.BinOp(node.upper, ast.Add(), ast.Constant(1))
        elif c == "swap first two arguments":
            node.args[0], node.args[1] = node.args[1], node.args[0]
        elif isinstance(node, ast.Attribute):
            node.attr = DTYPES[node.attr]
        elif isinstance(node, (ast.BinOp, ast.AugAssign)):
            node.op = BINOPS[type(node.op)]()
        elif isinstance(node, ast.Compare):
            node.ops = [CMPOPS[type(node.ops[0])]()]
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.Constant):
            node.value = node.value + 1
        return node


def mutant(source: str, site: Site) -> str:
    tree = ast.parse(source)
    target = next(n for i, n in enumerate(ast.walk(tree)) if i == site.index)
    return ast.unparse(ast.fix_missing_locations(_Apply(target, site.change).visit(tree)))


def callers(source: str, public: list[str]) -> dict[str, set[str]]:
    """Each function of the reference -> the public functions whose calls reach it (through the
    reference's own calls, by plain name); module-level code reaches them all."""
    tree = ast.parse(source)
    calls = {fn.name: {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
             for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))}
    reach = {"<module>": set(public)}
    for p in public:
        seen, todo = set(), [p]
        while todo:
            f = todo.pop()
            if f in seen or f not in calls:
                continue
            seen.add(f)
            todo.extend(calls[f] - seen)
        for f in seen:
            reach.setdefault(f, set()).add(p)
    return reach


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("assignment")
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--max-examples", type=int, help="cap every test at N examples")
    p.add_argument("--show-survivors", action="store_true", help="print each survivor's code line")
    p.add_argument("--only", metavar="FUNCTIONS", help="comma-separated: mutate only these "
                   "functions of the reference (the score covers them alone)")
    ns = p.parse_args()
    settings = GradingSettings.from_env().replace(secret=None, max_examples=ns.max_examples)
    a = load(settings.course_dir, ns.assignment)
    source = a.reference.read_text()
    found = sites(source)
    equivalent_file = a.folder / "mutants.toml"
    equivalent = (tomllib.loads(equivalent_file.read_text()).get("equivalent", {})
                  if equivalent_file.is_file() else {})
    if ns.only:
        only = set(ns.only.split(","))
        unknown = only - {s.key.split(":")[0] for s in found}
        if unknown:
            p.error(f"--only: {', '.join(sorted(unknown))} has no mutant in {a.reference.name}")
        found = [s for s in found if s.key.split(":")[0] in only]
        equivalent = {k: v for k, v in equivalent.items() if k.split(":")[0] in only}
    with tempfile.TemporaryDirectory(prefix=f"ulp-mutants-{a.id}-") as tmp:
        files = {"unchanged": ast.unparse(ast.parse(source))}
        files.update({f"m{n:04d}": mutant(source, s) for n, s in enumerate(found)})
        subs = []
        for name, text in files.items():
            f = Path(tmp, "in", name, f"{a.id}.py")
            f.parent.mkdir(parents=True)
            f.write_text(text)
            subs.append(Submission(name, f, f))
        t0 = time.perf_counter()
        grades = {g.student_id: g for g in runner.grade_class(
            a, subs, Path(tmp, "out"), settings, backend=LocalBackend(ns.workers), regrade=True)}
        wall = time.perf_counter() - t0
    base = grades["unchanged"]
    if base.is_grader_failure or base.failed:
        print(f"warning: the reference, graded as a submission, fails {base.failed or base}: "
              "mutants of what those tests check cannot be judged")
    reach = callers(source, a.functions)
    killed, survivors, leaks = 0, [], []
    for n, s in enumerate(found):
        g = grades[f"m{n:04d}"]
        new = set(g.failed) - set(base.failed)
        if g.is_grader_failure or new:
            killed += 1
            users = reach.get(s.key.split(":")[0], set(a.functions))
            elsewhere = sorted(t.name for t in g.tests if t.name in new and t.functions
                               and not users & set(t.functions))
            if elsewhere:
                leaks.append((s, elsewhere))
        elif s.key not in equivalent:
            survivors.append(s)
    judged = len(found) - sum(s.key in equivalent for s in found)
    score = killed / judged if judged else 1.0
    scope = f" (only {ns.only})" if ns.only else ""
    print(f"{a.id}{scope}: {killed}/{judged} non-equivalent mutants killed ({100 * score:.1f} %; "
          f"{len(found)} mutants, {len(found) - judged} recorded equivalent, {len(leaks)} "
          f"leaking into other functions' tests; {wall:.0f} s)")
    lines = source.splitlines()
    for s in survivors:
        line = int(s.key.split(":")[1])
        print(f"  survived: {s.key}" + (f"    | {lines[line - 1].strip()}" if ns.show_survivors else ""))
    for s, tests in leaks:
        print(f"  leak: {s.key} fails {', '.join(tests)}, which call none of the functions using it")
    for key in sorted(set(equivalent) - {s.key for s in found}):
        print(f"  stale entry in {equivalent_file.name}: {key!r} names no mutant")


if __name__ == "__main__":
    main()
