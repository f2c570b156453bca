"""Everything the answer engine says, in one place, so organizers can reword it.

Templates use str.format fields; facts always come from the store.
"""

from __future__ import annotations

GREETING = (
    "你好！我是{campaign}问答助手。可以问我时间、主题、主办单位、活动安排、场馆、投稿和联系方式。"
)
HELP = (
    "我可以回答{campaign}的问题，例如：\n"
    "· 科普日什么时候开始？还有几天？\n"
    "· 今年的主题是什么？有哪些主办单位？\n"
    "· 有哪些重点活动？9月20日渝中区有什么活动？\n"
    "· 怎么参加{hashtag}话题？\n"
    "· 活动总结什么时候报送？找谁咨询？"
)
OVERVIEW = (
    "{campaign}：主题是“{theme}”，重点活动集中在{start}至{end}开展（共{days}天），"
    "由{first_org}等{org_count}家单位主办。"
)

DATES_RANGE = "{short}重点活动集中在{start}至{end}开展，共{days}天。"
DATES_START = "{short}从{start}开始，重点活动集中在{start_md}至{end_md}，共{days}天。"
ASKS_WEEKDAY = ("星期几", "周几", "礼拜几", "星期多少")
DAY_WEEKDAY = "{day}是{weekday}。"
DATES_WEEKDAYS = "{start_md}是{start_weekday}，{end_md}是{end_weekday}。"
DATES_END = "{short}重点活动到{end}结束（{start_md}至{end_md}，共{days}天）。"
DATES_IN_RANGE = "是的，{day}在{short}重点活动期间（{start_md}至{end_md}）。"
DATES_OUT_OF_RANGE = "{day}不在{short}重点活动期间；重点活动集中在{start_md}至{end_md}。"

COUNT_BEFORE = "距离{short}开始还有{n}天（{start}开始，{end}结束）。"
COUNT_BEFORE_END = "距离{short}重点活动结束还有{n}天（{end}结束；{start}开始，还有{to_start}天）。"
COUNT_DURING = "{short}正在进行中：今天是第{k}天，距离{end}结束还有{n}天。"
COUNT_LAST_DAY = "今天（{end}）是{short}重点活动的最后一天。"
COUNT_AFTER = "{short}重点活动已经结束：{start_md}至{end_md}，共{days}天，{end}结束。"
DEADLINE_BEFORE = "距离{what}报送截止（{deadline}）还有{n}天。"
DEADLINE_TODAY = "今天就是{what}的报送截止日（{deadline}）。"
DEADLINE_PASSED = "{what}的报送截止时间（{deadline}）已过。"
COUNT_TOTAL = "{short}重点活动共{days}天：{start}至{end}。"
NOT_STARTED = "还没有开始。" + COUNT_BEFORE
STARTED = "已经开始了。"

THEME = "{year}年{short}的主题是：{theme}。"

ORG_YES = "是的，{name}（{full}）是{campaign}的{count}家主办单位之一。"
ORG_NO = "不是。通知列出的{count}家主办单位中没有“{name}”。主办单位是：{names}。"
ORG_LIST = "{campaign}共有{count}家主办单位：{names}。"
ORG_FULL_LIST = "{campaign}共有{count}家主办单位（全称）：{names}。"

ACTIVITY = "{name}：{description}"
ACTIVITY_FEATURED = "{name}是{campaign}“{parent}”中的一项。"
ACTIVITY_NO_DETAIL = "通知没有更多介绍，具体安排暂未公布，可咨询{contact}。"
ACTIVITY_NOT_ANNOUNCED = (
    "通知暂未公布{name}的具体{what}。重点活动集中在{start_md}至{end_md}开展；"
    "如需了解，请咨询{contact}。"
)
ACTIVITY_EVENTS = "已发布的相关活动："
ACTIVITY_KNOWN = "通知中的介绍：{description}"
ACTIVITY_LIST = "{title}（共{count}项）：\n{lines}"
ACTIVITY_KEY_TITLE = "重点活动"
ACTIVITY_FEATURED_TITLE = "系列特色活动"
ACTIVITY_JOINT_TITLE = "系列联合行动"
ACTIVITY_DISTRICT_TITLE = "区县主场活动"
ACTIVITY_AUDIENCE = "面向{audience}的活动：\n{lines}"
ACTIVITY_OVERVIEW_TAIL = (
    "想查具体哪天、哪里有活动，可以问“9月20日有什么活动”或“渝中区有什么活动”。"
)

