"""Export return and tally (退货申请单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("InvtRefundHead")
@dataclass(slots=True)
class InvtRefundHead:
    """退货申请单表头"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 报送类型-企业报送类型。1-新增 2-变更 3-删除。
    appType: str | None = leaf(length=1)
    # 报送时间-企业报送时间。格式:YYYYMMDDhhmmss。
    appTime: str | None = leaf(length=14)
    # 报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 4位海关编号。《海关关区代码》
    customsCode: str | None = leaf(length=4)
    # 同一申报地海关下有多个跨境电子商务的监管场所,需要填写区分。
    loctNo: str | None = leaf(req=False, max_length=10)
    # 电商平台代码-电商平台的海关注册登记编号
    ebpCode: str | None = leaf(max_length=18)
    # 电商平台名称-电商平台的海关注册登记名称
    ebpName: str | None = leaf(max_length=100)
    # 电商企业代码-电商企业的海关注册登记编号(10位海关编码或18位统一社会信用代码)
    ebcCode: str | None = leaf(max_length=18)
    # 电商企业名称-电商企业的海关注册登记名称，对应清单的收发货人
    ebcName: str | None = leaf(max_length=100)
    # 物流企业运单的包裹面单号，同一物流企业的运单编号在6个月内不重复，可以与原出口运单号一致，也可以是进境运单号
    logisticsNo: str | None = leaf(max_length=80)
    # 物流企业的海关注册登记编号或统一社会信用代码，可以与原物流企业一致，也可以是进境物流企业。
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业的登记名称
    logisticsName: str | None = leaf(max_length=100)
    # 企业生成标识唯一编号
    coElNo: str | None = leaf(max_length=30)
    # 电子口岸标识唯一编号（B+8位年月日+9位流水号）
    preNo: str | None = leaf(req=False, max_length=18)
    # 原出口清单号
    invtNo: str | None = leaf(max_length=20)
    # 贸易方式 一般出口为9610,特殊区域出口为1210/1239
    tradeMode: str | None = leaf(req=False, length=4)
    # 申报单位的海关登记编号，可以与原申报企业一致，也可以是进境申报企业。
    agentCode: str | None = leaf(max_length=18)
    # 申报单位的海关登记名称
    agentName: str | None = leaf(max_length=100)
    # 提单或总运单的编号，如无则填写物流运单号
    billNo: str | None = leaf(max_length=37)
    # I-进口,E-出口,出口退货填写I。
    ieFlag: str | None = leaf(max_length=1)
    # 海关标准的参数代码 《JGS-20 海关业务代码集》- 运输方式代码
    trafMode: str | None = leaf(max_length=1)
    # 货物进出境的运输工具的名称或运输工具编号。填报内容应与运输部门向海关申报的载货清单所列相应内容一致。
    trafName: str | None = leaf(max_length=100)
    # 商品实际出我国关境口岸海关的关区代码 JGS/T 18《海关关区代码》
    portCode: str | None = leaf(max_length=4)
    # 退货原因
    reason: str | None = leaf(max_length=500)
    # 参照《JGS-20 海关业务代码集》的国家（地区）代码表，不能为中国
    country: str | None = leaf(max_length=3)
    # 货物进出境的运输工具的航次编号。
    voyageNo: str | None = leaf(max_length=32)
    # 备注
    note: str | None = leaf(req=False, max_length=500)


@record("InvtRefundList")
@dataclass(slots=True)
class InvtRefundList:
    """退货申请单商品表体"""

    # 对应原申报清单表体项号（退货项序号）
    gnum: int | None = leaf(Kind.INT, total_digits=4)
    # 与原申报清单一致
    gcode: str | None = leaf(max_length=10)
    # 与原申报清单一致
    gname: str | None = leaf(max_length=250)
    # 与原申报清单一致。
    gmodel: str | None = leaf(max_length=250)
    # 不大于原申报清单申报数量，
    qty: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 不大于原清单法定第一数量
    qty1: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 与原申报清单保持一致。
    unit: str | None = leaf(length=3)
    # 海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码，与原申报清单保持一致。
    unit1: str | None = leaf(length=3)
    # 不大于原申报清单法定第二数量
    qty2: Decimal | None = leaf(Kind.DEC, req=False, total_digits=19, fraction_digits=5)
    # 海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码，与原申报清单保持一致。
    unit2: str | None = leaf(req=False, length=3)
    # 备注
    note: str | None = leaf(req=False, max_length=500)


@record("InvtRefund")
@dataclass(slots=True)
class InvtRefund:
    """退货申请单数据实体"""

    invt_refund_head: InvtRefundHead | None = child(InvtRefundHead, "InvtRefundHead")
    invt_refund_list: list[InvtRefundList] = children(
        InvtRefundList, "InvtRefundList", min_occurs=1, max_occurs=100
    )


