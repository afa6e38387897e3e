"""Chinese text as the search index and its queries see it.

Plain functions, no whoosh: engine/analysis.py wraps them as analyzers, query.py applies the same
ones to what people type, so a document and a query are always cut the same way.

- normalise: NFKC (full-width letters and digits, （）), lower case, traditional
  characters to simplified (OpenCC t2s), so 質量 finds 质量 and ＡＢＣ finds abc.
- units: the text as a sequence of units, one per Chinese character and one per run of
  ASCII letters and digits; punctuation and spaces only separate units.
- grams: every unit and every pair of adjacent units, positioned at the unit's index.
  A phrase of n units is then the n-1 pairs at consecutive positions, so a phrase query
  over pairs matches exactly the texts that contain the phrase, across word boundaries
  (继电 in 许继电源) and whatever a word segmenter would make of it.
- words: jieba in search mode, for ranking (a query that matches whole words ranks
  higher); never used for positions, since search mode emits overlapping words.
- pinyin: every reading of every character (行: xing, hang, heng), full and initials,
  as positioned syllables and syllable pairs, so yuncheng, ycs and 海儿 (for 海尔) match.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import chain, pairwise, product, repeat
from pathlib import Path

# Readings kept per position of a pinyin pair, to bound the product of polyphonic chars.
MAX_READINGS = 4

_UNIT = re.compile(r"[0-9a-z]+|[^\W_]")
_RUN = re.compile(r"[^\W_]+")  # adjacent units: pairs never cross what is between runs
_ASCII = re.compile(r"[0-9a-z]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN = re.compile(r"^[a-z]+$")


# --- Normalisation ------------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC, lower case, simplified characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    if not _traditional().isdisjoint(text):
        text = _converter().convert(text)
    return text


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _traditional() -> frozenset[str]:
    """The characters OpenCC's t2s changes: converting only text that has one is what
    makes indexing fast, since almost everything published is simplified already (a
    set, not a character class: a regular expression of thousands of characters takes
    ten times as long to look through a text)."""
    import opencc

    dictionary = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and targets.split() and targets.split()[0] != source:
            chars.add(source)
    phrases = Path(opencc.__file__).parent / "dictionary" / "TSPhrases.txt"
    for line in phrases.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split()[0] if targets.split() else source
        chars.update(a for a, b in zip(source, target, strict=False) if a != b)
    return frozenset(chars)


# --- Units and grams ------------------------------------------------------------------------


def units(text: str) -> list[tuple[str, int, int]]:
    """(unit, start, end) of normalised text; a unit is a character or an ASCII run."""
    return [(match.group(), match.start(), match.end()) for match in _UNIT.finditer(text)]


def grams(text: str, singles: bool = True) -> list[tuple[str, int]]:
    """(term, position) of normalised text: each unit (each character only if `singles`:
    ASCII runs such as 2023 always) and each pair of adjacent units (not across
    punctuation or spaces), at the first unit's index."""
    found = units(text)
    terms = []
    for index, (unit, _start, end) in enumerate(found):
        if singles or len(unit) > 1:
            terms.append((unit, index))
        if index + 1 < len(found) and found[index + 1][1] == end:
            terms.append((unit + found[index + 1][0], index))
    return terms


def gram_lists(text: str, singles: bool = True) -> tuple[list[str], list[int]]:
    """grams(text, singles) as two lists, terms and their positions, units before pairs
    within each run of adjacent units: the same terms at the same positions, made with
    list and map operations rather than one Python step per character (indexing cuts
    every body this way)."""
    terms: list[str] = []
    positions: list[int] = []
    for run, found, offset in _runs(text):
        count = len(found)
        if singles:
            terms += found
            positions += range(offset, offset + count)
        elif count != len(run):  # ASCII runs of two or more characters stand alone too
            for index, unit in enumerate(found, offset):
                if len(unit) > 1:
                    terms.append(unit)
                    positions.append(index)
        if count > 1:
            terms += map(str.__add__, found, found[1:])
            positions += range(offset, offset + count - 1)
    return terms, positions


