"""Import e-commerce order (电子订单): CEB models generated from the official 2022-05 XSD; do not edit."""

# ruff: noqa: RUF009 - the field helpers return dataclasses.field(...) objects

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opencbec.messages.ceb.models.imp_common import BaseSubscribe, BaseTransfer, ExtendMessage
from opencbec.messages.ceb.spec import Kind, child, children, leaf, message, record


@record("OrderHead")
@dataclass(slots=True)
class OrderHead:
    """电子订单表头实体"""

    # 企业系统生成36位唯一序号（英文字母大写）。
    guid: str | None = leaf(length=36)
    # 企业报送类型。1-新增 2-变更 3-删除。默认为1。
    appType: str | None = leaf(length=1)
    # 企业报送时间。格式:YYYYMMDDhhmmss。mss
    appTime: str | None = leaf(length=14)
    # 业务状态:1-暂存,2-申报,默认为2。
    appStatus: str | None = leaf(min_length=1, max_length=3)
    # 电子订单类型：I进口
    orderType: str | None = leaf(length=1)
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
    # 商品实际成交价，含非现金抵扣金额。
    goodsValue: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 不包含在商品价格中的运杂费，无则填写"0"。
    freight: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 使用积分、虚拟货币、代金券等非现金支付金额，无则填写"0"。
    discount: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 企业预先代扣的税款金额，无则填写“0”
    taxTotal: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 商品价格+运杂费+代扣税款-非现金抵扣金额，与支付凭证的支付金额一致。
    acturalPaid: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 限定为人民币，填写“142”。
    currency: str | None = leaf(length=3, fixed="142")
    # 订购人的交易平台注册号。
    buyerRegNo: str | None = leaf(min_length=1, max_length=60)
    # 订购人的真实姓名。
    buyerName: str | None = leaf(min_length=1, max_length=60)
    # 订购人电话。
    buyerTelephone: str | None = leaf(min_length=1, max_length=30)
    # 1-身份证,2-其它。限定为身份证，填写“1”
    buyerIdType: str | None = leaf(length=1)
    # 订购人的身份证件号码。
    buyerIdNumber: str | None = leaf(min_length=1, max_length=60)
    # 支付企业的海关注册登记编号。
    payCode: str | None = leaf(req=False, max_length=18)
    # 支付企业在海关注册登记的企业名称。
    payName: str | None = leaf(req=False, max_length=100)
    # 支付企业唯一的支付流水号。
    payTransactionId: str | None = leaf(req=False, max_length=60)
    # 商品批次号
    batchNumbers: str | None = leaf(req=False, max_length=100)
    # 收货人姓名，必须与电子运单的收货人姓名一致。
    consignee: str | None = leaf(min_length=1, max_length=100)
    # 收货人联系电话，必须与电子运单的收货人电话一致。
    consigneeTelephone: str | None = leaf(min_length=1, max_length=50)
    # 收货地址，必须与电子运单的收货地址一致。
    consigneeAddress: str | None = leaf(min_length=1, max_length=200)
    # 参照国家统计局公布的国家行政区划标准填制。
    consigneeDistrict: str | None = leaf(req=False, length=6)
    # 订单备注
    note: str | None = leaf(req=False, max_length=1000)


@record("OrderList")
@dataclass(slots=True)
class OrderList:
    """电子订单商品实体"""

    # 从1开始的递增序号。
    gnum: int | None = leaf(Kind.INT)
    # 电商企业自定义的商品货号（SKU）。
    itemNo: str | None = leaf(req=False, max_length=30)
    # 交易平台销售商品的中文名称。
    itemName: str | None = leaf(min_length=1, max_length=250)
    # 满足海关归类、审价以及监管的要求为准。包括：品名、牌名、规格、型号、成份、含量、等级等。
    gmodel: str | None = leaf(min_length=1, max_length=510)
    # 交易平台销售商品的描述信息。
    itemDescribe: str | None = leaf(req=False, max_length=1000)
    # 国际通用的商品条形码，一般由前缀部分、制造厂商代码、商品代码和校验码组成。
    barCode: str | None = leaf(req=False, max_length=50)
    # 填写海关标准的参数代码，参照《JGS-20 海关业务代码集》- 计量单位代码。
    unit: str | None = leaf(length=3)
    # 商品实际数量。
    qty: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 商品单价。赠品单价填写为“0”。
    price: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 商品总价，等于单价乘以数量。
    totalPrice: Decimal | None = leaf(Kind.DEC, total_digits=19, fraction_digits=5)
    # 限定为人民币，填写“142”。
    currency: str | None = leaf(length=3, fixed="142")
    # 填写海关标准的参数代码，参照《JGS-20 海关业务代码集》-国家（地区）代码表。
    country: str | None = leaf(length=3)
    # 促销活动，商品单价偏离市场价格的，可以在此说明。
    note: str | None = leaf(req=False, max_length=1000)


@record("Order")
@dataclass(slots=True)
class Order:
    """Order"""

    order_head: OrderHead | None = child(OrderHead, "OrderHead")
    order_list: list[OrderList] = children(OrderList, "OrderList", min_occurs=1, max_occurs=99)


@message("CEB311Message", "import")
@dataclass(slots=True)
class CEB311Message:
    """电子订单数据报文（ 电商企业或电商平台或受委托的快件运营人、邮政企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    order: list[Order] = children(Order, "Order", min_occurs=1, max_occurs=100)
    base_transfer: BaseTransfer | None = child(BaseTransfer, "BaseTransfer")
    base_subscribe: list[BaseSubscribe] = children(
        BaseSubscribe, "BaseSubscribe", min_occurs=0, max_occurs=5
    )
    extend_message: ExtendMessage | None = child(ExtendMessage, "ExtendMessage", req=False)
    # ds:Signature, kept as XML bytes
    signature: bytes | None = child(None, "Signature", kind=Kind.SIGNATURE, req=False)


@record("OrderReturn")
@dataclass(slots=True)
class OrderReturn:
    """电子订单回执实体"""

    # 电子口岸系统生成36位唯一序号（英文字母大写）
    guid: str | None = leaf(length=36)
    # 电商平台的海关注册登记编号；电商平台未在海关注册登记，由电商企业发送订单的，以中国电子口岸发布的电商平台标识编号为准。
    ebpCode: str | None = leaf(min_length=1, max_length=18)
    # 电商企业的海关注册登记编号。
    ebcCode: str | None = leaf(min_length=1, max_length=18)
    # 交易平台的订单编号，同一交易平台的订单编号应唯一。订单编号长度不能超过60位。
    orderNo: str | None = leaf(min_length=1, max_length=60)
    # 操作结果（2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/399海关审结）,若小于0数字表示处理异常回执
    returnStatus: str | None = leaf(min_length=1, max_length=10)
    # 操作时间(格式:YYYYMMDDhhmmssSSS)
    returnTime: str | None = leaf(length=17)
    # 备注（如:退单原因）
    returnInfo: str | None = leaf(min_length=1, max_length=1000)


@message("CEB312Message", "import")
@dataclass(slots=True)
class CEB312Message:
    """电子订单回执报文（电商企业或电商平台或受委托的快件运营人、邮政企业）"""

    # 报文的36位系统唯一序号 (root attribute)
    guid: str | None = leaf(length=36, attribute=True)
    # 报文版本号, "1.0" (root attribute)
    version: str | None = leaf(min_length=1, max_length=10, attribute=True)
    order_return: list[OrderReturn] = children(
        OrderReturn, "OrderReturn", min_occurs=1, max_occurs=100
    )
