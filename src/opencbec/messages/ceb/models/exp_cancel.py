"""Export inventory cancellation (撤销申请单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("InvtCancel")
@dataclass(slots=True)
class InvtCancel:
    """撤销申请单类"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报类型:1-新增;2-变更;3-删除，默认为1
    appType: str | None = leaf(length=1)
    # 业务时间,格式:YYYYMMDDhhmmss
    appTime: str | None = leaf(length=14)
    # 企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 申报海关代码
    customsCode: str | None = leaf(length=4)
    # 企业内部生成标识清单的编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, length=18)
    # 出境清单编号，海关审结生成标识清单的编号（4位关区+4位年+1位进出口标记+9位流水号）
    invtNo: str | None = leaf(max_length=20)
    # 原因
    reason: str | None = leaf(max_length=1000, collapse=True)
    # 申报单位代码,10位海关代码或者18位信用代码
    agentCode: str | None = leaf(max_length=18)
    # 申报单位名称
    agentName: str | None = leaf(max_length=100)
    # 收发货人代码。 电商企业的10位海关代码或者18位信用代码。
    ebcCode: str | None = leaf(max_length=18)
    # 收发货人名称。 电商企业的海关注册登记名称。
    ebcName: str | None = leaf(max_length=100)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@message("CEB605Message", "export")
@dataclass(slots=True)
class CEB605Message:
    """撤销申请单数据"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_cancel: list[InvtCancel] = children(InvtCancel, "InvtCancel", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("InvtCancelReturn")
@dataclass(slots=True)
class InvtCancelReturn:
    """撤销申请单回执类"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报企业代码
    agentCode: str | None = leaf(max_length=18)
    # 企业内部生成标识清单的编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 出境清单编号,海关审结生成标识清单的编号（4位关区+4位年+1位进出口标记+9位流水号）
    invtNo: str | None = leaf(max_length=20)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间,格式YYYYMMDDhhmmssfff
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB606Message", "export")
@dataclass(slots=True)
class CEB606Message:
    """撤销申请单回执"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    invt_cancel_return: list[InvtCancelReturn] = children(
        InvtCancelReturn, "InvtCancelReturn", min_occurs=1, max_occurs=100
    )
