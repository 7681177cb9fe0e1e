"""Chinese CDA (``lang="zh"``): hand-written tricky sentences, each with the expected
counterfactual written by hand; the word lists' consistency; the command line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairlm.augment import CounterfactualAugmenter
from fairlm.augment import _wordlists_zh as Z
from fairlm.augment._zh import ChineseSwapper
from fairlm.cli import main
from fairlm.errors import FairlmError


@pytest.fixture(scope="module")
def zh():
    return CounterfactualAugmenter("gender", lang="zh")


# (text, expected counterfactual, words swapped), each written and checked by hand
TRICKY = [
    # pronouns; 她们 and 他们 before 她 and 他
    ("他说她会来。", "她说他会来。", 2),
    ("她们和他们都来了。", "他们和她们都来了。", 2),
    ("他们俩是父子。", "她们俩是母女。", 2),
    # 他 meaning "other", inside a longer word: never swapped
    ("其他人都走了。", "其他人都走了。", 0),
    ("不要打扰他人，他自己知道。", "不要打扰他人，她自己知道。", 1),
    ("他弹吉他弹得很好。", "她弹吉他弹得很好。", 1),
    ("他乡遇故知，他很高兴。", "他乡遇故知，她很高兴。", 1),
    ("他妈的，他又迟到了。", "他妈的，她又迟到了。", 1),
    # a word inside a longer word: 男人 in 男人们, 外孙 in 外孙女, 独生子 in 独生子女
    ("男人们在讨论，女人们在听。", "女人们在讨论，男人们在听。", 2),
    ("外孙女和外孙一起玩。", "外孙和外孙女一起玩。", 2),
    ("独生子女政策下，独生子很多。", "独生子女政策下，独生女很多。", 1),
    ("兄弟姐妹要互相帮助，兄弟俩也是。", "兄弟姐妹要互相帮助，姐妹俩也是。", 1),
    ("他是男子汉大丈夫，不是她的丈夫。", "她是男子汉大丈夫，不是他的妻子。", 3),
    ("他在读孙子兵法，她的孙子很可爱。", "她在读孙子兵法，他的孙女很可爱。", 3),
    # kinship and address
    ("我的女儿和儿子都上学了。", "我的儿子和女儿都上学了。", 2),
    ("我哥哥和弟弟都是男生。", "我姐姐和妹妹都是女生。", 3),
    ("爸妈都同意了，我爸先说的。", "爸妈都同意了，我妈先说的。", 1),
    ("叔叔阿姨好！", "阿姨叔叔好！", 2),
    ("老婆婆说老公公病了。", "老公公说老婆婆病了。", 2),
    ("小姑娘问老奶奶路。", "小伙子问老爷爷路。", 2),
    ("新娘子和新郎官拜堂。", "新郎官和新娘子拜堂。", 2),
    ("王先生和他的太太来了。", "王女士和她的先生来了。", 3),
    # occupations marked for gender; the longest word first
    ("她男朋友是男老师。", "他女朋友是女老师。", 3),
    ("女强人不一定是女性。", "男强人不一定是男性。", 2),
    ("男工程师和男工都来了。", "女工程师和女工都来了。", 2),
    ("王子和公主幸福地生活在一起。", "公主和王子幸福地生活在一起。", 2),
    # names: whole names only; 小红书 (an app) is not 小红
    ("小红书上有人说小明喜欢小红。", "小红书上有人说小红喜欢小明。", 2),
    # nothing to swap: unchanged, including other scripts and exclamations
    ("我的妈呀！今天下雨。", "我的妈呀！今天下雨。", 0),
    ("他说OK，she said no。", "她说OK，she said no。", 1),
]


@pytest.mark.parametrize(("text", "expected", "n"), TRICKY)
def test_tricky_sentences(zh, text, expected, n):
    assert zh.swap_count(text) == (expected, n)


def test_there_are_enough_tricky_cases():
    assert len(TRICKY) >= 20


def test_attribute_and_modes(zh):
    assert zh.attribute("他的爸爸是医生。") == 0
    assert zh.attribute("她们是女生。") == 1
    assert zh.attribute("他和她。") == -1
    assert zh.attribute("其他人和吉他。") == -1  # protected words name no gender
    two = CounterfactualAugmenter("gender", lang="zh")
    assert two.augment(["他来了。", "下雨了。"]) == ["他来了。", "她来了。", "下雨了。"]
    one = CounterfactualAugmenter("gender", lang="zh", mode="one-sided")
    assert one.augment(["他来了。", "下雨了。"]) == ["她来了。", "下雨了。"]


def test_pairs_argument_replaces_the_list_but_keeps_protection():
    aug = CounterfactualAugmenter("gender", lang="zh", pairs=[("他", "她")])
    assert aug.swap("他和其他人说爸爸来了。") == "她和其他人说爸爸来了。"


def test_word_lists_are_consistent():
    # each word listed once (the constructor raises otherwise); one-way targets have partners
    swapper = ChineseSwapper.default()
    pairs = [*Z.ZH_GENDER_PAIRS, *Z.ZH_NAME_PAIRS]
    words = [w for p in pairs for w in p]
    assert len(words) == len(set(words)) and not set(words) & Z.ZH_PROTECTED
    assert swapper.two_sided_words == frozenset(words)
    # every protected word contains a gendered word: it protects something
    for p in Z.ZH_PROTECTED:
        assert any(w in p for w in words), p
    with pytest.raises(ValueError, match="listed twice"):
        ChineseSwapper([("他", "她"), ("他", "它")])


SEPARATORS = ["，", "。", "、", "！", " ", "说"]  # none starts or ends a listed word


@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_two_sided_swapping_is_an_involution(zh, data):
    words = sorted(zh.two_sided_words)
    chosen = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=8))
    n = len(chosen)
    seps = data.draw(st.lists(st.sampled_from(SEPARATORS), min_size=n, max_size=n))
    text = "".join(w + s for w, s in zip(chosen, seps, strict=True))
    once, n = zh.swap_count(text)
    assert n == len(chosen) and once != text
    assert zh.swap(once) == text


def test_user_errors():
    with pytest.raises(FairlmError, match="gender terms only"):
        CounterfactualAugmenter("race", lang="zh")
    with pytest.raises(FairlmError, match="unknown CDA language 'fr'"):
        CounterfactualAugmenter("gender", lang="fr")  # type: ignore[arg-type]


def test_augment_cli_lang_zh(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": 1, "text": "他人说他是好儿子。"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["augment", str(src), str(out), "--lang", "zh", "--mode", "one-sided"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [{"id": 1, "text": "他人说她是好女儿。", "counterfactual": True}]
    assert "1 texts read, 1 with gender terms (2 swaps)" in capsys.readouterr().err
    assert main(["augment", str(src), str(out), "--lang", "zh", "--axis", "race"]) == 2
    assert "gender terms only" in capsys.readouterr().err


def test_debias_methods_take_lang(tmp_path):
    from fairlm.mitigation import METHODS
    from fairlm.mitigation._method import DebiasRun

    cda = METHODS.get("cda")(lang="zh")
    assert cda.options()["lang"] == "zh"
    with pytest.raises(FairlmError, match="lang zh has gender terms only"):
        METHODS.get("cda")(lang="zh", axis="race")
    config = type("C", (), {"seed": 0, "data_dir": None})()
    run = DebiasRun(config=config, output_dir=tmp_path, log=print, is_main=True)  # type: ignore[arg-type]
    assert run.augmenter("gender", lang=cda.lang).swap("他的女儿") == "她的儿子"


@given(text=st.text(max_size=200))
@settings(max_examples=150, deadline=None)
def test_arbitrary_text_never_crashes(zh, text):
    out, n = zh.swap_count(text)
    assert n >= 0 and (n > 0 or out == text)
    assert zh.attribute(text) in (-1, 0, 1)
