"""/grant, /revoke and /stats for organizers."""

from __future__ import annotations

from bot.services import Services
from tests.conftest import Send
from tests.helpers.updates import USER_ID


async def test_grant_and_revoke_by_id_and_by_reply(send: Send, services: Services) -> None:
    [reply] = await send("/grant 777")
    assert "只对活动组织者开放" in reply.params["text"]
    services.people.grant(USER_ID, by=1)
    [reply] = await send("/grant 777")
    assert "777" in reply.params["text"] and services.people.is_organizer(777)
    replied = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": USER_ID, "type": "private"},
        "from": {"id": 888, "is_bot": False, "first_name": "志愿者"},
        "text": "我也想帮忙",
    }
    await send("/grant", reply_to=replied)
    assert services.people.is_organizer(888)
    [reply] = await send("/revoke 777")
    assert "已取消" in reply.params["text"] and not services.people.is_organizer(777)
    [reply] = await send("/revoke")
    assert "用法" in reply.params["text"]


async def test_stats_for_organizers(send: Send, services: Services) -> None:
    services.people.grant(USER_ID, by=1)
    await send("/subscribe")
    await send("科普日什么时候开始")
    await send("今天食堂吃什么")
    replies = await send("/stats")
    text = "".join(r.params["text"] for r in replies)
    assert "订阅者 1 人" in text and "共 2 个问题" in text and "未能回答 1 次" in text
    assert "作品提交" in text
