"""Generate the CEB model modules from the official 2022-05 XSDs.

Run `python -m opencbec.messages.ceb.generate XSD_DIR [OUT_DIR]`; the output is committed under
`models/` and a test regenerates it to prove the committed code still matches the schemas.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from lxml import etree

from opencbec.messages.ceb.spec import EXPORT_XSD, IMPORT_XSD

XS: Final = "{http://www.w3.org/2001/XMLSchema}"
COMMON: Final = frozenset({"BaseTransfer", "BaseSubscribe", "ExtendMessage"})

# Message families: one module each, so no generated file grows past a readable size.
FAMILIES: Final[dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "imp_order": ("import", "Import e-commerce order (电子订单)", ("311", "312")),
    "imp_payment": ("import", "Import payment voucher (支付凭证)", ("411", "412")),
    "imp_logistics": (
        "import",
        "Import waybill and status (物流运单)",
        ("511", "512", "513", "514"),
    ),
    "imp_inventory": ("import", "Import inventory (进口清单)", ("621", "622")),
    "imp_cancel": ("import", "Import inventory cancellation (撤销申请单)", ("623", "624")),
    "imp_refund": ("import", "Import return request (退货申请单)", ("625", "626")),
    "imp_delivery": ("import", "Import warehouse-entry detail (入库明细单)", ("711", "712")),
    "imp_tax": (
        "import",
        "Tax bill, its status and the format-check receipt",
        ("816", "818", "900"),
    ),
    "exp_order": ("export", "Export e-commerce order (电子订单)", ("303", "304")),
    "exp_receipts": ("export", "Export collection (收款单)", ("403", "404")),
    "exp_logistics": ("export", "Export waybill (物流运单)", ("505", "506")),
    "exp_arrival": ("export", "Export arrival notice (运抵单)", ("507", "508")),
    "exp_departure": ("export", "Export departure notice (离境单)", ("509", "510")),
    "exp_inventory": ("export", "Export inventory (出口清单)", ("603", "604")),
    "exp_cancel": ("export", "Export inventory cancellation (撤销申请单)", ("605", "606")),
    "exp_waybill": ("export", "Export master/house list (清单总分单)", ("607", "608")),
    "exp_summary": (
        "export",
        "Export summary application and result (汇总申请单)",
        ("701", "702", "792"),
    ),
    "exp_refund": ("export", "Export return and tally (退货申请单)", ("213", "214", "215", "216")),
}
MAX_LINE: Final = 100


@dataclass
class Leaf:
    """A leaf element as read from the schema."""

    name: str
    kind: str
    required: bool
    facets: dict[str, str]
    doc: str


@dataclass
class Rec:
    """A record (complex element) as read from the schema."""

    name: str
    cls: str
    doc: str
    items: list[Leaf | Ref] = field(default_factory=list)
    root: bool = False


@dataclass
class Ref:
    """A child record, the signature or an opaque element inside a record."""

    name: str
    kind: str
    min_occurs: int
    max_occurs: int | None
    target: Rec | None


def _doc(el: etree._Element) -> str:
    text = el.findtext(f"{XS}annotation/{XS}documentation") or ""
    return re.sub(r"\s+", " ", text).strip()


def _occurs(el: etree._Element) -> tuple[int, int | None]:
    low = int(el.get("minOccurs", "1"))
    high = el.get("maxOccurs", "1")
    return low, None if high == "unbounded" else int(high)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.schema = etree.parse(str(path)).getroot()
        self.globals = {el.get("name", ""): el for el in self.schema.findall(f"{XS}element")}
        self.records: dict[str, Rec] = {}
        self.inline_names: dict[str, int] = {}
        for el in self.schema.iter(f"{XS}element"):
            if el.get("name") and el.getparent() is not self.schema and self._complex(el):
                self.inline_names[el.get("name", "")] = (
                    self.inline_names.get(el.get("name", ""), 0) + 1
                )

    @staticmethod
    def _complex(el: etree._Element) -> bool:
        return el.find(f"{XS}complexType") is not None

    def root(self, name: str) -> Rec:
        return self._record(self.globals[name], name, name, code="")

    def _record(self, el: etree._Element, name: str, cls: str, code: str) -> Rec:
        if cls in self.records:
            return self.records[cls]
        rec = Rec(
            name=name,
            cls=cls,
            doc=_doc(el),
            root=re.fullmatch(r"CEB\d{3}Message", name) is not None,
        )
        self.records[cls] = rec
        code = code or name[3:6]
        for item in el.findall(f"{XS}complexType/{XS}sequence/*"):
            rec.items.append(self._item(item, code))
        return rec

    def _item(self, el: etree._Element, code: str) -> Leaf | Ref:
        low, high = _occurs(el)
        ref = el.get("ref")
        if ref == "ds:Signature":
            return Ref("Signature", "SIGNATURE", low, high, None)
        if ref is not None:
            name = ref.split(":", 1)[1]
            return Ref(
                name, "RECORD", low, high, self._record(self.globals[name], name, name, code)
            )
        name = el.get("name", "")
        if self._complex(el):
            cls = name + code if self.inline_names.get(name, 0) > 1 else name
            return Ref(name, "RECORD", low, high, self._record(el, name, cls, code))
        if el.get("type") == "ceb:XMLElement":
            return Ref(name, "ANY", low, high, None)
        assert high == 1, f"repeated leaf {name}"
        facets: dict[str, str] = {}
        kind = "STR"
        restriction = el.find(f"{XS}simpleType/{XS}restriction")
        if el.get("type") == "xs:int" or (
            restriction is not None and restriction.get("base") == "xs:int"
        ):
            kind = "INT"
        elif restriction is not None and restriction.get("base") == "xs:decimal":
            kind = "DEC"
        if restriction is not None:
            for facet in restriction:
                if isinstance(facet.tag, str):
                    facets[etree.QName(facet).localname] = facet.get("value", "")
        if el.get("fixed") is not None:
            facets["fixed"] = el.get("fixed", "")
        return Leaf(name, kind, low > 0, facets, _doc(el))


def _snake(name: str) -> str:
    out = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return out + "_" if keyword.iskeyword(out) else out


_FACET_ARGS: Final = (
    ("length", "length"),
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("totalDigits", "total_digits"),
    ("fractionDigits", "fraction_digits"),
)


def _call(func: str, args: list[str]) -> str:
    return f"{func}({', '.join(args)})"


def _line(head: str, func: str, args: list[str], comment: str) -> Iterator[str]:
    # Comments go above the field: a trailing one would make ruff format wrap the call.
    if comment:
        yield f"    # {comment}"
    one = f"    {head} = {_call(func, args)}"
    if len(one) <= MAX_LINE:
        yield one
        return
    yield f"    {head} = {func}("
    yield f"        {', '.join(args)}"
    yield "    )"


def _leaf_lines(item: Leaf) -> Iterator[str]:
    args: list[str] = []
    if item.kind != "STR":
        args.append(f"Kind.{item.kind}")
    if not item.required:
        args.append("req=False")
    for facet, arg in _FACET_ARGS:
        if facet in item.facets:
            args.append(f"{arg}={int(item.facets[facet])}")
    if "fixed" in item.facets:
        args.append(f'fixed="{item.facets["fixed"]}"')
    if item.facets.get("whiteSpace") == "collapse":
        args.append("collapse=True")
    pytype = {"STR": "str", "DEC": "Decimal", "INT": "int"}[item.kind]
    name = item.name if not keyword.iskeyword(item.name) else item.name + "_"
    yield from _line(f"{name}: {pytype} | None", "leaf", args, item.doc[:90])


def _ref_lines(item: Ref) -> Iterator[str]:
    attr = _snake(item.name)
    if item.kind == "SIGNATURE":
        args = ["None", '"Signature"', "kind=Kind.SIGNATURE"] + (
            [] if item.min_occurs else ["req=False"]
        )
        yield from _line(f"{attr}: bytes | None", "child", args, "ds:Signature, kept as XML bytes")
        return
    if item.kind == "ANY":
        args = ["None", f'"{item.name}"', "kind=Kind.ANY"]
        yield from _line(f"{attr}: bytes | None", "child", args, "any XML, kept as bytes")
        return
    assert item.target is not None
    cls = item.target.cls
    if item.max_occurs == 1:
        args = [cls, f'"{item.name}"'] + ([] if item.min_occurs else ["req=False"])
        yield from _line(f"{attr}: {cls} | None", "child", args, "")
        return
    args = [cls, f'"{item.name}"', f"min_occurs={item.min_occurs}", f"max_occurs={item.max_occurs}"]
    yield from _line(f"{attr}: list[{cls}]", "children", args, "")


def _record_lines(rec: Rec, direction: str) -> Iterator[str]:
    yield ""
    yield ""
    if rec.root:
        yield f'@message("{rec.name}", "{direction}")'
    else:
        yield f'@record("{rec.name}")'
    yield "@dataclass(slots=True)"
    yield f"class {rec.cls}:"
    yield f'    """{rec.doc or rec.name}"""'
    yield ""
    if rec.root:
        yield "    # 报文的36位系统唯一序号 (root attribute)"
        yield "    guid: str | None = leaf(length=36, attribute=True)"
        yield '    # 报文版本号, "1.0" (root attribute)'
        yield "    version: str | None = leaf(min_length=1, max_length=10, attribute=True)"
    for item in rec.items:
        yield from _leaf_lines(item) if isinstance(item, Leaf) else _ref_lines(item)


def _post_order(rec: Rec, seen: set[str]) -> Iterator[Rec]:
    if rec.cls in seen:
        return
    seen.add(rec.cls)
    for item in rec.items:
        if isinstance(item, Ref) and item.target is not None:
            yield from _post_order(item.target, seen)
    yield rec


def _imports(names: dict[str, set[str]], body: str) -> list[str]:
    lines = ["from dataclasses import dataclass"]
    if "Decimal | None" in body:
        lines.append("from decimal import Decimal")
    lines.append("")
    for module in sorted(names):
        joined = ", ".join(sorted(names[module]))
        line = f"from opencbec.messages.ceb.models.{module} import {joined}"
        if len(line) <= MAX_LINE:
            lines.append(line)
        else:
            lines.append(f"from opencbec.messages.ceb.models.{module} import (")
            lines.extend(f"    {name}," for name in sorted(names[module]))
            lines.append(")")
    used = ["Kind"] if "Kind." in body else []
    used += [f for f in ("child", "children", "leaf", "message", "record") if f"{f}(" in body]
    lines.append(f"from opencbec.messages.ceb.spec import {', '.join(used)}")
    return lines


def _plan(readers: dict[str, _Reader]) -> tuple[dict[str, list[Rec]], dict[tuple[str, str], str]]:
    owner: dict[tuple[str, str], str] = {}
    plans: dict[str, list[Rec]] = {}
    for direction, reader in readers.items():
        prefix = "imp" if direction == "import" else "exp"
        common: list[Rec] = []
        for module, (fam_dir, _, codes) in FAMILIES.items():
            if fam_dir != direction:
                continue
            seen = {cls for (d, cls) in owner if d == direction}
            recs: list[Rec] = []
            for code in codes:
                for rec in _post_order(reader.root(f"CEB{code}Message"), seen):
                    target = common if rec.cls in COMMON else recs
                    target.append(rec)
                    owner[(direction, rec.cls)] = (
                        f"{prefix}_common" if rec.cls in COMMON else module
                    )
            plans[module] = recs
        plans[f"{prefix}_common"] = common
    return plans, owner


def _render(module: str, recs: list[Rec], owner: dict[tuple[str, str], str]) -> str:
    direction = "import" if module.startswith("imp") else "export"
    title = (
        FAMILIES[module][1]
        if module in FAMILIES
        else f"Shared {direction} elements (BaseTransfer, BaseSubscribe, ExtendMessage)"
    )
    body_lines: list[str] = []
    needed: dict[str, set[str]] = {}
    for rec in recs:
        body_lines.extend(_record_lines(rec, direction))
        for item in rec.items:
            if isinstance(item, Ref) and item.target is not None:
                src = owner[(direction, item.target.cls)]
                if src != module:
                    needed.setdefault(src, set()).add(item.target.cls)
    body = "\n" + "\n".join(body_lines)
    noqa = re.search(r"child(ren)?\((?!None)[A-Z]", body) is not None
    head = [
        f'"""{title}: CEB models generated from the official 2022-05 XSD; do not edit."""',
        "",
        *(
            ["# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects", ""]
            if noqa
            else []
        ),
        "from __future__ import annotations",
        "",
        *_imports(needed, body),
    ]
    return "\n".join(head) + body + "\n"


def generate(xsd_dir: Path) -> dict[str, str]:
    """Return the generated model modules, by file name, for the XSDs in `xsd_dir`."""
    readers = {"import": _Reader(xsd_dir / IMPORT_XSD), "export": _Reader(xsd_dir / EXPORT_XSD)}
    plans, owner = _plan(readers)
    out = {f"{module}.py": _render(module, recs, owner) for module, recs in plans.items()}
    modules = sorted(m[:-3] for m in out)
    init = [
        '"""CEB models of the 2022-05 edition, one module per message family (generated)."""',
        "",
        "from opencbec.messages.ceb.models import (",
        *(f"    {m}," for m in modules),
        ")",
        "",
        "__all__ = [",
        *(f'    "{m}",' for m in modules),
        "]",
    ]
    out["__init__.py"] = "\n".join(init) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the generated modules; return a process exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m opencbec.messages.ceb.generate XSD_DIR [OUT_DIR]", file=sys.stderr)
        return 2
    out_dir = Path(args[1]) if len(args) > 1 else Path(__file__).parent / "models"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in generate(Path(args[0])).items():
        (out_dir / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
