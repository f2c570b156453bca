"""Replies about the notice itself: dates, organizers, creators, reporting, contacts, documents."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from content import wording as W
from content.models import (
    Document,
    Faq,
    Organizer,
    ReportingRequirement,
)
from content.reply_base import (
    Reply,
    ReplyBase,
    first_sentence,
    md,
    ymd,
)
from content.text import longest_shared, normalize
from content.understanding import Parsed


class NoticeReplies(ReplyBase):
    """Replies about the notice itself: dates, organizers, creators, reporting, contacts, documents."""

    # -- dates -----------------------------------------------------------------------------
    def on_dates(self, p: Parsed) -> Reply:
        f = self.facts()
        t = p.text
        if p.dates is not None and p.dates.start == p.dates.end:
            day = p.dates.start
            inside = self.c.start <= day <= self.c.end
            template = W.DATES_IN_RANGE if inside else W.DATES_OUT_OF_RANGE
            text = template.format(**f, day=md(day))
            if any(w in t for w in W.ASKS_WEEKDAY):  # 9月15日是星期几
                text = W.DAY_WEEKDAY.format(day=md(day), weekday=W.WEEKDAYS[day.weekday()]) + text
            return self.reply(text, "dates", self.c.id)
        asks_end = any(w in t for w in ("结束", "闭幕", "到哪天", "到几号", "截止到", "哪天完"))
        asks_start = any(w in t for w in ("开始", "开幕", "启动", "从哪天", "从几号", "哪天起"))
        if asks_end and not asks_start:
            text = W.DATES_END.format(**f)
        elif asks_start and not asks_end:
            text = W.DATES_START.format(**f)
        else:
            text = W.DATES_RANGE.format(**f)
        if any(w in t for w in W.ASKS_WEEKDAY):  # 星期几开始: the days of the week too
            text += "\n" + W.DATES_WEEKDAYS.format(
                **f,
                start_weekday=W.WEEKDAYS[self.c.start.weekday()],
                end_weekday=W.WEEKDAYS[self.c.end.weekday()],
            )
        if self.c.period_note:
            text += "\n" + self.c.period_note
        return self.reply(text, "dates", self.c.id)

    def on_countdown(self, p: Parsed) -> Reply:
        f = self.facts()
        t = p.text
        today = self.now.date()
        start, end = self.c.start, self.c.end
        asks_total = any(w in t for w in ("一共", "总共", "共几天", "共多少天", "持续", "多长"))
        asks_end = any(w in t for w in ("结束", "闭幕", "还剩"))
        if asks_total and "还" not in t:
            return self.reply(W.COUNT_TOTAL.format(**f), "countdown", self.c.id)
        deadline = self._asked_deadline(p)
        if deadline is not None:
            return self.deadline_countdown(deadline, today)
        if today > end:
            return self.reply(W.COUNT_AFTER.format(**f), "countdown", self.c.id)
        if today < start:
            to_start = (start - today).days
            if asks_end and not any(w in t for w in ("开始", "开幕")):
                text = W.COUNT_BEFORE_END.format(**f, n=(end - today).days, to_start=to_start)
            elif "吗" in t or "没" in t:
                text = W.NOT_STARTED.format(**f, n=to_start)
            else:
                text = W.COUNT_BEFORE.format(**f, n=to_start)
            return self.reply(text, "countdown", self.c.id)
        if today == end:
            return self.reply(W.COUNT_LAST_DAY.format(**f), "countdown", self.c.id)
        text = W.COUNT_DURING.format(**f, k=(today - start).days + 1, n=(end - today).days)
        if "开始了" in t or "开始没" in t:
            text = W.STARTED + text
        return self.reply(text, "countdown", self.c.id)

    def _asked_deadline(self, p: Parsed) -> ReportingRequirement | None:
        if not any(
            w in p.text for w in ("总结", "报送", "材料", "截止", "上报", "提交", "交材料")
        ):
            return None
        return next((r for r in self.k.requirements if r.deadline), None)

    def deadline_countdown(self, r: ReportingRequirement, today: date) -> Reply:
        assert r.deadline is not None
        note = r.deadline_note or ymd(r.deadline)
        days = (r.deadline - today).days
        if days > 0:
            text = W.DEADLINE_BEFORE.format(what=r.what, deadline=note, n=days)
        elif days == 0:
            text = W.DEADLINE_TODAY.format(what=r.what, deadline=note)
        else:
            text = W.DEADLINE_PASSED.format(what=r.what, deadline=note)
        text += "\n" + W.REPORT_EMAIL.format(what=r.what, email=r.email)
        return self.reply(text, "countdown", r.id)

    def on_theme(self, p: Parsed) -> Reply:
        return self.reply(W.THEME.format(**self.facts()), "theme", self.c.id)

    # -- organizers ------------------------------------------------------------------------
    def on_organizers(self, p: Parsed) -> Reply:
        orgs = self.k.organizers
        count = len(orgs)
        ids = [o.id for o in orgs]
        mentioned = [
            o
            for o in (self.k.get(Organizer, i) for i in p.mentions.get("organizer", []))
            if isinstance(o, Organizer)
        ]
        national = self._national_lead()
        if national and national in p.text:  # 中国科协: the national campaign's, not ours
            basis = next(d for d in self.k.documents if d.role == "basis")
            text = W.ORG_NATIONAL.format(
                lead=national,
                issuer=basis.issuer,
                number=basis.number,
                campaign=self.c.name,
                count=count,
                first=orgs[0].name if orgs else "",
            )
            return self.reply(text, "organizers", basis.id, *ids)
        masked = p.text
        for alias, kind, _ident in self.k.aliases:
            if kind == "organizer":
                masked = masked.replace(alias, " ")
        outsider = _asked_organizer(masked)
        asks_whether = p.asks_yesno or "参与" in p.text or "名单" in p.text
        if (mentioned and (asks_whether or len(p.words) <= 3)) or (outsider and asks_whether):
            names = W.LIST_SEP.join(o.name for o in orgs)
            lines = [
                W.ORG_YES.format(name=o.name, full=o.full_name, count=count, campaign=self.c.name)
                for o in mentioned
            ]
            if outsider:
                lines.append(W.ORG_NO.format(name=outsider, count=count, names=names))
            sources = [o.id for o in mentioned] if not outsider else ids
            return self.reply("\n".join(lines), "organizers", *sources)
        if "全称" in p.text:
            names = W.LIST_SEP.join(o.full_name for o in orgs)
            return self.reply(
                W.ORG_FULL_LIST.format(campaign=self.c.name, count=count, names=names),
                "organizers",
                *ids,
            )
        names = W.LIST_SEP.join(o.name for o in orgs)
        return self.reply(
            W.ORG_LIST.format(campaign=self.c.name, count=count, names=names), "organizers", *ids
        )

    # -- creators --------------------------------------------------------------------------
    def on_creators(self, p: Parsed) -> Reply:
        f = self.facts()
        platforms = W.LIST_SEP.join(self.c.creator_platforms)
        activity = next(
            (
                a
                for a in self.k.activities
                if self.c.hashtag and normalize(self.c.hashtag.strip("#")) in normalize(a.name)
            ),
            None,
        )
        source = activity.id if activity else self.c.id
        named = [pl for pl in self.c.creator_platforms if normalize(pl) in p.text]
        others = list(dict.fromkeys(n for n in self.video_platforms if n in p.text))
        if named or others:  # every platform asked about: listed or not
            lines = [
                W.CREATORS_PLATFORM_YES.format(platform=name, platforms=platforms, **f)
                for name in named
            ]
            lines += [
                W.CREATORS_PLATFORM_NO.format(platform=name, platforms=platforms, **f)
                for name in others
            ]
            return self.reply("\n".join(lines), "creators", source)
        description = activity.description if activity else ""
        text = W.CREATORS.format(**f, platforms=platforms, description=description)
        return self.reply(text, "creators", source)

    # -- reporting -------------------------------------------------------------------------
    def on_reporting(self, p: Parsed) -> Reply:
        t = p.text
        kind = (
            "commendation"
            if any(w in t for w in ("表扬", "评优", "优秀", "推荐", "牵头", "总结工作"))
            else "logos"
            if any(w in t for w in ("标识", "logo", "标志"))
            else "publish"
            if any(w in t for w in ("发布", "活动信息", "上传")) and "总结" not in t
            else "summary"
        )
        req = next((r for r in self.k.requirements if r.kind == kind), None)
        if req is None:
            return self.on_retrieval(p)
        if kind != "summary":
            text = req.description
            if req.contact:
                text += "\n咨询：" + self.contact_text(req.contact)
            return self.reply(text, "reporting", req.id)
        text = self.summary_text(req, p)
        if req.deadline and _asks_about_now(p):  # 还能交吗 / 是不是明天就截止: as of the clock
            text = self.deadline_countdown(req, self.now.date()).text.split("\n")[0] + "\n" + text
        return self.reply(text, "reporting", req.id)

    def summary_text(self, r: ReportingRequirement, p: Parsed) -> str:
        t = p.text
        deadline = r.deadline_note or (ymd(r.deadline) if r.deadline else "暂未公布")
        formats = "和".join(r.formats) or "—"
        who = W.LIST_SEP.join(r.who)
        first = None
        if any(w in t for w in ("邮箱", "邮件", "email", "发到", "发给", "交给", "报给", "发哪")):
            first = W.REPORT_EMAIL.format(what=r.what, email=r.email)
        elif any(w in t for w in ("格式", "pdf", "word", "版本", "文件类型")):
            first = W.REPORT_FORMATS.format(what=r.what, formats=formats)
        elif any(
            w in t
            for w in (
                "截止",
                "截至",
                "期限",
                "最晚",
                "什么时候",
                "哪天",
                "几号",
                "时间",
                "日期",
                "deadline",
            )
        ):
            first = W.REPORT_DEADLINE.format(what=r.what, deadline=deadline)
        elif any(w in t for w in ("谁", "哪些单位", "哪些", "单位")):
            first = W.REPORT_WHO.format(who=who)
        if p.asks_yesno:  # 我们是市级科普基地，也要交吗: the asker's unit among those who report
            unit = next((u for u in r.who if normalize(u) in t), None)
            if unit is not None:
                first = W.REPORT_UNIT_YES.format(unit=unit, what=r.what)
        full = W.REPORT_FULL.format(
            what=r.what, deadline=deadline, formats=formats, email=r.email, who=who
        )
        return f"{first}\n{full}" if first else full

    # -- contacts --------------------------------------------------------------------------
    def on_contacts(self, p: Parsed) -> Reply:
        contacts = self.k.contacts
        named = p.mentions.get("contact", []) + p.mentions.get("contact_phone", [])
        chosen = [c for c in (self.k.contact(i) for i in dict.fromkeys(named)) if c]
        if not chosen:
            chosen = [
                c
                for c in contacts
                if normalize(c.role) in p.text or normalize(c.organization) in p.text
            ]
        if not chosen:  # part of a unit's name (普及部): the one contact whose unit it is
            asked = p.text
            for name in (self.c.short_name, *self.c.aliases):  # the campaign names no unit
                asked = asked.replace(normalize(name), " ")
            shared = [
                (longest_shared(asked, normalize(c.role + c.organization)), c) for c in contacts
            ]
            best = max((n for n, _ in shared), default=0)
            units = [c for n, c in shared if n == best]
            if best >= UNIT_NAME_CHARS and len(units) == 1:
                chosen = units
        if not chosen:
            scored = [(sum(1 for tp in c.topics if normalize(tp) in p.text), c) for c in contacts]
            best = max((s for s, _ in scored), default=0)
            chosen = [c for s, c in scored if s == best and best > 0]
        if not chosen and "总结" in p.text:
            chosen = [c for c in [self.k.contact(self.c.default_contact)] if c]
        lines = [
            W.CONTACT.format(name=c.name, role=c.role, phones=W.LIST_SEP.join(c.phones))
            for c in (chosen or contacts)
        ]
        text = lines[0] if len(lines) == 1 else W.CONTACTS_ALL.format(lines="\n".join(lines))
        return self.reply(text, "contacts", *(c.id for c in (chosen or contacts)))

    # -- documents, guiding thought, platform, requirements, content areas ----------------
    def on_documents(self, p: Parsed) -> Reply:
        t = p.text
        docs = self.k.documents
        notice = next((d for d in docs if d.role == "notice"), None)
        basis = next((d for d in docs if d.role == "basis"), None)
        refs = [d for d in docs if d.role == "reference"]
        named = [
            d
            for d in (self.k.get(Document, i) for i in p.mentions.get("document", []))
            if isinstance(d, Document)
        ]
        if named and named[0] is not notice:
            return self.reply(self.document_text(named[0]), "documents", named[0].id)
        if any(w in t for w in ("主送", "发给哪些", "发给谁", "收到", "下发", "发到")):
            return self.reply(
                W.DOCUMENT_RECIPIENTS.format(recipients=self.c.recipients),
                "documents",
                notice.id if notice else self.c.id,
            )
        if basis and any(w in t for w in ("依据", "根据", "全国的通知", "中国科协", "上级")):
            return self.reply(
                W.DOCUMENT_BASIS.format(title=basis.title, number=basis.number),
                "documents",
                basis.id,
            )
        if notice and any(
            w in t for w in ("谁发", "哪些单位", "哪几个单位", "几家单位", "联合发")
        ):
            names = W.LIST_SEP.join(o.full_name for o in self.k.organizers)
            text = W.DOCUMENT_SIGNERS.format(
                title=notice.title, number=notice.number, count=len(self.k.organizers), names=names
            )
            return self.reply(text, "documents", notice.id, *(o.id for o in self.k.organizers))
        if refs and "方案" in t:
            titles = W.LIST_SEP.join(f"《{d.title}》" for d in refs)
            return self.reply(
                W.DOCUMENT_REFERENCES.format(titles=titles), "documents", *(d.id for d in refs)
            )
        if notice is None:
            return self.on_retrieval(p)
        issued = ymd(notice.issued_on) if notice.issued_on else "暂未公布"
        if p.asks_time or any(w in t for w in ("印发", "发布日期", "发的")):
            text = W.DOCUMENT_DATE.format(title=notice.title, number=notice.number, date=issued)
        else:
            text = W.DOCUMENT_NUMBER.format(number=notice.number, title=notice.title, date=issued)
        return self.reply(text, "documents", notice.id)

    def document_text(self, d: Document) -> str:
        parts = [f"《{d.title}》" + (f"（{d.number}）" if d.number else "")]
        if d.issuer:
            parts.append(W.DOCUMENT_ISSUER.format(issuer=d.issuer))
        if d.issued_on:
            parts.append(W.DOCUMENT_ISSUED.format(date=ymd(d.issued_on)))
        text = "，".join(parts) + "。"
        return text + (d.description if d.description else "")

    def on_guiding(self, p: Parsed) -> Reply:
        if any(w in p.text for w in ("目标", "目的")) and self.c.goal:
            text = (
                W.GOAL.format(goal=self.c.goal)
                + "\n"
                + W.GUIDING.format(text=self.c.guiding_thought)
            )
        else:
            text = W.GUIDING.format(text=self.c.guiding_thought)
        return self.reply(text, "guiding", self.c.id)

    def on_platform(self, p: Parsed) -> Reply:
        if not self.k.platforms:
            return self.on_retrieval(p)
        platform = self.k.platforms[0]
        text = W.PLATFORM.format(
            name=platform.name, url=platform.url, description=platform.description
        )
        if platform.contact:
            text += "\n" + W.PLATFORM_CONTACT.format(contact=self.contact_text(platform.contact))
        return self.reply(text, "platform", platform.id)

    def on_work_requirements(self, p: Parsed) -> Reply:
        items = [f for f in self.k.faqs if f.source == "notice"]
        best = [h for h in p.doc_hits if h.kind == "faq" and h.coverage >= 0.5]
        if best and "工作要求" not in p.text:
            faq = self.k.get(Faq, best[0].id)
            if isinstance(faq, Faq):
                return self.reply(f"{faq.question}：{faq.answer}", "work_requirements", faq.id)
        lines = "\n".join(f"{i}. {f.question}：{f.answer}" for i, f in enumerate(items, 1))
        return self.reply(
            W.WORK_REQUIREMENTS.format(lines=lines), "work_requirements", *(f.id for f in items)
        )

    def on_content_areas(self, p: Parsed) -> Reply:
        asked = [a for a in self.k.areas if a.id in p.mentions.get("area", [])]
        if asked:
            text = "\n".join(f"{a.title}：{a.description}" for a in asked)
            return self.reply(text, "content_areas", *(a.id for a in asked))
        areas = self.k.areas
        lines = "\n".join(
            f"{i}. {a.title}：{first_sentence(a.description)}" for i, a in enumerate(areas, 1)
        )
        return self.reply(
            W.CONTENT_AREAS.format(count=len(areas), lines=lines),
            "content_areas",
            *(a.id for a in areas),
        )

    def on_practical(self, p: Parsed) -> Reply:
        if p.strong_event or self.named_venue(p):  # the event's or venue's own text first
            return self.on_event_detail(p)
        local = self._district_event(p) or self._only_event_with(p)
        if local is not None:  # 黔江AI营报名截止到好久: the district's one event of that kind
            return self.on_event_detail(replace(p, strong_event=local))
        faq = self.best_faq(p)
        if faq is not None:
            return self.reply(faq.answer, "faq", faq.id)
        what = W.LIST_SEP.join(p.asks_practical) + "等信息"
        return self.reply(
            W.PRACTICAL_UNKNOWN.format(what=what, contact=self.contact_text()),
            "practical",
            self.c.id,
        )

    def _national_lead(self) -> str | None:
        """The body that leads the national campaign (中国科协 of 中国科协等21部门)."""
        basis = next((d for d in self.k.documents if d.role == "basis"), None)
        if basis is None or not basis.issuer:
            return None
        lead = basis.issuer.split("等")[0].strip()
        return normalize(lead) if lead else None

    def _only_event_with(self, p: Parsed) -> str | None:
        """The one event among the hits whose texts have every topic word (观鸟活动有多少个名额)."""
        words = p.event_topic
        if not words:
            return None
        having = [
            h.id
            for h in p.event_hits[:5]
            if all(w in self.k.event_text.get(h.id, "") for w in words)
        ]
        return having[0] if len(having) == 1 else None

    def _district_event(self, p: Parsed) -> str | None:
        """The one event of a named district that the question's words point to."""
        districts = p.mentions.get("district", [])
        if len(districts) != 1:
            return None
        local = {e.id for e in self.k.events_by_district.get(districts[0], [])}
        hits = [h for h in p.event_hits if h.id in local]
        if len(local) == 1:
            return next(iter(local))
        if hits and (len(hits) == 1 or hits[0].score >= 2 * hits[1].score):
            return hits[0].id
        return None


_ORG_LIKE = re.compile(
    r"(?:重庆)?(?:市委|市|区|县)?[\u4e00-\u9fff]{1,8}?"
    r"(?:委员会|办公室|联合会|协会|学会|总会|工会|集团|公司|大学|中心|日报|报社|电视台|"
    r"局|委|办|厅|部|院|所|联|台|社)"
)


UNIT_NAME_CHARS = 3
"""A run this long of a unit's name in a question names the unit."""


def _asks_about_now(p: Parsed) -> bool:
    """The question asks how things stand as of the clock (现在还能…吗, 明天就截止了吗)."""
    relative = p.dates is not None and p.dates.relative
    return relative or (p.asks_yesno and any(w in p.text for w in W.NOW_WORDS))


def _asked_organizer(text: str) -> str | None:
    """An organisation-like name in the question (市体育局, 市民政局 …), if any."""
    match = _ORG_LIKE.search(text.replace("主办单位", " ").replace("主办", " "))
    return match.group().strip() if match else None
