"""China Customs CBEC (CEB) messages, 2022-05 edition: models, codec, validation, signatures.

from opencbec.messages.ceb import decode, encode, validate, sign, verify
message = decode(data)              # UTF-8 or GB2312/GBK as declared, hardened parser
issues = validate(message)          # path + reason in en and zh-CN
signed = sign(encode(message), signer)
"""

from opencbec.messages.ceb.codec import (
    Decoded,
    decode,
    decode_as,
    decode_report,
    encode,
    message_class,
    message_types,
)
from opencbec.messages.ceb.errors import (
    CebDecodeError,
    CebEncodeError,
    CebError,
    CebIssue,
    CebParseError,
)
from opencbec.messages.ceb.safexml import Limits
from opencbec.messages.ceb.sign import (
    Algorithms,
    Signer,
    SoftwareSigner,
    Verification,
    sign,
    verify,
)
from opencbec.messages.ceb.skeleton import skeleton
from opencbec.messages.ceb.validate import validate, validate_bytes

__all__ = [
    "Algorithms",
    "CebDecodeError",
    "CebEncodeError",
    "CebError",
    "CebIssue",
    "CebParseError",
    "Decoded",
    "Limits",
    "Signer",
    "SoftwareSigner",
    "Verification",
    "decode",
    "decode_as",
    "decode_report",
    "encode",
    "message_class",
    "message_types",
    "sign",
    "skeleton",
    "validate",
    "validate_bytes",
    "verify",
]
