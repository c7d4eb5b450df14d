"""Static check of the names an assignment forbids (the module's AST, never its execution).

Why per function: a forbidden call scores 0 on the tests it touches, and no others. Each use
is attributed to the top-level function or class that contains it; a public function is
tainted by its own uses, by those of the helpers it refers to (transitively), and by uses in
module-level code (which runs for every test). Import aliases are resolved, so
``from math import fsum as f; f(x)`` is ``math.fsum``, and ``np.add.reduce`` is
``numpy.add.reduce``. Importing a forbidden module is a use wherever it happens: an import at
module level counts against every function, because an import can do the work by its side
effects alone (``import ml_dtypes`` lets ``x.astype("bfloat16")`` round with no name in
sight). Dynamic tricks (``eval``, ``__import__``, ``importlib``) are forbidden
alongside, since they exist only to hide a name.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

MODULE_LEVEL = "<module>"


def imported_modules(tree: ast.AST, *, relative: bool = False) -> set[str]:
    """The top-level names of the modules ``tree`` imports (``import a.b`` and ``from a import b``:
    ``a``); with ``relative``, also the modules of a flat folder that ``from .a import b`` and
    ``from . import a`` name."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.level == 0 or relative):
            if node.module:
                names.add(node.module.split(".")[0])
            elif node.level:
                names.update(alias.name for alias in node.names)
    return names


def imports_of(source: str) -> set[str]:
    """:func:`imported_modules` of a module's source, relative imports included; none where it
    does not parse (the tests say why)."""
    try:
        return imported_modules(ast.parse(source), relative=True)
    except (SyntaxError, ValueError):
        return set()


EVASION_NAMES = ["eval", "exec", "compile", "__import__", "__builtins__", "importlib", "builtins",
                 "sys.modules", "runpy"]


@dataclass(frozen=True)
class Finding:
    line: int
    owner: str  # the top-level function or class, or MODULE_LEVEL
    what: str   # e.g. "numpy.sum", ".hex", "the @ operator", "import struct"

    def describe(self) -> str:
        where = "at module level" if self.owner == MODULE_LEVEL else f"in {self.owner}"
        return f"`{self.what}` (line {self.line}, {where})"


@dataclass
class Spec:
    """The [forbidden] table of an assignment.toml."""

    modules: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)
    runtime: list[str] = field(default_factory=list)
    why: str = ""

    @property
    def empty(self) -> bool:
        return not (self.modules or self.names or self.attributes or self.operators)


@dataclass
class Report:
    findings: list[Finding]
    calls: dict[str, set[str]]  # owner -> top-level names it refers to

    def tainting(self, function: str) -> list[Finding]:
        """Findings that reach ``function``: its own, its helpers', and module-level code's."""
        seen, stack = set(), [function]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(self.calls.get(name, ()))
        return sorted((f for f in self.findings if f.owner in seen or f.owner == MODULE_LEVEL),
                      key=lambda f: f.line)


def check_source(source: str, spec: Spec) -> Report:
    """Analyse a module's source. A module that does not parse yields no findings (its import
    fails in the worker, with the syntax error as feedback)."""
    if spec.empty:
        return Report([], {})
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return Report([], {})
    return _Checker(tree, spec).run()


