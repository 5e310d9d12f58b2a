"""Import waybill and status (物流运单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("LogisticsHead")
@dataclass(slots=True)
class LogisticsHead:
    """物流运单数据实体"""

    # 企业系统生成36位唯一序号（英文字母大写）。
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为2。
    appStatus: str | None = leaf(min_length=1, max_length=3)
    # 物流企业的海关注册登记编号。
    logisticsCode: str | None = leaf(min_length=1, max_length=18)
    # 物流企业在海关注册登记的名称。
    logisticsName: str | None = leaf(min_length=1, max_length=100)
    # 物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(min_length=1, max_length=60)
    # 直购进口为海运提单、空运总单或汽车载货清单
    billNo: str | None = leaf(req=False, max_length=37)
    # 交易平台的订单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(min_length=1, max_length=60)
    # 商品运输费用，无则填“0”。
    freight: Decimal | None = leaf(Kind.DEC, req=False, total_digits=19, fraction_digits=5)
    # 商品保险费用，无则填“0”。
    insuredFee: Decimal | None = leaf(Kind.DEC, req=False, total_digits=19, fraction_digits=5)
    # 限定为人民币，填写“142”。
    currency: str | None = leaf(length=3, fixed="142")
    # 毛重,单位为千克。
    weight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 单个运单下包裹数，限定为“1”。
    packNo: int | None = leaf(Kind.INT, total_digits=9)
    # 配送的商品信息，包括商品名称、数量等。
    goodsInfo: str | None = leaf(req=False, max_length=200)
    # 收货人姓名。
    consignee: str | None = leaf(min_length=1, max_length=100)
    # 收货地址。
    consigneeAddress: str | None = leaf(min_length=1, max_length=200)
    # 收货人电话号码。
    consigneeTelephone: str | None = leaf(min_length=1, max_length=50)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Logistics")
@dataclass(slots=True)
class Logistics:
    """Logistics"""

    logistics_head: LogisticsHead | None = child(LogisticsHead, "LogisticsHead")


@message("CEB511Message", "import")
@dataclass(slots=True)
class CEB511Message:
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
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)


@record("LogisticsReturn")
@dataclass(slots=True)
class LogisticsReturn:
    """物流运单回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 物流企业的海关注册登记编号。
    logisticsCode: str | None = leaf(min_length=1, max_length=18)
    # 物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(min_length=1, max_length=60)
    # 操作结果（2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 备注（如:退单原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB512Message", "import")
@dataclass(slots=True)
class CEB512Message:
    """物流运单回执报文（物流企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    logistics_return: list[LogisticsReturn] = children(
        LogisticsReturn, "LogisticsReturn", min_occurs=1, max_occurs=100
    )


@record("LogisticsStatus")
@dataclass(slots=True)
class LogisticsStatus:
    """物流运单状态数据实体"""

    # 企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为2。
    appStatus: str | None = leaf(min_length=1, max_length=3)
    # 物流企业的海关注册登记编号。
    logisticsCode: str | None = leaf(min_length=1, max_length=18)
    # 物流企业在海关注册登记的名称。
    logisticsName: str | None = leaf(min_length=1, max_length=100)
    # 物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(min_length=1, max_length=60)
    # 物流签收状态，限定S
    logisticsStatus: str | None = leaf(length=1)
    # 物流状态发生的实际时间。格式:YYYYMMDDhhmmss。
    logisticsTime: str | None = leaf(length=14)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@message("CEB513Message", "import")
@dataclass(slots=True)
class CEB513Message:
    """物流运单状态数据报文（物流企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    logistics_status: list[LogisticsStatus] = children(
        LogisticsStatus, "LogisticsStatus", min_occurs=1, max_occurs=100
    )
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)


@record("LogisticsStatusReturn")
@dataclass(slots=True)
class LogisticsStatusReturn:
    """物流运单状态回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 物流企业的海关注册登记编号。
    logisticsCode: str | None = leaf(min_length=1, max_length=18)
    # 物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(min_length=1, max_length=60)
    # 物流签收状态，限定为S
    logisticsStatus: str | None = leaf(length=1)
    # 操作结果（2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB514Message", "import")
@dataclass(slots=True)
class CEB514Message:
    """物流运单状态回执报文（物流企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    logistics_status_return: list[LogisticsStatusReturn] = children(
        LogisticsStatusReturn, "LogisticsStatusReturn", min_occurs=1, max_occurs=100
    )
