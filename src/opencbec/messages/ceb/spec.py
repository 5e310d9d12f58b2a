"""Field metadata of CEB records: what the generated dataclasses declare and the codec reads."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

NS: Final = "http://www.chinaport.gov.cn/ceb"
DS_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
CLARK: Final = "{" + NS + "}"
DS_SIGNATURE: Final = "{" + DS_NS + "}Signature"
IMPORT_XSD: Final = "海关跨境进口业务节点报文定义202205.xsd"
EXPORT_XSD: Final = "海关跨境出口业务节点报文定义202205.xsd"

Direction = Literal["import", "export"]

_T = TypeVar("_T")


class Kind(enum.Enum):
    """What a child element holds."""

    STR = "str"
    DEC = "decimal"
    INT = "int"
    RECORD = "record"
    SIGNATURE = "signature"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One child element of a record, with the facets of the official XSD."""

    attr: str
    name: str
    kind: Kind
    min_occurs: int = 1
    max_occurs: int | None = 1
    length: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    fixed: str | None = None
    collapse: bool = False
    record: type | None = None
    attribute: bool = False
    doc: str = ""
    repeated: bool = False
    tag: str = ""


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """A record (complex element): its tag, ordered children and, for roots, its direction."""

    name: str
    cls: type
    fields: tuple[FieldSpec, ...]
    by_tag: dict[str, tuple[int, FieldSpec]]
    direction: Direction | None = None
    doc: str = ""
    # Precomputed for the decoder's fast path over records that hold only leaf elements.
    simple: bool = False
    converted: tuple[FieldSpec, ...] = ()

    @property
    def is_root(self) -> bool:
        """Return whether this record is a message root (CEBnnnMessage)."""
        return self.direction is not None


_SPECS: dict[type, RecordSpec] = {}
ROOTS: dict[str, type] = {}


def leaf(
    kind: Kind = Kind.STR,
    *,
    req: bool = True,
    length: int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    total_digits: int | None = None,
    fraction_digits: int | None = None,
    fixed: str | None = None,
    collapse: bool = False,
    attribute: bool = False,
    doc: str = "",
) -> Any:
    """Declare a single-valued leaf element (or root attribute) of a record."""
    meta = {
        "ceb": {
            "kind": kind,
            "attribute": attribute,
            "min_occurs": 1 if req else 0,
            "length": length,
            "min_length": min_length,
            "max_length": max_length,
            "total_digits": total_digits,
            "fraction_digits": fraction_digits,
            "fixed": fixed,
            "collapse": collapse,
            "doc": doc,
        }
    }
    return dataclasses.field(default=None, metadata=meta)


def child(
    record: type | None, name: str, *, req: bool = True, kind: Kind = Kind.RECORD, doc: str = ""
) -> Any:
    """Declare a single child record (or the signature / an opaque element)."""
    meta = {"ceb": {"kind": kind, "name": name, "min_occurs": 1 if req else 0, "record": record}}
    meta["ceb"]["doc"] = doc
    return dataclasses.field(default=None, metadata=meta)


def children(record: type, name: str, *, min_occurs: int, max_occurs: int | None) -> Any:
    """Declare a repeated child record, held as a list."""
    meta = {
        "ceb": {
            "kind": Kind.RECORD,
            "name": name,
            "min_occurs": min_occurs,
            "max_occurs": max_occurs,
            "record": record,
        }
    }
    return dataclasses.field(default_factory=list, metadata=meta)


def _build(cls: type, name: str, direction: Direction | None) -> RecordSpec:
    fields: list[FieldSpec] = []
    for f in dataclasses.fields(cls):
        meta = dict(f.metadata["ceb"])
        meta.setdefault("name", f.name)
        meta.setdefault("max_occurs", 1)
        high = meta["max_occurs"]
        meta["repeated"] = high is None or high > 1
        meta["tag"] = DS_SIGNATURE if meta["kind"] is Kind.SIGNATURE else CLARK + meta["name"]
        fields.append(FieldSpec(attr=f.name, **meta))
    elements = [(i, fs) for i, fs in enumerate(fields) if not fs.attribute]
    leaves = (Kind.STR, Kind.DEC, Kind.INT)
    return RecordSpec(
        name,
        cls,
        tuple(fields),
        {fs.tag: (i, fs) for i, fs in elements},
        direction,
        (cls.__doc__ or "").strip(),
        simple=all(fs.kind in leaves for _, fs in elements),
        converted=tuple(fs for _, fs in elements if fs.kind in (Kind.DEC, Kind.INT) or fs.collapse),
    )


def record(name: str) -> Callable[[type[_T]], type[_T]]:
    """Register a dataclass as the model of the CEB element `name`."""

    def register(cls: type[_T]) -> type[_T]:
        _SPECS[cls] = _build(cls, name, None)
        return cls

    return register


def message(name: str, direction: Direction) -> Callable[[type[_T]], type[_T]]:
    """Register a dataclass as the model of the message root `name` (CEBnnnMessage)."""

    def register(cls: type[_T]) -> type[_T]:
        _SPECS[cls] = _build(cls, name, direction)
        ROOTS[name] = cls
        return cls

    return register


def spec_of(cls: type) -> RecordSpec:
    """Return the record spec of a registered model class."""
    try:
        return _SPECS[cls]
    except KeyError:
        raise TypeError(f"{cls.__name__} is not a CEB model") from None