class _Checker:
    def __init__(self, tree: ast.Module, spec: Spec):
        self.tree = tree
        self.spec = spec
        self.names = set(spec.names) | set(EVASION_NAMES)
        self.aliases = self._aliases(tree)
        self.assigned = self._assigned_names(tree)
        self.top_level = {n.name for n in tree.body
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        self.top_level |= {t.id for n in tree.body for t in self._assign_targets(n)}
        self.findings: list[Finding] = []
        self.calls: dict[str, set[str]] = {}

    @staticmethod
    def _aliases(tree) -> dict[str, str]:
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        root = a.name.split(".")[0]
                        aliases[root] = root
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        return aliases

    @staticmethod
    def _assigned_names(tree) -> set[str]:
        """Names the module binds itself (so ``sum = 0`` is not the built-in ``sum``)."""
        bound = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
        return bound

    @staticmethod
    def _assign_targets(stmt) -> list[ast.Name]:
        """Plain names bound at module level: ``kahan_sum = naive_sum`` makes an alias."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else \
            [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        names = []
        for t in targets:
            names += [n for n in ast.walk(t) if isinstance(n, ast.Name)]
        return names

    def run(self) -> Report:
        for stmt in self.tree.body:
            for target in self._assign_targets(stmt):  # an alias refers to what its value names
                value = getattr(stmt, "value", None)
                refs = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)} if value else set()
                self.calls.setdefault(target.id, set()).update(refs & self.top_level - {target.id})
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                owner = stmt.name
                exempt_ops = isinstance(stmt, ast.FunctionDef) and self._is_kernel(stmt)
            else:
                owner, exempt_ops = MODULE_LEVEL, False
            self.calls.setdefault(owner, set())
            for node in ast.walk(stmt):
                self._visit(node, owner, exempt_ops, stmt)
        return Report(self.findings, self.calls)

    def _is_kernel(self, fn: ast.FunctionDef) -> bool:
        """A Triton kernel (``@triton.jit``): its ``@`` is Triton's, not torch's."""
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            dotted = self._dotted(target)
            if dotted and dotted.split(".")[-1] in ("jit", "autotune", "heuristics"):
                return True
        return False

    def _add(self, node, owner: str, what: str) -> None:
        self.findings.append(Finding(getattr(node, "lineno", 0), owner, what))

    def _visit(self, node, owner: str, exempt_ops: bool, stmt) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                if self._module_forbidden(a.name):
                    self._add(node, owner, f"import {a.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if self._module_forbidden(node.module) or self._module_forbidden(full):
                    self._add(node, owner, f"from {node.module} import {a.name}")
        elif isinstance(node, ast.Attribute):
            if node.attr in self.spec.attributes:
                self._add(node, owner, f".{node.attr}")
            dotted = self._dotted(node)
            if dotted and self._is_outermost(node, stmt):
                self._check_dotted(node, owner, dotted)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in self.top_level and node.id != owner:
                self.calls[owner].add(node.id)
            dotted = self._resolve(node.id)
            if dotted and not self._has_attribute_parent(node, stmt):
                self._check_dotted(node, owner, dotted)
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult):
            if "@" in self.spec.operators and not exempt_ops:
                self._add(node, owner, "the @ operator")

    def _module_forbidden(self, module: str) -> bool:
        return any(module == m or module.startswith(m + ".") for m in self.spec.modules) or \
            any(module == n or module.startswith(n + ".") for n in self.names)

    def _check_dotted(self, node, owner: str, dotted: str) -> None:
        parts = dotted.split(".")
        prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
        if any(p in self.names for p in prefixes) or self._module_forbidden(dotted):
            self._add(node, owner, dotted)

    def _resolve(self, name: str) -> str | None:
        if name in self.aliases:
            return self.aliases[name]
        if (hasattr(builtins, name) or name == "__builtins__") and name not in self.assigned:
            return name
        return None

    def _dotted(self, node) -> str | None:
        attrs = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self._resolve(node.id)
        if root is None:
            return None
        return ".".join([root, *reversed(attrs)])

    @staticmethod
    def _parent_map(stmt):
        parents = getattr(stmt, "_ulp_parents", None)
        if parents is None:
            parents = {}
            for parent in ast.walk(stmt):
                for child in ast.iter_child_nodes(parent):
                    parents[child] = parent
            stmt._ulp_parents = parents
        return parents

    def _is_outermost(self, node, stmt) -> bool:
        return not isinstance(self._parent_map(stmt).get(node), ast.Attribute)

    def _has_attribute_parent(self, node, stmt) -> bool:
        return isinstance(self._parent_map(stmt).get(node), ast.Attribute)
