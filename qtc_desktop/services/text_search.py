"""Case-insensitive substring search that works for every script, on every engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import String


class casefold(GenericFunction[str]):
    """Unicode case folding: lower() on PostgreSQL, our own function on SQLite.

    SQLite's built-in lower() folds only A-Z, so "köln" would not find "KÖLN" there.
    """

    type = String()
    inherit_cache = True


@compiles(casefold, "sqlite")
def _casefold_sqlite(element: casefold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"qtc_casefold({compiler.process(element.clauses, **kw)})"


@compiles(casefold)
def _casefold_default(element: casefold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


def contains_text(expression: SQLColumnExpression[Any], term: str) -> ColumnElement[bool]:
    """`expression` contains `term`, ignoring case; % and _ in the term are literal."""
    pattern = "%" + _escape_like(term) + "%"
    if term.isascii():
        # The engine's own ILIKE is fastest, and exact for ASCII terms on every engine.
        return expression.ilike(pattern, escape="\\")
    return casefold(expression).like(literal(pattern.casefold()), escape="\\")


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
