"""Export summary application and result (汇总申请单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("SummaryApplyHead")
@dataclass(slots=True)
class SummaryApplyHead:
    """汇总申请单表头"""

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
    # 企业生成标识唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 汇总申请编号-海关反馈生成的汇总申请编号
    sumNo: str | None = leaf(req=False, max_length=18)
    # 申报单位代码-申报单位的10位海关代码或者18位信用代码
    agentCode: str | None = leaf(max_length=18)
    # 申报单位名称-申报单位的海关备案名称
    agentName: str | None = leaf(max_length=100)
    # 收发货人代码-电商企业的10位海关代码或者18位信用代码
    ebcCode: str | None = leaf(max_length=18)
    # 收发货人名称-电商企业的海关备案名称
    ebcName: str | None = leaf(max_length=100)
    # 报关单位代码-报关单申报单位的10位海关代码或者18位信用代码
    declAgentCode: str | None = leaf(max_length=18)
    # 报关单位名称-报关单申报单位的海关备案名称
    declAgentName: str | None = leaf(max_length=100)
    # 汇总开始时间-汇总指定时间范围的清单，格式:YYYYMMDDhhmmss。填写须成对，结束时间须大于等于开始时间。如指定时间范围将忽略表体数据。
    startTime: str | None = leaf(req=False, length=14)
    # 汇总开始时间-汇总指定时间范围的清单，格式:YYYYMMDDhhmmss。填写须成对，结束时间须大于等于开始时间。如指定时间范围将忽略表体数据。
    endTime: str | None = leaf(req=False, length=14)
    # 监管场所代码-针对同一申报地海关下有多个跨境电子商务的监管场所,需要填写区分
    loctNo: str | None = leaf(req=False, max_length=10)
    # 收发货人汇总标志-汇总标志 1:按收发货人单一汇总，2:按收发货人和生产销售单位汇总
    summaryFlag: str | None = leaf(length=1)
    # 按商品名汇总标志-按企业商品名汇总标志,填1,按清单原始商品名相同汇总，不填则按商品综合分类名汇总
    itemNameFlag: str | None = leaf(length=1)
    # 报文总数-拆分后的报文总数。未拆分的不填，拆分的填实际数量。
    msgCount: int | None = leaf(Kind.INT, total_digits=9)
    # 报文序号-当前报文序号。以1开始的报文顺序号，未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("SummaryApplyList")
@dataclass(slots=True)
class SummaryApplyList:
    """汇总申请单数据表体"""

    # 清单编号
    invtNo: str | None = leaf(max_length=20)


@record("SummaryApply")
@dataclass(slots=True)
class SummaryApply:
    """汇总申请单数据实体"""

    summary_apply_head: SummaryApplyHead | None = child(SummaryApplyHead, "SummaryApplyHead")
    summary_apply_list: list[SummaryApplyList] = children(
        SummaryApplyList, "SummaryApplyList", min_occurs=0, max_occurs=None
    )


@message("CEB701Message", "export")
@dataclass(slots=True)
class CEB701Message:
    """汇总申请单数据报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    summary_apply: list[SummaryApply] = children(
        SummaryApply, "SummaryApply", min_occurs=1, max_occurs=100
    )
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("SummaryReturn")
@dataclass(slots=True)
class SummaryReturn:
    """汇总申请单回执实体"""

    # 系统唯一序号-电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报企业代码-申报单位的10位海关代码或者18位信用代码
    agentCode: str | None = leaf(max_length=18)
    # 收发货人代码-电商企业的10位海关代码或者18位信用代码
    ebcCode: str | None = leaf(max_length=18)
    # 企业唯一编号-企业生成标识唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 汇总申请编号-海关反馈生成的汇总申请编号
    sumNo: str | None = leaf(req=False, length=18)
    # 报文序号-当前报文序号。以1开始的报文顺序号，未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 回执状态-操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间-操作时间(格式:yyyyMMddHHmmssfff)
    returnTime: str | None = leaf(length=17)
    # 回执信息-备注（如不通过原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB702Message", "export")
