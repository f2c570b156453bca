"""The categories a creator files a video under (the submission flow's buttons, /showcase)."""

CATEGORIES: tuple[str, ...] = ("健康", "航天", "人工智能", "农业", "防灾", "其他")
OTHER_CATEGORY = CATEGORIES[-1]