def _runs(text: str) -> Iterator[tuple[str, list[str], int]]:
    """Each run of adjacent units in text: (run, its units, the position of its first)."""
    offset = 0
    for run in _RUN.findall(text):
        found = _UNIT.findall(run) if _ASCII.search(run) else list(run)
        yield run, found, offset
        offset += len(found)


def unit_runs(text: str) -> list[list[str]]:
    """The units of `text` in runs of adjacent ones: punctuation and spaces split runs."""
    runs, current, previous_end = [], [], None
    for unit, start, end in units(text):
        if previous_end is not None and start != previous_end:
            runs.append(current)
            current = []
        current.append(unit)
        previous_end = end
    if current:
        runs.append(current)
    return runs


def phrase_terms(text: str) -> list[list[str]]:
    """What a query phrase must match, as runs of consecutive pair terms: ["许继", "继电",
    "电源"] for 许继电源; a single unit stays as is. Punctuation splits runs."""
    return [[a + b for a, b in pairwise(run)] or run for run in unit_runs(text)]


def phrase_pattern(pairs: list[str]) -> re.Pattern[bytes]:
    """What a run of pairs (phrase_terms) stands for in normalised text, as a pattern
    over its UTF-8: its units in a row, with an ASCII unit at either end not running
    on into more letters or digits (2023 is not in 12023). Pairs at consecutive
    positions are exactly that: pairs never cross punctuation or spaces, and two ASCII
    units are never adjacent (they would be one)."""
    units = [_UNIT.findall(pairs[0])[0], *(_UNIT.findall(pair)[-1] for pair in pairs)]
    pattern = re.escape("".join(units))
    if _ASCII.match(units[0]):
        pattern = "(?<![0-9a-z])" + pattern
    if _ASCII.match(units[-1]):
        pattern += "(?![0-9a-z])"
    return re.compile(pattern.encode())


