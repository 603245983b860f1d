"""A synthetic real-population registry at league scale, for benchmarks and load tests.

``write_population_csv(path, n, seed)`` writes ``n`` residents, as the import template's
columns, over every community and gacha/village of the real division tree, and
``manage.py demo_data --residents N`` (N above the small demo size) imports that file
through ``do_import_residents`` — the same validation, encryption and indexes as a real
import. Deterministic for a seed.

What makes it realistic enough to measure with:

- residents are spread over the six banners/counties/cities in the proportions of the
  seventh census (2020), and unevenly over the communities inside each (a lognormal
  weight), as real communities differ several-fold in size;
- households of 1–6 people, about 2.6 on average (the league's census average is 2.5–2.7),
  each with one householder, a spouse in most, children and sometimes a parent;
- about 41 % Mongol ethnicity (蒙古族, 02) as in the league, Han names drawn from the
  zh_CN surname and given-name frequencies Faker ships, Mongol names from a list of
  common Mongolian given names in Chinese transcription;
- ages from an age pyramid shaped like the league's (fewer children, a bulge at 45–60);
- valid checksummed citizen IDs whose address code is the county and whose birth date
  and sex agree with the row; about 8 % migrants registered elsewhere in Inner Mongolia;
- phones for about 70 %; tags (care categories, elderly living alone) for some.

Nothing here touches the database.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from gongzhi.core.idcard import generate_citizen_id
from gongzhi.residents.importing import COLUMNS

# Approximate resident population by county code (第七次全国人口普查, 2020, in 10,000s):
# 乌兰浩特市 32.7, 阿尔山市 3.7, 科右前旗 29.6, 科右中旗 22.5, 扎赉特旗 28.4, 突泉县 24.4.
# Only the proportions matter here.
COUNTY_WEIGHTS = {
    "152201": 32.7,
    "152202": 3.7,
    "152221": 29.6,
    "152222": 22.5,
    "152223": 28.4,
    "152224": 24.4,
}
MONGOL_SHARE = 0.41
MIGRANT_SHARE = 0.08
PHONE_SHARE = 0.7
# Where migrants are registered: other Inner Mongolia prefectures (GB/T 2260).
MIGRANT_ORIGINS = ("150102", "150203", "150402", "150502", "150602", "150702", "152502")
# Age pyramid: (lowest age, highest age, share) — fewer children, a bulge at 45–60.
AGE_BANDS = (
    (0, 14, 0.13),
    (15, 29, 0.15),
    (30, 44, 0.20),
    (45, 59, 0.27),
    (60, 74, 0.18),
    (75, 95, 0.07),
)
HOUSEHOLD_SIZES = ((1, 0.17), (2, 0.32), (3, 0.27), (4, 0.15), (5, 0.06), (6, 0.03))
MONGOL_GIVEN = {
    "1": (
        "巴特尔",
        "额尔敦",
        "朝鲁",
        "苏和",
        "宝音",
        "孟和",
        "那顺",
        "阿拉坦",
        "巴雅尔",
        "特木尔",
        "毕力格",
        "哈斯",
        "乌力吉",
        "达来",
        "布和",
        "吉日嘎拉",
        "图门",
        "额尔德尼",
        "巴图",
        "敖其尔",
    ),
    "2": (
        "乌日娜",
        "萨仁",
        "其其格",
        "娜仁",
        "托娅",
        "高娃",
        "斯琴",
        "塔娜",
        "乌兰",
        "图雅",
        "萨日朗",
        "阿拉坦其其格",
        "琪琪格",
        "吉雅",
        "斯日古楞",
        "格日乐",
        "苏布达",
        "其木格",
        "乌云",
        "哈斯高娃",
    ),
}
# Surnames Mongols in the league commonly carry in Chinese records (about a third do).
MONGOL_SURNAMES = ("包", "白", "宝", "韩", "吴", "陈", "金", "鲍", "那")
TAG_CHOICES = (
    ("social_assistance", 0.04),
    ("disabled", 0.05),
    ("veteran", 0.02),
    ("left_behind_elder", 0.02),
    ("mental_disorder", 0.004),
    ("released_prisoner", 0.002),
)
HEADERS = list(COLUMNS)


class _Names:
    """Weighted Han surnames and given names from Faker's zh_CN tables, sampled fast."""

    def __init__(self, rng: random.Random) -> None:
        from faker.providers.person.zh_CN import Provider

        self.rng = rng
        surnames = Provider.last_names
        self.surnames = list(surnames)
        self.surname_weights = list(accumulate(surnames.values()))
        self.given = {"1": list(Provider.first_names_male), "2": list(Provider.first_names_female)}

    def han(self, sex: str) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        given = rng.choice(self.given[sex])
        if len(given) == 1 and rng.random() < 0.6:
            given += rng.choice(self.given[sex])[-1]
        return surname + given

    def mongol(self, sex: str) -> str:
        given = self.rng.choice(MONGOL_GIVEN[sex])
        if self.rng.random() < 0.3:
            return self.rng.choice(MONGOL_SURNAMES) + given
        return given


