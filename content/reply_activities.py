"""Replies about the notice's activities: key, featured, joint and district ones."""

from __future__ import annotations

from content import wording as W
from content.models import (
    Activity,
    Event,
)
from content.reply_base import (
    MAX_LISTED_EVENTS,
    RETRIEVAL_MIN_COVERAGE,
    Reply,
    ReplyBase,
    first_sentence,
)
from content.text import normalize
from content.understanding import Parsed


class ActivityReplies(ReplyBase):
    """Replies about the notice's activities: key, featured, joint and district ones."""

    # -- activities ------------------------------------------------------------------------
    def _activity(self, ident: str) -> Activity:
        found = self.k.get(Activity, ident)
        assert isinstance(found, Activity)
        return found

    def related_events(self, activity: Activity) -> list[Event]:
        """Events named after the activity or filed under it."""
        return self.k.related_events.get(activity.id, [])

    def on_activities(self, p: Parsed) -> Reply:
        t = p.text
        mentioned = [self._activity(i) for i in p.mentions.get("activity", [])]
        group = self.lexicon.activity_group(t)
        lists_group = group is not None and any(w in t for w in self.lexicon.asks_list)
        if group and mentioned and lists_group and all(a.kind == "key" for a in mentioned):
            return self.activity_group(group)  # 系列特色活动一共几项
        if len(mentioned) > 1 and not (p.asks_place or p.asks_time):
            return self.activities_brief(mentioned)
        if mentioned and not (
            group
            and len(mentioned) == 1
            and mentioned[0].kind == "key"
            and _is_group_alias(mentioned[0], t)
        ):
            activity = mentioned[0]
            definition = any(w in t for w in self.lexicon.asks_definition)
            if (p.asks_place or p.asks_time or p.asks_practical) and not definition:
                return self.activity_logistics(activity, p)
            return self.activity_detail(activity)
        if group:
            return self.activity_group(group)
        if p.audiences:
            return self.activities_for_audience(p)
        hit = next((h for h in p.doc_hits[:1] if h.kind == "activity"), None)
        if hit and hit.coverage >= RETRIEVAL_MIN_COVERAGE:
            return self.activity_detail(self._activity(hit.id))
        if p.doc_hits and p.doc_hits[0].coverage >= RETRIEVAL_MIN_COVERAGE:
            return self.on_retrieval(p)  # 416是什么意思: a term of another part of the notice
        return self.activity_overview()

    def activity_detail(self, a: Activity) -> Reply:
        f = self.facts()
        lines = []
        if a.description:
            lines.append(W.ACTIVITY.format(name=a.name, description=a.description))
        if a.parent:
            parent = self.k.get(Activity, a.parent)
            pname = parent.name if isinstance(parent, Activity) else ""
            lines.insert(
                0, W.ACTIVITY_FEATURED.format(name=a.name, parent=pname, campaign=f["campaign"])
            )
        events = self.related_events(a)
        if events:
            lines.append(W.ACTIVITY_EVENTS + "\n" + self.event_lines(events))
        elif not a.description:
            lines.append(W.ACTIVITY_NO_DETAIL.format(contact=self.contact_text()))
        return self.reply(
            "\n".join(lines), "activities", a.id, *(e.id for e in events[:MAX_LISTED_EVENTS])
        )

    def activities_brief(self, activities: list[Activity]) -> Reply:
        """Several activities asked about at once: one line each."""
        lines = []
        for a in activities:
            parent = self.k.get(Activity, a.parent) if a.parent else None
            if isinstance(parent, Activity):
                lines.append(
                    W.ACTIVITY_FEATURED.format(
                        name=a.name, parent=parent.name, campaign=self.c.name
                    )
                )
            elif a.description:
                lines.append(f"{a.name}：{first_sentence(a.description)}。")
            else:
                lines.append(a.name)
        return self.reply("\n".join(lines), "activities", *(a.id for a in activities))

    def activity_logistics(self, a: Activity, p: Parsed) -> Reply:
        events = self.related_events(a)
        if events:
            head = W.ACTIVITY_EVENTS
            return self.reply(
                head + "\n" + self.event_lines(events, detail=True),
                "activities",
                a.id,
                *(e.id for e in events[:MAX_LISTED_EVENTS]),
            )
        what = (
            W.WHAT_PLACE_TIME
            if p.asks_place and p.asks_time
            else W.WHAT_PLACE
            if p.asks_place
            else W.WHAT_TIME
            if p.asks_time
            else W.LIST_SEP.join(p.asks_practical) + "信息"
        )
        text = W.ACTIVITY_NOT_ANNOUNCED.format(
            **self.facts(), name=a.name, what=what, contact=self.contact_text()
        )
        if a.description:
            text += "\n" + W.ACTIVITY_KNOWN.format(description=a.description)
        return self.reply(text, "activities", a.id)

    def activity_group(self, group: str) -> Reply:
        titles = {
            "key": W.ACTIVITY_KEY_TITLE,
            "featured": W.ACTIVITY_FEATURED_TITLE,
            "joint": W.ACTIVITY_JOINT_TITLE,
            "district": W.ACTIVITY_DISTRICT_TITLE,
        }
        items = [a for a in self.k.activities if a.kind == group]
        if group == "district" and items:
            return self.activity_detail(items[0])
        lines = "\n".join(
            f"{i}. {a.name}"
            + (
                f"：{first_sentence(a.description)}"
                if a.description and group != "featured"
                else ""
            )
            for i, a in enumerate(items, 1)
        )
        text = W.ACTIVITY_LIST.format(title=titles[group], count=len(items), lines=lines)
        return self.reply(text, "activities", *(a.id for a in items))

    def activities_for_audience(self, p: Parsed) -> Reply:
        forms = self.forms_of(p.audiences)
        acts = [
            a
            for a in self.k.activities
            if any(f in self.k.activity_audience_text.get(a.id, "") for f in forms)
        ]
        events = self.k.audience_events(tuple(forms))
        parts = []
        if acts:
            lines = "\n".join(f"· {a.name}：{first_sentence(a.description)}" for a in acts)
            parts.append(W.ACTIVITY_AUDIENCE.format(audience="、".join(p.audiences), lines=lines))
        if events:
            parts.append(W.ACTIVITY_EVENTS + "\n" + self.event_lines(events))
        if not parts:
            return self.activity_overview()
        return self.reply(
            "\n".join(parts),
            "activities",
            *(a.id for a in acts),
            *(e.id for e in events[:MAX_LISTED_EVENTS]),
        )

    def activity_overview(self) -> Reply:
        key = [a for a in self.k.activities if a.kind == "key"]
        joint = [a for a in self.k.activities if a.kind == "joint"]
        lines = [
            W.ACTIVITY_LIST.format(
                title=W.ACTIVITY_KEY_TITLE,
                count=len(key),
                lines="\n".join(f"{i}. {a.name}" for i, a in enumerate(key, 1)),
            )
        ]
        if joint:
            lines.append(f"{W.ACTIVITY_JOINT_TITLE}：" + W.LIST_SEP.join(a.name for a in joint))
        if self.k.events:
            lines.append(W.ACTIVITY_OVERVIEW_TAIL)
        return self.reply("\n".join(lines), "activities", *(a.id for a in key + joint))


def _is_group_alias(activity: Activity, text: str) -> bool:
    return normalize(activity.name) not in text
