"""A codemod that threads an explicit ``lang`` through every function that shows catalogue text.

How every page was wired to the language control (issue 12), kept for the next page or feature
that shows catalogue text. For the files given, it finds every function that calls ``t(...)``
or (transitively, by name) one that does, gives it a keyword-only ``lang: str = "en"``, passes
``lang`` as ``t``'s second argument and ``lang=lang`` to those calls; ``main`` gets no parameter
(write ``lang = setup_page(...)`` in it). Then read the diff: ``ruff check`` reports calls whose
caller has no ``lang`` (F821), the zh page test reports English left over, and a name shared
with a library function (``slider``, ``text``) belongs in ``EXCLUDED_NAMES``::

    python tools/thread_lang.py --dry pages/4_When_EM_goes_wrong.py emlab/pitfalls/*.py
    python tools/thread_lang.py pages/4_When_EM_goes_wrong.py $(ls emlab/pitfalls/*.py | grep -v text)
    ruff format pages emlab && ruff check pages emlab
"""

# ruff: noqa: N802 (libcst calls its visitor methods by these names)

import sys
from pathlib import Path

import libcst as cst

# Never given ``lang``: the page's entry point, the catalogue itself, and names our functions share
# with Streamlit or plotly methods (a call ``st.caption(...)`` must not receive ``lang=``).
EXCLUDED_NAMES = {"main", "t", "slider", "text", "caption", "message", "markdown", "title", "header", "info", "warning"}


def call_name(call: cst.Call) -> str | None:
    if isinstance(call.func, cst.Name):
        return call.func.value
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return None


class Collector(cst.CSTVisitor):
    def __init__(self, wanted: set[str]):
        self.wanted = wanted
        self.stack: list[str] = []
        self.found: set[str] = set()
        self.defined: set[str] = set()

    def visit_FunctionDef(self, node):
        self.stack.append(node.name.value)
        self.defined.add(node.name.value)

    def leave_FunctionDef(self, node):
        self.stack.pop()

    def visit_Call(self, node):
        name = call_name(node)
        if not self.stack or name is None:
            return
        shows_text = name == "t" and isinstance(node.func, cst.Name) or name in self.wanted
        if shows_text and self.stack[0] not in EXCLUDED_NAMES:
            self.found.add(self.stack[0])


def has_lang(params: cst.Parameters) -> bool:
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    return any(p.name.value == "lang" for p in every)


class Rewriter(cst.CSTTransformer):
    def __init__(self, wanted: set[str]):
        self.wanted = wanted
        self.scopes: list[bool] = []  # whether lang is in scope

    def visit_FunctionDef(self, node):
        name = node.name.value
        self.scopes.append(
            has_lang(node.params) or name in self.wanted or name == "main" or (bool(self.scopes) and self.scopes[-1])
        )

    def leave_FunctionDef(self, original, updated):
        self.scopes.pop()
        name = updated.name.value
        if name not in self.wanted or has_lang(updated.params):
            return updated
        params = updated.params
        lang = cst.Param(
            name=cst.Name("lang"),
            annotation=cst.Annotation(cst.Name("str")),
            default=cst.SimpleString('"en"'),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        star = params.star_arg
        if isinstance(star, cst.MaybeSentinel) or star is None:
            star = cst.ParamStar()
        return updated.with_changes(
            params=params.with_changes(star_arg=star, kwonly_params=[*params.kwonly_params, lang])
        )

    def leave_Call(self, original, updated):
        if not self.scopes or not self.scopes[-1]:
            return updated
        name = call_name(updated)
        if any(a.keyword is not None and a.keyword.value == "lang" for a in updated.args):
            return updated
        if name == "t" and isinstance(updated.func, cst.Name):
            args = list(updated.args)
            positional = [a for a in args if a.keyword is None and not a.star]
            if len(positional) >= 2:
                return updated
            first = args[0]
            new = cst.Arg(cst.Name("lang"))
            return updated.with_changes(
                args=[
                    first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    new.with_changes(comma=first.comma if len(args) > 1 else cst.MaybeSentinel.DEFAULT),
                    *args[1:],
                ]
            )
        if name in self.wanted:
            args = list(updated.args)
            new = cst.Arg(
                value=cst.Name("lang"),
                keyword=cst.Name("lang"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            if args:
                last = args[-1]
                if isinstance(last.comma, cst.Comma):
                    return updated.with_changes(args=[*args, new.with_changes(comma=last.comma)])
                args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            return updated.with_changes(args=[*args, new])
        return updated


def main(paths: list[str], dry: bool) -> None:
    """Rewrite ``paths`` in place (``dry``: only print which functions would get ``lang``)."""
    modules = {p: cst.parse_module(Path(p).read_text()) for p in paths}
    wanted: set[str] = set()
    while True:
        found = set()
        for module in modules.values():
            collector = Collector(wanted)
            module.visit(collector)
            found |= collector.found
        if found <= wanted:
            break
        wanted |= found
    print(sorted(wanted))
    for p, module in modules.items():
        new = module.visit(Rewriter(wanted))
        if new.code != module.code and not dry:
            Path(p).write_text(new.code)
            print("rewrote", p)


if __name__ == "__main__":
    main([arg for arg in sys.argv[1:] if arg != "--dry"], dry="--dry" in sys.argv[1:])