@dataclass(slots=True)
class CEB702Message:
    """汇总申请单回执报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    summary_return: list[SummaryReturn] = children(
        SummaryReturn, "SummaryReturn", min_occurs=1, max_occurs=100
    )


@record("SummaryResultHead")
@dataclass(slots=True)
class SummaryResultHead:
    """汇总结果单表头"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报地海关代码-4位海关编号。《海关关区代码》
    customsCode: str | None = leaf(length=4)
    # 汇总申请编号-海关生成的汇总申请编号
    sumNo: str | None = leaf(length=18)
    # 汇总处理时间-汇总处理时间，格式:YYYYMMDDhhmmssfff。
    opDate: str | None = leaf(length=17)
    # 汇总统一编号-海关生成唯一对应报关单
    declSeqNo: str | None = leaf(length=18)
    # 报关单暂存编号-电子口岸报关单暂存编号
    decTmpNo: str | None = leaf(req=False, length=18)
    # 报关单预录入编号-电子口岸报关单预录入编号
    decPreNo: str | None = leaf(req=False, length=18)
    # 报关单编号-海关生成的报关单编号
    entryId: str | None = leaf(req=False, length=18)
    # 报关单状态-报关单状态（具体返回值由海关确定）
    decState: str | None = leaf(min_length=1, max_length=3)
    # 申报企业代码-申报单位的海关登记编号
    agentCode: str | None = leaf(max_length=18)
    # 申报企业名称-申报单位的海关登记名称
    agentName: str | None = leaf(max_length=100)
    # 收发货人代码-收发货人（电商企业）的10位海关代码或者18位信用代码
    ebcCode: str | None = leaf(max_length=18)
    # 收发货人名称-收发货人（电商企业）的海关备案名称
    ebcName: str | None = leaf(max_length=100)
    # 报关单位代码-后续报关单申报单位的海关注册登记编号或统一社会信用代码
    declAgentCode: str | None = leaf(max_length=18)
    # 报关单位名称-后续报关单申报单位的登记名称
    declAgentName: str | None = leaf(max_length=100)
    # 毛重（公斤）-货物及其包装材料的重量之和，计量单位为千克
    grossWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 净重（公斤）-货物的毛重减去外包装材料后的重量，即货物本身的实际重量，计量单位为千克
    netWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 报文总数-拆分后的报文总数。未拆分的不填，拆分的填实际数量。
    msgCount: int | None = leaf(Kind.INT, total_digits=9)
    # 报文序号-当前报文序号，以1开始的报文顺序号。未拆分的不填，拆分的报文需要连续编号，不得跳号。
    msgSeqNo: int | None = leaf(Kind.INT, total_digits=9)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("SummaryResultList")
@dataclass(slots=True)
class SummaryResultList:
    """汇总结果单表体(允许可空)"""

    # 清单编号
    invtNo: str | None = leaf(max_length=20)
    # 物流运单编号
    logisticsNo: str | None = leaf(max_length=32)
    # 汇总结果单的顺序号
    gseqno: int | None = leaf(Kind.INT, total_digits=5)
    # 清单商品项的序号
    gnum: int | None = leaf(Kind.INT, total_digits=5)
    # 清单商品编码
    gcode: str | None = leaf(length=10)


@record("SummaryResult")
@dataclass(slots=True)
class SummaryResult:
    """汇总结果单数据实体"""

    summary_result_head: SummaryResultHead | None = child(SummaryResultHead, "SummaryResultHead")
    summary_result_list: list[SummaryResultList] = children(
        SummaryResultList, "SummaryResultList", min_occurs=0, max_occurs=None
    )


@message("CEB792Message", "export")
@dataclass(slots=True)
class CEB792Message:
    """汇总结果单数据报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    summary_result: list[SummaryResult] = children(
        SummaryResult, "SummaryResult", min_occurs=1, max_occurs=100
    )
