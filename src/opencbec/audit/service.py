"""Write and verify the audit log (审计日志)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, event, func, insert, select, update
from sqlalchemy.engine import Connection, NestedTransaction, RootTransaction
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    SessionTransaction,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import instance_state

from opencbec.audit.models import AuditChainHead, AuditEntry
from opencbec.db import Prepared, connection_of, innermost_transaction, insert_columns, loaded
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import utcnow

GENESIS = "0" * 64
_ACTION_LABELS: dict[str, str] = {}


def describe_actions(labels: Mapping[str, str]) -> None:
    """Register readable labels (English message ids, marked with N_) for a domain's actions."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """Return the readable label of an action, or the action code when none is registered."""
    return _ACTION_LABELS.get(action, action)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user, an API key, or the platform itself (CLI, background work)."""

    label: str
    user_id: int | None = None
    organisation_id: int | None = None
    api_key_id: int | None = None


SYSTEM = Actor(label="system")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} in an audit record")


def canonical(value: object) -> str:
    """Return the canonical JSON text of `value` (sorted keys, no spaces, exact decimals)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


# orjson writes canonical JSON byte for byte as `canonical` does for plain values (str, int, bool,
# None, lists and dicts with str keys: the same escapes, key order by code point, no spaces) at
# a fraction of the cost, but not for every float (1e-07 becomes 1e-7, 1e-05 0.00001, NaN null):
# only values whose producer rules floats out may come here. Dataclasses, dates, UUIDs and the
# like are refused by it and go to the standard library, which refuses them as `canonical` does.
_PLAIN_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def canonical_plain(value: object) -> bytes:
    """Return `canonical(value)` encoded as UTF-8, for a value that holds no float.

    For plain JSON values (str, int, bool, None, lists and dicts with str keys), as a stored
    document's content is: written by orjson, the same bytes several times faster.
    """
    try:
        return orjson.dumps(value, option=_PLAIN_OPTIONS)
    except orjson.JSONEncodeError:  # past orjson (an int over 64 bits, a key not a str, deep)
        return canonical(value).encode()


def digest(state: Mapping[str, Any] | None, *, plain: bool = False) -> str | None:
    """Return the SHA-256 of the canonical form of an object's state, or None for no state.

    `plain`: the state holds no float, Decimal or date (see `canonical_plain`).
    """
    if state is None:
        return None
    text = canonical_plain(state) if plain else canonical(state).encode()
    return hashlib.sha256(text).hexdigest()


# What the chain hash covers besides seq and at, as stored.
_HASHED = (
    "actor_user_id",
    "actor_organisation_id",
    "actor_api_key_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "before_digest",
    "after_digest",
    "details",
)


def entry_hash(entry: AuditEntry, *, plain: bool = False) -> str:
    """Return the chain hash of `entry` from its content and its predecessor's hash.

    `plain`: its details hold no float (see `canonical_plain`); the hash is the same.
    """
    return _hash_of(
        {name: getattr(entry, name) for name in ("seq", "at", "prev_hash", *_HASHED)},
        plain=plain,
    )


def _hash_of(values: Mapping[str, Any], *, plain: bool) -> str:
    # `entry_hash` of the entry holding `values` (read from its dict: attribute access costs
    # more than the hash on the write path).
    body = {
        "seq": values["seq"],
        "at": values["at"].astimezone(dt.UTC).isoformat(timespec="microseconds"),
        **{name: values[name] for name in _HASHED},
    }
    text = canonical_plain(body) if plain else canonical(body).encode()
    return hashlib.sha256(values["prev_hash"].encode() + text).hexdigest()


