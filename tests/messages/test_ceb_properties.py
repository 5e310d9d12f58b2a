"""Property tests: encode -> decode round trips for every type; the validator catches bad values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opencbec.messages.ceb.codec import decode, encode, message_types
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.spec import FieldSpec, Kind, spec_of
from opencbec.messages.ceb.validate import validate

# XML-safe characters, Chinese included; "\r" is excluded because XML parsers normalise it.
_ALPHABET = st.sampled_from(
    [*"aZ09-_.@#&<>\"'中文电商企业有限公司（）", " ", "\t", "\n", "é", "😀"]
)
_TIGHT = st.sampled_from(list("AZ09-中文商"))
# Opaque content is kept as its canonical form, in which the inherited ceb prefix is explicit.
_ANY = b'<ceb:Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><x xmlns="urn:ext">1</x></ceb:Message>'
_PROFILE = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _string(fs: FieldSpec) -> st.SearchStrategy[str]:
    if fs.fixed is not None:
        return st.just(fs.fixed)
    low = fs.length if fs.length is not None else (fs.min_length or 0)
    high = fs.length if fs.length is not None else min(fs.max_length or 40, 40)
    if fs.collapse:
        # Collapsed on reading: generate values that are already collapsed.
        return st.text(_TIGHT, min_size=max(low, 0), max_size=max(high, low))
    return st.text(_ALPHABET, min_size=low, max_size=max(high, low))


def _decimal(fs: FieldSpec) -> st.SearchStrategy[Decimal]:
    scale = fs.fraction_digits or 0
    return st.builds(
        lambda n, s: Decimal(n).scaleb(-s),
        st.integers(-(10**12) + 1, 10**12 - 1),
        st.integers(0, scale),
    )


def _leaf(fs: FieldSpec) -> st.SearchStrategy[Any]:
    if fs.kind is Kind.STR:
        value: st.SearchStrategy[Any] = _string(fs)
    elif fs.kind is Kind.DEC:
        value = _decimal(fs)
    else:
        high = 10**fs.total_digits - 1 if fs.total_digits else 2**31 - 1
        value = st.integers(0, high)
    return value if fs.min_occurs else st.none() | value


def _record(cls: type) -> st.SearchStrategy[Any]:
    kwargs: dict[str, st.SearchStrategy[Any]] = {}
    for fs in spec_of(cls).fields:
        if fs.kind is Kind.SIGNATURE:
            continue
        if fs.kind is Kind.ANY:
            kwargs[fs.attr] = st.just(_ANY)
        elif fs.kind is Kind.RECORD:
            assert fs.record is not None
            sub = st.deferred(lambda r=fs.record: _record(r))
            if fs.repeated:
                kwargs[fs.attr] = st.lists(
                    sub, min_size=fs.min_occurs, max_size=max(fs.min_occurs, 2)
                )
            else:
                kwargs[fs.attr] = sub if fs.min_occurs else st.none() | sub
        else:
            kwargs[fs.attr] = _leaf(fs)
    return st.builds(cls, **kwargs)


@pytest.mark.parametrize("name", sorted(message_types()))
@_PROFILE
@given(data=st.data())
def test_encode_decode_round_trip(name: str, data: st.DataObject) -> None:
    message = data.draw(_record(message_types()[name]))
    assert validate(message, rules=False) == [] or type(message).__name__ in {
        "CEB621Message", "CEB623Message", "CEB625Message", "CEB711Message",
    }  # fmt: skip
    assert decode(encode(message)) == message


@pytest.mark.parametrize("name", sorted(message_types()))
@_PROFILE
@given(data=st.data())
def test_the_rules_add_rule_findings_only(name: str, data: st.DataObject) -> None:
    # Ingest validates without the rules and refuses on schema findings: the same ones.
    message = data.draw(_record(message_types()[name]))
    found = validate(message)
    assert [i for i in found if i.level == "schema"] == validate(message, rules=False)
    assert {i.level for i in found} <= {"schema", "rule"}


def _leaves(obj: Any, path: str) -> list[tuple[str, Any, FieldSpec]]:
    out: list[tuple[str, Any, FieldSpec]] = []
    prefix = f"{path}/" if path else ""
    for fs in spec_of(type(obj)).fields:
        value = getattr(obj, fs.attr)
        if fs.kind is Kind.RECORD and value:
            first = value[0] if fs.repeated else value
            out.extend(_leaves(first, f"{prefix}{fs.name}[1]" if fs.repeated else prefix + fs.name))
        elif fs.kind in (Kind.STR, Kind.DEC, Kind.INT) and not fs.attribute:
            out.append((prefix + fs.name, obj, fs))
    return out


def _invalid(fs: FieldSpec) -> st.SearchStrategy[Any]:
    options: list[st.SearchStrategy[Any]] = []
    if fs.min_occurs:
        options.append(st.none())
    if fs.kind is Kind.STR:
        if fs.length is not None:
            options.append(st.text(_TIGHT, min_size=fs.length + 1, max_size=fs.length + 3))
            if fs.length > 1:
                options.append(st.text(_TIGHT, min_size=1, max_size=fs.length - 1))
        elif fs.max_length is not None:
            options.append(st.text(_TIGHT, min_size=fs.max_length + 1, max_size=fs.max_length + 3))
        options.append(st.sampled_from(["\x00", "a\x1fb", "\ufffe"]))
    elif fs.kind is Kind.DEC:
        frac = (fs.fraction_digits or 0) + 1
        options.append(st.integers(1, 9).map(lambda n: Decimal(n).scaleb(-frac)))
        options.append(st.just(Decimal(10) ** (fs.total_digits or 19)))
    else:
        options.append(st.just(10 ** (fs.total_digits or 10) * 3))
    return st.one_of(options)


@pytest.mark.parametrize("name", sorted(message_types()))
@_PROFILE
@given(data=st.data())
def test_every_generated_invalid_value_is_caught(name: str, data: st.DataObject) -> None:
    message = skeleton(message_types()[name])
    path, owner, fs = data.draw(st.sampled_from(_leaves(message, "")))
    value = data.draw(_invalid(fs))
    setattr(owner, fs.attr, value)
    found = [issue.path for issue in validate(message, rules=False)]
    assert path in found, (value, found)


_MUTATIONS = ("drop", "empty", "pad", "swap", "repeat", "comment", "unknown", "nest")


def _mutate(leaf_parent: Any, op: str, at: int) -> None:
    from lxml import etree

    # Only elements are mutated: an earlier "comment" mutation leaves comment nodes among them.
    nodes = [child for child in leaf_parent if isinstance(child.tag, str)]
    if not nodes:
        return
    node = nodes[at % len(nodes)]
    if op == "drop":
        leaf_parent.remove(node)
    elif op == "empty":
        node.text = None
    elif op == "pad":
        node.text = f" \t{node.text or ''}\n "
    elif op == "swap":
        following = node.getnext()
        if following is not None:
            following.addnext(node)  # moves node after its next sibling
    elif op == "repeat":
        node.addnext(etree.fromstring(etree.tostring(node)))
    elif op == "comment":
        node.addprevious(etree.Comment("c"))
    elif op == "unknown":
        node.addnext(etree.Element("{http://www.chinaport.gov.cn/ceb}extra"))
    elif op == "nest":
        etree.SubElement(node, "{http://www.chinaport.gov.cn/ceb}inner").text = "x"


def _outcome(data: bytes) -> Any:
    from opencbec.messages.ceb.codec import decode_report
    from opencbec.messages.ceb.errors import CebError

    try:
        decoded = decode_report(data)
    except CebError as exc:
        return exc.issues
    return decoded.message, decoded.issues


@pytest.mark.parametrize(
    "name", ["CEB621Message", "CEB311Message", "CEB303Message", "CEB622Message"]
)
@_PROFILE
@given(data=st.data())
def test_fast_decoding_agrees_with_the_general_decoder(name: str, data: st.DataObject) -> None:
    # Records take a fast path; whatever a sender does to them, the result (model and findings,
    # or the error) must be what the general decoder gives.
    from lxml import etree

    from opencbec.messages.ceb import decoder

    root = etree.fromstring(encode(data.draw(_record(message_types()[name]))))
    # Leaf-only records and the records holding them (the root too) all have fast decoders.
    records = [el for el in root.iter() if len(el) and isinstance(el.tag, str)]
    for _ in range(data.draw(st.integers(1, 4))):
        target = data.draw(st.sampled_from(records))
        _mutate(target, data.draw(st.sampled_from(_MUTATIONS)), data.draw(st.integers(0, 60)))
    mutated = etree.tostring(root)
    fast = _outcome(mutated)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            decoder,
            "decoder",
            lambda spec: lambda el, path, issues: decoder.decode_general(el, spec, path, issues),
        )
        assert _outcome(mutated) == fast
