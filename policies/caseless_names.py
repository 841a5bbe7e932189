"""Names the customer gives in a script without capital letters: "我叫王小明", "제 이름은 김민수입니다", "اسمي أحمد علي".

The spaCy model and every cue of policies/person_names.py read capitals, so in Chinese, Japanese, Korean,
Arabic, Persian, Hebrew, Devanagari or Thai they find nothing, and such a name reached the audit trail,
the transcript and the store unchanged (bot/core/language.py `caseless_script`; policies/routing.py keeps
such messages off the remote model, which this does not change: a name said without a cue still passes).
Here the customer's own words say a name follows ("my name is", "I am called", "this is ... speaking"), in
each of those languages, and the name is cut where the language's grammar ends it: a sentence mark, the
copula after it ("です", "입니다", "है", "است"), the next clause's first word ("و" and, "ו" and).

Hand-written: no NER model for these scripts installs from PyPI with its weights (spaCy's multilingual
`xx_ent_wiki_sm` is published on GitHub only), and the cues are a closed set per language. "I am X"
("我是", "저는") also introduces a role or a state ("我是新用户", I am a new user), so there the name must
start with a common family name of the language (the lists below, public knowledge: the most common
Chinese and Korean surnames).
"""

from __future__ import annotations

import re

from policies.pii_patterns import PERSON, Entity

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = r"\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff"  # hiragana, katakana
HANGUL = r"\uac00-\ud7a3"
# a word of a script written with spaces (Arabic, Persian, Hebrew, Devanagari, Thai): letters and combining marks
ARABIC_WORD = r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+"
HEBREW_WORD = r"[\u0590-\u05ff\ufb1d-\ufb4f]+"
DEVANAGARI_WORD = r"[\u0900-\u097f]+"
THAI_WORD = r"[\u0e00-\u0e7f]+"

# the most common Chinese family names (one character; two-character ones start with one of these or are rare)
CHINESE_SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖田董袁潘于蒋蔣蔡余杜叶葉程苏蘇"
    "魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴"
    "覃武戴莫孔向汤湯欧歐司上诸諸"
)
# the most common Korean family names (one syllable)
KOREAN_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)

# Chinese: "我叫王小明", "我的名字是/叫李娜", "我姓王", "本人王小明"; "我是李娜" only with a family name (see above)
_ZH_CUE = re.compile(rf"(?:我叫|我的名字(?:是|叫)|名字(?:是|叫)|我姓|本人(?:姓名)?(?:是)?|姓名[:：]?\s*)\s*([{HAN}]{{1,4}})")
_ZH_IAM = re.compile(rf"我是\s*([{HAN}]{{2,3}})(?![{HAN}])")
# Japanese: "田中太郎と申します", "私の名前は佐藤花子です", "名前は佐藤です", "佐藤と言います"
_JA_NAME = rf"[{HAN}\u30a0-\u30ff]{{1,4}}(?:[ \u3000][{HAN}\u30a0-\u30ff]{{1,4}})?"
_JA_BEFORE = re.compile(rf"({_JA_NAME})(?:と申します|と申す|といいます|と言います|と申しま)")
_JA_AFTER = re.compile(rf"名前は\s*({_JA_NAME})(?=です|と|でございます|[、。,.!！?？\s]|$)")
# Korean: "제 이름은 김민수입니다", "저는 박지영이에요", "김민수라고 합니다"
_KO_COPULA = r"(?:입니다|이에요|예요|이야|이고|라고|이라고|이라|야|요)"
_KO_NAME_IS = re.compile(rf"(?:제|내|저의|나의)\s*이름은\s*([{HANGUL}]{{2,4}}?){_KO_COPULA}")
_KO_IAM = re.compile(rf"(?:저는|전|나는|난)\s*([{HANGUL}]{{2,4}}?)(?:입니다|이에요|예요|이라고\s*합니다|라고\s*합니다)")
_KO_CALLED = re.compile(rf"([{HANGUL}]{{2,4}}?)(?:이라고|라고)\s*합니다")
# Arabic and Persian: "اسمي أحمد علي", "اسم من علی رضایی است", "أنا اسمي ...": up to three words, not the next clause
_AR_CUE = re.compile(rf"(?:اسمي|إسمي|أسمي|اسم من|نام من|اسمى)\s+((?:{ARABIC_WORD})(?:\s+{ARABIC_WORD}){{0,2}})")
_AR_STOP = re.compile(r"^(?:و\S*|است|هست|هستم|می|من|لا|في|من|على|عن|إلى|الى|ولا|لكن|ولكن|که|و|با|از|به|در|را)$")
# Hebrew: "שמי דוד כהן", "קוראים לי דוד", "השם שלי דוד"
_HE_CUE = re.compile(rf"(?:שמי|קוראים לי|השם שלי(?: הוא)?)\s+((?:{HEBREW_WORD})(?:\s+{HEBREW_WORD}){{0,2}})")
_HE_STOP = re.compile(r"^(?:ו\S*|אני|לא|יש|של|את|עם|על|כי|אבל|ה\S*ום)$")
# Hindi: "मेरा नाम राहुल शर्मा है"
_HI_CUE = re.compile(rf"(?:मेरा नाम|मेरा शुभ नाम)\s+((?:{DEVANAGARI_WORD})(?:\s+{DEVANAGARI_WORD}){{0,2}}?)\s+(?:है|हैं)")
# Thai: "ผมชื่อสมชาย ใจดี", "ฉันชื่อ ...", "ดิฉันชื่อ ...": the given name, and a family name spaced after it
_TH_CUE = re.compile(rf"(?:ผม|ฉัน|ดิฉัน|หนู|เรา|กระผม)ชื่อ\s*({THAI_WORD})(?:\s+({THAI_WORD})(?=\s))?")
_TH_POLITE = re.compile(r"(?:ครับ|ค่ะ|คะ|นะ|จ้ะ|จ้า)+$")


def caseless_names(text: str) -> list[Entity]:
    """PERSON entities for the names the text gives after a cue, in the scripts without case."""
    found: list[tuple[int, int]] = []
    for regex in (_ZH_CUE, _JA_BEFORE, _JA_AFTER, _KO_NAME_IS, _KO_CALLED):
        found += [m.span(1) for m in regex.finditer(text)]
    found += [m.span(1) for m in _ZH_IAM.finditer(text) if m.group(1)[0] in CHINESE_SURNAMES]
    found += [m.span(1) for m in _KO_IAM.finditer(text) if m.group(1)[0] in KOREAN_SURNAMES]
    for regex, stop in ((_AR_CUE, _AR_STOP), (_HE_CUE, _HE_STOP)):
        for m in regex.finditer(text):
            found += _words_until(m.start(1), m.group(1), stop)
    found += [m.span(1) for m in _HI_CUE.finditer(text)]
    for m in _TH_CUE.finditer(text):
        given = _TH_POLITE.sub("", m.group(1))
        if given:
            end = m.end(2) if m.group(2) else m.start(1) + len(given)
            found.append((m.start(1), end))
    return [Entity(PERSON, s, e, text[s:e]) for s, e in _disjoint(found)]


def _words_until(start: int, words: str, stop: re.Pattern[str]) -> list[tuple[int, int]]:
    """The words of `words` (at `start` in the text) up to the first that begins the next clause."""
    end = start
    for m in re.finditer(r"\S+", words):
        if stop.match(m.group()):
            break
        end = start + m.end()
    return [(start, end)] if end > start else []


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans)):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
