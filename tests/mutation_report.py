"""`make mutate`'s report (not a test module): after `mutmut run`, the score of each mutated module
and every surviving mutant with its file:line and the change it made.

A mutant counts as surviving
when no test failed on it: mutmut's "survived", and also "no tests" (no test runs that code at all)
and "suspicious". A timeout counts as caught (the tests noticed), and so does a mutant the type
checker rejects (mutmut runs mypy over the mutated copy first; `make test` runs mypy strict, so such a
mutant could never pass it). Survivors listed in MUTATION.md
as equivalent (they cannot change behaviour) are shown and counted in the first figure; the score
held to the target is the second, of the survivors nobody has explained.

    python -m tests.mutation_report [--target 10]   # exit status 1 above the target (per cent)
    python -m tests.mutation_report --equivalents   # what each mutant MUTATION.md names changes now
    python -m tests.mutation_report --names         # the unexplained survivors' names, for mutmut run

Mutant names are numbered per function, so an edit of a function renames its mutants: the second
form makes the mutants of today's source (without running anything) and prints the change each
listed name makes now, or that it no longer exists, to check the list against its reasons.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "MUTATION.md"

# mutmut 3's exit codes per mutant (mutmut.stats.status_by_exit_code), grouped as reported here.
KILLED = {1, 3}
TIMEOUT = {-24, 24, 152, 255, 36}
SURVIVED = {0}
NO_TESTS = {5, 33}
TYPE_CHECK = {37}
NOT_CHECKED = {None}
MUTANT_NAME = re.compile(r"reader\.[\w.]+\.x[\wǁ]+__mutmut_\d+")


@dataclass
class Survivor:
    name: str
    status: str
    line: int
    before: str
    after: str


@dataclass
class Module:
    path: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("total", "killed", "timeout", "type check", "survived", "no tests", "other", "not checked"), 0))
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def surviving(self) -> int:
        return self.counts["survived"] + self.counts["no tests"] + self.counts["other"]


def status_of(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in TIMEOUT:
        return "timeout"
    if code in TYPE_CHECK:
        return "type check"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code in NOT_CHECKED:
        return "not checked"
    return "other"


def function_lines(tree: ast.Module) -> dict[str, int]:
    """The `def` line of every top-level function and method, under mutmut's mangled name."""
    found: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[f"x_{node.name}"] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"xǁ{node.name}ǁ{item.name}"] = item.lineno
    return found


def locate(path: str, name: str, mutated: list[str], spans: dict[str, list[int]],
           def_lines: dict[str, int]) -> tuple[int, str, str]:
    """The source line a mutant changed, with the line before and after the change. The unmutated
    copy of the function in mutants/ is the original text under another name, so the first line
    where the mutant differs from it is, counted from the `def`, the line in the source file."""
    mangled = name.rpartition(".")[2].rpartition("__mutmut_")[0]
    orig_span, mutant_span = spans.get(f"{mangled}__mutmut_orig"), spans.get(name.rpartition(".")[2])
    if orig_span is None or mutant_span is None or mangled not in def_lines:
        return 0, "?", "?"
    orig = mutated[orig_span[0] - 1:orig_span[1]]
    # Under the same name as the copy, so that only the mutation differs.
    mutant = [line.replace(name.rpartition(".")[2], f"{mangled}__mutmut_orig")
              for line in mutated[mutant_span[0] - 1:mutant_span[1]]]
    def_at = next((i for i, line in enumerate(orig) if f"def {mangled}__mutmut_orig" in line), 0)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, orig, mutant, autojunk=False).get_opcodes():
        if tag != "equal":
            at = min(i1, len(orig) - 1)
            before = " ".join(line.strip() for line in orig[i1:i2]) or "(nothing)"
            after = " ".join(line.strip() for line in mutant[j1:j2]) or "(removed)"
            return def_lines[mangled] + at - def_at, before, after
    return def_lines[mangled], "?", "?"


def load(path: str) -> Module:
    module = Module(path)
    meta_path = MUTANTS / f"{path}.meta"
    if not meta_path.exists():
        return module
    codes: dict[str, int | None] = json.loads(meta_path.read_text(encoding="utf-8"))["exit_code_by_key"]
    spans_path = MUTANTS / f"{path}.spans"
    spans = json.loads(spans_path.read_text(encoding="utf-8"))["spans"] if spans_path.exists() else {}
    mutated = (MUTANTS / path).read_text(encoding="utf-8").splitlines()
    def_lines = function_lines(ast.parse((ROOT / path).read_text(encoding="utf-8")))
    for name, code in codes.items():
        status = status_of(code)
        module.counts["total"] += 1
        module.counts[status] += 1
        if status in ("survived", "no tests", "other"):
            line, before, after = locate(path, name, mutated, spans, def_lines)
            module.survivors.append(Survivor(name, status, line, before, after))
    module.survivors.sort(key=lambda s: (s.line, s.name))
    return module


