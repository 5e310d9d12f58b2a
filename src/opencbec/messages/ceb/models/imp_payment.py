"""Import payment voucher (支付凭证): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("PaymentHead")
@dataclass(slots=True)
class PaymentHead:
    """支付凭证数据实体"""

    # 企业系统生成36位唯一序号（英文字母大写）。
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为2。
    appStatus: str | None = leaf(min_length=1, max_length=3)
    # 支付企业的海关注册登记编号。
    payCode: str | None = leaf(min_length=1, max_length=18)
    # 支付企业在海关注册登记的名称。
    payName: str | None = leaf(min_length=1, max_length=100)
    # 支付企业唯一的支付流水号。
    payTransactionId: str | None = leaf(min_length=1, max_length=60)
    # 交易平台的订单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(min_length=1, max_length=60)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebpCode: str | None = leaf(min_length=1, max_length=18)
    # 电商平台的海关注册登记名称；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台名称为准。
    ebpName: str | None = leaf(min_length=1, max_length=100)
    # 1-身份证,2-其它。限定为身份证，填写“1”。
    payerIdType: str | None = leaf(length=1)
    # 支付人证件号码
    payerIdNumber: str | None = leaf(min_length=1, max_length=60)
    # 支付人的身份证件号码。
    payerName: str | None = leaf(min_length=1, max_length=60)
    # 支付人电话
    telephone: str | None = leaf(req=False, max_length=60)
    # 支付金额
    amountPaid: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 限定为人民币，填写“142”。
    currency: str | None = leaf(length=3, fixed="142")
    # 支付时间，格式:YYYYMMDDhhmmss。hm
    payTime: str | None = leaf(length=14)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Payment")
@dataclass(slots=True)
class Payment:
    """Payment"""

    payment_head: PaymentHead | None = child(PaymentHead, "PaymentHead")


@message("CEB411Message", "import")
@dataclass(slots=True)
class CEB411Message:
    """支付凭证数据报文（支付企业或受委托的快件运营人、邮政企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    payment: list[Payment] = children(Payment, "Payment", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)


@record("PaymentReturn")
@dataclass(slots=True)
class PaymentReturn:
    """支付凭证回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 支付企业的海关注册登记编号。
    payCode: str | None = leaf(min_length=1, max_length=18)
    # 支付企业唯一的支付流水号。
    payTransactionId: str | None = leaf(min_length=1, max_length=60)
    # 操作结果（2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 备注（如:退单原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB412Message", "import")
@dataclass(slots=True)
class CEB412Message:
    """支付凭证回执报文（支付企业或受委托的快件运营人、邮政企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    payment_return: list[PaymentReturn] = children(
        PaymentReturn, "PaymentReturn", min_occurs=1, max_occurs=100
    )
