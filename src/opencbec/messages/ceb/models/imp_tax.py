"""Tax bill, its status and the format-check receipt: CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("TaxHeadRd")
@dataclass(slots=True)
class TaxHeadRd:
    """电子税单表头实体"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 回执时间,格式:YYYYMMDDhhmmssSSS
    returnTime: str | None = leaf(length=17)
    # 进境清单编号，海关审结生成标识清单的编号（4位关区+4位年+1位进出口标记+9位流水号）
    invtNo: str | None = leaf(min_length=1, max_length=18)
    # 电子税单编号
    taxNo: str | None = leaf(min_length=1, max_length=50)
    # 应征关税
    customsTax: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 应征增值税
    valueAddedTax: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 应征消费税
    consumptionTax: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 税单状态（(1-已生成，2-已汇总 3-作废)）
    status: str | None = leaf(length=1)
    # 缴款书编号
    entDutyNo: str | None = leaf(req=False, max_length=50)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)
    # 担保企业代码
    assureCode: str | None = leaf(req=False, max_length=64)
    # 电商企业代码
    ebcCode: str | None = leaf(req=False, max_length=64)
    # 物流企业代码
    logisticsCode: str | None = leaf(req=False, max_length=64)
    # 申报单位代码,10位海关代码或者18位信用代码
    agentCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 申报口岸
    customsCode: str | None = leaf(req=False, length=4)


@record("TaxListRd")
@dataclass(slots=True)
class TaxListRd:
    """电子税单表体实体"""

    # 商品项号,从1开始连续序号
    gnum: int | None = leaf(Kind.INT)
    # 海关商品编码（10位）
    gcode: str | None = leaf(length=10)
    # 完税总价格
    taxPrice: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 应征关税
    customsTax: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 应征增值税
    valueAddedTax: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 应征消费税
    consumptionTax: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)


@record("Tax")
@dataclass(slots=True)
class Tax816:
    """Tax"""

    tax_head_rd: TaxHeadRd | None = child(TaxHeadRd, "TaxHeadRd")
    tax_list_rd: list[TaxListRd] = children(TaxListRd, "TaxListRd", min_occurs=1, max_occurs=99)


@message("CEB816Message", "import")
@dataclass(slots=True)
class CEB816Message:
    """电子税单数据报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    tax: list[Tax816] = children(Tax816, "Tax", min_occurs=1, max_occurs=None)


@record("TaxHeadStatus")
@dataclass(slots=True)
class TaxHeadStatus:
    """电子税单状态表头实体"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 回执时间,格式:YYYYMMDDhhmmssSSS
    returnTime: str | None = leaf(length=17)
    # 进境清单编号，海关审结生成标识清单的编号（4位关区+4位年+1位进出口标记+9位流水号）
    invtNo: str | None = leaf(min_length=1, max_length=18)
    # 电子税单编号
    taxNo: str | None = leaf(min_length=1, max_length=50)
    # 税单状态（(1-已生成，2-已汇总 3-作废)）
    status: str | None = leaf(length=1)
    # 缴款书编号
    entDutyNo: str | None = leaf(req=False, max_length=50)
    # 担保企业代码
    assureCode: str | None = leaf(req=False, max_length=64)


@record("Tax")
@dataclass(slots=True)
class Tax818:
    """Tax"""

    tax_head_status: TaxHeadStatus | None = child(TaxHeadStatus, "TaxHeadStatus")


@message("CEB818Message", "import")
@dataclass(slots=True)
class CEB818Message:
    """电子税单状态报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    tax: list[Tax818] = children(Tax818, "Tax", min_occurs=1, max_occurs=None)


@record("MessageReturn")
@dataclass(slots=True)
class MessageReturn:
    """报文格式校验回执实体"""

    # 36位唯一序号
    guid: str | None = leaf(length=36)
    # 小于0数字表示报文格式校验异常。
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执详细信息
    returnInfo: str | None = leaf(min_length=0, max_length=5000)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 原始传输报文的copMsgId
    oriCopMsgId: str | None = leaf(min_length=0, max_length=255)
    # 原始报文的报文类型，如CEB311Message，未知类型为Unknown
    oriMessageType: str | None = leaf(min_length=0, max_length=15)
    # 原始报文内容
    oriBizMessage: str | None = leaf(min_length=0)


@message("CEB900Message", "import")
@dataclass(slots=True)
class CEB900Message:
    """报文格式校验回执报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    message_return: MessageReturn | None = child(MessageReturn, "MessageReturn")
