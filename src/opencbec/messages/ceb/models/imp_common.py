"""Shared import elements (BaseTransfer, BaseSubscribe, ExtendMessage): CEB models generated from the official 2022-05 XSD; do not edit."""

from __future__ import annotations

from dataclasses import dataclass

from opencbec.messages.ceb.spec import Kind, child, leaf, record


@record("BaseTransfer")
@dataclass(slots=True)
class BaseTransfer:
    """基础报文传输实体（需要与实际客户端传输企业一致）"""

    # 报文传输的企业代码（需要与接入客户端的企业身份一致）
    copCode: str | None = leaf(min_length=1, max_length=18)
    # 报文传输的企业名称
    copName: str | None = leaf(max_length=100)
    # 默认为DXP；指中国电子口岸数据交换平台
    dxpMode: str | None = leaf(length=3)
    # 向中国电子口岸数据中心申请数据交换平台的用户编号
    dxpId: str | None = leaf(max_length=30)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("BaseSubscribe")
@dataclass(slots=True)
class BaseSubscribe:
    """基础回执订阅实体（用于第三方提供数据的订阅下发）"""

    # 用户订阅单证业务状态的信息, ALL-订阅数据和回执, DATA-只订阅数据,RET- 只订阅回执
    status: str | None = leaf(max_length=100)
    # 默认为DXP；指中国电子口岸数据交换平台
    dxpMode: str | None = leaf(length=3)
    # 向中国电子口岸数据中心申请数据交换平台的用户编号
    dxpAddress: str | None = leaf(max_length=100)
    # 备注
    note: str | None = leaf(req=False, max_length=1000)


@record("ExtendMessage")
@dataclass(slots=True)
class ExtendMessage:
    """扩展自定义数据实体"""

    # 自定义报文名称
    name: str | None = leaf(max_length=30)
    # 自定义报文版本
    version: str | None = leaf(max_length=30)
    # any XML, kept as bytes
    message: bytes | None = child(None, "Message", kind=Kind.ANY)