# Built once: plain statements on the tables skip the ORM's per-call work (an entry costs about
# a sixth of what the unit of work took to build, flush and re-read the head each time), and
# prepared ones skip most of Core's (every stored document writes an entry).
_ENTRY_TABLE = cast(Table, AuditEntry.__table__)
_HEAD_TABLE = cast(Table, AuditChainHead.__table__)
_ENTRY_COLUMNS = tuple((c.key, c.type) for c in _ENTRY_TABLE.columns)
_LAST_SEQ = select(func.max(_ENTRY_TABLE.c.seq)).scalar_subquery()
# The head, locked for the rest of the transaction (FOR UPDATE on PostgreSQL; on SQLite writes
# begin IMMEDIATE), and the last entry's seq: past the head when this transaction wrote entries
# it has not settled yet (another session on its connection, or before a savepoint).
_SELECT_HEAD = Prepared(
    select(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash, _LAST_SEQ).with_for_update(of=_HEAD_TABLE)
)
_SELECT_ENTRY_HASH = Prepared(
    select(_ENTRY_TABLE.c.hash).where(_ENTRY_TABLE.c.seq == bindparam("seq"))
)
_INSERT_ENTRY = Prepared(insert_columns(_ENTRY_TABLE))
# The head moves once per transaction, when it commits: to the last entry the transaction sees
# (whichever session on its connection wrote it), never backwards.
_SETTLE_HEAD = Prepared(
    update(_HEAD_TABLE)
    .where(_HEAD_TABLE.c.id == 1, _HEAD_TABLE.c.seq < _LAST_SEQ)
    .values(
        seq=_LAST_SEQ,
        hash=select(_ENTRY_TABLE.c.hash).where(_ENTRY_TABLE.c.seq == _LAST_SEQ).scalar_subquery(),
    )
)
# The chain's tail as last written on a database connection: (the connection's transaction or
# savepoint then, seq, hash). Kept with the connection, not the session, so that every session
# sharing a transaction (tests join sessions on one connection) chains after the same tail.
_TAIL_KEY = "opencbec.audit.chain_tail"
# Set on a session that wrote entries since the head last moved: its commit moves the head.
_UNSETTLED_KEY = "opencbec.audit.unsettled"
# The entries a session recorded and has not written yet, each with the transaction or savepoint
# it was recorded in: written together when the session commits (one insert, the head locked and
# read then), or before it reads entries.
_PENDING_KEY = "opencbec.audit.pending"


def _current(connection: Connection) -> RootTransaction | NestedTransaction | None:
    return connection.get_nested_transaction() or connection.get_transaction()


def _tail(session: Session, connection: Connection) -> tuple[int, str]:
    """Return the chain's tail as this transaction sees it: the last entry it wrote, else read.

    What the connection remembers holds while the transaction or savepoint that wrote it is the
    current one (no entry can be lost or added under it); after a savepoint ends, or in a new
    transaction, the tail is read again: the head (locked), or the last entry past it.
    """
    remembered = connection.info.get(_TAIL_KEY)
    if remembered is not None:
        transaction, seq, hash_ = remembered
        if transaction.is_active and transaction is _current(connection):
            return int(seq), str(hash_)
    ((seq, hash_, last),) = _SELECT_HEAD.rows(session, {})
    if last is not None and last > seq:
        ((hash_,),) = _SELECT_ENTRY_HASH.rows(session, {"seq": last})
        seq = last
    return int(seq), str(hash_)


# An entry to write, and whether its details are plain (see `canonical_plain`).
_Pending = tuple[AuditEntry, bool]


def _chain(entries: list[_Pending], head: tuple[int, str]) -> tuple[int, str]:
    """Chain `entries` in order after `head`; return the new head."""
    for entry, plain in entries:
        # Set in the entry's dict, as loaded values: it becomes the written row, unchanged.
        values = instance_state(entry).dict
        values["seq"], values["prev_hash"] = head[0] + 1, head[1]
        values["hash"] = _hash_of(values, plain=plain)
        head = (values["seq"], values["hash"])
    return head


def _write(session: Session, entries: list[_Pending], *, settle: bool = False) -> None:
    """Chain `entries` after the tail and insert them together; the head moves at commit, or
    now with `settle` (on PostgreSQL in the same statement, for a commit's entries)."""
    connection = connection_of(session)
    seq, hash_ = _chain(entries, _tail(session, connection))
    rows = [
        {name: values[name] for name, _ in _ENTRY_COLUMNS}
        for values in (instance_state(e).dict for e, _ in entries)
    ]
    if settle and connection.dialect.name == "postgresql" and len(rows) <= _SETTLED_MAX_ROWS:
        _written_and_settled(len(rows)).count(
            session,
            [
                {
                    "head_seq": seq,
                    "head_hash": hash_,
                    **{
                        f"{name}_{n}": value
                        for n, row in enumerate(rows)
                        for name, value in row.items()
                    },
                }
            ],
        )
        session.info.pop(_UNSETTLED_KEY, None)  # the head is at the last entry already
    else:
        _INSERT_ENTRY.count(session, rows)
        session.info[_UNSETTLED_KEY] = True
    connection.info[_TAIL_KEY] = (_current(connection), seq, hash_)
    # The rows are written: the objects become those rows, detached (the entries are never
    # changed, and nothing reads them back through the session: attaching cost a third of a
    # write). Added to a session they would join it as the rows, not as new ones.
    for entry, _ in entries:
        make_transient_to_detached(entry)


