"""Export collection (收款单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("Receipts")
@dataclass(slots=True)
class Receipts:
    """收款单数据实体"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 报送类型-企业报送类型。1-新增 2-变更 3-删除。
    appType: str | None = leaf(length=1)
    # 报送时间-企业报送时间。格式:YYYYMMDDhhmmss。
    appTime: str | None = leaf(length=14)
    # 报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 电商平台代码-电商企业的海关注册登记编号或统一社会信用代码,，对应清单的收发货人。
    ebpCode: str | None = leaf(max_length=18)
    # 电商平台名称-电商企业的海关注册登记编号或统一社会信用代码,，对应清单的收发货人。
    ebpName: str | None = leaf(max_length=100)
    # 电商企业代码-电商企业的海关注册登记编号(10位海关编码或18位统一社会信用代码)
    ebcCode: str | None = leaf(max_length=18)
    # 电商企业名称-电商企业的海关注册登记名称，对应清单的收发货人
    ebcName: str | None = leaf(max_length=100)
    # 订单编号-电商平台的交易订单编号
    orderNo: str | None = leaf(max_length=60)
    # 支付企业代码-支付企业的海关编码,国内企业必填。
    payCode: str | None = leaf(req=False, max_length=18)
    # 支付企业名称-支付企业名称,非线上支付填"现金支付"
    payName: str | None = leaf(max_length=100)
    # 支付交易编号
    payNo: str | None = leaf(req=False, max_length=60)
    # 收款金额-支付企业的订单交易金额
    charge: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 币制-海关标准的参数代码
    currency: str | None = leaf(length=3)
    # 到账时间 格式:YYYYMMDDhhmmss
    accountingDate: str | None = leaf(length=14)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@message("CEB403Message", "export")
@dataclass(slots=True)
class CEB403Message:
    """收款单数据报文（支付企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    receipts: list[Receipts] = children(Receipts, "Receipts", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("ReceiptsReturn")
@dataclass(slots=True)
class ReceiptsReturn:
    """收款单回执实体"""

    # 系统唯一序号-电子口岸系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 电商企业代码-电商企业的10位海关代码或者18位信用代码
    ebcCode: str | None = leaf(max_length=18)
    # 电商平台订单编号/海外仓订仓单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(max_length=60)
    # 支付交易编号-支付交易编号
    payNo: str | None = leaf(req=False, max_length=60)
    # 回执状态-操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间-操作时间(格式:yyyyMMddHHmmssfff)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB404Message", "export")
@dataclass(slots=True)
class CEB404Message:
    """收款单回执报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    receipts_return: list[ReceiptsReturn] = children(
        ReceiptsReturn, "ReceiptsReturn", min_occurs=1, max_occurs=100
    )
