"""Export waybill (物流运单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("Logistics")
@dataclass(slots=True)
class Logistics:
    """物流运单数据实体"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 报送类型-企业报送类型。1-新增 2-变更 3-删除。
    appType: str | None = leaf(length=1)
    # 报送时间-企业报送时间。格式:YYYYMMDDhhmmss。
    appTime: str | None = leaf(length=14)
    # 报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 物流企业代码-物流企业的10位海关代码或者18位统一社会信用代码
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业名称-物流企业的海关登记名称
    logisticsName: str | None = leaf(max_length=100)
    # 物流运单编号-物流企业的运单包裹面单号（提运单号+运单编号形成唯一编号）
    logisticsNo: str | None = leaf(max_length=32)
    # 运费-货物运输费用
    freight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 保价费-货物保险费用
    insuredFee: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 币制-海关标准的参数代码 《JGS-20 海关业务代码集》- 货币代码
    currency: str | None = leaf(length=3)
    # 毛重-单位为千克
    grossWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 件数-单个运单下包裹数
    packNo: int | None = leaf(Kind.INT, total_digits=9)
    # 主要货物信息-物流企业可验视的商品信息
    goodsInfo: str | None = leaf(max_length=200, collapse=True)
    # 收发货人代码-电商企业的10位海关代码或者18位信用代码
    ebcCode: str | None = leaf(req=False, max_length=18)
    # 收发货人名称-电商企业的海关备案名称（电子口岸校验名称）
    ebcName: str | None = leaf(req=False, max_length=100)
    # 收发货人电话
    ebcTelephone: str | None = leaf(req=False, max_length=50)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@message("CEB505Message", "export")
@dataclass(slots=True)
class CEB505Message:
    """物流运单数据报文（物流企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    logistics: list[Logistics] = children(Logistics, "Logistics", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("LogisticsReturn")
@dataclass(slots=True)
class LogisticsReturn:
    """物流运单回执实体"""

    # 系统唯一序号-电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 物流企业代码-物流企业的海关注册登记编号。
    logisticsCode: str | None = leaf(max_length=18)
    # 物流运单编号-物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(max_length=32)
    # 回执状态-操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间-操作时间(格式:yyyyMMddHHmmssfff)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB506Message", "export")
@dataclass(slots=True)
class CEB506Message:
    """物流运单回执报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    logistics_return: list[LogisticsReturn] = children(
        LogisticsReturn, "LogisticsReturn", min_occurs=1, max_occurs=100
    )