def listed_equivalent() -> set[str]:
    """The mutants MUTATION.md explains as equivalent: those named under its "Equivalent mutants"
    heading (names elsewhere in it, such as figures of a run, are not explanations)."""
    text = EQUIVALENTS.read_text(encoding="utf-8") if EQUIVALENTS.exists() else ""
    return set(MUTANT_NAME.findall(text.partition("\n## Equivalent mutants\n")[2]))


def equivalents_now(paths: list[str], listed: set[str]) -> int:
    """Print what each listed mutant changes in today's source; 1 if one of them no longer exists."""
    from mutmut.mutation.file_mutation import mutate_file_contents

    missing = 0
    for path in paths:
        module = path.removesuffix(".py").replace("/", ".")
        names = sorted(n for n in listed if n.startswith(module + "."))
        if not names:
            continue
        code = (ROOT / path).read_text(encoding="utf-8")
        made = mutate_file_contents(path, code)
        spans = {n: [span.start, span.end] for n, span in made.line_span_by_function_name.items()}
        mutated = made.code.splitlines()
        def_lines = function_lines(ast.parse(code))
        for name in names:
            if name.rpartition(".")[2] not in spans:
                print(f"{path}: {name}: no such mutant in today's source")
                missing += 1
                continue
            line, before, after = locate(path, name, mutated, spans, def_lines)
            print(f"{path}:{line}: {name}\n    - {before}\n    + {after}")
    return 1 if missing else 0


def per_cent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    - "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=10.0, help="most surviving mutants allowed, per cent")
    parser.add_argument("--equivalents", action="store_true",
                        help="show what each mutant MUTATION.md lists changes in today's source")
    parser.add_argument("--names", action="store_true",
                        help="print only the names of the survivors MUTATION.md does not explain")
    args = parser.parse_args(argv)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    if args.equivalents:
        return equivalents_now(config["only_mutate"], listed_equivalent())
    modules = [load(path) for path in config["only_mutate"]]
    equivalent = listed_equivalent()
    if args.names:
        print(" ".join(s.name for m in modules for s in m.survivors if s.name not in equivalent))
        return 0

    columns = ("total", "killed", "timeout", "type check", "survived", "no tests", "other", "not checked")
    print(f"{'module':<22}" + "".join(f"{c:>12}" for c in columns)
          + f"{'surviving':>12}{'equivalent':>12}{'unexplained':>12}")
    total = Module("all")
    for module in modules:
        checked = module.counts["total"] - module.counts["not checked"]
        listed = sum(s.name in equivalent for s in module.survivors)
        print(f"{module.path:<22}" + "".join(f"{module.counts[c]:>12}" for c in columns)
              + f"{per_cent(module.surviving, checked):>12}{listed:>12}"
              + f"{per_cent(module.surviving - listed, checked):>12}")
        for c in columns:
            total.counts[c] += module.counts[c]
        total.survivors += module.survivors
    checked = total.counts["total"] - total.counts["not checked"]
    listed = sum(s.name in equivalent for s in total.survivors)
    print(f"{'all':<22}" + "".join(f"{total.counts[c]:>12}" for c in columns)
          + f"{per_cent(total.surviving, checked):>12}{listed:>12}"
          + f"{per_cent(total.surviving - listed, checked):>12}")

    survivors = [(m.path, s) for m in modules for s in m.survivors]
    unexplained_names = [s for _, s in survivors if s.name not in equivalent]
    print(f"\n{len(survivors)} surviving mutants, {len(survivors) - len(unexplained_names)} of them listed as "
          f"equivalent in MUTATION.md. `.venv/bin/mutmut show NAME` shows one as a diff.")
    for path, s in survivors:
        mark = "  [equivalent: MUTATION.md]" if s.name in equivalent else ""
        print(f"{path}:{s.line}: {s.status}: {s.name}{mark}\n    - {s.before}\n    + {s.after}")
    if total.counts["not checked"]:
        print(f"\n{total.counts['not checked']} mutants not checked (a partial or interrupted run): "
              f"the figures below are of the {checked} checked.")
    if not checked:
        print("\nNo mutant has been checked: run `make mutate` (or `.venv/bin/mutmut run`) first.")
        return 1
    rate = 100 * total.surviving / checked
    unexplained = 100 * len(unexplained_names) / checked
    print(f"\nSurviving: {rate:.1f} % of {checked} mutants; without the {listed} listed as equivalent in "
          f"MUTATION.md: {unexplained:.1f} % (target: at most {args.target:g} %).")
    return 0 if unexplained <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
