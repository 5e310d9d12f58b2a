"""Import inventory cancellation (撤销申请单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("InvtCancel")
@dataclass(slots=True)
class InvtCancel:
    """撤销申请单实体"""

    # 企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增。默认为1。
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
    # 企业内部标识单证的编号
    copNo: str | None = leaf(req=False, max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 申请撤销的原始清单编号。
    invtNo: str | None = leaf(min_length=1, max_length=18)
    # 1-身份证,2-其它。限定为身份证，填写“1”。
    buyerIdType: str | None = leaf(length=1)
    # 订购人的身份证件号码。
    buyerIdNumber: str | None = leaf(min_length=1, max_length=60)
    # 订购人的真实姓名。
    buyerName: str | None = leaf(min_length=1, max_length=60)
    # 订购人电话
    buyerTelephone: str | None = leaf(min_length=1, max_length=30)
    # 申报单位的海关注册登记编号。
    agentCode: str | None = leaf(min_length=1, max_length=18)
    # 申报单位在海关注册登记的名称。
    agentName: str | None = leaf(min_length=1, max_length=100)
    # 撤单原因
    reason: str | None = leaf(min_length=1, max_length=1000)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@message("CEB623Message", "import")
@dataclass(slots=True)
class CEB623Message:
    """撤销申请单数据报文（电商企业或其代理人）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_cancel: list[InvtCancel] = children(InvtCancel, "InvtCancel", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE)


@record("InvtCancelReturn")
@dataclass(slots=True)
class InvtCancelReturn:
    """撤销申请单回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报口岸
    customsCode: str | None = leaf(req=False, length=4)
    # 申报单位代码,10位海关代码或者18位信用代码（兼容考虑，暂设为选填）
    agentCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 电商平台代码,10位海关代码或者18位信用代码(兼容考虑，暂设为选填)
    ebpCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 电商企业代码,10位海关代码或者18位信用代码(兼容考虑，暂设为选填)
    ebcCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 企业内部标识单证的编号
    copNo: str | None = leaf(min_length=1, max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 申请撤销的原始清单编号
    invtNo: str | None = leaf(req=False, length=18)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB624Message", "import")
@dataclass(slots=True)
class CEB624Message:
    """撤销申请单回执报文（电商企业或其代理人）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_cancel_return: list[InvtCancelReturn] = children(
        InvtCancelReturn, "InvtCancelReturn", min_occurs=1, max_occurs=100
    )