# --- Words ----------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """jieba's search-mode words of normalised text, punctuation and spaces left out.

    jieba cuts a text as the blocks its own pattern splits it into, each on its own
    (Chinese, letters and digits; the rest), so the words of a text are its blocks'
    words in turn, and each block is cut once per process: texts share most of theirs
    (a programme's titles, the sentences of its notices)."""
    found: list[str] = []
    for block in _jieba().re_han_default.split(text):
        if block:
            found += _block_words(block)
    return found


@lru_cache(maxsize=65536)
def _block_words(block: str) -> tuple[str, ...]:
    return tuple(word for word in _jieba().cut_for_search(block) if _UNIT.match(word))


@cache
def _jieba():
    with warnings.catch_warnings():
        # jieba 0.42.1 has invalid escapes in its regular expressions, which a fresh
        # compile reports (DeprecationWarning on 3.11): harmless, silenced for its files.
        for category in (SyntaxWarning, DeprecationWarning):
            warnings.filterwarnings("ignore", category=category, module=r".*[/\\]jieba[/\\]")
        import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary on stderr otherwise
    jieba.initialize()
    return jieba


def warm_up() -> None:
    """Load jieba's dictionary and the OpenCC tables now rather than on the first query."""
    words("质量")
    normalise("質量")


# --- Pinyin ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def readings(unit: str) -> tuple[str, ...]:
    """Every toneless reading of a character (行: xing, hang, heng); an ASCII run or a
    character without pinyin reads as itself."""
    if not _HAN.match(unit):
        return (unit,)
    from pypinyin import Style, pinyin

    found = pinyin(unit, style=Style.NORMAL, heteronym=True, errors="ignore")
    found = [reading for reading in (found[0] if found else []) if _LATIN.match(reading)]
    return tuple(dict.fromkeys(found))[:MAX_READINGS] or (unit,)


def pinyin_terms(text: str) -> list[tuple[str, int]]:
    """Full pinyin of normalised text: each syllable and each pair of syllables
    ("yun", "yun cheng"), every reading of every character, positioned by unit."""
    return _syllable_terms(text, _reading)


def initial_terms(text: str) -> list[tuple[str, int]]:
    """Initials of normalised text, as pairs ("yc", "cs" for 运城市): a single letter
    matches too much to be worth a term of its own."""
    return [(term, position) for term, position in _syllable_terms(text, _initial) if " " in term]


def pinyin_lists(text: str) -> tuple[list[str], list[int]]:
    """pinyin_terms(text) as two lists, terms and positions, syllables before pairs
    within each run of adjacent units (made a run at a time, as gram_lists)."""
    return _syllable_lists(text, _reading, singles=True)


def initial_lists(text: str) -> tuple[list[str], list[int]]:
    """initial_terms(text) as two lists, terms and positions."""
    return _syllable_lists(text, _initial, singles=False)


def _syllable_lists(text: str, shape, singles: bool) -> tuple[list[str], list[int]]:
    terms: list[str] = []
    positions: list[int] = []
    for _run, found, offset in _runs(text):
        count = len(found)
        if singles:
            options = list(map(_shaped, found, repeat(shape)))
            terms += chain.from_iterable(options)
            positions += chain.from_iterable(
                map(repeat, range(offset, offset + count), map(len, options))
            )
        if count > 1:
            options = list(map(_shaped_pairs, found, found[1:], repeat(shape)))
            terms += chain.from_iterable(options)
            positions += chain.from_iterable(
                map(repeat, range(offset, offset + count - 1), map(len, options))
            )
    return terms, positions


def _reading(reading: str) -> str:
    return reading


def _initial(reading: str) -> str:
    return reading[0] if _LATIN.match(reading) else reading


def _syllable_terms(text: str, shape) -> list[tuple[str, int]]:
    found = units(text)
    terms = []
    for index, (unit, _start, end) in enumerate(found):
        terms.extend((option, index) for option in _shaped(unit, shape))
        if index + 1 < len(found) and found[index + 1][1] == end:
            terms.extend((pair, index) for pair in _shaped_pairs(unit, found[index + 1][0], shape))
    return terms


@lru_cache(maxsize=65536)
def _shaped(unit: str, shape) -> tuple[str, ...]:
    return tuple(dict.fromkeys(shape(reading) for reading in readings(unit)))


@lru_cache(maxsize=262144)
def _shaped_pairs(first: str, second: str, shape) -> tuple[str, ...]:
    """Every reading of two adjacent units as a syllable pair, once per build."""
    return tuple(f"{a} {b}" for a, b in product(_shaped(first, shape), _shaped(second, shape)))


def query_pinyin(text: str) -> list[list[str]]:
    """The readings of a Chinese query as alternative syllable sequences (海儿: [["hai",
    "er"], ["hai", "ren"]]), at most 8, for homophones of what was meant."""
    options = [readings(unit) for unit, _, _ in units(text)]
    sequences = []
    for combination in product(*options):
        sequences.append(list(combination))
        if len(sequences) == 8:
            break
    return sequences


def is_han(text: str) -> bool:
    return bool(_HAN.search(text))


# Mandarin syllables (toneless, ü as v), for reading a Latin query as pinyin.
SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai
    can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de
    dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa
    fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai
    guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan
    huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan
    kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
    le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma
    mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang
    nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o
    ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang
    qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua
    ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen
    sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo
    ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan
    wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya
    yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen
    zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan
    zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo""".split()
)
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))


def syllable_splits(latin: str, limit: int = 4) -> list[list[str]]:
    """Ways to read a run of Latin letters as pinyin syllables, fewest syllables first
    (xian: [xian], [xi, an]); [] when it is not pinyin. At most `limit` ways."""
    if not _LATIN.match(latin) or len(latin) > 40:
        return []

    @cache
    def splits(start: int) -> tuple[tuple[str, ...], ...]:
        if start == len(latin):
            return ((),)
        found = []
        for end in range(min(len(latin), start + _LONGEST_SYLLABLE), start, -1):
            if latin[start:end] in SYLLABLES:
                found.extend((latin[start:end], *rest) for rest in splits(end))
            if len(found) >= limit * 4:
                break
        return tuple(found)

    return [list(split) for split in sorted(splits(0), key=len)[:limit]]