EVENTS_FOUND = "{scope}共有{count}场活动：\n{lines}"
EVENTS_MORE = "……另有{more}场，可以加上日期或区县缩小范围。"
EVENTS_NONE = "没有找到{scope}的活动。"
EVENTS_NONE_PUBLISHED = (
    "主办方还没有发布具体的活动安排。{short}重点活动集中在{start_md}至{end_md}开展。"
)
EVENTS_NEAR_DAYS = "有活动的日期：{days}。"
EVENTS_NEAR_DISTRICTS = "附近区县：{districts}。"
EVENTS_CITYWIDE = "全市或线上活动{count}场，可以问“全市有什么活动”。"
EVENTS_ONGOING = "同期展览：{exhibitions}。"
EVENTS_FROM_TODAY = "{day}起"
EVENTS_ABOUT = "与“{words}”相关"
EVENTS_FOR_EVERYONE = "面向所有人的活动也可以参加："
EVERYONE = "公众"
"""The lexicon's audience of events open to anyone."""
EVENTS_OUTSIDE = "{short}重点活动集中在{start_md}至{end_md}。"
EVENT_DETAIL = "{title}\n时间：{when}\n地点：{place}"
EVENT_FIELD = "{label}：{value}"
EVENT_NOT_LISTED = "已发布的活动里没有“{name}”，可能还没有发布，或者名称不同。"
EVENT_NEAREST = "名称相近的活动：{titles}。"
EVENT_NOT_LISTED_ASK = "具体安排可咨询{contact}。"
EVENT_RULE = "主办方说明：{answer}"
EVENT_NO_PRACTICAL = "{what}信息暂未公布，可咨询{contact}。"

VENUE_LIST = "已登记的场馆（{count}个）：\n{lines}"

CREATORS = (
    "参加{hashtag}：在{platforms}等平台发布科普内容和相关活动时，添加“{hashtag}”话题标签。"
    "\n{description}"
)
CREATORS_PLATFORM_YES = "可以。{platform}是通知列出的{hashtag}话题平台之一（{platforms}），发布时请添加“{hashtag}”话题标签。"
CREATORS_PLATFORM_NO = "通知列出的{hashtag}话题平台是{platforms}；{platform}不在其中。"

REPORT_DEADLINE = "{what}的报送截止时间：{deadline}。"
REPORT_EMAIL = "{what}请报送至电子邮箱 {email}。"
REPORT_FORMATS = "{what}需提交{formats}。"
REPORT_UNIT_YES = "需要。{unit}在报送单位之列，要报送{what}。"
REPORT_WHO = "需要报送的单位：{who}。"
REPORT_FULL = "{what}：{deadline}，以{formats}报送至 {email}。报送单位：{who}。"

CONTACT = "{name}（{role}）：{phones}"
CONTACTS_ALL = "联系方式：\n{lines}"

DOCUMENT_NUMBER = "通知文号：{number}（《{title}》，{date}印发）。"
DOCUMENT_BASIS = "本通知根据《{title}》（{number}）的要求制定。"
DOCUMENT_DATE = "《{title}》（{number}）于{date}印发。"
DOCUMENT_RECIPIENTS = "主送：{recipients}"
DOCUMENT_SIGNERS = "《{title}》（{number}）由{count}家单位联合印发：{names}。"
DOCUMENT_ISSUER = "由{issuer}印发"
DOCUMENT_ISSUED = "{date}印发"
DOCUMENT_REFERENCES = "通知提到的实施方案：{titles}。"

GUIDING = "指导思想：{text}"
GOAL = "目标：{goal}"

PLATFORM = "{name}：{url}。{description}"
PLATFORM_CONTACT = "平台咨询：{contact}。"

WORK_REQUIREMENTS = "工作要求：\n{lines}"
CONTENT_AREAS = "活动内容有{count}个方面：\n{lines}"

