"""Import warehouse-entry detail (入库明细单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("DeliveryHead")
@dataclass(slots=True)
class DeliveryHead:
    """入库明细单表头实体"""

    # 企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为1。
    appStatus: str | None = leaf(min_length=1, max_length=3)
    # 接受申报的海关关区代码，参照JGS/T 18《海关关区代码》。
    customsCode: str | None = leaf(length=4)
    # 企业内部标识单证的编号
    copNo: str | None = leaf(req=False, max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 海关接受申报生成的入库单编号
    rkdNo: str | None = leaf(req=False, max_length=18)
    # 监管场所经营人在海关注册登记的编号
    operatorCode: str | None = leaf(min_length=1, max_length=18)
    # 监管场所经营人在海关注册登记的名称
    operatorName: str | None = leaf(min_length=1, max_length=100)
    # I进口/E出口
    ieFlag: str | None = leaf(length=1)
    # 填写海关标准的参数代码，参照《JGS-20 海关业务代码集》- 运输方式代码。直购进口指跨境段物流运输方式。
    trafMode: str | None = leaf(length=1)
    # 货物进出境的运输工具的名称或运输工具编号。填报内容应与运输部门向海关申报的载货清单所列相应内容一致；同报关单填制规范。
    trafNo: str | None = leaf(min_length=1, max_length=100)
    # 货物进出境的运输工具的航次编号。
    voyageNo: str | None = leaf(min_length=1, max_length=32)
    # 货物提单或运单的海运提单、空运总单或汽车载货清单
    billNo: str | None = leaf(min_length=1, max_length=37)
    # 物流企业的海关注册登记编号
    logisticsCode: str | None = leaf(min_length=1, max_length=18)
    # 物流企业的海关注册登记名称
    logisticsName: str | None = leaf(min_length=1, max_length=100)
    # 货物卸货的仓储存放位置
    unloadLocation: str | None = leaf(req=False, max_length=100)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("DeliveryList")
@dataclass(slots=True)
class DeliveryList:
    """入库明细单表体实体"""

    # 从1开始的递增序号
    gnum: int | None = leaf(Kind.INT)
    # 物流企业的运单包裹面单号。同一物流企业的运单编号在6个月内不重复。运单编号长度不能超过60位。
    logisticsNo: str | None = leaf(min_length=1, max_length=60)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Delivery")
@dataclass(slots=True)
class Delivery:
    """Delivery"""

    delivery_head: DeliveryHead | None = child(DeliveryHead, "DeliveryHead")
    delivery_list: list[DeliveryList] = children(
        DeliveryList, "DeliveryList", min_occurs=1, max_occurs=None
    )


@message("CEB711Message", "import")
@dataclass(slots=True)
class CEB711Message:
    """入库明细单数据报文（海关监管作业场所经营企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    delivery: Delivery | None = child(Delivery, "Delivery")
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE)


@record("DeliveryReturn")
@dataclass(slots=True)
class DeliveryReturn:
    """入库明细单回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 主管海关
    customsCode: str | None = leaf(req=False, length=4)
    # 监管场所经营人代码 监管场所经营人作为第三方对入场所的大包开拆核实包裹（兼容考虑，暂设为选填）
    operatorCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 企业内部标识单证的编号
    copNo: str | None = leaf(req=False, max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, max_length=18)
    # 海关审核生成的入库单编号
    rkdNo: str | None = leaf(req=False, max_length=18)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 备注（如不通过原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB712Message", "import")
@dataclass(slots=True)
class CEB712Message:
    """入库明细单回执报文（海关监管作业场所经营企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    delivery_return: list[DeliveryReturn] = children(
        DeliveryReturn, "DeliveryReturn", min_occurs=1, max_occurs=100
    )
