"""Export e-commerce order (电子订单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.exp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("OrderHead")
@dataclass(slots=True)
class OrderHead:
    """订单表头"""

    # 系统唯一序号-企业系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 报送类型-企业报送类型。1-新增 2-变更 3-删除。
    appType: str | None = leaf(length=1)
    # 报送时间-企业报送时间。格式:YYYYMMDDhhmmss。
    appTime: str | None = leaf(length=14)
    # 报送状态-企业报送状态。1-暂存,2-申报。
    appStatus: str | None = leaf(length=1)
    # 订单类型-电商平台的订单类型 I-进口商品订单；E-出口商品订单；B-B2B出口订单；W-外综服订单
    orderType: str | None = leaf(length=1)
    # 订单编号-交易平台的订单编号，同一交易平台的订单编号应唯一
    orderNo: str | None = leaf(max_length=60)
    # 电商平台代码-电商平台的海关注册登记编号
    ebpCode: str | None = leaf(max_length=18)
    # 电商平台名称-电商平台的海关注册登记名称
    ebpName: str | None = leaf(max_length=100)
    # 电商企业代码-电商企业的海关注册登记编号(10位海关编码或18位统一社会信用代码)
    ebcCode: str | None = leaf(max_length=18)
    # 电商企业名称-电商企业的海关注册登记名称，对应清单的收发货人
    ebcName: str | None = leaf(max_length=100)
    # 商品金额-商品实际成交价FOB(不含运杂费)，含非现金抵扣金额
    goodsValue: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 运杂费-运杂费，无则填写"0"。
    freight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 币制-海关标准的参数代码 《JGS-20 海关业务代码集》- 货币代码
    currency: str | None = leaf(length=3)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("OrderList")
@dataclass(slots=True)
class OrderList:
    """订单商品表体"""

    # 序号-从1开始的递增序号（与清单的商品项关联对应）
    gnum: int | None = leaf(Kind.INT, total_digits=5)
    # 企业商品货号-企业自定义的商品货号
    itemNo: str | None = leaf(max_length=30)
    # 企业商品名称-同一类商品的中文名称。任何一种具体商品可以并只能归入表中的一个条目
    itemName: str | None = leaf(max_length=250)
    # 企业商品描述-电商平台上架的商品描述宣传信息
    itemDescribe: str | None = leaf(req=False, max_length=1000)
    # 条形码-商品条形码一般由前缀部分、制造厂商代码、商品代码和校验码组成。
    barCode: str | None = leaf(req=False, max_length=50)
    # 计量单位-海关标准的参数代码 海关标准的参数代码 《JGS-20 海关业务代码集》，计量单位代码
    unit: str | None = leaf(length=3)
    # 币制-海关标准的参数代码 海关标准的参数代码 《JGS-20 海关业务代码集》- 货币代码
    currency: str | None = leaf(length=3)
    # 数量
    qty: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 单价
    price: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 总价
    totalPrice: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("Order")
@dataclass(slots=True)
class Order:
    """电子订单数据实体"""

    order_head: OrderHead | None = child(OrderHead, "OrderHead")
    order_list: list[OrderList] = children(OrderList, "OrderList", min_occurs=1, max_occurs=100)


@message("CEB303Message", "export")
@dataclass(slots=True)
class CEB303Message:
    """电子订单数据报文（电商平台）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    order: list[Order] = children(Order, "Order", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)


@record("OrderReturn")
@dataclass(slots=True)
class OrderReturn:
    """订单回执实体"""

    # 系统唯一序号-电子口岸系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 电商平台海关注册登记编号或统一社会信用代码。境内企业需据实填写海关注册登记编号或统一社会信用代码，境外平台企业如无法提供电商平台代码可填“无”。
    ebpCode: str | None = leaf(max_length=18)
    # 电商企业代码-电商企业的海关注册登记编号。
    ebcCode: str | None = leaf(max_length=18)
    # 电商平台订单编号/海外仓订仓单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(max_length=60)
    # 回执状态-操作结果（1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/399海关审结等）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 回执时间-操作时间(格式：yyyyMMddHHmmssfff)
    returnTime: str | None = leaf(length=17)
    # 回执信息（如:退单原因）
    returnInfo: str | None = leaf(max_length=1000)


@message("CEB304Message", "export")
@dataclass(slots=True)
class CEB304Message:
    """电子订单回执报文"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    order_return: list[OrderReturn] = children(
        OrderReturn, "OrderReturn", min_occurs=1, max_occurs=100
    )