# PostgreSQL, at commit: a transaction's entries and the head moved to the last of them in one
# statement (one round trip instead of two), for up to this many entries; more go as above.
_SETTLED_MAX_ROWS = 64
_WRITTEN_AND_SETTLED: dict[int, Prepared] = {}


def _written_and_settled(n: int) -> Prepared:
    found = _WRITTEN_AND_SETTLED.get(n)
    if found is None:
        written = (
            insert(_ENTRY_TABLE)
            .values(
                [
                    {name: bindparam(f"{name}_{i}", type_=type_) for name, type_ in _ENTRY_COLUMNS}
                    for i in range(n)
                ]
            )
            .cte("written")
        )
        found = _WRITTEN_AND_SETTLED[n] = Prepared(
            update(_HEAD_TABLE)
            .where(_HEAD_TABLE.c.id == 1, _HEAD_TABLE.c.seq < bindparam("head_seq"))
            .values(seq=bindparam("head_seq"), hash=bindparam("head_hash"))
            .add_cte(written)
        )
    return found


def write_pending(session: Session) -> None:
    """Write the entries this session recorded and has not written yet, chained in the order
    they were recorded, in one insert.

    Runs when the session commits, and before the session reads entries (`verify`, an ORM query
    whose first entity is AuditEntry), so that a transaction sees its own. Inside a savepoint it writes nothing: a
    savepoint rolled back would take entries recorded outside it with it.
    """
    _write_pending(session, settle=False)


def _write_pending(session: Session, *, settle: bool) -> None:
    pending: list[tuple[SessionTransaction | None, _Pending]] | None = session.info.get(
        _PENDING_KEY
    )
    if not pending or session.get_nested_transaction() is not None:
        return
    del session.info[_PENDING_KEY]
    _write(session, [entry for _, entry in pending], settle=settle)


def settle(session: Session) -> None:
    """Write this session's pending entries, then move the chain head to the last entry if the
    session wrote any since it last moved.

    Runs when the session commits; `verify` runs it first, to check a transaction's own entries.
    """
    _write_pending(session, settle=True)
    if session.info.pop(_UNSETTLED_KEY, False):
        _SETTLE_HEAD.count(session, [{}])


@event.listens_for(Session, "before_commit")
def _settle_on_commit(session: Session) -> None:
    # Fired for a savepoint released too: its entries stay pending, for the transaction.
    if session.get_nested_transaction() is None:
        settle(session)


@event.listens_for(Session, "do_orm_execute")
def _write_before_reading(state: ORMExecuteState) -> None:
    # A query of the entries (AuditEntry its first entity) sees the ones its own transaction
    # recorded. Asked of every ORM query while entries wait, so asked cheaply: walking the
    # statement for the table cost 3.5% of a demo load.
    if state.session.info.get(_PENDING_KEY) and state.is_select:
        mapper = state.bind_mapper
        if mapper is not None and mapper.class_ is AuditEntry:
            write_pending(state.session)


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int,
    organisation_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    plain: bool = False,
) -> AuditEntry:
    """Append one audit entry in the caller's transaction and return it.

    The entry is written with the transaction's others when it commits, in the order recorded
    (one insert; the chain head is locked and read then), or earlier when the session reads
    entries; its seq and hash are set when it is written. A savepoint rolled back takes the
    entries recorded in it; a transaction rolled back, all of its own.
    `plain`: before, after and details hold only str, int, bool, None, lists and dicts with str
    keys (no float, Decimal or date), as a stored document's content does: their canonical JSON
    is written by the faster encoder (`canonical_plain`), to the same bytes and hashes.
    """
    session.flush()  # the change being audited is written first, its faults raised here
    connection_of(session)  # the entry belongs to a transaction: begun now if it is not yet
    # Built as a loaded row (no per-attribute events): every stored document writes one.
    entry = loaded(
        AuditEntry,
        {
            "at": utcnow(),
            "actor_user_id": actor.user_id,
            "actor_organisation_id": actor.organisation_id,
            "actor_api_key_id": actor.api_key_id,
            "actor_label": actor.label,
            "organisation_id": organisation_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before_digest": digest(before, plain=plain),
            "after_digest": digest(after, plain=plain),
            # Stored exactly as hashed: the canonical round trip fixes key order and number forms.
            "details": (
                orjson.loads(canonical_plain(dict(details or {})))
                if plain
                else json.loads(canonical(dict(details or {})))
            ),
        },
    )
    pending: list[tuple[SessionTransaction | None, _Pending]] | None = session.info.get(
        _PENDING_KEY
    )
    if pending is None:
        pending = session.info[_PENDING_KEY] = []
    pending.append((innermost_transaction(session), (entry, plain)))
    return entry


