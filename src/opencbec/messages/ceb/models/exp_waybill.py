"""Export master/house list (清单总分单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("WayBillHead")
@dataclass(slots=True)
class WayBillHead:
    """清单总分单数据"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报类型:1-新增;2-变更;3-删除，默认为1
    appType: str | None = leaf(length=1)
    # 业务时间,格式:YYYYMMDDhhmmss
    appTime: str | None = leaf(length=14)
    # 企业报送状态。1-暂存,2-申报,默认为1。填写2时需要业务加签申报即Signature节点必须填写.
    appStatus: str | None = leaf(length=1)
    # 申报海关代码,办理通关手续的4位海关编号
    customsCode: str | None = leaf(length=4)
    # 企业唯一编号-企业生成标识唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, length=18)
    # 申报企业代码-申报单位的海关注册登记编号或统一社会信用代码
    agentCode: str | None = leaf(max_length=18)
    # 申报企业名称
    agentName: str | None = leaf(max_length=100)
    # 监管场所代码
    loctNo: str | None = leaf(req=False, max_length=10)
    # 运输方式代码,海关参数代码
    trafMode: str | None = leaf(length=1, collapse=True)
    # 运输工具名称
    trafName: str | None = leaf(max_length=100, collapse=True)
    # 航班航次号,物流企业提供
    voyageNo: str | None = leaf(max_length=32, collapse=True)
    # 提运单号,物流企业提供
    billNo: str | None = leaf(max_length=37)
    # 境内运输工具编号 运往海关监管场所的运输工具编号，例如车牌号
    domesticTrafNo: str | None = leaf(req=False, max_length=100)
    # 毛重（千克）
    grossWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 物流企业代码,10位海关代码或者18位信用代码
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业名称
    logisticsName: str | None = leaf(max_length=100)
    # 拆分后的报文数 未拆分的不填，拆分的填实际数量。
    msgCount: int | None = leaf(Kind.INT, total_digits=9)
    # 报文序号 以1开始的报文顺序号。未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("WayBillList")
@dataclass(slots=True)
class WayBillList:
    """提运单表体项类"""

    # 项号,从1开始连续序号
    gnum: int | None = leaf(Kind.INT, total_digits=5)
    # 总包号。 物流企业对于一个提运单下含有多个大包的托盘编号（邮件为邮袋号）。
    totalPackageNo: str | None = leaf(req=False, max_length=60)
    # 物流运单编号
    logisticsNo: str | None = leaf(max_length=32)
    # 原出口清单编号
    invtNo: str | None = leaf(req=False, max_length=20)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("WayBill")
@dataclass(slots=True)
class WayBill:
    """清单总分单"""

    way_bill_head: WayBillHead | None = child(WayBillHead, "WayBillHead")
    way_bill_list: list[WayBillList] = children(
        WayBillList, "WayBillList", min_occurs=1, max_occurs=None
    )


@message("CEB607Message", "export")
@dataclass(slots=True)
class CEB607Message:
    """清单总分单数据"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    way_bill: list[WayBill] = children(WayBill, "WayBill", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("WayBillReturn")
@dataclass(slots=True)
class WayBillReturn:
    """清单总分单回执"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报企业代码-10位海关代码或者18位信用代码
    agentCode: str | None = leaf(max_length=18)
    # 物流企业代码,10位海关代码或者18位信用代码
    logisticsCode: str | None = leaf(max_length=18)
    # 企业生成标识唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 提运单号,提单或总运单的编号
    billNo: str | None = leaf(max_length=37)
    # 报文序号-当前报文序号。以1开始的报文顺序号，未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间,格式YYYYMMDDhhmmssfff
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB608Message", "export")
@dataclass(slots=True)
class CEB608Message:
    """清单总分单回执"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    way_bill_return: list[WayBillReturn] = children(
        WayBillReturn, "WayBillReturn", min_occurs=1, max_occurs=100
    )