def _age(rng: random.Random, low: int = 0) -> int:
    bands = [band for band in AGE_BANDS if band[1] >= low]
    lowest, highest, _share = rng.choices(bands, weights=[band[2] for band in bands])[0]
    return rng.randint(max(lowest, low), highest)


def _unique_id(rng: random.Random, used: set[int], address: str, birth: date, sex: str) -> str:
    """A citizen ID not drawn before; the birth date moves a day if its numbers run out."""
    for attempt in range(10_000):
        number = generate_citizen_id(
            rng, address_code=address, birth_date=birth - timedelta(days=attempt // 50), sex=sex
        )
        key = int(number[:17])
        if key not in used:
            used.add(key)
            return number
    raise RuntimeError("no unused citizen ID near this birth date")  # pragma: no cover


def _birth(rng: random.Random, today: date, age: int) -> date:
    return today - timedelta(days=age * 365 + rng.randrange(365))


def community_weights(communities: list[str], rng: random.Random) -> tuple[list[str], list[float]]:
    """Communities and cumulative weights: county share × a lognormal size per community."""
    by_county: dict[str, list[str]] = {}
    for code in communities:
        by_county.setdefault(code[:6], []).append(code)
    chosen: list[str] = []
    weights: list[float] = []
    for county, codes in sorted(by_county.items()):
        sizes = [rng.lognormvariate(0, 0.6) for _code in codes]
        total = sum(sizes)
        share = COUNTY_WEIGHTS.get(county, min(COUNTY_WEIGHTS.values()))
        for code, size in zip(codes, sizes, strict=True):
            chosen.append(code)
            weights.append(share * size / total)
    return chosen, list(accumulate(weights))


def population_rows(
    n: int, seed: int, communities: list[str], *, today: date, prefix: str = "S"
) -> Iterator[dict[str, str]]:
    """``n`` synthetic residents as template rows, household by household."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    names = _Names(rng)
    places, cumulative = community_weights(communities, rng)
    sizes = [size for size, _share in HOUSEHOLD_SIZES]
    size_weights = [share for _size, share in HOUSEHOLD_SIZES]
    tag_codes = [code for code, _share in TAG_CHOICES]
    tag_shares = [share for _code, share in TAG_CHOICES]
    used: set[int] = set()  # the IDs drawn so far (17 digits as an int): no one twice
    made = 0
    household = 0
    while made < n:
        household += 1
        place = rng.choices(places, cum_weights=cumulative)[0]
        county = place[:6]
        size = min(rng.choices(sizes, weights=size_weights)[0], n - made)
        mongol = rng.random() < MONGOL_SHARE
        migrant = rng.random() < MIGRANT_SHARE
        origin = rng.choice(MIGRANT_ORIGINS) if migrant else county
        number = f"{prefix}{place}{household:07d}"
        head_age = _age(rng, low=20 if size > 1 else 18)
        head_sex = rng.choice("12")
        for member in range(size):
            if member == 0:
                relationship, sex, age = "户主", head_sex, head_age
            elif member == 1:
                relationship = "配偶"
                sex = "2" if head_sex == "1" else "1"
                age = max(18, head_age + rng.randint(-5, 5))
            elif member == size - 1 and size >= 5 and head_age < 60:
                relationship, sex, age = "父母", rng.choice("12"), head_age + rng.randint(22, 32)
            else:
                sex = rng.choice("12")
                relationship = "子" if sex == "1" else "女"
                age = max(0, head_age - rng.randint(20, 35))
            age = min(age, 100)
            birth = _birth(rng, today, age)
            member_mongol = mongol if member != 1 or rng.random() < 0.8 else not mongol
            tags = [
                code
                for code, share in zip(tag_codes, tag_shares, strict=True)
                if rng.random() < share
            ]
            if size == 1 and age >= 65:
                tags.append("elder_living_alone")
            yield {
                "姓名": names.mongol(sex) if member_mongol else names.han(sex),
                "证件号码": _unique_id(rng, used, origin, birth, sex),
                "民族": "蒙古族" if member_mongol else "汉族",
                "户号": number,
                "与户主关系": relationship,
                "所在区划代码": place,
                "居住情况": "流动人口" if migrant else "人户一致",
                "性别": "男" if sex == "1" else "女",
                "出生日期": birth.isoformat(),
                "联系电话": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
                if age >= 16 and rng.random() < PHONE_SHARE
                else "",
                "政治面貌": "中共党员" if age >= 18 and rng.random() < 0.07 else "群众",
                "户籍地区划代码": origin,
                "标签": ",".join(tags),
            }
            made += 1


def write_population_csv(
    path: Path, n: int, seed: int, communities: list[str], *, today: date, prefix: str = "S"
) -> Path:
    """Write ``n`` synthetic residents to ``path`` (UTF-8 CSV with the template's headers)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in population_rows(n, seed, communities, today=today, prefix=prefix):
            writer.writerow([row.get(name, "") for name in HEADERS])
    return path