# A transaction that ends without its commit writing them (rolled back, or the session closed)
# takes its entries, written or not: its session's next transaction moves the head only if it
# writes. ("after_rollback" fires for a savepoint too, and a closed session may not roll back.)
@event.listens_for(Session, "after_transaction_end")
def _drop_unwritten(session: Session, ended: SessionTransaction) -> None:
    if ended.parent is None and not ended.nested:
        session.info.pop(_UNSETTLED_KEY, None)
        session.info.pop(_PENDING_KEY, None)


# One listener for every session: a savepoint rolled back takes the entries recorded in it.
@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    if not rolled_back.nested:
        return  # the transaction: `_drop_unwritten`
    pending: list[tuple[SessionTransaction | None, _Pending]] | None = session.info.get(
        _PENDING_KEY
    )
    if pending:
        pending[:] = [(t, e) for t, e in pending if not _within(t, rolled_back)]


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@dataclass(frozen=True, slots=True)
class Problem:
    """One place where the chain does not hold."""

    seq: int
    kind: str
    message: Bilingual


@dataclass
class VerifyReport:
    """Result of checking the whole chain."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return not self.problems


def _entries(session: Session, batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session, *, batch: int = 2000) -> VerifyReport:
    """Check every entry against its predecessor and the chain head; report what is wrong."""
    settle(session)  # this transaction's own entries: the head moves to them at commit
    report = VerifyReport()
    expected_seq = 1
    prev_hash = GENESIS
    for entry in _entries(session, batch):
        report.checked += 1
        if entry.seq != expected_seq:
            report.problems.append(
                Problem(
                    entry.seq,
                    "missing",
                    Bilingual(
                        f"entries {expected_seq}..{entry.seq - 1} are missing",
                        f"第 {expected_seq}..{entry.seq - 1} 条记录缺失",
                    ),
                )
            )
        if entry.prev_hash != prev_hash:
            report.problems.append(
                Problem(
                    entry.seq,
                    "broken_link",
                    Bilingual(
                        f"entry {entry.seq} does not follow its predecessor (deleted or reordered)",
                        f"第 {entry.seq} 条记录与前一条不衔接（被删除或调换顺序）",
                    ),
                )
            )
        if entry_hash(entry) != entry.hash:
            report.problems.append(
                Problem(
                    entry.seq,
                    "changed",
                    Bilingual(
                        f"entry {entry.seq} was changed after it was written",
                        f"第 {entry.seq} 条记录在写入后被修改",
                    ),
                )
            )
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    # Read as a row, not an ORM object: `record` moves the head with a plain UPDATE.
    head = session.execute(select(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash)).one_or_none()
    if head is None or head.seq != expected_seq - 1 or head.hash != prev_hash:
        report.problems.append(
            Problem(
                expected_seq - 1,
                "head_mismatch",
                Bilingual(
                    "the chain head does not match the last entry (entries removed from the end?)",
                    "链头与最后一条记录不符（末尾记录被删除？）",
                ),
            )
        )
    return report


def list_entries(
    session: Session,
    *,
    organisation_id: int | None,
    before_seq: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """Return the newest entries, of one organisation or (None) of the whole platform."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(min(max(limit, 1), 500))
    if organisation_id is not None:
        stmt = stmt.where(AuditEntry.organisation_id == organisation_id)
    if before_seq is not None:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    return list(session.scalars(stmt))


def count_by_action(session: Session, *, since: dt.datetime) -> list[tuple[str, int]]:
    """Return how many entries each action had since `since`, platform-wide (an aggregate)."""
    rows = session.execute(
        select(AuditEntry.action, func.count())
        .where(AuditEntry.at >= since)
        .group_by(AuditEntry.action)
        .order_by(func.count().desc(), AuditEntry.action)
    ).all()
    return [(action, int(n)) for action, n in rows]
