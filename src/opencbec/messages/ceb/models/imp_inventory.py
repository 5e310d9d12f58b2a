"""Import inventory (进口清单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("InventoryHead")
@dataclass(slots=True)
class InventoryHead:
    """进口清单表头实体"""

    # 企业系统生成36位唯一序号（英文字母大写）。
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为1。填写2时,Signature节点必须填写.
    appStatus: str | None = leaf(min_length=1, max_length=3)
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
    # 担保扣税的企业海关注册登记编号，只限清单的申报企业、电商企业物流企业。
    assureCode: str | None = leaf(min_length=1, max_length=30)
    # 保税模式必填，填写区内仓储企业在海关备案的账册编号，用于保税进口业务在特殊区域辅助系统记账（二线出区核减）。
    emsNo: str | None = leaf(req=False, max_length=30)
    # 海关接受申报生成的清单编号。
    invtNo: str | None = leaf(req=False, max_length=18)
    # I-进口,E-出口
    ieFlag: str | None = leaf(length=1)
    # 申报日期，以海关计算机系统接受清单申报数据时记录的日期为准。格式:YYYYMMDD。
    declTime: str | None = leaf(length=8)
    # 接受清单申报的海关关区代码，参照JGS/T 18《海关关区代码》。
    customsCode: str | None = leaf(length=4)
    # 商品实际进出我国关境口岸海关的关区代码，参照JGS/T 18《海关关区代码》。
    portCode: str | None = leaf(length=4)
    # 运载所申报商品的运输工具申报进境的日期，进口申报时无法确知相应的运输工具的实际进境日期时，免填。格式:YYYYMMDD
    ieDate: str | None = leaf(req=False, length=8)
    # 1-身份证,2-其它。限定为身份证，填写“1”。
    buyerIdType: str | None = leaf(length=1)
    # 订购人的身份证件号码。
    buyerIdNumber: str | None = leaf(min_length=1, max_length=60)
    # 订购人的真实姓名。
    buyerName: str | None = leaf(min_length=1, max_length=60)
    # 订购人电话。
    buyerTelephone: str | None = leaf(min_length=1, max_length=30)
    # 收件地址。
    consigneeAddress: str | None = leaf(min_length=1, max_length=200)
    # 申报单位的海关注册登记编号。
    agentCode: str | None = leaf(min_length=1, max_length=18)
    # 申报单位在海关注册登记的名称。
    agentName: str | None = leaf(min_length=1, max_length=100)
    # 保税模式必填，区内仓储企业的海关注册登记编号。
    areaCode: str | None = leaf(req=False, max_length=18)
    # 保税模式必填，区内仓储企业在海关注册登记的名称。
    areaName: str | None = leaf(req=False, max_length=100)
    # 直购进口填写“9610”，保税进口填写“1210”。
    tradeMode: str | None = leaf(length=4)
    # 填写海关标准的参数代码，参照《JGS-20 海关业务代码集》- 运输方式代码。直购进口指跨境段物流运输方式，保税进口指二线出区物流运输方式。
    trafMode: str | None = leaf(length=1)
    # 直购进口必填。货物进出境的运输工具的名称或运输工具编号。填报内容应与运输部门向海关申报的载货清单所列相应内容一致；同报关单填制规范。保税进口免填。
    trafNo: str | None = leaf(req=False, max_length=100)
    # 直购进口必填。货物进出境的运输工具的航次编号。保税进口免填。
    voyageNo: str | None = leaf(req=False, max_length=32)
    # 直购进口必填。货物提单或运单的编号，保税进口免填。
    billNo: str | None = leaf(req=False, max_length=37)
    # 针对同一申报地海关下有多个跨境电子商务的监管场所,需要填写区分
    loctNo: str | None = leaf(req=False, max_length=10)
    # 商务主管部门及其授权发证机关签发的进出口货物许可证件的编号
    licenseNo: str | None = leaf(req=False, max_length=19)
    # 直购进口填写起始发出国家（地区）代码，参照《JGS-20 海关业务代码集》的国家（地区）代码表；保税进口填写代码“142”。
    country: str | None = leaf(length=3)
    # 物流企业实际收取的运输费用。
    freight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 物流企业实际收取的商品保价费用。
    insuredFee: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 限定为人民币，填写“142”。
    currency: str | None = leaf(length=3, fixed="142")
    # 海关对进出口货物实际采用的外部包装方式的标识代码，采用1 位数字表示，如：木箱、纸箱、桶装、散装、托盘、包、油罐车等
    wrapType: str | None = leaf(req=False, length=1)
    # 件数为包裹数量，限定为“1”。
    packNo: int | None = leaf(Kind.INT, total_digits=9)
    # 货物及其包装材料的重量之和，计量单位为千克。
    grossWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 货物的毛重减去外包装材料后的重量，即货物本身的实际重量，计量单位为千克。
    netWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("InventoryList")
@dataclass(slots=True)
class InventoryList:
    """进口清单表体实体"""

    # 从1开始连续序号，与关联的电子订单表体序号一一对应。
    gnum: int | None = leaf(Kind.INT)
    # 账册备案料号 保税模式必填
    itemRecordNo: str | None = leaf(req=False, max_length=30)
    # 电商企业自定义的商品货号（SKU）。
    itemNo: str | None = leaf(req=False, max_length=20)
    # 交易平台销售商品的中文名称。
    itemName: str | None = leaf(req=False, max_length=250)
    # 按商品分类编码规则确定的进出口商品的商品编号，分为商品编号和附加编号，其中商品编号栏应填报《中华人民共和国进出口税则》8位税则号列，附加编号应填报商品编号，附加编号第9、10位。
    gcode: str | None = leaf(length=10)
    # 商品名称应据实填报，与电子订单一致。
    gname: str | None = leaf(min_length=1, max_length=250)
    # 满足海关归类、审价以及监管的要求为准。包括：品名、牌名、规格、型号、成份、含量、等级等。
    gmodel: str | None = leaf(min_length=1, max_length=510)
    # 商品条码一般由前缀部分、制造厂商代码、商品代码和校验码组成。没有条码填“无”
    barCode: str | None = leaf(req=False, max_length=50)
    # 原产国（地区），海关标准的参数代码 《JGS-20 海关业务代码集》 国家（地区）代码表填写代码。
    country: str | None = leaf(length=3)
    # 贸易国，按海关规定的《国别（地区）代码表》选择填报相应的贸易国（地区）代码。
    tradeCountry: str | None = leaf(req=False, min_length=1, max_length=3)
    # 限定为人民币，填写“142”。
    currency: str | None = leaf(length=3, fixed="142")
    # 数量，按成交计量单位的实际数量
    qty: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 计量单位，海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码
    unit: str | None = leaf(length=3)
    # 法定数量，海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码
    qty1: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 法定i计量单位,海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码
    unit1: str | None = leaf(length=3)
    # 第二数量
    qty2: Decimal | None = leaf(Kind.DEC, req=False, total_digits=19, fraction_digits=5)
    # 第二计量单位,海关标准的参数代码 《JGS-20 海关业务代码集》- 计量单位代码
    unit2: str | None = leaf(req=False, length=3)
    # 成交单价
    price: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 成交总价
    totalPrice: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Inventory")
@dataclass(slots=True)
class Inventory:
    """Inventory"""

    inventory_head: InventoryHead | None = child(InventoryHead, "InventoryHead")
    inventory_list: list[InventoryList] = children(
        InventoryList, "InventoryList", min_occurs=1, max_occurs=99
    )


@message("CEB621Message", "import")
@dataclass(slots=True)
class CEB621Message:
    """进口清单数据报文（电商企业或其代理人）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    inventory: list[Inventory] = children(Inventory, "Inventory", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE)


@record("InventoryReturn")
@dataclass(slots=True)
class InventoryReturn:
    """进口清单回执实体"""

    # 电子口岸生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报口岸
    customsCode: str | None = leaf(req=False, length=4)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebpCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebcCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 申报单位代码,10位海关代码或者18位信用代码(兼容考虑，暂设为选填)
    agentCode: str | None = leaf(req=False, min_length=1, max_length=18)
    # 企业内部标识单证的编号
    copNo: str | None = leaf(min_length=1, max_length=20)
    # 电子口岸标识单证的编号
    preNo: str | None = leaf(length=18)
    # 海关审核反馈清单的编号
    invtNo: str | None = leaf(req=False, length=18)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/300人工审核/399海关审结/800放行/899结关/500查验/5
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB622Message", "import")
@dataclass(slots=True)
class CEB622Message:
    """进口清单回执报文（电商企业或其代理人）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    inventory_return: list[InventoryReturn] = children(
        InventoryReturn, "InventoryReturn", min_occurs=1, max_occurs=100
    )
