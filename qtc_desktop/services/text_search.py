"""Case-insensitive substring search that works for every script, on every engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean, String


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


class like_ignoring_case(ColumnElement[bool]):
    """`expression LIKE pattern`, ignoring case for ASCII letters.

    SQLite's LIKE already ignores ASCII case, and SQLAlchemy's generic ILIKE
    (lower(x) LIKE lower(y)) costs it twice the time; PostgreSQL has a real ILIKE.
    """

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [
        ("operand", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, expression: SQLColumnExpression[Any], pattern: str) -> None:
        self.operand: Any = expression
        self.pattern = literal(pattern)


@compiles(like_ignoring_case, "sqlite")
def _like_sqlite(element: like_ignoring_case, compiler: SQLCompiler, **kw: Any) -> str:
    return (f"{compiler.process(element.operand, **kw)} LIKE "
            f"{compiler.process(element.pattern, **kw)} ESCAPE '\\'")


@compiles(like_ignoring_case)
def _like_default(element: like_ignoring_case, compiler: SQLCompiler, **kw: Any) -> str:
    return (f"{compiler.process(element.operand, **kw)} ILIKE "
            f"{compiler.process(element.pattern, **kw)} ESCAPE '\\'")


class unindexed(GenericFunction[Any]):
    """The same value, but SQLite's planner will not walk an index for it (unary +).

    While a search narrows 100,000 rows to a few, sorting those few is cheap; walking the
    sort column's index instead tests the search on every row.
    """

    inherit_cache = True


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def contains_text(expression: SQLColumnExpression[Any], term: str) -> ColumnElement[bool]:
    """`expression` contains `term`, ignoring case; % and _ in the term are literal."""
    pattern = "%" + _escape_like(term) + "%"
    if term.isascii():
        # Exact for ASCII terms on every engine, and the fastest form on each.
        return like_ignoring_case(expression, pattern)
    return casefold(expression).like(literal(pattern.casefold()), escape="\\")


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