SPECIFICS = "具体名单和安排"
PARTICULAR_UNSAID = "通知未说明{what}，以上是通知里相关的内容。如需了解，请咨询{contact}。"
OTHER_YEAR = "通知只公布了{year}年的安排，{asked}年的尚未公布。"
NOT_ANNOUNCED_WORDS = ("未公布", "没有说明", "暂未", "尚未")
PRACTICAL_UNKNOWN = "通知没有说明{what}。如需了解，请咨询{contact}。"

FALLBACK = (
    "抱歉，我这里没有这方面的信息。我只了解{campaign}：时间、主题、主办单位、活动、场馆、投稿和联系方式。"
    "其他问题可咨询{contact}。"
)
FALLBACK_SUGGEST = "你是不是想问："

WHAT_PLACE = "地点"
WHAT_TIME = "时间"
WHAT_PLACE_TIME = "时间和地点"
ALL_DAY = "全天"
NOW_WORDS = ("现在", "目前", "还能", "还可以", "来得及", "还来得及", "截止了", "过了", "晚了")
"""Words that ask how things stand as of the clock."""
CITYWIDE_WORDS = ("全市", "线上", "网上", "线上直播", "在家", "家里")
SUGGEST_ACTIVITY = "{name}是什么？"
SUGGEST_FAQ = "{question}"
SUGGEST_EVENT = "{title}在哪里？"
SUGGEST_DEFAULTS = ("科普日什么时候开始？", "有哪些重点活动？", "找谁咨询？")

# Related questions offered as buttons under an answer: for each intent, the intents people
# tend to ask about next, and one question (filled from the store's facts) that asks each.
RELATED_QUESTIONS = {
    "dates": "{short}什么时候开始？",
    "countdown": "离{short}开始还有几天？",
    "theme": "今年{short}的主题是什么？",
    "organizers": "{short}有哪些主办单位？",
    "activities": "有哪些重点活动？",
    "events": "{start_md}有什么活动？",
    "venues": "有哪些场馆？",
    "contacts": "找谁咨询？",
    "creators": "怎么参加{hashtag}话题？",
    "reporting": "活动总结什么时候报送？",
    "documents": "通知的文号是什么？",
    "content_areas": "活动内容有哪些方面？",
    "work_requirements": "有哪些工作要求？",
}
RELATED = {
    "dates": ("countdown", "activities", "events"),
    "countdown": ("dates", "activities", "events"),
    "overview": ("dates", "activities", "organizers"),
    "theme": ("dates", "activities", "organizers"),
    "organizers": ("theme", "activities", "contacts"),
    "activities": ("events", "dates", "creators"),
    "events": ("venues", "activities", "contacts"),
    "event_detail": ("events", "venues", "contacts"),
    "venues": ("events", "activities", "contacts"),
    "creators": ("activities", "dates", "contacts"),
    "reporting": ("contacts", "documents", "work_requirements"),
    "documents": ("organizers", "reporting", "contacts"),
    "content_areas": ("activities", "theme", "work_requirements"),
    "work_requirements": ("reporting", "content_areas", "contacts"),
    "guiding": ("theme", "content_areas", "activities"),
    "platform": ("creators", "activities", "contacts"),
    "contacts": ("reporting", "activities", "dates"),
    "faq": ("activities", "events", "contacts"),
    "practical": ("events", "venues", "contacts"),
}
LIST_SEP = "、"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

ORGANIZER_CARD = "{name}的全称是{full_name}，是本次活动的{count}家主办单位之一。"
ASK_BACK = "我不太确定你想问的是哪一项。你可以换个说法，或直接问下面的某个问题：\n{lines}"
ASK_BACK_ONE = "你可能想问“{title}”\n{text}"
DAILY_HOURS = "每日开放时间"
ORG_NATIONAL = (
    "{lead}是全国科普日的发起单位：全国的活动由{issuer}发起（{number}）。"
    "{campaign}由{first}等{count}家单位主办，{lead}不在其中。"
)
FULL_NAME_WORDS = ("全称", "全名", "全写", "完整名称", "简称", "缩写")
