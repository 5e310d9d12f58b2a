"""Import return request (退货申请单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("InvtRefundHead")
@dataclass(slots=True)
class InvtRefundHead:
    """退货申请单表头实体"""

    # 企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为1。填写2时,Signature节点必须填写.
    appStatus: str | None = leaf(min_length=1, max_length=3)
    # 接受申报的海关关区代码，参照JGS/T 18《海关关区代码》。
    customsCode: str | None = leaf(length=4)
    # 交易平台的订单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(min_length=1, max_length=60)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebpCode: str | None = leaf(min_length=1, max_length=18)
    # 电商平台的海关注册登记名称；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台名称为准。
    ebpName: str | None = leaf(min_length=1, max_length=100)
    # 电商企业的海关注册登记编号。
    ebcCode: str | None = leaf(min_length=1, max_length=18)
    # 电商企业的海关注册登记名称。
    ebcName: str | None = leaf(min_length=1, max_length=100)
    # 物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(min_length=1, max_length=60)
    # 物流企业的海关注册登记编号。
    logisticsCode: str | None = leaf(min_length=1, max_length=18)
    # 物流企业在海关注册登记的名称。
    logisticsName: str | None = leaf(min_length=1, max_length=100)
    # 企业内部标识单证的编号。
    copNo: str | None = leaf(req=False, max_length=20)
    # 电子口岸标识单证的编号。
    preNo: str | None = leaf(req=False, max_length=18)
    # 申请退货的原始清单编号。
    invtNo: str | None = leaf(min_length=1, max_length=18)
    # 订购人证件类型
    buyerIdType: str | None = leaf(length=1)
    # 订购人证件号码
    buyerIdNumber: str | None = leaf(min_length=1, max_length=60)
    # 订购人姓名
    buyerName: str | None = leaf(min_length=1, max_length=60)
    # 订购人电话
    buyerTelephone: str | None = leaf(min_length=1, max_length=30)
    # 申报单位的海关注册登记编号。
    agentCode: str | None = leaf(min_length=1, max_length=18)
    # 申报单位在海关注册登记的名称。
    agentName: str | None = leaf(min_length=1, max_length=100)
    # 退货原因
    reason: str | None = leaf(min_length=1, max_length=1000)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("InvtRefundList")
@dataclass(slots=True)
class InvtRefundList:
    """退货申请单表体实体"""

    # 对应原清单表体序号（退货项序号）
    gnum: int | None = leaf(Kind.INT)
    # 按商品分类编码规则确定的进出口商品的商品编号，分为商品编号和附加编号，其中商品编号栏应填报《中华人民共和国进出口税则》8位税则号列，附加编号应填报商品编号，附加编号第9、10位。
    gcode: str | None = leaf(length=10)
    # 商品名称应据实填报，与清单一致。
    gname: str | None = leaf(min_length=1, max_length=250)
    # 申请退货的数量，小于等于原清单的成交计量单位的数量
    qty: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码
    unit: str | None = leaf(length=3)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("InvtRefund")
@dataclass(slots=True)
class InvtRefund:
    """InvtRefund"""

    invt_refund_head: InvtRefundHead | None = child(InvtRefundHead, "InvtRefundHead")
    invt_refund_list: list[InvtRefundList] = children(
        InvtRefundList, "InvtRefundList", min_occurs=1, max_occurs=99
    )


@message("CEB625Message", "import")
@dataclass(slots=True)
class CEB625Message:
    """退货申请单数据报文（电商企业或其代理人）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_refund: list[InvtRefund] = children(InvtRefund, "InvtRefund", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE)


@record("InvtRefundReturn")
@dataclass(slots=True)
class InvtRefundReturn:
    """退货申请单回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报口岸
    customsCode: str | None = leaf(req=False, length=4)
    # 申报单位代码,10位海关代码或者18位信用代码（兼容考虑，暂设为选填）
    agentCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebpCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebcCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 企业内部标识单证的编号
    copNo: str | None = leaf(min_length=1, max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 申请退货的原始清单编号
    invtNo: str | None = leaf(req=False, length=18)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 备注（如不通过原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB626Message", "import")
@dataclass(slots=True)
class CEB626Message:
    """退货申请单回执报文（电商企业或其代理人）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_refund_return: list[InvtRefundReturn] = children(
        InvtRefundReturn, "InvtRefundReturn", min_occurs=1, max_occurs=100
    )
