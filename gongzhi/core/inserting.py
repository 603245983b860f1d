"""One new row written without compiling its ``INSERT`` each time: :func:`insert`.

``Model.save()`` of a new object compiles the same ``INSERT … RETURNING id`` on every
call; for a case (fifty columns) that was a fifth of a submission's CPU time (issue 4:
creation under 8 concurrent clients). :func:`insert` has Django's compiler build the
statement once per model and database, and for every later object prepares the values
the way that compiler does (``pre_save`` — so ``auto_now`` fields are stamped — then
``get_db_prep_save``, encrypted fields included), then runs it and sets the primary key.

What it leaves out of ``save()``: the ``pre_save``/``post_save`` signals (the project
keeps domain logic out of signals; see STYLE.md) and the check for unsaved related
objects (callers pass saved ones). Only for models with an automatic primary key.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.sql import InsertQuery

# (model, vendor) → (the INSERT statement, its fields in parameter order, returns the key)
_compiled: dict[tuple[type[Model], str], tuple[str, list[Field[Any, Any]], bool]] = {}


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    """The columns ``Model._save_table`` inserts for a new row with no primary key set."""
    opts = model._meta
    return [f for f in opts.local_concrete_fields if not f.generated and f is not opts.auto_field]


def insert(obj: Model) -> None:
    """INSERT ``obj`` (a new object of a model with an automatic primary key) and set its
    primary key, as ``obj.save()`` would, from an ``INSERT`` compiled once per process."""
    model = type(obj)
    opts = model._meta
    assert opts.auto_field is not None and obj.pk is None, "insert() writes new rows only"
    query = InsertQuery(model)
    compiler = query.get_compiler(using=connection.alias)
    key = (model, connection.vendor)
    compiled = _compiled.get(key)
    if compiled is None:
        fields = _fields(model)
        query.insert_values(fields, [obj])
        returning = bool(connection.features.can_return_columns_from_insert)
        compiler.returning_fields = [opts.pk] if returning else None
        ((sql, params),) = compiler.as_sql()
        if len(params) != len(fields):
            # A field that writes its own SQL for its value: leave this model to save().
            obj.save(force_insert=True)
            return
        _compiled[key] = compiled = (sql, fields, returning)
    else:
        sql, fields, returning = compiled
        query.insert_values(fields, [obj])
        params = [compiler.prepare_value(f, compiler.pre_save_val(f, obj)) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            row = cursor.fetchone()
            assert row is not None
            pk = row[0]
        else:
            pk = connection.ops.last_insert_id(cursor, opts.db_table, str(opts.pk.column))
    setattr(obj, opts.pk.attname, pk)
    obj._state.adding = False
    obj._state.db = connection.alias
