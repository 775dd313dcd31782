"""The two loops that run repository operations: one on a sync ``Session``, one on an ``AsyncSession``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import InstanceState, Session, SessionTransactionOrigin
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from advanced_alchemy._core.model_info import model_info
from advanced_alchemy._core.steps import (
    Add,
    AddAll,
    Attach,
    BeginNested,
    Commit,
    Delete,
    EndNested,
    Execute,
    Expunge,
    Flush,
    MarkDeleted,
    Operation,
    Refresh,
    Step,
)

__all__ = ("run_async", "run_sync")

T = TypeVar("T")


def _session_only(session: Any, step: Step) -> Any:
    """Steps that never wait on the database (the same call on sync and async sessions)."""
    if isinstance(step, Add):
        session.add(step.instance)
    elif isinstance(step, AddAll):
        session.add_all(step.instances)
    elif isinstance(step, Attach):
        return _attach(session, step)
    elif isinstance(step, MarkDeleted):
        _mark_deleted(getattr(session, "sync_session", session), step.instances)
    elif isinstance(step, Expunge):
        for instance in step.instances:
            if instance in session:
                session.expunge(instance)
    return None


def _attach(session: Any, step: Attach) -> list[Any]:
    sync_session = getattr(session, "sync_session", session)
    if step.values is None:
        _register_inserted(sync_session, [instance_state(instance) for instance in step.instances])
        return list(step.instances)
    if not step.instances:
        return []
    identity_map = sync_session.identity_map
    mapper = instance_state(step.instances[0]).mapper
    pk_names = model_info(mapper.class_).pk_attr_names  # type: ignore[arg-type]
    key_of = _identity_key_of(mapper)
    attached: list[Any] = []
    new: list[Any] = []
    for instance, values in zip(step.instances, step.values, strict=True):
        current = identity_map.get(key_of(values))
        if current is None:
            state = instance_state(instance)
            state.dict.update(values)
            new.append(state)
            attached.append(instance)
        else:
            for name, value in values.items():
                set_committed_value(current, name, value)
            for name in pk_names:
                set_committed_value(instance, name, values[name])
            attached.append(current)
    _register_inserted(sync_session, new)
    return attached


def _identity_key_of(mapper: Any) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The identity-map key of an instance of ``mapper``'s class, from its primary-key attribute values."""
    identity_class = mapper._identity_class
    pk_names = model_info(mapper.class_).pk_attr_names

    def key_of(values: dict[str, Any]) -> tuple[Any, ...]:
        return (identity_class, tuple([values[name] for name in pk_names]), None)

    return key_of


def _mark_deleted(session: Session, instances: Sequence[Any]) -> None:
    hash_key = session.hash_key  # persistent in this session: in its identity map
    states = [state for state in map(instance_state, instances) if state.session_id == hash_key and state.key]
    if states:
        session._remove_newly_deleted(states)  # the step a flush takes after its DELETEs


def _register_inserted(session: Session, states: Sequence[Any]) -> None:
    """Make the states of transient instances (all of one mapped class) whose rows were just written
    persistent, as a flush of them would.

    They are recorded as new in the session's transaction (a rollback expunges them again) and enter the
    identity map with their attributes committed. Session attach/lifecycle event listeners, if any, are
    served by SQLAlchemy's own pending -> persistent path.
    """
    if not states:
        return
    dispatch = session.dispatch
    if (
        dispatch.before_attach
        or dispatch.after_attach
        or dispatch.transient_to_pending
        or dispatch.pending_to_persistent
    ):
        for state in states:
            session._save_impl(state)
        session._register_persistent(set(states))
        return
    session._autobegin_t()
    new_in_transaction = session._transaction._new  # type: ignore[union-attr]
    identity_map = session.identity_map
    replace = identity_map.replace
    hash_key = session.hash_key
    key_of = _identity_key_of(states[0].mapper)

    def registered() -> Iterator[tuple[Any, dict[str, Any]]]:
        # one state at a time: no per-instance pair outlives its step (fewer objects for the garbage collector)
        for state in states:
            values = state.dict
            state.key = key_of(values)
            state.session_id = hash_key
            state._orphaned_outside_of_session = False
            replace(state)
            new_in_transaction[state] = True
            yield state, values

    InstanceState._commit_all_states(registered(), identity_map)


