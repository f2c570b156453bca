"""Video links: finding them in a message, checking them strictly, and their canonical form.

Nothing here touches the network. A link is accepted only if its whole text is a plain
http(s) URL on an allowlisted host (dot-boundary matched), on the default port, without
userinfo, IP literals or anything a URL parser could read two ways. Each platform turns its
long links into one canonical URL (the stored, de-duplicated key); short links (v.douyin.com,
b23.tv, ...) are marked for resolving by the fetcher, which checks every hop the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit

from bot.creators.platforms import DEFAULT_VIDEO_HOSTS, PLATFORMS, Platform

MAX_LINK_CHARS = 2048
MAX_TEXT_CHARS = 4096
"""Longer messages are refused as a whole (Telegram's own limit for one message)."""
MAX_LINKS_PER_MESSAGE = 10


class Refusal(StrEnum):
    """Why a link was not accepted (the bot explains each one in messages.REFUSALS)."""

    NOT_A_LINK = "not_a_link"
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"
    SCHEME = "scheme"
    MALFORMED = "malformed"
    USERINFO = "userinfo"
    PORT = "port"
    IP_HOST = "ip_host"
    UNSUPPORTED_SITE = "unsupported_site"
    NOT_A_VIDEO = "not_a_video"
    UNSAFE_ADDRESS = "unsafe_address"
    UNSAFE_REDIRECT = "unsafe_redirect"


class LinkRefused(ValueError):
    """A link that is not accepted; `reason` says why in a way the bot can explain."""

    def __init__(self, reason: Refusal, link: str = "") -> None:
        super().__init__(f"{reason.value}: {link[:200]!r}")
        self.reason = reason
        self.link = link


@dataclass(frozen=True)
class Link:
    """An accepted link: where to fetch it, and its canonical form (None until resolved)."""

    url: str
    """The link as given, cleaned (lower-case host, no fragment): what the fetcher opens."""
    platform: Platform
    canonical: str
    """The stored, de-duplicated form; for an unresolved short link, the cleaned short URL."""
    video_id: str | None
    is_short: bool = False


TRACKING_PARAMS = re.compile(
    r"^(utm_\w*|spm\w*|share_\w*|from\w*|source|vd_source|timestamp|ts|t|"
    r"is_copy_url|is_from_webapp|sender_device|u_code|did|iid|mid|xsec_\w*|"
    r"app_platform|app_version|apptime|ignoreengage|bbid|unique_k|shareid|scene|"
    r"previous_page|extra_params|wfr|isappinstalled|channel|refer\w*)$",
    re.IGNORECASE,
)


def _on(host: str, domain: str) -> bool:
    """Dot-boundary match: `www.douyin.com` is on douyin.com, `evildouyin.com` is not."""
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class LinkRules:
    """The allowlisted hosts and the platforms they belong to."""

    hosts: tuple[str, ...] = DEFAULT_VIDEO_HOSTS
    platforms: tuple[Platform, ...] = PLATFORMS

    @classmethod
    def from_hosts(cls, hosts: Iterable[str] | None) -> LinkRules:
        """Rules for a configured host list (KEPUBOT_VIDEO_HOSTS), or the default one."""
        if hosts is None:
            return cls()
        return cls(hosts=tuple(h.strip().lower().rstrip(".") for h in hosts if h.strip()))

    def allows(self, host: str) -> bool:
        return any(_on(host, allowed) for allowed in self.hosts)

    def platform_for(self, host: str) -> tuple[Platform, bool] | None:
        """The platform of an allowlisted host, and whether it is a short-link host."""
        if not self.allows(host):
            return None
        for platform in self.platforms:
            if any(_on(host, d) for d in platform.short_domains):
                return platform, True
        for platform in self.platforms:
            if any(_on(host, d) for d in platform.domains):
                return platform, False
        # A host added in the setting that no known platform owns: its own platform.
        domain = next(allowed for allowed in self.hosts if _on(host, allowed))
        return Platform(f"other:{domain}", domain, (domain,)), False

    @property
    def platform_names(self) -> list[str]:
        """Names of the platforms that have at least one allowlisted host."""
        return [
            p.name
            for p in self.platforms
            if any(self.allows(d) for d in (*p.domains, *p.short_domains))
        ]


_SHORT_PATH = re.compile(r"^/(?:[A-Za-z0-9_-]{1,64}/){0,2}[A-Za-z0-9_-]{1,64}/?$")

# --- strict URL checks ----------------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,15}):")
_NETLOC = re.compile(r"^([a-z0-9.-]{1,253})(?::(\d{1,5}))?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_URL_CHARS = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")
_PATH_CHARS = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/%-]*$")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})|%(?:[01][0-9A-Fa-f]|7[Ff])")
"""A stray % or a percent-encoded control character (%00-%1F, %7F: CR/LF injection)."""
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    """A URL that passed every check: safe to resolve and fetch."""

    scheme: str
    host: str
    port: int
    path: str
    query: str

    @property
    def url(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.scheme}://{self.host}{self.path or '/'}{query}"


