"""Export inventory (出口清单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("InventoryHead")
@dataclass(slots=True)
class InventoryHead:
    """出口清单表头类"""

    # 36位系统唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 申报类型:1-新增;2-变更;3-删除，默认为1
    appType: str | None = leaf(length=1)
    # 业务时间,格式:YYYYMMDDhhmmss
    appTime: str | None = leaf(length=14)
    # 企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 申报海关代码,办理通关手续的4位海关编号
    customsCode: str | None = leaf(length=4)
    # 电商平台的海关登记编号
    ebpCode: str | None = leaf(max_length=18)
    # 电商平台名称
    ebpName: str | None = leaf(min_length=0, max_length=100)
    # 订单编号,电商平台原始订单编号
    orderNo: str | None = leaf(max_length=60)
    # 物流企业代码,10位海关代码或者18位信用代码
    logisticsCode: str | None = leaf(max_length=18)
    # 物流企业名称
    logisticsName: str | None = leaf(min_length=0, max_length=100)
    # 物流运单编号
    logisticsNo: str | None = leaf(max_length=32)
    # 企业唯一编号
    copNo: str | None = leaf(max_length=30)
    # 预录入编号-电子口岸标识单证的编号
    preNo: str | None = leaf(req=False, length=18)
    # 清单编号
    invtNo: str | None = leaf(req=False, max_length=20)
    # 进出口标志,I/E标志
    ieFlag: str | None = leaf(length=1)
    # 出口口岸海关代码,海关参数代码
    portCode: str | None = leaf(length=4)
    # 出口日期 YYYYMMDD
    ieDate: str | None = leaf(length=8)
    # 申报业务类型：A-简化申报;B-汇总申报；若采用A简化申报，则要求商品不涉许可证、不涉出口关税、不涉及出口退税。同时商品编码按税则表前4位填写
    statisticsFlag: str | None = leaf(length=1)
    # 报关企业代码 10位海关代码或者18位信用代码
    agentCode: str | None = leaf(max_length=18)
    # 报关企业名称
    agentName: str | None = leaf(min_length=0, max_length=100)
    # 收发货人代码。 10位海关代码或者18位信用代码
    ebcCode: str | None = leaf(min_length=0, max_length=18)
    # 收发货人名称。 电商企业的海关注册登记名称。
    ebcName: str | None = leaf(min_length=0, max_length=100)
    # 生产销售单位代码。 实际发货人的企业的10位海关代码或者18位信用代码
    ownerCode: str | None = leaf(max_length=18)
    # 生产销售单位名称。 实际发货人的企业名称。
    ownerName: str | None = leaf(max_length=100)
    # 区内企业代码 特殊区域模式必填
    iacCode: str | None = leaf(req=False, max_length=18)
    # 特殊区域内仓储企业代码，特殊区域出口模式必填
    iacName: str | None = leaf(req=False, max_length=100)
    # 账册编号
    emsNo: str | None = leaf(req=False, max_length=30)
    # 贸易方式 一般出口为9610,特殊区域出口为1210/1239
    tradeMode: str | None = leaf(length=4)
    # 运输方式代码 海关参数代码
    trafMode: str | None = leaf(length=1, collapse=True)
    # 运输工具名称。
    trafName: str | None = leaf(req=False, max_length=100)
    # 航班航次号,物流企业提供
    voyageNo: str | None = leaf(req=False, max_length=32)
    # 提运单号,物流企业提供
    billNo: str | None = leaf(req=False, max_length=37)
    # 总包号。 物流企业对于一个提运单下含有多个大包的托盘编号（邮件为邮袋号）。
    totalPackageNo: str | None = leaf(req=False, max_length=37)
    # 监管场所代码
    loctNo: str | None = leaf(req=False, max_length=10)
    # 许可证号
    licenseNo: str | None = leaf(req=False, max_length=19)
    # 运抵国（地区）,海关参数代码
    country: str | None = leaf(length=3)
    # 指运港代码 海关参数代码
    POD: str | None = leaf(min_length=3, max_length=4, collapse=True)
    # 运费
    freight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 运费币制 海关参数代码
    fCurrency: str | None = leaf(length=3)
    # 运费标志 海关参数代码 3-总价
    fFlag: str | None = leaf(length=1, fixed="3")
    # 保费
    insuredFee: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 保费币制 海关参数代码
    iCurrency: str | None = leaf(length=3)
    # 保费标志 海关参数代码 3-总价
    iFlag: str | None = leaf(length=1, fixed="3")
    # 包装种类代码
    wrapType: str | None = leaf(length=1, collapse=True)
    # 件数(包裹数)
    packNo: int | None = leaf(Kind.INT, total_digits=9)
    # 毛重（千克）
    grossWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 净重（千克）
    netWeight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("InventoryList")
@dataclass(slots=True)
class InventoryList:
    """出口清单表体项类"""

    # 商品项号,从1开始连续序号
    gnum: int | None = leaf(Kind.INT, total_digits=5)
    # 企业商品编号
    itemNo: str | None = leaf(max_length=20)
    # 保税出口模式必填
    itemRecordNo: str | None = leaf(req=False, max_length=30)
    # 企业自定义的商品名称，汇总后用于退税品名
    itemName: str | None = leaf(req=False, max_length=250)
    # 海关商品编码（10位）
    gcode: str | None = leaf(length=10)
    # 商品名称
    gname: str | None = leaf(max_length=250)
    # 规格型号
    gmodel: str | None = leaf(max_length=250, collapse=True)
    # 条形码
    barCode: str | None = leaf(max_length=50, collapse=True)
    # 最终目的国（地区）代码
    country: str | None = leaf(length=3)
    # 币制代码
    currency: str | None = leaf(length=3)
    # 申报数量
    qty: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 法定数量
    qty1: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 第二数量
    qty2: Decimal | None = leaf(Kind.DEC, req=False, total_digits=19, fraction_digits=5)
    # 申报计量单位,海关参数代码
    unit: str | None = leaf(length=3)
    # 法定计量单位,海关参数代码
    unit1: str | None = leaf(length=3)
    # 第二计量单位,海关参数代码
    unit2: str | None = leaf(req=False, max_length=3)
    # 单价
    price: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 总价
    totalPrice: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Inventory")
@dataclass(slots=True)
class Inventory:
    """出口清单类"""

    inventory_head: InventoryHead | None = child(InventoryHead, "InventoryHead")
    inventory_list: list[InventoryList] = children(
        InventoryList, "InventoryList", min_occurs=1, max_occurs=100
    )


@message("CEB603Message", "export")
@dataclass(slots=True)
class CEB603Message:
    """申报清单数据"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    inventory: list[Inventory] = children(Inventory, "Inventory", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("InventoryReturn")
@dataclass(slots=True)
class InventoryReturn:
    """出口清单回执类"""

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
    # 收发货人代码-电商（发货）企业的海关注册登记编号(10位海关编码或18位统一社会信用代码)
    ebcCode: str | None = leaf(max_length=18)
    # 电商平台代码-电商平台的海关登记编号
    ebpCode: str | None = leaf(max_length=18)
    # 订单编号-交易平台的订单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(max_length=60)
    # 申报业务类型-A-简化申报;B-汇总申报；若采用A简化申报，则要求商品不涉许可证、不涉出口关税、不涉及出口退税。同时商品编码前4位为税则表填写
    statisticsFlag: str | None = leaf(length=1)
    # 操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/300人工审核/399海关审结/800放行/899结关等,若小于0数字
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间,格式YYYYMMDDhhmmssfff
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB604Message", "export")
@dataclass(slots=True)
class CEB604Message:
    """申报清单数据回执"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    inventory_return: list[InventoryReturn] = children(
        InventoryReturn, "InventoryReturn", min_occurs=1, max_occurs=100
    )