@message("CEB213Message", "export")
@dataclass(slots=True)
class CEB213Message:
    """退货申请单数据报文（电商企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_refund: list[InvtRefund] = children(InvtRefund, "InvtRefund", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("RefundReturn")
@dataclass(slots=True)
class RefundReturn:
    """退货申请单回执实体"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准
    ebpCode: str | None = leaf(req=False, max_length=18)
    # 电商企业的海关注册登记编号
    ebcCode: str | None = leaf(req=False, max_length=18)
    # 申报单位的海关注册登记编号
    agentCode: str | None = leaf(max_length=18)
    # 企业内部标识单证的编号
    coElNo: str | None = leaf(max_length=30)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 申请退货的原始清单编号
    invtNo: str | None = leaf(max_length=20)
    # 操作结果（1暂存/2申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/300待人工审核/500查验/505移交/600挂起/800放行）,若小于0数字表示处理
    returnStatus: str | None = leaf(max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)。
    returnTime: str | None = leaf(length=17)
    # 回执信息
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB214Message", "export")
@dataclass(slots=True)
class CEB214Message:
    """退货申请单回执"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    refund_return: list[RefundReturn] = children(
        RefundReturn, "RefundReturn", min_occurs=1, max_occurs=100
    )


@record("InvtRefundDetail")
@dataclass(slots=True)
class InvtRefundDetail:
    """理货明细单实体"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 报送类型-企业报送类型。1-新增 2-变更 3-删除。
    appType: str | None = leaf(length=1)
    # 报送时间-企业报送时间。格式:YYYYMMDDhhmmss。
    appTime: str | None = leaf(length=14)
    # 报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 申报地海关代码-4位海关编号。《海关关区代码》
    customsCode: str | None = leaf(length=4)
    # 监管场所经营人在海关注册登记的编号，邮政运输用邮政物流企业
    operatorCode: str | None = leaf(max_length=18)
    # 物流企业的海关注册登记编号或统一社会信用代码，可以与原物流企业一致，也可以是进境物流企业。
    operatorName: str | None = leaf(max_length=100)
    # 监管场所经营人在海关注册登记的名称，邮政运输用邮政物流企业
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业的登记名称
    logisticsName: str | None = leaf(max_length=100)
    # 物流企业运单的包裹面单号，可以与原出口原单号一致，也可以是进境运单号。
    logisticsNo: str | None = leaf(max_length=80)
    # 原出口清单号
    invtNo: str | None = leaf(req=False, max_length=20)
    # 企业内部标识单证的编号
    coElNo: str | None = leaf(max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 提单或总运单的编号，如无则填物流运单号。
    billNo: str | None = leaf(max_length=37)
    # I-进口,E-出口，出口退货填I
    ieFlag: str | None = leaf(length=1)
    # 海关标准的参数代码 《JGS-20 海关业务代码集》- 运输方式代码
    trafMode: str | None = leaf(length=1)
    # 货物进出境的运输工具的名称或运输工具编号。填报内容应与运输部门向海关申报的载货清单所列相应内容一致。
    trafName: str | None = leaf(max_length=100)
    # 货物进出境的运输工具的航次编号。
    voyageNo: str | None = leaf(max_length=32)
    # 卸货堆货的仓储位置
    location: str | None = leaf(req=False, max_length=250)
    # 备注
    note: str | None = leaf(req=False, max_length=250)


@message("CEB215Message", "export")
@dataclass(slots=True)
class CEB215Message:
    """理货明细单（运抵）数据报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_refund_detail: list[InvtRefundDetail] = children(
        InvtRefundDetail, "InvtRefundDetail", min_occurs=1, max_occurs=100
    )
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("InvtRefundDetailReturn")
@dataclass(slots=True)
class InvtRefundDetailReturn:
    """理货明细单回执实体"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 监管场所经营人在海关注册登记的编号，邮政运输用邮政物流企业
    operatorCode: str | None = leaf(max_length=18)
    # 监管场所经营人在海关注册登记的名称，邮政运输用邮政物流企业
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业运单的包裹面单号，可以与原出口原单号一致，也可以是进境运单号。
    logisticsNo: str | None = leaf(max_length=80)
    # 企业内部标识单证的编号
    coElNo: str | None = leaf(max_length=30)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 操作结果（1暂存/2申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)。
    returnTime: str | None = leaf(length=17)
    # 回执信息
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB216Message", "export")
@dataclass(slots=True)
class CEB216Message:
    """理货明细单回执"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_refund_detail_return: list[InvtRefundDetailReturn] = children(
        InvtRefundDetailReturn, "InvtRefundDetailReturn", min_occurs=1, max_occurs=100
    )
