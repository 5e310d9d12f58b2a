"""Export departure notice (离境单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("DepartureHead")
@dataclass(slots=True)
class DepartureHead:
    """物流离境单表头数据"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报类型:1-新增;2-变更;3-删除，默认为1
    appType: str | None = leaf(length=1)
    # 业务时间,格式:YYYYMMDDhhmmss
    appTime: str | None = leaf(length=14)
    # 企业报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 办理通关手续的4位海关编号
    customsCode: str | None = leaf(length=4)
    # 企业唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, length=18)
    # 物流企业代码,10位海关代码或者18位信用代码
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业名称
    logisticsName: str | None = leaf(max_length=100)
    # 运输方式
    trafMode: str | None = leaf(length=1, collapse=True)
    # 运输工具名称
    trafName: str | None = leaf(req=False, max_length=100)
    # 航班航次号
    voyageNo: str | None = leaf(req=False, max_length=32)
    # 提运单号,物流企业提供
    billNo: str | None = leaf(req=False, max_length=37)
    # 离境时间
    leaveTime: str | None = leaf(length=14)
    # 报文总数-拆分后的报文总数。未拆分的不填，拆分的填实际数量。
    msgCount: int | None = leaf(Kind.INT, total_digits=9)
    # 报文序号-当前报文序号，以1开始的报文顺序号。未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("DepartureList")
@dataclass(slots=True)
class DepartureList:
    """物流离境单表体类"""

    # 序号
    gnum: int | None = leaf(Kind.INT, total_digits=5)
    # 总包号
    totalPackageNo: str | None = leaf(req=False, max_length=37)
    # 物流运单号
    logisticsNo: str | None = leaf(max_length=32)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Departure")
@dataclass(slots=True)
class Departure:
    """物流离境单数据"""

    departure_head: DepartureHead | None = child(DepartureHead, "DepartureHead")
    departure_list: list[DepartureList] = children(
        DepartureList, "DepartureList", min_occurs=1, max_occurs=None
    )


@message("CEB509Message", "export")
@dataclass(slots=True)
class CEB509Message:
    """物流离境单数据"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    departure: list[Departure] = children(Departure, "Departure", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("DepartureReturn")
@dataclass(slots=True)
class DepartureReturn:
    """物流离境回执类"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 物流企业代码,10位海关代码或者18位信用代码
    logisticsCode: str | None = leaf(max_length=18)
    # 企业唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 报文序号-当前报文序号，以1开始的报文顺序号。未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 回执状态
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间,格式YYYYMMDDhhmmssfff
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB510Message", "export")
@dataclass(slots=True)
class CEB510Message:
    """物流离境单回执"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    departure_return: list[DepartureReturn] = children(
        DepartureReturn, "DepartureReturn", min_occurs=1, max_occurs=100
    )
