"""The package's shape, checked: imports follow the data flow (docs/architecture.md).

Every import of an ``autograder`` module is read from the source (module level and inside
functions alike): the import graph has no cycle, no module imports another autograder module
inside a function, and each layer imports only the layers the architecture allows.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "autograder"

# layer -> the layers it may import (besides itself). "base" is errors, model, settings, testing.
ALLOWED = {
    "base": set(),
    "sandbox": {"base"},
    "course": {"base"},
    "output": {"base", "course"},
    "session": {"base", "course", "sandbox"},
    "batch": {"base", "course", "output", "session", "sandbox"},
    "cli": {"base", "course", "output", "session", "sandbox", "batch"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"  # the package itself: its version
    if parts[1] in ALLOWED and parts[1] != "base":
        return parts[1]
    return "base"  # autograder.errors, .model, .settings, .testing


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported autograder module, whether the import is inside a function)."""
    tree = ast.parse(path.read_text())
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {id(n) for n in ast.walk(node) if n is not node}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name == "autograder" or name.startswith("autograder."):
                found.append((name, id(node) in inside))
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def edges() -> dict[str, set[str]]:
    graph = {m: set() for m in MODULES}
    for m, path in MODULES.items():
        for name, _ in imports(path):
            # "from autograder.course import release" names the module autograder.course.release
            target = name if name in MODULES else name.rpartition(".")[0]
            if target in MODULES and target != m:
                graph[m].add(target)
    return graph


EDGE = "autograder.cli"  # imported by nothing: an import inside one of its commands hides no
# cycle, and keeps what only some commands need (the gradebook's database layer) out of the
# start-up of `ulp check`


def test_no_module_imports_another_inside_a_function():
    hidden = [f"{m}: {name}" for m, p in MODULES.items() for name, inside in imports(p)
              if inside and m != EDGE]
    assert hidden == [], "import at the top of the module (a cycle is a design error)"


def test_nothing_imports_the_edge():
    assert [m for m, targets in edges().items() if EDGE in targets] == []


def test_the_import_graph_has_no_cycle():
    graph, state, cycles = edges(), {}, []

    def visit(m, stack):
        state[m] = "open"
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                cycles.append(" -> ".join(stack[stack.index(n):] + [n]))
            elif n not in state:
                visit(n, stack + [n])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_layer_imports_only_what_the_architecture_allows(module):
    mine = layer(module)
    bad = sorted(n for n in edges()[module]
                 if layer(n) != mine and layer(n) not in ALLOWED[mine])
    assert bad == [], f"{module} ({mine}) may import only {sorted(ALLOWED[mine])}"


def test_the_worker_imports_only_what_runs_in_the_sandbox():
    """The worker runs inside bubblewrap: it may import the protocol and the errors, nothing
    that would pull the grader (pytest, the course, the reference) into the student's process."""
    reach, todo = set(), ["autograder.sandbox.worker"]
    graph = edges()
    while todo:
        m = todo.pop()
        if m not in reach:
            reach.add(m)
            todo += graph[m]
    assert reach <= {"autograder", "autograder.sandbox", "autograder.sandbox.worker",
                     "autograder.sandbox.protocol", "autograder.errors"}


def test_nothing_points_outside_the_repository():
    """The architecture and the contracts are in the repository: every document a file names
    (an upper-case Markdown name, such as README.md) is one of the repository's own, and no
    document or statement refers to a path above the repository (``../``)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    ours = {Path(name).name for name in listed}
    found = []
    for name in listed:
        path = ROOT / name
        if not path.is_file() or path.suffix not in (".py", ".md", ".j2", ".toml", ".sh", ".txt", ""):
            continue
        text = path.read_text(errors="replace")
        found += [f"{name}: {doc}" for doc in re.findall(r"\b[A-Z][A-Z0-9_-]*\.md\b", text)
                  if doc not in ours]
        if path.suffix in (".md", ".j2") and "../" in text:
            found.append(f"{name}: a path above the repository")
    assert found == []


def test_every_engine_name_an_assignment_imports_exists():
    """Assignment code (tests, helpers, references, self-tests) imports only what the engine
    has, wherever the import is: one inside a test function (a GPU-only test, say) runs only
    on a GPU, so a missing name there would otherwise pass CI unseen."""
    import importlib

    missing = []
    for path in sorted([*ROOT.glob("assignments/*/**/*.py"), *ROOT.glob("reference/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level and \
                    (node.module or "").split(".")[0] == "autograder":
                module = importlib.import_module(node.module)
                missing += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{a.name}"
                            for a in node.names if not hasattr(module, a.name)
                            and not _is_submodule(module, a.name)]
    assert not missing, missing


def _is_submodule(module, name: str) -> bool:
    import importlib.util
    return hasattr(module, "__path__") and \
        importlib.util.find_spec(f"{module.__name__}.{name}") is not None
