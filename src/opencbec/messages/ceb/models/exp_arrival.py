"""Export arrival notice (运抵单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("ArrivalHead")
@dataclass(slots=True)
class ArrivalHead:
    """物流运抵单表头"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 报送类型-企业报送类型。1-新增 2-变更 3-删除。
    appType: str | None = leaf(length=1)
    # 报送时间-企业报送时间。格式:YYYYMMDDhhmmss。
    appTime: str | None = leaf(length=14)
    # 报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 申报地海关代码-办理通关手续的4位海关编号
    customsCode: str | None = leaf(length=4)
    # 企业内部标识单证的编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, length=18)
    # 监管场所经营人代码-监管场所经营人在海关注册登记的编号。邮路运输用邮政物流企业
    operatorCode: str | None = leaf(max_length=18)
    # 监管场所经营人名称-监管场所经营人在海关注册登记的名称。邮路运输用邮政物流企业
    operatorName: str | None = leaf(max_length=100)
    # 监管场所代码-同一申报地海关下有多个跨境电子商务的监管场所,需要填写区分
    loctNo: str | None = leaf(req=False, max_length=10)
    # 进出口标记-I进口/E出口
    ieFlag: str | None = leaf(length=1)
    # 运输方式-填写海关标准的参数代码，参照《JGS-20 海关业务代码集》- 运输方式代码。直购进口指跨境段物流运输方式。
    trafMode: str | None = leaf(length=1, collapse=True)
    # 提运单号-货物提单或运单的海运提单、空运总单或汽车载货清单。邮路运输方可为空。
    billNo: str | None = leaf(req=False, max_length=37)
    # 境内运输工具编号-运往海关监管场所的运输工具编号，例如车牌号
    domesticTrafNo: str | None = leaf(max_length=100, collapse=True)
    # 物流企业代码-物流企业的海关注册登记编号
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业名称-物流企业的海关注册登记名称
    logisticsName: str | None = leaf(max_length=100)
    # 报文总数-拆分后的报文总数。未拆分的不填，拆分的填实际数量。
    msgCount: int | None = leaf(Kind.INT, total_digits=9)
    # 报文序号-当前报文序号，以1开始的报文顺序号。未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("ArrivalList")
@dataclass(slots=True)
class ArrivalList:
    """物流运抵单表体（允许为空）"""

    # 序号-从1开始的递增序号
    gnum: int | None = leaf(Kind.INT, total_digits=5)
    # 物流运单编号-物流企业的运单包裹面单号
    logisticsNo: str | None = leaf(max_length=32)
    # 总包号-物流企业对于一个提运单下含有多个大包的托盘编号（邮件为邮袋号）
    totalPackageNo: str | None = leaf(req=False, max_length=37)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Arrival")
@dataclass(slots=True)
class Arrival:
    """物流运抵单数据实体"""

    arrival_head: ArrivalHead | None = child(ArrivalHead, "ArrivalHead")
    arrival_list: list[ArrivalList] = children(
        ArrivalList, "ArrivalList", min_occurs=0, max_occurs=None
    )


@message("CEB507Message", "export")
@dataclass(slots=True)
class CEB507Message:
    """物流运抵地数据报文（物流企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    arrival: list[Arrival] = children(Arrival, "Arrival", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("ArrivalReturn")
@dataclass(slots=True)
class ArrivalReturn:
    """物流运抵单回执实体"""

    # 系统唯一序号-电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 监管场所经营人代码-监管场所经营人在海关注册登记的编号
    operatorCode: str | None = leaf(max_length=18)
    # 物流企业代码-物流企业的海关注册登记编号
    logisticsCode: str | None = leaf(max_length=18)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 企业唯一编号-企业唯一标识单证的编号
    copNo: str | None = leaf(max_length=30)
    # 提运单号-提单或总运单的编号
    billNo: str | None = leaf(max_length=37)
    # 报文序号-当前报文序号，以1开始的报文顺序号。未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 回执状态-操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间-操作时间(格式:yyyyMMddHHmmssfff)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB508Message", "export")
@dataclass(slots=True)
class CEB508Message:
    """物流运抵单回执报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    arrival_return: list[ArrivalReturn] = children(
        ArrivalReturn, "ArrivalReturn", min_occurs=1, max_occurs=100
    )