def _opens_no_transaction_before_savepoint(driver_connection: Any) -> bool:
    """Whether a SAVEPOINT emitted now would begin (and its RELEASE commit) a transaction of its own.

    The ``sqlite3`` / ``aiosqlite`` drivers in their default (legacy) transaction mode begin a transaction
    only before DML; a SAVEPOINT outside one would then not belong to the session's transaction.
    """
    module = type(driver_connection).__module__.partition(".")[0]
    if module not in {"sqlite3", "aiosqlite"}:
        return False
    legacy = getattr(driver_connection, "isolation_level", None) is not None  # None: autocommit / user BEGIN
    return legacy and not getattr(driver_connection, "in_transaction", True)


def _begin_nested_sync(session: Any, step: BeginNested) -> Any:
    bind_arguments = {"mapper": step.mapper} if step.mapper is not None else None
    connection = session.connection(bind_arguments=bind_arguments)
    if _opens_no_transaction_before_savepoint(connection.connection.driver_connection):
        connection.exec_driver_sql("BEGIN")
    return session.begin_nested() if step.session_level else connection.begin_nested()


async def _begin_nested_async(session: Any, step: BeginNested) -> Any:
    bind_arguments = {"mapper": step.mapper} if step.mapper is not None else None
    connection = await session.connection(bind_arguments=bind_arguments)
    raw = await connection.get_raw_connection()
    if _opens_no_transaction_before_savepoint(raw.driver_connection):
        await connection.exec_driver_sql("BEGIN")
    return await (session.begin_nested() if step.session_level else connection.begin_nested())


def _caller_owns_transaction(session: Any) -> bool:
    """Whether the caller began the current transaction explicitly (``with session.begin():``, a savepoint).

    ``auto_commit`` then only flushes: committing would close a transaction the caller's block still owns.
    """
    sync_session = getattr(session, "sync_session", session)
    if sync_session.in_nested_transaction():
        return True
    transaction = sync_session.get_transaction()
    return transaction is not None and transaction.origin is not SessionTransactionOrigin.AUTOBEGIN


def _execute_kwargs(step: Execute) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if step.params is not None:
        kwargs["params"] = step.params
    if step.execution_options:
        kwargs["execution_options"] = step.execution_options
    return kwargs


def _sync_step(session: Any, step: Step) -> Any:
    if isinstance(step, Execute):
        if not step.autoflush:
            with session.no_autoflush:
                return session.execute(step.statement, **_execute_kwargs(step))
        return session.execute(step.statement, **_execute_kwargs(step))
    if isinstance(step, Flush):
        return session.flush()
    if isinstance(step, Commit):
        return session.flush() if _caller_owns_transaction(session) else session.commit()
    if isinstance(step, Refresh):
        return session.refresh(
            step.instance, attribute_names=step.attribute_names, with_for_update=step.with_for_update
        )
    if isinstance(step, Delete):
        return session.delete(step.instance)
    if isinstance(step, BeginNested):
        return _begin_nested_sync(session, step)
    if isinstance(step, EndNested):
        return step.transaction.commit() if step.commit else step.transaction.rollback()
    return _session_only(session, step)


async def _async_step(session: Any, step: Step) -> Any:
    if isinstance(step, Execute):
        if not step.autoflush:
            with session.sync_session.no_autoflush:
                return await session.execute(step.statement, **_execute_kwargs(step))
        return await session.execute(step.statement, **_execute_kwargs(step))
    if isinstance(step, Flush):
        return await session.flush()
    if isinstance(step, Commit):
        return await (session.flush() if _caller_owns_transaction(session) else session.commit())
    if isinstance(step, Refresh):
        return await session.refresh(
            step.instance, attribute_names=step.attribute_names, with_for_update=step.with_for_update
        )
    if isinstance(step, Delete):
        return await session.delete(step.instance)
    if isinstance(step, BeginNested):
        return await _begin_nested_async(session, step)
    if isinstance(step, EndNested):
        return await (step.transaction.commit() if step.commit else step.transaction.rollback())
    return _session_only(session, step)


def run_sync(session: Any, operation: Operation[T]) -> T:
    """Run ``operation`` on a sync session."""
    try:
        step = next(operation)
        while True:
            try:
                result = _sync_step(session, step)
            except Exception as exc:
                step = operation.throw(exc)
            else:
                step = operation.send(result)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def run_async(session: Any, operation: Operation[T]) -> T:
    """Run ``operation`` on an async session."""
    try:
        step = next(operation)
        while True:
            try:
                result = await _async_step(session, step)
            except Exception as exc:
                step = operation.throw(exc)
            else:
                step = operation.send(result)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