def check_url(text: str, rules: LinkRules) -> Target:
    """Check a URL strictly (scheme, host, port, characters); raise LinkRefused if unsafe."""
    if len(text) > MAX_LINK_CHARS:
        raise LinkRefused(Refusal.TOO_LONG, text)
    scheme_match = _SCHEME.match(text)
    if scheme_match is None:
        raise LinkRefused(Refusal.NOT_A_LINK, text)
    scheme = scheme_match[1].lower()
    if scheme not in _DEFAULT_PORTS:
        raise LinkRefused(Refusal.SCHEME, text)
    if not _URL_CHARS.match(text) or _PERCENT.search(text):
        raise LinkRefused(Refusal.MALFORMED, text)  # quotes, backslashes, CR/LF, non-ASCII
    rest = text[len(scheme_match[0]) :]
    if not rest.startswith("//"):
        raise LinkRefused(Refusal.MALFORMED, text)
    netloc = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    if "@" in netloc:
        raise LinkRefused(Refusal.USERINFO, text)
    if netloc.startswith("["):
        raise LinkRefused(Refusal.IP_HOST, text)
    hostport = _NETLOC.match(netloc.lower())
    if hostport is None:
        raise LinkRefused(Refusal.MALFORMED, text)
    host = hostport[1].removesuffix(".")
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise LinkRefused(Refusal.MALFORMED, text)
    if len(labels) < 2:
        raise LinkRefused(Refusal.UNSUPPORTED_SITE, text)  # localhost, intranet names
    if re.fullmatch(r"[0-9a-fx]+", labels[-1]) and not labels[-1].isalpha():
        raise LinkRefused(Refusal.IP_HOST, text)  # 127.1, 0x7f.1, 2130706433 ...
    port = int(hostport[2]) if hostport[2] else _DEFAULT_PORTS[scheme]
    if port != _DEFAULT_PORTS[scheme]:
        raise LinkRefused(Refusal.PORT, text)
    if not rules.allows(host):
        raise LinkRefused(Refusal.UNSUPPORTED_SITE, text)
    parts = urlsplit(text)  # safe now: the host part holds only [a-z0-9.-] and a port
    if not _PATH_CHARS.match(parts.path):
        raise LinkRefused(Refusal.MALFORMED, text)
    return Target(scheme, host, port, parts.path, parts.query)


def parse_link(text: str, rules: LinkRules) -> Link:
    """An accepted video link with its canonical form; raise LinkRefused otherwise."""
    target = check_url(text.strip(), rules)
    found = rules.platform_for(target.host)
    if found is None:  # pragma: no cover - check_url already required an allowlisted host
        raise LinkRefused(Refusal.UNSUPPORTED_SITE, text)
    platform, short_host = found
    query = _query(target.query)
    is_short = short_host or bool(platform.short_path and platform.short_path.match(target.path))
    if is_short:
        if not _SHORT_PATH.match(target.path):
            raise LinkRefused(Refusal.NOT_A_VIDEO, text)
        short = f"https://{target.host}{target.path}"
        return Link(target.url, platform, short, None, is_short=True)
    if platform.canonical is not None:
        found_id = platform.canonical(target.host, target.path, query)
        if found_id is None:
            raise LinkRefused(Refusal.NOT_A_VIDEO, text)
        canonical, video_id = found_id
        return Link(_fetch_url(target, query), platform, canonical, video_id)
    return Link(_fetch_url(target, query), platform, _cleaned(target, platform, query), None)


def normalize_link(text: str, rules: LinkRules | None = None) -> str:
    """The canonical form of a video link (unresolved short links stay short)."""
    return parse_link(text, rules or LinkRules()).canonical


def _query(raw: str) -> dict[str, str]:
    pairs = parse_qsl(raw, keep_blank_values=False)
    return {key: value for key, value in pairs if not TRACKING_PARAMS.match(key)}


def _fetch_url(target: Target, query: Mapping[str, str]) -> str:
    """The link as given, without fragment and tracking parameters (scheme kept)."""
    suffix = f"?{urlencode(sorted(query.items()))}" if query else ""
    return f"{target.scheme}://{target.host}{target.path or '/'}{suffix}"


def _cleaned(target: Target, platform: Platform, query: Mapping[str, str]) -> str:
    """The canonical form for platforms without video-id rules: https, known params only."""
    kept = sorted((k, v) for k, v in query.items() if k.lower() in platform.keep_params)
    path = target.path or "/"
    if path == "/" and not kept:
        raise LinkRefused(Refusal.NOT_A_VIDEO, target.url)  # a home page, not a video
    suffix = f"?{urlencode(kept)}" if kept else ""
    return f"https://{target.host}{path}{suffix}"


# --- finding links in a message -------------------------------------------------------------

_ASCII_RUN = re.compile(r"[!-~]+")
"""Runs of visible ASCII: a link ends at whitespace or at the first Chinese character, as in
share texts like '…https://v.douyin.com/iRNBho6/ 复制此链接' or '…http://xhslink.com/a/x，复制'."""
_TRAILING = ".,;:!?)]}'\""
_LEADING = "([{'\"<"
_BARE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}/\S+$", re.IGNORECASE)
"""A link without scheme, with a path ('v.douyin.com/iRNBho6/'); a bare 'kepuchina.cn' in a
question is not taken for a submission."""
_DANGEROUS_SCHEMES = re.compile(r"^(?:javascript|data|vbscript|file|about|blob):", re.I)


def find_link_candidates(text: str) -> list[str]:
    """Everything in a message that looks like a link, in order (to accept or refuse)."""
    candidates = []
    for run in _ASCII_RUN.findall(text):
        run = run.lstrip(_LEADING)
        if "://" in run or _DANGEROUS_SCHEMES.match(run):
            candidate = run
        elif _BARE_HOST.match(run) and "@" not in run:
            candidate = "https://" + run
        else:
            continue
        # Sentence punctuation after a link is not part of it ("see https://b23.tv/x.").
        while candidate and candidate[-1] in _TRAILING and "://" in candidate[:-1]:
            if candidate[-1] == ")" and candidate.count("(") >= candidate.count(")"):
                break
            candidate = candidate[:-1]
        candidates.append(candidate)
    return candidates


def looks_like_links(text: str) -> bool:
    """True when a message contains something link-like (it is a submission, not a question)."""
    return bool(find_link_candidates(text[: MAX_TEXT_CHARS * 2]))
